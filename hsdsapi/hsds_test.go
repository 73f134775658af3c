package hsdsapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// hsdsSeed is the small fixture plus a second organization with its own
// taxonomy (a term with a child), a program, a place 40 km north, and one
// service, all last changed in 2019; the fixture's records are stamped at
// the time of the write.
func hsdsSeed(tb testing.TB, s resources.Store) {
	tb.Helper()
	fixture.Seed(tb, s)
	at := func(day string) resources.Tracked {
		t, err := time.Parse(time.DateOnly, day)
		if err != nil {
			tb.Fatal(err)
		}
		return resources.Tracked{LastModified: &t}
	}
	lauderdale := orb.Point{-80.1373, 26.1224}
	fixture.Put(tb, s,
		&resources.Taxonomy{ID: "oe", Name: "Open Eligibility", Description: "Human services", Tracked: at("2019-01-01")},
		&resources.TaxonomyTerm{ID: "t-food", Name: "Food", Description: "Food", TaxonomyID: "oe", Tracked: at("2019-01-01")},
		&resources.TaxonomyTerm{ID: "t-food-oe", Name: "Food Pantry", Description: "Pantries", TaxonomyID: "oe", ParentID: "t-food", Tracked: at("2019-01-01")},
		&resources.Organization{ID: "org2", Name: "Second Harvest", Description: "Feeds families", Tracked: at("2019-01-01"),
			Attributes: []resources.Attribute{{ID: "oa1", TaxonomyTermID: "t-food"}}},
		&resources.Program{ID: "prog", OrganizationID: "org2", Name: "Weekend Meals", Description: "Meals", Tracked: at("2019-01-01")},
		&resources.Location{ID: "l-north", OrganizationID: "org2", LocationType: "physical", Latitude: &lauderdale[1], Longitude: &lauderdale[0], Tracked: at("2019-01-01")},
		&resources.Service{ID: "s-old", OrganizationID: "org2", ProgramID: "prog", Name: "Weekend Food Boxes", Status: "active",
			Description: "Food boxes for families.", Tracked: at("2019-06-01"),
			Phones:     []resources.Phone{{ID: "ph1", Number: "954-555-0100"}},
			Attributes: []resources.Attribute{{ID: "a6", TaxonomyTermID: "t-food-oe"}, {ID: "a7", TaxonomyTermID: "t-pantry"}}},
		&resources.ServiceAtLocation{ID: "sal-old", ServiceID: "s-old", LocationID: "l-north", Tracked: at("2019-06-01")},
	)
}

type hsdsPageBody struct {
	TotalItems int              `json:"total_items"`
	TotalPages int              `json:"total_pages"`
	PageNumber int              `json:"page_number"`
	Size       int              `json:"size"`
	FirstPage  bool             `json:"first_page"`
	LastPage   bool             `json:"last_page"`
	Empty      *bool            `json:"empty"`
	Contents   []map[string]any `json:"contents"`
}

func (p hsdsPageBody) ids() []string {
	out := []string{}
	for _, c := range p.Contents {
		out = append(out, c["id"].(string))
	}
	return out
}

// page fetches a list with a big page and checks the Page's own fields.
func (ts *testServer) hsdsPage(tb testing.TB, path string) hsdsPageBody {
	tb.Helper()
	var body hsdsPageBody
	if status := ts.get(tb, path, &body); status != http.StatusOK {
		tb.Fatalf("GET %s: %d", path, status)
	}
	if body.Empty == nil || *body.Empty != (len(body.Contents) == 0) || body.Size != len(body.Contents) {
		tb.Errorf("GET %s: size %d, empty %v, %d items", path, body.Size, body.Empty, len(body.Contents))
	}
	return body
}

func TestHSDSInfo(t *testing.T) {
	ts := startServer(t, nil)
	for _, path := range []string{"/api/hsds/", "/api/hsds"} {
		var info map[string]string
		if status := ts.get(t, path, &info); status != 200 {
			t.Fatalf("%s: %d", path, status)
		}
		if info["version"] != "3.0" || !strings.HasPrefix(info["profile"], "https://") || info["openapi_url"] != ts.URL+"/api/openapi.json" {
			t.Errorf("%s: %v", path, info)
		}
	}
}

