package hsds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// storeAt opens a store whose clock stands still, so two stores written
// alike hold the same bytes.
func storeAt(tb testing.TB) *bolt.DB {
	tb.Helper()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	db, err := bolt.Open(filepath.Join(tb.TempDir(), "refer.db"), bolt.WithClock(func() time.Time { return at }))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// storeRecords returns every record of s as JSON, by kind and id.
func storeRecords(tb testing.TB, s resources.Store) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, k := range resources.Kinds {
		rs, err := s.List(context.Background(), k, resources.ListOptions{})
		if err != nil {
			tb.Fatal(err)
		}
		for _, r := range rs {
			b, _ := json.Marshal(r)
			out[string(k)+"/"+r.RecordID()] = string(b)
		}
	}
	return out
}

// streamWindow sets StreamWindow for one test.
func streamWindow(tb testing.TB, n int) {
	old := StreamWindow
	StreamWindow = n
	tb.Cleanup(func() { StreamWindow = old })
}

// sameAsLoad loads p with Load(Read) and with LoadStream into two stores
// (the second holding what before holds, if given) and wants the same
// report and the same records.
func sameAsLoad(t *testing.T, p string, before *Directory) (Report, int) {
	t.Helper()
	ctx := context.Background()
	whole, streamed := storeAt(t), storeAt(t)
	if before != nil {
		for _, s := range []resources.Store{whole, streamed} {
			if _, err := Load(ctx, s, before); err != nil {
				t.Fatal(err)
			}
		}
	}
	d, err := Read(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := Load(ctx, whole, d)
	if err != nil {
		t.Fatal(err)
	}
	got, windows, err := loadStream(ctx, streamed, p, Options{})
	if err != nil {
		t.Fatalf("LoadStream: %v", err)
	}
	t.Logf("%s: %d windows", p, windows)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadStream reports\n%+v\nLoad(Read) reports\n%+v", got, want)
	}
	a, b := storeRecords(t, whole), storeRecords(t, streamed)
	if len(a) != len(b) {
		t.Errorf("LoadStream stored %d records, Load(Read) %d", len(b), len(a))
	}
	for k, v := range a {
		if b[k] != v {
			t.Errorf("%s: LoadStream stored\n%s\nLoad(Read)\n%s", k, b[k], v)
			break
		}
	}
	return got, windows
}

