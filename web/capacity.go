package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/resources"
)

// Organization staff say whether a service takes new referrals now
// (available, full, waitlist, assessment first), in one choice on the
// organization's page or in a form with the wait and a note. A form sent
// after someone else set the capacity is refused (409), not applied over it. The rule is the API's PUT capacity's:
// referrals.SetCapacity (who may, which statuses, the wait in days only for
// a waitlist), stamped with the day and audited with the person; search and
// match show it at once, and read it as unknown after 30 days.

// capacityStatuses are the statuses the form offers, in its order.
var capacityStatuses = []resources.CapacityStatus{resources.CapacityAvailable, resources.CapacityWaitlist,
	resources.CapacityFull, resources.CapacityAssessmentRequired}

// capacityWords is a capacity as the pages say it.
type capacityWords struct {
	Class string // the status, for the style sheet
	Text  string // "Waitlist, about 14 days"
	AsOf  *dateView
	Note  string
}

// capacityText says a capacity in l's words; nil when unknown (never set,
// or too old to trust), which the pages leave unsaid.
func capacityText(l *locale, v resources.CapacityView) *capacityWords {
	if v.Status == "" || v.Status == resources.CapacityUnknown {
		return nil
	}
	w := &capacityWords{Class: string(v.Status), Text: l.T("listing.capacity." + string(v.Status)), Note: v.Note}
	if v.ExpectedWaitDays != nil {
		w.Text = l.T("listing.capacity.waitlist_days", *v.ExpectedWaitDays)
	}
	if v.AsOf != nil {
		w.AsOf = &dateView{ISO: v.AsOf.Format("2006-01-02"), Text: l.ShortDate(*v.AsOf)}
	}
	return w
}

type capacityForm struct {
	chrome
	ServiceID string
	Name      string
	Org       string // an admin's ?org=
	Current   *capacityWords
	Statuses  []resources.CapacityStatus
	Values    map[string]string
	Errs      map[string]string
	Errors    []string
	// AsOf is when the capacity the form shows was set (asOfField).
	AsOf string
}

// asOfField writes when a capacity was set for a form to send back, so a
// change made from it is refused if another was set since ("" when none
// was).
func asOfField(c resources.Capacity) string {
	if c.AsOf.IsZero() {
		return ""
	}
	return c.AsOf.UTC().Format(time.RFC3339Nano)
}

// asOfSent reads asOfField back: the zero time for "", and for anything
// unreadable a time no capacity has, so that the change is refused.
func asOfSent(text string) time.Time {
	if text == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return time.Unix(1, 0)
	}
	return t
}

// capacityFields are the form's fields, by the names referrals.SetCapacity
// gives them in its errors.
var capacityFields = []string{"status", "expected_wait_days", "note"}

func (s *Pages) capacityFormOf(c echo.Context, svc *resources.Service) (*capacityForm, error) {
	l := s.locale(c)
	cur, err := s.refs.CapacitySet(c.Request().Context(), svc.ID)
	if err != nil {
		return nil, err
	}
	v := &capacityForm{ServiceID: svc.ID, Name: svc.Name, Org: c.QueryParam("org"), Statuses: capacityStatuses, AsOf: asOfField(cur),
		Current: capacityText(l, resources.ViewAt(&cur, s.now())), Errs: map[string]string{}, Values: map[string]string{}}
	if v.Current != nil {
		v.Values["status"], v.Values["note"] = string(cur.Status), cur.Note
		if cur.ExpectedWaitDays != nil {
			v.Values["expected_wait_days"] = strconv.Itoa(*cur.ExpectedWaitDays)
		}
	}
	v.Title = l.T("listing.capacity.title", svc.Name)
	return v, nil
}

func (s *Pages) capacityPage(c echo.Context) error {
	svc, err := s.ownService(c)
	if err != nil {
		return err
	}
	v, err := s.capacityFormOf(c, svc)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "capacity", v)
}

func (s *Pages) saveCapacity(c echo.Context) error {
	l := s.locale(c)
	svc, err := s.ownService(c)
	if err != nil {
		return err
	}
	v, err := s.capacityFormOf(c, svc)
	if err != nil {
		return err
	}
	for _, f := range capacityFields {
		v.Values[f] = strings.TrimSpace(c.FormValue(f))
	}
	v.AsOf = c.FormValue("as_of") // drawn again, the form stays what it was read from
	var wait *int
	if text := v.Values["expected_wait_days"]; text != "" && v.Values["status"] == string(resources.CapacityWaitlist) {
		n, err := strconv.Atoi(text)
		if err != nil {
			v.Errs["expected_wait_days"] = l.T("listing.capacity.err.expected_wait_days")
		}
		wait = &n
	}
	if len(v.Errs) == 0 {
		_, err = s.refs.SetCapacityFrom(c.Request().Context(), signedIn(c).Actor(), svc.ID, asOfSent(c.FormValue("as_of")), v.Values["status"], wait, v.Values["note"])
		var re *resources.Error
		switch {
		case resources.ErrorCode(err) == resources.ECONFLICT:
			return &pageError{status: http.StatusConflict, title: "org.stale.title", message: "org.stale.message"}
		case err == nil:
			s.synced(c.Request().Context())
			return c.Redirect(http.StatusSeeOther, "/org?done=capacity"+adminOrg(c))
		case errors.As(err, &re) && re.Code == resources.EINVALID && len(re.Fields) > 0:
			for field := range re.Fields {
				v.Errs[field] = l.T("listing.capacity.err." + field)
			}
		default:
			return err
		}
	}
	for _, f := range capacityFields {
		if e, ok := v.Errs[f]; ok {
			v.Errors = append(v.Errors, l.T("listing.capacity.field."+f)+": "+e)
		}
	}
	return s.render(c, http.StatusBadRequest, "capacity", v)
}
