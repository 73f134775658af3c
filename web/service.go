package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/resources"
)

// maxPrintItems caps a printed list.
const maxPrintItems = 50

// serviceRecord is a service with what its pages show: its organization,
// its sites and its taxonomy terms, read from the store.
type serviceRecord struct {
	svc   *resources.Service
	org   *resources.Organization // nil if it is gone
	sites []index.Site
	terms []*resources.TaxonomyTerm
}

// loadService reads a service and what hangs off it; ENOTFOUND if there is
// no such service.
func (s *Pages) loadService(ctx context.Context, id string) (*serviceRecord, error) {
	svc, err := resources.Get[*resources.Service](ctx, s.store, id)
	if err != nil {
		return nil, err
	}
	rec := &serviceRecord{svc: svc}
	if svc.OrganizationID != "" {
		org, err := resources.Get[*resources.Organization](ctx, s.store, svc.OrganizationID)
		if err != nil && resources.ErrorCode(err) != resources.ENOTFOUND {
			return nil, err
		}
		rec.org = org
	}
	sals, err := s.store.List(ctx, resources.KindServiceAtLocation, resources.ListOptions{Of: resources.Ref{Kind: resources.KindService, ID: id}})
	if err != nil {
		return nil, err
	}
	for _, r := range sals {
		sal := r.(*resources.ServiceAtLocation)
		loc, err := resources.Get[*resources.Location](ctx, s.store, sal.LocationID)
		if resources.ErrorCode(err) == resources.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		rec.sites = append(rec.sites, index.Site{SAL: sal, Location: loc})
	}
	seen := map[string]bool{}
	for _, a := range svc.Attributes {
		if seen[a.TaxonomyTermID] {
			continue
		}
		seen[a.TaxonomyTermID] = true
		t, err := resources.Get[*resources.TaxonomyTerm](ctx, s.store, a.TaxonomyTermID)
		if resources.ErrorCode(err) == resources.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		rec.terms = append(rec.terms, t)
	}
	return rec, nil
}

// serviceView is a service as the detail page and the print list show it.
type serviceView struct {
	chrome
	ID     string
	ListID string
	Name   string
	Org    string
	OrgURL string
	Status string // set when the service is not active
	Alert  string

	Description        string
	Eligibility        string
	Ages               string
	ApplicationProcess string
	Fees               []string
	Documents          []string
	Interpretation     string
	WaitTime           string
	URL                string
	Email              string

	Phones    []phoneLink
	Languages []string
	Areas     []string
	Hours     []string // the service's own hours, when it has no sites
	Sites     []siteView
	Needs     []string
	Terms     []index.Term

	Verified *dateView
	Modified *dateView
	OnList   bool // already on the client's list
}

type siteView struct {
	ID             string
	Name           string
	Address        []string
	Approximate    bool
	Virtual        bool
	Phones         []phoneLink
	Hours          []string
	Open           openView
	Transportation string
	Accessibility  []string
	Languages      []string
	// Directions is a link that asks a maps site for the way there.
	Directions string
	// point is where it is on a map; nil for a virtual site or one with
	// no coordinates.
	point *orb.Point
}

// openView is open-now as pages say it.
type openView struct {
	Known, Open bool
	// Until is when it closes, on the language's clock ("5 PM"); Next
	// when it opens next, when closed ("opens Monday 9 AM").
	Until, Next string
}

