package index_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
	bbolt "go.etcd.io/bbolt"
)

// A record in the store that cannot be indexed is left out and named; the
// index opens (a build, a replay, a catch-up at start-up) and serves the
// rest. A 300 MB description once stopped serve and reindex on every start.
func TestUnindexableServiceIsSkipped(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fixture.Seed(t, db)
	huge := &resources.Service{ID: "s-huge", OrganizationID: "org", Name: "Huge Pantry", Status: "active",
		Description: strings.Repeat("food ", 4000)}
	fixture.Put(t, db, huge)
	open := func() *index.Index {
		ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: needsOf, MaxServiceText: 10_000})
		if err != nil {
			t.Fatalf("the index did not open: %v", err)
		}
		return ix
	}
	check := func(ix *index.Index, when string) {
		t.Helper()
		if sk := ix.Skipped(); len(sk) != 1 || !strings.HasPrefix(sk[0], "s-huge: ") || !strings.Contains(sk[0], "limit of 10000") {
			t.Errorf("%s: skipped %v", when, sk)
		}
		res, err := ix.Search(ctx, index.Query{Text: "pantry", PerPage: 20})
		if err != nil {
			t.Fatal(err)
		}
		if got := " " + strings.Join(ids(res), " ") + " "; strings.Contains(got, " service:s-huge ") || !strings.Contains(got, "sal-pantry-downtown") {
			t.Errorf("%s: search finds %s", when, got)
		}
	}
	ix := open()
	check(ix, "a build")

	// Written while the index runs: skipped as it follows the store.
	huge2 := *huge
	huge2.ID = "s-huge2"
	fixture.Put(t, db, &huge2)
	if err := ix.Sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if sk := ix.Skipped(); len(sk) != 2 {
		t.Errorf("after a sync: skipped %v", sk)
	}
	// Fixed: back in.
	huge2.Description = "food"
	fixture.Put(t, db, &huge2)
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	check(ix, "after the fix")
	ix.Close()
}

// corrupt writes bytes that do not decode in place of a stored record,
// behind the store's back (as a damaged disk or another program would).
func corrupt(t *testing.T, path string, k resources.Kind, id string) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(k)).Put([]byte(id), []byte("\x00\x00\x00\x00\x00\x00\x00\x07{\"id\": \"broken"))
	}); err != nil {
		t.Fatal(err)
	}
}

// A record whose stored bytes cannot be decoded is left out and named: the
// index builds and serves the rest, and a start-up from the index's
// snapshot names it again. It stopped the build, so serve and reindex
// could not start.
func TestUndecodableRecordIsSkipped(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "refer.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	fixture.Seed(t, db)
	huge := &resources.Service{ID: "s-huge", OrganizationID: "org", Name: "Huge Pantry", Status: "active",
		Description: strings.Repeat("food ", 4000)}
	fixture.Put(t, db, huge)
	db.Close()
	corrupt(t, path, resources.KindService, "s-hotline")
	corrupt(t, path, resources.KindLocation, "l-hialeah")
	if db, err = bolt.Open(path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var logged bytes.Buffer
	open := func() *index.Index {
		t.Helper()
		ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: needsOf, MaxServiceText: 10_000,
			Logger: slog.New(slog.NewTextHandler(&logged, nil))})
		if err != nil {
			t.Fatalf("the index did not open: %v", err)
		}
		return ix
	}
	check := func(ix *index.Index, when string) {
		t.Helper()
		sk := ix.Skipped()
		want := []string{"location l-hialeah: the store holds bytes that do not decode", "s-hotline: the store holds bytes that do not decode", "s-huge: its text is"}
		if len(sk) != len(want) {
			t.Fatalf("%s: skipped %q", when, sk)
		}
		for i, w := range want {
			if !strings.HasPrefix(sk[i], w) {
				t.Errorf("%s: skipped[%d] = %q, want it to start %q", when, i, sk[i], w)
			}
		}
		res, err := ix.Search(ctx, index.Query{Text: "food", PerPage: 20})
		if err != nil {
			t.Fatal(err)
		}
		if got := " " + strings.Join(ids(res), " ") + " "; strings.Contains(got, "s-hotline") || !strings.Contains(got, "sal-pantry-downtown") {
			t.Errorf("%s: search finds %s", when, got)
		}
	}
	ix := open()
	check(ix, "a build")
	if !strings.Contains(logged.String(), "s-hotline") || !strings.Contains(logged.String(), "l-hialeah") {
		t.Errorf("the build logged:\n%s", logged.String())
	}
	ix.Close()
	logged.Reset()
	ix = open()
	if strings.Contains(logged.String(), "building") {
		t.Errorf("the second start-up built the catalog again, not from its snapshot:\n%s", logged.String())
	}
	check(ix, "a start-up from the snapshot")

	// Written again: decodes, and is back in search as the index follows.
	svc := &resources.Service{ID: "s-hotline", OrganizationID: "org", Name: "Food Helpline", Status: "active", Description: "Call to find food near you."}
	fixture.Put(t, db, svc)
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if sk := ix.Skipped(); len(sk) != 2 {
		t.Errorf("after the service was written again: skipped %q", sk)
	}
	ix.Close()
}

// A stored service area past the points limit in force (lowered since it
// was written) is left out of the service's documents and named, and the
// service stays searchable; back under the limit, it is used again. It was
// dropped without a word.
func TestAreaPastTheLimitIsNamed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fixture.Seed(t, db) // s-lights serves Miami-Dade by a 5-point area
	t.Cleanup(func() { resources.SetMaxAreaPoints(0) })
	resources.SetMaxAreaPoints(4)
	var logged bytes.Buffer
	ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: needsOf,
		Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sk := ix.Skipped()
	if len(sk) != 1 || !strings.HasPrefix(sk[0], "service_area s-lights/area: its extent has 5 points, more than the limit of 4") || !strings.Contains(sk[0], "--max-area-points") {
		t.Errorf("skipped %q", sk)
	}
	if !strings.Contains(logged.String(), "service area left out of search") {
		t.Errorf("logged:\n%s", logged.String())
	}
	res, err := ix.Search(ctx, index.Query{Text: "electric", PerPage: 10})
	if err != nil || res.Total == 0 {
		t.Errorf("the service is not searchable: %v %v", res, err)
	}
	// Written again under the default limit: its area is used, and no
	// longer named.
	resources.SetMaxAreaPoints(0)
	svc, err := resources.Get[*resources.Service](ctx, db, "s-lights")
	if err != nil {
		t.Fatal(err)
	}
	svc.Description += " Call first."
	fixture.Put(t, db, svc)
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if sk := ix.Skipped(); len(sk) != 0 {
		t.Errorf("after the write: skipped %q", sk)
	}
}
