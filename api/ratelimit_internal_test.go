package api

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

func TestLimiterBounded(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter(Limit{Rate: 1, Burst: 1}, func() time.Time { return now })
	for i := range maxClients + 10 {
		if ok, _ := l.allow(fmt.Sprint(i)); !ok && i < maxClients {
			t.Fatalf("client %d was refused its first request", i)
		}
	}
	if len(l.clients) > maxClients+1 {
		t.Errorf("%d buckets kept; at most %d", len(l.clients), maxClients+1)
	}
	// Idle buckets are forgotten.
	now = now.Add(forget + time.Second)
	l.allow("late")
	if len(l.clients) != 1 {
		t.Errorf("%d buckets after all went idle", len(l.clients))
	}
	if ok, wait := l.allow("late"); ok || wait != time.Second {
		t.Errorf("a second request at once: %v, wait %v", ok, wait)
	}
}

func TestClientAddress(t *testing.T) {
	e := echo.New()
	e.IPExtractor = echo.ExtractIPDirect()
	for addr, want := range map[string]string{
		"203.0.113.7:5555":             "203.0.113.7",
		"[2001:db8:1:2:3:4:5:6]:5555":  "2001:db8:1:2::/64",
		"[2001:db8:1:2:ff:4:5:6]:5555": "2001:db8:1:2::/64",
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = addr
		if got := clientAddress(e.NewContext(req, httptest.NewRecorder())); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
}