func (s *Pages) servicePage(c echo.Context) error {
	rec, err := s.loadService(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	v := s.serviceViewOf(s.locale(c), rec, nil, s.now())
	v.Title = v.Name
	if len(v.Sites) == 1 {
		v.ListID = v.Sites[0].ID // the one place: what the list and the printout name
	}
	v.OnList = slices.ContainsFunc(s.visits.items(s.visitID(c, false)), func(it listItem) bool {
		return it.ID == v.ID || slices.ContainsFunc(v.Sites, func(site siteView) bool { return site.ID == it.ID })
	})
	return s.render(c, http.StatusOK, "service", v)
}

// serviceViewOf builds the view of a service, at all its sites or at the
// one named by only.
func (s *Pages) serviceViewOf(l *locale, rec *serviceRecord, only *resources.ServiceAtLocation, now time.Time) *serviceView {
	svc := rec.svc
	v := &serviceView{
		ID:                 svc.ID,
		ListID:             svc.ID,
		Name:               svc.Name,
		Alert:              strings.TrimSpace(svc.Alert),
		Description:        strings.TrimSpace(svc.Description),
		Eligibility:        strings.TrimSpace(svc.EligibilityDescription),
		Ages:               agesWords(l, svc.MinimumAge, svc.MaximumAge),
		ApplicationProcess: strings.TrimSpace(svc.ApplicationProcess),
		Interpretation:     strings.TrimSpace(svc.InterpretationServices),
		WaitTime:           strings.TrimSpace(svc.WaitTime),
		Email:              strings.TrimSpace(svc.Email),
		Verified:           newDateView(l, svc.AssuredDate, now),
	}
	if svc.Status != "" && svc.Status != resources.StatusActive {
		v.Status = svc.Status
	}
	if webLink(svc.URL) {
		v.URL = svc.URL
	}
	if rec.org != nil {
		v.Org = rec.org.Name
		if webLink(rec.org.Website) {
			v.OrgURL = rec.org.Website
		}
	}
	if svc.LastModified != nil {
		v.Modified = newDateView(l, svc.LastModified.Format(time.DateOnly), now)
	}
	for _, t := range []string{svc.FeesDescription, svc.Fees} {
		v.Fees = appendUnique(v.Fees, strings.TrimSpace(t))
	}
	for _, o := range svc.CostOptions {
		v.Fees = appendUnique(v.Fees, costWords(l, o))
	}
	for _, d := range svc.RequiredDocuments {
		v.Documents = appendUnique(v.Documents, strings.TrimSpace(d.Document))
	}
	for _, p := range svc.Phones {
		v.Phones = append(v.Phones, phoneOf(p))
	}
	v.Languages = languageNames(svc.Languages)
	for _, a := range svc.ServiceAreas {
		v.Areas = appendUnique(v.Areas, strings.TrimSpace(firstNonEmpty(a.Name, a.Description)))
	}
	needs := map[string]bool{}
	for _, t := range rec.terms {
		if t.Code != "" || t.Name != "" {
			v.Terms = append(v.Terms, index.Term{Code: t.Code, Name: t.Name})
		}
		for _, n := range s.vocab.NeedsOfTerm(t) {
			if !needs[n] {
				needs[n] = true
				if need, ok := s.vocab.Need(n); ok {
					v.Needs = append(v.Needs, need.Label)
				}
			}
		}
	}
	if len(rec.sites) == 0 {
		v.Hours = hoursInWords(l, svc.Schedules, now)
	}
	for _, site := range rec.sites {
		if only != nil && site.SAL.ID != only.ID {
			continue
		}
		v.Sites = append(v.Sites, siteViewOf(l, svc, site, now))
	}
	if only != nil {
		v.ListID = only.ID
	}
	return v
}

func siteViewOf(l *locale, svc *resources.Service, site index.Site, now time.Time) siteView {
	loc := site.Location
	sv := siteView{
		ID:             site.SAL.ID,
		Name:           strings.TrimSpace(loc.Name),
		Approximate:    loc.GeocodeSource == resources.GeocodeZIPCentroid,
		Virtual:        loc.LocationType == resources.LocationVirtual,
		Transportation: strings.TrimSpace(loc.Transportation),
	}
	for _, a := range loc.Addresses {
		if a.AddressType == resources.AddressPostal && len(loc.Addresses) > 1 {
			continue
		}
		sv.Address = addressLines(a)
		break
	}
	for _, p := range slices.Concat(site.SAL.Phones, loc.Phones) {
		sv.Phones = append(sv.Phones, phoneOf(p))
	}
	// The most specific schedules win, as in the index.
	schedules := site.SAL.Schedules
	if len(schedules) == 0 {
		schedules = svc.Schedules
	}
	if len(schedules) == 0 {
		schedules = loc.Schedules
	}
	zone := loc.TimeZone(index.DefaultZone)
	sv.Hours = hoursInWords(l, schedules, now.In(zone))
	st := resources.OpenAt(schedules, now, zone)
	sv.Open = openView{Known: st.Known, Open: st.Open, Until: untilWords(l, st.Until)}
	if st.Known && !st.Open {
		sv.Open.Next = nextOpening(l, schedules, now, zone)
	}
	virtual := loc.LocationType == resources.LocationVirtual
	sv.Directions = directionsLink(strings.Join(sv.Address, ", "), loc.Latitude, loc.Longitude, virtual)
	if !virtual && loc.Latitude != nil && loc.Longitude != nil {
		sv.point = &orb.Point{*loc.Longitude, *loc.Latitude}
	}
	for _, a := range loc.Accessibility {
		sv.Accessibility = appendUnique(sv.Accessibility, strings.TrimSpace(firstNonEmpty(a.Description, a.Details)))
	}
	if len(svc.Languages) == 0 {
		sv.Languages = languageNames(loc.Languages)
	}
	return sv
}

func addressLines(a resources.Address) []string {
	var lines []string
	for _, l := range []string{a.Attention, a.Address1, a.Address2} {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	city := strings.TrimSpace(a.City)
	if st := strings.TrimSpace(a.StateProvince + " " + a.PostalCode); st != "" {
		if city != "" {
			city += ", "
		}
		city += st
	}
	if city != "" {
		lines = append(lines, city)
	}
	return lines
}

func phoneOf(p resources.Phone) phoneLink {
	var langs []string
	if len(p.Languages) > 0 {
		langs = languageNames(p.Languages)
	}
	return newPhoneLink(p.Number, p.Extension, p.Type, p.Description, strings.Join(langs, ", "))
}

func languageNames(ls []resources.Language) []string {
	var out []string
	for _, l := range ls {
		out = appendUnique(out, strings.TrimSpace(firstNonEmpty(l.Name, l.Code)))
	}
	return out
}

func costWords(l *locale, o resources.CostOption) string {
	var parts []string
	if o.Option != "" {
		parts = append(parts, strings.TrimSpace(o.Option))
	}
	if o.Amount != nil {
		if *o.Amount == 0 {
			parts = append(parts, l.T("cost.free"))
		} else {
			parts = append(parts, strings.TrimSpace(formatAmount(*o.Amount)+" "+o.Currency))
		}
	}
	if o.AmountDescription != "" {
		parts = append(parts, strings.TrimSpace(o.AmountDescription))
	}
	return strings.Join(parts, ": ")
}

func formatAmount(a float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(a, 'f', 2, 64), ".00")
}

// webLink reports whether u is a web address a page may link to.
func webLink(u string) bool {
	u = strings.ToLower(strings.TrimSpace(u))
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}

// printView is the printable list.
type printView struct {
	chrome
	Date  string
	Items []printItem
	// Map shows the listed sites, numbered as in the list; nil when none
	// has a place.
	Map *mapView
	// Link is the list's own address, to send to a client; MailTo opens
	// an email that holds it.
	Link   string
	MailTo string
}

type printItem struct {
	ID string
	// Service is nil when the id is no longer listed.
	Service *serviceView
}

func (s *Pages) printPage(c echo.Context) error {
	var ids []string
	for _, id := range splitList(c.QueryParams()["ids"]) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) > maxPrintItems {
		return resources.Errorf(resources.EINVALID, "ids has %d values; at most %d are allowed", len(ids), maxPrintItems)
	}
	return s.renderPrint(c, ids)
}

