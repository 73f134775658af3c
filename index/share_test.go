package index

import (
	"github.com/refer-project/refer/listing"
	"strings"
	"testing"
)

func TestCompareFold(t *testing.T) {
	words := []string{"", "a", "A", "ab", "Ab", "aB", "b", "Z", "z", "Ünited Way", "ünited way", "Éxito", "exito", "\xff", "x\xffy", "ǅ", "ǆ", "İstanbul", "istanbul", "Food Bank", "food pantry", "FOOD"}
	for _, a := range words {
		for _, b := range words {
			want := strings.Compare(strings.ToLower(a), strings.ToLower(b))
			if got := compareFold(a, b); got != want {
				t.Errorf("compareFold(%q, %q) = %d; want %d", a, b, got, want)
			}
		}
	}
}

func FuzzCompareFold(f *testing.F) {
	f.Add("Food Bank", "food pantry")
	f.Add("İ", "i")
	f.Fuzz(func(t *testing.T, a, b string) {
		want := strings.Compare(strings.ToLower(a), strings.ToLower(b))
		if got := compareFold(a, b); got != want {
			t.Fatalf("compareFold(%q, %q) = %d; want %d", a, b, got, want)
		}
	})
}

// TestSharerShares checks that equal values from different documents end
// up as one copy, and that sharing changes no value.
func TestSharerShares(t *testing.T) {
	s := newSharer()
	mk := func() *Document {
		return &Document{
			Listing: listing.Listing{
				ID: "sal-1", ServiceAtLocationID: strings.Clone("sal-1"), ServiceID: "svc-1",
				OrganizationID: strings.Clone("org-1"),
				Needs:          []string{strings.Clone("food-insecurity")},
				Terms:          []Term{{ID: "t1", Code: "BD-1800", Name: strings.Clone("Food Pantries")}},
			},
			Status:   strings.Clone("active"),
			Taxonomy: []string{"BD", strings.Clone("BD-1800")},
		}
	}
	a, b := mk(), mk()
	s.share(a, nil)
	s.share(b, a)
	if &a.Needs[0] != &b.Needs[0] || &a.Taxonomy[0] != &b.Taxonomy[0] || &a.Terms[0] != &b.Terms[0] {
		t.Error("equal lists are not one copy")
	}
	if a.OrganizationID != "org-1" || b.Terms[0].Name != "Food Pantries" || b.Taxonomy[1] != "BD-1800" || b.ServiceAtLocationID != "sal-1" {
		t.Errorf("sharing changed a value: %+v", b)
	}
	c := mk()
	c.Needs = []string{"housing-instability"}
	s.share(c, a)
	if c.Needs[0] != "housing-instability" {
		t.Errorf("a different list took another's copy: %v", c.Needs)
	}
}

// TestVirtualInMatchOrder checks that the catalog keeps each need's virtual
// documents sorted by name then id through adds, replacements and removals.
func TestVirtualInMatchOrder(t *testing.T) {
	c := newCatalog()
	doc := func(id, name string) *Document {
		return &Document{Listing: listing.Listing{ID: id, ServiceID: id, Name: name, Needs: []string{"food-insecurity"}, Virtual: true}, Status: "active"}
	}
	for _, d := range []*Document{doc("5", "b hotline"), doc("2", "A hotline"), doc("9", "a hotline"), doc("1", "C line"), doc("3", "a Hotline")} {
		c.add(d)
	}
	c.add(doc("1", "0 first now")) // replaces "C line"
	c.remove("9")
	var got []string
	for _, d := range c.needVirtual["food-insecurity"] {
		got = append(got, d.ID)
	}
	if want := "1 2 3 5"; strings.Join(got, " ") != want {
		t.Errorf("order %v; want %s", got, want)
	}
}
