package web

import (
	"cmp"
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/resources"
)

// searchParams are the parameters of a search (those searchQuery reads):
// a page with any of them is a search; a page with none shows the form.
var searchParams = []string{"q", "need", "taxonomy_term", "latitude", "longitude", "postcode", "radius_km",
	"language", "age", "open_now", "at", "free", "include_virtual", "sort", "page", "per_page"}

// fieldOrder is the form's order of the search parameters, for messages
// about them; each is named by the catalog's "search.field.NAME".
var fieldOrder = []string{"q", "need", "postcode", "latitude", "longitude", "radius_km", "language", "age",
	"open_now", "free", "include_virtual", "sort", "taxonomy_term", "at", "page", "per_page"}

// maxResultTerms is how many taxonomy terms a result shows; the detail
// page has them all.
const maxResultTerms = 4

// radiusMiles are the distances the form offers, in miles (the API's
// radius_km is sent, so a search stays a bookmark of the API's query).
var radiusMiles = []float64{1, 3, 5, 10, 15, 30, 60, 120}

// kmPerMile converts the form's miles to the API's km.
const kmPerMile = 1.609344

type searchView struct {
	chrome
	// Form holds what was asked, as typed, to fill the form again.
	Form     url.Values
	Needs    []option
	Also     []option // further needs of a query that names several
	Radii    []option
	Sorts    []option
	Virtual  []option
	Hidden   []hiddenField // parameters the form has no field for
	Errors   []fieldMessage
	FieldErr map[string]string

	Searched bool
	At       string // the moment open-now was judged, when not now
	Near     string // what the distances are measured from
	Total    int
	From, To int
	Page     int
	Pages    int
	Prev     string
	Next     string
	Results  []webResult
	// Back is this page's address, where adding to the list returns;
	// Listed how many services the client's list holds.
	Back   string
	Listed int
	// NeedFacets and LanguageFacets narrow the search.
	NeedFacets     []facetLink
	LanguageFacets []facetLink

	// Covers, when a search far from the directory found nothing, says
	// where it is.
	Covers string
	// DidYouMean lists the places the place box may have meant.
	DidYouMean []facetLink
	// Map draws the page's results around the client's point.
	Map *mapView
}

type option struct {
	Value, Label string
	Selected     bool
}

type hiddenField struct{ Name, Value string }

type fieldMessage struct{ Field, Text string }

type facetLink struct {
	Label  string
	Count  int
	Href   string
	Active bool
}

// webResult is a search result as the page shows it: the API's result
// and what only people read.
type webResult struct {
	api.SearchResult
	// ListID is what the print list takes: the service_at_location id,
	// or the service id of a service with no location.
	ListID      string
	Eligibility string
	Ages        string
	NeedLabels  []string
	Terms       []index.Term // the first few taxonomy terms
	MoreTerms   int          // and how many more there are
	PhoneLinks  []phoneLink
	Verified    *dateView
	Modified    *dateView
	Virtual     bool
	// Directions asks a maps site for the way to its site.
	Directions string
	OnList     bool // already on the client's list
	N          int  // its number in the list and on the map
}

func (s *Pages) searchPage(c echo.Context) error {
	l := s.locale(c)
	ctx := c.Request().Context()
	pl, err := s.places(ctx)
	if err != nil {
		return err
	}
	values := c.QueryParams()
	v := s.newSearchView(l, values)
	if !v.Searched {
		// The place box starts where the directory's services are.
		if pl.Place != "" {
			v.Form = url.Values{"postcode": {pl.Place}}
		}
		return s.render(c, http.StatusOK, "search", v)
	}
	values, ok := s.readPlace(l, v, pl, values)
	if !ok {
		status := http.StatusOK // a question back, not a mistake
		if len(v.DidYouMean) == 0 {
			status = http.StatusBadRequest
		}
		return s.render(c, status, "search", v)
	}
	// One way to read a search: the API's own.
	q, err := api.SearchQuery(s.vocab, values)
	if err != nil {
		if resources.ErrorCode(err) != resources.EINVALID {
			return err
		}
		v.setErrors(l, resources.ErrorFields(err))
		return s.render(c, http.StatusBadRequest, "search", v)
	}
	res, err := s.index.Search(ctx, q)
	if resources.ErrorCode(err) == resources.EINVALID && len(resources.ErrorFields(err)) == 0 {
		// What the index refuses is in the words (a word past its limit).
		v.setErrors(l, map[string]string{"q": resources.ErrorMessage(err)})
		return s.render(c, http.StatusBadRequest, "search", v)
	} else if err != nil {
		return err
	}
	s.fillResults(l, v, q, res)
	if res.Total == 0 && q.Near != nil && pl.Place != "" {
		if d := pl.nearestCity(*q.Near); d > q.RadiusKm {
			v.Covers = l.T("place.far", l.Miles(d), pl.Place)
		}
	}
	v.Map = resultsMap(l, v, q.Near)
	v.Back = c.Request().URL.RequestURI()
	listed := s.visits.items(s.visitID(c, false))
	v.Listed = len(listed)
	for i := range v.Results {
		v.Results[i].OnList = slices.ContainsFunc(listed, func(it listItem) bool { return it.ID == v.Results[i].ListID })
	}
	return s.render(c, http.StatusOK, "search", v)
}