// LoadStream, windows of a few records each, stores what Load(Read) does
// and reports the same: a generated directory (organizations nested in
// every service, met again window after window), then the same files
// again over it (all unchanged), and a file with records to reject and
// repair. (Its window holds the generated taxonomy_terms.json whole: a
// term names a parent further on in it, which a window of its own would
// leave to Read.)
func TestLoadStreamAsLoad(t *testing.T) {
	streamWindow(t, 40000)
	src := t.TempDir()
	if err := WriteJSON(src, canonical(t, genDirectory(11, 120))); err != nil {
		t.Fatal(err)
	}
	// An empty list among the files: a file of no window.
	os.WriteFile(filepath.Join(src, "programs.json"), []byte("[]"), 0o600)
	rep, windows := sameAsLoad(t, src, nil)
	if rep.Created < 300 || windows < 8 {
		t.Errorf("created %d records in %d windows, want the generated directory's in several", rep.Created, windows)
	}
	d, err := Read(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep, _ := sameAsLoad(t, src, d); rep.Unchanged != rep.Created+rep.Unchanged || rep.Unchanged == 0 {
		t.Errorf("a second import changed records: %+v", rep)
	}

	messy := filepath.Join(t.TempDir(), "services.json")
	os.WriteFile(messy, []byte(`[
	{"id": "o1", "name": "Food Bank", "email": "a@b.org"},
	{"id": "s1", "organization_id": "o1", "name": "Pantry", "status": "active",
	 "phones": [{"id": "p1", "number": "3055551234"}, {"id": "p1", "number": "3055550000"}], "languages": [{"id": "l1", "name": "spanish"}]},
	{"id": "s2", "organization_id": "o1", "name": "Bad", "status": "open"},
	{"id": "s3", "organization_id": "o1", "name": "Clinic", "status": "active", "minimum_age": "12",
	 "service_at_locations": [{"id": "sal1", "location": {"id": "loc1", "name": "Office", "location_type": "physical", "latitude": 25.7, "longitude": -80.2,
	   "addresses": [{"id": "a1", "address_1": "1 Main St", "city": "Miami", "state_province": "FL", "postal_code": "33125", "country": "US", "address_type": "physical"}]}}]},
	"not a record",
	{"id": "s4", "organization_id": "o1", "name": "Van", "status": "active", "minimum_age": {"x": 1}},
	{"id": "s1", "organization_id": "o1", "name": "Pantry", "status": "active",
	 "phones": [{"id": "p1", "number": "3055551234"}, {"id": "p1", "number": "3055550000"}], "languages": [{"id": "l1", "name": "spanish"}]}
	]`), 0o600)
	streamWindow(t, 200)
	rep, _ = sameAsLoad(t, messy, nil)
	if len(rep.Rejected) < 3 || len(rep.Warnings) == 0 {
		t.Errorf("the messy file should give rejections and warnings: %+v", rep)
	}
}

// What LoadStream cannot store exactly as Load(Read) does, it leaves to
// them: ErrNotStreamable.
func TestLoadStreamLeavesToRead(t *testing.T) {
	streamWindow(t, 64)
	cases := map[string]string{
		"not a list":     `{"id": "o1", "name": "Food Bank", "email": "a@b.org"}`,
		"JSON Lines":     `[{"id": "o1", "name": "A", "email": "a@b.org"}]` + "\n" + `[{"id": "o2", "name": "B", "email": "a@b.org"}]`,
		"malformed":      `[{"id": "o1", "name": "A", "email": "a@b.org"}, {"id": "o2", "name": "B", "email": "a@b.org"},, {"id": "o3"}]`,
		"truncated":      `[{"id": "o1", "name": "A", "email": "a@b.org"}, {"id": "o2", "name": "B"`,
		"trailing comma": `[{"id": "o1", "name": "A", "email": "a@b.org"}, {"id": "o2", "name": "B", "email": "a@b.org"},]`,
		// Invalid within an element, where the scanner does not look: each
		// is checked as it is decoded (jsonReader.checkEach).
		"invalid in a record":   `[{"id": "o1", "name": "A", "email": "a@b.org"}, {"id": "o2", "name": "B", "email": "a@b.org", "x": [1,]}]`,
		"a bare key":            `[{"id": "o1", "name": "A", "email": "a@b.org"}, {"id": "o2", name: "B", "email": "a@b.org"}]`,
		"invalid, not a record": `[{"id": "o1", "name": "A", "email": "a@b.org"}, tru]`,
		"invalid in a Page":     `[{"total_items": 1, "contents": [{"id": "o1", "name": "A", "email": "a@b.org",}]}]`,
		"differs across windows": `[{"id": "o1", "name": "A", "email": "a@b.org"}, {"id": "o2", "name": "B", "email": "a@b.org"},
			{"id": "o1", "name": "A again", "email": "a@b.org"}]`,
		"points ahead": `[{"id": "s1", "organization_id": "o1", "name": "Pantry", "status": "active"},
			{"id": "o1", "name": "Food Bank", "email": "a@b.org"}]`,
		"rejected by the store": `[{"id": "sal1", "service_id": "s1", "location_id": "nowhere"}]`,
		// The first window's majority is taxonomies, the list's organizations.
		"kind by a window's majority": `[{"id": "t1", "name": "A", "version": "1"}, {"id": "x1", "name": "B"}, {"id": "t2", "name": "A", "version": "1"},
			{"id": "o1", "name": "A", "email": "a@b.org"}, {"id": "o2", "name": "A", "email": "a@b.org"},
			{"id": "o3", "name": "A", "email": "a@b.org"}, {"id": "o4", "name": "A", "email": "a@b.org"}]`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "things.json")
			os.WriteFile(p, []byte(body), 0o600)
			_, err := LoadStream(context.Background(), storeAt(t), p, Options{})
			if !errors.Is(err, ErrNotStreamable) {
				t.Errorf("LoadStream: %v, want ErrNotStreamable", err)
			}
		})
	}
	// A file that cannot be streamed after one that can, whose windows
	// were stored.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "organizations.json"), []byte(`[{"id": "o1", "name": "A", "email": "a@b.org"}, {"id": "o2", "name": "B", "email": "a@b.org"}]`), 0o600)
	os.WriteFile(filepath.Join(dir, "services.json"), []byte(`[{"id": "s1", "organization_id": "o1", "name": "S", "status": "active"},, {"id": "s2"}]`), 0o600)
	if _, err := LoadStream(context.Background(), storeAt(t), dir, Options{}); !errors.Is(err, ErrNotStreamable) {
		t.Errorf("LoadStream with a malformed second file: %v, want ErrNotStreamable", err)
	}
	// Tabular packages are read whole.
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "datapackage.json"), []byte(`{"resources": []}`), 0o600)
	if _, err := LoadStream(context.Background(), storeAt(t), dir, Options{}); !errors.Is(err, ErrNotStreamable) {
		t.Errorf("LoadStream of a datapackage: %v, want ErrNotStreamable", err)
	}
}

