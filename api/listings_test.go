package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// listing is what the listing endpoints answer, as far as tests look.
type listing struct {
	ID                 string  `json:"id"`
	OrganizationID     string  `json:"organization_id"`
	Name               string  `json:"name"`
	Description        string  `json:"description"`
	URL                string  `json:"url"`
	Status             string  `json:"status"`
	LastModified       *string `json:"last_modified"`
	AssuredDate        string  `json:"assured_date"`
	AssurerEmail       string  `json:"assurer_email"`
	ServiceAtLocations []struct {
		ID         string `json:"id"`
		ServiceID  string `json:"service_id"`
		LocationID string `json:"location_id"`
	} `json:"service_at_locations"`
}

// call sends a request and decodes a JSON answer into out (when not nil);
// it returns the answer.
func (ts *testServer) call(tb testing.TB, method, path, key string, body, out any, header ...string) *http.Response {
	tb.Helper()
	resp, b := ts.do(tb, method, path, key, body, header...)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			tb.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp
}

// searchNames returns the names of the services a search for q finds.
func (ts *testServer) searchNames(tb testing.TB, q string) []string {
	tb.Helper()
	var body searchBody
	if status := ts.get(tb, "/api/v1/search?q="+url.QueryEscape(q), &body); status != 200 {
		tb.Fatalf("search %q: %d", q, status)
	}
	var names []string
	for _, r := range body.Results {
		names = append(names, r.Name)
	}
	return names
}

