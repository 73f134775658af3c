package eval

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/matcher"
)

// TestAnyWords: a phrase that names a need, in English or Spanish, in the
// client's own way of speaking, never gets "no need could be read" while
// the directory has services that fit (issue 12, part 2).
func TestAnyWords(t *testing.T) {
	mi := openMiami(t)
	lat, lon, _ := data.Centroid("33135")
	place := orb.Point{lon, lat}
	for _, tt := range []struct {
		text string
		want string // a need among those read
	}{
		{"necesito ver un médico", "health-care"},
		{"my benefits were denied and I want to appeal", "legal-aid"},
		{"shelter tonight", "homelessness"},
		{"help paying electric bill", "utility-insecurity"},
		{"comida", "food-insecurity"},
		{"dentist", "dental-care"},
		{"lost my food stamps, need to reapply", "food-insecurity"},
		{"quiero aprender inglés", "language-access"},
		{"need glasses for my son", "health-care"},
		{"tengo que ir al médico y no tengo seguro", "health-care"},
		{"they want to take my kids away, I need someone to speak for me in court", "legal-aid"},
	} {
		res, err := mi.m.Match(context.Background(), matcher.Request{Place: place, Needs: []matcher.NeedInput{{Text: tt.text}}, At: evalAt, IncludeVirtual: true})
		if err != nil {
			t.Errorf("%q: %v", tt.text, err)
			continue
		}
		var got []string
		found := false
		for _, n := range res.Needs {
			got = append(got, n.Code+" ("+n.Source+")")
			found = found || n.Code == tt.want
		}
		t.Logf("%q: %v", tt.text, got)
		if !found || len(res.Options) == 0 {
			t.Errorf("%q: needs %v, %d options; want %s", tt.text, got, len(res.Options), tt.want)
		}
	}
}