// FuzzListScanner: the windows of any input, read in chunks of any size,
// hold the elements of the list the input is, in order, byte for byte; an
// input that is not one valid list gives ErrNotStreamable.
func FuzzListScanner(f *testing.F) {
	f.Add([]byte(`[{"a": 1}, "x,]", 2, [3, {"b": "]\"}"}], null, true]`), 3, 5)
	f.Add([]byte("\xef\xbb\xbf [ ] \n"), 1, 1)
	f.Add([]byte(`[1,,2]`), 1, 2)
	f.Add([]byte(`[1, 2,]`), 1, 2)
	f.Add([]byte(`[1, 2] [3]`), 1, 2)
	f.Add([]byte(`[{"a": "\\"}, {"b": 1}`), 4, 3)
	f.Fuzz(func(t *testing.T, data []byte, size, chunk int) {
		size = 1 + abs(size)%128
		chunk = 1 + abs(chunk)%64
		sc := &listScanner{r: bytes.NewReader(data), chunk: chunk}
		var got []json.RawMessage
		err := sc.open()
		for err == nil {
			w, elems, _, e := sc.next(size)
			if e != nil || w == nil {
				err = e
				break
			}
			if !json.Valid(w) {
				err = ErrNotStreamable
				break
			}
			var part []json.RawMessage
			if e := json.Unmarshal(w, &part); e != nil {
				t.Fatalf("a valid window %q is not a list: %v", w, e)
			}
			// The elements it found are those parts would find.
			if want := (&jsonReader{}).parts(w, 0); !reflect.DeepEqual(elems, want) {
				t.Fatalf("window %q: elements %+v, parts finds %+v", w, elems, want)
			}
			got = append(got, part...)
		}
		var want []json.RawMessage
		werr := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &want)
		if werr == nil && !bytes.HasPrefix(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))), []byte("[")) {
			werr = errors.New("not a list") // null
		}
		switch {
		case err != nil && !errors.Is(err, ErrNotStreamable):
			t.Fatalf("%q: %v", data, err)
		case err == nil && werr != nil:
			t.Fatalf("%q is not one JSON list (%v), and the scanner took it", data, werr)
		case err != nil && werr == nil:
			t.Fatalf("%q is a JSON list, and the scanner left it: %v", data, err)
		case err == nil:
			if len(got) != len(want) {
				t.Fatalf("%q: %d elements in windows, %d in the list", data, len(got), len(want))
			}
			for i := range got {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("%q: element %d is %q in a window, %q in the list", data, i, got[i], want[i])
				}
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// BenchmarkImport: a JSON export of 5,000 generated services into a new
// store, read whole and loaded (Read, Load) or streamed a 1 MB window at a
// time (LoadStream): records/s, and the peak of the live heap's objects.
func BenchmarkImport(b *testing.B) {
	d := benchDirectory(b)
	src := b.TempDir()
	if err := WriteJSON(src, d); err != nil {
		b.Fatal(err)
	}
	streamWindow(b, 1<<20)
	for _, how := range []string{"whole", "streamed"} {
		b.Run(how, func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				b.StopTimer()
				db, err := bolt.Open(filepath.Join(b.TempDir(), "refer.db"))
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				stop := peakHeap(&peak)
				b.StartTimer()
				if how == "whole" {
					var d *Directory
					if d, err = Read(src, Options{}); err == nil {
						_, err = Load(context.Background(), db, d)
					}
				} else {
					_, err = LoadStream(context.Background(), db, src, Options{})
				}
				b.StopTimer()
				stop()
				db.Close()
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(len(d.Records))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// peakHeap samples the heap's objects every few milliseconds into peak
// until stop is called.
func peakHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(finished)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			*peak = max(*peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// A source over the limits is refused before anything is read or written,
// with Read's words for the limit: a big source was read whole first (its
// other files, gigabytes of them) to be told so.
func TestLoadStreamRefusesOverTheLimits(t *testing.T) {
	src := t.TempDir()
	if err := WriteJSON(src, canonical(t, genDirectory(3, 40))); err != nil {
		t.Fatal(err)
	}
	services, err := os.Stat(filepath.Join(src, "services.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		lim  Limits
		want string
	}{
		"one file": {Limits{FileBytes: services.Size() - 1}, "services.json is " + strconv.FormatInt(services.Size(), 10) + " bytes, more than the limit of"},
		"in all":   {Limits{TotalBytes: services.Size()}, "more than the limit of " + strconv.FormatInt(services.Size(), 10) + " bytes in all"},
	} {
		t.Run(name, func(t *testing.T) {
			s := storeAt(t)
			_, err := LoadStream(context.Background(), s, src, Options{Limits: tc.lim})
			if !errors.Is(err, ErrOverLimit) || errors.Is(err, ErrNotStreamable) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadStream: %v, want %q wrapping ErrOverLimit", err, tc.want)
			}
			if _, rerr := Read(src, Options{Limits: tc.lim}); !errors.Is(rerr, ErrOverLimit) {
				t.Errorf("Read: %v, want it to wrap ErrOverLimit too", rerr)
			}
			if n := len(storeRecords(t, s)); n != 0 {
				t.Errorf("the refused source left %d records in the store", n)
			}
		})
	}
}

// A child (a phone here) met again in a later window is compared with the
// first copy, as Read compares them: the same, the file streams; different,
// it is left to Read, naming the child. Hashed on every core since
// 98a2d64, checked in order.
func TestLoadStreamComparesChildrenAcrossWindows(t *testing.T) {
	streamWindow(t, 64)
	for number, want := range map[string]string{
		"305-555-0100": "",
		"305-555-0199": `phone "p1" is met again with different content`,
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "organizations.json"), []byte(`[{"id": "o1", "name": "Food Bank", "email": "a@b.org"}]`), 0o600)
		os.WriteFile(filepath.Join(dir, "services.json"), []byte(`[{"id": "s1", "organization_id": "o1", "name": "Pantry", "status": "active", "phones": [{"id": "p1", "number": "305-555-0100"}]},
			{"id": "s2", "organization_id": "o1", "name": "Meals", "status": "active", "phones": [{"id": "p1", "number": "`+number+`"}]}]`), 0o600)
		_, err := LoadStream(context.Background(), storeAt(t), dir, Options{})
		switch {
		case want == "" && err != nil:
			t.Errorf("the same phone in two windows: %v", err)
		case want != "" && (!errors.Is(err, ErrNotStreamable) || !strings.Contains(err.Error(), want)):
			t.Errorf("a different phone in a later window: %v, want ErrNotStreamable naming %q", err, want)
		}
	}
}

// FuzzJSONStringEnd: jsonStringEnd ends a string where reading it a byte
// at a time does, a backslash taking the byte after it, for any bytes
// (a window cut anywhere, invalid JSON, runs of backslashes).
func FuzzJSONStringEnd(f *testing.F) {
	for _, s := range []string{`"abc" x`, `"a\"b" x`, `"a\\" x`, `"a\\\"" x`, `"a\\\\"`, `"\`, `"\\`, `"`, `"x\u0022y" z`, `"é\"\\\\\"" "`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || data[0] != '"' {
			data = append([]byte{'"'}, data...)
		}
		want := len(data)
		for j := 1; j < len(data); j++ {
			if data[j] == '\\' {
				j++
			} else if data[j] == '"' {
				want = j + 1
				break
			}
		}
		if got := jsonStringEnd(data, 0); got != want {
			t.Fatalf("jsonStringEnd(%q) = %d, read a byte at a time: %d", data, got, want)
		}
	})
}

// failingWrites is a store whose writes fail from the failFrom-th on, as
// a disk that fills or goes away does.
type failingWrites struct {
	resources.Store
	writes, failFrom int
}

var errWriteFailed = errors.New("the disk is gone")

func (f *failingWrites) PutBatch(ctx context.Context, rs []resources.Record) (resources.BatchResult, error) {
	f.writes++
	if f.writes >= f.failFrom {
		return resources.BatchResult{}, errWriteFailed
	}
	return f.Store.PutBatch(ctx, rs)
}

// A write that fails stops the whole source, not just its file: the next
// files are not stored (the one writer of every file writes nothing after
// the failure), and LoadStream returns the write's error, not the reading
// it stopped.
func TestLoadStreamStopsAtAFailedWrite(t *testing.T) {
	streamWindow(t, 4000)
	src := t.TempDir()
	if err := WriteJSON(src, canonical(t, genDirectory(11, 60))); err != nil {
		t.Fatal(err)
	}
	for _, failFrom := range []int{1, 2} {
		s := &failingWrites{Store: storeAt(t), failFrom: failFrom}
		_, windows, err := loadStream(context.Background(), s, src, Options{})
		if !errors.Is(err, errWriteFailed) {
			t.Errorf("failing from write %d: LoadStream: %v, want the write's error", failFrom, err)
		}
		if s.writes != failFrom {
			t.Errorf("failing from write %d: %d writes were tried (of %d windows read), want none after the failed one", failFrom, s.writes, windows)
		}
		if n, _ := s.Store.Count(context.Background(), resources.KindService); n != 0 {
			t.Errorf("failing from write %d: %d services stored, want none (they come after the organizations)", failFrom, n)
		}
	}
}