func TestHSDSListParameters(t *testing.T) {
	ts := startServer(t, hsdsSeed)
	allServices := []string{"s-closed", "s-hotline", "s-lights", "s-old", "s-pantry", "s-rent"}
	fixtureServices := []string{"s-closed", "s-hotline", "s-lights", "s-pantry", "s-rent"}
	allSites := []string{"sal-closed", "sal-lights-homestead", "sal-old", "sal-pantry-downtown", "sal-pantry-homestead", "sal-rent-hialeah"}
	tests := []struct {
		path string
		want []string
	}{
		{"/services", allServices},
		{"/services?taxonomy_term_id=t-pantry", []string{"s-closed", "s-hotline", "s-old", "s-pantry"}},
		{"/services?taxonomy_term_id=nope", []string{}},
		{"/services?taxonomy_id=oe", []string{"s-old"}},
		{"/services?taxonomy_id=airs", allServices},
		{"/services?taxonomy_id=nope", []string{}},
		{"/services?organization_id=org2", []string{"s-old"}},
		{"/services?organization_id=nope", []string{}},
		{"/services?modified_after=2019-03-01", allServices},
		{"/services?modified_after=2019-06-02", fixtureServices},
		{"/services?modified_after=2019-06-01T00:00:00Z", allServices}, // on or after
		{"/services?modified_after=2019-05-31T20:00:01-04:00", fixtureServices},
		{"/services?search=groceries", []string{"s-pantry"}},
		{"/services?search=food", []string{"s-closed", "s-hotline", "s-old", "s-pantry"}},
		// AND
		{"/services?search=food&organization_id=org2", []string{"s-old"}},
		{"/services?taxonomy_term_id=t-pantry&organization_id=org", []string{"s-closed", "s-hotline", "s-pantry"}},
		{"/services?taxonomy_term_id=t-pantry&taxonomy_id=oe", []string{"s-old"}},
		{"/services?taxonomy_term_id=t-rent&taxonomy_id=oe", []string{}},
		{"/services?taxonomy_term_id=t-pantry&modified_after=2019-06-02", []string{"s-closed", "s-hotline", "s-pantry"}},
		{"/services?search=food&taxonomy_term_id=t-pantry&organization_id=org&modified_after=2020-01-01", []string{"s-closed", "s-hotline", "s-pantry"}},
		{"/services?search=rent&taxonomy_term_id=t-pantry", []string{}},

		{"/service_at_locations", allSites},
		{"/service_at_locations?taxonomy_term_id=t-pantry", []string{"sal-closed", "sal-old", "sal-pantry-downtown", "sal-pantry-homestead"}},
		{"/service_at_locations?taxonomy_id=oe", []string{"sal-old"}},
		{"/service_at_locations?organization_id=org", []string{"sal-closed", "sal-lights-homestead", "sal-pantry-downtown", "sal-pantry-homestead", "sal-rent-hialeah"}},
		{"/service_at_locations?modified_after=2019-06-02", []string{"sal-closed", "sal-lights-homestead", "sal-pantry-downtown", "sal-pantry-homestead", "sal-rent-hialeah"}},
		{"/service_at_locations?search=groceries", []string{"sal-pantry-downtown", "sal-pantry-homestead"}},
		// 33130's centroid is 1.4 km from downtown, 12 km from Hialeah, 40 km
		// from Homestead and Fort Lauderdale; the electricity service's area
		// (Miami-Dade) holds it, so its Homestead site always counts.
		{"/service_at_locations?postcode=33130", []string{"sal-closed", "sal-lights-homestead", "sal-pantry-downtown"}},
		{"/service_at_locations?postcode=33130&proximity=500", []string{"sal-lights-homestead"}},
		{"/service_at_locations?postcode=33130&proximity=20000", []string{"sal-closed", "sal-lights-homestead", "sal-pantry-downtown", "sal-rent-hialeah"}},
		{"/service_at_locations?postcode=33130&proximity=100000", allSites},
		{"/service_at_locations?postcode=33130-1234&proximity=20000&taxonomy_term_id=t-rent", []string{"sal-rent-hialeah"}},
		{"/service_at_locations?postcode=33130&proximity=100000&organization_id=org2&search=boxes", []string{"sal-old"}},
		{"/service_at_locations?postcode=10001&proximity=200000", []string{}},

		{"/organizations", []string{"org", "org2"}},
		{"/organizations?search=harvest", []string{"org2"}},
		{"/organizations?search=community+act", []string{"org"}},
		{"/organizations?search=harvest+community", []string{}},
		{"/organizations?modified_after=2019-03-01", []string{"org"}},
		{"/organizations?taxonomy_term_id=t-food", []string{"org2"}}, // its own attribute
		{"/organizations?taxonomy_term_id=t-rent", []string{"org"}},  // its services'
		{"/organizations?taxonomy_term_id=t-pantry", []string{"org", "org2"}},
		{"/organizations?taxonomy_id=oe", []string{"org2"}},
		{"/organizations?taxonomy_id=airs&search=harvest", []string{"org2"}},
		{"/organizations?taxonomy_term_id=t-rent&search=harvest", []string{}},

		{"/taxonomies", []string{"airs", "oe"}},
		{"/taxonomies?search=eligib", []string{"oe"}},
		{"/taxonomies?modified_after=2020-01-01", []string{"airs"}},

		{"/taxonomy_terms", []string{"t-electric", "t-food", "t-food-oe", "t-pantry", "t-rent"}},
		{"/taxonomy_terms?top_only=true", []string{"t-electric", "t-food", "t-pantry", "t-rent"}},
		{"/taxonomy_terms?top_only=false", []string{"t-electric", "t-food", "t-food-oe", "t-pantry", "t-rent"}},
		{"/taxonomy_terms?parent_id=t-food", []string{"t-food-oe"}},
		{"/taxonomy_terms?parent_id=nope", []string{}},
		{"/taxonomy_terms?taxonomy_id=oe", []string{"t-food", "t-food-oe"}},
		{"/taxonomy_terms?taxonomy_id=oe&top_only=true", []string{"t-food"}},
		{"/taxonomy_terms?parent_id=t-food&top_only=true", []string{}},
		{"/taxonomy_terms?search=food", []string{"t-food", "t-food-oe", "t-pantry"}},
		{"/taxonomy_terms?search=pant", []string{"t-food-oe", "t-pantry"}},
		{"/taxonomy_terms?search=BD-1800", []string{"t-pantry"}},
		{"/taxonomy_terms?search=food&taxonomy_id=airs", []string{"t-pantry"}},
		{"/taxonomy_terms?modified_after=2020-01-01", []string{"t-electric", "t-pantry", "t-rent"}},
	}
	for _, tt := range tests {
		body := ts.hsdsPage(t, "/api/hsds"+tt.path)
		if got := body.ids(); !slices.Equal(got, tt.want) || body.TotalItems != len(tt.want) {
			t.Errorf("%s: %v (total %d), want %v", tt.path, got, body.TotalItems, tt.want)
		}
	}
}

