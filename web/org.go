package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/listings"
	"github.com/refer-project/refer/resources"
)

// Organization staff keep their own listings: each service's hours, and
// "this listing is still correct" in one click; services not confirmed for
// 180 days are flagged. Every change goes through package listings, as the
// API's do: the same rules, the version the form was read at (a form sent
// after someone else's change is refused, not applied over it), the audit
// trail with the person as actor; search sees it before the page answers.

type orgView struct {
	chrome
	OrgID    string
	OrgName  string
	Services []orgService
	// CapacityStatuses are what the quick capacity form offers.
	CapacityStatuses []resources.CapacityStatus
	Review           int    // how many need confirming
	Flag             string // and what the page says of them
	Done             string
}

type orgService struct {
	ID       string
	Name     string
	Version  uint64
	Verified *dateView
	Review   bool
	Hours    []string
	// Capacity is what the organization last said of its room, when it
	// still holds; CanSetCapacity whether the pages take it.
	Capacity       *capacityWords
	CanSetCapacity bool
	// CapacityStatus, CapacityWait and CapacityNote are the capacity as
	// it stands, for the quick form (the note and the wait are kept).
	CapacityStatus, CapacityWait, CapacityNote string
	CapacityAsOf                               string // asOfField
}

func (s *Pages) orgRoutes(g router) {
	may := s.requireRole(resources.RoleAdmin, resources.RoleOrgStaff)
	g.GET("/org", s.html(s.orgPage), may)
	g.POST("/org/services/:id/verify", s.html(s.orgVerify), may)
	g.GET("/org/services/:id/hours", s.html(s.hoursPage), may)
	g.POST("/org/services/:id/hours", s.html(s.saveHours), may)
	if s.refs != nil {
		g.GET("/org/services/:id/capacity", s.html(s.capacityPage), may)
		g.POST("/org/services/:id/capacity", s.html(s.saveCapacity), may)
	}
	s.orgEditRoutes(g)
	s.siteRoutes(g)
	g.GET("/org/services/:id/phones", s.html(s.phonesPage), may)
	g.POST("/org/services/:id/phones", s.html(s.savePhones), may)
}

// orgOf is the organization a page is about: staff's own; an admin's
// choice (?org=).
func orgOf(c echo.Context) (string, error) {
	p := signedIn(c)
	if p.Role == resources.RoleAdmin {
		if id := c.QueryParam("org"); id != "" {
			return id, nil
		}
		return "", resources.Errorf(resources.EINVALID, "name the organization: /org?org=ID")
	}
	return p.OrganizationID, nil
}