// readPlace reads the place box (the postcode parameter): a ZIP code is
// the API's to read; a city or street address becomes the latitude and
// longitude of the directory's own sites. ok is false when the text named
// no place: v then says what was tried, or lists what it may have meant.
func (s *Pages) readPlace(l *locale, v *searchView, pl *places, values url.Values) (url.Values, bool) {
	text := strings.TrimSpace(values.Get("postcode"))
	if text == "" || values.Get("latitude") != "" || values.Get("longitude") != "" || zipPattern.MatchString(text) {
		return values, true
	}
	ans := pl.resolve(text)
	if ans.Found {
		out := url.Values{}
		for k, vs := range values {
			out[k] = vs
		}
		out.Del("postcode")
		out.Set("latitude", strconv.FormatFloat(ans.Point[1], 'f', 6, 64))
		out.Set("longitude", strconv.FormatFloat(ans.Point[0], 'f', 6, 64))
		v.Near = ans.Label
		return out, true
	}
	v.Searched = false
	for _, sug := range ans.Suggestions {
		v.DidYouMean = append(v.DidYouMean, facetLink{Label: sug, Href: pageLink(v.Form, map[string][]string{"postcode": {sug}, "page": nil})})
	}
	if len(ans.Suggestions) == 0 {
		msg := l.T("place.unknown", text, pl.Sites)
		if pl.Place != "" {
			msg = l.T("place.unknown_covers", text, pl.Sites, pl.Place)
		}
		v.FieldErr["postcode"] = msg
		v.Errors = append(v.Errors, fieldMessage{"postcode", msg})
	}
	return values, false
}

// directoryNote says what directory the pages show: its size and place,
// and its source when it is a sample, made up or not; "" when its places
// cannot be read (the page is drawn without the note).
func (s *Pages) directoryNote(ctx context.Context, l *locale) string {
	pl, err := s.places(ctx)
	if err != nil {
		s.log.Error("could not read the directory's places", "err", err)
		return ""
	}
	place := cmp.Or(pl.Place, l.T("sample.no_place"))
	switch {
	case s.sample.Synthetic:
		return l.T("sample.synthetic", pl.Services, place, s.sample.Source)
	case s.sample.Source != "":
		return l.T("sample.note", pl.Services, s.sample.Source, place)
	}
	return l.T("sample.directory", pl.Services, place)
}

// resultsMap draws the page's results that have a place.
func resultsMap(l *locale, v *searchView, near *orb.Point) *mapView {
	var pts []mapPlace
	for _, r := range v.Results {
		if !r.Virtual && r.Latitude != nil && r.Longitude != nil {
			pts = append(pts, mapPlace{N: r.N, Name: r.Name, Point: orb.Point{*r.Longitude, *r.Latitude}})
		}
	}
	if len(pts) == 0 {
		return nil
	}
	title := l.T("map.title", v.From, v.To)
	if v.Near != "" {
		title = l.T("map.title_near", v.From, v.To, v.Near)
	}
	m := newMap(l, near, pts, title)
	if n := len(v.Results) - len(pts); n > 0 {
		m.Desc += " " + l.T("map.unmapped", n)
	}
	return m
}

