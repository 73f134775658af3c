package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// requestIDKey is where requestID leaves the request's id.
const requestIDKey = "refer.request_id"

// requestID gives every request an id, sent back as X-Request-Id and put in
// its log line. A caller's own id (a proxy's, a client's) is kept when it
// is short and plain, so one id follows a request across systems; anything
// else is replaced, so the log never holds what a client chose to write.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !plainID(id) {
			b := make([]byte, 12)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(requestIDKey, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

func plainID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// logRequests writes one line per request: method, path (never the query
// string, which carries what a case manager searched for), status,
// duration, request id and key id. Bodies, headers and keys are never
// logged.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err) // writes the response, so its status is known
		}
		attrs := []any{
			"method", c.Request().Method,
			"path", c.Request().URL.Path,
			"status", c.Response().Status,
			"duration", time.Since(start),
			"request_id", c.Get(requestIDKey),
		}
		if k := principal(c); k != nil {
			attrs = append(attrs, "key_id", k.ID)
		}
		s.log.Info("request", attrs...)
		return nil
	}
}

// contentSecurityPolicy suits server-rendered pages that load their
// scripts, styles and images from refer itself and run no inline script.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries, before the
// handler runs, so errors carry them too. API answers are never cached:
// they may hold client data (match, referrals) or keys.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set(echo.HeaderXContentTypeOptions, "nosniff")
		h.Set(echo.HeaderXFrameOptions, "DENY")
		h.Set(echo.HeaderReferrerPolicy, "no-referrer")
		h.Set(echo.HeaderContentSecurityPolicy, contentSecurityPolicy)
		if p := c.Request().URL.Path; strings.HasPrefix(p, "/api/") && p != "/api/openapi.json" {
			h.Set(echo.HeaderCacheControl, "no-store")
		}
		return next(c)
	}
}

// headerLimit answers 431, in the error shape, to a request whose headers
// (names, values and the request line) pass limit bytes. Go's server
// refuses headers past MaxHeaderBytes itself, in plain text, before any
// handler runs: that bound is set well above this one (see New), so a
// request is told which limit it passed and what it is.
func headerLimit(limit int) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			n := len(r.Method) + len(r.RequestURI) + len(r.Proto)
			for k, vs := range r.Header {
				for _, v := range vs {
					n += len(k) + len(v) + 4
				}
			}
			if n > limit {
				return echo.NewHTTPError(http.StatusRequestHeaderFieldsTooLarge,
					fmt.Sprintf("the request's headers are %d bytes, more than the limit of %d (--max-header-bytes)", n, limit))
			}
			return next(c)
		}
	}
}
