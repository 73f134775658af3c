package index_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// coreNeedsOf is a small stand-in for the matcher's grades: food pantries
// (BD-1800.2000) are at the core of food insecurity; other food codes (meals,
// nutrition education) serve it less squarely.
func coreNeedsOf(t *resources.TaxonomyTerm) []string {
	if strings.HasPrefix(t.Code, "BD-1800.2000") {
		return []string{"food-insecurity"}
	}
	return nil
}

// TestNearestHoldsTheCore: a match's candidates for a need are its nearest
// sites, and also its core services past them and those that cannot be
// placed (a hotline's mailing address, a PO box), which a client reaches
// by phone. Six nutrition classes are nearer than the one food pantry; a
// statewide food helpline's only address is a PO box with no coordinates.
func TestNearestHoldsTheCore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc := func(id string, p orb.Point) *resources.Location {
		return &resources.Location{ID: id, OrganizationID: "org", LocationType: "physical", Latitude: &p[1], Longitude: &p[0]}
	}
	rs := []resources.Record{
		&resources.Taxonomy{ID: "airs", Name: "AIRS", Description: "AIRS"},
		&resources.TaxonomyTerm{ID: "t-pantry", Code: "BD-1800.2000", Name: "Food Pantries", TaxonomyID: "airs"},
		&resources.TaxonomyTerm{ID: "t-class", Code: "BD-5000.6000", Name: "Nutrition Education", TaxonomyID: "airs"},
		&resources.Organization{ID: "org", Name: "Food Network", Description: "Food"},
		loc("l-pantry", orb.Point{-80.2781, 25.8576}), // Hialeah, ~14 km from downtown
		&resources.Location{ID: "l-pobox", OrganizationID: "org", LocationType: "physical",
			Addresses: []resources.Address{{ID: "a-pobox", Address1: "PO Box 10950", City: "Tallahassee", StateProvince: "FL", PostalCode: "32302", Country: "US", AddressType: "physical"}}},
		&resources.Service{ID: "s-pantry", OrganizationID: "org", Name: "Hialeah Pantry", Status: "active",
			Attributes: []resources.Attribute{{ID: "a-pantry", TaxonomyTermID: "t-pantry", LinkType: "service"}}},
		&resources.ServiceAtLocation{ID: "sal-pantry", ServiceID: "s-pantry", LocationID: "l-pantry"},
		&resources.Service{ID: "s-helpline", OrganizationID: "org", Name: "Statewide Food Helpline", Status: "active",
			Attributes: []resources.Attribute{{ID: "a-helpline", TaxonomyTermID: "t-pantry", LinkType: "service"}}},
		&resources.ServiceAtLocation{ID: "sal-helpline", ServiceID: "s-helpline", LocationID: "l-pobox"},
		&resources.Service{ID: "s-tips", OrganizationID: "org", Name: "Nutrition Tips Line", Status: "active",
			Attributes: []resources.Attribute{{ID: "a-tips", TaxonomyTermID: "t-class", LinkType: "service"}}},
		&resources.ServiceAtLocation{ID: "sal-tips", ServiceID: "s-tips", LocationID: "l-pobox"},
	}
	for i := range 6 {
		p := orb.Point{downtown[0] + float64(i)*0.002, downtown[1]}
		rs = append(rs, loc(fmt.Sprint("l-class", i), p),
			&resources.Service{ID: fmt.Sprint("s-class", i), OrganizationID: "org", Name: fmt.Sprint("Nutrition Class ", i), Status: "active",
				Attributes: []resources.Attribute{{ID: fmt.Sprint("a-class", i), TaxonomyTermID: "t-class", LinkType: "service"}}},
			&resources.ServiceAtLocation{ID: fmt.Sprint("sal-class", i), ServiceID: fmt.Sprint("s-class", i), LocationID: fmt.Sprint("l-class", i)})
	}
	res, err := db.PutBatch(ctx, rs)
	if err != nil || len(res.Rejected) > 0 {
		t.Fatal(err, res.Rejected)
	}
	ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: needsOf, CoreNeedsOf: coreNeedsOf})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	near := func(limit int, virtual bool) []string {
		found, err := ix.Nearest(ctx, []string{"food-insecurity"}, downtown, 25, virtual, time.Time{}, limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range found["food-insecurity"] {
			got = append(got, h.Doc.ID)
		}
		return got
	}
	// Four places: the four nearest classes, then the pantry past them
	// and the helpline (a quarter of four: one of each more).
	if got, want := near(4, true), []string{"sal-class0", "sal-class1", "sal-class2", "sal-class3", "sal-pantry", "sal-helpline"}; !slices.Equal(got, want) {
		t.Errorf("food, 4 places: %v, want %v", got, want)
	}
	// Room for all: every site, then the helpline, then the tips line
	// (not at the core, so only while there is room).
	if got, want := near(10, true), []string{"sal-class0", "sal-class1", "sal-class2", "sal-class3", "sal-class4", "sal-class5", "sal-pantry", "sal-helpline", "sal-tips"}; !slices.Equal(got, want) {
		t.Errorf("food, 10 places: %v, want %v", got, want)
	}
	if got, want := near(4, false), []string{"sal-class0", "sal-class1", "sal-class2", "sal-class3", "sal-pantry"}; !slices.Equal(got, want) {
		t.Errorf("food, 4 places, none by phone: %v, want %v", got, want)
	}
	// A search near a place still shows only what is there or virtual:
	// a PO box is not a place to go.
	sr, err := ix.Search(ctx, index.Query{Needs: []string{"food-insecurity"}, Near: &downtown, RadiusKm: 25, IncludeVirtual: true, PerPage: 20})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(sr); slices.Contains(got, "sal-helpline") || len(got) != 7 {
		t.Errorf("search near downtown: %v", got)
	}
}

// TestTextScoresOfNeedsRead: the documents serving the needs the matcher
// read in the words score as the words' own, whether or not the index's
// reading of words finds those needs (it has none here).
func TestTextScoresOfNeedsRead(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	ctx := context.Background()
	own, err := f.ix.TextScores(ctx, "my son hits me", nil, &downtown, 60)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := own["sal-lights-homestead"]; ok {
		t.Errorf("words alone scored the electricity help: %v", own)
	}
	read, err := f.ix.TextScores(ctx, "my son hits me", []string{"utility-insecurity"}, &downtown, 60)
	if err != nil {
		t.Fatal(err)
	}
	if read["sal-lights-homestead"] <= 0 || read["sal-pantry-downtown"] != 0 {
		t.Errorf("with utility insecurity read: %v; want the electricity help scored and the pantry not", read)
	}
}
