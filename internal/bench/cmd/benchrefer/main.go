// Command benchrefer measures refer end to end on this machine and writes
// BENCHMARKS.md: import, rebuild, start-up, disk and memory, and search and
// match latency over real HTTP on 127.0.0.1, one client and 16 at once, at
// 10k and 100k generated services (1M with -1m). `make bench` runs it.
//
//	go run ./internal/bench/cmd/benchrefer [-1m] [-sizes 10000,100000] [-out BENCHMARKS.md]
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/refer-project/refer/finder"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/bench"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources/bolt"
)

func main() {
	million := flag.Bool("1m", false, "also measure 1,000,000 services")
	out := flag.String("out", "BENCHMARKS.md", "file to write the table to")
	sizesFlag := flag.String("sizes", "10000,100000", "the directory `sizes` to measure, comma-separated")
	flag.Parse()
	var sizes []int
	for _, f := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "benchrefer: -sizes: %q is not a number of services\n", f)
			os.Exit(2)
		}
		sizes = append(sizes, n)
	}
	if *million {
		sizes = append(sizes, 1_000_000)
	}
	work, err := os.MkdirTemp("", "benchrefer-*")
	check(err)
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "refer")
	run("go", "build", "-o", bin, "./cmd/refer")

	var rows []row
	for _, n := range sizes {
		fmt.Fprintf(os.Stderr, "== %d services\n", n)
		rows = append(rows, measure(bin, filepath.Join(work, strconv.Itoa(n)), n))
	}
	report := render(rows)
	fmt.Print(report)
	check(os.WriteFile(*out, []byte(report), 0o644))
	fmt.Fprintf(os.Stderr, "wrote %s\n", *out)
}

type latency struct{ p50, p99 time.Duration }

type row struct {
	services                        int
	importSecs, reindexSecs         float64
	importRSS, reindexRSS, serveRSS int64 // KiB
	limitedRSS                      int64 // KiB, serving with GOMEMLIMIT
	// pagesRSS is the server's after the pages too, and pagesFileRSS the
	// part of it that is the store's file (mapped by bbolt): pages the
	// kernel takes back when memory is short, not the heap.
	pagesRSS, pagesFileRSS         int64 // KiB
	storeBytes, indexBytes         int64
	startup                        time.Duration
	search, match                  latency
	search16, match16              latency
	referralCreate, referralStatus latency
	searchRPS, matchRPS            float64
	searchPage, servicePage        latency // the web pages, 1 client
	matchPage, printPage           latency
	indexedMatch, bruteMatch       latency
}

