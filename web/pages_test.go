package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// page fetches a web page and returns its status and body, checking that
// it is HTML with the security headers and no inline script or style.
func (ts *testServer) page(tb testing.TB, path string) (int, string) {
	tb.Helper()
	resp, b := ts.do(tb, http.MethodGet, path, "")
	body := string(b)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		tb.Errorf("GET %s: Content-Type %q, want HTML", path, ct)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		tb.Errorf("GET %s: Content-Security-Policy %q", path, csp)
	}
	for _, bad := range []string{"<script", " style=", " onclick=", " onload="} {
		if strings.Contains(body, bad) {
			tb.Errorf("GET %s: the page holds %q, which the CSP forbids", path, bad)
		}
	}
	if !strings.Contains(body, `<html lang="en">`) {
		tb.Errorf("GET %s: no language on <html>", path)
	}
	return resp.StatusCode, body
}

// webClock is a clock for pages at a known moment (a Friday morning in
// Miami) that still moves, as rate limits expect.
func webClock(c *api.Config) {
	start, base := time.Now(), time.Date(2026, 11, 27, 10, 0, 0, 0, time.FixedZone("EST", -5*3600))
	c.Now = func() time.Time { return base.Add(time.Since(start)) }
}

// seedWeb adds to the fixture a service with everything the detail page
// shows.
func seedWeb(tb testing.TB, s resources.Store) {
	fixture.Seed(tb, s)
	ext := 4.0
	zero := 0.0
	fixture.Put(tb, s,
		&resources.Service{ID: "s-clinic", OrganizationID: "org", Name: "Walk-in Clinic", Status: "active",
			Description:            "Primary care for adults.\n\nNo appointment needed.",
			EligibilityDescription: "Adults 18 and older who live in Miami-Dade County and have no health insurance; bring proof of address.",
			ApplicationProcess:     "Walk in before 15:00.",
			FeesDescription:        "Sliding scale",
			MinimumAge:             func() *float64 { v := 18.0; return &v }(),
			Tracked:                resources.Tracked{AssuredDate: "2026-10-01"},
			CostOptions:            []resources.CostOption{{ID: "c1", Option: "Uninsured", Amount: &zero}},
			RequiredDocuments:      []resources.RequiredDocument{{ID: "d1", Document: "Photo ID"}, {ID: "d2", Document: "Proof of address"}},
			Phones:                 []resources.Phone{{ID: "p1", Number: "(305) 555-0100", Extension: &ext, Type: "voice"}},
			Languages:              []resources.Language{{ID: "lc1", Name: "Haitian Creole"}},
			ServiceAreas:           []resources.ServiceArea{{ID: "sa1", Name: "Miami-Dade County"}},
			Schedules: []resources.Schedule{
				{ID: "h1", Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR", OpensAt: "08:00", ClosesAt: "16:00"},
				{ID: "h2", ValidFrom: "2026-12-25", ValidTo: "2026-12-25", Description: "Christmas"},
			},
			Attributes: []resources.Attribute{{ID: "a9", TaxonomyTermID: "t-pantry", LinkType: "service"}}},
		&resources.ServiceAtLocation{ID: "sal-clinic", ServiceID: "s-clinic", LocationID: "l-hialeah"},
	)
}

func TestWebSearchForm(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	status, body := ts.page(t, "/")
	if status != http.StatusOK {
		t.Fatalf("GET /: %d", status)
	}
	// Every input has a label, and the form submits with GET to /.
	for _, id := range []string{"f-q", "f-need", "f-postcode", "f-radius_km", "f-language", "f-age", "f-open_now", "f-free", "f-include_virtual", "f-latitude", "f-longitude", "f-sort"} {
		if !strings.Contains(body, `for="`+id+`"`) || !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("field %s has no label", id)
		}
	}
	if !strings.Contains(body, `method="get" action="/"`) {
		t.Error("the search form does not submit with GET to /")
	}
	if !strings.Contains(body, `<option value="food-insecurity">Food insecurity</option>`) {
		t.Error("the need list lacks the vocabulary")
	}
	if strings.Contains(body, `class="results"`) {
		t.Error("an empty page shows results")
	}
	// Headings go in order: one h1, nothing deeper before it.
	if i, j := strings.Index(body, "<h1"), strings.Index(body, "<h2"); i < 0 || j >= 0 && j < i {
		t.Error("headings out of order")
	}
}

