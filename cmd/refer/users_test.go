package main

import (
	"net/url"
	"strings"
	"testing"
)

// lastLine is a command's last line of output.
func lastLine(out string) string {
	out = strings.TrimSpace(out)
	return out[strings.LastIndex(out, "\n")+1:]
}

// TestUsersCommands adds people with the store closed and while the
// server holds it (over its control socket), lists and disables them.
func TestUsersCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("REFER_BASE_URL", "https://refer.example.org")
	mustRun(t, "import", "--data", dir, "../../data/sample")
	link := lastLine(mustRun(t, "users", "create", "--data", dir, "--email", "Admin@Example.org", "--role", "admin"))
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "https" || u.Host != "refer.example.org" || u.Path != "/set-password" || len(u.Query().Get("token")) != 64 {
		t.Fatalf("the last line is not the link alone: %q", link)
	}

	srv := startServe(t, "--data", dir)
	waitReady(t, srv.base)
	out := mustRun(t, "users", "create", "--data", dir, "--email", "ana@example.org", "--role", "org_staff", "--org", "1", "--name", "Ana")
	if !strings.Contains(out, "org_staff of organization 1") || !strings.HasPrefix(lastLine(out), "https://refer.example.org/set-password?token=") {
		t.Errorf("create while serving:\n%s", out)
	}
	list := mustRun(t, "users", "list", "--data", dir)
	if !strings.Contains(list, "admin@example.org") || !strings.Contains(list, "ana@example.org    org_staff  1") || strings.Contains(list, "argon2") {
		t.Errorf("users list:\n%s", list)
	}
	if out := mustRun(t, "users", "disable", "--data", dir, "ANA@example.org"); !strings.Contains(out, "disabled ana@example.org") {
		t.Errorf("disable: %s", out)
	}
	for _, tt := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"users"}, exitUsage, "create"},
		{[]string{"users", "create", "--data", dir, "--email", "x@example.org", "--role", "org_editor"}, exitUsage, "role"},
		{[]string{"users", "create", "--data", dir, "--email", "x", "--role", "admin"}, exitUsage, "email"},
		{[]string{"users", "create", "--data", dir, "--email", "x@example.org", "--role", "org_staff"}, exitUsage, "organization_id"},
		// Met by the server, and said as it said it.
		{[]string{"users", "create", "--data", dir, "--email", "admin@example.org", "--role", "admin"}, exitFail, "already a person"},
		{[]string{"users", "create", "--data", dir, "--email", "x@example.org", "--role", "org_staff", "--org", "nope"}, exitFail, "nope"},
		{[]string{"users", "disable", "--data", dir, "nobody@example.org"}, exitFail, "no person"},
	} {
		code, _, errs := run(t, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.says) {
			t.Errorf("refer %v: exit %d, stderr %q; want exit %d mentioning %q", tt.args, code, errs, tt.code, tt.says)
		}
	}
	if code := srv.stop(t); code != 0 {
		t.Errorf("serve exited %d", code)
	}
	// With the server stopped, the store is read directly.
	if list := mustRun(t, "users", "list", "--data", dir); !strings.Contains(list, "ana@example.org") {
		t.Errorf("users list after serve:\n%s", list)
	}
}
