package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/listings"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// Organization staff change a service's details (name, description,
// status, eligibility, application process, fees) in a form. The change
// goes through listings.Change, as the hours form's does: the same
// validation as the API (the record's own), the version the form was read
// at, the person in the audit, search up to date before the page answers.
// Admins see every listing not confirmed for 180 days, oldest first.

type serviceForm struct {
	chrome
	ServiceID string
	Version   uint64
	Org       string // an admin's ?org=
	Statuses  []string
	Ages      []string // the age fields' names
	Values    map[string]string
	Errs      map[string]string
	Errors    []string
	// Costs are the service's cost options (HSDS cost_option), one row
	// each and an empty one to add another.
	Costs []costRow
}

// costRow is one cost option in the form.
type costRow struct {
	N                           int // from 1
	ID                          string
	Option, Amount, Description string
	OptionErr, AmountErr        string
}

// serviceFields are the form's text fields, in the order they are shown.
var serviceFields = []string{"name", "description", "status", "languages", "eligibility_description", "minimum_age", "maximum_age", "application_process", "fees_description", "required_documents"}

// orgeditFieldKnown are the fields the record's rules may refuse that have a
// message of their own in the catalogs.
var orgeditFieldKnown = map[string]bool{"name": true, "status": true, "minimum_age": true, "maximum_age": true}

func (s *Pages) orgEditRoutes(g router) {
	may := s.requireRole(resources.RoleAdmin, resources.RoleOrgStaff)
	g.GET("/org/edit", s.html(s.orgEditPage), may)
	g.POST("/org/edit", s.html(s.saveOrg), may)
	g.GET("/org/services/:id/edit", s.html(s.serviceEditPage), may)
	g.POST("/org/services/:id/edit", s.html(s.saveService), may)
	g.GET("/admin/unconfirmed", s.html(s.unconfirmedPage), s.requireRole(resources.RoleAdmin))
}

func ageText(a *float64) string {
	if a == nil {
		return ""
	}
	return strconv.FormatFloat(*a, 'f', -1, 64)
}

func (s *Pages) serviceFormOf(c echo.Context, svc *resources.Service) *serviceForm {
	v := &serviceForm{ServiceID: svc.ID, Version: svc.Version, Org: c.QueryParam("org"), Ages: []string{"minimum_age", "maximum_age"},
		Statuses: []string{resources.StatusActive, resources.StatusTemporarilyClosed, resources.StatusInactive, resources.StatusDefunct},
		Errs:     map[string]string{},
		Values: map[string]string{"name": svc.Name, "description": svc.Description, "status": svc.Status, "languages": strings.Join(languageNames(svc.Languages), ", "),
			"eligibility_description": svc.EligibilityDescription, "minimum_age": ageText(svc.MinimumAge), "maximum_age": ageText(svc.MaximumAge),
			"application_process": svc.ApplicationProcess, "fees_description": svc.FeesDescription, "required_documents": documentLines(svc.RequiredDocuments)}}
	for _, o := range svc.CostOptions {
		row := costRow{ID: o.ID, Option: o.Option, Description: o.AmountDescription}
		if o.Amount != nil {
			row.Amount = formatAmount(*o.Amount)
		}
		v.Costs = append(v.Costs, row)
	}
	v.Costs = append(v.Costs, costRow{})
	for i := range v.Costs {
		v.Costs[i].N = i + 1
	}
	v.Title = s.locale(c).T("orgedit.service.title", svc.Name)
	return v
}

// documentLines writes a service's required documents one a line, as the
// form shows them.
func documentLines(docs []resources.RequiredDocument) string {
	var lines []string
	for _, d := range docs {
		if t := strings.TrimSpace(d.Document); t != "" {
			lines = append(lines, t)
		}
	}
	return strings.Join(lines, "\n")
}

