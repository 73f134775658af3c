package index_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// refresh runs index.Refresh on the env's store and index folder.
func (f *env) refresh(t *testing.T) index.Refreshed {
	t.Helper()
	done, err := index.Refresh(context.Background(), index.Config{Dir: filepath.Join(f.dir, "index"), Store: f.store, NeedsOf: needsOf})
	if err != nil {
		t.Fatal(err)
	}
	return done
}

// openLogged opens the env's index with a log it returns.
func (f *env) openLogged(t *testing.T) (*index.Index, *bytes.Buffer) {
	t.Helper()
	var logged bytes.Buffer
	ix, err := index.Open(context.Background(), index.Config{Dir: filepath.Join(f.dir, "index"), Store: f.store, NeedsOf: needsOf,
		Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.ix = ix // closed when the test ends
	return ix, &logged
}

// TestRefresh: the index an import or reindex leaves (built with no
// catalog in memory, its snapshot written document by document) is the one
// a server builds, and a server opens it from the snapshot, building
// nothing; an index a few changes behind is caught up.
func TestRefresh(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	want := everything(t, f.ix)
	wantLen := f.ix.Len()
	f.ix.Close()
	f.ix = nil
	os.RemoveAll(filepath.Join(f.dir, "index"))
	os.Remove(filepath.Join(f.dir, "index.catalog"))

	if done := f.refresh(t); done.Documents != wantLen || len(done.Skipped) != 0 {
		t.Errorf("Refresh built %+v, want %d documents", done, wantLen)
	}
	ix, logged := f.openLogged(t)
	if strings.Contains(logged.String(), "building") {
		t.Errorf("opening after Refresh built again:\n%s", logged)
	}
	if got := everything(t, ix); got != want {
		t.Errorf("after Refresh:\n%s\nwant:\n%s", got, want)
	}
	ix.Close()
	f.ix = nil

	// A change the index has not seen: Refresh replays it.
	fixture.Put(t, f.store, &resources.ServiceAtLocation{ID: "sal-rent-downtown", ServiceID: "s-rent", LocationID: "l-downtown"})
	if done := f.refresh(t); done.Documents != wantLen+1 {
		t.Errorf("Refresh after one new site: %d documents, want %d", done.Documents, wantLen+1)
	}
	ix, logged = f.openLogged(t)
	if strings.Contains(logged.String(), "building") {
		t.Errorf("opening after a caught-up Refresh built again:\n%s", logged)
	}
	if got := everything(t, ix); !strings.Contains(got, "sal-rent-downtown") {
		t.Errorf("the new site is not in the index:\n%s", got)
	}
}
