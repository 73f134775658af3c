package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/listings"
	"github.com/refer-project/refer/resources"
)

// Organization staff keep the places where a service is offered: add a
// site, change its name and street address, remove it. Every change is one
// call to package listings (SaveSite, RemoveSite): the API's rules, the
// version the form was read at, the person in the audit, the site placed
// from its address as an import places it; search finds it by distance
// before the page answers.

type sitesView struct {
	chrome
	ServiceID string
	Name      string
	Org       string // an admin's ?org=
	Sites     []siteRow
	// New is the form that adds a site (kept with its errors).
	New  *siteForm
	Done string
}

type siteRow struct {
	ID          string
	Name        string
	Address     []string
	Approximate bool
	Version     uint64
}

// siteForm is the form of one site: a new one (LocationID "") or one of the
// service's.
type siteForm struct {
	chrome
	ServiceID  string
	LocationID string
	Service    string
	Version    uint64
	Org        string
	Values     map[string]string
	Errs       map[string]string
	Errors     []string
	err        error // a refusal that is not about a field
}

// siteFields are a site's fields, by the names listings gives them in its
// errors, in the order the form shows them.
var siteFields = []string{"name", "address_1", "city", "state_province", "postal_code"}

func (s *Pages) siteRoutes(g router) {
	may := s.requireRole(resources.RoleAdmin, resources.RoleOrgStaff)
	g.GET("/org/services/:id/sites", s.html(s.sitesPage), may)
	g.POST("/org/services/:id/sites", s.html(s.addSite), may)
	g.GET("/org/services/:id/sites/:loc", s.html(s.sitePage), may)
	g.POST("/org/services/:id/sites/:loc", s.html(s.saveSite), may)
	g.POST("/org/services/:id/sites/:loc/remove", s.html(s.removeSite), may)
}

func (s *Pages) sitesViewOf(c echo.Context, svc *resources.Service) (*sitesView, error) {
	ctx := c.Request().Context()
	l := s.locale(c)
	v := &sitesView{ServiceID: svc.ID, Name: svc.Name, Org: c.QueryParam("org")}
	v.Title = l.T("listing.sites.title", svc.Name)
	sals, err := listings.SALs(s.store.List(ctx, resources.KindServiceAtLocation, listings.OfService(svc.ID)))
	if err != nil {
		return nil, err
	}
	for _, sal := range sals {
		loc, err := resources.Get[*resources.Location](ctx, s.store, sal.LocationID)
		if resources.ErrorCode(err) == resources.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		row := siteRow{ID: loc.ID, Name: cmpOr(strings.TrimSpace(loc.Name), l.T("listing.sites.unnamed")), Version: loc.Version,
			Approximate: loc.GeocodeSource == resources.GeocodeZIPCentroid}
		if a := listings.PhysicalAddress(loc); a != nil {
			row.Address = addressLines(*a)
		}
		v.Sites = append(v.Sites, row)
	}
	v.New = s.siteFormOf(c, svc, nil)
	if done := c.QueryParam("done"); done == "added" || done == "saved" || done == "removed" {
		v.Done = l.T("listing.sites.done." + done)
	}
	return v, nil
}

func (s *Pages) siteFormOf(c echo.Context, svc *resources.Service, loc *resources.Location) *siteForm {
	l := s.locale(c)
	v := &siteForm{ServiceID: svc.ID, Service: svc.Name, Org: c.QueryParam("org"), Values: map[string]string{"state_province": "FL"}, Errs: map[string]string{}}
	v.Title = l.T("listing.sites.add_title", svc.Name)
	if loc != nil {
		v.LocationID, v.Version = loc.ID, loc.Version
		v.Values = map[string]string{"name": loc.Name}
		if a := listings.PhysicalAddress(loc); a != nil {
			v.Values["address_1"], v.Values["city"], v.Values["state_province"], v.Values["postal_code"] = a.Address1, a.City, a.StateProvince, a.PostalCode
		}
		v.Title = l.T("listing.sites.edit_title", cmpOr(loc.Name, svc.Name))
	}
	return v
}

