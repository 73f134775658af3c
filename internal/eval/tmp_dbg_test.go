package eval

import (
	"context"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/matcher"
)

func TestTmpDbg(t *testing.T) {
	mi := openMiami(t)
	lat, lon, _ := data.Centroid(os.Getenv("Z"))
	age := 45.0
	res, err := mi.m.Match(context.Background(), matcher.Request{Client: matcher.Client{Age: &age}, Place: orb.Point{lon, lat}, MaxDistanceKm: 20, Needs: []matcher.NeedInput{{Code: os.Getenv("N"), Text: os.Getenv("T")}}, At: evalAt, IncludeVirtual: true, Explain: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("needs %+v unmet %v", res.Needs, res.UnmetNeeds)
	for _, o := range res.Options {
		t.Logf("opt %s %v %v", o.Name, o.DistanceKm, o.Reasons)
	}
	for _, x := range res.Ineligible {
		t.Logf("inel %s: %s", x.Name, x.Reason)
	}
}
