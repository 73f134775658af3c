package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// Issue 14's list of what broke under hostile and careless input: each
// case here failed before its fix.

func TestLongWordsAreNot500(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	for _, w := range []string{"electricityassistance", strings.Repeat("a", 16), strings.Repeat("ñ", 40), strings.Repeat("x", 300)} {
		q := url.QueryEscape(w)
		for _, path := range []string{"/api/v1/search?q=" + q, "/?q=" + q, "/api/hsds/services?search=" + q} {
			if resp, b := ts.do(t, "GET", path, "", nil); resp.StatusCode >= 500 {
				t.Errorf("GET %s: %d %s", path, resp.StatusCode, b)
			}
		}
		body := `{"client": {"postcode": "33130"}, "needs": [{"text": "` + w + `"}]}`
		if resp, b := ts.do(t, "POST", "/api/v1/match", ts.CaseManager, body); resp.StatusCode >= 500 {
			t.Errorf("match %q: %d %s", w, resp.StatusCode, b)
		}
	}
}

func TestErrorShapes(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	var e errorBody
	if resp := ts.call(t, "PATCH", "/api/v1/services/s-pantry", "", `{}`, &e); resp.StatusCode != 405 || e.Error.Code != "method_not_allowed" || resp.Header.Get("Allow") == "" {
		t.Errorf("PATCH: %d %+v allow %q", resp.StatusCode, e, resp.Header.Get("Allow"))
	}
	// Headers over the limit: 431 in the error shape, naming the limit.
	e = errorBody{}
	resp := ts.call(t, "GET", "/api/v1/needs", "", nil, &e, "X-Big", strings.Repeat("h", 100<<10))
	if resp.StatusCode != 431 || e.Error.Code != "too_large" || !strings.Contains(e.Error.Message, "header") {
		t.Errorf("big headers: %d %+v", resp.StatusCode, e)
	}
}

func TestProbesIgnoreKeysAndLimits(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	for _, p := range []string{"/healthz", "/readyz"} {
		for range 50 {
			resp, b := ts.do(t, "GET", p, "refer_0000000000000000_"+strings.Repeat("ab", 32), nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%s with an unknown key: %d %s", p, resp.StatusCode, b)
			}
		}
	}
}

func TestHSDSUnknownPostcodeIsAnEmptyPage(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	var page struct {
		TotalItems int   `json:"total_items"`
		Contents   []any `json:"contents"`
	}
	resp := ts.call(t, "GET", "/api/hsds/service_at_locations?postcode=00000", "", nil, &page)
	if resp.StatusCode != 200 || page.TotalItems != 0 || page.Contents == nil {
		t.Errorf("an unknown postcode: %d %+v", resp.StatusCode, page)
	}
	// A postcode that is not one at all is still a 400.
	if resp, _ := ts.do(t, "GET", "/api/hsds/service_at_locations?postcode=hello", "", nil); resp.StatusCode != 400 {
		t.Errorf("postcode=hello: %d", resp.StatusCode)
	}
}

func TestSearchCarriesShortDescriptions(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	admin := ts.newKey(t, resources.RoleAdmin, "")
	long := strings.Repeat("Groceries for families every week. ", 300)
	var made resources.Service
	if resp := ts.call(t, "POST", "/api/v1/services", admin, map[string]any{"organization_id": "org", "name": "Zebra Grocery Bags", "description": long, "status": "active"}, &made); resp.StatusCode != 201 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	var res struct {
		Results []struct {
			ServiceID   string `json:"service_id"`
			Description string `json:"description"`
		} `json:"results"`
	}
	ts.call(t, "GET", "/api/v1/search?q=zebra", "", nil, &res)
	if len(res.Results) == 0 {
		t.Fatal("the new service is not found")
	}
	d := res.Results[0].Description
	if n := utf8.RuneCountInString(d); n == 0 || n > 301 || !strings.HasSuffix(d, "…") {
		t.Errorf("a search answer's description has %d characters: %q…", n, d[:min(len(d), 80)])
	}
	var whole resources.Service
	ts.call(t, "GET", "/api/v1/services/"+made.ID, "", nil, &whole)
	if whole.Description != strings.TrimSpace(long) && whole.Description != long {
		t.Errorf("the record lost its description: %d characters", len(whole.Description))
	}
}

