package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/fixture"
)

// FuzzQueryParameters: whatever a query string holds, search, the HSDS API
// and the search page answer it (a 4xx that names the parameter at worst),
// never with a 500.
func FuzzQueryParameters(f *testing.F) {
	for _, s := range []string{
		"q=food&postcode=33130&radius_km=10",
		"q=" + strings.Repeat("a", 40) + "&page=2&per_page=100",
		"latitude=NaN&longitude=Inf&radius_km=-1",
		"need=food-insecurity&need=&taxonomy=BD-&open_now=maybe&age=200",
		"search=%00%ff&postcode=00000&proximity=1e309&page=0",
		"q=\"quoted\"+AND+OR+*+~2+^3&sort=distance",
	} {
		f.Add(s)
	}
	ts := startServer(f, fixture.Seed, func(c *api.Config) { c.AddressLimit = api.Limit{Rate: -1} })
	f.Fuzz(func(t *testing.T, raw string) {
		vals, err := url.ParseQuery(raw)
		if err != nil {
			return // not a query string a client's library would send
		}
		raw = vals.Encode()
		for _, path := range []string{"/api/v1/search", "/api/hsds/services", "/api/hsds/service_at_locations", "/"} {
			req := httptest.NewRequest("GET", path+"?"+raw, nil)
			rec := httptest.NewRecorder()
			ts.Server.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("GET %s?%s: %d %.300s", path, raw, rec.Code, rec.Body.String())
			}
		}
	})
}

// FuzzMatchBody: whatever a match body holds, match answers it (400 or 422
// naming what is wrong at worst), never with a 500.
func FuzzMatchBody(f *testing.F) {
	for _, s := range []string{
		`{"client": {"postcode": "33130", "age": 34, "languages": ["Spanish"]}, "needs": [{"code": "food-insecurity"}, {"text": "they are going to shut off my electricity"}]}`,
		`{"client": {"latitude": 25.7, "longitude": -80.2}, "screening": {"instrument": "ahc-hrsn", "answers": {"71802-3": "LA31994-9"}}, "limit": 3}`,
		`{"needs": [{"text": "` + strings.Repeat("x", 40) + `"}]}`,
		`{"client": {"age": -1, "household_size": 1e308}, "needs": [{"code": ""}]}`,
		`[]`, `null`, `{"needs": [[[[]]]]}`,
	} {
		f.Add(s)
	}
	ts := startServer(f, fixture.Seed, func(c *api.Config) { c.AddressLimit = api.Limit{Rate: -1}; c.KeyLimit = api.Limit{Rate: -1} })
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/api/v1/match?explain=true", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+ts.CaseManager)
		rec := httptest.NewRecorder()
		ts.Server.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("match %q: %d %.300s", body, rec.Code, rec.Body.String())
		}
		if rec.Code != http.StatusOK && !strings.Contains(rec.Body.String(), `"error"`) {
			t.Fatalf("match %q: %d without the error shape: %.300s", body, rec.Code, rec.Body.String())
		}
	})
}
