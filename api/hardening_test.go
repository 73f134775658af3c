package api_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

func TestBadKeys(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	revoked := ts.newKey(t, resources.RoleAdmin, "")
	id, _, _ := resources.ParseKeyToken(revoked)
	if _, err := ts.Store.RevokeKey(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	good := ts.newKey(t, resources.RoleAdmin, "")
	wrongSecret := good[:len(good)-1] + map[bool]string{true: "0", false: "1"}[good[len(good)-1] != '0']
	unknownID := "refer_0000000000000000_" + strings.Repeat("ab", 32)
	for name, header := range map[string]string{
		"garbage":        "Bearer hello",
		"wrong secret":   "Bearer " + wrongSecret,
		"unknown id":     "Bearer " + unknownID,
		"revoked":        "Bearer " + revoked,
		"another scheme": "Basic " + good,
		"no key":         "Bearer ",
	} {
		// A bad key is refused wherever it is sent, open routes included.
		for _, path := range []string{"/api/v1/needs", "/api/v1/keys"} {
			var e errorBody
			resp := ts.call(t, "GET", path, "", nil, &e, "Authorization", header)
			if resp.StatusCode != 401 || e.Error.Code != "unauthorized" || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
				t.Errorf("%s on %s: %d %+v %q", name, path, resp.StatusCode, e, resp.Header.Get("WWW-Authenticate"))
			}
		}
	}
	// Missing where one is needed: 401, not Echo KeyAuth's 400.
	var e errorBody
	if resp := ts.call(t, "GET", "/api/v1/keys", "", nil, &e); resp.StatusCode != 401 || e.Error.Code != "unauthorized" || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("no key: %d %+v", resp.StatusCode, e)
	}
	// Wrong role: 403.
	if resp := ts.call(t, "GET", "/api/v1/keys", ts.CaseManager, nil, &e); resp.StatusCode != 403 || e.Error.Code != "forbidden" {
		t.Errorf("wrong role: %d %+v", resp.StatusCode, e)
	}
	if resp := ts.call(t, "GET", "/api/v1/keys", good, nil, nil); resp.StatusCode != 200 {
		t.Errorf("the good key: %d", resp.StatusCode)
	}
}

func TestBodyLimit(t *testing.T) {
	ts := startServer(t, fixture.Seed, func(c *api.Config) { c.BodyLimit = 1000 })
	admin := ts.newKey(t, resources.RoleAdmin, "")
	big := `{"name": "` + strings.Repeat("x", 2000) + `", "description": "y"}`
	var e errorBody
	if resp := ts.call(t, "POST", "/api/v1/organizations", admin, big, &e); resp.StatusCode != 413 || e.Error.Code != "too_large" {
		t.Errorf("oversize body: %d %+v", resp.StatusCode, e)
	}
	// Without a Content-Length (chunked), the limit holds while reading.
	pr, pw := io.Pipe()
	go func() { pw.Write([]byte(big)); pw.Close() }()
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/organizations", pr)
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("oversize chunked body: %d", resp.StatusCode)
	}
	if resp := ts.call(t, "POST", "/api/v1/organizations", admin, `{"name": "small", "description": "y"}`, nil); resp.StatusCode != 201 {
		t.Errorf("a body under the limit: %d", resp.StatusCode)
	}

	// The default is 1 MB.
	ts = startServer(t, fixture.Seed)
	huge := `{"client": {"postcode": "33130"}, "needs": [{"text": "` + strings.Repeat("x", 1<<20) + `"}]}`
	if resp := ts.call(t, "POST", "/api/v1/match", ts.CaseManager, huge, &e); resp.StatusCode != 413 || e.Error.Code != "too_large" {
		t.Errorf("a body over 1 MB: %d %+v", resp.StatusCode, e)
	}
}

