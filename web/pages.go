// Package web is refer's face for people: the web pages for case managers
// and organization staff, drawn on the server. The API's server (package
// api) serves them beside the API, behind the same middleware.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/finder"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/people"
	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources"
)

// The web pages for case managers: search (GET /), a service's detail
// (GET /services/{id}) and a printable list for the client (GET /print).
// They are rendered on the server with html/template and need no script:
// the server's Content-Security-Policy forbids inline script and style, so
// the only style is static/refer.css.

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// openAPI documents the pages (GET /, /services/{id}, /print, /static/…);
// the server joins it to the API's document.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI is the pages' part of the OpenAPI document (api.Pages).
func (s *Pages) OpenAPI() []byte { return openAPI }

// staticFS is the static folder itself.
var staticFS = func() fs.FS {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err)
	}
	return sub
}()

// pageFiles are the templates of each page, drawn in the layout unless
// the page is the printed list.
var pageFiles = map[string][]string{
	"search":              {"layout.html", "search.html", "map.html"},
	"service":             {"layout.html", "service.html"},
	"error":               {"layout.html", "error.html"},
	"signin":              {"layout.html", "signin.html"},
	"setpassword":         {"layout.html", "setpassword.html"},
	"account":             {"layout.html", "account.html"},
	"admin":               {"layout.html", "admin.html"},
	"match":               {"layout.html", "match.html"},
	"list":                {"layout.html", "list.html"},
	"org":                 {"layout.html", "org.html"},
	"hours":               {"layout.html", "hours.html"},
	"refer":               {"layout.html", "referral_new.html"},
	"referrals":           {"layout.html", "referral_parts.html", "referrals.html"},
	"inbox":               {"layout.html", "referral_parts.html", "referral_inbox.html"},
	"referral":            {"layout.html", "referral.html"},
	"orgedit_org":         {"layout.html", "orgedit_org.html"},
	"orgedit_service":     {"layout.html", "orgedit_service.html"},
	"orgedit_unconfirmed": {"layout.html", "orgedit_unconfirmed.html"},
	"capacity":            {"layout.html", "capacity.html"},
	"sites":               {"layout.html", "sites.html"},
	"site":                {"layout.html", "site.html"},
	"phones":              {"layout.html", "phones.html"},
	"print":               {"print.html", "map.html"},
}

// webPages are the parsed templates, one set per language and page: each
// language's set reads its own catalog through "t".
var webPages = func() map[string]map[string]*template.Template {
	out := map[string]map[string]*template.Template{}
	for code, l := range locales {
		out[code] = map[string]*template.Template{}
		funcs := template.FuncMap{"t": l.T, "km": l.Km, "miles": l.Miles,
			"capacity": func(v resources.CapacityView) *capacityWords { return capacityText(l, v) }}
		for page, files := range pageFiles {
			paths := []string{"templates/parts.html"}
			for _, f := range files {
				paths = append(paths, "templates/"+f)
			}
			out[code][page] = template.Must(template.New(files[0]).Funcs(webFuncs).Funcs(funcs).ParseFS(templateFiles, paths...))
		}
	}
	return out
}()

// cssVersion changes with the style sheet, so browsers may keep it long.
var cssVersion = func() string {
	b, err := fs.ReadFile(staticFS, "refer.css")
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}()

var webFuncs = template.FuncMap{
	"css":  func() string { return "/static/refer.css?v=" + cssVersion },
	"join": strings.Join,
	"list": func(s ...string) []string { return s },
	// deref reads an optional number or yes/no.
	"deref": func(p any) any {
		switch p := p.(type) {
		case *float64:
			return *p
		case *bool:
			return *p
		}
		return p
	},
	// paragraphs splits text at blank lines.
	"paragraphs": func(text string) []string {
		var out []string
		for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	},
	// args passes a page's field errors and a field's name to "fieldError".
	"args": func(fieldErr map[string]string, name string) fieldArgs { return fieldArgs{fieldErr, name} },
}

type fieldArgs struct {
	FieldErr map[string]string
	Name     string
}