func measure(bin, dir string, n int) row {
	r := row{services: n}
	src := filepath.Join(dir, "src")
	data := filepath.Join(dir, "data")
	// In a process of its own: a million generated services are gigabytes
	// this one would keep (Go returns freed memory slowly) while import runs.
	run(bin, "gen", "--services", strconv.Itoa(n), "--seed", "1", src)

	// What a user does: one import, which writes the store and brings the
	// index up to date (building it, here). Then, apart, a rebuild of the
	// index from the store, as `refer reindex` does it.
	t := time.Now()
	r.importRSS = run(bin, "import", "--data", data, src)
	r.importSecs = time.Since(t).Seconds()
	t = time.Now()
	r.reindexRSS = run(bin, "reindex", "--data", data)
	r.reindexSecs = time.Since(t).Seconds()
	r.storeBytes = size(filepath.Join(data, "refer.db"))
	r.indexBytes = size(filepath.Join(data, "index"))
	key := lastLine(output(bin, "keys", "create", "--data", data, "--role", "case_manager", "--name", "bench"))
	adminKey := lastLine(output(bin, "keys", "create", "--data", data, "--role", "admin", "--name", "bench admin"))
	// A case manager, for the match page: the link sets their password.
	setPassword := lastLine(output(bin, "users", "create", "--data", data, "--email", "bench@example.org", "--role", "case_manager"))

	// Start-up on the existing directory: until /readyz says the index is
	// open (the server answers /healthz from the first moment).
	t = time.Now()
	srv := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0",
		"--rate-limit-address", "0", "--rate-limit-key", "0")
	// Referrals seal client data: a key, as in production.
	srv.Env = append(os.Environ(), "REFER_SECRET_KEY=YmVuY2hyZWZlci1zZWNyZXQta2V5LTMyLWJ5dGVzISE=")
	stdout, err := srv.StdoutPipe()
	check(err)
	srv.Stderr = io.Discard
	check(srv.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	check(err)
	base := strings.TrimSpace(strings.TrimPrefix(line, "refer: serving on "))
	go io.Copy(io.Discard, stdout)
	waitReady(base)
	r.startup = time.Since(t)

	places := bench.Places()
	searchURL := func(i int) string {
		p := places[i%len(places)]
		return base + "/api/v1/search?" + url.Values{
			"need": {"food-insecurity"}, "latitude": {fmt.Sprint(p.Lat())}, "longitude": {fmt.Sprint(p.Lon())},
			"at": {"2026-11-27T15:00:00Z"},
		}.Encode()
	}
	matchBody := func(i int) []byte {
		p := places[i%len(places)]
		b, _ := json.Marshal(map[string]any{
			"client": map[string]any{"latitude": p.Lat(), "longitude": p.Lon(), "age": 34, "gender": "female", "languages": []string{"Spanish"}, "household_size": 3},
			"needs":  []map[string]string{{"code": "food-insecurity"}, {"code": "housing-instability"}, {"code": "utility-insecurity"}},
			"at":     "2026-11-27T15:00:00Z", "limit": 10,
		})
		return b
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	search := func(i int) {
		resp, err := client.Get(searchURL(i))
		drain(resp, err)
	}
	match := func(i int) {
		req, _ := http.NewRequest("POST", base+"/api/v1/match", bytes.NewReader(matchBody(i)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := client.Do(req)
		drain(resp, err)
	}
	for i := 0; i < 50; i++ { // warm up
		search(i)
		match(i)
	}
	r.search = sequential(500, search)
	r.match = sequential(500, match)
	r.search16, r.searchRPS = concurrent(16, 5*time.Second, search)
	r.match16, r.matchRPS = concurrent(16, 5*time.Second, match)
	r.referralCreate, r.referralStatus = referralLatency(client, base, key, adminKey, searchURL(0))
	r.serveRSS, _ = rssOf(srv.Process.Pid)
	// The pages people read: the search page with words and a place, and
	// a service's page (the services the API's searches find).
	var ids []string
	for i := 0; i < len(places); i++ {
		resp, err := client.Get(searchURL(i))
		check(err)
		var res struct {
			Results []struct {
				ServiceID string `json:"service_id"`
			} `json:"results"`
		}
		check(json.NewDecoder(resp.Body).Decode(&res))
		resp.Body.Close()
		for _, h := range res.Results {
			ids = append(ids, h.ServiceID)
		}
	}
	if len(ids) == 0 {
		check(fmt.Errorf("the searches found no service for the service page"))
	}
	page := func(u string) { drain(client.Get(u)) }
	searchPage := func(i int) {
		p := places[i%len(places)]
		page(base + "/?" + url.Values{"q": {"food pantry"}, "latitude": {fmt.Sprint(p.Lat())}, "longitude": {fmt.Sprint(p.Lon())},
			"at": {"2026-11-27T15:00:00Z"}}.Encode())
	}
	servicePage := func(i int) { page(base + "/services/" + url.PathEscape(ids[i%len(ids)])) }
	sequential(20, searchPage)
	r.searchPage = sequential(200, searchPage)
	r.servicePage = sequential(200, servicePage)
	// The match page as a signed-in case manager sends it (a POST with
	// the page's CSRF token), and the printed list of five services.
	person := signIn(base, setPassword, "bench@example.org")
	matchPage := func(i int) {
		zip := bench.ThreeNeedZIPs[i%len(bench.ThreeNeedZIPs)]
		drain(person.post("/match", url.Values{"postcode": {zip}, "age": {"34"}, "household_size": {"3"}, "languages": {"Spanish"},
			"need": {"food-insecurity", "housing-instability", "utility-insecurity"}}))
	}
	printPage := func(i int) {
		var five []string
		for k := range 5 {
			five = append(five, ids[(i*5+k)%len(ids)])
		}
		page(base + "/print?" + url.Values{"ids": {strings.Join(five, ",")}}.Encode())
	}
	sequential(20, matchPage)
	r.matchPage = sequential(200, matchPage)
	r.printPage = sequential(200, printPage)
	r.pagesRSS, r.pagesFileRSS = rssOf(srv.Process.Pid)
	check(srv.Process.Signal(syscall.SIGTERM))
	srv.Wait()

	// Again with Go's soft memory limit, as one would run it on a small box.
	lim := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0",
		"--rate-limit-address", "0", "--rate-limit-key", "0")
	lim.Env = append(os.Environ(), "GOMEMLIMIT="+memLimit)
	stdout, err = lim.StdoutPipe()
	check(err)
	lim.Stderr = io.Discard
	check(lim.Start())
	line, err = bufio.NewReader(stdout).ReadString('\n')
	check(err)
	base = strings.TrimSpace(strings.TrimPrefix(line, "refer: serving on "))
	go io.Copy(io.Discard, stdout)
	waitReady(base)
	concurrent(16, 3*time.Second, search)
	concurrent(16, 3*time.Second, match)
	r.limitedRSS, _ = rssOf(lim.Process.Pid)
	check(lim.Process.Signal(syscall.SIGTERM))
	lim.Wait()

	// The same match, in process: through the index, and by a scan of
	// every document (the naive baseline).
	r.indexedMatch, r.bruteMatch = inProcess(data)
	return r
}

// person is a browser's cookies: a signed-in person's session and the
// pages' CSRF token.
type person struct {
	client *http.Client
	base   string
	jar    *cookiejar.Jar
}

// signIn sets a password with the one-time link that refer users create
// printed, and signs in with it, as a person does in the pages.
func signIn(base, link, email string) *person {
	u, err := url.Parse(link)
	check(err)
	jar, err := cookiejar.New(nil)
	check(err)
	p := &person{client: &http.Client{Jar: jar}, base: base, jar: jar}
	drain(p.client.Get(base + "/signin")) // the CSRF cookie
	const pw = "bench-password-long-enough"
	drain(p.post("/set-password", url.Values{"token": {u.Query().Get("token")}, "password": {pw}, "password2": {pw}}))
	drain(p.post("/signin", url.Values{"email": {email}, "password": {pw}, "next": {"/match"}}))
	return p
}

// post sends a form with the CSRF token, following a redirect.
func (p *person) post(path string, form url.Values) (*http.Response, error) {
	u, _ := url.Parse(p.base)
	for _, c := range p.jar.Cookies(u) {
		if c.Name == "refer_csrf" {
			form.Set("csrf", c.Value)
		}
	}
	return p.client.PostForm(p.base+path, form)
}

// referralLatency makes referrals to the services a search finds, one
// client at a time, then accepts each: every create and status change is
// a committed bbolt write with its outbox event, sealed client data and
// (for creates) an idempotency record.
func referralLatency(client *http.Client, base, sender, receiver, search string) (create, status latency) {
	resp, err := client.Get(search)
	check(err)
	var found struct {
		Results []struct {
			ServiceID string `json:"service_id"`
		}
	}
	check(json.NewDecoder(resp.Body).Decode(&found))
	resp.Body.Close()
	if len(found.Results) == 0 {
		check(fmt.Errorf("no service found to refer to"))
	}
	post := func(path, key, body string, header ...string) []byte {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		check(err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			check(fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, b))
		}
		return b
	}
	const n = 300
	ids := make([]string, n)
	create = sequential(n, func(i int) {
		body := fmt.Sprintf(`{"service_id": %q, "need": "food-insecurity", "client": {"reference": "bench-%d", "name": "Client %d", "phone": "305-555-0100"},
			"consent": {"obtained": true, "method": "verbal", "date": "2026-11-27"}, "notes": "Benchmark referral"}`, found.Results[i%len(found.Results)].ServiceID, i, i)
		var out struct{ ID string }
		check(json.Unmarshal(post("/api/v1/referrals", sender, body, "Idempotency-Key", fmt.Sprintf("bench-%d", i)), &out))
		ids[i] = out.ID
	})
	status = sequential(n, func(i int) {
		post("/api/v1/referrals/"+ids[i]+"/status", receiver, `{"status": "accepted"}`)
	})
	return create, status
}

// memLimit is the soft memory limit of the second serving run.
const memLimit = "330MiB"

func inProcess(data string) (indexed, brute latency) {
	ctx := context.Background()
	db, err := bolt.Open(filepath.Join(data, "refer.db"))
	check(err)
	defer db.Close()
	vocab, err := matcher.LoadVocabulary()
	check(err)
	ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(data, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm, CoreNeedsOf: vocab.CoreNeedsOfTerm, NeedsOfWords: vocab.NeedsOfWords, Admits: matcher.Admits})
	check(err)
	defer ix.Close()
	at := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	bf, err := bench.NewBruteForce(ix, at)
	check(err)
	places := bench.Places()
	for _, m := range []struct {
		f   matcher.Finder
		out *latency
	}{{finder.New(ix), &indexed}, {bf, &brute}} {
		mm := &matcher.Matcher{Vocab: vocab, Finder: m.f}
		match := func(i int) {
			_, err := mm.Match(ctx, bench.ThreeNeeds(places[i%len(places)], at))
			check(err)
		}
		// The steady state, not the collection of what opening the index
		// and loading the scan's copy just left behind.
		sequential(30, match)
		runtime.GC()
		*m.out = sequential(300, match)
	}
	return indexed, brute
}

