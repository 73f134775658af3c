package api

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/refer-project/refer/finder"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/query"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources"
)

// Config is what the server needs.
type Config struct {
	Store      resources.Store
	Index      *index.Index
	Vocabulary *matcher.Vocabulary
	Logger     *slog.Logger
	// Keys holds the API keys. Without it no key is valid, so only what
	// is open to everyone answers.
	Keys resources.KeyStore
	// Audit is the trail GET /api/v1/audit reads.
	Audit resources.AuditLog
	// Referrals makes and follows referrals, capacity and subscriptions.
	// Without it their routes are not served.
	Referrals *referrals.Referrals
	// Unmet counts, as matches run, the needs they found nothing for.
	Unmet *referrals.UnmetCounter
	// AllowPrivateWebhooks lets subscriptions name loopback and private
	// addresses (refer serve --allow-private-webhooks).
	AllowPrivateWebhooks bool

	// RequireKeyToRead closes the directory's reads (search, needs, the
	// HSDS read API, listings, the web pages) to requests without a valid
	// key: refer serve --public-read=false.
	RequireKeyToRead bool
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	// Without any, a client's address is the connection's peer, whatever
	// headers it sends: rate limits cannot be dodged by writing one.
	TrustedProxies []*net.IPNet
	// CORSOrigins may call the API from a browser; none unless given.
	CORSOrigins []string
	// AddressLimit and KeyLimit limit requests per client address and per
	// API key; zero means DefaultAddressLimit and DefaultKeyLimit, a
	// negative Rate no limit.
	AddressLimit, KeyLimit Limit
	// BodyLimit caps a request body in bytes (413 above it); zero means
	// DefaultBodyLimit.
	BodyLimit int64
	// JSONDepth caps how deep a request body's JSON nests (objects and
	// lists within each other); zero means DefaultJSONDepth.
	JSONDepth int
	// MaxQueryLength caps the characters of a search's words (search's q,
	// the HSDS API's search, the search page's words); zero means
	// query.DefaultMaxQueryLength. It holds for the whole process: New puts it
	// in force (see query.MaxQueryLength), as the pages read a search through
	// SearchQuery.
	MaxQueryLength int
	// HeaderLimit caps a request's headers in bytes (431 above it); zero
	// means DefaultHeaderLimit.
	HeaderLimit int
	// HandlerTimeout bounds the work of one request (its context ends
	// then); zero means DefaultHandlerTimeout.
	HandlerTimeout time.Duration
	// Now is the clock of rate limits and verification dates; nil means
	// time.Now.
	Now func() time.Time
	// Pages are the web pages for people (package web), served beside the
	// API behind the same middleware; none when nil.
	Pages Pages
}

// Pages is a face served beside the API: the web pages for people.
type Pages interface {
	// Routes registers the pages' routes on e.
	Routes(e *echo.Echo)
	// OpenAPI is the pages' part of the OpenAPI document.
	OpenAPI() []byte
	// Identify is middleware that makes the person signed in to the pages
	// the request's actor (resources.WithActor); it leaves /api/ alone,
	// whose callers send keys.
	Identify(next echo.HandlerFunc) echo.HandlerFunc
	// ErrorPage writes err as a page for people: what a browser gets for
	// a path outside /api/ that nothing serves.
	ErrorPage(c echo.Context, err error) error
}

// Defaults of Config.
const (
	DefaultBodyLimit = 1 << 20
	// DefaultJSONDepth is far above any body of the API (a service with
	// its schedules and locations nests 5 deep) and far below what costs
	// (Go's decoder stops only at 10,000).
	DefaultJSONDepth      = 32
	DefaultHeaderLimit    = 64 << 10
	DefaultHandlerTimeout = 30 * time.Second
)

// Server serves refer's HTTP API.
type Server struct {
	cfg       Config
	echo      *echo.Echo
	store     resources.Store
	index     *index.Index
	vocab     *matcher.Vocabulary
	matcher   *matcher.Matcher
	keys      resources.KeyStore
	audit     resources.AuditLog
	referrals *referrals.Referrals
	log       *slog.Logger
	now       func() time.Time
	ready     atomic.Bool
	// openAPIDoc is the served OpenAPI document, the pages' part included.
	openAPIDoc []byte
	server     *http.Server
}

