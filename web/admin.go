package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/resources"
)

// The admin page: people (add, new link, disable) and API keys (add,
// revoke), the same as refer users and refer keys, by the same rules
// (package people, resources.NewKey and the key store).

type adminView struct {
	chrome
	People []resources.Person
	Keys   []resources.Key
	Roles  []resources.Role
	// KeyRoles are the roles a key may have.
	KeyRoles []resources.Role
	// Made is what was just made, shown once: a person's link or a key.
	Made     string
	MadeWhat string
	// PersonForm and KeyForm keep what was typed when a form is refused.
	PersonForm map[string]string
	KeyForm    map[string]string
	PersonErr  map[string]string
	KeyErr     map[string]string
}

func (s *Pages) adminRoutes(g router) {
	admin := s.requireRole(resources.RoleAdmin)
	g.GET("/admin", s.html(s.adminPage), admin)
	g.POST("/admin/people", s.html(s.adminAddPerson), admin)
	g.POST("/admin/people/link", s.html(s.adminNewLink), admin)
	g.POST("/admin/people/disable", s.html(s.adminDisable), admin)
	g.POST("/admin/keys", s.html(s.adminAddKey), admin)
	g.POST("/admin/keys/revoke", s.html(s.adminRevokeKey), admin)
}

func (s *Pages) adminView(c echo.Context) (*adminView, error) {
	ctx := c.Request().Context()
	v := &adminView{Roles: resources.PersonRoles, KeyRoles: resources.Roles,
		PersonForm: map[string]string{}, KeyForm: map[string]string{}, PersonErr: map[string]string{}, KeyErr: map[string]string{}}
	v.Title = s.locale(c).T("admin.title")
	var err error
	if v.People, err = s.accounts.List(ctx); err != nil {
		return nil, err
	}
	if s.keys != nil {
		if v.Keys, err = s.keys.ListKeys(ctx); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (s *Pages) adminPage(c echo.Context) error {
	v, err := s.adminView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin", v)
}

// fieldMessages turns a domain error's fields into the form's messages, in
// the page's language where the catalog has the field's.
func (s *Pages) fieldMessages(c echo.Context, err error, into map[string]string) {
	l := s.locale(c)
	for name, why := range resources.ErrorFields(err) {
		into[name] = l.T("field."+name) + " " + why
	}
	if len(into) == 0 {
		into["_"] = resources.ErrorMessage(err)
	}
}

func (s *Pages) adminAddPerson(c echo.Context) error {
	p := resources.Person{Email: c.FormValue("email"), Name: c.FormValue("name"),
		Role: resources.Role(c.FormValue("role")), OrganizationID: strings.TrimSpace(c.FormValue("organization_id"))}
	made, err := s.accounts.Create(c.Request().Context(), p)
	v, verr := s.adminView(c)
	if verr != nil {
		return verr
	}
	switch code := resources.ErrorCode(err); {
	case err == nil:
		v.Made, v.MadeWhat = made.Link, s.locale(c).T("admin.made_person", made.Person.Email)
		return s.render(c, http.StatusCreated, "admin", v)
	case code == resources.EINVALID || code == resources.ECONFLICT:
		v.PersonForm = map[string]string{"email": p.Email, "name": p.Name, "role": string(p.Role), "organization_id": p.OrganizationID}
		s.fieldMessages(c, err, v.PersonErr)
		return s.render(c, http.StatusBadRequest, "admin", v)
	}
	return err
}

func (s *Pages) adminNewLink(c echo.Context) error {
	made, err := s.accounts.NewLink(c.Request().Context(), c.FormValue("email"))
	if err != nil {
		return err
	}
	v, err := s.adminView(c)
	if err != nil {
		return err
	}
	v.Made, v.MadeWhat = made.Link, s.locale(c).T("admin.made_link", made.Person.Email)
	return s.render(c, http.StatusOK, "admin", v)
}

func (s *Pages) adminDisable(c echo.Context) error {
	if _, err := s.accounts.Disable(c.Request().Context(), c.FormValue("email")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin")
}

func (s *Pages) adminAddKey(c echo.Context) error {
	if s.keys == nil {
		return resources.Errorf(resources.ENOTFOUND, "no key store")
	}
	name, role, org := c.FormValue("name"), resources.Role(c.FormValue("role")), strings.TrimSpace(c.FormValue("organization_id"))
	k, token, err := resources.NewKey(name, role, org, "", s.now())
	if err == nil {
		err = s.keys.CreateKey(c.Request().Context(), k)
	}
	v, verr := s.adminView(c)
	if verr != nil {
		return verr
	}
	switch code := resources.ErrorCode(err); {
	case err == nil:
		v.Made, v.MadeWhat = token, s.locale(c).T("admin.made_key", k.Name)
		return s.render(c, http.StatusCreated, "admin", v)
	case code == resources.EINVALID || code == resources.ECONFLICT:
		v.KeyForm = map[string]string{"name": name, "role": string(role), "organization_id": org}
		s.fieldMessages(c, err, v.KeyErr)
		return s.render(c, http.StatusBadRequest, "admin", v)
	}
	return err
}

func (s *Pages) adminRevokeKey(c echo.Context) error {
	if s.keys == nil {
		return resources.Errorf(resources.ENOTFOUND, "no key store")
	}
	if _, err := s.keys.RevokeKey(c.Request().Context(), c.FormValue("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin")
}
