package api

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// Limit is a rate limit: Rate requests a second on average, in bursts of
// up to Burst.
type Limit struct {
	Rate  float64
	Burst int
}

// The default limits are generous: a 211 call centre behind one address,
// or an intake system sending a screening a second, never meets them; a
// script hammering the server does.
var (
	DefaultAddressLimit = Limit{Rate: 50, Burst: 200}
	DefaultKeyLimit     = Limit{Rate: 20, Burst: 100}
)

// limiter keeps one token bucket (golang.org/x/time/rate) per client. Echo's
// RateLimiter middleware was not used because its store cannot say how long
// to wait, which Retry-After needs.
type limiter struct {
	limit Limit
	now   func() time.Time

	mu      sync.Mutex
	clients map[string]*client
	swept   time.Time
}

type client struct {
	bucket *rate.Limiter
	seen   time.Time
}

// forget is how long a client's bucket is kept after its last request; by
// then it is full again (at any sane rate), so forgetting it changes nothing.
const forget = 10 * time.Minute

// maxClients bounds the buckets kept, so that a flood from many addresses
// cannot grow the map without end: past it, new clients share one bucket.
const maxClients = 100_000

// newLimiter returns a limiter, or nil (no limit) for a negative rate.
func newLimiter(l Limit, now func() time.Time) *limiter {
	if l.Rate < 0 {
		return nil
	}
	return &limiter{limit: l, now: now, clients: map[string]*client{}, swept: now()}
}

// allow takes a token for id, or says how long until one is there.
func (l *limiter) allow(id string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > forget {
		for k, c := range l.clients {
			if now.Sub(c.seen) > forget {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	c := l.clients[id]
	if c == nil && len(l.clients) >= maxClients {
		id = "\x00overflow" // no address or key id looks like it
		c = l.clients[id]
	}
	if c == nil {
		c = &client{bucket: rate.NewLimiter(rate.Limit(l.limit.Rate), l.limit.Burst)}
		l.clients[id] = c
	}
	c.seen = now
	r := c.bucket.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Second
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// clientAddress is the address a client is limited by: its IP, or for
// IPv6 its /64, since one subscriber usually holds a whole /64 and could
// otherwise take a new bucket for every request.
func clientAddress(c echo.Context) string {
	ip := net.ParseIP(c.RealIP())
	switch {
	case ip == nil:
		return c.RealIP()
	case ip.To4() != nil:
		return ip.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// rateLimit limits requests by the id that key gives ("" means none to
// limit). A request over the limit gets 429 with Retry-After in whole
// seconds.
func rateLimit(l *limiter, key func(echo.Context) string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := key(c)
			if id == "" || l == nil {
				return next(c)
			}
			if ok, wait := l.allow(id); !ok {
				secs := int(math.Ceil(wait.Seconds()))
				c.Response().Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
				return echo.NewHTTPError(http.StatusTooManyRequests, "too many requests; try again after Retry-After seconds")
			}
			return next(c)
		}
	}
}