// fillResults puts a page of results, its links and its facets in v.
func (s *Pages) fillResults(l *locale, v *searchView, q index.Query, res *index.Results) {
	now := s.now()
	if !q.At.IsZero() {
		v.At = l.T("search.at_moment", l.Weekday(q.At.Weekday()), l.ShortDate(q.At), l.Clock(time.Duration(q.At.Hour())*time.Hour+time.Duration(q.At.Minute())*time.Minute), q.At.Format("MST"))
		now = q.At
	}
	v.Total, v.Page = res.Total, q.Page
	v.Pages = max(1, (res.Total+q.PerPage-1)/q.PerPage)
	if len(res.Hits) > 0 {
		v.From = (q.Page-1)*q.PerPage + 1
		v.To = v.From + len(res.Hits) - 1
	}
	if q.Page > 1 {
		v.Prev = pageLink(v.Form, map[string][]string{"page": {strconv.Itoa(min(q.Page-1, v.Pages))}})
	}
	if q.Page < v.Pages {
		v.Next = pageLink(v.Form, map[string][]string{"page": {strconv.Itoa(q.Page + 1)}})
	}
	switch res.Total {
	case 0:
		v.Title = l.T("search.none")
	case 1:
		v.Title = l.T("search.one")
	default:
		v.Title = l.T("search.many", res.Total)
	}
	if v.Near != "" {
		v.Title = l.T("search.near", v.Title, v.Near)
	}
	for i, h := range res.Hits {
		r := s.webResultOf(l, h, now)
		r.N = v.From + i
		v.Results = append(v.Results, r)
	}
	v.NeedFacets = facetLinks(v.Form, res.Facets["needs"], "need", q.Needs, func(code string) string { return s.needLabel(l, code) })
	var lang []string
	if q.Language != "" {
		lang = []string{q.Language}
	}
	v.LanguageFacets = facetLinks(v.Form, res.Facets["languages"], "language", lang, func(l string) string { return l })
}

// newSearchView fills the form from the query as it was typed.
func (s *Pages) newSearchView(l *locale, q url.Values) *searchView {
	v := &searchView{Form: q, FieldErr: map[string]string{}}
	v.Title = l.T("search.title")
	for _, p := range searchParams {
		if _, ok := q[p]; ok {
			v.Searched = true
		}
	}
	needs := splitList(q["need"])
	first := ""
	if len(needs) > 0 {
		first = needs[0]
	}
	v.Needs = append(v.Needs, option{Value: "", Label: l.T("search.any_need"), Selected: first == ""})
	for _, n := range s.vocab.Needs {
		v.Needs = append(v.Needs, option{Value: n.Code, Label: s.needLabel(l, n.Code), Selected: n.Code == first})
	}
	for _, code := range needs[min(1, len(needs)):] {
		v.Also = append(v.Also, option{Value: code, Label: s.needLabel(l, code), Selected: true})
	}
	v.Radii = radiusOptions(l, q.Get("radius_km"))
	sort := q.Get("sort")
	for _, o := range []option{{index.SortRelevance, l.T("search.sort.relevance"), false}, {index.SortDistance, l.T("search.sort.distance"), false}, {index.SortName, l.T("search.sort.name"), false}} {
		o.Selected = o.Value == sort
		v.Sorts = append(v.Sorts, o)
	}
	virtual := q.Get("include_virtual") != "false"
	v.Virtual = []option{{"true", l.T("search.virtual.include"), virtual}, {"false", l.T("search.virtual.leave_out"), !virtual}}
	for _, p := range []string{"taxonomy_term", "at", "per_page"} {
		for _, val := range q[p] {
			v.Hidden = append(v.Hidden, hiddenField{p, val})
		}
	}
	switch {
	case q.Get("postcode") != "":
		v.Near = l.T("search.near_zip", q.Get("postcode"))
	case q.Get("latitude") != "":
		v.Near = l.T("search.near_point")
	}
	return v
}

