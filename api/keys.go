package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/resources"
)

// Keys over HTTP, for admins: the same as refer keys create|list|revoke.

func (s *Server) keyRoutes(g *echo.Group) {
	g.POST("/keys", s.createKey, admin)
	g.GET("/keys", s.listKeys, admin)
	g.DELETE("/keys/:id", s.revokeKey, admin)
	g.POST("/keys/:id/rotate", s.rotateKey, admin)
}

type keyRequest struct {
	Name           string `json:"name"`
	Role           string `json:"role"`
	OrganizationID string `json:"organization_id"`
	Email          string `json:"email"`
	// Expires is when the key stops working (RFC 3339, or a date: its
	// start, UTC); none if empty.
	Expires string `json:"expires"`
}

// keyOut is a key as the API shows it: never its hash.
type keyOut struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Role           string     `json:"role"`
	OrganizationID string     `json:"organization_id,omitempty"`
	Email          string     `json:"email,omitempty"`
	Created        time.Time  `json:"created"`
	Revoked        *time.Time `json:"revoked,omitempty"`
	Expires        *time.Time `json:"expires,omitempty"`
	// Key is the API key itself, in the answer that creates it and never
	// again.
	Key string `json:"key,omitempty"`
}

func keyOf(k resources.Key) keyOut {
	return keyOut{ID: k.ID, Name: k.Name, Role: string(k.Role), OrganizationID: k.OrganizationID,
		Email: k.Email, Created: k.Created, Revoked: k.Revoked, Expires: k.Expires}
}

func (s *Server) createKey(c echo.Context) error {
	var in keyRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	now := s.now()
	k, token, err := resources.NewKey(in.Name, resources.Role(in.Role), in.OrganizationID, in.Email, now)
	if err != nil {
		return err
	}
	if in.Expires != "" {
		at, err := parseMoment("expires", in.Expires)
		if err != nil {
			return err
		}
		if err := k.SetExpiry(at, now); err != nil {
			return err
		}
	}
	if err := s.keys.CreateKey(c.Request().Context(), k); err != nil {
		return err
	}
	out := keyOf(k)
	out.Key = token
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/keys/"+k.ID)
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) listKeys(c echo.Context) error {
	keys, err := s.keys.ListKeys(c.Request().Context())
	if err != nil {
		return err
	}
	out := struct {
		Keys []keyOut `json:"keys"`
	}{Keys: make([]keyOut, len(keys))}
	for i, k := range keys {
		out.Keys[i] = keyOf(k)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) revokeKey(c echo.Context) error {
	if _, err := s.keys.RevokeKey(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// rotateRequest is the body of POST /api/v1/keys/{id}/rotate, which may be
// empty.
type rotateRequest struct {
	// OldExpires is when the old key stops working; a day from now if
	// empty, so that whoever holds it has time to put the new one in place.
	OldExpires string `json:"old_expires"`
}

// defaultRotationOverlap is how long an old key works on after a rotation
// that does not say.
const defaultRotationOverlap = 24 * time.Hour

// rotateKey makes a successor of a key (same holder, role, organization)
// and gives the old key an end, so a system can swap keys with no moment
// when neither works. The answer carries the new key, shown this once.
func (s *Server) rotateKey(c echo.Context) error {
	var in rotateRequest
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	ctx, now := c.Request().Context(), s.now()
	old, err := s.keys.GetKey(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if old.Expired(now) {
		return resources.Errorf(resources.ECONFLICT, "key %q has ended: create a new key instead", old.ID)
	}
	end := now.Add(defaultRotationOverlap)
	if in.OldExpires != "" {
		if end, err = parseMoment("old_expires", in.OldExpires); err != nil {
			return err
		}
		if !end.After(now) {
			return &resources.Error{Code: resources.EINVALID, Message: "the rotation is invalid",
				Fields: map[string]string{"old_expires": "is not in the future; revoke the key to end it now"}}
		}
	}
	next, token, err := old.Successor(now)
	if err != nil {
		return err
	}
	if _, err := s.keys.RotateKey(ctx, old.ID, next, end); err != nil {
		return err
	}
	out := keyOf(next)
	out.Key = token
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/keys/"+next.ID)
	return c.JSON(http.StatusCreated, out)
}

// parseMoment reads a moment a person wrote in field: RFC 3339, or a date
// (its start, UTC). EINVALID names the field and the forms it takes.
func parseMoment(field, v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, &resources.Error{Code: resources.EINVALID, Message: "a date is not readable",
		Fields: map[string]string{field: fmt.Sprintf("is %q; write a date such as 2027-01-31 or a moment such as 2027-01-31T17:00:00Z", v)}}
}
