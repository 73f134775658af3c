package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
)

// TestErrorPagesSpeakTheVisitorsLanguage: every error page a person meets
// has its title and message in the page's language, chosen as every page
// chooses it; what the directory said in its own words is a detail,
// marked as English.
func TestErrorPagesSpeakTheVisitorsLanguage(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	ids := make([]string, 51)
	for i := range ids {
		ids[i] = fmt.Sprint("id", i)
	}
	tooMany := "/print?ids=" + strings.Join(ids, ",")
	es := ts.visitor(t)
	if resp, _ := es.get(t, "/?lang=es"); resp.StatusCode != http.StatusOK {
		t.Fatalf("/?lang=es: %d", resp.StatusCode)
	}
	en := ts.visitor(t)
	big := url.Values{"email": {strings.Repeat("x", 2<<20)}}
	for _, c := range []struct {
		who    *visitor
		method string
		path   string
		form   url.Values
		status int
		want   []string
	}{
		{es, http.MethodGet, tooMany, nil, http.StatusBadRequest,
			[]string{`<html lang="es">`, "La dirección de esta página tiene un error", "Revise la dirección",
				"Lo que dijo el directorio (en inglés):", `<span lang="en">ids has 51 values`}},
		{en, http.MethodGet, tooMany, nil, http.StatusBadRequest,
			[]string{`<html lang="en">`, "This page&#39;s address has a mistake", "Check the address", "What the directory said:"}},
		{es, http.MethodGet, "/services/nope", nil, http.StatusNotFound, []string{`<html lang="es">`, "No se encontró"}},
		{es, http.MethodGet, "/nope/nope", nil, http.StatusNotFound, []string{`<html lang="es">`, "No se encontró"}},
		{es, http.MethodPost, "/signin", big, http.StatusRequestEntityTooLarge, []string{`<html lang="es">`, "Lo enviado es demasiado grande"}},
		{en, http.MethodPost, "/signin", big, http.StatusRequestEntityTooLarge, []string{"What was sent is too large"}},
	} {
		resp, body := c.who.send(t, c.method, c.path, c.form)
		if resp.StatusCode != c.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s %.40s: %d %s, want %d as a page", c.method, c.path, resp.StatusCode, resp.Header.Get("Content-Type"), c.status)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s %.40s lacks %q", c.method, c.path, w)
			}
		}
	}
}

// TestFieldErrorsInSpanish: what the search and match rules say is wrong
// with a field reaches a Spanish page in Spanish, with what was typed.
func TestFieldErrorsInSpanish(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	es := ts.visitor(t)
	es.get(t, "/?lang=es")
	summary := regexp.MustCompile(`(?s)<div class="error-summary".*?</ul>`)
	english := regexp.MustCompile(`\b(is|must|not a|characters|values|given together|which needs|we know)\b`)
	for q, want := range map[string]string{
		"postcode=00000&q=food":         "&#34;00000&#34; no es un código postal de EE. UU. que conozcamos",
		"radius_km=0&postcode=33130":    "es 0; debe ser mayor que 0",
		"age=old":                       "es &#34;old&#34;, que no es un número",
		"latitude=91&longitude=-80":     "es 91; debe estar entre -90 y 90",
		"latitude=25":                   "la latitud y la longitud deben darse juntas",
		"page=0":                        "es 0; debe estar entre 1 y",
		"sort=popularity":               "es &#34;popularity&#34;; use uno de estos",
		"sort=distance":                 "es por distancia, que necesita un lugar",
		"need=hunger":                   "&#34;hunger&#34; no es una necesidad que el directorio conozca",
		"open_now=maybe":                "es &#34;maybe&#34;; use true o false",
		"at=tomorrow":                   "es &#34;tomorrow&#34;; use una fecha y hora",
		"q=" + strings.Repeat("x", 501): "tiene 501 caracteres, más que el límite de 500 para una búsqueda",
		"q=" + strings.Repeat("y", 70):  "la palabra &#34;yyyy",
	} {
		resp, page := es.get(t, "/?"+q)
		box := summary.FindString(page)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(box, want) {
			t.Errorf("/?%.40s: %d, the errors %q lack %q", q, resp.StatusCode, box, want)
		}
		if english.MatchString(strings.ReplaceAll(box, "&#34;", `"`)) {
			t.Errorf("/?%.40s: English in the Spanish errors: %q", q, box)
		}
	}
}