// New returns a server with every route registered. It reports ready
// (GET /readyz) once SetReady(true) is called.
func New(cfg Config) *Server {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	query.SetMaxQueryLength(cfg.MaxQueryLength)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	s := &Server{cfg: cfg, echo: e, store: cfg.Store, index: cfg.Index, vocab: cfg.Vocabulary,
		keys: cfg.Keys, audit: cfg.Audit, referrals: cfg.Referrals, log: log, now: now,
		openAPIDoc: withPages(openAPIDocument, cfg.Pages)}
	s.matcher = &matcher.Matcher{Vocab: cfg.Vocabulary, Finder: finder.New(cfg.Index)}
	// Made here, not in Serve, so that Shutdown never races Serve.
	s.server = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		// Past this Go answers 431 itself, in plain text; below it
		// headerLimit answers in the error shape.
		MaxHeaderBytes: 4 * max(cfg.HeaderLimit, DefaultHeaderLimit),
	}
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	s.middleware()
	s.routes()
	return s
}

// ipExtractor takes the client's address from the connection, or from
// X-Forwarded-For where the connection comes from a trusted proxy (and
// only those: Echo's header extractors otherwise trust every private and
// loopback address).
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// middleware wraps every route, the outermost first: an id and a log line
// for every request, whatever happens inside; a panic becomes a 500; the
// security headers; CORS when configured; the body limit; the address's
// rate limit before any work (a key lookup included); the key; the key's
// rate limit; the gate of closed reads; the handler's deadline.
func (s *Server) middleware() {
	e := s.echo
	e.Use(requestID, s.logRequests, headerLimit(cmp.Or(s.cfg.HeaderLimit, DefaultHeaderLimit)), middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
			return err
		},
	}), securityHeaders)
	if len(s.cfg.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  s.cfg.CORSOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete},
			AllowHeaders:  []string{echo.HeaderAuthorization, echo.HeaderContentType, "If-Match"},
			ExposeHeaders: []string{"ETag", echo.HeaderXRequestID, echo.HeaderRetryAfter, echo.HeaderLocation},
			MaxAge:        600,
		}))
	}
	bodyLimit := cmp.Or(s.cfg.BodyLimit, DefaultBodyLimit)
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: strconv.FormatInt(bodyLimit, 10) + "B"}))
	jsonDepth := cmp.Or(s.cfg.JSONDepth, DefaultJSONDepth)
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(jsonDepthKey, jsonDepth)
			return next(c)
		}
	})
	addresses := newLimiter(orDefault(s.cfg.AddressLimit, DefaultAddressLimit), s.now)
	keys := newLimiter(orDefault(s.cfg.KeyLimit, DefaultKeyLimit), s.now)
	e.Use(rateLimit(addresses, func(c echo.Context) string {
		if probePaths[c.Request().URL.Path] {
			return ""
		}
		return clientAddress(c)
	}))
	e.Use(s.authenticate)
	if s.cfg.Pages != nil {
		e.Use(s.cfg.Pages.Identify)
	}
	e.Use(rateLimit(keys, func(c echo.Context) string {
		if k := principal(c); k != nil {
			return k.ID
		}
		return ""
	}))
	e.Use(s.gateReads)
	e.Use(middleware.ContextTimeout(cmp.Or(s.cfg.HandlerTimeout, DefaultHandlerTimeout)))
}

// orDefault returns l, or def if l is zero.
func orDefault(l, def Limit) Limit {
	if l == (Limit{}) {
		return def
	}
	return l
}

func (s *Server) routes() {
	s.echo.GET("/healthz", s.healthz)
	s.echo.GET("/readyz", s.readyz)
	s.echo.GET("/api/openapi.json", s.openAPI)
	v1 := s.echo.Group("/api/v1")
	v1.GET("/search", s.search)
	v1.GET("/needs", s.needs)
	v1.POST("/match", s.match, mayMatch)
	s.listingRoutes(v1)
	s.keyRoutes(v1)
	s.auditRoutes(v1)
	if s.referrals != nil {
		s.referralRoutes(v1)
	}
	s.hsdsRoutes(s.echo.Group("/api/hsds"))
	if s.cfg.Pages != nil {
		s.cfg.Pages.Routes(s.echo)
	}
}

// SetReady marks the server ready (or not) to answer searches.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

// ServeHTTP lets tests drive the server without a listener.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Serve answers requests on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.server.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for requests in flight
// to be answered, or for ctx to end. Serve returns nil after it.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.server.Shutdown(ctx)
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(c echo.Context) error {
	if !s.ready.Load() {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "starting"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// Route is a registered route: its method and its path pattern, with
// parameters written as in Echo (":id").
type Route struct{ Method, Path string }

// Routes returns every registered route, for tests that hold the OpenAPI
// document and the authorization table to what is served.
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.echo.Routes() {
		out = append(out, Route{r.Method, r.Path})
	}
	return out
}
