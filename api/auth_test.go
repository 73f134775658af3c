package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// seedTwoOrgs is the fixture ("org", whose editor the tests hold) and
// another organization, "other", with a service offered at one of org's
// locations (l-shared), which org's editor may therefore not change.
func seedTwoOrgs(tb testing.TB, s resources.Store) {
	tb.Helper()
	fixture.Seed(tb, s)
	fixture.Put(tb, s,
		&resources.Organization{ID: "other", Name: "Other Org", Description: "Elsewhere"},
		&resources.Location{ID: "l-other", OrganizationID: "other", LocationType: "physical"},
		&resources.Location{ID: "l-shared", OrganizationID: "org", LocationType: "physical"},
		&resources.Service{ID: "s-other", OrganizationID: "other", Name: "Other Service", Status: "active"},
		&resources.ServiceAtLocation{ID: "sal-other-shared", ServiceID: "s-other", LocationID: "l-shared"},
	)
}

// The columns of the authorization table.
var roleColumns = []string{"none", "admin", "case_manager", "intake", "org_editor(org)"}

// TestAuthorizationTable sends every endpoint as every role, against
// records of the editor's own organization and of another, and checks the
// status. Each cell that changes something gets a record of its own, so
// the cells do not depend on each other.
func TestAuthorizationTable(t *testing.T) {
	// Hundreds of requests from one address and key: no rate limit here
	// (rate limits have tests of their own).
	ts := startServer(t, seedTwoOrgs, func(c *api.Config) { c.AddressLimit, c.KeyLimit = api.Limit{Rate: -1}, api.Limit{Rate: -1} })
	keys := []string{"",
		ts.newKey(t, resources.RoleAdmin, ""),
		ts.newKey(t, resources.RoleCaseManager, ""),
		ts.newKey(t, resources.RoleIntake, ""),
		ts.newKey(t, resources.RoleOrgEditor, "org"),
	}
	ctx := context.Background()
	n := 0
	fresh := func(prefix string) string { n++; return fmt.Sprintf("%s-%d", prefix, n) }
	create := func(r resources.Record) string {
		if _, err := ts.Store.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
		return r.RecordID()
	}
	serviceOf := func(org string) func() string {
		return func() string {
			id := create(&resources.Service{ID: fresh("s"), OrganizationID: org, Name: "Fresh", Status: "active"})
			create(&resources.ServiceAtLocation{ID: fresh("sal"), ServiceID: id, LocationID: "l-" + map[string]string{"org": "downtown", "other": "other"}[org]})
			return id
		}
	}
	locationOf := func(org string) func() string {
		return func() string {
			return create(&resources.Location{ID: fresh("l"), OrganizationID: org, LocationType: "physical"})
		}
	}
	emptyOrg := func() string { return create(&resources.Organization{ID: fresh("o"), Name: "Empty", Description: "x"}) }
	key := func() string {
		k, _, _ := resources.NewKey("spare", resources.RoleIntake, "", "", time.Now())
		if err := ts.Store.CreateKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		return k.ID
	}
	fixed := func(id string) func() string { return func() string { return id } }
	service := func(org string, sals ...string) func(id string) any {
		return func(id string) any {
			s := map[string]any{"id": id, "organization_id": org, "name": "Edited", "status": "active"}
			if sals != nil {
				var list []map[string]string
				for _, l := range sals {
					list = append(list, map[string]string{"location_id": l})
				}
				s["service_at_locations"] = list
			}
			return s
		}
	}
	location := func(org string) func(id string) any {
		return func(id string) any {
			return map[string]any{"id": id, "organization_id": org, "location_type": "physical", "name": "Edited"}
		}
	}
	organization := func(id string) any { return map[string]any{"id": id, "name": "Edited", "description": "x"} }
	noID := func(body func(string) any) func(string) any { return func(string) any { return body("") } }
	match := func(string) any {
		return `{"client": {"postcode": "33130"}, "needs": [{"code": "food-insecurity"}]}`
	}

	referralBody := func(service string) string {
		return `{"service_id": "` + service + `", "need": "food-insecurity", "client": {"reference": "r1"},
			"consent": {"obtained": true, "method": "verbal", "date": "2026-11-27"}}`
	}
	// referralTo makes a referral from the case manager's key (column 2)
	// to a service, fresh for each cell.
	referralTo := func(service string) func() string {
		return func() string {
			resp, b := ts.do(t, "POST", "/api/v1/referrals", keys[2], referralBody(service))
			var v struct{ ID string }
			if resp.StatusCode != 201 || json.Unmarshal(b, &v) != nil {
				t.Fatalf("referral: %d %s", resp.StatusCode, b)
			}
			return v.ID
		}
	}
	subscription := func() string {
		resp, b := ts.do(t, "POST", "/api/v1/subscriptions", keys[1], `{"url": "http://127.0.0.1:9/hook", "events": ["referral.created"]}`)
		var v struct{ ID string }
		if resp.StatusCode != 201 || json.Unmarshal(b, &v) != nil {
			t.Fatalf("subscription: %d %s", resp.StatusCode, b)
		}
		return v.ID
	}
	body := func(s string) func(string) any { return func(string) any { return s } }

	type row struct {
		route string // "METHOD /path/:id", as registered
		what  string
		id    func() string    // the :id of the cell, made fresh where the cell changes it
		body  func(string) any // the body, given the id
		want  [5]int           // by roleColumns
	}
	const (
		ok, created, gone        = 200, 201, 204
		unauth, forbid, conflict = 401, 403, 409
		notFound                 = 404
	)
	rows := []row{
		{"GET /healthz", "", nil, nil, [5]int{ok, ok, ok, ok, ok}},
		{"GET /readyz", "", nil, nil, [5]int{ok, ok, ok, ok, ok}},
		{"GET /api/openapi.json", "", nil, nil, [5]int{ok, ok, ok, ok, ok}},
		{"GET /api/v1/search", "", nil, nil, [5]int{ok, ok, ok, ok, ok}},
		{"GET /api/v1/needs", "", nil, nil, [5]int{ok, ok, ok, ok, ok}},
		{"POST /api/v1/match", "", nil, match, [5]int{unauth, ok, ok, ok, forbid}},

		{"GET /api/v1/organizations/:id", "own", fixed("org"), nil, [5]int{ok, ok, ok, ok, ok}},
		{"GET /api/v1/organizations/:id", "other", fixed("other"), nil, [5]int{ok, ok, ok, ok, ok}},
		{"POST /api/v1/organizations", "", nil, noID(organization), [5]int{unauth, created, forbid, forbid, forbid}},
		{"PUT /api/v1/organizations/:id", "own", fixed("org"), organization, [5]int{unauth, ok, forbid, forbid, ok}},
		{"PUT /api/v1/organizations/:id", "other", fixed("other"), organization, [5]int{unauth, ok, forbid, forbid, forbid}},
		{"DELETE /api/v1/organizations/:id", "own, which has services", fixed("org"), nil, [5]int{unauth, conflict, forbid, forbid, forbid}},
		{"DELETE /api/v1/organizations/:id", "an empty one", emptyOrg, nil, [5]int{unauth, gone, forbid, forbid, forbid}},

		{"GET /api/v1/services/:id", "own", fixed("s-pantry"), nil, [5]int{ok, ok, ok, ok, ok}},
		{"GET /api/v1/services/:id", "other", fixed("s-other"), nil, [5]int{ok, ok, ok, ok, ok}},
		{"POST /api/v1/services", "own", nil, noID(service("org")), [5]int{unauth, created, forbid, forbid, created}},
		{"POST /api/v1/services", "other", nil, noID(service("other")), [5]int{unauth, created, forbid, forbid, forbid}},
		{"POST /api/v1/services", "own, at other's location", nil, noID(service("org", "l-other")), [5]int{unauth, created, forbid, forbid, forbid}},
		{"PUT /api/v1/services/:id", "own", serviceOf("org"), service("org"), [5]int{unauth, ok, forbid, forbid, ok}},
		{"PUT /api/v1/services/:id", "other", serviceOf("other"), service("other"), [5]int{unauth, ok, forbid, forbid, forbid}},
		{"PUT /api/v1/services/:id", "own, moved to other", serviceOf("org"), service("other"), [5]int{unauth, ok, forbid, forbid, forbid}},
		{"PUT /api/v1/services/:id", "own, at own locations", serviceOf("org"), service("org", "l-downtown", "l-hialeah"), [5]int{unauth, ok, forbid, forbid, ok}},
		{"PUT /api/v1/services/:id", "own, at other's location", serviceOf("org"), service("org", "l-other"), [5]int{unauth, ok, forbid, forbid, forbid}},
		{"DELETE /api/v1/services/:id", "own", serviceOf("org"), nil, [5]int{unauth, gone, forbid, forbid, gone}},
		{"DELETE /api/v1/services/:id", "other", serviceOf("other"), nil, [5]int{unauth, gone, forbid, forbid, forbid}},
		{"POST /api/v1/services/:id/verify", "own", serviceOf("org"), nil, [5]int{unauth, ok, forbid, forbid, ok}},
		{"POST /api/v1/services/:id/verify", "other", serviceOf("other"), nil, [5]int{unauth, ok, forbid, forbid, forbid}},

		{"GET /api/v1/locations/:id", "own", fixed("l-downtown"), nil, [5]int{ok, ok, ok, ok, ok}},
		{"GET /api/v1/locations/:id", "other", fixed("l-other"), nil, [5]int{ok, ok, ok, ok, ok}},
		{"POST /api/v1/locations", "own", nil, noID(location("org")), [5]int{unauth, created, forbid, forbid, created}},
		{"POST /api/v1/locations", "other", nil, noID(location("other")), [5]int{unauth, created, forbid, forbid, forbid}},
		{"POST /api/v1/locations", "no organization", nil, noID(location("")), [5]int{unauth, created, forbid, forbid, forbid}},
		{"PUT /api/v1/locations/:id", "own", locationOf("org"), location("org"), [5]int{unauth, ok, forbid, forbid, ok}},
		{"PUT /api/v1/locations/:id", "other", locationOf("other"), location("other"), [5]int{unauth, ok, forbid, forbid, forbid}},
		{"PUT /api/v1/locations/:id", "own, moved to other", locationOf("org"), location("other"), [5]int{unauth, ok, forbid, forbid, forbid}},
		{"PUT /api/v1/locations/:id", "own, where other offers a service", fixed("l-shared"), location("org"), [5]int{unauth, ok, forbid, forbid, forbid}},
		{"DELETE /api/v1/locations/:id", "own", locationOf("org"), nil, [5]int{unauth, gone, forbid, forbid, gone}},
		{"DELETE /api/v1/locations/:id", "other", locationOf("other"), nil, [5]int{unauth, gone, forbid, forbid, forbid}},

		{"POST /api/v1/keys", "", nil, func(string) any { return map[string]string{"name": "New", "role": "intake"} }, [5]int{unauth, created, forbid, forbid, forbid}},
		{"GET /api/v1/keys", "", nil, nil, [5]int{unauth, ok, forbid, forbid, forbid}},
		{"DELETE /api/v1/keys/:id", "", key, nil, [5]int{unauth, gone, forbid, forbid, forbid}},
		{"POST /api/v1/keys/:id/rotate", "", key, nil, [5]int{unauth, created, forbid, forbid, forbid}},
		{"GET /api/v1/audit", "", nil, nil, [5]int{unauth, ok, forbid, forbid, forbid}},

		// Referrals: any key sends; each sees what it sent or its
		// organization received (404 otherwise, telling nothing); the
		// receiver answers, the sender cancels; admins may do either.
		{"POST /api/v1/referrals", "to org's service", nil, body(referralBody("s-pantry")), [5]int{unauth, created, created, created, created}},
		{"GET /api/v1/referrals", "", nil, nil, [5]int{unauth, ok, ok, ok, ok}},
		{"GET /api/v1/referrals/stats", "", nil, nil, [5]int{unauth, ok, ok, ok, ok}},
		{"GET /api/v1/referrals/:id", "sent by case_manager to org", referralTo("s-pantry"), nil, [5]int{unauth, ok, ok, notFound, ok}},
		{"GET /api/v1/referrals/:id", "sent by case_manager to other", referralTo("s-other"), nil, [5]int{unauth, ok, ok, notFound, notFound}},
		{"POST /api/v1/referrals/:id/status", "accept, sent to org", referralTo("s-pantry"), body(`{"status": "accepted"}`), [5]int{unauth, ok, forbid, notFound, ok}},
		{"POST /api/v1/referrals/:id/status", "cancel, sent to org", referralTo("s-pantry"), body(`{"status": "cancelled", "reason": "moved"}`), [5]int{unauth, ok, ok, notFound, forbid}},
		{"GET /api/v1/services/:id/capacity", "own", fixed("s-pantry"), nil, [5]int{ok, ok, ok, ok, ok}},
		{"PUT /api/v1/services/:id/capacity", "own", fixed("s-pantry"), body(`{"status": "full"}`), [5]int{unauth, ok, forbid, forbid, ok}},
		{"PUT /api/v1/services/:id/capacity", "other", fixed("s-other"), body(`{"status": "full"}`), [5]int{unauth, ok, forbid, forbid, forbid}},
		{"POST /api/v1/subscriptions", "", nil, body(`{"url": "http://127.0.0.1:9/hook", "events": ["referral.created"]}`), [5]int{unauth, created, created, created, created}},
		{"GET /api/v1/subscriptions", "", nil, nil, [5]int{unauth, ok, ok, ok, ok}},
		{"DELETE /api/v1/subscriptions/:id", "admin's", subscription, nil, [5]int{unauth, gone, notFound, notFound, notFound}},
		{"GET /api/v1/subscriptions/:id/deliveries", "admin's", subscription, nil, [5]int{unauth, ok, notFound, notFound, notFound}},
		{"GET /api/v1/reports/unmet-needs", "", nil, nil, [5]int{unauth, ok, forbid, forbid, forbid}},
	}

	covered := map[string]bool{}
	var table strings.Builder
	fmt.Fprintf(&table, "%-55s %s\n", "", strings.Join(roleColumns, "  "))
	failed := false
	for _, r := range rows {
		covered[r.route] = true
		method, path, _ := strings.Cut(r.route, " ")
		var got [5]int
		for i, k := range keys {
			p := path
			id := ""
			if r.id != nil {
				id = r.id()
				p = strings.Replace(p, ":id", id, 1)
			}
			var body any
			if r.body != nil {
				body = r.body(id)
			}
			resp, b := ts.do(t, method, p, k, body)
			got[i] = resp.StatusCode
			if got[i] != r.want[i] {
				failed = true
				t.Errorf("%s (%s) as %s: %d, want %d: %s", r.route, r.what, roleColumns[i], got[i], r.want[i], b)
			}
		}
		fmt.Fprintf(&table, "%-55s %v\n", r.route+" "+r.what, got)
	}
	if failed {
		t.Log("\n" + table.String())
	}
	for _, rt := range ts.Server.Routes() {
		if !covered[rt.Method+" "+rt.Path] && (rt.Method != http.MethodGet || strings.HasPrefix(rt.Path, "/api/v1/")) {
			t.Errorf("%s %s has no row in the authorization table", rt.Method, rt.Path)
		}
	}
}