// Config is what the pages need.
type Config struct {
	Store      resources.Store
	Index      *index.Index
	Vocabulary *matcher.Vocabulary
	Logger     *slog.Logger
	// Accounts are the people who sign in; without them no one can.
	Accounts *people.Accounts
	// Keys are the API keys an admin makes on the admin page.
	Keys resources.KeyStore
	// BaseURL is where people reach the server ("https://refer.example.org");
	// cookies are Secure when it is https.
	BaseURL string
	// Mail is the SMTP server that sends lists to clients.
	Mail MailConfig
	// Closed asks people to sign in before they read the directory
	// (refer serve --public-read=false).
	Closed bool
	// Now is the pages' clock; nil means time.Now.
	Now func() time.Time
	// Referrals makes and follows referrals; without it the pages offer
	// none.
	Referrals *referrals.Referrals
	// Sample says the directory is a sample (refer serve --sample), which
	// every page then says; zero for a real directory.
	Sample Sample
}

// Sample is a sample directory as the pages name it.
type Sample struct {
	// Source is where its records come from: the bundled sample's origin
	// and licence, or the command that made a synthetic one.
	Source string
	// Synthetic says its records are made up: no service in it is real.
	Synthetic bool
}

// Pages are the web pages, served by api.Server (api.Config.Pages).
type Pages struct {
	store    resources.Store
	index    *index.Index
	vocab    *matcher.Vocabulary
	log      *slog.Logger
	accounts *people.Accounts
	keys     resources.KeyStore
	matcher  *matcher.Matcher
	visits   *visits
	mail     MailConfig
	secure   bool
	closed   bool
	now      func() time.Time
	refs     *referrals.Referrals
	// sample is Config.Sample; placeTable the directory's places.
	sample     Sample
	placeTable *placeTable
}

// New returns the pages over cfg's directory.
func New(cfg Config) *Pages {
	p := &Pages{store: cfg.Store, index: cfg.Index, vocab: cfg.Vocabulary, log: cfg.Logger, now: cfg.Now,
		accounts: cfg.Accounts, keys: cfg.Keys, mail: cfg.Mail, secure: strings.HasPrefix(cfg.BaseURL, "https://"), closed: cfg.Closed,
		refs: cfg.Referrals, sample: cfg.Sample, placeTable: &placeTable{}}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Index != nil {
		p.matcher = &matcher.Matcher{Vocab: cfg.Vocabulary, Finder: finder.New(cfg.Index)}
	}
	if p.now == nil {
		p.now = time.Now
	}
	p.visits = newVisits(p.now)
	return p
}

// Routes registers the pages on e (api.Pages). Every page but the static
// files goes through the CSRF check.
func (s *Pages) Routes(e *echo.Echo) {
	// Route by route, not an Echo group: a group's middleware would also
	// run for every path nothing serves (Echo adds a catch-all for it),
	// the API's among them.
	g := router{e: e, mw: []echo.MiddlewareFunc{s.csrf}}
	// The directory's pages: open to all unless the directory is closed.
	var gate []echo.MiddlewareFunc
	if s.closed {
		gate = append(gate, s.requireRole(resources.PersonRoles...))
	}
	g.GET("/", s.html(s.searchPage), gate...)
	g.GET("/services/:id", s.html(s.servicePage), gate...)
	g.GET("/print", s.html(s.printPage), gate...)
	s.listRoutes(g.with(gate...))
	if s.accounts != nil {
		s.accountRoutes(g)
		s.adminRoutes(g)
		s.matchRoutes(g)
		s.orgRoutes(g)
		s.referralRoutes(g)
	}
	// One route per file, so every path served is a real one.
	files, _ := fs.ReadDir(staticFS, ".")
	for _, f := range files {
		e.GET("/static/"+f.Name(), s.static(f.Name()))
	}
}

// router registers pages with the middleware every page has.
type router struct {
	e  *echo.Echo
	mw []echo.MiddlewareFunc
}

func (r router) GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.e.GET(path, h, slices.Concat(r.mw, m)...)
}

func (r router) POST(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.e.POST(path, h, slices.Concat(r.mw, m)...)
}

// with is the router with more middleware after its own.
func (r router) with(m ...echo.MiddlewareFunc) router {
	return router{e: r.e, mw: slices.Concat(r.mw, m)}
}

// pageError is an error page of its own: a status, and the catalog keys
// of its title and message.
type pageError struct {
	status         int
	title, message string
}

