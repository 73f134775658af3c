package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestKeysCommands(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "import", "--data", dir, "../../data/sample")
	out := mustRun(t, "keys", "create", "--data", dir, "--role", "admin", "--name", "Root")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	admin := lines[len(lines)-1]
	if !strings.HasPrefix(admin, "refer_") || strings.Contains(admin, " ") {
		t.Fatalf("the last line is not the key alone:\n%s", out)
	}
	out = mustRun(t, "keys", "create", "--data", dir, "--role", "org_editor", "--org", "1", "--name", "Ana")
	editor := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])

	list := mustRun(t, "keys", "list", "--data", dir)
	if !strings.Contains(list, "Root") || !strings.Contains(list, "org_editor") || strings.Contains(list, admin[23:]) || strings.Contains(list, editor[23:]) {
		t.Errorf("keys list:\n%s", list)
	}
	id := strings.Split(editor, "_")[1]
	if out := mustRun(t, "keys", "revoke", "--data", dir, id); !strings.Contains(out, "revoked key "+id) {
		t.Errorf("revoke: %s", out)
	}
	if list := mustRun(t, "keys", "list", "--data", dir); !strings.Contains(list, time.Now().UTC().Format("2006-01-02")+"T") {
		t.Errorf("the revoked key shows no revocation time:\n%s", list)
	}

	for _, tt := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"keys"}, exitUsage, "create"},
		{[]string{"keys", "rotate"}, exitUsage, "rotate"},
		{[]string{"keys", "create", "--data", dir, "--role", "org_editor", "--name", "Bo"}, exitUsage, "organization_id"},
		{[]string{"keys", "create", "--data", dir, "--role", "root", "--name", "Bo"}, exitUsage, "role"},
		{[]string{"keys", "create", "--data", dir, "--role", "admin"}, exitUsage, "name"},
		{[]string{"keys", "create", "--data", dir, "--role", "org_editor", "--org", "nope", "--name", "Bo"}, exitFail, "nope"},
		{[]string{"keys", "revoke", "--data", dir}, exitUsage, "ID"},
		{[]string{"keys", "revoke", "--data", dir, "0123"}, exitFail, "no key"},
		{[]string{"serve", "--data", dir, "--trusted-proxy", "10.0.0.0"}, exitUsage, "CIDR"},
		{[]string{"serve", "--data", dir, "--cors-origin", "app.example.org"}, exitUsage, "origin"},
		{[]string{"serve", "--data", dir, "--rate-limit-key", "-1"}, exitUsage, "rate"},
	} {
		code, _, errs := run(t, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.says) {
			t.Errorf("refer %v: exit %d, stderr %q; want exit %d mentioning %q", tt.args, code, errs, tt.code, tt.says)
		}
	}

	// A server started with --public-read=false asks for a key, and takes
	// the one made above; the revoked one is refused.
	srv := startServe(t, "--data", dir, "--public-read=false")
	base := srv.base
	waitReady(t, base)
	for key, want := range map[string]int{"": 401, admin: 200, editor: 401} {
		req, _ := http.NewRequest("GET", base+"/api/v1/needs", nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET /api/v1/needs with key %.12q: %d, want %d", key, resp.StatusCode, want)
		}
	}
	if code := srv.stop(t); code != 0 {
		t.Errorf("serve exited %d", code)
	}
	// The log holds the requests, and none of the keys.
	if logs := srv.stderr.String(); !strings.Contains(logs, "path=/api/v1/needs") || strings.Contains(logs, admin[23:]) {
		t.Errorf("serve's log:\n%s", logs)
	}
}