// TestClosedReads starts the server with --public-read=false: every GET
// it serves, save the probes and the API's description, needs a key, any
// key. Routes added later are covered without naming them.
func TestClosedReads(t *testing.T) {
	ts := startServer(t, seedTwoOrgs, func(c *api.Config) { c.RequireKeyToRead = true })
	editor := ts.newKey(t, resources.RoleOrgEditor, "other")
	param := regexp.MustCompile(`:[a-z_]+`)
	open := map[string]bool{"/healthz": true, "/readyz": true, "/api/openapi.json": true}
	for _, rt := range ts.Server.Routes() {
		if rt.Method != http.MethodGet {
			continue
		}
		path := param.ReplaceAllString(rt.Path, "org")
		resp, b := ts.do(t, http.MethodGet, path, "", nil)
		if open[rt.Path] {
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s without a key: %d, want 200: it is always open", path, resp.StatusCode)
			}
			continue
		}
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("GET %s without a key: %d %q, want 401 asking for a Bearer key: %s", path, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), b)
		}
		for _, k := range []string{ts.CaseManager, editor} {
			// 403 is a route's own role (keys, audit), not the gate.
			if resp, _ := ts.do(t, http.MethodGet, path, k, nil); resp.StatusCode == http.StatusUnauthorized {
				t.Errorf("GET %s with a key: %d; any valid key passes the gate", path, resp.StatusCode)
			}
		}
	}
	// Unknown paths are closed too, and say so in the contract's shape.
	var e errorBody
	if status := ts.get(t, "/api/v1/nothing", &e); status != 401 || e.Error.Code != "unauthorized" {
		t.Errorf("unknown path without a key: %d %+v", status, e)
	}
}
