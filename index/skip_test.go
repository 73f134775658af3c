package index_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
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