func TestHSDSPaging(t *testing.T) {
	ts := startServer(t, hsdsSeed)
	type want struct {
		ids               []string
		pages, number     int
		first, last, none bool
	}
	tests := []struct {
		query string
		want  want
	}{
		{"", want{[]string{"s-closed", "s-hotline", "s-lights", "s-old", "s-pantry", "s-rent"}, 1, 1, true, true, false}},
		{"per_page=4", want{[]string{"s-closed", "s-hotline", "s-lights", "s-old"}, 2, 1, true, false, false}},
		{"per_page=4&page=2", want{[]string{"s-pantry", "s-rent"}, 2, 2, false, true, false}},
		{"per_page=3&page=2", want{[]string{"s-old", "s-pantry", "s-rent"}, 2, 2, false, true, false}},
		{"per_page=4&page=3", want{[]string{}, 2, 3, false, true, true}},
		{"page=1000", want{[]string{}, 1, 1000, false, true, true}},
		{"per_page=1&page=6", want{[]string{"s-rent"}, 6, 6, false, true, false}},
		{"per_page=100", want{[]string{"s-closed", "s-hotline", "s-lights", "s-old", "s-pantry", "s-rent"}, 1, 1, true, true, false}},
	}
	for _, tt := range tests {
		b := ts.hsdsPage(t, "/api/hsds/services?"+tt.query)
		got := want{b.ids(), b.TotalPages, b.PageNumber, b.FirstPage, b.LastPage, *b.Empty}
		if !reflect.DeepEqual(got, tt.want) || b.TotalItems != 6 {
			t.Errorf("?%s: %+v (total %d), want %+v", tt.query, got, b.TotalItems, tt.want)
		}
	}
	// Nothing at all: no pages, the first is empty and last.
	b := ts.hsdsPage(t, "/api/hsds/services?organization_id=nope")
	if b.TotalItems != 0 || b.TotalPages != 0 || !b.FirstPage || !b.LastPage || !*b.Empty || b.Contents == nil {
		t.Errorf("empty list: %+v", b)
	}
}

