package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// visitor is a browser without a browser: cookies kept, redirects not
// followed, so each answer can be checked.
type visitor struct {
	ts     *testServer
	client *http.Client
	// header is sent with every request.
	header http.Header
}

func (ts *testServer) visitor(tb testing.TB) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{ts: ts, header: http.Header{"Accept": {"text/html"}}, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (v *visitor) send(tb testing.TB, method, path string, form url.Values) (*http.Response, string) {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, v.ts.URL+path, body)
	if err != nil {
		tb.Fatal(err)
	}
	for k, vs := range v.header {
		req.Header[k] = vs
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := v.client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (v *visitor) get(tb testing.TB, path string) (*http.Response, string) {
	return v.send(tb, http.MethodGet, path, nil)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`)

// post sends a form from the page at from, with that page's CSRF token.
func (v *visitor) post(tb testing.TB, from, path string, form url.Values) (*http.Response, string) {
	tb.Helper()
	_, page := v.get(tb, from)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("GET %s: no CSRF token in the page", from)
	}
	form.Set("csrf", m[1])
	return v.send(tb, http.MethodPost, path, form)
}

func cookieOf(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func linkPath(tb testing.TB, link string) string {
	if !strings.HasPrefix(link, "/set-password?token=") {
		tb.Fatalf("link %q", link)
	}
	return link
}

// signIn makes a person of role with a password, and signs a new visitor
// in as them.
func (ts *testServer) signIn(tb testing.TB, email string, role resources.Role, org string) *visitor {
	tb.Helper()
	made, err := ts.Accounts.Create(context.Background(), resources.Person{Email: email, Role: role, OrganizationID: org})
	if err != nil {
		tb.Fatal(err)
	}
	v := ts.visitor(tb)
	resp, _ := v.post(tb, linkPath(tb, made.Link), "/set-password", url.Values{
		"token": {strings.TrimPrefix(made.Link, "/set-password?token=")}, "password": {"correct horse battery"}, "password2": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("set password: %d", resp.StatusCode)
	}
	resp, _ = v.post(tb, "/signin", "/signin", url.Values{"email": {email}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("sign in: %d", resp.StatusCode)
	}
	return v
}

func TestSetPasswordAndSignIn(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	made, err := ts.Accounts.Create(context.Background(), resources.Person{Email: "admin@example.org", Role: resources.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(made.Link, "/set-password?token=")
	v := ts.visitor(t)
	resp, page := v.get(t, linkPath(t, made.Link))
	if resp.StatusCode != 200 || !strings.Contains(page, "admin@example.org") {
		t.Fatalf("set-password page: %d", resp.StatusCode)
	}
	if ck := cookieOf(resp, "refer_csrf"); ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Errorf("CSRF cookie %+v", ck)
	}
	// No token, or a wrong one: 403, and nothing changes.
	form := url.Values{"token": {token}, "password": {"correct horse battery"}, "password2": {"correct horse battery"}}
	if resp, page := v.send(t, "POST", "/set-password", form); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "This form has expired") {
		t.Errorf("no CSRF token: %d", resp.StatusCode)
	}
	form.Set("csrf", strings.Repeat("ab", 32))
	if resp, _ := v.send(t, "POST", "/set-password", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong CSRF token: %d", resp.StatusCode)
	}
	form.Del("csrf")
	// Two passwords that differ, a short one: the form again.
	if resp, page := v.post(t, made.Link, "/set-password", url.Values{"token": {token}, "password": {"correct horse battery"}, "password2": {"correct horse"}}); resp.StatusCode != 400 || !strings.Contains(page, "not the same") {
		t.Errorf("different passwords: %d", resp.StatusCode)
	}
	if resp, page := v.post(t, made.Link, "/set-password", url.Values{"token": {token}, "password": {"short"}, "password2": {"short"}}); resp.StatusCode != 400 || !strings.Contains(page, "at least 10") {
		t.Errorf("short password: %d", resp.StatusCode)
	}
	resp, _ = v.post(t, made.Link, "/set-password", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin?done=password" {
		t.Fatalf("set password: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The link works once: 410 with a page that says so.
	if resp, page := v.get(t, made.Link); resp.StatusCode != http.StatusGone || !strings.Contains(page, "no longer works") {
		t.Errorf("used link: %d", resp.StatusCode)
	}
	if resp, _ := v.get(t, "/set-password?token=nonsense"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown link: %d", resp.StatusCode)
	}

	// Wrong password: the form again with 401, the address kept.
	resp, page = v.post(t, "/signin", "/signin", url.Values{"email": {"admin@example.org"}, "password": {"wrong wrong wrong"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "is wrong") || !strings.Contains(page, `value="admin@example.org"`) {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	resp, _ = v.post(t, "/signin?next=/account", "/signin", url.Values{"email": {"Admin@Example.org"}, "password": {"correct horse battery"}, "next": {"https://evil.example/"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Errorf("sign in: %d to %q (a foreign next is ignored)", resp.StatusCode, resp.Header.Get("Location"))
	}
	ck := cookieOf(resp, "refer_session")
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || len(ck.Value) != 64 {
		t.Errorf("session cookie %+v", ck)
	}
	if resp, page := v.get(t, "/admin"); resp.StatusCode != 200 || !strings.Contains(page, "Signed in as admin@example.org") {
		t.Errorf("admin page: %d", resp.StatusCode)
	}
	// Sign out: the session is gone from the store, not only the browser.
	resp, _ = v.post(t, "/", "/signout", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign out: %d", resp.StatusCode)
	}
	stale := ts.visitor(t)
	stale.client.Jar.SetCookies(mustURL(t, ts.URL), []*http.Cookie{ck})
	if resp, _ := stale.get(t, "/admin"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin?next=%2Fadmin") {
		t.Errorf("the old session after sign-out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func mustURL(tb testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func TestSignInLimited(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	v := ts.signIn(t, "cm@example.org", resources.RoleCaseManager, "")
	other := ts.visitor(t)
	for range 5 {
		other.post(t, "/signin", "/signin", url.Values{"email": {"cm@example.org"}, "password": {"guess guess guess"}})
	}
	resp, page := other.post(t, "/signin", "/signin", url.Values{"email": {"cm@example.org"}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(page, "Too many tries") {
		t.Errorf("sixth try: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Those already signed in stay signed in.
	if resp, _ := v.get(t, "/account"); resp.StatusCode != 200 {
		t.Errorf("account page: %d", resp.StatusCode)
	}
}

func TestChangePassword(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	v := ts.signIn(t, "cm@example.org", resources.RoleCaseManager, "")
	if resp, page := v.post(t, "/account", "/account", url.Values{"current_password": {"nope nope nope"}, "password": {"a new long passphrase"}, "password2": {"a new long passphrase"}}); resp.StatusCode != 400 || !strings.Contains(page, "not your current password") {
		t.Errorf("wrong current password: %d", resp.StatusCode)
	}
	resp, _ := v.post(t, "/account", "/account", url.Values{"current_password": {"correct horse battery"}, "password": {"a new long passphrase"}, "password2": {"a new long passphrase"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if _, err := ts.Accounts.SignIn(context.Background(), "cm@example.org", "a new long passphrase", "127.0.0.9"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	// Case managers have no admin page.
	if resp, page := v.get(t, "/admin"); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "Not allowed") {
		t.Errorf("a case manager on /admin: %d", resp.StatusCode)
	}
}

// TestAdminAddsPeopleAndKeys: an admin adds a case manager and a key from
// the admin page; the new person's link works.
func TestAdminAddsPeopleAndKeys(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	admin := ts.signIn(t, "admin@example.org", resources.RoleAdmin, "")
	resp, page := admin.post(t, "/admin", "/admin/people", url.Values{"email": {"bea@example.org"}, "name": {"Bea"}, "role": {"case_manager"}})
	m := regexp.MustCompile(`(/set-password\?token=[0-9a-f]{64})`).FindStringSubmatch(page)
	if resp.StatusCode != http.StatusCreated || m == nil {
		t.Fatalf("add a person: %d", resp.StatusCode)
	}
	if resp, _ := ts.visitor(t).get(t, m[1]); resp.StatusCode != 200 {
		t.Errorf("the new person's link: %d", resp.StatusCode)
	}
	// Refused, with the fields said and what was typed kept.
	resp, page = admin.post(t, "/admin", "/admin/people", url.Values{"email": {"ana@example.org"}, "role": {"org_staff"}, "organization_id": {"no-such-org"}})
	if resp.StatusCode != 400 || !strings.Contains(page, "no-such-org") || !strings.Contains(page, `value="ana@example.org"`) {
		t.Errorf("org_staff of no organization: %d", resp.StatusCode)
	}
	resp, page = admin.post(t, "/admin", "/admin/keys", url.Values{"name": {"Food bank import"}, "role": {"org_editor"}, "organization_id": {"org"}})
	key := regexp.MustCompile(`refer_[0-9a-f]{16}_[0-9a-f]{64}`).FindString(page)
	if resp.StatusCode != http.StatusCreated || key == "" {
		t.Fatalf("add a key: %d", resp.StatusCode)
	}
	resp, _ = ts.do(t, "GET", "/api/v1/keys", "", "Authorization", "Bearer "+key)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("the new org_editor key on /api/v1/keys: %d, want 403 (it works, and is not an admin's)", resp.StatusCode)
	}
	id := strings.Split(key, "_")[1]
	if resp, _ := admin.post(t, "/admin", "/admin/keys/revoke", url.Values{"id": {id}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("revoke: %d", resp.StatusCode)
	}
	if resp, _ := ts.do(t, "GET", "/api/v1/keys", "", "Authorization", "Bearer "+key); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the revoked key: %d", resp.StatusCode)
	}
	// Disable: Bea's link ends.
	if resp, _ := admin.post(t, "/admin", "/admin/people/disable", url.Values{"email": {"bea@example.org"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("disable: %d", resp.StatusCode)
	}
	if resp, _ := ts.visitor(t).get(t, m[1]); resp.StatusCode != http.StatusGone {
		t.Errorf("a disabled person's link: %d", resp.StatusCode)
	}
	// The API never takes a session in place of a key.
	if resp, _ := admin.get(t, "/api/v1/keys"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("/api/v1/keys with a session cookie: %d", resp.StatusCode)
	}
}

func TestLanguageChoice(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	v := ts.visitor(t)
	if _, page := v.get(t, "/signin"); !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, `hreflang="es"`) {
		t.Error("English by default, with a switch to Spanish")
	}
	resp, page := v.get(t, "/signin?lang=es")
	if !strings.Contains(page, `<html lang="es">`) || !strings.Contains(page, "Iniciar sesión") || resp.Header.Get("Content-Language") != "es" {
		t.Error("?lang=es")
	}
	// Remembered.
	if _, page := v.get(t, "/signin"); !strings.Contains(page, `<html lang="es">`) {
		t.Error("the choice is not remembered")
	}
	w := ts.visitor(t)
	w.header.Set("Accept-Language", "es-MX,es;q=0.9,en;q=0.5")
	if _, page := w.get(t, "/signin"); !strings.Contains(page, `<html lang="es">`) {
		t.Error("Accept-Language es-MX")
	}
	if _, page := w.get(t, "/signin?lang=en"); !strings.Contains(page, `<html lang="en">`) {
		t.Error("?lang=en over Accept-Language")
	}
}

func TestErrorPagesForPeople(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	v := ts.visitor(t)
	resp, page := v.get(t, "/no/such/page")
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(page, "<h1>Not found</h1>") {
		t.Errorf("unknown page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	v.header.Set("Accept-Language", "es")
	if _, page := v.get(t, "/no/such/page"); !strings.Contains(page, "<h1>No se encontró</h1>") {
		t.Error("the Spanish 404 page")
	}
	// The API, and clients that do not read HTML, keep JSON.
	for _, h := range []string{"text/html", "application/json"} {
		v.header.Set("Accept", h)
		if resp, _ := v.get(t, "/api/v1/nothing"); !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("/api/v1/nothing with Accept %s: %s", h, resp.Header.Get("Content-Type"))
		}
	}
	if resp, _ := v.get(t, "/no/such/page"); !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("unknown page without Accept: text/html: %s", resp.Header.Get("Content-Type"))
	}
}

// TestClosedDirectoryPages: with --public-read=false the directory's pages
// ask people to sign in, and let them in once they have.
func TestClosedDirectoryPages(t *testing.T) {
	ts := startServer(t, fixture.Seed, func(c *api.Config) { c.RequireKeyToRead = true })
	v := ts.visitor(t)
	resp, _ := v.get(t, "/?q=food")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin?next=%2F%3Fq%3Dfood" {
		t.Errorf("closed search page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := v.get(t, "/signin"); resp.StatusCode != 200 {
		t.Errorf("sign-in page of a closed directory: %d", resp.StatusCode)
	}
	if resp, _ := v.get(t, "/static/refer.css"); resp.StatusCode != 200 {
		t.Errorf("style sheet of a closed directory: %d", resp.StatusCode)
	}
	if resp, _ := v.get(t, "/api/v1/search?q=food"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("closed API: %d", resp.StatusCode)
	}
	in := ts.signIn(t, "cm@example.org", resources.RoleCaseManager, "")
	if resp, page := in.get(t, "/?q=food"); resp.StatusCode != 200 || !strings.Contains(page, "Food Pantry") {
		t.Errorf("signed-in search of a closed directory: %d", resp.StatusCode)
	}
}
