package web

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources"
)

// Referrals in the pages: a case manager refers a client from a match
// option, a list item or a service page (with the client's consent), and
// follows the referrals they sent; the organization's staff answer them in
// their inbox. Every handler is one call to package referrals, which holds
// every rule: who may see a referral (others get "not found"), who may
// move it where (the pages offer only referrals.Allowed), which statuses
// need a reason. The client's data stays sealed in the store and is opened
// only for those the rules let see it.

func (s *Pages) referralRoutes(g router) {
	if s.refs == nil {
		return
	}
	send := s.requireRole(resources.RoleAdmin, resources.RoleCaseManager)
	anyone := s.requireRole(resources.PersonRoles...)
	g.GET("/referrals/new", s.html(s.referPage), send)
	g.POST("/referrals", s.html(s.refer), send)
	g.GET("/referrals", s.html(s.sentPage), send)
	g.GET("/referrals/inbox", s.html(s.inboxPage), s.requireRole(resources.RoleAdmin, resources.RoleOrgStaff))
	g.GET("/referrals/:id", s.html(s.referralPage), anyone)
	g.POST("/referrals/:id/status", s.html(s.setReferralStatus), anyone)
}

// mayRefer says whether p may make referrals in the pages.
func (s *Pages) mayRefer(p *resources.Person) bool {
	return s.refs != nil && p != nil && (p.Role == resources.RoleAdmin || p.Role == resources.RoleCaseManager)
}

// referralNav are the menu's referral links for p's role.
func referralNav(p *resources.Person, l *locale) []navLink {
	switch {
	case p == nil:
		return nil
	case p.Role == resources.RoleOrgStaff:
		return []navLink{{Href: "/referrals/inbox", Label: l.T("referral.nav.inbox")}}
	case p.Role == resources.RoleAdmin || p.Role == resources.RoleCaseManager:
		return []navLink{{Href: "/referrals", Label: l.T("referral.nav.sent")}}
	}
	return nil
}

// consentMethods are the ways a client may give consent (referrals.Input).
var consentMethods = []string{"verbal", "written", "electronic"}

// referFields are the refer form's fields by the names package referrals
// gives them in its errors: the form's input id, and the catalog key of
// what to say when it is wrong.
var referFields = []struct{ field, id string }{
	{"need", "r-need"},
	{"client.reference", "r-reference"},
	{"client.name", "r-name"},
	{"client.phone", "r-phone"},
	{"client.email", "r-email"},
	{"consent.obtained", "r-consent"},
	{"consent.method", "r-method-verbal"},
	{"consent.date", "r-date"},
	{"notes", "r-notes"},
}

type referView struct {
	chrome
	Item     string // what is referred to: a service_at_location id or a service id
	Service  *serviceView
	Needs    []option
	Methods  []option
	Form     url.Values
	FieldErr map[string]string
	Errors   []fieldMessage // Field is the input's id
	Idem     string
	Today    string
	// Closed says, in the page's language, why the service takes no
	// referrals (referrals.TakesReferrals); the form is then not drawn.
	Closed string
}

// referPage is the refer form for a service (?item=, a site or a
// service id, as the client's list names them), with the need it answers
// when the match said (?need=).
func (s *Pages) referPage(c echo.Context) error {
	form := url.Values{"need": {c.QueryParam("need")}, "consent_date": {s.now().Format(time.DateOnly)}}
	v, err := s.referViewOf(c, strings.TrimSpace(c.QueryParam("item")), form)
	if err != nil {
		return err
	}
	// A new key for each form drawn: sending this form twice makes one
	// referral, and a new form makes a new one.
	v.Idem = hex.EncodeToString(make32()[:16])
	return s.render(c, http.StatusOK, "refer", v)
}