func TestVerifyKeepsTheKeyHoldersEmailPrivate(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	k, token, err := resources.NewKey("Ana", resources.RoleOrgEditor, "org", "ana.private@example.org", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.Store.CreateKey(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	resp, b := ts.do(t, "POST", "/api/v1/services/s-pantry/verify", token, nil)
	if resp.StatusCode != 200 || strings.Contains(string(b), "ana.private") {
		t.Errorf("verify: %d %s", resp.StatusCode, b)
	}
	_, b = ts.do(t, "GET", "/api/hsds/services/s-pantry", "", nil)
	if strings.Contains(string(b), "ana.private") {
		t.Errorf("the public record carries the key holder's e-mail: %s", b)
	}
}

func TestKeyNamesRefuseControlCharacters(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	admin := ts.newKey(t, resources.RoleAdmin, "")
	for _, name := range []string{"evil\x1b[2J", "two\nlines", "bell\a", "nul\x00"} {
		var e errorBody
		if resp := ts.call(t, "POST", "/api/v1/keys", admin, map[string]any{"name": name, "role": "case_manager"}, &e); resp.StatusCode != 400 || e.Error.Fields["name"] == "" {
			t.Errorf("key name %q: %d %+v", name, resp.StatusCode, e)
		}
	}
}

func TestDeletedOrganizationsKeysStopWorking(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	admin := ts.newKey(t, resources.RoleAdmin, "")
	var org resources.Organization
	if resp := ts.call(t, "POST", "/api/v1/organizations", admin, map[string]any{"name": "Short-lived", "description": "d"}, &org); resp.StatusCode != 201 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	editor := ts.newKey(t, resources.RoleOrgEditor, org.ID)
	if resp, b := ts.do(t, "DELETE", "/api/v1/organizations/"+org.ID, admin, nil); resp.StatusCode != 204 {
		t.Fatalf("delete: %d %s", resp.StatusCode, b)
	}
	var e errorBody
	if resp := ts.call(t, "GET", "/api/v1/needs", editor, nil, &e); resp.StatusCode != 401 {
		t.Errorf("the deleted organization's key still works: %d %+v", resp.StatusCode, e)
	}
	// An organization made again with the same id does not bring it back.
	if resp := ts.call(t, "POST", "/api/v1/services", editor, map[string]any{"organization_id": org.ID, "name": "x", "description": "d"}, &e); resp.StatusCode != 401 {
		t.Errorf("a write with the deleted organization's key: %d", resp.StatusCode)
	}
}

func TestNoOpPutChangesNothing(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	admin := ts.newKey(t, resources.RoleAdmin, "")
	var svc map[string]any
	resp := ts.call(t, "GET", "/api/v1/services/s-pantry", "", nil, &svc)
	etag := resp.Header.Get("ETag")
	var after map[string]any
	resp = ts.call(t, "PUT", "/api/v1/services/s-pantry", admin, svc, &after, "If-Match", etag)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != etag {
		t.Errorf("a PUT of the same record: %d, ETag %s -> %s", resp.StatusCode, etag, resp.Header.Get("ETag"))
	}
	var trail struct {
		Entries []resources.AuditEntry `json:"entries"`
	}
	ts.call(t, "GET", "/api/v1/audit?record_id=s-pantry&kind=service", admin, nil, &trail)
	if len(trail.Entries) != 1 || trail.Entries[0].Action != "create" {
		t.Errorf("a PUT that changed nothing: audit entries %+v, want only the seed's create", trail.Entries)
	}
}

func TestErrorsSpeakToPeople(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	admin := ts.newKey(t, resources.RoleAdmin, "")
	for _, body := range []string{
		`{"name": "x", "description": "d", "year_incorporated": "nineteen"}`,
		`{"name": 5, "description": "d"}`,
		`{"name": "x", "description": "d", "last_modified": ""}`,
		`{"name": "x", "description": "d", "last_modified": "yesterday"}`,
	} {
		resp, b := ts.do(t, "POST", "/api/v1/organizations", admin, body)
		s := string(b)
		for _, inside := range []string{"float64", "JSON string", "2006-01-02", "parsing time", "Go ", "json:", "time.Time", "string into"} {
			if strings.Contains(s, inside) {
				t.Errorf("%s: %d %s (says %q)", body, resp.StatusCode, s, inside)
			}
		}
		if resp.StatusCode >= 500 {
			t.Errorf("%s: %d", body, resp.StatusCode)
		}
	}
	// last_modified is the store's: a body's is ignored, whatever it holds.
	if resp, b := ts.do(t, "POST", "/api/v1/organizations", admin, `{"name": "x", "description": "d", "last_modified": ""}`); resp.StatusCode != 201 {
		t.Errorf("an empty last_modified: %d %s", resp.StatusCode, b)
	}
}

func TestNestedRecordsNeedIDs(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	admin := ts.newKey(t, resources.RoleAdmin, "")
	for field, body := range map[string]map[string]any{
		"phones[0].languages[0].id": {"organization_id": "org", "name": "x", "description": "d", "status": "active",
			"phones": []any{map[string]any{"id": "p1", "number": "305-555-0100", "languages": []any{map[string]any{"name": "Spanish"}}}}},
		"metadata[0].id": {"organization_id": "org", "name": "x", "description": "d", "status": "active",
			"metadata": []any{map[string]any{"resource_id": "x", "resource_type": "service", "last_action_date": "2026-01-01", "last_action_type": "create", "field_name": "name", "previous_value": "", "replacement_value": "x", "updated_by": "me"}}},
	} {
		var e errorBody
		if resp := ts.call(t, "POST", "/api/v1/services", admin, body, &e); resp.StatusCode != 400 || e.Error.Fields[field] == "" {
			t.Errorf("%s missing: %d %+v", field, resp.StatusCode, e)
		}
	}
}

// An agency's review asks for keys that end and can be replaced without a
// moment when nothing works.
func TestKeysExpireAndRotate(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ts := startServer(t, fixture.Seed, withClock(&now))
	admin := ts.newKey(t, resources.RoleAdmin, "")
	var made struct {
		ID      string `json:"id"`
		Key     string `json:"key"`
		Expires string `json:"expires"`
	}
	if resp := ts.call(t, "POST", "/api/v1/keys", admin, map[string]any{"name": "intake desk", "role": "intake", "expires": "2026-03-02T00:00:00Z"}, &made); resp.StatusCode != 201 || made.Key == "" {
		t.Fatalf("create with expires: %d %+v", resp.StatusCode, made)
	}
	if resp, _ := ts.do(t, "GET", "/api/v1/needs", made.Key, nil); resp.StatusCode != 200 {
		t.Errorf("before it expires: %d", resp.StatusCode)
	}
	// Rotation: a new key for the same holder, the old one ending later.
	var rotated struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	if resp := ts.call(t, "POST", "/api/v1/keys/"+made.ID+"/rotate", admin, map[string]any{"old_expires": "2026-03-01T18:00:00Z"}, &rotated); resp.StatusCode != 201 || rotated.Key == "" {
		t.Fatalf("rotate: %d %+v", resp.StatusCode, rotated)
	}
	for _, k := range []string{made.Key, rotated.Key} {
		if resp, _ := ts.do(t, "GET", "/api/v1/needs", k, nil); resp.StatusCode != 200 {
			t.Errorf("during the overlap: %d", resp.StatusCode)
		}
	}
	now = now.Add(7 * time.Hour)
	var e errorBody
	if resp := ts.call(t, "GET", "/api/v1/needs", made.Key, nil, &e); resp.StatusCode != 401 || !strings.Contains(e.Error.Message, "expired") {
		t.Errorf("the old key after its end: %d %+v", resp.StatusCode, e)
	}
	if resp, _ := ts.do(t, "GET", "/api/v1/needs", rotated.Key, nil); resp.StatusCode != 200 {
		t.Errorf("the new key: %d", resp.StatusCode)
	}
	// An end in the past is refused.
	if resp := ts.call(t, "POST", "/api/v1/keys", admin, map[string]any{"name": "late", "role": "intake", "expires": "2020-01-01T00:00:00Z"}, &e); resp.StatusCode != 400 || e.Error.Fields["expires"] == "" {
		t.Errorf("an end in the past: %d %+v", resp.StatusCode, e)
	}
}

// withClock makes the server read *now as its clock.
func withClock(now *time.Time) func(*api.Config) {
	return func(c *api.Config) { c.Now = func() time.Time { return *now } }
}

// A word past the word limit (64 letters by default) is refused with 400,
// naming the limit, on every face of the API that searches by words (the
// match, whose body is readable, as 422 with its other invalid bodies).
func TestWordLimitOverHTTP(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	w := strings.Repeat("x", 300)
	for _, path := range []string{"/api/v1/search?q=" + w, "/api/hsds/services?search=" + w} {
		if resp, b := ts.do(t, "GET", path, "", nil); resp.StatusCode != 400 || !strings.Contains(string(b), "max-word-letters") {
			t.Errorf("GET %s: %d %.300s", path[:20], resp.StatusCode, b)
		}
	}
	body := `{"client": {"postcode": "33130"}, "needs": [{"text": "food ` + w + `"}]}`
	if resp, b := ts.do(t, "POST", "/api/v1/match", ts.CaseManager, body); (resp.StatusCode != 400 && resp.StatusCode != 422) || !strings.Contains(string(b), "max-word-letters") {
		t.Errorf("match: %d %.300s", resp.StatusCode, b)
	}
	if resp, b := ts.do(t, "GET", "/api/v1/search?q="+strings.Repeat("x", 64), "", nil); resp.StatusCode != 200 {
		t.Errorf("a word at the limit: %d %.300s", resp.StatusCode, b)
	}
}

// A body that nests deeper than the JSON depth limit is refused with 400,
// naming the limit, before it is decoded; one at the limit is read (and
// judged on its fields); brackets inside text do not count.
func TestJSONDepthLimit(t *testing.T) {
	ts := startServer(t, fixture.Seed, func(c *api.Config) { c.JSONDepth = 8 })
	nest := func(n int) string {
		return `{"client": {"postcode": "33130"}, "needs": [{"text": "food [[[[[[[[[["}], "x": ` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
	}
	var e errorBody
	resp := ts.call(t, "POST", "/api/v1/match", ts.CaseManager, nest(9), &e)
	if resp.StatusCode != 400 || e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "nests 9 deep, more than the limit of 8 (--max-json-depth)") {
		t.Errorf("9 deep: %d %+v", resp.StatusCode, e)
	}
	e = errorBody{}
	resp = ts.call(t, "POST", "/api/v1/match", ts.CaseManager, nest(8), &e)
	if strings.Contains(e.Error.Message, "max-json-depth") || e.Error.Fields["x"] == "" {
		t.Errorf("8 deep: %d %+v, want the unknown field x named", resp.StatusCode, e)
	}
	// The listings read their bodies apart: the limit holds there too.
	e = errorBody{}
	resp = ts.call(t, "PUT", "/api/v1/services/s-pantry", ts.newKey(t, resources.RoleAdmin, ""), `{"id": "s-pantry", "x": `+strings.Repeat("[", 20)+strings.Repeat("]", 20)+`}`, &e)
	if resp.StatusCode != 400 || !strings.Contains(e.Error.Message, "--max-json-depth") {
		t.Errorf("a deep listing: %d %+v", resp.StatusCode, e)
	}
}
