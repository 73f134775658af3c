package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/people"
	"github.com/refer-project/refer/resources"
)

// Signed-in people carry a session cookie (HttpOnly, SameSite=Lax so that
// a link from an e-mail opens signed in, Secure when the base URL is
// https); only its hash is stored (package people). Every form carries a
// CSRF token that must equal the refer_csrf cookie (HttpOnly,
// SameSite=Strict): a page of another site can neither read the cookie nor
// send it, so it cannot post a form as the person.

const (
	sessionCookie = "refer_session"
	csrfCookie    = "refer_csrf"
	csrfField     = "csrf"
	// Context keys.
	personKey  = "refer.person"
	sessionKey = "refer.session"
	csrfKey    = "refer.csrf"
	localeKey  = "refer.locale"
)

// Identify makes the person signed in by the request's session cookie the
// request's actor (api.Pages), on every path but the API's, whose callers
// send keys. An unknown or ended session is as none: the cookie is
// cleared.
func (s *Pages) Identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.accounts == nil || strings.HasPrefix(c.Request().URL.Path, "/api/") {
			return next(c)
		}
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			return next(c)
		}
		p, err := s.accounts.Session(c.Request().Context(), ck.Value)
		switch {
		case err == people.ErrNoSession:
			s.clearCookie(c, sessionCookie)
			return next(c)
		case err != nil:
			return err
		}
		c.Set(personKey, &p)
		c.Set(sessionKey, ck.Value)
		c.SetRequest(c.Request().WithContext(resources.WithActor(c.Request().Context(), p.Actor())))
		return next(c)
	}
}

// signedIn returns the request's person, or nil.
func signedIn(c echo.Context) *resources.Person {
	p, _ := c.Get(personKey).(*resources.Person)
	return p
}

// requireRole lets through people of one of the roles; others are sent to
// sign in (none signed in) or shown a 403 page.
func (s *Pages) requireRole(roles ...resources.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := signedIn(c)
			if p == nil {
				return c.Redirect(http.StatusSeeOther, "/signin?"+url.Values{"next": {c.Request().URL.RequestURI()}}.Encode())
			}
			if !slices.Contains(roles, p.Role) {
				return resources.Errorf(resources.EFORBIDDEN, "forbidden")
			}
			return next(c)
		}
	}
}

// csrf gives every page a token for its forms and checks it on every
// form sent: a missing or wrong token is 403.
func (s *Pages) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := ""
		if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) == 64 {
			token = ck.Value
		}
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead:
			if token == "" {
				b := make([]byte, 32)
				rand.Read(b)
				token = hex.EncodeToString(b)
				c.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true,
					SameSite: http.SameSiteStrictMode, Secure: s.secure})
			}
		default:
			sent := c.FormValue(csrfField)
			if token == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
				return errBadForm
			}
		}
		c.Set(csrfKey, token)
		return next(c)
	}
}

// errBadForm is a form sent without its page's token: stale, or from
// another site.
var errBadForm = resources.Errorf(resources.EFORBIDDEN, "form.expired")

func (s *Pages) setSession(c echo.Context, ses people.Session) {
	// Max-Age, not Expires: the browser's clock need not agree with ours.
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: ses.Secret, Path: "/", MaxAge: int(ses.Expires.Sub(s.now()).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure})
}

func (s *Pages) clearCookie(c echo.Context, name string) {
	c.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure})
}

// localPath is next if it is a path on this site, else "/": a sign-in
// link never sends a person elsewhere.
func localPath(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		if u, err := url.Parse(next); err == nil && u.Host == "" && u.Scheme == "" {
			return next
		}
	}
	return "/"
}