func (s *Pages) referViewOf(c echo.Context, item string, form url.Values) (*referView, error) {
	l := s.locale(c)
	if item == "" {
		return nil, resources.Errorf(resources.EINVALID, "name the service to refer to: /referrals/new?item=ID")
	}
	rec, only, err := s.loadListed(c.Request().Context(), item)
	if err != nil {
		return nil, err
	}
	v := &referView{Item: item, Form: form, FieldErr: map[string]string{}, Today: s.now().Format(time.DateOnly),
		Service: s.serviceViewOf(l, rec, only, s.now())}
	v.Title = l.T("referral.new.title", rec.svc.Name)
	if !referrals.TakesReferrals(rec.svc) {
		v.Closed = l.T("referral.closed", l.T("orgedit.status."+rec.svc.Status))
	}
	// The service's own needs first; one of them chosen when it has but one.
	var own []string
	for _, t := range rec.terms {
		for _, n := range s.vocab.NeedsOfTerm(t) {
			if !slices.Contains(own, n) {
				own = append(own, n)
			}
		}
	}
	chosen := form.Get("need")
	if chosen == "" && len(own) == 1 {
		chosen = own[0]
	}
	for _, n := range own {
		v.Needs = append(v.Needs, option{Value: n, Label: s.needLabel(l, n), Selected: n == chosen})
	}
	for _, n := range s.vocab.Needs {
		if !slices.Contains(own, n.Code) {
			v.Needs = append(v.Needs, option{Value: n.Code, Label: s.needLabel(l, n.Code), Selected: n.Code == chosen})
		}
	}
	for _, m := range consentMethods {
		v.Methods = append(v.Methods, option{Value: m, Label: l.T("referral.method." + m), Selected: form.Get("consent_method") == m})
	}
	return v, nil
}

// refer makes the referral the form describes; a form with mistakes comes
// back saying what to fix, with what was typed.
func (s *Pages) refer(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return resources.Errorf(resources.EINVALID, "the form could not be read")
	}
	item := strings.TrimSpace(form.Get("item"))
	v, err := s.referViewOf(c, item, form)
	if err != nil {
		return err
	}
	v.Idem = form.Get("idem")
	ctx := c.Request().Context()
	rec, only, err := s.loadListed(ctx, item)
	if err != nil {
		return err
	}
	in := referrals.Input{ServiceID: rec.svc.ID, Need: form.Get("need"), Notes: form.Get("notes"),
		Client: resources.ReferralClient{Reference: form.Get("client_reference"), Name: form.Get("client_name"),
			Phone: form.Get("client_phone"), Email: form.Get("client_email")},
		Consent: resources.Consent{Obtained: form.Get("consent") == "yes", Method: form.Get("consent_method"), Date: form.Get("consent_date")}}
	if only != nil {
		in.ServiceAtLocationID = only.ID
	}
	made, _, err := s.refs.Create(ctx, signedIn(c).Actor(), in, v.Idem)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/referrals/"+made.ID+"?done=sent")
	}
	fields := resources.ErrorFields(err)
	if _, ok := fields["Idempotency-Key"]; ok && resources.ErrorCode(err) == resources.ECONFLICT {
		// This form made a referral, and was changed and sent again.
		return &pageError{status: http.StatusConflict, title: "referral.resent.title", message: "referral.resent.message"}
	}
	if resources.ErrorCode(err) != resources.EINVALID || len(fields) == 0 {
		return err
	}
	l := s.locale(c)
	for _, f := range referFields {
		if _, ok := fields[f.field]; ok {
			text := l.T("referral.error." + f.field)
			v.FieldErr[f.field] = text
			v.Errors = append(v.Errors, fieldMessage{Field: f.id, Text: text})
			delete(fields, f.field)
		}
	}
	for _, f := range []string{"service_id", "service_at_location_id"} {
		// The service closed, or the site went, since the form was drawn.
		if _, ok := fields[f]; ok {
			v.Errors = append(v.Errors, fieldMessage{Text: l.T("referral.error.service")})
			delete(fields, f)
		}
	}
	for name, why := range fields { // none the form has: the form's key
		v.Errors = append(v.Errors, fieldMessage{Text: l.T("search.field_error", name, l.Why(why))})
	}
	return s.render(c, http.StatusBadRequest, "refer", v)
}

// referralRow is a referral as lists show it.
type referralRow struct {
	ID, Service, Need, Client, Status, StatusClass, Sender string
	Created                                                string
	CreatedISO                                             string
	// Quick are the statuses one click sets; Ask, those that need a reason,
	// asked on the referral's page.
	Quick, Ask []option
}