// parseDocuments reads the form's documents, one a line, keeping the id and
// link of each the service had by the same words.
func parseDocuments(text, serviceID string, had []resources.RequiredDocument) []resources.RequiredDocument {
	var out []resources.RequiredDocument
	seen := map[string]bool{}
	for line := range strings.Lines(text) {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" || seen[strings.ToLower(line)] {
			continue
		}
		seen[strings.ToLower(line)] = true
		d := resources.RequiredDocument{ID: uuid.NewString(), ServiceID: serviceID, Document: line}
		for _, h := range had {
			if strings.EqualFold(strings.Join(strings.Fields(h.Document), " "), line) {
				d.ID, d.URI, d.Attributes, d.Metadata = h.ID, h.URI, h.Attributes, h.Metadata
			}
		}
		out = append(out, d)
	}
	return out
}

// readCosts reads the cost rows as sent: a row left empty is dropped; an
// amount must be a number (in US dollars for a new row). kept are the
// form rows (index into v.Costs) of the options returned, in order.
func (s *Pages) readCosts(c echo.Context, l *locale, v *serviceForm, had []resources.CostOption) (out []resources.CostOption, kept []int) {
	n, _ := strconv.Atoi(c.FormValue("cost_rows"))
	n = min(max(n, 0), len(had)+20)
	v.Costs = v.Costs[:0]
	old := map[string]resources.CostOption{}
	for _, o := range had {
		old[o.ID] = o
	}
	for i := 1; i <= n; i++ {
		row := costRow{N: i, ID: c.FormValue(fmt.Sprintf("cost.id.%d", i)), Option: strings.TrimSpace(c.FormValue(fmt.Sprintf("cost.option.%d", i))),
			Amount:      strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(c.FormValue(fmt.Sprintf("cost.amount.%d", i))), "$")),
			Description: strings.TrimSpace(c.FormValue(fmt.Sprintf("cost.description.%d", i)))}
		v.Costs = append(v.Costs, row)
		if row.Option == "" && row.Amount == "" && row.Description == "" {
			continue
		}
		o, ok := old[row.ID]
		if !ok || row.ID == "" {
			o = resources.CostOption{ID: uuid.NewString(), Currency: "USD"}
		}
		o.ServiceID, o.Option, o.AmountDescription, o.Amount = v.ServiceID, row.Option, row.Description, nil
		if row.Amount != "" {
			a, err := strconv.ParseFloat(strings.ReplaceAll(row.Amount, ",", ""), 64)
			if err != nil {
				v.Costs[i-1].AmountErr = l.T("orgedit.err.cost_amount")
			}
			o.Amount = &a
			if o.Currency == "" {
				o.Currency = "USD"
			}
		}
		if row.Option == "" && row.Amount != "" {
			v.Costs[i-1].OptionErr = l.T("orgedit.err.cost_option")
		}
		kept = append(kept, i-1)
		out = append(out, o)
	}
	return out, kept
}

// costField reads "cost_options[2].amount".
var costField = regexp.MustCompile(`^cost_options\[(\d+)\]\.(\w+)$`)

func (s *Pages) serviceEditPage(c echo.Context) error {
	svc, err := s.ownService(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "orgedit_service", s.serviceFormOf(c, svc))
}

// parseAge reads an age field: empty is none.
func parseAge(text string) (*float64, bool) {
	if text == "" {
		return nil, true
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, false
	}
	return &n, true
}

