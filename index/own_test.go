package index_test

import (
	"context"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/matcher"
)

// What TestMiamiSearchWords and TestMiamiSearchAge show on the real
// directory, shown from a plain clone on the project's own HSDS 1.1
// package, with the real vocabulary: words a new user types, in English or
// Spanish, find the services of the need they name; age=34 leaves out the
// meals whose eligibility text is for older adults or for children.
func TestOwnDirectorySearch(t *testing.T) {
	ix := openDirectory(t, fixture.Own(t, "hsds-1.1"))
	ctx := context.Background()
	downtown := orb.Point{-80.1918, 25.7617}
	search := func(q index.Query) *index.Results {
		t.Helper()
		q.PerPage = 20
		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, tt := range []struct{ text, need string }{
		{"comida", "food-insecurity"},
		{"necesito comida para mis hijos", "food-insecurity"},
		{"help paying electric bill", "utility-insecurity"},
		{"my landlord wants to evict me", "legal-aid"},
	} {
		res := search(index.Query{Text: tt.text, Near: &downtown, RadiusKm: 100})
		if len(res.Hits) == 0 || !slices.Contains(res.Hits[0].Doc.Needs, tt.need) {
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Doc.Name)
			}
			t.Errorf("%q: %v, want the first to serve %s", tt.text, got, tt.need)
		}
	}

	age := 34.0
	all := search(index.Query{Needs: []string{"food-insecurity"}, Near: &downtown, RadiusKm: 10})
	adult := search(index.Query{Needs: []string{"food-insecurity"}, Near: &downtown, RadiusKm: 10, Age: &age})
	names := func(res *index.Results) []string {
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.Doc.Name)
		}
		slices.Sort(out)
		return out
	}
	if got, want := names(all), []string{"Hot Meals", "Kids Summer Meals", "Senior Lunch Club", "Weekday Food Pantry"}; !slices.Equal(got, want) {
		t.Errorf("food near downtown: %v, want %v", got, want)
	}
	if got, want := names(adult), []string{"Hot Meals", "Weekday Food Pantry"}; !slices.Equal(got, want) {
		t.Errorf("food near downtown for a client of 34: %v, want %v", got, want)
	}
	for _, h := range adult.Hits {
		if !matcher.Admits(&h.Doc.Listing, &age, "") {
			t.Errorf("%q kept for a client of 34", h.Doc.Name)
		}
	}
}
