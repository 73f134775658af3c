package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// sharedData returns ../shared/data, or skips the test when it is absent
// (a clone outside this workplace).
func sharedData(tb testing.TB, parts ...string) string {
	tb.Helper()
	return fixture.SharedData(tb, parts...)
}

// run calls Main and returns its exit status, stdout and stderr.
func run(tb testing.TB, args ...string) (int, string, string) {
	tb.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func mustRun(tb testing.TB, args ...string) string {
	tb.Helper()
	code, out, errs := run(tb, args...)
	if code != 0 {
		tb.Fatalf("refer %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

var countsRE = regexp.MustCompile(`created (\d+), updated (\d+), skipped (\d+) \(unchanged\), rejected (\d+)`)

func counts(tb testing.TB, out string) []string {
	tb.Helper()
	m := countsRE.FindStringSubmatch(out)
	if m == nil {
		tb.Fatalf("no counts line in import output:\n%s", out)
	}
	return m[1:]
}

// snapshotOf opens a data folder's store and returns every record as JSON,
// keyed by kind and id, for comparing two directories.
func snapshotOf(tb testing.TB, dataDir string) map[string]string {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(dataDir, "refer.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	d, err := snapshot(context.Background(), db)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range d.Records {
		resources.TrackedOf(r).Version = 0
		b, _ := json.Marshal(r)
		out[string(r.Kind())+"/"+r.RecordID()] = string(b)
	}
	return out
}

func sameDirectory(tb testing.TB, want, got map[string]string) {
	tb.Helper()
	if len(want) != len(got) {
		tb.Errorf("directories differ in size: %d records, then %d", len(want), len(got))
	}
	n := 0
	for k, w := range want {
		if g := got[k]; g != w && n < 5 {
			n++
			tb.Errorf("%s differs:\n first: %s\nsecond: %s", k, w, g)
		}
	}
}

// importTwiceAndRoundTrip imports src twice (the second run reports every
// record skipped as unchanged), then exports the directory as HSDS JSON and
// as CSV and imports each into a new store: the same directory. It returns
// the first import's output and the data folder.
func importTwiceAndRoundTrip(t *testing.T, src string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	first := mustRun(t, "import", "--data", dir, src)
	c := counts(t, first)
	if c[0] == "0" || c[1] != "0" || c[2] != "0" {
		t.Fatalf("first import: created/updated/skipped = %v, want all created\n%s", c, first)
	}
	second := mustRun(t, "import", "--data", dir, src)
	c2 := counts(t, second)
	if c2[0] != "0" || c2[1] != "0" || c2[2] != c[0] || c2[3] != c[3] {
		t.Errorf("second import: created/updated/skipped/rejected = %v; want 0, 0, %s, %s", c2, c[0], c[3])
	}
	want := snapshotOf(t, dir)
	for _, format := range []string{"hsds-json", "hsds-csv"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "export")
			mustRun(t, "export", "--data", dir, "--format", format, out)
			again := t.TempDir()
			mustRun(t, "import", "--data", again, out)
			sameDirectory(t, want, snapshotOf(t, again))
		})
	}
	return first, dir
}

// The project's own directories, one of each format import reads (HSDS
// 1.1 tabular, Ohana CSV, HSDS 3.0 JSON): each imported twice with the
// same result, its bad rows and placements named, and both exports import
// as the same directory. They run from a plain clone, where the tests on
// the real directories skip.
func TestImportTwiceAndRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		fixture, path          string
		created, rejected      string
		says                   []string
		orgs, svcs, locs, sals int
	}{
		{"hsds-1.1", "", "29", "2", []string{"eligibility.csv:4: rejected: names no service", `services_taxonomy.csv:7: rejected service "31"`,
			"1 location(s) had no coordinates and were placed at their ZIP code's centroid"}, 3, 7, 3, 6},
		// Only the site with a street address is placed at its ZIP; the
		// one with only a mailing address is not.
		{"ohana", "", "27", "0", []string{"1 location(s) had no coordinates and were placed at their ZIP code's centroid"}, 2, 4, 4, 4},
		{"hsds-3.0", "services.json", "7", "0", nil, 1, 2, 1, 1},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			first, dir := importTwiceAndRoundTrip(t, filepath.Join(fixture.Own(t, tc.fixture), tc.path))
			if c := counts(t, first); c[0] != tc.created || c[3] != tc.rejected {
				t.Errorf("created %s and rejected %s, want %s and %s:\n%s", c[0], c[3], tc.created, tc.rejected, first)
			}
			for _, says := range tc.says {
				if !strings.Contains(first, says) {
					t.Errorf("the import does not say %q:\n%s", says, first)
				}
			}
			db, err := bolt.Open(filepath.Join(dir, "refer.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			for k, want := range map[resources.Kind]int{resources.KindOrganization: tc.orgs, resources.KindService: tc.svcs, resources.KindLocation: tc.locs, resources.KindServiceAtLocation: tc.sals} {
				if n, err := db.Count(ctx, k); n != want || err != nil {
					t.Errorf("%d %ss stored, want %d (%v)", n, k, want, err)
				}
			}
		})
	}
}

