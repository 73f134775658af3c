package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources"
)

// Referrals, capacity, webhook subscriptions and the figures: thin
// handlers over package referrals, which holds every rule (who may see a
// referral, who may move it where, who may set a capacity).

func (s *Server) referralRoutes(g *echo.Group) {
	anyKey := require(resources.Roles...)
	g.POST("/referrals", s.createReferral, anyKey)
	g.GET("/referrals", s.listReferrals, anyKey)
	g.GET("/referrals/stats", s.referralStats, anyKey)
	g.GET("/referrals/:id", s.getReferral, anyKey)
	g.POST("/referrals/:id/status", s.setReferralStatus, anyKey)
	g.GET("/services/:id/capacity", s.getCapacity)
	g.PUT("/services/:id/capacity", s.setCapacity, mayEdit)
	g.POST("/subscriptions", s.subscribe, anyKey)
	g.GET("/subscriptions", s.listSubscriptions, anyKey)
	g.DELETE("/subscriptions/:id", s.unsubscribe, anyKey)
	g.GET("/subscriptions/:id/deliveries", s.deliveries, anyKey)
	g.GET("/reports/unmet-needs", s.unmetNeeds, admin)
}

// actor is who makes the request, as the rules see them.
func actor(c echo.Context) resources.Actor {
	return resources.ActorFrom(c.Request().Context(), resources.Actor{})
}

// IdempotencyKeyHeader makes a retried create return the first answer.
const IdempotencyKeyHeader = "Idempotency-Key"

func (s *Server) createReferral(c echo.Context) error {
	var in referrals.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, replayed, err := s.referrals.Create(c.Request().Context(), actor(c), in, c.Request().Header.Get(IdempotencyKeyHeader))
	if err != nil {
		return unprocessable(err)
	}
	if replayed {
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/referrals/"+v.ID)
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) getReferral(c echo.Context) error {
	v, err := s.referrals.Get(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

type statusRequest struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

func (s *Server) setReferralStatus(c echo.Context) error {
	var in statusRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.referrals.SetStatus(c.Request().Context(), actor(c), c.Param("id"), resources.ReferralStatus(strings.TrimSpace(in.Status)), in.Reason)
	if err != nil {
		return unprocessable(err)
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) listReferrals(c echo.Context) error {
	p := newParams(c.QueryParams())
	f := referrals.Filter{
		Status:         resources.ReferralStatus(p.str("status", 40)),
		OrganizationID: p.str("organization_id", 200),
		Need:           p.str("need", 80),
		From:           day(p, "from"),
		To:             dayEnd(p, "to"),
		Page:           p.int("page", 1, 1, 100000),
		PerPage:        p.int("per_page", referrals.DefaultPerPage, 1, referrals.MaxPerPage),
	}
	if err := p.err(); err != nil {
		return err
	}
	page, err := s.referrals.List(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) referralStats(c echo.Context) error {
	p := newParams(c.QueryParams())
	f := referrals.StatsFilter{From: day(p, "from"), To: dayEnd(p, "to"),
		OrganizationID: p.str("organization_id", 200), Need: p.str("need", 80)}
	if err := p.err(); err != nil {
		return err
	}
	st, err := s.referrals.Stats(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

func (s *Server) unmetNeeds(c echo.Context) error {
	p := newParams(c.QueryParams())
	from, to := day(p, "from"), dayEnd(p, "to")
	if err := p.err(); err != nil {
		return err
	}
	rows, err := s.referrals.UnmetReport(c.Request().Context(), actor(c), from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rows)
}

// day reads a date (YYYY-MM-DD, the start of that day in UTC) or an RFC
// 3339 time.
func day(p *params, name string) time.Time {
	v := strings.TrimSpace(p.q.Get(name))
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t
	}
	return p.time(name)
}

// dayEnd reads the end of a period: a date means the end of that day.
func dayEnd(p *params, name string) time.Time {
	v := strings.TrimSpace(p.q.Get(name))
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t.AddDate(0, 0, 1)
	}
	return day(p, name)
}

type capacityRequest struct {
	Status           string `json:"status"`
	ExpectedWaitDays *int   `json:"expected_wait_days"`
	Note             string `json:"note"`
}

func (s *Server) setCapacity(c echo.Context) error {
	var in capacityRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	capa, err := s.referrals.SetCapacity(c.Request().Context(), actor(c), c.Param("id"), in.Status, in.ExpectedWaitDays, in.Note)
	if err != nil {
		return err
	}
	s.synced(c)
	return c.JSON(http.StatusOK, resources.ViewAt(&capa, s.now()))
}

func (s *Server) getCapacity(c echo.Context) error {
	capa, err := s.referrals.Capacity(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resources.ViewAt(&capa, s.now()))
}

type subscriptionRequest struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

func (s *Server) subscribe(c echo.Context) error {
	var in subscriptionRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.referrals.Subscribe(c.Request().Context(), actor(c), in.URL, in.Events, s.cfg.AllowPrivateWebhooks)
	if err != nil {
		return unprocessable(err)
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/subscriptions/"+v.ID)
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) listSubscriptions(c echo.Context) error {
	subs, err := s.referrals.Subscriptions(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"subscriptions": subs})
}

func (s *Server) unsubscribe(c echo.Context) error {
	if err := s.referrals.Unsubscribe(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) deliveries(c echo.Context) error {
	p := newParams(c.QueryParams())
	limit := p.int("limit", 100, 1, 500)
	if err := p.err(); err != nil {
		return err
	}
	ds, err := s.referrals.Deliveries(c.Request().Context(), actor(c), c.Param("id"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"deliveries": ds})
}