func TestListingLifecycle(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	editor := ts.newKey(t, resources.RoleOrgEditor, "org")
	admin := ts.newKey(t, resources.RoleAdmin, "")

	// A location, then a service offered there: both in search at once.
	var loc listing
	resp := ts.call(t, "POST", "/api/v1/locations", editor, map[string]any{
		"organization_id": "org", "location_type": "physical", "name": "Little Havana site",
		"latitude": 25.7659, "longitude": -80.2196,
	}, &loc)
	if resp.StatusCode != 201 || loc.ID == "" || resp.Header.Get("Location") != "/api/v1/locations/"+loc.ID || resp.Header.Get("ETag") != `"1"` {
		t.Fatalf("create location: %d %+v %v", resp.StatusCode, loc, resp.Header)
	}
	var svc listing
	resp = ts.call(t, "POST", "/api/v1/services", editor, map[string]any{
		"organization_id": "org", "name": "Diaper Bank", "status": "active", "description": "Diapers for babies",
		"last_modified": "2001-01-01T00:00:00Z", "assured_date": "2030-01-01",
		"service_at_locations": []map[string]string{{"location_id": loc.ID}},
	}, &svc)
	if resp.StatusCode != 201 || len(svc.ServiceAtLocations) != 1 || svc.ServiceAtLocations[0].LocationID != loc.ID || svc.ServiceAtLocations[0].ServiceID != svc.ID {
		t.Fatalf("create service: %d %+v", resp.StatusCode, svc)
	}
	if svc.AssuredDate != "" || svc.LastModified == nil || strings.HasPrefix(*svc.LastModified, "2001") {
		t.Errorf("a body set assured_date %q or last_modified %v; only verify and the store do", svc.AssuredDate, svc.LastModified)
	}
	if names := ts.searchNames(t, "diapers"); len(names) != 1 || names[0] != "Diaper Bank" {
		t.Errorf("search right after the create finds %v", names)
	}

	// GET gives the ETag; a PUT with it renames the service, in search at once.
	var got listing
	resp = ts.call(t, "GET", "/api/v1/services/"+svc.ID, "", nil, &got)
	tag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || tag != `"1"` || len(got.ServiceAtLocations) != 1 {
		t.Fatalf("get: %d %s %+v", resp.StatusCode, tag, got)
	}
	body := map[string]any{"organization_id": "org", "name": "Nappy Bank", "status": "active", "description": "Diapers for babies"}
	resp = ts.call(t, "PUT", "/api/v1/services/"+svc.ID, editor, body, &got, "If-Match", tag)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"2"` || got.Name != "Nappy Bank" || len(got.ServiceAtLocations) != 1 {
		t.Fatalf("put: %d %s %+v", resp.StatusCode, resp.Header.Get("ETag"), got)
	}
	if names := ts.searchNames(t, "diapers"); len(names) != 1 || names[0] != "Nappy Bank" {
		t.Errorf("search right after the edit finds %v", names)
	}

	// Verify: assured_date is today, and search shows it as last verified.
	before := time.Now().UTC().Format(time.DateOnly)
	resp = ts.call(t, "POST", "/api/v1/services/"+svc.ID+"/verify", editor, nil, &got)
	after := time.Now().UTC().Format(time.DateOnly)
	if resp.StatusCode != 200 || (got.AssuredDate != before && got.AssuredDate != after) || resp.Header.Get("ETag") != `"3"` {
		t.Fatalf("verify: %d %+v", resp.StatusCode, got)
	}
	var found searchBody
	ts.get(t, "/api/v1/search?q=diapers", &found)
	if len(found.Results) != 1 || found.Results[0].LastVerified != got.AssuredDate {
		t.Errorf("search shows last_verified %+v, want %s", found.Results, got.AssuredDate)
	}
	// An edit keeps the verification: only verify sets it.
	body["assured_date"] = "2000-01-01"
	ts.call(t, "PUT", "/api/v1/services/"+svc.ID, editor, body, &got)
	if got.AssuredDate != before && got.AssuredDate != after {
		t.Errorf("a PUT changed assured_date to %q", got.AssuredDate)
	}

	// The audit trail names the editor's key and each field's old and new value.
	var trail struct {
		Entries []resources.AuditEntry `json:"entries"`
	}
	if resp := ts.call(t, "GET", "/api/v1/audit?record_id="+svc.ID+"&kind=service", admin, nil, &trail); resp.StatusCode != 200 {
		t.Fatalf("audit: %d", resp.StatusCode)
	}
	// The last edit changed only assured_date, which a body cannot: it
	// changed nothing and is not in the trail.
	if len(trail.Entries) != 3 {
		t.Fatalf("%d audit entries for the service, want create, edit, verify: %+v", len(trail.Entries), trail.Entries)
	}
	rename := trail.Entries[1] // newest first
	changes := map[string]string{}
	for _, c := range rename.Changes {
		changes[c.Field] = string(c.Old) + " -> " + string(c.New)
	}
	if rename.Action != "update" || rename.Actor.Name != "test org_editor org" || rename.Actor.KeyID == "" || rename.Version != 2 ||
		changes["name"] != `"Diaper Bank" -> "Nappy Bank"` {
		t.Errorf("rename entry %+v (changes %v)", rename, changes)
	}
	if strings.Contains(fmt.Sprint(trail), strings.Split(editor, "_")[2]) {
		t.Error("the audit trail holds the key's secret")
	}
	if v := trail.Entries[0]; v.Changes == nil || !strings.Contains(fmt.Sprint(changeFields(v)), "assured_date") {
		t.Errorf("verify entry %+v", v)
	}

	// Delete takes the service and its service_at_location out of search.
	resp = ts.call(t, "DELETE", "/api/v1/services/"+svc.ID, editor, nil, nil, "If-Match", `"3"`)
	if resp.StatusCode != 204 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if names := ts.searchNames(t, "diapers"); len(names) != 0 {
		t.Errorf("search after the delete finds %v", names)
	}
	if resp := ts.call(t, "GET", "/api/v1/services/"+svc.ID, "", nil, nil); resp.StatusCode != 404 {
		t.Errorf("get after delete: %d", resp.StatusCode)
	}
	ts.call(t, "GET", "/api/v1/audit?record_id="+got.ServiceAtLocations[0].ID, admin, nil, &trail)
	if len(trail.Entries) != 2 || trail.Entries[0].Action != "delete" {
		t.Errorf("the service_at_location's trail: %+v", trail.Entries)
	}
}

func changeFields(e resources.AuditEntry) []string {
	var out []string
	for _, c := range e.Changes {
		out = append(out, c.Field)
	}
	return out
}

// TestOrganizationEditReachesSearch: search documents carry the
// organization's name, so editing it re-indexes its services at once.
func TestOrganizationEditReachesSearch(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	editor := ts.newKey(t, resources.RoleOrgEditor, "org")
	resp := ts.call(t, "PUT", "/api/v1/organizations/org", editor, map[string]any{"name": "Neighbours United", "description": "Helps"}, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("put: %d", resp.StatusCode)
	}
	var body searchBody
	ts.get(t, "/api/v1/search?q=pantry", &body)
	if len(body.Results) == 0 || body.Results[0].Organization.Name != "Neighbours United" {
		t.Errorf("search after renaming the organization: %+v", body.Results)
	}
}

func TestServiceAtLocationsReplaced(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	editor := ts.newKey(t, resources.RoleOrgEditor, "org")
	put := func(sals any) listing {
		t.Helper()
		body := map[string]any{"organization_id": "org", "name": "Downtown Food Pantry", "status": "active",
			"description": "Free groceries every weekday."}
		if sals != nil {
			body["service_at_locations"] = sals
		}
		var out listing
		if resp := ts.call(t, "PUT", "/api/v1/services/s-pantry", editor, body, &out); resp.StatusCode != 200 {
			t.Fatalf("put %v: %d %+v", sals, resp.StatusCode, out)
		}
		return out
	}
	ids := func(l listing) string {
		var out []string
		for _, s := range l.ServiceAtLocations {
			out = append(out, s.ID+"@"+s.LocationID)
		}
		return strings.Join(out, " ")
	}
	saleIDs := func() string {
		var body searchBody
		ts.get(t, "/api/v1/search?q=groceries&per_page=50", &body)
		var out []string
		for _, r := range body.Results {
			out = append(out, r.ServiceAtLocationID)
		}
		return strings.Join(out, " ")
	}
	// Leaving the field out keeps the two places.
	if got := ids(put(nil)); got != "sal-pantry-downtown@l-downtown sal-pantry-homestead@l-homestead" {
		t.Errorf("without service_at_locations: %s", got)
	}
	// Listing one keeps it, drops the other, and adds a new one with a new id.
	got := put([]map[string]string{{"id": "sal-pantry-downtown", "location_id": "l-downtown"}, {"location_id": "l-hialeah"}})
	if len(got.ServiceAtLocations) != 2 || got.ServiceAtLocations[0].ID != "sal-pantry-downtown" || got.ServiceAtLocations[1].LocationID != "l-hialeah" || got.ServiceAtLocations[1].ID == "" {
		t.Fatalf("replaced: %s", ids(got))
	}
	if s := saleIDs(); !strings.Contains(s, "sal-pantry-downtown") || strings.Contains(s, "sal-pantry-homestead") || !strings.Contains(s, got.ServiceAtLocations[1].ID) {
		t.Errorf("search after replacing: %s", s)
	}
	// The unchanged one was not written again.
	var trail struct{ Entries []resources.AuditEntry }
	ts.call(t, "GET", "/api/v1/audit?record_id=sal-pantry-downtown", ts.newKey(t, resources.RoleAdmin, ""), nil, &trail)
	if len(trail.Entries) != 1 {
		t.Errorf("an unchanged service_at_location got %d audit entries, want only its import", len(trail.Entries))
	}
	// [] leaves the service with no place: it becomes one document without a location.
	if got := put([]any{}); len(got.ServiceAtLocations) != 0 {
		t.Errorf("with []: %s", ids(got))
	}
	var body searchBody
	ts.get(t, "/api/v1/search?q=groceries", &body)
	pantry := 0
	for _, r := range body.Results { // "groceries" names food: the food helpline is found too
		if r.ServiceID == "s-pantry" {
			pantry++
			if r.ServiceAtLocationID != "" {
				t.Errorf("search after removing every place: %+v", r)
			}
		}
	}
	if pantry != 1 {
		t.Errorf("search after removing every place: the pantry %d times in %+v", pantry, body.Results)
	}
}

func TestListingBadInputs(t *testing.T) {
	ts := startServer(t, seedTwoOrgs)
	editor := ts.newKey(t, resources.RoleOrgEditor, "org")
	valid := `{"organization_id": "org", "name": "X", "status": "active"}`
	tests := []struct {
		what, method, path, body string
		header                   []string
		status                   int
		code                     string
		fields                   []string
	}{
		{"malformed JSON", "POST", "/api/v1/services", `{"name": `, nil, 400, "invalid", nil},
		{"not an object", "POST", "/api/v1/services", `[1]`, nil, 400, "invalid", nil},
		{"empty body", "POST", "/api/v1/services", ``, nil, 400, "invalid", nil},
		{"trailing data", "POST", "/api/v1/services", valid + `{}`, nil, 400, "invalid", nil},
		{"unknown field", "POST", "/api/v1/services", `{"organization_id": "org", "name": "X", "status": "active", "colour": "red"}`, nil, 400, "invalid", []string{"colour"}},
		{"wrong type", "POST", "/api/v1/services", `{"organization_id": "org", "name": "X", "status": "active", "minimum_age": "ten"}`, nil, 400, "invalid", []string{"minimum_age"}},
		{"invalid fields, each named", "POST", "/api/v1/services", `{"organization_id": "org", "status": "open", "minimum_age": 200, "phones": [{"number": ""}]}`, nil, 400, "invalid",
			[]string{"name", "status", "minimum_age", "phones[0].id", "phones[0].number"}},
		{"a phone that is no number", "POST", "/api/v1/services", `{"organization_id": "org", "name": "X", "status": "active", "phones": [{"id": "p-1", "number": "call the desk"}]}`, nil, 400, "invalid", []string{"phones[0].number"}},
		{"a location's phone of no known type", "POST", "/api/v1/locations", `{"organization_id": "org", "location_type": "physical", "phones": [{"id": "p-2", "number": "211", "type": "telegraph"}]}`, nil, 400, "invalid", []string{"phones[0].type"}},
		{"invalid location", "POST", "/api/v1/locations", `{"organization_id": "org", "location_type": "physical", "latitude": 95, "longitude": 0}`, nil, 400, "invalid", []string{"latitude"}},
		{"location without its other coordinate", "POST", "/api/v1/locations", `{"organization_id": "org", "location_type": "physical", "latitude": 25}`, nil, 400, "invalid", []string{"latitude"}},
		{"names no organization", "PUT", "/api/v1/organizations/org", `{"name": "X", "description": "y", "parent_organization_id": "nope"}`, nil, 400, "invalid", []string{"parent_organization_id"}},
		{"service_at_location without location", "PUT", "/api/v1/services/s-pantry", `{"organization_id": "org", "name": "X", "status": "active", "service_at_locations": [{"id": "x"}]}`, nil, 400, "invalid", []string{"service_at_locations[0].location_id"}},
		{"service_at_location naming no location", "PUT", "/api/v1/services/s-pantry", `{"organization_id": "org", "name": "X", "status": "active", "service_at_locations": [{"location_id": "nowhere"}]}`, nil, 400, "invalid", []string{"service_at_locations[0].location_id"}},
		{"another service's service_at_location", "PUT", "/api/v1/services/s-pantry", `{"organization_id": "org", "name": "X", "status": "active", "service_at_locations": [{"id": "sal-rent-hialeah", "location_id": "l-hialeah"}]}`, nil, 400, "invalid", []string{"service_at_locations[0].id"}},
		{"a service_at_location of another service", "PUT", "/api/v1/services/s-pantry", `{"organization_id": "org", "name": "X", "status": "active", "service_at_locations": [{"service_id": "s-rent", "location_id": "l-hialeah"}]}`, nil, 400, "invalid", []string{"service_at_locations[0].service_id"}},
		{"body id is not the URL's", "PUT", "/api/v1/services/s-pantry", `{"id": "s-rent", "organization_id": "org", "name": "X", "status": "active"}`, nil, 400, "invalid", []string{"id"}},
		{"id taken", "POST", "/api/v1/services", `{"id": "s-rent", "organization_id": "org", "name": "X", "status": "active"}`, nil, 409, "conflict", nil},
		{"no such record", "PUT", "/api/v1/services/nope", valid, nil, 404, "not_found", nil},
		{"no such record to delete", "DELETE", "/api/v1/locations/nope", "", nil, 404, "not_found", nil},
		{"stale If-Match", "PUT", "/api/v1/services/s-pantry", valid, []string{"If-Match", `"7"`}, 412, "conflict", nil},
		{"stale If-Match on delete", "DELETE", "/api/v1/services/s-rent", "", []string{"If-Match", `"7"`}, 412, "conflict", nil},
		{"stale If-Match on verify", "POST", "/api/v1/services/s-rent/verify", "", []string{"If-Match", `"7"`}, 412, "conflict", nil},
		{"If-Match that is no version", "PUT", "/api/v1/services/s-pantry", valid, []string{"If-Match", `W/"abc"`}, 412, "conflict", nil},
		{"an editor deleting its organization", "DELETE", "/api/v1/organizations/org", "", nil, 403, "forbidden", nil},
	}
	for _, tt := range tests {
		var e errorBody
		resp := ts.call(t, tt.method, tt.path, editor, tt.body, &e, tt.header...)
		if resp.StatusCode != tt.status || e.Error.Code != tt.code || e.Error.Message == "" {
			t.Errorf("%s: %d %+v; want %d %s", tt.what, resp.StatusCode, e, tt.status, tt.code)
			continue
		}
		for _, f := range tt.fields {
			if e.Error.Fields[f] == "" {
				t.Errorf("%s: fields %v do not name %s", tt.what, e.Error.Fields, f)
			}
		}
	}
	// Nothing was half-written.
	var svc listing
	ts.call(t, "GET", "/api/v1/services/s-pantry", "", nil, &svc)
	if svc.Name != "Downtown Food Pantry" || len(svc.ServiceAtLocations) != 2 {
		t.Errorf("after the bad requests s-pantry is %+v", svc)
	}
	// An organization that still has services is not deleted, even by an admin.
	var e errorBody
	if resp := ts.call(t, "DELETE", "/api/v1/organizations/other", ts.newKey(t, resources.RoleAdmin, ""), nil, &e); resp.StatusCode != 409 || e.Error.Code != "conflict" {
		t.Errorf("delete an organization with services: %d %+v", resp.StatusCode, e)
	}
}

// TestTwoEditorsRace has editors of one organization edit one service at
// once, each reading it and writing with If-Match: for each version exactly
// one wins and the rest get 412; a loser that reads again and redoes its
// change loses nothing, so in the end every editor's change is there.
func TestTwoEditorsRace(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	const editors = 6
	keys := make([]string, editors)
	for i := range keys {
		keys[i] = ts.newKey(t, resources.RoleOrgEditor, "org")
	}
	var mu sync.Mutex
	wins := map[string]int{} // ETag read -> writers that won with it
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, key := range keys {
		wg.Go(func() {
			<-start
			for attempt := 0; ; attempt++ {
				// The whole record goes back, as an editor's form would send it.
				var cur map[string]any
				resp := ts.call(t, "GET", "/api/v1/services/s-rent", "", nil, &cur)
				tag := resp.Header.Get("ETag")
				// Each editor adds its own line to the alert.
				alert, _ := cur["alert"].(string)
				cur["alert"] = strings.TrimSpace(alert + fmt.Sprintf(" [editor %d]", i))
				var e errorBody
				put := ts.call(t, "PUT", "/api/v1/services/s-rent", key, cur, &e, "If-Match", tag)
				switch put.StatusCode {
				case 200:
					mu.Lock()
					wins[tag]++
					mu.Unlock()
					return
				case 412:
					if e.Error.Code != "conflict" {
						t.Errorf("editor %d: 412 with code %q", i, e.Error.Code)
					}
				default:
					t.Errorf("editor %d: %d %+v", i, put.StatusCode, e)
					return
				}
				if attempt > 50 {
					t.Errorf("editor %d never got a write in", i)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for tag, n := range wins {
		if n != 1 {
			t.Errorf("%d editors won with ETag %s; want exactly one", n, tag)
		}
	}
	var raw struct {
		Alert      string `json:"alert"`
		MinimumAge int    `json:"minimum_age"`
	}
	resp := ts.call(t, "GET", "/api/v1/services/s-rent", "", nil, &raw)
	if raw.MinimumAge != 18 {
		t.Errorf("minimum_age %d: a field nobody edited changed", raw.MinimumAge)
	}
	for i := range editors {
		if !strings.Contains(raw.Alert, fmt.Sprintf("[editor %d]", i)) {
			t.Errorf("editor %d's change was lost: alert %q", i, raw.Alert)
		}
	}
	if want := fmt.Sprintf(`"%d"`, 1+editors); resp.Header.Get("ETag") != want {
		t.Errorf("final ETag %s, want %s: one version per editor", resp.Header.Get("ETag"), want)
	}
}