// The real Miami 211 export: the same, with its counts.
func TestImportMiamiTwiceAndRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole Miami directory")
	}
	miami := sharedData(t, "miami-211-hsds-1.1", "datapackage-1566177582")
	first, dir := importTwiceAndRoundTrip(t, miami)
	if !strings.Contains(first, "eligibility.csv:") || !strings.Contains(first, "more rejected") {
		t.Errorf("import does not list rejected rows and then a count:\n%s", first)
	}
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	orgs, _ := db.Count(ctx, resources.KindOrganization)
	svcs, _ := db.Count(ctx, resources.KindService)
	db.Close()
	if svcs != 4089 || orgs < 1074 {
		t.Errorf("store holds %d organizations and %d services; want all 1,074 (plus placeholders) and 4,089", orgs, svcs)
	}
}

func TestImportHSDSExamples(t *testing.T) {
	examples := sharedData(t, "hsds-3.0-examples", "examples")
	// The example package's attribute and metadata rows name records that
	// exist nowhere (its own defect): those two are rejected, nothing else.
	for p, rejected := range map[string]string{filepath.Join(examples, "service_full.json"): "0", filepath.Join(examples, "csv"): "2"} {
		dir := t.TempDir()
		out := mustRun(t, "import", "--data", dir, p)
		if c := counts(t, out); c[3] != rejected {
			t.Errorf("import %s rejected %s records, want %s:\n%s", p, c[3], rejected, out)
		}
		want := snapshotOf(t, dir)
		for _, format := range []string{"hsds-json", "hsds-csv"} {
			exp := filepath.Join(t.TempDir(), "export")
			mustRun(t, "export", "--data", dir, "--format", format, exp)
			again := t.TempDir()
			mustRun(t, "import", "--data", again, exp)
			sameDirectory(t, want, snapshotOf(t, again))
		}
	}
}

func TestCommandLineErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"id": "x", "name": `), 0o644)
	badZip := filepath.Join(dir, "bad.zip")
	os.WriteFile(badZip, []byte("PK\x03\x04 not really a zip"), 0o644)
	emptyList := filepath.Join(dir, "empty.json")
	os.WriteFile(emptyList, []byte(`[]`), 0o644)
	emptyDir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("call the pantry"), 0o644)
	tests := []struct {
		args []string
		code int
		says string
	}{
		{nil, exitUsage, "usage"},
		{[]string{"frobnicate"}, exitUsage, "unknown command"},
		{[]string{"import", "--data", dir}, exitUsage, "PATH"},
		{[]string{"import", "--bogus", dir}, exitUsage, "bogus"},
		{[]string{"import", "--data", dir, filepath.Join(dir, "missing")}, exitFail, "no such file"},
		{[]string{"import", "--data", dir, bad}, exitFail, "bad.json"},
		{[]string{"import", "--data", dir, badZip}, exitFail, "not a readable zip"},
		{[]string{"import", "--data", dir, emptyList}, exitFail, "nothing was imported"},
		{[]string{"import", "--data", dir, emptyDir}, exitFail, "no datapackage.json"},
		{[]string{"import", "--data", dir, notes}, exitFail, "unknown format"},
		{[]string{"export", "--data", dir, "--format", "xml", filepath.Join(dir, "o")}, exitUsage, "hsds-json"},
		{[]string{"export", "--data", dir}, exitUsage, "OUT"},
		{[]string{"serve", "--data", dir, "extra"}, exitUsage, "extra"},
	}
	for _, tt := range tests {
		code, _, errs := run(t, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.says) {
			t.Errorf("refer %v: exit %d, stderr %q; want exit %d mentioning %q", tt.args, code, errs, tt.code, tt.says)
		}
		if code == exitFail && strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("refer %v: failure is not one line: %q", tt.args, errs)
		}
	}
}

// TestServeSample starts the real server on 127.0.0.1:0 with the sample,
// checks it answers, and stops it the way SIGTERM does.
func TestServeSample(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, "--data", dir, "--load-sample")
	base := srv.base
	waitReady(t, base)
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	resp, err := http.Get(base + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Error struct{ Code string } `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 404 || body.Error.Code != "not_found" {
		t.Errorf("GET /nope: %d %+v; want 404 not_found in the contract's shape", resp.StatusCode, body)
	}
	if code := srv.stop(t); code != 0 {
		t.Errorf("serve exited %d", code)
	}
	// The sample landed in the store.
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Without its four test records (Example Agency, Fake Org, Admin
	// Test Org and what they run).
	if n, _ := db.Count(context.Background(), resources.KindService); n != sampleServices {
		t.Errorf("sample has %d services; want San Mateo's 23 less its 4 test records", n)
	}
	svcs, err := db.List(context.Background(), resources.KindService, resources.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range svcs {
		if name := r.(*resources.Service).Name; strings.Contains(name, "Example") || strings.Contains(name, "Test") {
			t.Errorf("the sample holds the test record %q", name)
		}
	}
}

// BenchmarkImportMiami measures a whole import of the Miami 211 export into
// a new store: read, validate, write. Records/s and peak heap are reported.
func BenchmarkImportMiami(b *testing.B) {
	miami := sharedData(b, "miami-211-hsds-1.1", "datapackage-1566177582")
	var records float64
	for b.Loop() {
		dir := b.TempDir()
		out := mustRun(b, "import", "--data", dir, miami)
		records = atof(counts(b, out)[0])
	}
	b.ReportMetric(records*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func atof(s string) float64 {
	var f float64
	json.Unmarshal([]byte(s), &f)
	return f
}

// sampleServices is the bundled sample's count: San Mateo's 23 services
// less the 4 that its test records (Example Agency, Fake Org, Admin Test
// Org) run.
const sampleServices = 19

// TestBackupWhileServing copies the store while the server holds it (over
// the data folder's socket), and again once it has stopped.
func TestBackupWhileServing(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, "--data", dir, "--load-sample")
	waitReady(t, srv.base)

	count := func(path string) int {
		t.Helper()
		db, err := bolt.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		n, _ := db.Count(context.Background(), resources.KindService)
		return n
	}
	live := filepath.Join(t.TempDir(), "live.db")
	mustRun(t, "backup", "--data", dir, live)
	if n := count(live); n != sampleServices {
		t.Errorf("backup taken while serving holds %d services; want the sample's %d", n, sampleServices)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	stopped := filepath.Join(t.TempDir(), "stopped.db")
	mustRun(t, "backup", "--data", dir, stopped)
	if n := count(stopped); n != sampleServices {
		t.Errorf("backup of a stopped store holds %d services; want the sample's %d", n, sampleServices)
	}
	if code, _, errs := run(t, "backup", "--data", dir, filepath.Join(dir, "no", "such", "folder", "x.db")); code != exitFail || errs == "" {
		t.Errorf("backup into a missing folder: exit %d %q", code, errs)
	}
	empty := t.TempDir()
	if code, _, errs := run(t, "backup", "--data", empty, filepath.Join(empty, "x.db")); code != exitFail || !strings.Contains(errs, "no store") {
		t.Errorf("backup of a folder with no store: exit %d %q", code, errs)
	}
}

// serving is `refer serve` running in this process on 127.0.0.1:0.
type serving struct {
	base    string
	cancel  context.CancelFunc
	done    chan int
	stopped sync.Once
	code    int
	stderr  *syncBuffer
}

// syncBuffer is a buffer the server writes its log to while a test reads
// it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `refer serve --addr 127.0.0.1:0 ARGS...` and returns once
// it says where it listens (it may still be opening its index: waitReady).
func startServe(tb testing.TB, args ...string) *serving {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{cancel: cancel, done: make(chan int, 1), stderr: &syncBuffer{}}
	pr, pw := io.Pipe()
	go func() {
		s.done <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), pw, s.stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		tb.Fatalf("server did not start: %v\n%s", err, s.stderr)
	}
	go io.Copy(io.Discard, pr)
	// Stopped before the test's temporary folders go (cleanups run last
	// registered first), so the server never writes into a removed folder.
	tb.Cleanup(func() { s.stop(tb) })
	s.base = strings.TrimSpace(strings.TrimPrefix(line, "refer: serving on "))
	return s
}

// stop ends the server the way SIGTERM does and returns its exit status.
func (s *serving) stop(tb testing.TB) int {
	tb.Helper()
	s.stopped.Do(func() {
		s.cancel()
		select {
		case s.code = <-s.done:
			if s.code != 0 {
				tb.Logf("serve: %s", s.stderr)
			}
		case <-time.After(15 * time.Second):
			s.code = -1
			tb.Error("serve did not stop after its context ended")
		}
	})
	return s.code
}

// waitReady polls /readyz until the server has opened its index (it answers
// /healthz, and 503 elsewhere, while it does), for at most 30 seconds.
func waitReady(tb testing.TB, base string) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s never became ready: %v", base, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHealthyWhileIndexing: the server answers /healthz as soon as it says
// where it listens, while it is still building the index of a directory
// big enough to take a moment, and becomes ready after.
func TestHealthyWhileIndexing(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports a directory")
	}
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "gen")
	mustRun(t, "gen", "--services", "3000", src)
	mustRun(t, "import", "--data", dir, src)
	base := startServe(t, "--data", dir).base
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz while indexing: %d", resp.StatusCode)
	}
	waitReady(t, base)
	resp, err = http.Get(base + "/api/v1/search?q=food")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("search once ready: %d", resp.StatusCode)
	}
}
