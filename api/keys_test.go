package api_test

import (
	"os"
	"strings"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// TestKeysOverHTTP: an admin makes a key, which works at once, is shown
// once, is listed without its secret, is stored only hashed, and stops
// working when revoked.
func TestKeysOverHTTP(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	admin := ts.newKey(t, resources.RoleAdmin, "")

	var made struct {
		ID, Name, Role, Key string
		OrganizationID      string `json:"organization_id"`
	}
	resp := ts.call(t, "POST", "/api/v1/keys", admin, map[string]string{"name": "Ana", "role": "org_editor", "organization_id": "org"}, &made)
	if resp.StatusCode != 201 || made.ID == "" || made.OrganizationID != "org" || !strings.HasPrefix(made.Key, "refer_"+made.ID+"_") {
		t.Fatalf("create: %d %+v", resp.StatusCode, made)
	}
	_, secret, _ := resources.ParseKeyToken(made.Key)

	if resp := ts.call(t, "PUT", "/api/v1/organizations/org", made.Key, map[string]string{"name": "Renamed", "description": "x"}, nil); resp.StatusCode != 200 {
		t.Errorf("the new key cannot edit its organization: %d", resp.StatusCode)
	}
	_, list := ts.do(t, "GET", "/api/v1/keys", admin, nil)
	if !strings.Contains(string(list), made.ID) || strings.Contains(string(list), secret) || strings.Contains(string(list), "hash") {
		t.Errorf("the list: %s", list)
	}
	var e errorBody
	if resp := ts.call(t, "POST", "/api/v1/keys", admin, map[string]string{"name": "Bo", "role": "org_editor", "organization_id": "nope"}, &e); resp.StatusCode != 400 || e.Error.Fields["organization_id"] == "" {
		t.Errorf("a key for no organization: %d %+v", resp.StatusCode, e)
	}
	if resp := ts.call(t, "POST", "/api/v1/keys", admin, map[string]string{"name": "Bo", "role": "admin", "secret": "mine"}, &e); resp.StatusCode != 400 || e.Error.Fields["secret"] == "" {
		t.Errorf("a key with a chosen secret: %d %+v", resp.StatusCode, e)
	}

	if resp := ts.call(t, "DELETE", "/api/v1/keys/"+made.ID, admin, nil, nil); resp.StatusCode != 204 {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if resp := ts.call(t, "GET", "/api/v1/needs", made.Key, nil, &e); resp.StatusCode != 401 || e.Error.Code != "unauthorized" {
		t.Errorf("a revoked key: %d %+v", resp.StatusCode, e)
	}
	var trail struct{ Entries []resources.AuditEntry }
	ts.call(t, "GET", "/api/v1/audit?kind=api_key&record_id="+made.ID, admin, nil, &trail)
	if len(trail.Entries) != 2 || trail.Entries[0].Action != "revoke" || trail.Entries[1].Actor.Name != "test admin" {
		t.Errorf("the key's trail: %+v", trail.Entries)
	}

	// The store's file holds the hash, never the secret.
	raw, err := os.ReadFile(ts.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), secret) || strings.Contains(string(raw), made.Key) {
		t.Error("the key's secret is in the store's file")
	}
}
