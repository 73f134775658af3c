package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/apitest"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// testServer is the real server (apitest.TestServer) under the names the
// tests were written with.
type testServer struct{ *apitest.TestServer }

func startServer(tb testing.TB, seed func(tb testing.TB, s resources.Store), opts ...func(*api.Config)) *testServer {
	tb.Helper()
	return &testServer{apitest.Start(tb, seed, opts...)}
}

func (ts *testServer) newKey(tb testing.TB, role resources.Role, org string) string {
	tb.Helper()
	return ts.NewKey(tb, role, org)
}

func (ts *testServer) do(tb testing.TB, method, path, key string, body any, header ...string) (*http.Response, []byte) {
	tb.Helper()
	return ts.Do(tb, method, path, key, body, header...)
}

func (ts *testServer) get(tb testing.TB, path string, out any) int {
	tb.Helper()
	return ts.Get(tb, path, out)
}

type errorBody = apitest.ErrorBody

func TestSearchParametersAreChecked(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	tests := []struct {
		query string
		field string
	}{
		{"radius_km=0&postcode=33130", "radius_km"},
		{"radius_km=10000&postcode=33130", "radius_km"},
		{"radius_km=ten&postcode=33130", "radius_km"},
		{"latitude=91&longitude=-80", "latitude"},
		{"latitude=25", "latitude"},
		{"latitude=25&longitude=-181", "longitude"},
		{"latitude=NaN&longitude=0", "latitude"},
		{"postcode=00000", "postcode"},
		{"page=0", "page"},
		{"page=-1", "page"},
		{"per_page=101", "per_page"},
		{"per_page=0", "per_page"},
		{"sort=popularity", "sort"},
		{"sort=distance", "sort"},
		{"need=hunger", "need"},
		{"age=200", "age"},
		{"age=-1", "age"},
		{"open_now=maybe", "open_now"},
		{"free=yes", "free"},
		{"include_virtual=2", "include_virtual"},
		{"at=tomorrow", "at"},
		{"q=" + strings.Repeat("x", 501), "q"},
	}
	for _, tt := range tests {
		var body errorBody
		status := ts.get(t, "/api/v1/search?"+tt.query, &body)
		if status != http.StatusBadRequest || body.Error.Code != "invalid" {
			t.Errorf("?%s: %d %+v; want 400 invalid", tt.query, status, body)
			continue
		}
		if _, ok := body.Error.Fields[tt.field]; !ok {
			t.Errorf("?%s: fields %v do not name %q", tt.query, body.Error.Fields, tt.field)
		}
	}
	// Several problems at once are all named.
	var body errorBody
	ts.get(t, "/api/v1/search?page=0&per_page=1000&sort=x", &body)
	if len(body.Error.Fields) != 3 {
		t.Errorf("fields %v; want page, per_page and sort", body.Error.Fields)
	}
}

type searchBody struct {
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Results []struct {
		ServiceID           string   `json:"service_id"`
		ServiceAtLocationID string   `json:"service_at_location_id"`
		Name                string   `json:"name"`
		DistanceKm          *float64 `json:"distance_km"`
		OpenNow             *bool    `json:"open_now"`
		Needs               []string `json:"needs"`
		Organization        struct {
			ID, Name string
		} `json:"organization"`
		TaxonomyTerms []struct{ Code, Name string } `json:"taxonomy_terms"`
		Languages     []string                      `json:"languages"`
		Phones        []string                      `json:"phones"`
		Address       string                        `json:"address"`
		LastVerified  string                        `json:"last_verified"`
	} `json:"results"`
	Facets map[string]map[string]int `json:"facets"`
}

func TestSearch(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	q := url.Values{
		"need":      {"food-insecurity"},
		"latitude":  {"25.7617"},
		"longitude": {"-80.1918"},
		"radius_km": {"60"},
		"at":        {"2026-11-27T10:00:00-05:00"},
	}
	var body searchBody
	if status := ts.get(t, "/api/v1/search?"+q.Encode(), &body); status != 200 {
		t.Fatalf("status %d", status)
	}
	if body.Total != 3 || len(body.Results) != 3 || body.Page != 1 || body.PerPage != 20 {
		t.Fatalf("total %d, results %d, page %d/%d", body.Total, len(body.Results), body.Page, body.PerPage)
	}
	first := body.Results[0]
	if first.ServiceAtLocationID != "sal-pantry-downtown" || first.DistanceKm == nil || *first.DistanceKm != 0 ||
		first.OpenNow == nil || !*first.OpenNow || first.Organization.Name != "Community Action Agency" ||
		len(first.TaxonomyTerms) != 1 || first.TaxonomyTerms[0].Code != "BD-1800.2000" || len(first.Languages) != 2 {
		t.Errorf("first result: %+v", first)
	}
	// The helpline has no location: it comes last, named by its service.
	last := body.Results[2]
	if last.ServiceID != "s-hotline" || last.ServiceAtLocationID != "" || last.DistanceKm != nil {
		t.Errorf("last result: %+v", last)
	}
	if body.Facets["needs"]["food-insecurity"] != 3 {
		t.Errorf("facets %v", body.Facets)
	}

	// A postcode is its ZIP's centroid; Homestead is far from 33125.
	body = searchBody{}
	ts.get(t, "/api/v1/search?need=food-insecurity&postcode=33125&include_virtual=false", &body)
	if body.Total != 1 || body.Results[0].ServiceAtLocationID != "sal-pantry-downtown" {
		t.Errorf("by postcode: %+v", body)
	}
}

func TestNeeds(t *testing.T) {
	ts := startServer(t, nil)
	var body struct {
		Needs []struct{ Code, Label, Description, GravityCode string } `json:"needs"`
	}
	if ts.get(t, "/api/v1/needs", &body) != 200 {
		t.Fatal("status")
	}
	want := strings.Fields(`food-insecurity housing-instability homelessness inadequate-housing utility-insecurity
		transportation-insecurity financial-insecurity material-hardship employment-status educational-attainment
		intimate-partner-violence elder-abuse social-connection stress health-insurance-coverage-status
		medical-cost-burden digital-access digital-literacy language-access veteran-status incarceration-status
		health-care dental-care mental-health substance-use disability-support childcare legal-aid
		clothing-household immigration`)
	have := map[string]bool{}
	for _, n := range body.Needs {
		have[n.Code] = true
		if n.Label == "" || n.Description == "" {
			t.Errorf("need %q has no label or description", n.Code)
		}
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("the contract's need %q is missing", w)
		}
	}
}

func TestUnknownRouteIsContractError(t *testing.T) {
	ts := startServer(t, nil)
	var body errorBody
	if status := ts.get(t, "/api/v1/nothing", &body); status != 404 || body.Error.Code != "not_found" {
		t.Errorf("%d %+v", status, body)
	}
}
