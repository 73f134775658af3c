package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/refer-project/refer/resources"
)

// loadOpenAPI fetches the served document and checks it is valid OpenAPI 3.
func loadOpenAPI(tb testing.TB, ts *testServer) *openapi3.T {
	tb.Helper()
	_, raw := ts.do(tb, "GET", "/api/openapi.json", "", nil)
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		tb.Fatalf("the served document does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		tb.Fatalf("the served document is not valid OpenAPI 3: %v", err)
	}
	return doc
}

// TestOpenAPICoversRoutes holds the document and the server to each
// other: every route served is documented, every documented one served.
func TestOpenAPICoversRoutes(t *testing.T) {
	ts := startServer(t, nil)
	doc := loadOpenAPI(t, ts)
	// Echo's ":id" is OpenAPI's "{id}"; its wildcard "*" (static files) is
	// documented as "{path}".
	param := regexp.MustCompile(`:([a-zA-Z_]+)`)
	served := map[string]bool{}
	for _, r := range ts.Server.Routes() {
		key := r.Method + " " + strings.Replace(param.ReplaceAllString(r.Path, "{$1}"), "*", "{path}", 1)
		served[key] = true
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("%s is served but not in api/openapi.json: document it there", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("%s is in api/openapi.json but not served", k)
		}
	}
}