func (s *Pages) rowOf(l *locale, r *referrals.View) referralRow {
	row := referralRow{ID: r.ID, Service: r.ServiceName, Need: s.needLabel(l, r.Need), Sender: r.Sender.Name,
		Status: l.T("referral.status." + string(r.Status)), StatusClass: statusClass(r.Status),
		Created: s.when(l, r.Created), CreatedISO: r.Created.Format(time.RFC3339)}
	if r.Client != nil {
		row.Client = cmpOr(r.Client.Name, r.Client.Reference)
	}
	for _, to := range r.Next {
		o := option{Value: string(to), Label: l.T("referral.action." + string(to))}
		if referrals.NeedsReason(to) {
			row.Ask = append(row.Ask, o)
		} else {
			row.Quick = append(row.Quick, o)
		}
	}
	return row
}

// statusClass is the look of a status: green going ahead or done, red
// ended without help, grey waiting.
func statusClass(st resources.ReferralStatus) string {
	switch st {
	case resources.StatusAccepted, resources.StatusInProgress, resources.StatusCompleted:
		return "open"
	case resources.StatusRejected, resources.StatusFailed, resources.StatusCancelled, resources.StatusEnteredInError:
		return "closed"
	}
	return "pending"
}

// when writes a moment in the server's time zone: "Nov 27, 2026, 10 AM".
func (s *Pages) when(l *locale, t time.Time) string {
	t = t.In(s.now().Location())
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return l.T("referral.when", l.ShortDate(t), l.Clock(t.Sub(day)))
}

type referralsView struct {
	chrome
	Rows     []referralRow
	Total    int
	Statuses []option
	Org      string // an admin's ?org=
	OrgName  string
	Prev     string
	Next     string
	Done     string
}

// listing reads one page of referrals (?page=) into v.
func (s *Pages) listing(c echo.Context, v *referralsView, f referrals.Filter, base url.Values) error {
	l := s.locale(c)
	page, err := strconv.Atoi(cmpOr(c.QueryParam("page"), "1"))
	if err != nil || page < 1 || page > 100000 {
		return resources.Errorf(resources.EINVALID, "page must be a whole number from 1")
	}
	f.Page, f.PerPage = page, referrals.DefaultPerPage
	p, err := s.refs.List(c.Request().Context(), signedIn(c).Actor(), f)
	if err != nil {
		return err
	}
	v.Total = p.Total
	for _, r := range p.Results {
		v.Rows = append(v.Rows, s.rowOf(l, r))
	}
	link := func(n int) string {
		q := url.Values{}
		for k, vs := range base {
			q[k] = vs
		}
		q.Set("page", strconv.Itoa(n))
		return c.Path() + "?" + q.Encode()
	}
	if page > 1 {
		v.Prev = link(page - 1)
	}
	if page*p.PerPage < p.Total {
		v.Next = link(page + 1)
	}
	return nil
}

// sentPage lists the referrals the case manager sent (an admin, every
// referral), newest first.
func (s *Pages) sentPage(c echo.Context) error {
	l := s.locale(c)
	v := &referralsView{}
	v.Title = l.T("referral.sent.title")
	if err := s.listing(c, v, referrals.Filter{}, url.Values{}); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "referrals", v)
}

// inboxPage lists the referrals sent to the person's organization (an
// admin's ?org=), of one status if asked (?status=), with what they may do.
func (s *Pages) inboxPage(c echo.Context) error {
	l := s.locale(c)
	org, err := orgOf(c)
	if err != nil {
		return err
	}
	o, err := resources.Get[*resources.Organization](c.Request().Context(), s.store, org)
	if err != nil {
		return err
	}
	status := resources.ReferralStatus(c.QueryParam("status"))
	v := &referralsView{OrgName: o.Name, Org: c.QueryParam("org")}
	v.Title = l.T("referral.inbox.title", o.Name)
	if d := c.QueryParam("done"); slices.Contains(resources.ReferralStatuses, resources.ReferralStatus(d)) {
		v.Done = l.T("referral.done", l.T("referral.status."+d))
	}
	v.Statuses = []option{{Value: "", Label: l.T("referral.inbox.all"), Selected: status == ""}}
	for _, st := range resources.ReferralStatuses {
		v.Statuses = append(v.Statuses, option{Value: string(st), Label: l.T("referral.status." + string(st)), Selected: st == status})
	}
	base := url.Values{}
	if status != "" {
		base.Set("status", string(status))
	}
	if v.Org != "" {
		base.Set("org", v.Org)
	}
	if err := s.listing(c, v, referrals.Filter{OrganizationID: org, Status: status}, base); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "inbox", v)
}

