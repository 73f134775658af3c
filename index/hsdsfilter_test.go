package index_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/resources"
)

func TestIDFilter(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	// One more organization's service, last changed long ago.
	old := time.Date(2019, 7, 1, 12, 0, 0, 0, time.UTC)
	f.put(t,
		&resources.Organization{ID: "org2", Name: "Second", Description: "x"},
		&resources.Service{ID: "s-old", OrganizationID: "org2", Name: "Old Rent Fund", Status: "active",
			Attributes: []resources.Attribute{{ID: "a9", TaxonomyTermID: "t-rent"}}, Tracked: resources.Tracked{LastModified: &old}},
	)
	if err := f.ix.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	allServices := []string{"s-closed", "s-hotline", "s-lights", "s-old", "s-pantry", "s-rent"}
	allSites := []string{"sal-closed", "sal-lights-homestead", "sal-pantry-downtown", "sal-pantry-homestead", "sal-rent-hialeah"}
	tampa := orb.Point{-82.46, 27.95}
	tests := []struct {
		name            string
		f               index.IDFilter
		services, sites []string
	}{
		{"everything, every status", index.IDFilter{}, allServices, allSites},
		{"a term", index.IDFilter{TermIDs: []string{"t-pantry"}}, []string{"s-closed", "s-hotline", "s-pantry"}, []string{"sal-closed", "sal-pantry-downtown", "sal-pantry-homestead"}},
		{"any of two terms", index.IDFilter{TermIDs: []string{"t-rent", "t-electric"}}, []string{"s-lights", "s-old", "s-rent"}, []string{"sal-lights-homestead", "sal-rent-hialeah"}},
		{"an empty set of terms", index.IDFilter{TermIDs: []string{}}, nil, nil},
		{"two term conditions, AND", index.IDFilter{TermIDs: []string{"t-rent"}, AlsoTermIDs: []string{"t-pantry"}}, nil, nil},
		{"an unknown term", index.IDFilter{TermIDs: []string{"nope"}}, nil, nil},
		{"an organization", index.IDFilter{OrganizationID: "org2"}, []string{"s-old"}, nil},
		{"an organization AND a term", index.IDFilter{OrganizationID: "org", TermIDs: []string{"t-rent"}}, []string{"s-rent"}, []string{"sal-rent-hialeah"}},
		{"modified since", index.IDFilter{ModifiedSince: old.Add(time.Hour)}, []string{"s-closed", "s-hotline", "s-lights", "s-pantry", "s-rent"}, allSites},
		{"modified since, at the very second", index.IDFilter{ModifiedSince: old, OrganizationID: "org2"}, []string{"s-old"}, nil},
		{"words", index.IDFilter{Text: "groceries"}, []string{"s-pantry"}, []string{"sal-pantry-downtown", "sal-pantry-homestead"}},
		{"words AND an organization", index.IDFilter{Text: "rent", OrganizationID: "org2"}, []string{"s-old"}, nil},
		{"near downtown, 5 km, plus the area that holds it", index.IDFilter{Near: &downtown, RadiusM: 5000},
			[]string{"s-closed", "s-lights", "s-pantry"}, []string{"sal-closed", "sal-lights-homestead", "sal-pantry-downtown"}},
		{"near downtown, 20 km", index.IDFilter{Near: &downtown, RadiusM: 20000},
			[]string{"s-closed", "s-lights", "s-pantry", "s-rent"}, []string{"sal-closed", "sal-lights-homestead", "sal-pantry-downtown", "sal-rent-hialeah"}},
		{"near AND a term", index.IDFilter{Near: &downtown, RadiusM: 20000, TermIDs: []string{"t-rent"}}, []string{"s-rent"}, []string{"sal-rent-hialeah"}},
		{"far away", index.IDFilter{Near: &tampa, RadiusM: 50000}, nil, nil},
	}
	ctx := context.Background()
	for _, tt := range tests {
		services, err := f.ix.ServiceIDs(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		sites, err := f.ix.ServiceAtLocationIDs(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(services, tt.services) {
			t.Errorf("%s: services %v, want %v", tt.name, services, tt.services)
		}
		if !slices.Equal(sites, tt.sites) {
			t.Errorf("%s: sites %v, want %v", tt.name, sites, tt.sites)
		}
	}
}