func (e *pageError) Error() string { return e.title }

// html turns a page handler's errors into HTML pages rather than the API's
// JSON: a person is reading.
func (s *Pages) html(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := h(c)
		if err == nil || c.Response().Committed {
			return err
		}
		return s.ErrorPage(c, err)
	}
}

// statusPages are the catalog keys (error.KEY.title, error.KEY.message)
// of the page for each status a person may meet; any other is drawn as
// the nearest: a 4xx as a mistake in the address, a 5xx as ours.
var statusPages = map[int]string{
	http.StatusBadRequest:            "bad_address",
	http.StatusUnauthorized:          "signin",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "notfound",
	http.StatusMethodNotAllowed:      "notfound",
	http.StatusConflict:              "conflict",
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusTooManyRequests:       "too_many",
	http.StatusServiceUnavailable:    "unavailable",
	http.StatusInsufficientStorage:   "storage_full",
	http.StatusInternalServerError:   "internal",
}

// ErrorPage draws err as a page for people, in their language: a title
// and a message from the catalog for its status, and where the directory
// said what was wrong (a parameter, a field), those words as a detail.
func (s *Pages) ErrorPage(c echo.Context, err error) error {
	l := s.locale(c)
	status, detail := http.StatusInternalServerError, ""
	var he *echo.HTTPError
	var pe *pageError
	switch {
	case errors.As(err, &pe):
		v := &errorPage{Message: l.T(pe.message)}
		v.Title = l.T(pe.title)
		return s.render(c, pe.status, "error", v)
	case err == errBadForm:
		v := &errorPage{Message: l.T("error.form.message")}
		v.Title = l.T("error.form.title")
		return s.render(c, http.StatusForbidden, "error", v)
	case errors.As(err, &he):
		status = he.Code
	case resources.ErrorCode(err) != resources.EINTERNAL:
		status = api.StatusOf(resources.ErrorCode(err))
		detail = resources.ErrorMessage(err)
		if fields := resources.ErrorFields(err); len(fields) > 0 {
			var parts []string
			for name, why := range fields {
				parts = append(parts, name+" "+why)
			}
			slices.Sort(parts)
			detail = strings.Join(parts, "; ") + "."
		}
	}
	key, ok := statusPages[status]
	switch {
	case status >= 500 || status == 0:
		if status != http.StatusServiceUnavailable && status != http.StatusInsufficientStorage {
			s.log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
			status, key, detail = http.StatusInternalServerError, "internal", ""
		}
	case !ok:
		key = "bad_address"
	}
	if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
		detail = "" // "there is no service x" says no more than the page
	}
	v := &errorPage{Message: l.T("error." + key + ".message"), Detail: detail}
	v.Title = l.T("error." + key + ".title")
	return s.render(c, status, "error", v)
}

type errorPage struct {
	chrome
	Message string
	// Detail is what the directory said was wrong, in its own (English)
	// words, for whoever fixes the address or the form.
	Detail string
}

// chrome is what every page's layout shows beside the page itself: the
// language and its switch, who is signed in, the form token, the menu.
type chrome struct {
	Title  string
	Lang   string
	L      *locale
	Person *resources.Person
	CSRF   string
	Langs  []langLink
	Nav    []navLink
	// CanRefer says the person may refer a client (the pages show "Refer").
	CanRefer bool
	// Directory says what directory is loaded, on every page a newcomer
	// may land on; IsSample that it is a sample (the printed list says so
	// too, so that a made-up service is never handed to a client).
	Directory string
	IsSample  bool
}

func (c *chrome) frame() *chrome { return c }

type framed interface{ frame() *chrome }

type navLink struct {
	Href, Label string
	Current     bool
}

