package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
	bbolt "go.etcd.io/bbolt"
)

// TestImportLeavesIndexCurrent: after an import the index is there and at
// the store's last change, so opening it neither builds nor replays; a
// second import of the same files changes nothing in either.
func TestImportLeavesIndexCurrent(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "src")
	mustRun(t, "gen", "--services", "60", "--seed", "3", src)
	for range 2 {
		mustRun(t, "import", "--data", dir, src)

		db, err := bolt.Open(filepath.Join(dir, "refer.db"))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		seq, _ := db.LastSeq(ctx)
		vocab, _ := matcher.LoadVocabulary()
		var logged bytes.Buffer
		ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm, CoreNeedsOf: vocab.CoreNeedsOfTerm, NeedsOfWords: vocab.NeedsOfWords,
			Admits: matcher.Admits, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if ix.Applied() != seq || ix.Len() < 60 {
			t.Errorf("index at change %d with %d documents; store at %d, 60 services", ix.Applied(), ix.Len(), seq)
		}
		if strings.Contains(logged.String(), "building") || strings.Contains(logged.String(), "catching up") {
			t.Errorf("the index an import left had to be built or caught up:\n%s", logged.String())
		}
		ix.Close()
		db.Close()
	}
}

// An empty services.csv (an export cut short) fails the import and writes
// nothing, where it exited 0 saying "updated" for the other tables.
func TestImportOfAnEmptyTableFails(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{
		"datapackage.json":      `{"resources":[{"name":"organizations","path":"organizations.csv"},{"name":"services","path":"services.csv"},{"name":"services_taxonomy","path":"services_taxonomy.csv"}]}`,
		"organizations.csv":     "id,name,description\no1,Food Bank,Feeds people\n",
		"services.csv":          "",
		"services_taxonomy.csv": "id,service_id,taxonomy_id\n",
	}
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	code, out, errs := run(t, "import", "--data", dir, src)
	if code != 1 || !strings.Contains(errs, "services.csv is empty") || strings.Contains(out, "created") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "refer.db")); err == nil {
		t.Error("the store was written")
	}
}

// A service in the store that the index cannot take (a 2 MB description,
// written before import had limits) is left out and named: reindex and
// serve's index start all the same, where they ran out of memory on every
// start.
func TestReindexSkipsWhatItCannotIndex(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "src")
	mustRun(t, "gen", "--services", "20", "--seed", "3", src)
	mustRun(t, "import", "--data", dir, src)
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	all, err := db.List(ctx, resources.KindService, resources.ListOptions{Limit: 1})
	if err != nil || len(all) == 0 {
		t.Fatal(err)
	}
	svc := all[0].(*resources.Service)
	svc.Description = strings.Repeat("x", 2<<20)
	if _, err := db.Update(ctx, svc, 0); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, _, errs := run(t, "reindex", "--data", dir)
	if code != 0 || !strings.Contains(errs, svc.ID) || !strings.Contains(errs, "left out of search") {
		t.Errorf("reindex: exit %d\nstderr: %s", code, errs)
	}
}

// A service whose stored bytes cannot be decoded (a damaged disk, another
// program) is left out of search and named: reindex and serve start, the
// server searches the rest, and a start from the index's snapshot names it
// again. It stopped the index's build, so neither started.
func TestUndecodableRecordDoesNotStopTheDirectory(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "src")
	mustRun(t, "gen", "--services", "20", "--seed", "3", src)
	mustRun(t, "import", "--data", dir, src)
	raw, err := bbolt.Open(filepath.Join(dir, "refer.db"), 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	err = raw.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(resources.KindService))
		k, _ := b.Cursor().First()
		id = string(k)
		return b.Put(k, []byte("\x00\x00\x00\x00\x00\x00\x00\x01{\"id\": \"x\", \"name\": \x00garbage"))
	})
	raw.Close()
	if err != nil || id == "" {
		t.Fatalf("damaging a service: %q %v", id, err)
	}
	code, out, errs := run(t, "reindex", "--data", dir)
	if code != 0 || !strings.Contains(errs, id) || !strings.Contains(errs, "do not decode") || !strings.Contains(out, "indexed") {
		t.Fatalf("reindex: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	s := startServe(t, "--data", dir)
	waitReady(t, s.base)
	resp, err := http.Get(s.base + "/api/v1/search?q=food")
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Total int }
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || body.Total == 0 {
		t.Errorf("search: %d, %d results, %v", resp.StatusCode, body.Total, err)
	}
	logged := s.stderr.String()
	if strings.Contains(logged, "building") || !strings.Contains(logged, "left out of search") || !strings.Contains(logged, id) {
		t.Errorf("serve, from the index reindex left, logged:\n%s", logged)
	}
}