func TestWebSearchBookmarkable(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	q := "/?need=food-insecurity&postcode=33125&include_virtual=false&at=" + url.QueryEscape("2026-11-27T10:00:00-05:00")
	status, body := ts.page(t, q)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", q, status)
	}
	for _, want := range []string{
		"1 service near ZIP 33125",
		`<a href="/services/s-pantry">Downtown Food Pantry</a>`,
		"Community Action Agency",
		"Open now · until 5 PM",
		"English, Spanish",
		"Food insecurity",
		"Food Pantries",
		"BD-1800.2000",
		`name="ids" value="sal-pantry-downtown"`,
		`action="/list/add"`,
		`value="33125"`, // the form keeps the query
		`<option value="food-insecurity" selected>`,
		`<input type="hidden" name="at" value="2026-11-27T10:00:00-05:00">`,
		"Open or closed is shown for",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<strong>\d+\.\d mi</strong>`).MatchString(body) {
		t.Error("no distance")
	}
	// The words q=food find the same place: the contract's example link.
	if status, body := ts.page(t, "/?q=food&postcode=33125"); status != 200 || !strings.Contains(body, "Downtown Food Pantry") {
		t.Errorf("/?q=food&postcode=33125: %d", status)
	}
}

func TestWebSearchPagingAndFacets(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	_, body := ts.page(t, "/?need=food-insecurity&latitude=25.7617&longitude=-80.1918&radius_km=60&per_page=1")
	if !strings.Contains(body, "3 services near the place given") || !strings.Contains(body, "Showing 1–1 of 3") {
		t.Errorf("first page: %s", body)
	}
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no next link")
	}
	link, _ := url.Parse(strings.ReplaceAll(next[1], "&amp;", "&"))
	for k, v := range map[string]string{"need": "food-insecurity", "latitude": "25.7617", "radius_km": "60", "per_page": "1", "page": "2"} {
		if link.Query().Get(k) != v {
			t.Errorf("next link %s: %s is %q, want %q", link, k, link.Query().Get(k), v)
		}
	}
	_, body = ts.page(t, link.String())
	if !strings.Contains(body, "Showing 2–2 of 3") || !strings.Contains(body, `rel="prev"`) || !strings.Contains(body, `rel="next"`) {
		t.Errorf("second page lacks its place or its links")
	}
	// Facets narrow: the language link keeps the search and adds language.
	m := regexp.MustCompile(`<a class="facet" href="([^"]+)"><span class="facet-label">Spanish</span> <span class="count">2</span>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no Spanish facet with a count of 2")
	}
	link, _ = url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	if link.Query().Get("language") != "Spanish" || link.Query().Get("need") != "food-insecurity" || link.Query().Get("page") != "" {
		t.Errorf("facet link %s", link)
	}
	_, body = ts.page(t, link.String())
	if !strings.Contains(body, "2 services near") || !strings.Contains(body, `aria-label="Remove filter Spanish"`) {
		t.Errorf("narrowed page: no 2 results or no way back")
	}
}