type referralView struct {
	chrome
	R        *referrals.View
	Row      referralRow
	OrgName  string
	Consent  string
	Phone    *phoneLink
	History  []historyRow
	Actions  []actionView
	Done     string
	FieldErr map[string]string
	Reason   string // what was typed, when it came back
	Back     string
}

type historyRow struct {
	Status, StatusClass, When, ISO, By, Reason string
}

type actionView struct {
	Status, Label string
	NeedsReason   bool
}

// referralPage is one referral with its history, and what the person may
// do with it.
func (s *Pages) referralPage(c echo.Context) error {
	v, err := s.referralViewOf(c, c.Param("id"))
	if err != nil {
		return err
	}
	if d := c.QueryParam("done"); d == "sent" {
		v.Done = s.locale(c).T("referral.done_sent")
	} else if slices.Contains(resources.ReferralStatuses, resources.ReferralStatus(d)) {
		l := s.locale(c)
		v.Done = l.T("referral.done", l.T("referral.status."+d))
	}
	return s.render(c, http.StatusOK, "referral", v)
}

func (s *Pages) referralViewOf(c echo.Context, id string) (*referralView, error) {
	l := s.locale(c)
	ctx := c.Request().Context()
	r, err := s.refs.Get(ctx, signedIn(c).Actor(), id)
	if err != nil {
		return nil, err
	}
	v := &referralView{R: r, Row: s.rowOf(l, r), FieldErr: map[string]string{}, Back: c.QueryParam("back")}
	v.Title = l.T("referral.title", r.ServiceName)
	if o, err := resources.Get[*resources.Organization](ctx, s.store, r.OrganizationID); err == nil {
		v.OrgName = o.Name
	}
	if r.Consent.Obtained {
		v.Consent = l.T("referral.consent_given", l.T("referral.method."+r.Consent.Method), r.Consent.Date)
	}
	if r.Client != nil && r.Client.Phone != "" {
		p := newPhoneLink(r.Client.Phone, nil)
		v.Phone = &p
	}
	for _, h := range r.History {
		v.History = append(v.History, historyRow{Status: l.T("referral.status." + string(h.Status)), StatusClass: statusClass(h.Status),
			When: s.when(l, h.At), ISO: h.At.Format(time.RFC3339), By: h.By, Reason: h.Reason})
	}
	for _, to := range r.Next {
		v.Actions = append(v.Actions, actionView{Status: string(to), Label: l.T("referral.action." + string(to)), NeedsReason: referrals.NeedsReason(to)})
	}
	return v, nil
}

// setReferralStatus moves a referral as the form asks; back is where to
// go after (the inbox, or the referral's page).
func (s *Pages) setReferralStatus(c echo.Context) error {
	id := c.Param("id")
	to := resources.ReferralStatus(strings.TrimSpace(c.FormValue("status")))
	reason := c.FormValue("reason")
	_, err := s.refs.SetStatus(c.Request().Context(), signedIn(c).Actor(), id, to, reason)
	if err == nil {
		back := localPath(cmpOr(c.FormValue("back"), "/referrals/"+id))
		sep := "?"
		if strings.Contains(back, "?") {
			sep = "&"
		}
		return c.Redirect(http.StatusSeeOther, back+sep+"done="+url.QueryEscape(string(to)))
	}
	if _, ok := resources.ErrorFields(err)["reason"]; !ok || resources.ErrorCode(err) != resources.EINVALID {
		return err
	}
	// The reason was missing or too long: the page again, saying so.
	v, verr := s.referralViewOf(c, id)
	if verr != nil {
		return verr
	}
	v.FieldErr["reason-"+string(to)] = s.locale(c).T("referral.error.reason")
	v.Reason = reason
	return s.render(c, http.StatusBadRequest, "referral", v)
}
