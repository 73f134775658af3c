package api

import (
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
}

type keyRequest struct {
	Name           string `json:"name"`
	Role           string `json:"role"`
	OrganizationID string `json:"organization_id"`
	Email          string `json:"email"`
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
	// Key is the API key itself, in the answer that creates it and never
	// again.
	Key string `json:"key,omitempty"`
}

func keyOf(k resources.Key) keyOut {
	return keyOut{ID: k.ID, Name: k.Name, Role: string(k.Role), OrganizationID: k.OrganizationID,
		Email: k.Email, Created: k.Created, Revoked: k.Revoked}
}

func (s *Server) createKey(c echo.Context) error {
	var in keyRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	k, token, err := resources.NewKey(in.Name, resources.Role(in.Role), in.OrganizationID, in.Email, s.now())
	if err != nil {
		return err
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