func (s *Pages) sitesPage(c echo.Context) error {
	svc, err := s.ownService(c)
	if err != nil {
		return err
	}
	v, err := s.sitesViewOf(c, svc)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "sites", v)
}

// serviceSite reads a service the person may change and one of its sites.
func (s *Pages) serviceSite(c echo.Context) (*resources.Service, *resources.Location, error) {
	svc, err := s.ownService(c)
	if err != nil {
		return nil, nil, err
	}
	ctx := c.Request().Context()
	sals, err := listings.SALs(s.store.List(ctx, resources.KindServiceAtLocation, listings.OfService(svc.ID)))
	if err != nil {
		return nil, nil, err
	}
	for _, sal := range sals {
		if sal.LocationID == c.Param("loc") {
			loc, err := resources.Get[*resources.Location](ctx, s.store, sal.LocationID)
			return svc, loc, err
		}
	}
	return nil, nil, resources.Errorf(resources.ENOTFOUND, "that site is not one of this service's")
}

func (s *Pages) sitePage(c echo.Context) error {
	svc, loc, err := s.serviceSite(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "site", s.siteFormOf(c, svc, loc))
}

func (s *Pages) addSite(c echo.Context) error {
	svc, err := s.ownService(c)
	if err != nil {
		return err
	}
	v, err := s.sitesViewOf(c, svc)
	if err != nil {
		return err
	}
	if s.sendSite(c, v.New, listings.Any) {
		return c.Redirect(http.StatusSeeOther, "/org/services/"+svc.ID+"/sites?done=added"+adminOrg(c))
	}
	if v.New.Errors == nil {
		return v.New.err
	}
	return s.render(c, http.StatusBadRequest, "sites", v)
}

func (s *Pages) saveSite(c echo.Context) error {
	svc, loc, err := s.serviceSite(c)
	if err != nil {
		return err
	}
	v := s.siteFormOf(c, svc, loc)
	v.Version = sentVersion(c, v.Version)
	if s.sendSite(c, v, version(c)) {
		return c.Redirect(http.StatusSeeOther, "/org/services/"+svc.ID+"/sites?done=saved"+adminOrg(c))
	}
	if v.Errors == nil {
		return v.err
	}
	return s.render(c, http.StatusBadRequest, "site", v)
}

// sendSite reads the site's fields into v and saves them; false when they
// were refused (v says why on its fields, or v.err is the refusal: a stale
// form, not theirs).
func (s *Pages) sendSite(c echo.Context, v *siteForm, want listings.Expect) bool {
	l := s.locale(c)
	for _, f := range siteFields {
		v.Values[f] = strings.TrimSpace(c.FormValue(f))
	}
	_, err := listings.SaveSite(c.Request().Context(), s.store, v.ServiceID, v.LocationID, listings.Site{Name: v.Values["name"],
		Address1: v.Values["address_1"], City: v.Values["city"], StateProvince: v.Values["state_province"], PostalCode: v.Values["postal_code"]}, want)
	var re *resources.Error
	switch {
	case err == nil:
		s.synced(c.Request().Context())
		return true
	case errors.As(err, &re) && re.Code == resources.EINVALID && len(re.Fields) > 0:
		for field := range re.Fields {
			v.Errs[field] = l.T("listing.sites.err." + field)
		}
		for _, f := range siteFields {
			if e, ok := v.Errs[f]; ok {
				v.Errors = append(v.Errors, l.T("listing.sites.field."+f)+": "+e)
			}
		}
	default:
		v.err = s.changeError(err)
	}
	return false
}

func (s *Pages) removeSite(c echo.Context) error {
	svc, loc, err := s.serviceSite(c)
	if err != nil {
		return err
	}
	if err := listings.RemoveSite(c.Request().Context(), s.store, svc.ID, loc.ID, version(c)); err != nil {
		return s.changeError(err)
	}
	s.synced(c.Request().Context())
	return c.Redirect(http.StatusSeeOther, "/org/services/"+svc.ID+"/sites?done=removed"+adminOrg(c))
}
