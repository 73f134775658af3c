package web

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCatalogs holds the message catalogs to each other and to what asks
// them: the same keys in every language, the same things filled in, and
// every key a template or the code asks for there.
func TestCatalogs(t *testing.T) {
	read := func(code string) map[string]string {
		b, err := os.ReadFile(filepath.Join("messages", code+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	en := read("en")
	verbs := regexp.MustCompile(`%(\[\d\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z]`)
	kinds := func(s string) []string {
		var out []string
		for _, v := range verbs.FindAllString(s, -1) {
			out = append(out, v[len(v)-1:])
		}
		slices.Sort(out)
		return out
	}
	for _, l := range languages[1:] {
		other := read(l.Code)
		for k, v := range en {
			o, ok := other[k]
			switch {
			case !ok:
				t.Errorf("%s.json lacks %q", l.Code, k)
			case !slices.Equal(kinds(v), kinds(o)):
				t.Errorf("%s.json %q fills in %v, en.json %v", l.Code, k, kinds(o), kinds(v))
			}
		}
		for k := range other {
			if _, ok := en[k]; !ok {
				t.Errorf("%s.json has %q, which en.json has not", l.Code, k)
			}
		}
	}
	// Keys asked for by name in templates ({{t "key"}}) and code (.T("key")).
	asked := map[string]string{}
	for _, pattern := range []string{"templates/*.html", "*.go"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, _ := os.ReadFile(f)
			for _, m := range regexp.MustCompile(`(?:\bt |\.T\()"([a-z0-9_.-]+)"`).FindAllStringSubmatch(string(b), -1) {
				if !strings.HasSuffix(m[1], ".") { // a prefix, completed in code
					asked[m[1]] = f
				}
			}
		}
	}
	if len(asked) < 100 {
		t.Fatalf("found only %d keys asked for: the search for them is broken", len(asked))
	}
	for k, f := range asked {
		if _, ok := en[k]; !ok {
			t.Errorf("%s asks for %q, which no catalog has", f, k)
		}
	}
}
