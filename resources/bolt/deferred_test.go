package bolt

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// indexes reads db's refs and audit_record buckets, keyed by bucket and
// key.
func indexes(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.db.View(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(bucketAuditRecord).ForEach(func(k, v []byte) error {
			out[fmt.Sprintf("audit_record %q", k)] = string(v)
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket(bucketRefs).ForEach(func(k, v []byte) error {
			out["refs "+string(k)] = string(v)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeferredRefsGiveTheSameIndex: loading a directory, then a changed
// copy of it (services that move to other organizations, sites that move
// to other locations: refs keys deleted and put), into a store that
// defers its refs and audit indexes leaves, once closed, the very indexes
// a store that writes them at once has; several flushes of a few keys
// each are crossed on the way.
func TestDeferredRefsGiveTheSameIndex(t *testing.T) {
	defer func(m, c int) { maxDeferredRefs, refsChunk = m, c }(maxDeferredRefs, refsChunk)
	maxDeferredRefs, refsChunk = 500, 70
	first, second := movingDirectories()
	load := func(opts ...Option) map[string]string {
		dir := t.TempDir()
		db := loadAll(t, filepath.Join(dir, "refer.db"), opts, first, second)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		db, err := Open(filepath.Join(dir, "refer.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		return indexes(t, db)
	}
	want, got := load(), load(WithDeferredRefs())
	audits := 0
	for k := range want {
		if strings.HasPrefix(k, "audit_record ") {
			audits++
		}
	}
	if len(want)-audits < 1000 || audits < 500 {
		t.Fatalf("only %d refs keys and %d audit_record keys: the test crosses too few flushes", len(want)-audits, audits)
	}
	if !maps.Equal(got, want) {
		for k, v := range want {
			switch g, ok := got[k]; {
			case !ok:
				t.Errorf("%s missing from the deferred store", k)
			case g != v:
				t.Errorf("%s: %q in the deferred store, want %q", k, g, v)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s in the deferred store only", k)
			}
		}
	}
}

// loadAll opens the store at path with opts and loads dirs into it.
func loadAll(t *testing.T, path string, opts []Option, dirs ...*hsds.Directory) *DB {
	t.Helper()
	db, err := Open(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if _, err := hsds.Load(context.Background(), db, d); err != nil {
			db.Close()
			t.Fatal(err)
		}
	}
	return db
}

// movingDirectories returns a directory and a changed copy of it, in which
// services move to other organizations and sites to other locations: a
// store loaded with both has refs keys put and then deleted.
func movingDirectories() (first, second *hsds.Directory) {
	first = gen.Generate(200, 3)
	second = gen.Generate(200, 3)
	var orgs, locations []string
	for _, r := range second.Records {
		switch r := r.(type) {
		case *resources.Organization:
			orgs = append(orgs, r.ID)
		case *resources.Location:
			locations = append(locations, r.ID)
		}
	}
	moved := 0
	for _, r := range second.Records {
		switch r := r.(type) {
		case *resources.Service:
			if moved%3 == 0 {
				r.OrganizationID = orgs[moved%len(orgs)]
			}
		case *resources.ServiceAtLocation:
			if moved%3 == 0 {
				r.LocationID = locations[moved%len(locations)]
			}
		}
		moved++
	}
	return first, second
}

// TestListReadsThroughAFlushBehind: while FlushRefsBehind writes the refs
// changes two loads left waiting (keys put, and keys put then deleted as
// records moved), listing a record's children answers at every moment —
// before the flush's first chunk, between any two, after the last — what
// a store that wrote them at once answers, page by page as well.
func TestListReadsThroughAFlushBehind(t *testing.T) {
	defer func(m, c int, w func()) { maxDeferredRefs, refsChunk, chunkWritten = m, c, w }(maxDeferredRefs, refsChunk, chunkWritten)
	maxDeferredRefs, refsChunk = 1<<30, 150 // one flush, the last, of many chunks
	first, second := movingDirectories()
	want := loadAll(t, filepath.Join(t.TempDir(), "refer.db"), nil, first, second)
	defer want.Close()
	got := loadAll(t, filepath.Join(t.TempDir(), "refer.db"), []Option{WithDeferredRefs()}, first, second)
	defer got.Close()

	type parentOf struct {
		child  resources.Kind
		parent resources.Ref
	}
	var lists []parentOf
	for _, r := range second.Records {
		switch r := r.(type) {
		case *resources.Organization:
			lists = append(lists, parentOf{resources.KindService, resources.Ref{Kind: resources.KindOrganization, ID: r.ID}})
		case *resources.Service:
			lists = append(lists, parentOf{resources.KindServiceAtLocation, resources.Ref{Kind: resources.KindService, ID: r.ID}})
		case *resources.Location:
			lists = append(lists, parentOf{resources.KindServiceAtLocation, resources.Ref{Kind: resources.KindLocation, ID: r.ID}})
		}
	}
	ctx := context.Background()
	// ids lists the children of p in db, in pages of two.
	ids := func(db resources.Reader, p parentOf) ([]string, error) {
		var out []string
		for after := ""; ; {
			page, err := db.List(ctx, p.child, resources.ListOptions{Of: p.parent, After: after, Limit: 2})
			if err != nil {
				return nil, err
			}
			for _, r := range page {
				out = append(out, r.RecordID())
			}
			if len(page) < 2 {
				return out, nil
			}
			after = out[len(out)-1]
		}
	}
	wanted := make([][]string, len(lists))
	children := 0
	for i, p := range lists {
		var err error
		if wanted[i], err = ids(want, p); err != nil {
			t.Fatal(err)
		}
		children += len(wanted[i])
	}
	if _, err := got.List(ctx, lists[0].child, resources.ListOptions{Of: lists[0].parent}); !errors.Is(err, ErrRefsDeferred) {
		t.Fatalf("before the flush, listing children: %v, want ErrRefsDeferred", err)
	}
	moments := 0
	checkIn := func(r resources.Reader, when string) {
		for i, p := range lists {
			ids, err := ids(r, p)
			if err != nil {
				t.Errorf("%s, the %s of %s %s: %v", when, p.child, p.parent.Kind, p.parent.ID, err)
				return
			}
			if !slices.Equal(ids, wanted[i]) {
				t.Errorf("%s, the %s of %s %s: %q, want %q", when, p.child, p.parent.Kind, p.parent.ID, ids, wanted[i])
			}
		}
	}
	check := func(when string) {
		moments++
		checkIn(got, when)
	}
	// A view begun after the flush's first chunk lists once the flush has
	// ended: its transaction holds some chunks only, and the changes it
	// reads over them are those taken as it began.
	flushed, viewed := make(chan struct{}), make(chan error, 1)
	chunkWritten = func() {
		if moments == 1 {
			opened := make(chan struct{})
			go func() {
				viewed <- got.View(ctx, func(r resources.Reader) error {
					close(opened)
					<-flushed
					checkIn(r, "in a view begun during the flush, after it")
					return nil
				})
			}()
			<-opened
		}
		check(fmt.Sprintf("after the flush's chunk %d", moments))
	}
	wait := got.FlushRefsBehind()
	check("as the flush starts")
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	close(flushed)
	if err := <-viewed; err != nil {
		t.Fatal(err)
	}
	check("after the flush")
	if moments < 10 || children < 400 {
		t.Fatalf("%d children listed at %d moments: the test crosses too little", children, moments)
	}
}

// TestDeferredRefsRefuseWhatNeedsThem: while refs changes wait, listing a
// record's children, deleting and reading the audit trail refuse with
// ErrRefsDeferred rather than answer from part of an index; once flushed,
// they answer.
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
	// In a view too; what needs no refs is read there all the same.
	err = db.View(ctx, func(r resources.Reader) error {
		if _, err := r.List(ctx, resources.KindServiceAtLocation, of); !errors.Is(err, ErrRefsDeferred) {
			t.Errorf("listing a service's sites in a view with its refs unwritten: %v, want ErrRefsDeferred", err)
		}
		if _, err := r.Get(ctx, resources.KindService, svc.ID); err != nil {
			t.Errorf("getting a service in a view with its refs unwritten: %v", err)
		}
		all, err := r.List(ctx, resources.KindServiceAtLocation, resources.ListOptions{})
		if err != nil || len(all) == 0 {
			t.Errorf("listing every site in a view with the refs unwritten: %d, %v", len(all), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(ctx, resources.KindService, svc.ID, 0); !errors.Is(err, ErrRefsDeferred) {
		t.Errorf("deleting with the refs unwritten: %v, want ErrRefsDeferred", err)
	}
	audit := resources.AuditQuery{RecordID: svc.ID}
	if _, err := db.Audit(ctx, audit); !errors.Is(err, ErrRefsDeferred) {
		t.Errorf("reading a service's audit trail with its index unwritten: %v, want ErrRefsDeferred", err)
	}
	if err := db.FlushRefs(); err != nil {
		t.Fatal(err)
	}
	sites, err := db.List(ctx, resources.KindServiceAtLocation, of)
	if err != nil || len(sites) == 0 {
		t.Errorf("after FlushRefs, the service's sites: %d, %v", len(sites), err)
	}
	if entries, err := db.Audit(ctx, audit); err != nil || len(entries) != 1 || entries[0].Action != resources.ActionCreate {
		t.Errorf("after FlushRefs, the service's audit trail: %+v, %v; want its creation", entries, err)
	}
}

// TestDeferredRefsOnAFullDisk: a flush the disk cannot take says so
// (EFULL, as any write) and keeps what it could not write, refs changes
// and audit keys alike, so that nothing is lost silently and what needs
// them is still refused meanwhile.
func TestDeferredRefsOnAFullDisk(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "refer.db"), WithDeferredRefs(), WithMaxSize(2<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer db.db.Close() // not Close: it would flush again
	// Records fill the file to near its cap; their refs wait in memory.
	d := gen.Generate(60, 2)
	if _, err := hsds.Load(ctx, db, d); err != nil {
		t.Fatalf("the records were to fit: %v", err)
	}
	for i := range 40_000 {
		db.deferred.pending[fmt.Sprintf("organization/o%06d/service/%s", i, strings.Repeat("x", 60))] = refChange{field: "organization_id"}
		db.deferred.audit = append(db.deferred.audit, auditRecordKey(fmt.Sprintf("s%06d-%s", i, strings.Repeat("x", 60)), uint64(i)))
	}
	err = db.FlushRefs()
	if resources.ErrorCode(err) != resources.EFULL {
		t.Fatalf("a flush past the disk's room: %v, want storage_full", err)
	}
	if !db.refsDeferred() || !db.auditDeferred() {
		t.Errorf("after a flush that failed, refs said to wait: %v, audit keys: %v; want both", db.refsDeferred(), db.auditDeferred())
	}
	if _, err := db.Audit(ctx, resources.AuditQuery{}); !errors.Is(err, ErrRefsDeferred) {
		t.Errorf("reading the audit trail after a failed flush: %v, want ErrRefsDeferred", err)
	}
	of := resources.ListOptions{Of: resources.Ref{Kind: resources.KindOrganization, ID: "o000001"}}
	if _, err := db.List(ctx, resources.KindService, of); !errors.Is(err, ErrRefsDeferred) {
		t.Errorf("listing children after a failed flush: %v, want ErrRefsDeferred", err)
	}
	// A flush behind fails the same way, and lets go of the changes it
	// was writing: what is listed is again refused, not read through them.
	if err := db.FlushRefsBehind()(); resources.ErrorCode(err) != resources.EFULL {
		t.Fatalf("a flush behind past the disk's room: %v, want storage_full", err)
	}
	if _, err := db.List(ctx, resources.KindService, of); !errors.Is(err, ErrRefsDeferred) {
		t.Errorf("listing children after a failed flush behind: %v, want ErrRefsDeferred", err)
	}
	if len(db.deferred.pending) < 40_000 {
		t.Errorf("after a failed flush behind, %d refs changes kept, want the 40,000 and more", len(db.deferred.pending))
	}
}