// nav is the menu of what the person may do; refs says referrals are on.
func nav(c echo.Context, p *resources.Person, l *locale, refs bool) []navLink {
	links := []navLink{{Href: "/", Label: l.T("nav.search")}}
	if p != nil && (p.Role == resources.RoleAdmin || p.Role == resources.RoleCaseManager) {
		links = append(links, navLink{Href: "/match", Label: l.T("nav.match")})
	}
	links = append(links, navLink{Href: "/list", Label: l.T("nav.list")})
	if p != nil && p.Role == resources.RoleOrgStaff {
		links = append(links, navLink{Href: "/org", Label: l.T("nav.org")})
	}
	if refs {
		links = append(links, referralNav(p, l)...)
	}
	if p != nil && p.Role == resources.RoleAdmin {
		links = append(links, navLink{Href: "/admin", Label: l.T("nav.admin")})
	}
	if p != nil {
		links = append(links, navLink{Href: "/account", Label: l.T("nav.account")})
	}
	path := c.Request().URL.Path
	for i := range links {
		links[i].Current = links[i].Href == path
	}
	return links
}

// locale is the request's language, chosen once.
func (s *Pages) locale(c echo.Context) *locale {
	if l, ok := c.Get(localeKey).(*locale); ok {
		return l
	}
	l := chooseLocale(c, s.secure)
	c.Set(localeKey, l)
	return l
}

// render draws a page into a buffer first, so a template error is a 500
// and never half a page.
func (s *Pages) render(c echo.Context, status int, page string, data framed) error {
	f := data.frame()
	l := s.locale(c)
	f.L, f.Lang = l, l.Lang
	f.Person = signedIn(c)
	f.CSRF, _ = c.Get(csrfKey).(string)
	f.Langs = otherLanguages(c, l)
	f.Nav = nav(c, f.Person, l, s.refs != nil)
	f.CanRefer = s.mayRefer(f.Person)
	f.Directory, f.IsSample = s.directoryNote(c.Request().Context(), l), s.sample.Source != ""
	var buf bytes.Buffer
	if err := webPages[l.Lang][page].Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set("Content-Language", l.Lang)
	h.Add(echo.HeaderVary, "Accept-Language, Cookie")
	return c.HTMLBlob(status, buf.Bytes())
}

// static serves one embedded file: the style sheet or the icon. Pages ask
// for the style sheet with its version (?v=), so browsers may keep it a day.
func (s *Pages) static(name string) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=86400")
		http.ServeFileFS(c.Response(), c.Request(), staticFS, name)
		return nil
	}
}

// splitList reads a list parameter: its values, each split at commas,
// blanks left out.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// dateView is a day as pages show it, with its ISO form for <time>.
type dateView struct {
	ISO, Text string
	// Stale is true when the day is more than a year before today: a
	// listing not confirmed for that long needs a call before a visit.
	Stale bool
}

func newDateView(l *locale, iso string, today time.Time) *dateView {
	d, ok := resources.ParseDay(iso)
	if !ok {
		return nil
	}
	return &dateView{ISO: d.Format(time.DateOnly), Text: l.ShortDate(d), Stale: calendarDay(today).Sub(d) > 366*24*time.Hour}
}

// phoneLink is a phone number with a tel: link that keeps only what a
// dialler reads.
type phoneLink struct {
	Number string
	Href   template.URL
	Note   string
}

func newPhoneLink(number string, ext *float64, notes ...string) phoneLink {
	var b strings.Builder
	for i, r := range number {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	p := phoneLink{Number: strings.TrimSpace(number)}
	if ext != nil && *ext > 0 {
		p.Number += fmt.Sprintf(" ext. %.0f", *ext)
		b.WriteString(fmt.Sprintf(",%.0f", *ext))
	}
	if b.Len() > 0 {
		// Only digits, '+' and ',' are left, so the URL is safe.
		p.Href = template.URL("tel:" + b.String())
	}
	var ns []string
	for _, n := range notes {
		if n = strings.TrimSpace(n); n != "" {
			ns = append(ns, n)
		}
	}
	p.Note = strings.Join(ns, ", ")
	return p
}

// shorten cuts text to about n characters at a word: the API's own.
var shorten = api.Shorten

// agesWords says an age range: "Ages 18 and up", "Ages 5–17", "Ages 65 and under".
func agesWords(l *locale, minAge, maxAge *float64) string {
	switch {
	case minAge != nil && maxAge != nil:
		return l.T("ages.range", *minAge, *maxAge)
	case minAge != nil && *minAge > 0:
		return l.T("ages.min", *minAge)
	case maxAge != nil:
		return l.T("ages.max", *maxAge)
	}
	return ""
}
