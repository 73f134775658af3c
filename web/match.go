package web

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
)

// The match page, for case managers: the AHC HRSN core questions, need
// boxes, the client's words and facts; the ranked options with their
// reasons. The form is sent as a POST (it holds what the client said, which
// must not sit in addresses and logs), turned into the contract's match
// request and read by api.MatchRequest, the API's own reading, so the
// page and POST /api/v1/match never differ.

// coreItems are the AHC HRSN core questions (CMS): living situation,
// housing problems, food (2), transportation, utilities, safety (4).
var coreItems = []string{"71802-3", "96778-6", "88122-7", "88123-5", "93030-5", "96779-4", "95618-5", "95617-7", "95616-9", "95615-1"}

// multiAnswer are the items where every answer that applies is ticked.
var multiAnswer = map[string]bool{"96778-6": true}

// screeningItem is a question as the instrument's file has it.
type screeningItem struct {
	Code    string `json:"code"`
	Text    string `json:"text"`
	Answers []struct {
		Code    string `json:"code"`
		Display string `json:"display"`
	} `json:"answers"`
}

// ahcItems are the core questions, in CMS's English, from data/screening.
var ahcItems = func() []screeningItem {
	var doc struct {
		Items []screeningItem `json:"items"`
	}
	if err := json.Unmarshal(data.ScreeningInstruments()["ahc-hrsn"], &doc); err != nil {
		panic("web: ahc-hrsn: " + err.Error())
	}
	var out []screeningItem
	for _, code := range coreItems {
		i := slices.IndexFunc(doc.Items, func(it screeningItem) bool { return it.Code == code })
		if i < 0 {
			panic("web: ahc-hrsn has no item " + code)
		}
		out = append(out, doc.Items[i])
	}
	return out
}()

type matchView struct {
	chrome
	Items     []questionView
	Needs     []option
	Form      url.Values
	Radii     []option
	Errors    []string
	Searched  bool
	Found     []foundNeed
	Options   []optionView
	Unmet     []string
	Notes     []string
	Translate bool // the questions are refer's translation, not CMS's
}

type questionView struct {
	Code, Text string
	Multi      bool
	Answers    []option
	Number     int
}

type foundNeed struct {
	Label, Why string
}

type optionView struct {
	Capacity    resources.CapacityView
	Rank        int
	ServiceID   string
	ListID      string
	Need        string // the first need it answers, for a referral
	Name        string
	Org         string
	Distance    string
	Open        string
	OpenClass   string
	Eligibility string
	EligClass   string
	Needs       []string
	Reasons     []string
	Address     string
	Phones      []phoneLink
}

func (s *Pages) matchRoutes(g router) {
	may := s.requireRole(resources.RoleAdmin, resources.RoleCaseManager)
	g.GET("/match", s.html(s.matchPage), may)
	g.POST("/match", s.html(s.match), may)
}

func (s *Pages) newMatchView(l *locale, form url.Values) *matchView {
	v := &matchView{Form: form, Translate: l.Lang != "en"}
	v.Title = l.T("match.title")
	for i, it := range ahcItems {
		q := questionView{Code: it.Code, Text: it.Text, Multi: multiAnswer[it.Code], Number: i + 1}
		if l.Lang != "en" {
			q.Text = l.T("ahc." + it.Code)
		}
		chosen := form["ans."+it.Code]
		for _, a := range it.Answers {
			label := a.Display
			if l.Lang != "en" {
				label = l.T("ahc.answer." + a.Code)
			}
			q.Answers = append(q.Answers, option{Value: a.Code, Label: label, Selected: slices.Contains(chosen, a.Code)})
		}
		v.Items = append(v.Items, q)
	}
	for _, n := range s.vocab.Needs {
		v.Needs = append(v.Needs, option{Value: n.Code, Label: s.needLabel(l, n.Code), Selected: slices.Contains(form["need"], n.Code)})
	}
	v.Radii = radiusOptions(l, form.Get("radius_km"))
	return v
}

func (s *Pages) matchPage(c echo.Context) error {
	l := s.locale(c)
	return s.render(c, http.StatusOK, "match", s.newMatchView(l, url.Values{}))
}

func (s *Pages) match(c echo.Context) error {
	l := s.locale(c)
	form, err := c.FormParams()
	if err != nil {
		return resources.Errorf(resources.EINVALID, "the form could not be read")
	}
	v := s.newMatchView(l, form)
	body, bad := matchBody(form)
	req, err := api.MatchRequest(body)
	if err == nil && len(bad) > 0 {
		err = resources.Errorf(resources.EINVALID, "the form")
	}
	if err == nil {
		req.Limit = 10
		var res *matcher.Response
		res, err = s.matcher.Match(c.Request().Context(), req)
		if err == nil {
			s.fillMatch(l, v, req, res)
			return s.render(c, http.StatusOK, "match", v)
		}
	}
	if code := resources.ErrorCode(err); code != resources.EINVALID {
		return err
	}
	v.Errors = matchErrors(l, err)
	for name, typed := range bad {
		v.Errors = append(v.Errors, l.T("search.field_error", l.T(matchFieldKeys[name]), l.T("match.not_a_number", typed)))
	}
	slices.Sort(v.Errors)
	return s.render(c, http.StatusBadRequest, "match", v)
}

