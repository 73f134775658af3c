package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// page fetches a page (following redirects) and returns its body.
func page(tb testing.TB, u string) string {
	tb.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %d\n%s", u, resp.StatusCode, b)
	}
	return string(b)
}

func servicesIn(tb testing.TB, dir string) int {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	n, err := db.Count(context.Background(), resources.KindService)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestServeSyntheticSample: refer serve --sample synthetic (what make run
// serves) loads 1,000 made-up services around Miami into an empty store,
// and every page a newcomer lands on says so, in their language, the
// printed list included; a search there finds services on the map with
// directions. A restart keeps the sample and still names it; a store that
// holds another directory is neither replaced nor called made up.
func TestServeSyntheticSample(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, "--data", dir, "--sample", "synthetic", "--insecure-no-secret-key")
	waitReady(t, srv.base)
	const note = "Made-up sample directory: 1,000 synthetic services around Miami, FL, made by refer gen --services 1000 --seed 1 --metro Miami. None of them is real"
	search := page(t, srv.base+"/?need=food-insecurity&postcode=33130")
	for _, p := range []struct{ name, body string }{
		{"the search page", search},
		{"the match page (sign-in first)", page(t, srv.base+"/match")},
		{"a service's page", page(t, srv.base+"/services/"+firstService(t, search))},
	} {
		if !strings.Contains(p.body, note) {
			t.Errorf("%s does not say the directory is made up", p.name)
		}
	}
	if !strings.Contains(search, `class="map-pin"`) || !strings.Contains(search, `class="directions"`) || strings.Count(search, `class="result"`) < 5 {
		t.Errorf("a search for food at 33130 shows too little of the sample: %d results", strings.Count(search, `class="result"`))
	}
	if es := page(t, srv.base+"/?lang=es"); !strings.Contains(es, "Directorio de ejemplo inventado: 1,000 servicios sintéticos") {
		t.Error("the Spanish search page does not say the directory is made up")
	}
	ids := regexp.MustCompile(`name="ids" value="([^"]+)"`).FindAllStringSubmatch(search, 3)
	if len(ids) == 0 {
		t.Fatal("no result to print")
	}
	if printed := page(t, srv.base+"/print?ids="+url.QueryEscape(ids[0][1])); !strings.Contains(printed, note) {
		t.Error("the printed list does not say its services are made up")
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	if n := servicesIn(t, dir); n != 1000 {
		t.Fatalf("the store holds %d services after the first start", n)
	}

	// A restart: the sample is not loaded twice, and is still named.
	srv = startServe(t, "--data", dir, "--sample", "synthetic", "--insecure-no-secret-key")
	waitReady(t, srv.base)
	if !strings.Contains(page(t, srv.base+"/"), note) {
		t.Error("after a restart the pages no longer name the sample")
	}
	srv.stop(t)
	if n := servicesIn(t, dir); n != 1000 {
		t.Errorf("the store holds %d services after a restart", n)
	}

	// Another directory (San Mateo's, real) stays, and is not called made up.
	other := t.TempDir()
	srv = startServe(t, "--data", other, "--load-sample", "--insecure-no-secret-key")
	srv.stop(t)
	srv = startServe(t, "--data", other, "--sample", "synthetic", "--insecure-no-secret-key")
	waitReady(t, srv.base)
	if body := page(t, srv.base+"/"); strings.Contains(body, "Made-up") || !strings.Contains(body, "Directory: 19 services") {
		t.Error("a real directory is called made up, or not named")
	}
	srv.stop(t)
	if n := servicesIn(t, other); n != sampleServices {
		t.Errorf("the synthetic sample was loaded over another directory: %d services", n)
	}

	for _, args := range [][]string{{"--sample", "bogus"}, {"--load-sample", "--sample", "synthetic"}} {
		if code, _, errs := run(t, append([]string{"serve", "--data", t.TempDir()}, args...)...); code != 2 || !strings.Contains(errs, "--sample") {
			t.Errorf("serve %v: exit %d, %q", args, code, errs)
		}
	}
}

// firstService is the first result's service id on a search page.
func firstService(tb testing.TB, body string) string {
	tb.Helper()
	m := regexp.MustCompile(`href="/services/([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		tb.Fatal("no result on the search page")
	}
	return m[1]
}
