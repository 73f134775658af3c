package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/people"
	"github.com/refer-project/refer/resources"
)

// Sign-in, sign-out, setting a password from a link, changing it.

type formView struct {
	chrome
	// Error is the message above the form; FieldErr the one under a field.
	Error    string
	FieldErr map[string]string
	// Email, Next: what the form keeps between tries.
	Email string
	Next  string
	// Token is the set-password link's secret; For whom it sets.
	Token string
	For   string
	Done  string
}

func (s *Pages) accountRoutes(g router) {
	g.GET("/signin", s.html(s.signinPage))
	g.POST("/signin", s.html(s.signin))
	g.POST("/signout", s.html(s.signout))
	g.GET("/set-password", s.html(s.setPasswordPage))
	g.POST("/set-password", s.html(s.setPassword))
	g.GET("/account", s.html(s.accountPage), s.requireRole(resources.PersonRoles...))
	g.POST("/account", s.html(s.changePassword), s.requireRole(resources.PersonRoles...))
}

func (s *Pages) signinPage(c echo.Context) error {
	v := &formView{Next: localPath(c.QueryParam("next"))}
	if c.QueryParam("done") == "password" {
		v.Done = s.locale(c).T("signin.password_set")
	}
	v.Title = s.locale(c).T("signin.title")
	return s.render(c, http.StatusOK, "signin", v)
}

func (s *Pages) signin(c echo.Context) error {
	l := s.locale(c)
	v := &formView{Email: strings.TrimSpace(c.FormValue("email")), Next: localPath(c.FormValue("next"))}
	v.Title = l.T("signin.title")
	ses, err := s.accounts.SignIn(c.Request().Context(), v.Email, c.FormValue("password"), c.RealIP())
	var tooMany *people.TooManyAttempts
	switch {
	case errors.As(err, &tooMany):
		c.Response().Header().Set(echo.HeaderRetryAfter, retryAfter(tooMany))
		v.Error = l.T("signin.too_many", int(tooMany.After.Minutes())+1)
		return s.render(c, http.StatusTooManyRequests, "signin", v)
	case errors.Is(err, people.ErrWrongCredentials):
		v.Error = l.T("signin.wrong")
		return s.render(c, http.StatusUnauthorized, "signin", v)
	case err != nil:
		return err
	}
	s.setSession(c, ses)
	next := v.Next
	if next == "/" {
		next = homeOf(&ses.Person)
	}
	return c.Redirect(http.StatusSeeOther, next)
}

func retryAfter(t *people.TooManyAttempts) string { return strconv.Itoa(int(t.After.Seconds()) + 1) }

// homeOf is where a person starts after signing in.
func homeOf(p *resources.Person) string {
	switch p.Role {
	case resources.RoleAdmin:
		return "/admin"
	case resources.RoleOrgStaff:
		return "/org"
	}
	return "/"
}

func (s *Pages) signout(c echo.Context) error {
	if ses, ok := c.Get(sessionKey).(string); ok {
		if err := s.accounts.SignOut(c.Request().Context(), ses); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Pages) setPasswordPage(c echo.Context) error {
	l := s.locale(c)
	v := &formView{Token: c.QueryParam("token")}
	v.Title = l.T("setpw.title")
	p, err := s.accounts.CheckLink(c.Request().Context(), v.Token)
	if err != nil {
		return linkError(err)
	}
	v.For = p.Email
	return s.render(c, http.StatusOK, "setpassword", v)
}

// linkError turns a link that does not work into its page: 410 for one
// used or expired, 404 for one that never was.
func linkError(err error) error {
	switch {
	case errors.Is(err, people.ErrLinkGone):
		return &pageError{status: http.StatusGone, title: "error.gone.title", message: "error.gone.message"}
	case resources.ErrorCode(err) == resources.ENOTFOUND:
		return &pageError{status: http.StatusNotFound, title: "error.link.title", message: "error.link.message"}
	}
	return err
}

func (s *Pages) setPassword(c echo.Context) error {
	l := s.locale(c)
	v := &formView{Token: c.FormValue("token"), FieldErr: map[string]string{}}
	v.Title = l.T("setpw.title")
	p, err := s.accounts.CheckLink(c.Request().Context(), v.Token)
	if err != nil {
		return linkError(err)
	}
	v.For = p.Email
	pw := c.FormValue("password")
	if pw != c.FormValue("password2") {
		v.FieldErr["password2"] = l.T("setpw.mismatch")
		return s.render(c, http.StatusBadRequest, "setpassword", v)
	}
	if err := people.CheckPassword(pw); err != nil {
		v.FieldErr["password"] = l.T("setpw.length", people.MinPasswordLength)
		return s.render(c, http.StatusBadRequest, "setpassword", v)
	}
	if _, err := s.accounts.SetPassword(c.Request().Context(), v.Token, pw); err != nil {
		return linkError(err)
	}
	return c.Redirect(http.StatusSeeOther, "/signin?done=password")
}

func (s *Pages) accountPage(c echo.Context) error {
	v := &formView{FieldErr: map[string]string{}}
	v.Title = s.locale(c).T("account.title")
	if c.QueryParam("done") == "password" {
		v.Done = s.locale(c).T("account.changed")
	}
	return s.render(c, http.StatusOK, "account", v)
}

func (s *Pages) changePassword(c echo.Context) error {
	l := s.locale(c)
	v := &formView{FieldErr: map[string]string{}}
	v.Title = l.T("account.title")
	next := c.FormValue("password")
	if next != c.FormValue("password2") {
		v.FieldErr["password2"] = l.T("setpw.mismatch")
		return s.render(c, http.StatusBadRequest, "account", v)
	}
	ses, _ := c.Get(sessionKey).(string)
	err := s.accounts.ChangePassword(c.Request().Context(), ses, c.FormValue("current_password"), next)
	fields := resources.ErrorFields(err)
	switch {
	case fields["current_password"] != "":
		v.FieldErr["current_password"] = l.T("account.wrong_current")
	case fields["password"] != "":
		v.FieldErr["password"] = l.T("setpw.length", people.MinPasswordLength)
	case err != nil:
		return err
	default:
		return c.Redirect(http.StatusSeeOther, "/account?done=password")
	}
	return s.render(c, http.StatusBadRequest, "account", v)
}