func TestRateLimits(t *testing.T) {
	// A clock that stands still: no token comes back during the test.
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := startServer(t, fixture.Seed, func(c *api.Config) {
		c.AddressLimit = api.Limit{Rate: 0.5, Burst: 3}
		c.KeyLimit = api.Limit{Rate: 0.1, Burst: 2}
		c.Now = func() time.Time { return now }
	})
	statuses := func(n int, key string, header ...string) []int {
		var out []int
		for range n {
			resp, _ := ts.do(t, "GET", "/api/v1/needs", key, nil, header...)
			out = append(out, resp.StatusCode)
			if resp.StatusCode == 429 {
				var e errorBody
				ts.call(t, "GET", "/api/v1/needs", key, nil, &e, header...)
				ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
				if err != nil || ra < 1 || e.Error.Code != "rate_limited" {
					t.Errorf("429 with Retry-After %q, body %+v", resp.Header.Get("Retry-After"), e)
				}
			}
		}
		return out
	}
	// A key's own limit comes first: 2 requests, then 429 (each 429 above
	// costs its address a token too).
	if got := fmt.Sprint(statuses(2, ts.CaseManager)); got != "[200 200]" {
		t.Errorf("a key's first requests: %s", got)
	}
	if got := fmt.Sprint(statuses(1, ts.CaseManager)); got != "[429]" {
		t.Errorf("a key over its limit: %s", got)
	}
	// The address has had 4 requests: its burst of 3 is spent. Writing
	// another X-Forwarded-For does not make a new client: no proxy is trusted.
	if got := fmt.Sprint(statuses(1, "", "X-Forwarded-For", "203.0.113.9")); got != "[429]" {
		t.Errorf("a spoofed X-Forwarded-For: %s", got)
	}
	// Probes are never limited.
	if resp, _ := ts.do(t, "GET", "/healthz", "", nil); resp.StatusCode != 200 {
		t.Errorf("/healthz when limited: %d", resp.StatusCode)
	}
	// Time brings tokens back.
	now = now.Add(10 * time.Second)
	if got := fmt.Sprint(statuses(1, "")); got != "[200]" {
		t.Errorf("after waiting: %s", got)
	}
}

func TestTrustedProxy(t *testing.T) {
	_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := startServer(t, fixture.Seed, func(c *api.Config) {
		c.AddressLimit = api.Limit{Rate: 0.1, Burst: 1}
		c.TrustedProxies = []*net.IPNet{loopback}
		c.Now = func() time.Time { return now }
	})
	// Behind a trusted proxy each client has its own bucket.
	for _, client := range []string{"203.0.113.1", "203.0.113.2"} {
		if resp, _ := ts.do(t, "GET", "/api/v1/needs", "", nil, "X-Forwarded-For", client); resp.StatusCode != 200 {
			t.Errorf("first request of %s: %d", client, resp.StatusCode)
		}
		if resp, _ := ts.do(t, "GET", "/api/v1/needs", "", nil, "X-Forwarded-For", client); resp.StatusCode != 429 {
			t.Errorf("second request of %s: %d", client, resp.StatusCode)
		}
	}
}

func TestErrorShapeEverywhere(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	for _, tt := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/nothing", 404, "not_found"},
		{"GET", "/api/v1/services/nope", 404, "not_found"},
		{"DELETE", "/api/v1/needs", 405, "method_not_allowed"},
		{"PATCH", "/api/v1/services/s-rent", 405, "method_not_allowed"},
	} {
		var e errorBody
		resp := ts.call(t, tt.method, tt.path, "", nil, &e)
		if resp.StatusCode != tt.status || e.Error.Code != tt.code || e.Error.Message == "" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: %d %+v", tt.method, tt.path, resp.StatusCode, e)
		}
	}
	// A store that fails gives a 500 that says nothing of why.
	ts.Store.Close()
	resp, b := ts.do(t, "GET", "/api/v1/services/s-rent", "", nil)
	if resp.StatusCode != 500 || string(b) != `{"error":{"code":"internal","message":"internal error"}}`+"\n" {
		t.Errorf("failing store: %d %s", resp.StatusCode, b)
	}
}

func TestHandlerTimeout(t *testing.T) {
	ts := startServer(t, fixture.Seed, func(c *api.Config) { c.HandlerTimeout = time.Nanosecond })
	var e errorBody
	if resp := ts.call(t, "GET", "/api/v1/services/s-rent", "", nil, &e); resp.StatusCode != 503 || e.Error.Code != "internal" {
		t.Errorf("a request past its deadline: %d %+v", resp.StatusCode, e)
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	for _, path := range []string{"/api/v1/needs", "/api/v1/services/nope", "/healthz", "/api/openapi.json"} {
		resp, _ := ts.do(t, "GET", path, "", nil)
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("Referrer-Policy") == "" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") ||
			strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") {
			t.Errorf("GET %s: headers %v", path, h)
		}
		if api := strings.HasPrefix(path, "/api/v1/"); api != (h.Get("Cache-Control") == "no-store") {
			t.Errorf("GET %s: Cache-Control %q", path, h.Get("Cache-Control"))
		}
		if h.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET %s: CORS open without --cors-origin", path)
		}
	}
}