// renderPrint draws the printed list of ids, in the page's language.
func (s *Pages) renderPrint(c echo.Context, ids []string) error {
	ctx := c.Request().Context()
	now := s.now()
	l := s.locale(c)
	v := &printView{Date: l.Date(now)}
	v.Title = l.T("print.title")
	if len(ids) > 0 {
		v.Link = c.Scheme() + "://" + c.Request().Host + "/print?" + url.Values{"ids": {strings.Join(ids, ",")}, "lang": {l.Lang}}.Encode()
		v.MailTo = "mailto:?" + strings.ReplaceAll(url.Values{"subject": {l.T("print.title")}, "body": {l.T("print.mail_body", v.Link)}}.Encode(), "+", "%20")
	}
	for _, id := range ids {
		item := printItem{ID: id}
		rec, only, err := s.loadListed(ctx, id)
		switch {
		case resources.ErrorCode(err) == resources.ENOTFOUND:
		case err != nil:
			return err
		default:
			item.Service = s.serviceViewOf(l, rec, only, now)
		}
		v.Items = append(v.Items, item)
	}
	v.Map = printMap(l, v.Items)
	return s.render(c, http.StatusOK, "print", v)
}

// loadListed reads what a print list id names: a service at a location,
// or a whole service.
func (s *Pages) loadListed(ctx context.Context, id string) (*serviceRecord, *resources.ServiceAtLocation, error) {
	sal, err := resources.Get[*resources.ServiceAtLocation](ctx, s.store, id)
	switch {
	case err == nil:
		rec, err := s.loadService(ctx, sal.ServiceID)
		return rec, sal, err
	case resources.ErrorCode(err) != resources.ENOTFOUND:
		return nil, nil, err
	}
	rec, err := s.loadService(ctx, id)
	return rec, nil, err
}

// directionsLink asks a maps site for the way to a site: by its address
// when it has one (what a person would type), else by its point; "" for a
// virtual site or one with neither. Google's documented Maps URLs open the
// app on a phone. The service page, the search results and the printed
// list all link with it.
func directionsLink(address string, lat, lon *float64, virtual bool) string {
	dest := address
	if dest == "" && lat != nil && lon != nil {
		dest = strconv.FormatFloat(*lat, 'f', 6, 64) + "," + strconv.FormatFloat(*lon, 'f', 6, 64)
	}
	if dest == "" || virtual {
		return ""
	}
	return "https://www.google.com/maps/dir/?api=1&destination=" + url.QueryEscape(dest)
}