func TestWebSearchBadInput(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	status, body := ts.page(t, "/?postcode=00000&radius_km=0&age=old&q=food")
	if status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", status)
	}
	for _, want := range []string{
		`ZIP code &#34;00000&#34; is not a US ZIP code we know`,
		`Distance is 0; it must be more than 0`,
		`Age is &#34;old&#34;, not a number`,
		`id="err-postcode"`, `aria-describedby="err-postcode"`, `aria-invalid="true"`,
		`value="food"`, // what was typed stays
		`role="alert"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, `class="results"`) {
		t.Error("bad input shows results")
	}
	// Everything the API refuses, the page refuses with 400 and a message,
	// never a 500.
	for _, q := range []string{"latitude=91&longitude=-80", "latitude=25", "page=0", "per_page=101", "sort=popularity",
		"sort=distance", "need=hunger", "open_now=maybe", "free=yes", "include_virtual=2", "at=tomorrow",
		"radius_km=ten&postcode=33130", "q=" + strings.Repeat("x", 501), "latitude=NaN&longitude=0"} {
		status, body := ts.page(t, "/?"+q)
		if status != http.StatusBadRequest || !strings.Contains(body, `class="error-summary"`) {
			t.Errorf("/?%s: %d, want 400 with messages", q, status)
		}
	}
}

func TestWebEscapesHostileText(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	const evil = `<script>alert(1)</script>`
	fixture.Put(t, ts.Store,
		&resources.Organization{ID: "org-evil", Name: evil, Description: evil},
		&resources.Service{ID: "s-evil", OrganizationID: "org-evil", Name: evil, Status: "active",
			Description: `"><img src=x onerror=alert(2)>`, EligibilityDescription: evil, URL: "javascript:alert(3)",
			Phones:            []resources.Phone{{ID: "pe", Number: `"><script>alert(4)</script>`}},
			RequiredDocuments: []resources.RequiredDocument{{ID: "de", Document: evil}},
			Attributes:        []resources.Attribute{{ID: "ae", TaxonomyTermID: "t-pantry", LinkType: "service"}}},
	)
	if err := ts.Index.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		"/?q=alert",
		"/services/s-evil",
		"/print?ids=s-evil",
		"/?q=" + url.QueryEscape(`"><script>alert(5)</script>`),
		"/?language=" + url.QueryEscape(evil) + "&radius_km=" + url.QueryEscape(`"><b>`),
	} {
		_, body := ts.page(t, path) // page fails on any <script
		if strings.Contains(body, "<img") || strings.Contains(body, "javascript:") || strings.Contains(body, `"><b>`) {
			t.Errorf("GET %s: hostile text reached the page unescaped", path)
		}
		if path == "/services/s-evil" && !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("GET %s: the name is not shown escaped", path)
		}
	}
}

