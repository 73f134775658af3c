package api

import (
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/resources"
)

// Who may do what. Reads of the directory (search, needs, the HSDS read
// API, listings, the web pages) are open unless Config.RequireKeyToRead;
// everything else names its roles where it is registered:
//
//	match                        admin, case_manager, intake
//	listing writes               admin; org_editor for its own organization's records
//	POST organizations, DELETE organizations/{id}
//	                             admin (an org_editor is bound to one organization that exists)
//	keys, audit                  admin
//	/healthz, /readyz, /api/openapi.json
//	                             anyone, always
//
// A missing key where one is needed is 401 (not Echo KeyAuth's 400); an
// unknown, wrong or revoked key is 401 wherever it is sent; a valid key of
// the wrong role is 403.

// principalKey is where authenticate leaves the request's key.
const principalKey = "refer.principal"

// principal returns the key the request was made with, or nil.
func principal(c echo.Context) *resources.Key {
	k, _ := c.Get(principalKey).(*resources.Key)
	return k
}

// unauthorized is a 401 that tells the client how to authenticate.
func unauthorized(c echo.Context, invalid bool, format string, args ...any) error {
	h := `Bearer realm="refer"`
	if invalid {
		h += `, error="invalid_token"`
	}
	c.Response().Header().Set(echo.HeaderWWWAuthenticate, h)
	return resources.Errorf(resources.EUNAUTHORIZED, format, args...)
}

// authenticate reads "Authorization: Bearer KEY". A request without the
// header, or to a probe, goes on anonymous; one with a key that is not valid stops here.
// A valid key becomes the request's principal and the actor of any write
// it makes.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if h == "" || probePaths[c.Request().URL.Path] {
			return next(c)
		}
		scheme, token, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return unauthorized(c, true, "use the header Authorization: Bearer <API key>")
		}
		id, secret, ok := resources.ParseKeyToken(strings.TrimSpace(token))
		if !ok {
			return unauthorized(c, true, "the API key is not valid")
		}
		if s.keys == nil {
			return unauthorized(c, true, "the API key is not valid")
		}
		k, err := s.keys.GetKey(c.Request().Context(), id)
		switch {
		case resources.ErrorCode(err) == resources.ENOTFOUND:
			return unauthorized(c, true, "the API key is not valid")
		case err != nil:
			return err
		case !k.Matches(secret):
			return unauthorized(c, true, "the API key is not valid")
		case !k.Active():
			return unauthorized(c, true, "the API key was revoked")
		case k.Expired(s.now()):
			return unauthorized(c, true, "the API key expired at %s", k.Expires.Format(time.RFC3339))
		}
		c.Set(principalKey, &k)
		ctx := resources.WithActor(c.Request().Context(), resources.Actor{KeyID: k.ID, Name: k.Name, Role: k.Role, OrganizationID: k.OrganizationID})
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// require lets through only requests with a key of one of the roles.
func require(roles ...resources.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			k := principal(c)
			if k == nil {
				return unauthorized(c, false, "this needs an API key: send Authorization: Bearer <API key>")
			}
			if !slices.Contains(roles, k.Role) {
				return resources.Errorf(resources.EFORBIDDEN, "a key of role %s may not do this", k.Role)
			}
			return next(c)
		}
	}
}

// probePaths are a load balancer's: they answer whatever key is sent
// (one that sends a stale key still sees the server up) and are never
// rate-limited.
var probePaths = map[string]bool{"/healthz": true, "/readyz": true}

// openPaths answer everyone, whatever RequireKeyToRead says: a load
// balancer's probes and the API's own description.
var openPaths = map[string]bool{"/healthz": true, "/readyz": true, "/api/openapi.json": true}

// gateReads closes everything but openPaths to requests without a key
// when the server was started with --public-read=false. Routes added later
// (the HSDS read API) are closed with the rest, without having to say so.
// The pages (outside /api/) keep their own gate: they ask people to sign
// in, and must show the sign-in page to those who have not.
func (s *Server) gateReads(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		path := c.Request().URL.Path
		if s.cfg.Pages != nil && !strings.HasPrefix(path, "/api/") && path != "/healthz" && path != "/readyz" {
			return next(c)
		}
		if s.cfg.RequireKeyToRead && principal(c) == nil && !openPaths[path] {
			return unauthorized(c, false, "this directory is not public: send Authorization: Bearer <API key>")
		}
		return next(c)
	}
}

// admin is the middleware of admin-only routes.
var admin = require(resources.RoleAdmin)

// mayMatch is the middleware of match.
var mayMatch = require(resources.RoleAdmin, resources.RoleCaseManager, resources.RoleIntake)

// mayEdit is the middleware of listing writes; handlers then check an
// org_editor's organization against the records (listings.Authorize).
var mayEdit = require(resources.RoleAdmin, resources.RoleOrgEditor)

func forbidden(format string, args ...any) error {
	return resources.Errorf(resources.EFORBIDDEN, format, args...)
}
