package main

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/resources/hsds"
)

// recordCount opens a data folder's store and counts its records of every
// kind, and its services.
func recordCount(tb testing.TB, dataDir string) (records, services int) {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(dataDir, "refer.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, k := range resources.Kinds {
		n, err := db.Count(context.Background(), k)
		if err != nil {
			tb.Fatal(err)
		}
		records += n
		if k == resources.KindService {
			services = n
		}
	}
	return records, services
}

// TestKilledImportLeavesTheStoreWhole kills an import too big for one
// transaction with SIGKILL once it has written batches (the copy it writes
// into has grown): the store, read directly and over HTTP, holds the
// directory as it was before, not a part of the new one. Run again, the
// import finishes, and the store holds both, with no copy left behind.
func TestKilledImportLeavesTheStoreWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills child processes")
	}
	dir := t.TempDir()
	small, big := filepath.Join(t.TempDir(), "small"), filepath.Join(t.TempDir(), "big")
	mustRun(t, "gen", "--services", "60", "--seed", "3", small)
	// About three records a service: several batches of hsds.BatchSize.
	mustRun(t, "gen", "--services", "8000", "--seed", "5", big)
	mustRun(t, "import", "--data", dir, small)
	before, services := recordCount(t, dir)
	storeFile, copyFile := filepath.Join(dir, "refer.db"), filepath.Join(dir, importFile)
	st, err := os.Stat(storeFile)
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "import", "--data", dir, big)
	cmd.Env = append(os.Environ(), "REFER_TEST_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// A file grows as a batch commits, before the commit is done: the
	// first batch is in once the file grows again, for the second.
	size := func() int64 {
		var n int64
		for _, p := range []string{storeFile, copyFile} {
			if fi, err := os.Stat(p); err == nil {
				n = max(n, fi.Size())
			}
		}
		return n
	}
	var first int64
	for start := time.Now(); ; time.Sleep(time.Millisecond) {
		n := size()
		// Opening a store writes a few pages; a batch of records, megabytes.
		if first == 0 && n > st.Size()+4<<20 {
			first = n
		}
		if first > 0 && n > first {
			break
		}
		if time.Since(start) > 2*time.Minute {
			t.Fatal("the import wrote no batch within 2 minutes")
		}
	}
	// While it runs, the store is held: nothing can read it half-written.
	if _, err := bolt.Open(storeFile, bolt.WithTimeout(50*time.Millisecond)); resources.ErrorCode(err) != resources.ECONFLICT {
		t.Errorf("opening the store during an import: %v, want it held (conflict)", err)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if n, _ := recordCount(t, dir); n != before {
		t.Fatalf("after a killed import the store holds %d records, want the %d it held before", n, before)
	}

	// Over HTTP too: the HSDS API counts what was there before.
	child, base := startChild(t, dir)
	resp, err := http.Get(base + "/api/hsds/services?per_page=1")
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		TotalItems int `json:"total_items"`
	}
	err = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalItems != services {
		t.Errorf("after a killed import the HSDS API counts %d services, want %d", page.TotalItems, services)
	}
	child.Process.Signal(syscall.SIGTERM)
	child.Wait()

	out := mustRun(t, "import", "--data", dir, big)
	created, _ := strconv.Atoi(counts(t, out)[0])
	if _, n := recordCount(t, dir); n != services+8000 || created == 0 {
		t.Errorf("after the import ran again the store holds %d services (created %d records), want %d", n, created, services+8000)
	}
	if _, err := os.Stat(copyFile); err == nil {
		t.Errorf("the import left its copy %s behind", copyFile)
	}
}

// TestLoadIntoWatchesTheMapUntilClosed: loadInto stops the watcher of the
// store's map only once Close has written what the bulk load deferred.
// Stopped before, a million services' import peaked at 2.16 GB in that
// last flush, where the watcher kept it at 1.16 (BENCHMARKS.md, "The
// million's peak"); only a 27-minute run showed it.
func TestLoadIntoWatchesTheMapUntilClosed(t *testing.T) {
	defer func(w func(*bolt.DB) func()) { watchMapped = w }(watchMapped)
	var openAtStop []bool
	watchMapped = func(db *bolt.DB) func() {
		stop := db.KeepMappedUnder(maxMapped)
		return func() {
			stop()
			// A closed store refuses the read transaction a release runs in.
			openAtStop = append(openAtStop, db.ReleaseMapped() == nil)
		}
	}
	path := filepath.Join(t.TempDir(), importFile)
	_, indexErr, err := loadInto(path, func(db *bolt.DB) (hsds.Report, error) {
		res, err := db.PutBatch(context.Background(), []resources.Record{&resources.Organization{ID: "o1", Name: "An organization", Description: "It helps."}})
		if err == nil && res.Created != 1 {
			t.Errorf("PutBatch created %d, want 1: %+v", res.Created, res.Rejected)
		}
		return hsds.Report{}, err
	}, func(*bolt.DB) error { return nil })
	if err != nil || indexErr != nil {
		t.Fatal(err, indexErr)
	}
	if len(openAtStop) != 1 || openAtStop[0] {
		t.Fatalf("the map's watcher stopped with the store open (one entry a stop, true where open): %v; want one stop, after Close", openAtStop)
	}
}

// TestLoadIntoIndexesWhileTheRefsAreWritten: loadInto runs index on the
// copy once load has written it, while the refs index's last changes are
// written; index reads each service's sites through them, and what it
// says is returned apart: the copy is closed whole all the same, its refs
// index written.
func TestLoadIntoIndexesWhileTheRefsAreWritten(t *testing.T) {
	ctx := context.Background()
	dir := gen.Generate(40, 7)
	sites := map[string]int{}
	for _, r := range dir.Records {
		if sal, ok := r.(*resources.ServiceAtLocation); ok {
			sites[sal.ServiceID]++
		}
	}
	// sitesOf counts each service's sites as the store lists them.
	sitesOf := func(db *bolt.DB) (map[string]int, error) {
		got := map[string]int{}
		services, err := db.List(ctx, resources.KindService, resources.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, s := range services {
			of := resources.ListOptions{Of: resources.Ref{Kind: resources.KindService, ID: s.RecordID()}}
			sals, err := db.List(ctx, resources.KindServiceAtLocation, of)
			if err != nil {
				return nil, err
			}
			if len(sals) > 0 {
				got[s.RecordID()] = len(sals)
			}
		}
		return got, nil
	}
	path := filepath.Join(t.TempDir(), importFile)
	broken := errors.New("the index broke")
	indexed := false
	_, indexErr, err := loadInto(path, func(db *bolt.DB) (hsds.Report, error) {
		return hsds.Load(ctx, db, dir)
	}, func(db *bolt.DB) error {
		got, err := sitesOf(db)
		if err != nil {
			t.Errorf("the index listing sites as the refs are written: %v", err)
		} else if !maps.Equal(got, sites) {
			t.Errorf("the index listed sites by service %v, want %v", got, sites)
		}
		indexed = true
		return broken
	})
	if err != nil || !indexed || indexErr != broken {
		t.Fatalf("loadInto: %v, index ran: %v and said %v; want no error, and the index's %q", err, indexed, indexErr, broken)
	}
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := sitesOf(db); err != nil || !maps.Equal(got, sites) {
		t.Errorf("the copy once closed lists sites by service %v (%v), want %v", got, err, sites)
	}
}