// waitReady polls /readyz every 10 ms until it answers 200 (60 s at most).
func waitReady(base string) {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	check(fmt.Errorf("%s never became ready", base))
}

func sequential(n int, fn func(int)) latency {
	lat := make([]time.Duration, n)
	for i := range lat {
		t := time.Now()
		fn(i)
		lat[i] = time.Since(t)
	}
	return percentiles(lat)
}

// concurrent runs fn from workers goroutines for d and returns latency and
// requests per second. It stops by itself.
func concurrent(workers int, d time.Duration, fn func(int)) (latency, float64) {
	var mu sync.Mutex
	var all []time.Duration
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var mine []time.Duration
			for i := w; time.Now().Before(deadline); i += workers {
				t := time.Now()
				fn(i)
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	return percentiles(all), float64(len(all)) / d.Seconds()
}

func percentiles(lat []time.Duration) latency {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return latency{lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]}
}

func drain(resp *http.Response, err error) {
	check(err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		check(fmt.Errorf("%s %s: status %d", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode))
	}
}

// run runs a command to the end and returns its peak resident memory (KiB).
func run(name string, args ...string) int64 {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	check(cmd.Run())
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

func output(name string, args ...string) string {
	b, err := exec.Command(name, args...).Output()
	check(err)
	return string(b)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// rssOf returns a process's resident memory and the part of it that is
// mapped files (the store), in KiB.
func rssOf(pid int) (rss, file int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	check(err)
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v
		case "RssFile:":
			file = v
		}
	}
	return rss, file
}

