package bolt

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// refsIndex reads the refs bucket of the store at path.
func refsIndex(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketRefs).ForEach(func(k, v []byte) error {
			out[string(k)] = string(v)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeferredRefsGiveTheSameIndex: loading a directory, then a changed
// copy of it (services that move to other organizations, sites that go),
// into a store that defers its refs index leaves, once closed, the very
// index a store that writes it at once has; several flushes of a few
// keys each are crossed on the way. Until then, what needs the index
// refuses with ErrRefsDeferred rather than answer from half of it.
func TestDeferredRefsGiveTheSameIndex(t *testing.T) {
	defer func(m, c int) { maxDeferredRefs, refsChunk = m, c }(maxDeferredRefs, refsChunk)
	maxDeferredRefs, refsChunk = 500, 70
	ctx := context.Background()
	first := gen.Generate(200, 3)
	second := gen.Generate(200, 3)
	var orgs []string
	for _, r := range second.Records {
		if o, ok := r.(*resources.Organization); ok {
			orgs = append(orgs, o.ID)
		}
	}
	moved, kept := 0, second.Records[:0]
	for _, r := range second.Records {
		switch r := r.(type) {
		case *resources.Service:
			if moved%3 == 0 {
				r.OrganizationID = orgs[moved%len(orgs)]
			}
			moved++
		case *resources.ServiceAtLocation:
			r.LocationID = "" // left out below: the site goes
		}
		if sal, ok := r.(*resources.ServiceAtLocation); !ok || sal.LocationID != "" {
			kept = append(kept, r)
		}
	}
	second.Records = kept

	load := func(opts ...Option) map[string]string {
		dir := t.TempDir()
		db, err := Open(filepath.Join(dir, "refer.db"), opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []*hsds.Directory{first, second} {
			if _, err := hsds.Load(ctx, db, d); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if db, err = Open(filepath.Join(dir, "refer.db")); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		return refsIndex(t, db)
	}
	want, got := load(), load(WithDeferredRefs())
	if len(want) < 1000 {
		t.Fatalf("only %d refs keys: the test crosses too few flushes", len(want))
	}
	if !maps.Equal(got, want) {
		for k, v := range want {
			if g, ok := got[k]; !ok || g != v {
				t.Errorf("refs %s: %q in the deferred store, want %q", k, g, v)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("refs %s in the deferred store only", k)
			}
		}
	}
}

func TestDeferredRefsRefuseWhatNeedsThem(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "refer.db"), WithDeferredRefs())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := gen.Generate(3, 1)
	if _, err := hsds.Load(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	var svc *resources.Service
	for _, r := range d.Records {
		if s, ok := r.(*resources.Service); ok {
			svc = s
		}
	}
	of := resources.ListOptions{Of: resources.Ref{Kind: resources.KindService, ID: svc.ID}}
	if _, err := db.List(ctx, resources.KindServiceAtLocation, of); !errors.Is(err, ErrRefsDeferred) {
		t.Errorf("listing a service's sites with its refs unwritten: %v, want ErrRefsDeferred", err)
	}
	if err := db.Delete(ctx, resources.KindService, svc.ID, 0); !errors.Is(err, ErrRefsDeferred) {
		t.Errorf("deleting with the refs unwritten: %v, want ErrRefsDeferred", err)
	}
	if err := db.FlushRefs(); err != nil {
		t.Fatal(err)
	}
	sites, err := db.List(ctx, resources.KindServiceAtLocation, of)
	if err != nil || len(sites) == 0 {
		t.Errorf("after FlushRefs, the service's sites: %d, %v", len(sites), err)
	}
}