func TestHSDSParametersAreChecked(t *testing.T) {
	ts := startServer(t, hsdsSeed)
	tests := []struct {
		path, field string
	}{
		{"/services?page=0", "page"},
		{"/services?page=-1", "page"},
		{"/services?page=two", "page"},
		{"/services?per_page=0", "per_page"},
		{"/services?per_page=1000", "per_page"},
		{"/services?modified_after=yesterday", "modified_after"},
		{"/services?modified_after=2019-13-01", "modified_after"},
		{"/services?modified_after=07/01/2019", "modified_after"},
		{"/services?full=maybe", "full"},
		{"/services?format=ndjson", "format"},
		{"/services?search=" + strings.Repeat("x", 501), "search"},
		{"/service_at_locations?postcode=33130&proximity=0", "proximity"},
		{"/service_at_locations?postcode=33130&proximity=-5", "proximity"},
		{"/service_at_locations?postcode=33130&proximity=200001", "proximity"},
		{"/service_at_locations?postcode=33130&proximity=far", "proximity"},
		{"/service_at_locations?proximity=5000", "proximity"},
		{"/service_at_locations?postcode=0000", "postcode"},
		{"/service_at_locations?per_page=101", "per_page"},
		{"/organizations?full_service=perhaps", "full_service"},
		{"/organizations?modified_after=soon", "modified_after"},
		{"/organizations/org?full_service=perhaps", "full_service"},
		{"/taxonomies?page=0", "page"},
		{"/taxonomy_terms?top_only=sure", "top_only"},
	}
	for _, tt := range tests {
		var body errorBody
		status := ts.get(t, "/api/hsds"+tt.path, &body)
		if status != http.StatusBadRequest || body.Error.Code != "invalid" {
			t.Errorf("%s: %d %+v; want 400 invalid", tt.path, status, body)
			continue
		}
		if _, ok := body.Error.Fields[tt.field]; !ok {
			t.Errorf("%s: fields %v do not name %q", tt.path, body.Error.Fields, tt.field)
		}
	}
	// Every problem is named at once.
	var body errorBody
	ts.get(t, "/api/hsds/service_at_locations?page=0&per_page=1000&modified_after=x&proximity=0&postcode=33130", &body)
	for _, f := range []string{"page", "per_page", "modified_after", "proximity"} {
		if _, ok := body.Error.Fields[f]; !ok {
			t.Errorf("fields %v do not name %s", body.Error.Fields, f)
		}
	}
}

func TestHSDSNotFound(t *testing.T) {
	ts := startServer(t, hsdsSeed)
	for _, kind := range []string{"services", "organizations", "taxonomies", "taxonomy_terms", "service_at_locations"} {
		var body errorBody
		if status := ts.get(t, "/api/hsds/"+kind+"/nope", &body); status != 404 || body.Error.Code != "not_found" || body.Error.Message == "" {
			t.Errorf("%s/nope: %d %+v", kind, status, body)
		}
	}
}