// matchBody writes the form as the contract's match request; bad names
// the numbers that are not numbers (by their request field), which JSON
// cannot carry to the API's reading.
func matchBody(form url.Values) (body []byte, bad map[string]string) {
	bad = map[string]string{}
	type need struct {
		Code string `json:"code,omitempty"`
		Text string `json:"text,omitempty"`
	}
	client := map[string]any{}
	if z := strings.TrimSpace(form.Get("postcode")); z != "" {
		client["postcode"] = z
	}
	if a := strings.TrimSpace(form.Get("age")); a != "" {
		if n, err := strconv.ParseFloat(a, 64); err == nil {
			client["age"] = n
		} else {
			bad["client.age"] = a
		}
	}
	if h := strings.TrimSpace(form.Get("household_size")); h != "" {
		if n, err := strconv.Atoi(h); err == nil {
			client["household_size"] = n
		} else {
			bad["client.household_size"] = h
		}
	}
	var langs []string
	for _, part := range strings.Split(form.Get("languages"), ",") {
		if part = strings.TrimSpace(part); part != "" {
			langs = append(langs, part)
		}
	}
	if len(langs) > 0 {
		client["languages"] = langs
	}
	var needs []need
	for _, code := range form["need"] {
		needs = append(needs, need{Code: code})
	}
	if t := strings.TrimSpace(form.Get("words")); t != "" {
		needs = append(needs, need{Text: t})
	}
	req := map[string]any{"client": client, "needs": needs}
	answers := map[string]any{}
	for _, it := range ahcItems {
		switch vals := form["ans."+it.Code]; {
		case len(vals) == 1 && !multiAnswer[it.Code]:
			answers[it.Code] = vals[0]
		case len(vals) > 0:
			answers[it.Code] = vals
		}
	}
	if len(answers) > 0 {
		req["screening"] = map[string]any{"instrument": "ahc-hrsn", "answers": answers}
	}
	if r, err := strconv.ParseFloat(form.Get("radius_km"), 64); err == nil {
		req["preferences"] = map[string]any{"max_distance_km": r}
	}
	body, _ = json.Marshal(req) // maps of strings and numbers always marshal
	return body, bad
}

// matchFieldKeys name the match request's fields as the form does.
var matchFieldKeys = map[string]string{
	"client": "match.field.place", "client.postcode": "match.field.place", "client.age": "match.field.age",
	"client.household_size": "match.field.household", "needs": "match.field.needs", "preferences.max_distance_km": "search.within",
}

// matchErrors says what is wrong with the form, field by field.
func matchErrors(l *locale, err error) []string {
	fields := resources.ErrorFields(err)
	if len(fields) == 0 {
		if resources.ErrorMessage(err) == "the form" {
			return nil // only the page's own complaints
		}
		return []string{resources.ErrorMessage(err)}
	}
	var out []string
	for name, why := range fields {
		label := name
		if k, ok := matchFieldKeys[name]; ok {
			label = l.T(k)
		}
		if name == "client" || name == "needs" {
			out = append(out, l.T("match.error."+name))
			continue
		}
		out = append(out, l.T("search.field_error", label, l.Why(why)))
	}
	slices.Sort(out)
	return out
}

func (s *Pages) fillMatch(l *locale, v *matchView, req matcher.Request, res *matcher.Response) {
	v.Searched = true
	for _, n := range res.Needs {
		v.Found = append(v.Found, foundNeed{Label: s.needLabel(l, n.Code), Why: n.Why})
	}
	for _, code := range res.UnmetNeeds {
		v.Unmet = append(v.Unmet, s.needLabel(l, code))
	}
	v.Notes = res.Notes
	for _, o := range res.Options {
		ov := optionView{Rank: o.Rank, ServiceID: o.ServiceID, ListID: cmp.Or(o.ServiceAtLocationID, o.ServiceID),
			Name: o.Name, Org: o.Organization.Name, Address: o.Address, Reasons: o.Reasons,
			Eligibility: l.T("match.eligibility." + o.Eligibility), EligClass: o.Eligibility, Capacity: o.Capacity}
		if o.DistanceKm != nil {
			ov.Distance = l.T("match.away", l.Miles(*o.DistanceKm))
		}
		switch {
		case o.OpenNow == nil:
			ov.Open, ov.OpenClass = l.T("open.unknown"), "unknown"
		case *o.OpenNow:
			ov.Open, ov.OpenClass = l.T("open.now"), "open"
		default:
			ov.Open, ov.OpenClass = l.T("open.closed"), "closed"
		}
		for _, n := range o.Needs {
			ov.Needs = append(ov.Needs, s.needLabel(l, n))
		}
		if len(o.Needs) > 0 {
			ov.Need = o.Needs[0]
		}
		for _, p := range o.Phones {
			ov.Phones = append(ov.Phones, newPhoneLink(p, nil))
		}
		v.Options = append(v.Options, ov)
	}
}