func TestCORS(t *testing.T) {
	ts := startServer(t, fixture.Seed, func(c *api.Config) { c.CORSOrigins = []string{"https://app.example.org"} })
	for origin, allowed := range map[string]bool{"https://app.example.org": true, "https://evil.example.com": false} {
		resp, _ := ts.do(t, "OPTIONS", "/api/v1/services/s-rent", "", nil,
			"Origin", origin, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization,if-match")
		got := resp.Header.Get("Access-Control-Allow-Origin")
		if allowed && (got != origin || !strings.Contains(strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers")), "if-match")) {
			t.Errorf("preflight from %s: %d %v", origin, resp.StatusCode, resp.Header)
		}
		if !allowed && got != "" {
			t.Errorf("preflight from %s allowed: %v", origin, resp.Header)
		}
	}
	resp, _ := ts.do(t, "GET", "/api/v1/services/s-rent", "", nil, "Origin", "https://app.example.org")
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.org" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("GET from the allowed origin: %v", resp.Header)
	}
}

// syncBuffer is a log destination the server's goroutines can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRequestIDsAndLogs(t *testing.T) {
	var logs syncBuffer
	ts := startServer(t, fixture.Seed, func(c *api.Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	keyID, secret, _ := resources.ParseKeyToken(ts.CaseManager)

	resp, _ := ts.do(t, "POST", "/api/v1/match?explain=true", ts.CaseManager,
		`{"client": {"postcode": "33130", "age": 71}, "needs": [{"text": "my landlord is evicting me"}]}`)
	id := resp.Header.Get("X-Request-Id")
	if resp.StatusCode != 200 || len(id) < 16 {
		t.Fatalf("%d, request id %q", resp.StatusCode, id)
	}
	resp, _ = ts.do(t, "GET", "/api/v1/search?q=eviction+lawyer&postcode=33130", "", nil, "X-Request-Id", "from-the-proxy.42")
	if resp.Header.Get("X-Request-Id") != "from-the-proxy.42" {
		t.Errorf("a plain request id was not kept: %q", resp.Header.Get("X-Request-Id"))
	}
	resp, _ = ts.do(t, "GET", "/api/v1/needs", "", nil, "X-Request-Id", "<script>alert(1)</script>")
	if got := resp.Header.Get("X-Request-Id"); got == "" || strings.ContainsAny(got, "<>()") {
		t.Errorf("a request id with markup came back: %q", got)
	}

	out := logs.String()
	line := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, id) {
			line = l
		}
	}
	for _, want := range []string{`"method":"POST"`, `"path":"/api/v1/match"`, `"status":200`, `"duration"`, `"key_id":"` + keyID + `"`} {
		if !strings.Contains(line, want) {
			t.Errorf("the match's log line lacks %s: %s", want, line)
		}
	}
	for _, never := range []string{secret, "explain", "landlord", "evicting", "33130", "eviction", "lawyer", "<script>"} {
		if strings.Contains(out, never) {
			t.Errorf("the log holds %q, which is the client's or the key's:\n%s", never, out)
		}
	}
}

// TestShutdownFinishesRequestsInFlight sends a match whose body is still
// coming when the server is told to stop: the request is answered, then
// the server stops.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	body := `{"client": {"postcode": "33130"}, "needs": [{"code": "food-insecurity"}]}`
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/match HTTP/1.1\r\nHost: refer\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		ts.CaseManager, len(body), body[:10])
	time.Sleep(50 * time.Millisecond) // the server is reading the body

	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		stopped <- ts.Server.Shutdown(ctx)
	}()
	time.Sleep(50 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("Shutdown returned (%v) with a request in flight", err)
	default:
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(ts.URL, "http://"), time.Second); err == nil {
		t.Error("a stopping server still accepts connections")
	}

	io.WriteString(conn, body[10:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte("sal-pantry-downtown")) {
		t.Errorf("the request in flight: %d %s", resp.StatusCode, b)
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("Shutdown did not return once the request was answered")
	}
}
