package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
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

// FuzzReferralBodies: whatever the bodies of the referral routes hold (a
// new referral, a status change, a service's capacity), the API answers in
// its error shape at worst, never with a 500.
func FuzzReferralBodies(f *testing.F) {
	for _, s := range []string{
		`{"service_id": "s-pantry", "service_at_location_id": "sal-pantry-downtown", "need": "food-insecurity", "client": {"reference": "A-1", "name": "Ana", "phone": "305-555-0199", "email": "a@example.org"}, "consent": {"obtained": true, "method": "verbal", "date": "2025-01-05"}, "notes": "after 3"}`,
		`{"status": "rejected", "reason": "full this month"}`,
		`{"status": "waitlist", "expected_wait_days": 14, "note": "Call first"}`,
		`{"service_id": "", "client": {"reference": "` + strings.Repeat("x", 300) + `"}, "consent": {"obtained": "yes", "date": "2099-13-40"}}`,
		`{"status": "accepted", "reason": null, "extra": [1, {"a": {}}]}`,
		`{"expected_wait_days": -1e309, "status": ""}`,
		`[]`, `null`, `"`, `{"client": {"client": {"client": {}}}}`,
	} {
		f.Add(s)
	}
	ts := startServer(f, fixture.Seed, func(c *api.Config) { c.AddressLimit = api.Limit{Rate: -1}; c.KeyLimit = api.Limit{Rate: -1} })
	editor := ts.newKey(f, resources.RoleOrgEditor, "org")
	var made resources.Referral
	ts.call(f, "POST", "/api/v1/referrals", ts.CaseManager, map[string]any{"service_id": "s-pantry", "need": "food-insecurity",
		"client": map[string]any{"reference": "F-1"}, "consent": map[string]any{"obtained": true, "method": "verbal", "date": "2025-01-05"}}, &made)
	if made.ID == "" {
		f.Fatal("no referral to change")
	}
	n := 0
	f.Fuzz(func(t *testing.T, body string) {
		n++
		for _, r := range []struct{ method, path, key string }{
			{"POST", "/api/v1/referrals", ts.CaseManager},
			{"POST", "/api/v1/referrals/" + made.ID + "/status", editor},
			{"POST", "/api/v1/referrals/" + made.ID + "/status", ts.CaseManager},
			{"PUT", "/api/v1/services/s-pantry/capacity", editor},
		} {
			req := httptest.NewRequest(r.method, r.path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+r.key)
			req.Header.Set("Idempotency-Key", fmt.Sprint("fuzz-", n))
			rec := httptest.NewRecorder()
			ts.Server.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s %s %q: %d %.300s", r.method, r.path, body, rec.Code, rec.Body.String())
			}
			if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `"error"`) {
				t.Fatalf("%s %s %q: %d without the error shape: %.300s", r.method, r.path, body, rec.Code, rec.Body.String())
			}
		}
	})
}