// TestOpenAPIMatchesAnswers sends real requests and checks each request
// and answer against the document: statuses, headers and bodies.
func TestOpenAPIMatchesAnswers(t *testing.T) {
	ts := startServer(t, seedTwoOrgs)
	doc := loadOpenAPI(t, ts)
	doc.Servers = openapi3.Servers{{URL: ts.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	admin := ts.newKey(t, resources.RoleAdmin, "")
	editor := ts.newKey(t, resources.RoleOrgEditor, "org")
	keyID, _, _ := resources.ParseKeyToken(ts.newKey(t, resources.RoleIntake, ""))
	match := `{"client": {"postcode": "33130", "age": 30}, "needs": [{"code": "food-insecurity"}, {"text": "no food"}]}`
	svc := `{"organization_id": "org", "name": "Bread", "status": "active", "phones": [{"id": "p1", "number": "305-555-0100"}],
		"service_at_locations": [{"location_id": "l-downtown"}]}`
	tests := []struct {
		method, path, key, body string
		header                  []string
		status                  int
	}{
		{"GET", "/healthz", "", "", nil, 200},
		{"GET", "/readyz", "", "", nil, 200},
		{"GET", "/api/v1/search?need=food-insecurity&postcode=33130&sort=distance", "", "", nil, 200},
		{"GET", "/api/v1/search?page=0", "", "", nil, 400},
		{"GET", "/api/v1/needs", "", "", nil, 200},
		{"POST", "/api/v1/match?explain=true", ts.CaseManager, match, nil, 200},
		{"POST", "/api/v1/match", "", match, nil, 401},
		{"POST", "/api/v1/match", editor, match, nil, 403},
		{"POST", "/api/v1/match", ts.CaseManager, `{"client": {"postcode": "33130"}, "needs": [{"code": "hunger"}]}`, nil, 422},
		{"GET", "/api/v1/services/s-pantry", "", "", nil, 200},
		{"GET", "/api/v1/services/nope", "", "", nil, 404},
		{"POST", "/api/v1/services", editor, svc, nil, 201},
		{"POST", "/api/v1/services", editor, `{"organization_id": "org", "status": "open"}`, nil, 400},
		{"PUT", "/api/v1/services/s-rent", editor, `{"organization_id": "org", "name": "Rent", "status": "active"}`, []string{"If-Match", `"1"`}, 200},
		{"PUT", "/api/v1/services/s-rent", editor, `{"organization_id": "org", "name": "Rent", "status": "active"}`, []string{"If-Match", `"1"`}, 412},
		{"PUT", "/api/v1/services/s-other", editor, `{"organization_id": "other", "name": "Rent", "status": "active"}`, nil, 403},
		{"POST", "/api/v1/services/s-rent/verify", editor, "", nil, 200},
		{"GET", "/api/v1/organizations/org", "", "", nil, 200},
		{"PUT", "/api/v1/organizations/org", editor, `{"name": "Org", "description": "Helps"}`, nil, 200},
		{"POST", "/api/v1/organizations", admin, `{"name": "New Org", "description": "x"}`, nil, 201},
		{"DELETE", "/api/v1/organizations/org", admin, "", nil, 409},
		{"GET", "/api/v1/locations/l-downtown", "", "", nil, 200},
		{"POST", "/api/v1/locations", editor, `{"organization_id": "org", "location_type": "physical", "latitude": 25.8, "longitude": -80.2}`, nil, 201},
		{"PUT", "/api/v1/locations/l-hialeah", editor, `{"organization_id": "org", "location_type": "virtual"}`, nil, 200},
		{"DELETE", "/api/v1/locations/l-hialeah", editor, "", nil, 204},
		{"DELETE", "/api/v1/services/s-lights", editor, "", nil, 204},
		{"POST", "/api/v1/keys", admin, `{"name": "Ana", "role": "org_editor", "organization_id": "org", "email": "ana@example.org"}`, nil, 201},
		{"POST", "/api/v1/keys", admin, `{"name": "Ana", "role": "root"}`, nil, 400},
		{"GET", "/api/v1/keys", admin, "", nil, 200},
		{"DELETE", "/api/v1/keys/" + keyID, admin, "", nil, 204},
		{"DELETE", "/api/v1/keys/nope", admin, "", nil, 404},
		{"GET", "/api/v1/audit?limit=20", admin, "", nil, 200},
		{"GET", "/api/v1/audit?kind=nonsense", admin, "", nil, 400},
		{"GET", "/api/v1/audit", ts.CaseManager, "", nil, 403},
		{"POST", "/api/v1/referrals", ts.CaseManager, `{"service_id": "s-pantry", "service_at_location_id": "sal-pantry-downtown", "need": "food-insecurity",
			"client": {"reference": "A-1", "name": "Ana", "phone": "305-555-0199"}, "consent": {"obtained": true, "method": "verbal", "date": "2025-01-05"}}`, []string{"Idempotency-Key", "k-1"}, 201},
		{"POST", "/api/v1/referrals", ts.CaseManager, `{"service_id": "s-pantry", "service_at_location_id": "sal-pantry-downtown", "need": "food-insecurity",
			"client": {"reference": "A-1", "name": "Ana", "phone": "305-555-0199"}, "consent": {"obtained": true, "method": "verbal", "date": "2025-01-05"}}`, []string{"Idempotency-Key", "k-1"}, 201},
		{"POST", "/api/v1/referrals", ts.CaseManager, `{"service_id": "s-pantry", "need": "food-insecurity",
			"client": {"reference": "B-2"}, "consent": {"obtained": true, "method": "written", "date": "2025-01-05"}}`, []string{"Idempotency-Key", "k-1"}, 409},
		{"POST", "/api/v1/referrals", ts.CaseManager, `{"service_id": "s-pantry", "need": "food-insecurity",
			"client": {"reference": "A-1"}, "consent": {"obtained": false, "method": "verbal", "date": "2025-01-05"}}`, nil, 422},
		{"POST", "/api/v1/referrals", "", `{"service_id": "s-pantry", "need": "food-insecurity"}`, nil, 401},
		{"GET", "/api/v1/referrals?status=requested&organization_id=org&need=food-insecurity&from=2025-01-01&page=1&per_page=10", ts.CaseManager, "", nil, 200},
		{"GET", "/api/v1/referrals", editor, "", nil, 200},
		{"GET", "/api/v1/referrals?status=lost", ts.CaseManager, "", nil, 400},
		{"GET", "/api/v1/referrals/stats?from=2025-01-01", ts.CaseManager, "", nil, 200},
		{"GET", "/api/v1/referrals/stats", editor, "", nil, 200},
		{"GET", "/api/v1/referrals/stats?from=2030-01-02&to=2030-01-01", ts.CaseManager, "", nil, 400},
		{"GET", "/api/v1/referrals/r-unknown", ts.CaseManager, "", nil, 404},
		{"POST", "/api/v1/referrals/r-unknown/status", editor, `{"status": "accepted"}`, nil, 404},
		{"POST", "/api/v1/referrals/r-unknown/status", editor, `{"status": "rejected"}`, nil, 422},
		{"GET", "/api/v1/services/s-pantry/capacity", "", "", nil, 200},
		{"GET", "/api/v1/services/nope/capacity", "", "", nil, 404},
		{"PUT", "/api/v1/services/s-pantry/capacity", editor, `{"status": "waitlist", "expected_wait_days": 14, "note": "Call first"}`, nil, 200},
		{"PUT", "/api/v1/services/s-pantry/capacity", ts.CaseManager, `{"status": "full"}`, nil, 403},
		{"PUT", "/api/v1/services/s-other/capacity", editor, `{"status": "full"}`, nil, 403},
		{"PUT", "/api/v1/services/s-pantry/capacity", editor, `{"status": "closed"}`, nil, 400},
		{"GET", "/api/v1/services/s-pantry/capacity", "", "", nil, 200},
		{"POST", "/api/v1/referrals", ts.CaseManager, `{"service_id": "s-pantry", "need": "food-insecurity",
			"client": {"reference": "C-3"}, "consent": {"obtained": true, "method": "electronic", "date": "2025-01-05"}}`, nil, 201},
		{"GET", "/api/v1/search?need=food-insecurity&postcode=33130", "", "", nil, 200},
		{"POST", "/api/v1/match", ts.CaseManager, match, nil, 200},
		{"POST", "/api/v1/subscriptions", editor, `{"url": "http://127.0.0.1:9/hook", "events": ["referral.created", "referral.status_changed"]}`, nil, 201},
		{"POST", "/api/v1/subscriptions", editor, `{"url": "ftp://127.0.0.1/hook", "events": ["referral.created"]}`, nil, 422},
		{"GET", "/api/v1/subscriptions", editor, "", nil, 200},
		{"GET", "/api/v1/subscriptions", "", "", nil, 401},
		{"DELETE", "/api/v1/subscriptions/sub-unknown", editor, "", nil, 404},
		{"GET", "/api/v1/subscriptions/sub-unknown/deliveries?limit=10", editor, "", nil, 404},
		{"GET", "/api/v1/reports/unmet-needs?from=2025-01-01&to=2025-12-31", admin, "", nil, 200},
		{"GET", "/api/v1/reports/unmet-needs", ts.CaseManager, "", nil, 403},
	}
	ctx := context.Background()
	for _, tt := range tests {
		name := tt.method + " " + tt.path
		var body any
		if tt.body != "" {
			body = tt.body
		}
		resp, raw := ts.do(t, tt.method, tt.path, tt.key, body, tt.header...)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d: %s", name, resp.StatusCode, tt.status, raw)
			continue
		}
		req, _ := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader(tt.body))
		if tt.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(tt.header); i += 2 {
			req.Header.Set(tt.header[i], tt.header[i+1])
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s: not in the document: %v", name, err)
			continue
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
		if tt.status < 300 {
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("%s: the request does not fit the document: %v", name, err)
			}
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Body: io.NopCloser(bytes.NewReader(raw)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("%s: the answer (%d) does not fit the document: %v\n%s", name, resp.StatusCode, err, raw)
		}
	}
}