func (s *Pages) orgPage(c echo.Context) error {
	ctx := c.Request().Context()
	l := s.locale(c)
	id, err := orgOf(c)
	if err != nil {
		return err
	}
	org, err := resources.Get[*resources.Organization](ctx, s.store, id)
	if err != nil {
		return err
	}
	v := &orgView{OrgID: org.ID, OrgName: org.Name, CapacityStatuses: capacityStatuses}
	v.Title = org.Name
	switch c.QueryParam("done") {
	case "verified":
		v.Done = l.T("org.verified_done")
	case "hours":
		v.Done = l.T("org.hours_done")
	case "saved":
		v.Done = l.T("orgedit.saved")
	case "capacity":
		v.Done = l.T("listing.capacity.done")
	case "phones":
		v.Done = l.T("listing.phones.done")
	}
	svcs, err := s.store.List(ctx, resources.KindService, resources.ListOptions{Of: resources.Ref{Kind: resources.KindOrganization, ID: org.ID}})
	if err != nil {
		return err
	}
	now := s.now()
	for _, r := range svcs {
		svc := r.(*resources.Service)
		os := orgService{ID: svc.ID, Name: svc.Name, Version: svc.Version, Verified: newDateView(l, svc.AssuredDate, now),
			Review: listings.NeedsReview(svc, now), Hours: hoursInWords(l, svc.Schedules, now)}
		if os.Review {
			v.Review++
		}
		if s.refs != nil {
			c, err := s.refs.CapacitySet(ctx, svc.ID)
			if err != nil {
				return err
			}
			os.Capacity, os.CanSetCapacity, os.CapacityAsOf = capacityText(l, resources.ViewAt(&c, now)), true, asOfField(c)
			if os.Capacity != nil {
				os.CapacityStatus, os.CapacityNote = string(c.Status), c.Note
				if c.ExpectedWaitDays != nil {
					os.CapacityWait = strconv.Itoa(*c.ExpectedWaitDays)
				}
			}
		}
		v.Services = append(v.Services, os)
	}
	switch v.Review {
	case 0:
	case 1:
		v.Flag = l.T("org.review_one")
	default:
		v.Flag = l.T("org.review", v.Review)
	}
	// Those to confirm first.
	slices.SortStableFunc(v.Services, func(a, b orgService) int {
		if a.Review != b.Review {
			if a.Review {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return s.render(c, http.StatusOK, "org", v)
}

// version reads the version a form was drawn at.
func version(c echo.Context) listings.Expect {
	n, err := strconv.ParseUint(c.FormValue("version"), 10, 64)
	if err != nil || n == 0 {
		return listings.ParseETag("bad") // a form without its version never matches
	}
	return listings.At(n)
}

func (s *Pages) orgVerify(c echo.Context) error {
	_, err := listings.Verify(c.Request().Context(), s.store, c.Param("id"), version(c), s.now())
	if err != nil {
		return s.changeError(err)
	}
	s.synced(c.Request().Context())
	return c.Redirect(http.StatusSeeOther, "/org?done=verified"+adminOrg(c))
}

// sentVersion is the version a form was drawn at, to draw it again with
// its errors: a form read before someone else's change stays stale.
func sentVersion(c echo.Context, current uint64) uint64 {
	if n, err := strconv.ParseUint(c.FormValue("version"), 10, 64); err == nil && n > 0 {
		return n
	}
	return current
}

// adminOrg keeps an admin's ?org= across a change.
func adminOrg(c echo.Context) string {
	if id := c.QueryParam("org"); id != "" {
		return "&org=" + id
	}
	return ""
}

// changeError turns a change refused by the rules into its page: a stale
// form is a 409 that says to reload.
func (s *Pages) changeError(err error) error {
	var st *listings.Stale
	if errors.As(err, &st) {
		return &pageError{status: http.StatusConflict, title: "org.stale.title", message: "org.stale.message"}
	}
	return err
}

// synced brings the search index up to the store, so the change is in
// search when the page answers (as the API's writes are).
func (s *Pages) synced(ctx context.Context) {
	if s.index == nil {
		return
	}
	if err := s.index.Sync(context.WithoutCancel(ctx)); err != nil {
		s.log.Error("search index did not take a change", "err", err)
	}
}

// dayHours is one weekday's row of the hours form.
type dayHours struct {
	Code, Name     string
	Open           bool
	Opens, Closes  string // "09:00"
	OpensErr, Errs string
}

type hoursView struct {
	chrome
	ServiceID string
	Name      string
	Version   uint64
	Days      []dayHours
	Kept      []string // other schedules, kept as they are
	Errors    []string
	Org       string // an admin's ?org=
}

func (s *Pages) hoursPage(c echo.Context) error {
	svc, err := s.ownService(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "hours", s.hoursViewOf(c, svc))
}

// ownService reads a service the person may change: listings.Authorize
// says, with the same words as a change would.
func (s *Pages) ownService(c echo.Context) (*resources.Service, error) {
	ctx := c.Request().Context()
	svc, err := resources.Get[*resources.Service](ctx, s.store, c.Param("id"))
	if err != nil {
		return nil, err
	}
	err = s.store.Transact(ctx, func(tx resources.Tx) error {
		return listings.Authorize(tx, signedIn(c).Actor(), svc, nil)
	})
	return svc, err
}

func (s *Pages) hoursViewOf(c echo.Context, svc *resources.Service) *hoursView {
	l := s.locale(c)
	v := &hoursView{ServiceID: svc.ID, Name: svc.Name, Version: svc.Version, Org: c.QueryParam("org")}
	v.Title = l.T("hours.edit_title", svc.Name)
	for _, code := range weekOrder {
		d := dayHours{Code: code, Name: l.T("day.long." + code)}
		for i := range svc.Schedules {
			sc := &svc.Schedules[i]
			if !weeklyPlain(sc) || !slices.Contains(plainDays(cmpOr(sc.ByDay, strings.Join(weekOrder[:], ","))), code) {
				continue
			}
			if sp, ok := spanOf(sc); ok && !d.Open {
				d.Open, d.Opens, d.Closes = true, clock24(sp.opens), clock24(sp.closes)
			}
		}
		v.Days = append(v.Days, d)
	}
	for i := range svc.Schedules {
		if !weeklyPlain(&svc.Schedules[i]) {
			v.Kept = append(v.Kept, hoursInWords(l, svc.Schedules[i:i+1], s.now())...)
		}
	}
	return v
}

// weeklyPlain is a schedule the hours form edits: every week, by weekday,
// with hours, and no window of validity.
func weeklyPlain(sc *resources.Schedule) bool {
	f := strings.ToUpper(sc.Freq)
	return (f == "" || f == "WEEKLY") && (sc.Interval == nil || *sc.Interval <= 1) && !sc.IsClosure() &&
		sc.OpensAt != "" && sc.ClosesAt != "" && sc.ValidFrom == "" && sc.ValidTo == "" && sc.Until == "" && sc.ByMonthDay == ""
}

func clock24(d time.Duration) string {
	if d >= 24*time.Hour {
		return "00:00"
	}
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

func (s *Pages) saveHours(c echo.Context) error {
	l := s.locale(c)
	svc, err := s.ownService(c)
	if err != nil {
		return err
	}
	// Read the week from the form; one schedule per run of hours.
	type span struct{ opens, closes string }
	byHours := map[span][]string{}
	var order []span
	var problems []string
	v := s.hoursViewOf(c, svc)
	v.Version = sentVersion(c, v.Version)
	for i, code := range weekOrder {
		d := &v.Days[i]
		d.Open = c.FormValue("open."+code) == "on"
		d.Opens, d.Closes = strings.TrimSpace(c.FormValue("opens."+code)), strings.TrimSpace(c.FormValue("closes."+code))
		if !d.Open {
			continue
		}
		o, err1 := resources.ParseClock(d.Opens)
		cl, err2 := resources.ParseClock(d.Closes)
		switch {
		case err1 != nil || err2 != nil:
			d.Errs = l.T("hours.form.bad_time", d.Name)
		case cl != 0 && cl <= o:
			d.Errs = l.T("hours.form.closes_before", d.Name)
		}
		if d.Errs != "" {
			problems = append(problems, d.Errs)
			continue
		}
		sp := span{d.Opens, d.Closes}
		if _, ok := byHours[sp]; !ok {
			order = append(order, sp)
		}
		byHours[sp] = append(byHours[sp], code)
	}
	if len(problems) > 0 {
		v.Errors = problems
		return s.render(c, http.StatusBadRequest, "hours", v)
	}
	_, err = listings.Change(c.Request().Context(), s.store, svc.ID, version(c), func(svc *resources.Service) error {
		kept := slices.DeleteFunc(slices.Clone(svc.Schedules), func(sc resources.Schedule) bool { return weeklyPlain(&sc) })
		for _, sp := range order {
			kept = append(kept, resources.Schedule{ID: uuid.NewString(), ServiceID: svc.ID,
				Freq: "WEEKLY", ByDay: strings.Join(byHours[sp], ","), OpensAt: sp.opens, ClosesAt: sp.closes})
		}
		svc.Schedules = kept
		return nil
	})
	if err != nil {
		return s.changeError(err)
	}
	s.synced(c.Request().Context())
	return c.Redirect(http.StatusSeeOther, "/org?done=hours"+adminOrg(c))
}