// The API's records are the export's, byte for byte once parsed: one
// assembly serves both.
func TestHSDSRecordsAreTheExports(t *testing.T) {
	ts := startServer(t, hsdsSeed)
	ctx := context.Background()
	d := &hsds.Directory{}
	for _, k := range resources.Kinds {
		rs, err := ts.Store.List(ctx, k, resources.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d.Records = append(d.Records, rs...)
	}
	dir := t.TempDir()
	if err := hsds.WriteJSON(dir, d); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"services.json": "services", "organizations.json": "organizations", "taxonomies.json": "taxonomies", "taxonomy_terms.json": "taxonomy_terms"}
	n := 0
	for file, path := range files {
		raw, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		var items []map[string]any
		if err := json.Unmarshal(raw, &items); err != nil {
			t.Fatal(err)
		}
		for _, want := range items {
			var got map[string]any
			id := want["id"].(string)
			if status := ts.get(t, "/api/hsds/"+path+"/"+id, &got); status != 200 {
				t.Fatalf("%s/%s: %d", path, id, status)
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("%s/%s differs from %s:\n got %s\nwant %s", path, id, file, g, w)
			}
			n++
		}
	}
	if n < 15 {
		t.Errorf("compared only %d records", n)
	}
}

func TestHSDSRecordShapes(t *testing.T) {
	ts := startServer(t, hsdsSeed)
	var svc resources.Service
	ts.get(t, "/api/hsds/services/s-old", &svc)
	if svc.Organization == nil || svc.Organization.ID != "org2" || svc.Organization.Programs != nil || svc.Program == nil || svc.Program.ID != "prog" ||
		len(svc.ServiceAtLocations) != 1 || svc.ServiceAtLocations[0].Location == nil || svc.ServiceAtLocations[0].Location.ID != "l-north" ||
		len(svc.Attributes) != 2 || svc.Attributes[0].TaxonomyTerm == nil || svc.Attributes[0].TaxonomyTerm.TaxonomyDetail == nil ||
		svc.Attributes[0].TaxonomyTerm.TaxonomyDetail.ID != "oe" {
		t.Errorf("full service: %+v", svc)
	}

	// List items: one-to-one fields, with the organization's and program's.
	b := ts.hsdsPage(t, "/api/hsds/services?organization_id=org2")
	item := b.Contents[0]
	org, _ := item["organization"].(map[string]any)
	prog, _ := item["program"].(map[string]any)
	if item["name"] != "Weekend Food Boxes" || item["status"] != "active" || org["name"] != "Second Harvest" || prog["name"] != "Weekend Meals" {
		t.Errorf("service item: %v", item)
	}
	for _, k := range []string{"phones", "attributes", "service_at_locations"} {
		if _, ok := item[k]; ok {
			t.Errorf("service item has %s", k)
		}
	}
	if _, ok := org["attributes"]; ok {
		t.Errorf("service item's organization has attributes: %v", org)
	}
	// full=true: the same as /services/{id}.
	b = ts.hsdsPage(t, "/api/hsds/services?organization_id=org2&full=true")
	var one map[string]any
	ts.get(t, "/api/hsds/services/s-old", &one)
	if !reflect.DeepEqual(b.Contents[0], one) {
		t.Errorf("full=true item %v\nis not /services/s-old %v", b.Contents[0], one)
	}

	var sal resources.ServiceAtLocation
	ts.get(t, "/api/hsds/service_at_locations/sal-old", &sal)
	if sal.Service == nil || sal.Service.ID != "s-old" || sal.Service.Organization == nil || len(sal.Service.Phones) != 1 ||
		sal.Service.ServiceAtLocations != nil || sal.Location == nil || sal.Location.ID != "l-north" {
		t.Errorf("full service_at_location: %+v", sal)
	}
	b = ts.hsdsPage(t, "/api/hsds/service_at_locations?organization_id=org2")
	item = b.Contents[0]
	svcItem, _ := item["service"].(map[string]any)
	loc, _ := item["location"].(map[string]any)
	if svcItem["id"] != "s-old" || loc["id"] != "l-north" || svcItem["phones"] != nil {
		t.Errorf("service_at_location item: %v", item)
	}

	var o resources.Organization
	ts.get(t, "/api/hsds/organizations/org2", &o)
	if len(o.Programs) != 1 || len(o.Locations) != 1 || o.Services != nil || len(o.Attributes) != 1 || o.Attributes[0].TaxonomyTerm == nil {
		t.Errorf("organization: %+v", o)
	}
	o = resources.Organization{}
	ts.get(t, "/api/hsds/organizations/org2?full_service=true", &o)
	if len(o.Services) != 1 || o.Services[0].ID != "s-old" || len(o.Services[0].ServiceAtLocations) != 1 || o.Services[0].Organization != nil {
		t.Errorf("organization with full_service: %+v", o)
	}
	b = ts.hsdsPage(t, "/api/hsds/organizations?full_service=true&search=harvest")
	if svcs, _ := b.Contents[0]["services"].([]any); len(svcs) != 1 {
		t.Errorf("organizations?full_service=true: %v", b.Contents[0])
	}
	b = ts.hsdsPage(t, "/api/hsds/organizations?search=harvest")
	for _, k := range []string{"services", "programs", "attributes"} {
		if _, ok := b.Contents[0][k]; ok {
			t.Errorf("organization item has %s", k)
		}
	}
	b = ts.hsdsPage(t, "/api/hsds/organizations?full=true&search=harvest")
	if progs, _ := b.Contents[0]["programs"].([]any); len(progs) != 1 {
		t.Errorf("organizations?full=true: %v", b.Contents[0])
	}

	var term resources.TaxonomyTerm
	ts.get(t, "/api/hsds/taxonomy_terms/t-food-oe", &term)
	if term.TaxonomyDetail == nil || term.TaxonomyDetail.Name != "Open Eligibility" || term.ParentID != "t-food" {
		t.Errorf("term: %+v", term)
	}
}

