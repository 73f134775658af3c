package hsdsapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// hsdsSchemaBase is where HSDS 3.0's schemas name each other (their $refs
// and openapi.json's); the loader below reads those names from the copy in
// ../shared/data instead, so no test goes to the network.
const hsdsSchemaBase = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

// sharedData returns ../shared/data/parts, or skips the test when it is
// absent (a clone outside this workplace).
func sharedData(tb testing.TB, parts ...string) string {
	tb.Helper()
	return fixture.SharedData(tb, parts...)
}

// schemaFiles maps hsdsSchemaBase to a local folder.
type schemaFiles struct{ dir string }

func (l schemaFiles) Load(url string) (any, error) {
	rel, ok := strings.CutPrefix(url, hsdsSchemaBase)
	if !ok {
		return nil, fmt.Errorf("%s is not an HSDS 3.0 schema; tests stay offline", url)
	}
	f, err := os.Open(filepath.Join(l.dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

// hsdsSchemas are the HSDS 3.0 schemas an answer is held to.
type hsdsSchemas struct {
	service, organization, sal, taxonomy, term *jsonschema.Schema
	// Lists, as openapi.json defines each 200 answer (a Page of list
	// items), with every Page field required, as 3.1.1 has it.
	services, organizations, sals, taxonomies, terms, servicesFull *jsonschema.Schema
}

// compileHSDS compiles the schemas. JSON Schema 2020-12 takes "format" as
// an annotation unless asked otherwise; with assertFormat it is asserted
// (HSDS marks every id "uuid", which the Miami directory's ids are not).
func compileHSDS(tb testing.TB, assertFormat bool) *hsdsSchemas {
	tb.Helper()
	c := jsonschema.NewCompiler()
	c.UseLoader(schemaFiles{sharedData(tb, "hsds-schema", "v3.0")})
	if assertFormat {
		c.AssertFormat()
	}
	compile := func(loc string) *jsonschema.Schema {
		s, err := c.Compile(loc)
		if err != nil {
			tb.Fatalf("compile %s: %v", loc, err)
		}
		return s
	}
	page := func(name, path string) *jsonschema.Schema {
		ptr := "/paths/" + strings.ReplaceAll(path, "/", "~1") + "/get/responses/200/content/application~1json/schema"
		url := "https://refer.test/" + name + ".json"
		err := c.AddResource(url, map[string]any{
			"$ref":     hsdsSchemaBase + "openapi.json#" + ptr,
			"required": []any{"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"},
		})
		if err != nil {
			tb.Fatal(err)
		}
		return compile(url)
	}
	s := &hsdsSchemas{
		service:      compile(hsdsSchemaBase + "compiled/service.json"),
		organization: compile(hsdsSchemaBase + "compiled/organization.json"),
		// Not openapi.json's answer for /service_at_locations/{id}, which
		// names compiled/service.json by mistake (SOURCES.md).
		sal:           compile(hsdsSchemaBase + "compiled/service_at_location.json"),
		taxonomy:      compile(hsdsSchemaBase + "taxonomy.json"),
		term:          compile(hsdsSchemaBase + "taxonomy_term.json"),
		services:      page("services", "/services"),
		organizations: page("organizations", "/organizations"),
		sals:          page("service_at_locations", "/service_at_locations"),
		taxonomies:    page("taxonomies", "/taxonomies"),
		terms:         page("taxonomy_terms", "/taxonomy_terms"),
	}
	// full=true lists: Pages of full services.
	if err := c.AddResource("https://refer.test/services-full.json", map[string]any{
		"$ref":       "https://refer.test/services.json",
		"properties": map[string]any{"contents": map[string]any{"items": map[string]any{"$ref": hsdsSchemaBase + "compiled/service.json"}}},
	}); err != nil {
		tb.Fatal(err)
	}
	s.servicesFull = compile("https://refer.test/services-full.json")
	return s
}

// seedMiami imports the Miami 211 export (HSDS 1.1) as refer import does.
func seedMiami(tb testing.TB, s resources.Store) {
	tb.Helper()
	d, err := hsds.Read(sharedData(tb, "miami-211-hsds-1.1", "datapackage-1566177582"), hsds.Options{Centroid: data.Centroid})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := hsds.Load(context.Background(), s, d); err != nil {
		tb.Fatal(err)
	}
}

// noRateLimit lets one client send as many requests as it likes.
func noRateLimit(c *api.Config) { c.AddressLimit = api.Limit{Rate: -1} }

// fetch returns the body of a 200 answer, parsed for validation.
func (ts *testServer) fetch(tb testing.TB, path string) any {
	tb.Helper()
	resp, err := http.Get(ts.URL + path)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// formatsFailed returns the formats (uuid, uri, …) that err says the
// value does not have, each with where in the value.
func formatsFailed(err error) map[string][]string {
	out := map[string][]string{}
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if f, ok := e.ErrorKind.(*kind.Format); ok {
			out[f.Want] = append(out[f.Want], "/"+strings.Join(e.InstanceLocation, "/"))
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		walk(ve)
	}
	return out
}

// The schemas, as loaded, do reject what HSDS forbids: the test below
// proves something.
func TestHSDSSchemasReject(t *testing.T) {
	s := compileHSDS(t, false)
	bad := []struct {
		what   string
		schema *jsonschema.Schema
		value  string
	}{
		{"a service without status", s.service, `{"id": "s", "name": "n"}`},
		{"a status HSDS does not know", s.service, `{"id": "s", "name": "n", "status": "open"}`},
		{"a phone without number, nested", s.service, `{"id": "s", "name": "n", "status": "active", "phones": [{"id": "p"}]}`},
		{"a term without name, in an attribute", s.service, `{"id": "s", "name": "n", "status": "active", "attributes": [{"id": "a", "taxonomy_term": {"id": "t", "description": "d"}}]}`},
		{"an organization without description", s.organization, `{"id": "o", "name": "n"}`},
		{"a location type HSDS does not know", s.sal, `{"id": "x", "location": {"id": "l", "location_type": "mobile"}}`},
		{"a page without empty", s.services, `{"total_items": 0, "total_pages": 0, "page_number": 1, "size": 0, "first_page": true, "last_page": true, "contents": []}`},
		{"a page whose item has no name", s.services, `{"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1, "first_page": true, "last_page": true, "empty": false, "contents": [{"id": "s", "status": "active"}]}`},
	}
	for _, b := range bad {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(b.value))
		if err != nil {
			t.Fatal(err)
		}
		if b.schema.Validate(v) == nil {
			t.Errorf("%s validates", b.what)
		}
	}
	strict := compileHSDS(t, true)
	v, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"id": "1384", "name": "n", "status": "active"}`))
	if err := s.service.Validate(v); err != nil {
		t.Errorf("format is asserted by default: %v", err)
	}
	if err := strict.service.Validate(v); len(formatsFailed(err)["uuid"]) != 1 {
		t.Errorf("asserted, uuid format passes %v", err)
	}
}

// TestHSDSMiami serves the imported Miami directory (imported once for
// both subtests).
func TestHSDSMiami(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole Miami directory")
	}
	ts := startServer(t, seedMiami, noRateLimit)
	t.Run("validates", func(t *testing.T) { miamiValidates(t, ts) })
	t.Run("postcode", func(t *testing.T) { miamiPostcode(t, ts) })
}

// miamiValidates holds every service, organization, service_at_location,
// taxonomy and taxonomy term the API serves, and every page of every list,
// to the HSDS 3.0 schemas. It also counts what would fail if "format" were
// asserted.
func miamiValidates(t *testing.T, ts *testServer) {
	schemas, strict := compileHSDS(t, false), compileHSDS(t, true)
	ctx := context.Background()

	type tally struct{ checked, failed, formatFailed, uuidFailed int }
	tallies := map[string]*tally{}
	formats := map[string]int{}
	var otherFormats []string
	check := func(what, path string, lax, hard *jsonschema.Schema) {
		v := ts.fetch(t, path)
		tl := tallies[what]
		if tl == nil {
			tl = &tally{}
			tallies[what] = tl
		}
		tl.checked++
		if err := lax.Validate(v); err != nil {
			tl.failed++
			if tl.failed <= 5 {
				t.Errorf("GET %s does not validate against HSDS 3.0: %v", path, err)
			}
		}
		if hard == nil {
			return
		}
		if err := hard.Validate(v); err != nil {
			tl.formatFailed++
			fs := formatsFailed(err)
			if len(fs["uuid"]) > 0 {
				tl.uuidFailed++
			}
			for f, where := range fs {
				formats[f]++
				if f != "uuid" {
					otherFormats = append(otherFormats, fmt.Sprintf("%s %s at %v", path, f, where))
				}
			}
		}
	}
	every := func(k resources.Kind, fn func(id string)) {
		rs, err := ts.Store.List(ctx, k, resources.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			t.Fatalf("no %s in the Miami directory", k)
		}
		for _, r := range rs {
			fn(r.RecordID())
		}
	}
	every(resources.KindService, func(id string) {
		check("service", "/api/hsds/services/"+id, schemas.service, strict.service)
	})
	every(resources.KindOrganization, func(id string) {
		check("organization", "/api/hsds/organizations/"+id, schemas.organization, strict.organization)
		check("organization?full_service=true", "/api/hsds/organizations/"+id+"?full_service=true", schemas.organization, nil)
	})
	every(resources.KindServiceAtLocation, func(id string) {
		check("service_at_location", "/api/hsds/service_at_locations/"+id, schemas.sal, strict.sal)
	})
	every(resources.KindTaxonomy, func(id string) {
		check("taxonomy", "/api/hsds/taxonomies/"+id, schemas.taxonomy, strict.taxonomy)
	})
	every(resources.KindTaxonomyTerm, func(id string) {
		check("taxonomy_term", "/api/hsds/taxonomy_terms/"+id, schemas.term, strict.term)
	})
	// Every page of every list, 100 at a time; a sample of the other shapes.
	lists := []struct {
		path   string
		schema *jsonschema.Schema
	}{
		{"/api/hsds/services", schemas.services},
		{"/api/hsds/service_at_locations", schemas.sals},
		{"/api/hsds/organizations", schemas.organizations},
		{"/api/hsds/taxonomies", schemas.taxonomies},
		{"/api/hsds/taxonomy_terms", schemas.terms},
	}
	for _, l := range lists {
		for page := 1; ; page++ {
			path := fmt.Sprintf("%s?per_page=100&page=%d", l.path, page)
			check("page of "+l.path, path, l.schema, nil)
			if ts.hsdsPage(t, path).LastPage {
				break
			}
		}
	}
	samples := []struct {
		path   string
		schema *jsonschema.Schema
	}{
		{"/api/hsds/services?full=true&per_page=100&page=3", schemas.servicesFull},
		{"/api/hsds/services?search=food+pantry&per_page=100", schemas.services},
		{"/api/hsds/services?taxonomy_id=nope", schemas.services},
		{"/api/hsds/services?page=1000", schemas.services},
		{"/api/hsds/service_at_locations?postcode=33135&full=true", schemas.sals},
		{"/api/hsds/service_at_locations?postcode=33135&proximity=2000", schemas.sals},
		{"/api/hsds/organizations?full_service=true&per_page=20", schemas.organizations},
		{"/api/hsds/taxonomy_terms?top_only=true&per_page=100", schemas.terms},
	}
	for _, s := range samples {
		check("sample page", s.path, s.schema, nil)
	}

	names := make([]string, 0, len(tallies))
	for n := range tallies {
		names = append(names, n)
	}
	sort.Strings(names)
	var report strings.Builder
	for _, n := range names {
		tl := tallies[n]
		fmt.Fprintf(&report, "\n  %-40s %5d checked, %d invalid", n, tl.checked, tl.failed)
		if tl.formatFailed > 0 {
			fmt.Fprintf(&report, "; with format asserted %d would fail (%d on uuid)", tl.formatFailed, tl.uuidFailed)
		}
	}
	fmt.Fprintf(&report, "\n  formats that would fail, by record: %v", formats)
	for _, o := range otherFormats {
		fmt.Fprintf(&report, "\n    %s", o)
	}
	t.Logf("HSDS 3.0 validation of the Miami directory:%s", report.String())
}

// miamiPostcode checks postcode and proximity against distances worked out
// here from every stored place (Miami's services name no service areas, so
// only distance counts; the fixture tests cover areas).
func miamiPostcode(t *testing.T, ts *testServer) {
	ctx := context.Background()
	sals, err := ts.Store.List(ctx, resources.KindServiceAtLocation, resources.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type site struct {
		id, service string
		m           float64 // metres from the centroid; -1 with no point
	}
	lat, lon, ok := data.Centroid("33135")
	if !ok {
		t.Fatal("no centroid for 33135")
	}
	centroid := orb.Point{lon, lat}
	var sites []site
	for _, r := range sals {
		sal := r.(*resources.ServiceAtLocation)
		l, err := resources.Get[*resources.Location](ctx, ts.Store, sal.LocationID)
		if err != nil {
			t.Fatal(err)
		}
		s := site{sal.ID, sal.ServiceID, -1}
		if p, ok := l.Point(); ok {
			s.m = geo.DistanceHaversine(centroid, p)
		}
		sites = append(sites, s)
	}
	// every page of a list, in order
	all := func(path string) []string {
		var ids []string
		for page := 1; ; page++ {
			b := ts.hsdsPage(t, fmt.Sprintf("%s&per_page=100&page=%d", path, page))
			ids = append(ids, b.ids()...)
			if b.LastPage {
				return ids
			}
		}
	}
	within := func(m float64, keep func(site) bool) []string {
		ids := []string{}
		for _, s := range sites {
			if s.m >= 0 && s.m <= m && keep(s) {
				ids = append(ids, s.id)
			}
		}
		sort.Strings(ids)
		return ids
	}
	everySite := func(site) bool { return true }
	for _, tt := range []struct {
		query string
		m     float64
	}{{"postcode=33135", 10000}, {"postcode=33135&proximity=500", 500}, {"postcode=33135&proximity=2000", 2000}, {"postcode=33135&proximity=25000", 25000}} {
		got, want := all("/api/hsds/service_at_locations?"+tt.query), within(tt.m, everySite)
		if len(want) == 0 || len(want) == len(sites) {
			t.Errorf("%s: %d of %d sites: the case tests nothing", tt.query, len(want), len(sites))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d sites, want %d", tt.query, len(got), len(want))
		}
		t.Logf("%s: %d of %d sites", tt.query, len(got), len(sites))
	}
	// AND: the food pantries (a term most sites near downtown do not have)
	// within 5 km.
	services, err := ts.Store.List(ctx, resources.KindService, resources.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The food pantry term (AIRS BD-1800.2000…) most services name.
	uses := map[string]int{}
	var term string
	for _, r := range services {
		for _, a := range r.(*resources.Service).Attributes {
			tt, err := resources.Get[*resources.TaxonomyTerm](ctx, ts.Store, a.TaxonomyTermID)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(tt.Code, "BD-1800.2000") {
				if uses[tt.ID]++; uses[tt.ID] > uses[term] {
					term = tt.ID
				}
			}
		}
	}
	if term == "" {
		t.Fatal("no food pantry term in Miami")
	}
	pantries := map[string]bool{}
	for _, r := range services {
		for _, a := range r.(*resources.Service).Attributes {
			if a.TaxonomyTermID == term {
				pantries[r.RecordID()] = true
			}
		}
	}
	got := all("/api/hsds/service_at_locations?postcode=33135&proximity=5000&taxonomy_term_id=" + term)
	want := within(5000, func(s site) bool { return pantries[s.service] })
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("pantries within 5 km: %v, want %v", got, want)
	}
	t.Logf("postcode=33135&proximity=5000&taxonomy_term_id=%s (food pantries): %d sites", term, len(got))
}

// BenchmarkHSDSMiami times the HSDS read API over the Miami directory
// through a real listener:
//
//	go test ./api -run XXX -bench HSDSMiami -benchtime 2s
func BenchmarkHSDSMiami(b *testing.B) {
	ts := startServer(b, seedMiami, noRateLimit)
	services, err := ts.Store.List(context.Background(), resources.KindService, resources.ListOptions{})
	if err != nil {
		b.Fatal(err)
	}
	pages := (len(services) + 99) / 100
	get := func(b *testing.B, path string) {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		b.SetBytes(n)
	}
	run := func(name string, path func(i int) string) {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				get(b, path(i))
			}
		})
	}
	run("services?per_page=100", func(i int) string { return fmt.Sprintf("/api/hsds/services?per_page=100&page=%d", 1+i%pages) })
	run("services?per_page=100&full=true", func(i int) string {
		return fmt.Sprintf("/api/hsds/services?per_page=100&full=true&page=%d", 1+i%pages)
	})
	run("services/{id}", func(i int) string { return "/api/hsds/services/" + services[i%len(services)].RecordID() })
	run("services?search=food&per_page=100", func(int) string { return "/api/hsds/services?search=food&per_page=100" })
	run("service_at_locations?postcode=33135&per_page=100", func(int) string {
		return "/api/hsds/service_at_locations?postcode=33135&per_page=100"
	})
	run("organizations?per_page=100", func(i int) string { return fmt.Sprintf("/api/hsds/organizations?per_page=100&page=%d", 1+i%12) })
	run("taxonomy_terms?per_page=100", func(i int) string { return fmt.Sprintf("/api/hsds/taxonomy_terms?per_page=100&page=%d", 1+i%20) })
}
