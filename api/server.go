package api

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/openreferral/refer/index"
	"github.com/openreferral/refer/matcher"
	"github.com/openreferral/refer/resources"
)

// Config is what the server needs.
type Config struct {
	Store      resources.Store
	Index      *index.Index
	Vocabulary *matcher.Vocabulary
	Logger     *slog.Logger
}

// Server serves refer's HTTP API.
type Server struct {
	echo    *echo.Echo
	store   resources.Store
	index   *index.Index
	vocab   *matcher.Vocabulary
	matcher *matcher.Matcher
	log     *slog.Logger
	ready   atomic.Bool
	server  *http.Server
}

// New returns a server with every route registered. It reports ready
// (GET /readyz) once SetReady(true) is called.
func New(cfg Config) *Server {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	s := &Server{echo: e, store: cfg.Store, index: cfg.Index, vocab: cfg.Vocabulary, log: log}
	s.matcher = &matcher.Matcher{Vocab: cfg.Vocabulary, Finder: finder{cfg.Index}}
	e.HTTPErrorHandler = s.handleError
	s.routes()
	return s
}

func (s *Server) routes() {
	s.echo.GET("/healthz", s.healthz)
	s.echo.GET("/readyz", s.readyz)
	v1 := s.echo.Group("/api/v1")
	v1.GET("/search", s.search)
	v1.GET("/needs", s.needs)
	v1.POST("/match", s.match)
}

// SetReady marks the server ready (or not) to answer searches.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

// ServeHTTP lets tests drive the server without a listener.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Serve answers requests on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	s.server = &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	err := s.server.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for requests in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.server == nil {
		return nil
	}
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