func (s *Pages) saveService(c echo.Context) error {
	l := s.locale(c)
	svc, err := s.ownService(c)
	if err != nil {
		return err
	}
	v := s.serviceFormOf(c, svc)
	v.Version = sentVersion(c, v.Version)
	for _, f := range serviceFields {
		v.Values[f] = strings.TrimSpace(c.FormValue(f))
	}
	minAge, ok1 := parseAge(v.Values["minimum_age"])
	maxAge, ok2 := parseAge(v.Values["maximum_age"])
	if !ok1 {
		v.Errs["minimum_age"] = l.T("orgedit.err.age_number")
	}
	if !ok2 {
		v.Errs["maximum_age"] = l.T("orgedit.err.age_number")
	}
	langs, unknown := parseLanguages(v.Values["languages"], svc.Languages)
	if unknown != "" {
		v.Errs["languages"] = l.T("orgedit.err.language", unknown)
	}
	docs := parseDocuments(v.Values["required_documents"], svc.ID, svc.RequiredDocuments)
	costs, costRows := s.readCosts(c, l, v, svc.CostOptions)
	costBad := slices.ContainsFunc(v.Costs, func(r costRow) bool { return r.OptionErr != "" || r.AmountErr != "" })
	if len(v.Errs) == 0 && !costBad {
		_, err = listings.Change(c.Request().Context(), s.store, svc.ID, version(c), func(svc *resources.Service) error {
			svc.Name, svc.Description, svc.Status = v.Values["name"], v.Values["description"], v.Values["status"]
			svc.EligibilityDescription, svc.ApplicationProcess, svc.FeesDescription = v.Values["eligibility_description"], v.Values["application_process"], v.Values["fees_description"]
			svc.MinimumAge, svc.MaximumAge = minAge, maxAge
			for i := range langs {
				langs[i].ServiceID = svc.ID
			}
			svc.Languages = langs
			svc.RequiredDocuments, svc.CostOptions = docs, costs
			return nil
		})
		var re *resources.Error
		switch {
		case err == nil:
			s.synced(c.Request().Context())
			return c.Redirect(http.StatusSeeOther, "/org?done=saved"+adminOrg(c))
		case errors.As(err, &re) && re.Code == resources.EINVALID && len(re.Fields) > 0:
			for field := range re.Fields {
				if m := costField.FindStringSubmatch(field); m != nil {
					if k, _ := strconv.Atoi(m[1]); k < len(costRows) && m[2] == "amount" {
						v.Costs[costRows[k]].AmountErr = l.T("orgedit.err.cost_amount")
						continue
					}
				}
				key := "orgedit.err.other"
				if orgeditFieldKnown[field] {
					key = "orgedit.err." + field
				}
				v.Errs[field] = l.T(key)
			}
		default:
			return s.changeError(err)
		}
	}
	for _, f := range serviceFields {
		if e, ok := v.Errs[f]; ok {
			v.Errors = append(v.Errors, l.T("orgedit.field."+f)+": "+e)
		}
	}
	for _, r := range v.Costs {
		for _, e := range []string{r.OptionErr, r.AmountErr} {
			if e != "" {
				v.Errors = append(v.Errors, l.T("orgedit.cost.row", r.N)+": "+e)
			}
		}
	}
	if len(v.Errors) == 0 { // a field the form does not show
		v.Errors = append(v.Errors, l.T("orgedit.err.other"))
	}
	return s.render(c, http.StatusBadRequest, "orgedit_service", v)
}

type unconfirmedView struct {
	chrome
	Rows []unconfirmedRow
}

type unconfirmedRow struct {
	ID, Name, OrgID, OrgName string
	Verified                 *dateView
}

func (s *Pages) unconfirmedPage(c echo.Context) error {
	ctx := c.Request().Context()
	l := s.locale(c)
	now := s.now()
	svcs, err := listings.Unconfirmed(ctx, s.store, now)
	if err != nil {
		return err
	}
	v := &unconfirmedView{}
	v.Title = l.T("orgedit.unconfirmed.title")
	orgs := map[string]string{}
	for _, svc := range svcs {
		name, ok := orgs[svc.OrganizationID]
		if !ok {
			if org, err := resources.Get[*resources.Organization](ctx, s.store, svc.OrganizationID); err == nil {
				name = org.Name
			}
			orgs[svc.OrganizationID] = name
		}
		v.Rows = append(v.Rows, unconfirmedRow{ID: svc.ID, Name: svc.Name, OrgID: svc.OrganizationID, OrgName: cmpOr(name, svc.OrganizationID),
			Verified: newDateView(l, svc.AssuredDate, now)})
	}
	return s.render(c, http.StatusOK, "orgedit_unconfirmed", v)
}