func TestWebServiceDetail(t *testing.T) {
	ts := startServer(t, seedWeb, webClock)
	status, body := ts.page(t, "/services/s-clinic")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{
		"<h1", "Walk-in Clinic", "Community Action Agency",
		"<p>Primary care for adults.</p>", "<p>No appointment needed.</p>",
		"Adults 18 and older who live in Miami-Dade County", "Ages 18 and up",
		"Walk in before 15:00.", "<li>Photo ID</li>", "<li>Proof of address</li>",
		"<li>Sliding scale</li>", "<li>Uninsured: free</li>",
		`href="tel:3055550100,4"`, "(305) 555-0100 ext. 4", "voice",
		"Haitian Creole", "Serves: Miami-Dade County",
		"l-hialeah St", "Miami, FL 33130",
		"Mon–Fri 8 AM–4 PM", "Closed Dec 25, 2026: Christmas",
		"Open now · until 4 PM",
		`Last verified <time datetime="2026-10-01">Oct 1, 2026</time>`,
		"Last changed", "Food Pantries", "Food insecurity",
		`<input type="hidden" name="ids" value="sal-clinic">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the detail page lacks %q", want)
		}
	}
	// Results link phones for dialling, and shorten eligibility.
	_, body = ts.page(t, "/?q=clinic")
	for _, want := range []string{`<a class="phone" href="tel:3055550100">(305) 555-0100</a>`, "Ages 18 and up. Adults 18 and older who live in Miami-Dade County"} {
		if !strings.Contains(body, want) {
			t.Errorf("the result lacks %q", want)
		}
	}
	// A service at two places shows both.
	_, body = ts.page(t, "/services/s-pantry")
	if !strings.Contains(body, "l-downtown St") || !strings.Contains(body, "l-homestead St") {
		t.Error("s-pantry: not every site shown")
	}
	// An unknown id is a page that says so.
	status, body = ts.page(t, "/services/no-such-service")
	if status != http.StatusNotFound || !strings.Contains(body, "<h1>Not found</h1>") {
		t.Errorf("unknown service: %d", status)
	}
	// The API keeps its JSON errors.
	var e struct{ Error struct{ Code string } }
	if status := ts.getJSON(t, "/api/v1/nothing", &e); status != 404 || e.Error.Code != "not_found" {
		t.Errorf("API 404: %d %+v", status, e)
	}
}

func TestWebPrintList(t *testing.T) {
	ts := startServer(t, seedWeb, webClock)
	status, body := ts.page(t, "/print?ids=sal-clinic&ids=s-hotline&ids=gone-for-good&ids=sal-clinic")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{
		"Services for you", "November 27, 2026",
		"Walk-in Clinic", "l-hialeah St", "(305) 555-0100 ext. 4", "Mon–Fri 8 AM–4 PM",
		"What to bring", "<li>Photo ID</li>",
		"Food Helpline", "Hours not listed",
		"No longer listed", "gone-for-good",
		"/static/refer.css?v=",
		// The list's own address, to send.
		"/print?ids=sal-clinic%2Cs-hotline%2Cgone-for-good&amp;lang=en</span>",
		`href="mailto:?body=The%20services%20we%20talked%20about%3A%20http%3A%2F%2F`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the print list lacks %q", want)
		}
	}
	if n := strings.Count(body, `class="print-item"`); n != 3 {
		t.Errorf("%d items, want 3 (a repeated id once)", n)
	}
	if strings.Contains(body, `class="site"`) || strings.Contains(body, "<form") {
		t.Error("the print list carries the site's navigation or forms")
	}
	// The map: the clinic (first on the list) is pin 1; the helpline
	// (second) has no place, and the map says one service is not on it.
	if !strings.Contains(body, `<svg class="map-svg"`) || strings.Count(body, `class="map-pin"`) != 1 ||
		!strings.Contains(body, `font-weight="700" fill="#fff">1</text>`) || !strings.Contains(body, "1 of the services have no place on the map") {
		t.Errorf("the print list's map does not match the list:\n%s", body)
	}
	if _, body := ts.page(t, "/print?ids=s-hotline"); strings.Contains(body, "map-svg") {
		t.Error("a list with no service at a place draws an empty map")
	}
	// Ids may come comma-separated too.
	if _, body := ts.page(t, "/print?ids=sal-clinic,s-hotline"); strings.Count(body, `class="print-item"`) != 2 {
		t.Error("comma-separated ids")
	}
	// Too many is refused with a page, not a 500.
	ids := make([]string, 51)
	for i := range ids {
		ids[i] = fmt.Sprint("id", i)
	}
	if status, _ := ts.page(t, "/print?ids="+strings.Join(ids, ",")); status != http.StatusBadRequest {
		t.Errorf("51 ids: %d, want 400", status)
	}
	// The style sheet is served, with print rules.
	resp, css := ts.do(t, http.MethodGet, "/static/refer.css", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(string(css), "@media print") {
		t.Errorf("style sheet: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestWebPagesFitOpenAPI checks the pages' answers against their part of
// the served OpenAPI document.
func TestWebPagesFitOpenAPI(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	doc := loadOpenAPI(t, ts)
	doc.Servers = openapi3.Servers{{URL: ts.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	// The pages' bodies are text to the validator, as text/plain is.
	for _, ct := range []string{"text/html", "text/css", "image/svg+xml"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.PlainBodyDecoder)
	}
	ctx := context.Background()
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/", 200},
		{"/?q=food&postcode=33125&need=food-insecurity&open_now=true", 200},
		{"/?page=0", 400},
		{"/services/s-pantry", 200},
		{"/services/nope", 404},
		{"/print?ids=sal-pantry-downtown&ids=gone", 200},
		{"/static/refer.css", 200},
		{"/static/favicon.svg", 200},
	} {
		resp, raw := ts.do(t, http.MethodGet, tt.path, "")
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.path, resp.StatusCode, tt.status)
			continue
		}
		req, _ := http.NewRequest(http.MethodGet, ts.URL+tt.path, nil)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s: not in the document: %v", tt.path, err)
			continue
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
		if tt.status < 300 {
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("%s: the request does not fit the document: %v", tt.path, err)
			}
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Body: io.NopCloser(bytes.NewReader(raw)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("%s: the answer (%d) does not fit the document: %v", tt.path, resp.StatusCode, err)
		}
	}
}

// TestPagesInSpanish: the search page, a service and the printed list in
// Spanish, with Spanish dates, 12-hour times and miles.
func TestPagesInSpanish(t *testing.T) {
	ts := startServer(t, seedWeb, webClock)
	v := ts.visitor(t)
	v.header.Set("Accept-Language", "es-US,es;q=0.9")
	_, body := v.get(t, "/?need=food-insecurity&postcode=33125&include_virtual=false&at="+url.QueryEscape("2026-11-27T10:00:00-05:00"))
	for _, want := range []string{`<html lang="es">`, "2 servicios cerca del código postal 33125", "Abierto ahora · hasta las 5 p. m.", "Falta de alimentos", "Agregar a la lista", " mi</strong>"} {
		if !strings.Contains(body, want) {
			t.Errorf("Spanish search page lacks %q", want)
		}
	}
	_, body = v.get(t, "/services/s-clinic")
	for _, want := range []string{"lun–vie 8 a. m.–4 p. m.", "Cerrado el 25 dic 2026: Christmas", "Verificado el <time datetime=\"2026-10-01\">1 oct 2026</time>", "Desde 18 años", "Ver cómo llegar"} {
		if !strings.Contains(body, want) {
			t.Errorf("Spanish service page lacks %q", want)
		}
	}
	_, body = v.get(t, "/print?ids=sal-clinic")
	for _, want := range []string{`<html lang="es">`, "Servicios para usted", "27 de noviembre de 2026", "Llame antes de ir", "lun–vie 8 a. m.–4 p. m."} {
		if !strings.Contains(body, want) {
			t.Errorf("Spanish print list lacks %q", want)
		}
	}
	for _, english := range []string{"Open now", "Add to list", "Who can use it", "Hours"} {
		if strings.Contains(body, english) {
			t.Errorf("the Spanish print list says %q", english)
		}
	}
}

// TestWebPlaceBox reads a city, a misspelt city and an unknown place in
// the place box, from the directory's own site addresses.
func TestWebPlaceBox(t *testing.T) {
	ts := startServer(t, seedWeb)
	if status, body := ts.page(t, "/"); status != 200 || !strings.Contains(body, `value="Miami, FL"`) || !strings.Contains(body, "Directory: ") {
		t.Errorf("the place box does not start at the directory's city: %d", status)
	}
	status, body := ts.page(t, "/?q=food&postcode="+url.QueryEscape("miami, fl"))
	if status != 200 || !strings.Contains(body, "Downtown Food Pantry") || !strings.Contains(body, "near Miami, FL") {
		t.Errorf("a city in the place box: %d", status)
	}
	if !strings.Contains(body, `<svg class="map-svg"`) || !strings.Contains(body, `class="map-pin"`) || !strings.Contains(body, `id="map-title"`) {
		t.Errorf("the results have no map")
	}
	status, body = ts.page(t, "/?q=food&postcode=Miam")
	if status != 200 || !strings.Contains(body, "did-you-mean") || !strings.Contains(body, "Miami, FL</a>") {
		t.Errorf("a misspelt city has no did-you-mean: %d", status)
	}
	status, body = ts.page(t, "/?q=food&postcode=Springfield")
	if status != 400 || !strings.Contains(body, `id="err-postcode"`) || !strings.Contains(body, "The directory covers Miami, FL") {
		t.Errorf("an unknown place: %d", status)
	}
	status, body = ts.page(t, "/?q=food&include_virtual=false&postcode=94063")
	if status != 200 || !strings.Contains(body, "The directory covers Miami, FL") {
		t.Errorf("a far ZIP does not say where the directory is: %d", status)
	}
}

// TestWarmPlaces: the table of places that refer serve reads as it starts
// is the one the first search page uses (the page does not read the store
// again): a service added after the warm-up is not counted on the first
// page, as the table is refreshed only once it is old; without the
// warm-up, the first page reads the table itself and counts it.
func TestWarmPlaces(t *testing.T) {
	note := regexp.MustCompile(`Directory: (\d+) services`)
	firstPage := func(warm bool) string {
		ts := startServer(t, seedWeb, webClock)
		if warm {
			ts.Pages.WarmPlaces(context.Background())
		}
		fixture.Put(t, ts.Store, &resources.Service{ID: "s-late", OrganizationID: "org", Name: "Late Service", Status: "active"})
		_, page := ts.page(t, "/?lang=en")
		m := note.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the search page does not say how many services the directory holds")
		}
		return m[1]
	}
	warmed, cold := firstPage(true), firstPage(false)
	if warmed == cold {
		t.Errorf("the first page counted %s services after a warm-up and %s without: it read the table itself", warmed, cold)
	}
}