// The lists follow writes: what the store changes, the next page shows.
func TestHSDSListsFollowWrites(t *testing.T) {
	ts := startServer(t, hsdsSeed)
	ctx := context.Background()
	ts.hsdsPage(t, "/api/hsds/organizations") // read once, so what follows is caught up, not read afresh
	if _, err := ts.Store.Create(ctx, &resources.Organization{ID: "org3", Name: "Third Org", Description: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Store.Create(ctx, &resources.TaxonomyTerm{ID: "t-kid", Name: "Kid", ParentID: "t-food", TaxonomyID: "oe"}); err != nil {
		t.Fatal(err)
	}
	if got := ts.hsdsPage(t, "/api/hsds/organizations?search=third").ids(); !slices.Equal(got, []string{"org3"}) {
		t.Errorf("after a create: %v", got)
	}
	if got := ts.hsdsPage(t, "/api/hsds/taxonomy_terms?parent_id=t-food").ids(); !slices.Equal(got, []string{"t-food-oe", "t-kid"}) {
		t.Errorf("after a create: %v", got)
	}
	o, _ := ts.Store.Get(ctx, resources.KindOrganization, "org3")
	o.(*resources.Organization).Name = "Renamed"
	if _, err := ts.Store.Update(ctx, o, 0); err != nil {
		t.Fatal(err)
	}
	if got := ts.hsdsPage(t, "/api/hsds/organizations?search=third").ids(); len(got) != 0 {
		t.Errorf("after a rename: %v", got)
	}
	if err := ts.Store.Delete(ctx, resources.KindOrganization, "org3", 0); err != nil {
		t.Fatal(err)
	}
	if got := ts.hsdsPage(t, "/api/hsds/organizations").ids(); !slices.Equal(got, []string{"org", "org2"}) {
		t.Errorf("after a delete: %v", got)
	}
}
