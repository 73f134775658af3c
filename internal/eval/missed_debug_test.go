package eval

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/refer-project/refer/matcher"
)

// debugMissed, when EVAL_DEBUG names the case, lists the relevant options
// of the need that its first ten do not hold, best grade and nearest first:
// where each stands among the first matcher.MaxLimit, that eligibility left
// it out (and why), or that it is not among them at all (never a candidate,
// or ranked lower).
func debugMissed(t *testing.T, d *directory, j *judge, c evalCase, need string, req matcher.Request, shown []string, client orb.Point) {
	if q := os.Getenv("EVAL_DEBUG"); q == "" || !strings.Contains(c.Name, q) {
		return
	}
	req.Limit = matcher.MaxLimit
	req.Explain = true
	res, err := d.m.Match(context.Background(), req)
	if err != nil {
		t.Logf("   missed: %v", err)
		return
	}
	left := map[string]string{}
	for _, e := range res.Ineligible {
		left[cmpOr(e.ServiceAtLocationID, e.ServiceID)] = e.Reason
	}
	pos := map[string]int{}
	score := map[string]matcher.Option{}
	ids := res.ByNeed[need]
	if c.Text != "" {
		ids = nil
		for _, o := range res.Options {
			ids = append(ids, cmpOr(o.ServiceAtLocationID, o.ServiceID))
		}
	}
	for _, o := range res.Options {
		score[cmpOr(o.ServiceAtLocationID, o.ServiceID)] = o
	}
	for i, id := range ids {
		pos[id] = i + 1
	}
	in := map[string]bool{}
	for _, id := range shown {
		in[id] = true
	}
	type miss struct {
		id   string
		g    int
		km   float64
		line string
	}
	var ms []miss
	for id, s := range j.sites {
		g, why := j.grade(id, need, c, client)
		if g == 0 || in[id] {
			continue
		}
		km := -1.0
		if s.placed {
			km = geo.DistanceHaversine(client, s.point) / 1000
		}
		o, ok := score[id]
		where := fmt.Sprintf("not among the first %d", matcher.MaxLimit)
		if r, out := left[id]; out {
			where = "left out: " + r
		} else if ok {
			where = "at " + strconv.Itoa(pos[id])
		}
		ms = append(ms, miss{id, g, km, where + " " + o.Name + " " + strings.Join(s.codes, " ") + " | " + why + " " + fmtParts(o)})
	}
	sort.Slice(ms, func(a, b int) bool { return ms[a].g > ms[b].g || ms[a].g == ms[b].g && ms[a].km < ms[b].km })
	for _, m := range ms {
		t.Logf("   missed %s %d %s %.1fkm %s", need, m.g, m.id, m.km, m.line)
	}
}

func fmtParts(o matcher.Option) string {
	if o.ServiceID == "" {
		return ""
	}
	return fmt.Sprintf("%.3f %v", o.Score, o.ScoreParts)
}