// The organization's own details, replaced through listings.Replace as
// the API's PUT does: the same rules, the version the form was read at.

type orgForm struct {
	chrome
	OrgID   string
	Version uint64
	Org     string // an admin's ?org=
	Values  map[string]string
	Errs    map[string]string
	Errors  []string
}

// orgFields are the organization form's fields, in the order shown.
var orgFields = []string{"name", "description", "email", "website"}

// ownOrg reads the organization a person may change: listings.Authorize says.
func (s *Pages) ownOrg(c echo.Context) (*resources.Organization, error) {
	ctx := c.Request().Context()
	id, err := orgOf(c)
	if err != nil {
		return nil, err
	}
	org, err := resources.Get[*resources.Organization](ctx, s.store, id)
	if err != nil {
		return nil, err
	}
	err = s.store.Transact(ctx, func(tx resources.Tx) error {
		return listings.Authorize(tx, signedIn(c).Actor(), org, nil)
	})
	return org, err
}

func (s *Pages) orgFormOf(c echo.Context, org *resources.Organization) *orgForm {
	v := &orgForm{OrgID: org.ID, Version: org.Version, Org: c.QueryParam("org"), Errs: map[string]string{},
		Values: map[string]string{"name": org.Name, "description": org.Description, "email": org.Email, "website": org.Website}}
	v.Title = s.locale(c).T("orgedit.org.title", org.Name)
	return v
}

func (s *Pages) orgEditPage(c echo.Context) error {
	org, err := s.ownOrg(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "orgedit_org", s.orgFormOf(c, org))
}

func (s *Pages) saveOrg(c echo.Context) error {
	l := s.locale(c)
	org, err := s.ownOrg(c)
	if err != nil {
		return err
	}
	v := s.orgFormOf(c, org)
	v.Version = sentVersion(c, v.Version)
	for _, f := range orgFields {
		v.Values[f] = strings.TrimSpace(c.FormValue(f))
	}
	changed := *org
	changed.Name, changed.Description, changed.Email, changed.Website = v.Values["name"], v.Values["description"], v.Values["email"], v.Values["website"]
	_, err = listings.Replace(c.Request().Context(), s.store, resources.KindOrganization, org.ID, &changed, nil, version(c))
	var re *resources.Error
	switch {
	case err == nil:
		s.synced(c.Request().Context())
		return c.Redirect(http.StatusSeeOther, "/org?done=saved"+adminOrg(c))
	case errors.As(err, &re) && re.Code == resources.EINVALID && len(re.Fields) > 0:
		for field := range re.Fields {
			key := "orgedit.err.other"
			switch field {
			case "name":
				key = "orgedit.err.org_name"
			case "email", "website":
				key = "orgedit.err." + field
			}
			v.Errs[field] = l.T(key)
		}
	default:
		return s.changeError(err)
	}
	for _, f := range orgFields {
		if e, ok := v.Errs[f]; ok {
			v.Errors = append(v.Errors, l.T("orgedit.org.field."+f)+": "+e)
		}
	}
	if len(v.Errors) == 0 {
		v.Errors = append(v.Errors, l.T("orgedit.err.other"))
	}
	return s.render(c, http.StatusBadRequest, "orgedit_org", v)
}

// parseLanguages reads the form's comma-separated languages by the
// import's rule (hsds.NormalizeLanguage: English or Spanish names, ISO
// codes), keeping the ids of those the service had; unknown is the first
// name it does not know.
func parseLanguages(text string, had []resources.Language) (out []resources.Language, unknown string) {
	seen := map[string]bool{}
	for name := range strings.SplitSeq(text, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		lang := resources.Language{Name: name}
		hsds.NormalizeLanguage(&lang)
		if lang.Code == "" {
			return nil, name
		}
		if seen[lang.Code] {
			continue
		}
		seen[lang.Code] = true
		lang.ID = uuid.NewString()
		for _, h := range had {
			if h.Code == lang.Code {
				lang.ID = h.ID
			}
		}
		out = append(out, lang)
	}
	return out, ""
}