func size(path string) int64 {
	var n int64
	filepath.Walk(path, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchrefer:", err)
		os.Exit(1)
	}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64)
}

func render(rows []row) string {
	var b strings.Builder
	commit := strings.TrimSpace(outputOr("git", "rev-parse", "--short", "HEAD"))
	dirty := ""
	if strings.TrimSpace(outputOr("git", "status", "--porcelain", "--untracked-files=no")) != "" {
		dirty = " (with uncommitted changes)"
	}
	fmt.Fprintf(&b, "# refer benchmarks\n\nMeasured by `make bench` (`go run ./internal/bench/cmd/benchrefer`) on %s, commit %s%s, %s.\n\n",
		machine(), commit, dirty, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	b.WriteString("Directories come from `refer gen --services N --seed 1` (synthetic, clustered around 40 US metros, Miami's category mix). Latencies are over real HTTP on 127.0.0.1 with keep-alive; the match is three needs (food, housing, utilities) for one client, 10 options. One run; the machine is small and may be shared, so read ratios before absolutes.\n\n")
	b.WriteString("| | target at 100k |")
	for _, r := range rows {
		fmt.Fprintf(&b, " %dk services |", r.services/1000)
	}
	b.WriteString("\n|---|---|")
	for range rows {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	line := func(name, target string, f func(r row) string) {
		fmt.Fprintf(&b, "| %s | %s |", name, target)
		for _, r := range rows {
			fmt.Fprintf(&b, " %s |", f(r))
		}
		b.WriteString("\n")
	}
	line("import into store and index (`refer import`), services/s (peak RSS)", "≥ 3,000", func(r row) string {
		return fmt.Sprintf("%.0f (%d MB)", float64(r.services)/r.importSecs, r.importRSS/1024)
	})
	line("rebuild the index from the store (`refer reindex`), s (peak RSS)", "", func(r row) string {
		return fmt.Sprintf("%.1f (%d MB)", r.reindexSecs, r.reindexRSS/1024)
	})
	line("store / index on disk, MB", "", func(r row) string {
		return fmt.Sprintf("%d / %d", r.storeBytes>>20, r.indexBytes>>20)
	})
	line("start-up on an existing directory, s", "≤ 2", func(r row) string { return fmt.Sprintf("%.2f", r.startup.Seconds()) })
	line("search p50 / p99, ms, 1 client", "p50 ≤ 3", func(r row) string { return ms(r.search.p50) + " / " + ms(r.search.p99) })
	line("match p50 / p99, ms, 1 client", "≤ 5 / ≤ 25", func(r row) string { return ms(r.match.p50) + " / " + ms(r.match.p99) })
	line("search p50 / p99, ms, 16 clients; requests/s", "", func(r row) string {
		return fmt.Sprintf("%s / %s; %.0f", ms(r.search16.p50), ms(r.search16.p99), r.searchRPS)
	})
	line("match p50 / p99, ms, 16 clients; requests/s", "≥ 1,500/s", func(r row) string {
		return fmt.Sprintf("%s / %s; %.0f", ms(r.match16.p50), ms(r.match16.p99), r.matchRPS)
	})
	line("search page (words + place) / service page p50 / p99, ms, 1 client", "p50 < 50", func(r row) string {
		return fmt.Sprintf("%s / %s (%s / %s)", ms(r.searchPage.p50), ms(r.servicePage.p50), ms(r.searchPage.p99), ms(r.servicePage.p99))
	})
	line("match page (POST, three needs, signed in) / printed list of 5 p50 / p99, ms, 1 client", "p50 < 50", func(r row) string {
		return fmt.Sprintf("%s / %s (%s / %s)", ms(r.matchPage.p50), ms(r.printPage.p50), ms(r.matchPage.p99), ms(r.printPage.p99))
	})
	line("referral create / status change p50, ms, 1 client (p99)", "≤ 5 / ≤ 5", func(r row) string {
		return fmt.Sprintf("%s / %s (%s / %s)", ms(r.referralCreate.p50), ms(r.referralStatus.p50), ms(r.referralCreate.p99), ms(r.referralStatus.p99))
	})
	line("server RSS after the load, MB: as it runs (GOGC=50) / with GOMEMLIMIT="+memLimit, "≤ 400", func(r row) string {
		return fmt.Sprintf("%d / %d", r.serveRSS/1024, r.limitedRSS/1024)
	})
	line("server RSS after the pages too, MB (of it, the store's mapped file)", "", func(r row) string {
		return fmt.Sprintf("%d (%d)", r.pagesRSS/1024, r.pagesFileRSS/1024)
	})
	line("match in process: indexed / brute-force scan p50, ms (ratio)", "≥ 20×", func(r row) string {
		return fmt.Sprintf("%s / %s (%.0f×)", ms(r.indexedMatch.p50), ms(r.bruteMatch.p50), float64(r.bruteMatch.p50)/float64(r.indexedMatch.p50))
	})
	b.WriteString("\nReproduce: `make bench` (add `BENCH_FLAGS=-1m` for a million services). Go benchmarks of the hot paths, with allocation counts: `go test -run '^$' -bench . -benchmem ./...`.\n")
	return b.String()
}

func outputOr(name string, args ...string) string {
	b, _ := exec.Command(name, args...).Output()
	return string(b)
}

func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				model = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
		if len(f) >= 2 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			mem = fmt.Sprintf(", %d GiB", kb>>20)
		}
	}
	return fmt.Sprintf("%s, %d cores%s, %s", model, runtime.NumCPU(), mem, runtime.Version())
}
