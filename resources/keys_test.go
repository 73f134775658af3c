package resources_test

import (
	"strings"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
)

func TestNewKey(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	k, token, err := resources.NewKey(" Ana ", resources.RoleOrgEditor, "org-1", "ana@example.org", now)
	if err != nil {
		t.Fatal(err)
	}
	id, secret, ok := resources.ParseKeyToken(token)
	if !ok || id != k.ID || !strings.HasPrefix(token, "refer_"+k.ID+"_") {
		t.Fatalf("token %q does not parse to the key's id %q", token, k.ID)
	}
	if len(secret) != 64 { // 256 bits in hex
		t.Errorf("secret has %d hex digits", len(secret))
	}
	if k.Name != "Ana" || k.Role != resources.RoleOrgEditor || k.OrganizationID != "org-1" || !k.Created.Equal(now.Truncate(time.Second)) {
		t.Errorf("key %+v", k)
	}
	if strings.Contains(string(k.Hash), secret) || len(k.Hash) != 32 {
		t.Errorf("hash %x", k.Hash)
	}
	if !k.Matches(secret) {
		t.Error("the key does not match its own secret")
	}
	wrong := []byte(secret)
	wrong[0] ^= 1
	if k.Matches(string(wrong)) || k.Matches("") {
		t.Error("the key matches a wrong secret")
	}
	_, other, _ := resources.NewKey("Ana", resources.RoleOrgEditor, "org-1", "", now)
	if other == token {
		t.Error("two keys came out the same")
	}
}

func TestNewKeyInvalid(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name, org, email string
		role             resources.Role
		field            string
	}{
		{"", "", "", resources.RoleAdmin, "name"},
		{strings.Repeat("n", 201), "", "", resources.RoleAdmin, "name"},
		{"a", "", "", "root", "role"},
		{"a", "", "", resources.RoleOrgEditor, "organization_id"},
		{"a", "org", "", resources.RoleCaseManager, "organization_id"},
		{"a", "o/1", "", resources.RoleOrgEditor, "organization_id"},
		{"a", "", "not-an-address", resources.RoleAdmin, "email"},
	}
	for _, tt := range tests {
		_, _, err := resources.NewKey(tt.name, tt.role, tt.org, tt.email, now)
		if resources.ErrorCode(err) != resources.EINVALID || resources.ErrorFields(err)[tt.field] == "" {
			t.Errorf("%+v: %v; want EINVALID naming %s", tt, err, tt.field)
		}
	}
}

func TestParseKeyToken(t *testing.T) {
	good := "refer_0123456789abcdef_" + strings.Repeat("ab", 32)
	if _, _, ok := resources.ParseKeyToken(good); !ok {
		t.Fatalf("%q does not parse", good)
	}
	for _, bad := range []string{
		"", "refer_", "0123456789abcdef_" + strings.Repeat("ab", 32),
		"refer_0123456789abcdef" + strings.Repeat("ab", 32),
		"refer_0123456789ABCDEF_" + strings.Repeat("ab", 32),
		"refer_0123456789abcdef_" + strings.Repeat("ab", 31),
		"refer_0123456789abcdef_" + strings.Repeat("zz", 32),
		"refer_0123456789abcde_f" + strings.Repeat("ab", 32),
	} {
		if _, _, ok := resources.ParseKeyToken(bad); ok {
			t.Errorf("%q parses", bad)
		}
	}
}

func TestDiffJSON(t *testing.T) {
	old := []byte(`{"id":"s1","name":"Pantry","phones":[{"id":"p","number":"1"}],"url":"x"}`)
	new := []byte(`{"id":"s1","name":"Food Pantry","phones":[{"id":"p","number":"2"}],"email":"a@b"}`)
	got, err := resources.DiffJSON(old, new)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`email  "a@b"`,
		`name "Pantry" "Food Pantry"`,
		`phones [{"id":"p","number":"1"}] [{"id":"p","number":"2"}]`,
		`url "x" `,
	}
	if len(got) != len(want) {
		t.Fatalf("changes %+v", got)
	}
	for i, c := range got {
		if s := c.Field + " " + string(c.Old) + " " + string(c.New); s != want[i] {
			t.Errorf("change %d: %s; want %s", i, s, want[i])
		}
	}
	created, _ := resources.DiffJSON(nil, []byte(`{"id":"a"}`))
	if len(created) != 1 || created[0].Old != nil || string(created[0].New) != `"a"` {
		t.Errorf("create: %+v", created)
	}
	if _, err := resources.DiffJSON([]byte(`[`), nil); err == nil {
		t.Error("bad JSON gave no error")
	}
}