// The index's limits are flags of every command that opens it: a lower
// --max-service-text leaves out a service that the default takes, and a
// limit of 0 is a usage error.
func TestIndexLimitFlags(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "src")
	mustRun(t, "gen", "--services", "5", "--seed", "3", src)
	mustRun(t, "import", "--data", dir, src)
	if code, _, errs := run(t, "reindex", "--data", dir); code != 0 || strings.Contains(errs, "left out of search") {
		t.Fatalf("reindex with the default limits: exit %d\nstderr: %s", code, errs)
	}
	code, _, errs := run(t, "reindex", "--data", dir, "--max-service-text", "10")
	if code != 0 || !strings.Contains(errs, "left out of search") || !strings.Contains(errs, "limit of 10 (MaxServiceText)") {
		t.Errorf("reindex --max-service-text 10: exit %d\nstderr: %s", code, errs)
	}
	for _, args := range [][]string{{"reindex"}, {"serve"}, {"import", src}} {
		cmd := args[0]
		if code, _, errs := run(t, append([]string{cmd, "--data", dir, "--max-word-letters", "0"}, args[1:]...)...); code != 2 || !strings.Contains(errs, "--max-word-letters") {
			t.Errorf("%s --max-word-letters 0: exit %d\nstderr: %s", cmd, code, errs)
		}
	}
}

// --max-area-points is a flag of serve, import and reindex: an import
// under a lower limit drops the area of a service that passes it, naming
// the service, the limit and the flag; the default takes it; 0 is a usage
// error.
func TestAreaPointsFlag(t *testing.T) {
	src := filepath.Join(t.TempDir(), "services.json")
	area := `{\"type\":\"Polygon\",\"coordinates\":[[[-80.9,25.1],[-80.1,25.1],[-80.1,26.0],[-80.5,26.2],[-80.9,26.0],[-80.9,25.1]]]}`
	body := `[{"id":"s1","name":"Keep the Lights On","status":"active","description":"Helps pay electric bills",
		"organization":{"id":"o1","name":"Community Action","description":"Helps"},
		"service_areas":[{"id":"a1","name":"Miami-Dade","extent_type":"geojson","extent":"` + area + `"}]}]`
	if err := os.WriteFile(src, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "import", "--data", t.TempDir(), src)
	if strings.Contains(out, "max-area-points") || !strings.Contains(out, "created 2") {
		t.Errorf("import with the default limit:\n%s", out)
	}
	out = mustRun(t, "import", "--data", t.TempDir(), "--max-area-points", "5", src)
	if !strings.Contains(out, `service "s1"`) || !strings.Contains(out, "6 points, more than the limit of 5") || !strings.Contains(out, "(--max-area-points)") {
		t.Errorf("import --max-area-points 5:\n%s", out)
	}
	dir := t.TempDir()
	for _, args := range [][]string{{"reindex"}, {"serve"}, {"import", src}} {
		cmd := args[0]
		if code, _, errs := run(t, append([]string{cmd, "--data", dir, "--max-area-points", "0"}, args[1:]...)...); code != 2 || !strings.Contains(errs, "--max-area-points") {
			t.Errorf("%s --max-area-points 0: exit %d\nstderr: %s", cmd, code, errs)
		}
	}
}

// refer serve --max-query-length bounds a search's words: past it, 400
// naming the parameter and the flag; 0 is a usage error.
func TestQueryLengthFlag(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "serve", "--data", dir, "--max-query-length", "0"); code != 2 || !strings.Contains(errs, "--max-query-length") {
		t.Errorf("serve --max-query-length 0: exit %d\nstderr: %s", code, errs)
	}
	s := startServe(t, "--data", dir, "--load-sample", "--insecure-no-secret-key", "--max-query-length", "10")
	waitReady(t, s.base)
	for q, want := range map[string]int{"food bank": 200, "food banks near me": 400} {
		resp, err := http.Get(s.base + "/api/v1/search?q=" + strings.ReplaceAll(q, " ", "+"))
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Error struct{ Fields map[string]string }
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != want || want == 400 && !strings.Contains(body.Error.Fields["q"], "limit of 10 for a search (--max-query-length)") {
			t.Errorf("q=%q: %d %+v, want %d", q, resp.StatusCode, body, want)
		}
	}
}
