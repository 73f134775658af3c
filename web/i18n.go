package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Every text a person reads is in a message catalog, messages/en.json and
// messages/es.json: a key and its text, with fmt verbs for what is filled
// in. Templates ask with the function t, Go code with locale.T. Numbers
// are written as the language writes them (golang.org/x/text/message);
// the US forms of both languages, as the directories are American (es-US
// writes 2.5 and 1,234 as en-US does).

//go:embed messages/*.json
var messageFiles embed.FS

// languages are the pages' languages, the first the default.
var languages = []struct {
	Code string // ?lang= and <html lang>
	Tag  language.Tag
	Name string // in its own language, for the switch
}{
	{"en", language.MustParse("en-US"), "English"},
	{"es", language.MustParse("es-US"), "Español"},
}

var (
	messages = catalog.NewBuilder()
	// messageKeys are the keys of the English catalog, which every other
	// catalog has too (a test holds them to it).
	messageKeys = map[string]bool{}
	langMatcher language.Matcher
	// locales are read from the catalogs before the templates are parsed
	// (a variable's initializer, not init, which runs after them).
	locales = loadLocales()
)

func loadLocales() map[string]*locale {
	locales := map[string]*locale{}
	var tags []language.Tag
	for _, l := range languages {
		b, err := messageFiles.ReadFile("messages/" + l.Code + ".json")
		if err != nil {
			panic(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("web: messages/%s.json: %v", l.Code, err))
		}
		for k, v := range m {
			if err := messages.SetString(l.Tag, k, v); err != nil {
				panic(fmt.Sprintf("web: messages/%s.json: %s: %v", l.Code, k, err))
			}
			if l.Code == "en" {
				messageKeys[k] = true
			}
		}
		tags = append(tags, l.Tag)
		locales[l.Code] = &locale{Lang: l.Code, Name: l.Name, p: message.NewPrinter(l.Tag, message.Catalog(messages))}
	}
	langMatcher = language.NewMatcher(tags)
	return locales
}

// locale is one language of the pages.
type locale struct {
	Lang string // "en", "es"
	Name string
	p    *message.Printer
}

// T is the text of key in this language, with args filled in. A key no
// catalog has comes back as itself, which the catalog test catches.
func (l *locale) T(key string, args ...any) string {
	return l.p.Sprintf(key, args...)
}

// Month is a month's name ("January", "enero").
func (l *locale) Month(m time.Month) string { return l.T(fmt.Sprintf("month.%d", m)) }

// Weekday is a day's name ("Monday", "lunes").
func (l *locale) Weekday(d time.Weekday) string { return l.T(fmt.Sprintf("weekday.%d", d)) }

// Date writes a day in full: "November 27, 2026", "27 de noviembre de 2026".
func (l *locale) Date(t time.Time) string {
	return l.T("date.long", l.Month(t.Month()), t.Day(), strconv.Itoa(t.Year())) // a year has no thousands separator
}

// ShortDate writes a day briefly: "Nov 27, 2026", "27 nov 2026".
func (l *locale) ShortDate(t time.Time) string {
	return l.T("date.short", l.T(fmt.Sprintf("month.short.%d", t.Month())), t.Day(), strconv.Itoa(t.Year()))
}

// Clock writes a time of day on the language's clock: "9 AM", "5:30 PM";
// "9 a. m.", "5:30 p. m." (US Spanish keeps the 12-hour clock).
func (l *locale) Clock(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 24 && m == 0 || h == 0 && m == 0:
		return l.T("clock.midnight")
	case h == 12 && m == 0:
		return l.T("clock.noon")
	}
	key := "clock.am"
	if h >= 12 {
		key = "clock.pm"
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	if m == 0 {
		return l.T(key, fmt.Sprint(h12))
	}
	return l.T(key, fmt.Sprintf("%d:%02d", h12, m))
}

// Miles writes a distance given in km in miles: "0.4 mi", "12 mi".
func (l *locale) Miles(km float64) string {
	mi := km / 1.609344
	if mi < 10 {
		return l.T("distance.mi.tenths", mi)
	}
	return l.T("distance.mi", mi)
}

// Km writes a distance in km: "0.4 km", "12 km".
func (l *locale) Km(km float64) string {
	if km < 10 {
		return l.T("distance.km.tenths", km)
	}
	return l.T("distance.km", km)
}

// langCookie remembers the language a person chose with ?lang=.
const langCookie = "refer_lang"

// chooseLocale picks the request's language: ?lang= (remembered in a
// cookie for a year), else the cookie, else Accept-Language, else English.
func chooseLocale(c echo.Context, secure bool) *locale {
	if code := c.QueryParam("lang"); locales[code] != nil {
		c.SetCookie(&http.Cookie{Name: langCookie, Value: code, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure})
		return locales[code]
	}
	if ck, err := c.Cookie(langCookie); err == nil && locales[ck.Value] != nil {
		return locales[ck.Value]
	}
	if h := c.Request().Header.Get("Accept-Language"); h != "" {
		tags, _, err := language.ParseAcceptLanguage(h)
		if err == nil && len(tags) > 0 {
			if _, i, conf := langMatcher.Match(tags...); conf != language.No {
				return locales[languages[i].Code]
			}
		}
	}
	return locales[languages[0].Code]
}

// otherLanguages are the links of the language switch: the same page in
// each other language.
func otherLanguages(c echo.Context, current *locale) []langLink {
	var out []langLink
	for _, l := range languages {
		if l.Code == current.Lang {
			continue
		}
		q := c.Request().URL.Query()
		q.Set("lang", l.Code)
		path := c.Request().URL.Path
		if c.Request().Method != http.MethodGet {
			path, q = "/", map[string][]string{"lang": {l.Code}}
		}
		out = append(out, langLink{Code: l.Code, Name: l.Name, Href: path + "?" + q.Encode()})
	}
	return out
}

type langLink struct{ Code, Name, Href string }
