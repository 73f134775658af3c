package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/resources"
)

// The audit trail, for admins: who changed what and when, newest first.

func (s *Server) auditRoutes(g *echo.Group) {
	g.GET("/audit", s.auditTrail, admin)
}

// Audit page sizes.
const (
	defaultAuditLimit = 50
	maxAuditLimit     = 500
)

func (s *Server) auditTrail(c echo.Context) error {
	p := newParams(c.QueryParams())
	q := resources.AuditQuery{
		RecordID: p.str("record_id", 256),
		Kind:     p.str("kind", 50),
		Limit:    p.int("limit", defaultAuditLimit, 1, maxAuditLimit),
	}
	if before := p.int("before", 0, 0, 1<<62); before > 0 {
		q.Before = uint64(before)
	}
	if q.Kind != "" && q.Kind != resources.AuditKindKey {
		if _, err := resources.ParseKind(q.Kind); err != nil {
			p.errs.Add("kind", "is %q; use organization, service, location, service_at_location, … or api_key", q.Kind)
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	entries, err := s.audit.Audit(c.Request().Context(), q)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []resources.AuditEntry{}
	}
	return c.JSON(http.StatusOK, map[string]any{"entries": entries})
}
