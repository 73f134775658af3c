package web_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromium returns a Chromium or Chrome binary, or "" if there is none.
func chromium() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needChromium returns the browser's binary, or skips the test.
func needChromium(t *testing.T) string {
	t.Helper()
	bin := chromium()
	if bin == "" {
		t.Skip("no chromium binary (looked for /usr/bin/chromium, chromium, chromium-browser, google-chrome): " +
			"the browser test is skipped; apt-get install chromium to run it")
	}
	return bin
}

// browser starts headless Chromium (with the flags a closed network
// needs) and gathers every console error, uncaught exception and logged
// error, Content-Security-Policy violations among them.
type browser struct {
	ctx      context.Context
	axe      string // axe-core's source, or "" without it
	mu       sync.Mutex
	problems []string
}

func newBrowser(t *testing.T, timeout time.Duration) *browser {
	t.Helper()
	bin := needChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	t.Cleanup(cancelBrowser)
	b := &browser{ctx: ctx, axe: axeSource(t)}
	// Listen's func runs in the tab's event loop: it only records.
	err := chromedp.Listen(ctx, func(ev any) {
		var p string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				p = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
			}
		case *runtime.EventExceptionThrown:
			p = "exception: " + ev.ExceptionDetails.Text
		case *log.EventEntryAdded:
			// Errors, and anything about security (CSP) at any level;
			// not every warning, which differ from one Chromium to another.
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Source == log.EntrySourceSecurity {
				p = fmt.Sprintf("log %s %s: %s (%s)", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
			}
		}
		if p != "" {
			b.mu.Lock()
			b.problems = append(b.problems, p)
			b.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	return b
}

func (b *browser) do(t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// read runs an action that returns a value.
func read[T any](t *testing.T, b *browser, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// screenshotDir keeps the screenshots of the last run, a test artefact
// (ignored by git); REFER_SCREENSHOTS names another folder.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("REFER_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Widths the screenshots are taken at: a phone's and a desktop's.
var widths = []struct {
	name          string
	width, height int64
	mobile        bool
}{{"phone", 390, 844, true}, {"desktop", 1280, 1000, false}}

// screenshot saves the whole page at a phone's width and a desktop's, and
// checks each is a picture; the page is left at the desktop's width.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	dir := screenshotDir(t)
	for _, w := range widths {
		opts := []chromedp.EmulateViewportOption{}
		if w.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		b.do(t, "viewport "+w.name, chromedp.EmulateViewport(w.width, w.height, opts...))
		png := read(t, b, "screenshot "+name, chromedp.FullScreenshot(90))
		if len(png) < 1000 {
			t.Fatalf("screenshot %s at %s is empty", name, w.name)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+w.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// axeSource is axe-core, which .ci/run installs from the npm registry
// (.ci/axe/package.json pins it; MPL-2.0, Deque Systems). Without it the
// accessibility checks cannot run: in CI (REFER_REQUIRE_AXE=1) that fails
// the test; elsewhere the checks are skipped, saying so.
func axeSource(t *testing.T) string {
	t.Helper()
	path := cmp.Or(os.Getenv("REFER_AXE"), filepath.Join("..", ".ci", "axe", "node_modules", "axe-core", "axe.min.js"))
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("REFER_REQUIRE_AXE") != "" {
			t.Fatalf("axe-core is missing (%v): run npm ci --prefix .ci/axe", err)
		}
		t.Logf("axe-core is missing (%v): the accessibility checks are skipped; npm ci --prefix .ci/axe installs it", err)
		return ""
	}
	return string(b)
}

// axeViolation is one rule broken, as axe reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// checkAccessible runs axe-core's WCAG 2.0 and 2.1 A and AA rules on the
// page at a phone's width and a desktop's; any violation fails the test.
// (Evaluated over the DevTools protocol, so the page's CSP does not stop
// it.)
func (b *browser) checkAccessible(t *testing.T, name string) {
	t.Helper()
	if b.axe == "" {
		return
	}
	for _, w := range widths {
		opts := []chromedp.EmulateViewportOption{}
		if w.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		b.do(t, "viewport "+w.name, chromedp.EmulateViewport(w.width, w.height, opts...))
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](b.axe+";0")); err != nil {
			t.Fatalf("loading axe-core: %v", err)
		}
		res, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](
			`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => r.violations)`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe on %s: %v", name, err)
		}
		for _, v := range res {
			for _, n := range v.Nodes {
				t.Errorf("%s (%s): %s [%s, %s]: %v %s", name, w.name, v.Help, v.ID, v.Impact, n.Target, n.HTML)
			}
		}
	}
}

// look checks the page in view for accessibility and keeps its
// screenshots.
func (b *browser) look(t *testing.T, name string) {
	t.Helper()
	b.checkAccessible(t, name)
	b.screenshot(t, name)
}

// checkPrintMap holds the printed list's map and directions to the list:
// a pin for each listed service at a place, numbered as in the list, and
// a directions link for each; printed (print media, and a PDF kept with
// the screenshots), the map shows and the site's navigation does not.
func checkPrintMap(t *testing.T, b *browser) {
	t.Helper()
	type printFacts struct {
		Placed     []string `json:"placed"`     // numbers of the items with an address
		Pins       []string `json:"pins"`       // numbers on the pins
		Directions int      `json:"directions"` // items with an address and a directions link
	}
	facts := read(t, b, "print map", chromedp.Evaluate[printFacts](`(() => {
		const items = [...document.querySelectorAll(".print-item")];
		const placed = items.map((li, i) => li.querySelector("address") ? String(i + 1) : null).filter(Boolean);
		const pins = [...document.querySelectorAll("figure.map .map-pin text")].flatMap(t => t.textContent.split(","));
		const directions = items.filter(li => li.querySelector("address") && li.querySelector('a[href^="https://www.google.com/maps/dir/"]')).length;
		return {placed, pins: [...new Set(pins)].sort(), directions};
	})()`))
	if len(facts.Placed) == 0 || strings.Join(facts.Placed, ",") != strings.Join(facts.Pins, ",") {
		t.Errorf("the printed map's pins %v are not the listed services at a place %v", facts.Pins, facts.Placed)
	}
	if facts.Directions != len(facts.Placed) {
		t.Errorf("%d of %d printed services at a place have directions", facts.Directions, len(facts.Placed))
	}
	media := func(m string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	b.do(t, "print media", media("print"))
	shown := read(t, b, "printed map", chromedp.Evaluate[[]string](`[
		getComputedStyle(document.querySelector("figure.map")).display,
		getComputedStyle(document.querySelector(".print-hint")).display]`))
	if shown[0] == "none" || shown[1] != "none" {
		t.Errorf("printed, the map's display is %q and the screen's hint's %q", shown[0], shown[1])
	}
	pdf := read(t, b, "pdf", chromedp.PrintToPDF())
	if len(pdf) < 2000 {
		t.Errorf("the printed list's PDF is %d bytes", len(pdf))
	}
	if err := os.WriteFile(filepath.Join(screenshotDir(t), "print.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(t, "screen media", media(""))
}

// TestWebInBrowser drives the pages in a real browser, as a case manager
// would: search by ZIP and need, open a result, tick two results and print
// them. No page may log an error or break its Content-Security-Policy.
func TestWebInBrowser(t *testing.T) {
	needChromium(t)
	start := time.Now()
	// The server first, so that its cleanup runs after the browser's: a
	// connection the browser opened and never used holds Shutdown 5 s.
	ts := startServer(t, seedWeb)
	b := newBrowser(t, 60*time.Second)

	// The watch for errors works: a page that breaks its own CSP is caught.
	csp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "script-src 'self'")
		fmt.Fprint(w, `<!doctype html><title>x</title><p>x</p><script>document.title = "ran"</script>`)
	}))
	defer csp.Close()
	b.do(t, "open a page that breaks its CSP", chromedp.Navigate(csp.URL), chromedp.WaitReady(chromedp.CSS("p")))
	var p []string
	for deadline := time.Now().Add(5 * time.Second); len(p) == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond) // events come on their own goroutine
		p = b.takeProblems()
	}
	if len(p) == 0 || !strings.Contains(strings.Join(p, " "), "Content Security Policy") {
		t.Fatalf("a CSP violation went unseen: %q", p)
	}

	// The accessibility check works: a page with an image without text
	// and grey-on-grey writing is caught.
	if b.axe != "" {
		bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<!doctype html><html lang="en"><title>x</title><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><p style="color:#aaa;background:#bbb">faint</p></main></html>`)
		}))
		defer bad.Close()
		b.do(t, "open an inaccessible page", chromedp.Navigate(bad.URL), chromedp.WaitReady(chromedp.CSS("p")))
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](b.axe+";0")); err != nil {
			t.Fatal(err)
		}
		res, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](
			`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa"]}}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
		ids := map[string]bool{}
		for _, v := range res {
			ids[v.ID] = true
		}
		if err != nil || !ids["image-alt"] || !ids["color-contrast"] {
			t.Fatalf("axe missed an image without alt text or low contrast: %v %v", ids, err)
		}
	}

	// Search: fill the ZIP and the need, submit.
	b.do(t, "search",
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("f-postcode")),
		// The place box starts at the directory's own city; a ZIP replaces it.
		chromedp.Clear(chromedp.ID("f-postcode")),
		chromedp.SendKeys(chromedp.ID("f-postcode"), "33125"),
		chromedp.SetValue(chromedp.ID("f-need"), "food-insecurity"),
		chromedp.Click(chromedp.CSS("button.primary")),
		chromedp.WaitVisible(chromedp.CSS("ol.results")),
	)
	searchURL := read(t, b, "location", chromedp.Location())
	u, err := url.Parse(searchURL)
	if err != nil || u.Path != "/" || u.Query().Get("postcode") != "33125" || u.Query().Get("need") != "food-insecurity" {
		t.Errorf("the search's address %q is not the bookmarkable query", searchURL)
	}
	if d := read(t, b, "distance", chromedp.Text(chromedp.CSS("ol.results li:first-child .distance"))); !strings.HasSuffix(d, " mi") {
		t.Errorf("first result's distance %q", d)
	}
	if s := read(t, b, "open now", chromedp.Text(chromedp.CSS("ol.results li:first-child .status"))); !strings.Contains(s, "Open now") && !strings.Contains(s, "Closed now") {
		t.Errorf("first result's open-now %q", s)
	}
	if h := read(t, b, "heading", chromedp.Text(chromedp.ID("results-title"))); !strings.Contains(h, "services near ZIP 33125") {
		t.Errorf("results heading %q", h)
	}
	if pins := read(t, b, "map pins", chromedp.Nodes(chromedp.CSSAll("figure.map .map-pin"))); len(pins) == 0 {
		t.Errorf("the search page draws no pins on its map")
	}
	// Every result at a place (a distance in miles) links to directions.
	dirs := read(t, b, "directions", chromedp.Evaluate[[]int](`(() => {
		const lis = [...document.querySelectorAll("ol.results > li")];
		const placed = lis.filter(li => / mi$/.test(li.querySelector(".distance").textContent.trim()));
		return [placed.length, placed.filter(li => li.querySelector('a.directions[href^="https://www.google.com/maps/dir/?api=1&destination="]')).length];
	})()`))
	if dirs[0] == 0 || dirs[1] != dirs[0] {
		t.Errorf("%d of %d results at a place link to directions", dirs[1], dirs[0])
	}
	b.look(t, "search")

	// Follow the first result to its detail page.
	b.do(t, "detail",
		chromedp.Click(chromedp.CSS("ol.results li:first-child h3 a")),
		chromedp.WaitVisible(chromedp.ID("service-title")),
	)
	title := read(t, b, "title", chromedp.Text(chromedp.ID("service-title")))
	hours := read(t, b, "hours", chromedp.Text(chromedp.CSS(".site .hours")))
	location := read(t, b, "location", chromedp.Location())
	if title != "Downtown Food Pantry" || !strings.Contains(hours, "Mon–Fri 9 AM–5 PM") || !strings.HasSuffix(location, "/services/s-pantry") {
		t.Errorf("detail page: %q at %s, hours %q", title, location, hours)
	}
	if links := read(t, b, "directions", chromedp.Nodes(chromedp.CSSAll(`.site a[href^="https://www.google.com/maps/dir/"]`))); len(links) == 0 {
		t.Errorf("the service page has no directions link")
	}
	b.look(t, "detail")

	// Back to the results, tick two, add them to the client's list: the
	// search comes back with them marked; the list holds them, and prints.
	// (The search's address again, not history: NavigateBack waits for a
	// load event that a page restored from the back-forward cache never
	// fires.)
	b.do(t, "add to the list",
		chromedp.Navigate(searchURL),
		chromedp.WaitVisible(chromedp.CSS("ol.results")),
		chromedp.Click(chromedp.CSS(`ol.results li:nth-child(1) input[name="ids"]`)),
		chromedp.Click(chromedp.CSS(`ol.results li:nth-child(2) input[name="ids"]`)),
		chromedp.Click(chromedp.CSS(".list-bar button")),
		chromedp.WaitVisible(chromedp.CSS("ol.results li:nth-child(2) .on-list")),
	)
	b.look(t, "search-listed")
	b.do(t, "the list", chromedp.Navigate(ts.URL+"/list"), chromedp.WaitVisible(chromedp.CSS(".client-list")))
	b.look(t, "list")
	b.do(t, "print list",
		chromedp.Click(chromedp.CSS(`.list-actions a[hreflang="en"]`)),
		chromedp.WaitVisible(chromedp.CSS(".print-list")),
	)
	items := read(t, b, "items", chromedp.Nodes(chromedp.CSSAll(".print-item")))
	location = read(t, b, "location", chromedp.Location())
	printed := read(t, b, "print list", chromedp.Text(chromedp.CSS(".print-list")))
	u, _ = url.Parse(location)
	if u.Path != "/list/print" || len(items) != 2 {
		t.Errorf("print list at %s has %d items, want 2", location, len(items))
	}
	if !strings.Contains(printed, "Downtown Food Pantry") || !strings.Contains(printed, "Hours") {
		t.Errorf("print list: %q", printed)
	}
	b.look(t, "print")
	checkPrintMap(t, b)

	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("the pages logged errors or broke their CSP:\n%s", strings.Join(p, "\n"))
	}
	t.Logf("browser test took %s", time.Since(start).Round(time.Millisecond))
}