// radiusOptions are the form's distances in miles, the one asked (in km)
// chosen: the nearest choice, or the asked distance itself when it is
// none of them.
func radiusOptions(l *locale, asked string) []option {
	km, err := strconv.ParseFloat(asked, 64)
	if err != nil || km <= 0 {
		km = api.DefaultRadiusKm
	}
	var out []option
	found := false
	for _, mi := range radiusMiles {
		value := strconv.FormatFloat(mi*kmPerMile, 'f', 3, 64)
		sel := !found && math.Abs(mi*kmPerMile-km) < 0.01
		if asked == "" && !found {
			sel = mi == 15 // the API's 25 km, nearly
		}
		found = found || sel
		out = append(out, option{Value: value, Label: l.Miles(mi * kmPerMile), Selected: sel})
	}
	if !found {
		out = append(out, option{Value: asked, Label: l.Miles(km), Selected: true})
		slices.SortFunc(out, func(a, b option) int {
			x, _ := strconv.ParseFloat(a.Value, 64)
			y, _ := strconv.ParseFloat(b.Value, 64)
			return cmp.Compare(x, y)
		})
	}
	return out
}

// needLabel is a need's name in the page's language.
func (s *Pages) needLabel(l *locale, code string) string {
	if messageKeys["need."+code] {
		return l.T("need." + code)
	}
	if n, ok := s.vocab.Need(code); ok {
		return n.Label
	}
	return code
}

func (v *searchView) setErrors(l *locale, fields map[string]string) {
	v.Searched = false
	for _, name := range fieldOrder {
		if m, ok := fields[name]; ok {
			text := l.T("search.field_error", l.T("search.field."+name), l.Why(m))
			v.FieldErr[name] = text
			v.Errors = append(v.Errors, fieldMessage{name, text})
		}
	}
	for name, m := range fields { // any the form does not know
		if _, ok := v.FieldErr[name]; !ok {
			v.FieldErr[name] = name + " " + m
			v.Errors = append(v.Errors, fieldMessage{name, name + " " + m})
		}
	}
}

func (s *Pages) webResultOf(l *locale, h index.Hit, now time.Time) webResult {
	d := h.Doc
	r := webResult{
		SearchResult: api.ResultOf(h, now),
		ListID:       cmp.Or(d.ServiceAtLocationID, d.ServiceID),
		Eligibility:  shorten(d.Eligibility, 220),
		Ages:         agesWords(l, d.MinAge, d.MaxAge),
		Verified:     newDateView(l, d.LastVerified, now),
		Virtual:      d.Virtual || !d.HasPoint,
	}
	if !d.LastModified.IsZero() {
		r.Modified = newDateView(l, d.LastModified.Format(time.DateOnly), now)
	}
	r.OpenUntil = untilWords(l, r.OpenUntil)
	r.Directions = directionsLink(r.Address, r.Latitude, r.Longitude, r.Virtual)
	for _, n := range d.Needs {
		if _, ok := s.vocab.Need(n); ok {
			r.NeedLabels = append(r.NeedLabels, s.needLabel(l, n))
		}
	}
	r.Terms = d.Terms[:min(len(d.Terms), maxResultTerms)]
	r.MoreTerms = len(d.Terms) - len(r.Terms)
	for _, p := range d.Phones {
		r.PhoneLinks = append(r.PhoneLinks, newPhoneLink(p, nil))
	}
	return r
}

// facetLinks lists a facet's values, most common first, each a link that
// narrows the search to it (and, when chosen, one that widens it again).
func facetLinks(form url.Values, counts map[string]int, param string, chosen []string, label func(string) string) []facetLink {
	var out []facetLink
	for value, n := range counts {
		active := slices.ContainsFunc(chosen, func(c string) bool { return strings.EqualFold(c, value) })
		set := []string{value}
		if active {
			set = nil
		}
		out = append(out, facetLink{Label: label(value), Count: n, Active: active,
			Href: pageLink(form, map[string][]string{param: set, "page": nil})})
	}
	slices.SortFunc(out, func(a, b facetLink) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Label, b.Label))
	})
	return out[:min(len(out), 12)]
}

// pageLink is the search page's address with some parameters changed (nil
// removes one); empty parameters are left out, so links stay short.
func pageLink(form url.Values, set map[string][]string) string {
	q := url.Values{}
	for k, vs := range form {
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
			}
		}
	}
	for k, vs := range set {
		q.Del(k)
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	return "/?" + q.Encode()
}
