package bolt_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// MustOpen opens a store in a fresh temporary folder and closes it when the
// test ends.
func MustOpen(tb testing.TB, opts ...bolt.Option) *bolt.DB {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(tb.TempDir(), "refer.db"), opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

var (
	ctx = context.Background()
	// clock is the time every test store stamps on writes.
	clock = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC)
	// stamp is what clock becomes as a last_modified.
	stamp = clock.Truncate(time.Second)
)

func withClock() bolt.Option { return bolt.WithClock(func() time.Time { return clock }) }

func org(id string) *resources.Organization {
	return &resources.Organization{ID: id, Name: "Org " + id, Description: "helps"}
}

func svc(id, orgID string) *resources.Service {
	return &resources.Service{ID: id, OrganizationID: orgID, Name: "Service " + id, Status: resources.StatusActive}
}

func loc(id, orgID string) *resources.Location {
	return &resources.Location{ID: id, OrganizationID: orgID, LocationType: resources.LocationPhysical}
}

func sal(id, serviceID, locationID string) *resources.ServiceAtLocation {
	return &resources.ServiceAtLocation{ID: id, ServiceID: serviceID, LocationID: locationID}
}

func taxonomy(id string) *resources.Taxonomy {
	return &resources.Taxonomy{ID: id, Name: "Taxonomy " + id, Description: "terms"}
}

func term(id, taxonomyID string) *resources.TaxonomyTerm {
	return &resources.TaxonomyTerm{ID: id, Name: "Term " + id, Description: "a term", TaxonomyID: taxonomyID}
}

func attr(id, termID string) resources.Attribute {
	return resources.Attribute{ID: id, TaxonomyTermID: termID}
}

// seed stores a small directory in which every kind of link appears:
// taxonomy tx ← term tt ← service s1's attribute; organization o1 ← program
// p1, location l1, service s1 ← service_at_location sl1.
func seed(t *testing.T, db *bolt.DB) {
	t.Helper()
	s1 := svc("s1", "o1")
	s1.ProgramID = "p1"
	s1.Attributes = []resources.Attribute{attr("a1", "tt")}
	res, err := db.PutBatch(ctx, []resources.Record{
		taxonomy("tx"), term("tt", "tx"), org("o1"),
		&resources.Program{ID: "p1", OrganizationID: "o1", Name: "Program"},
		loc("l1", "o1"), s1, sal("sl1", "s1", "l1"),
	})
	if err != nil || len(res.Rejected) > 0 {
		t.Fatalf("seed: %v %v", err, res.Rejected)
	}
}

func mustCreate(t *testing.T, db *bolt.DB, rs ...resources.Record) {
	t.Helper()
	for _, r := range rs {
		if _, err := db.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

func version(r resources.Record) uint64 { return resources.TrackedOf(r).Version }

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := resources.ErrorCode(err); got != code {
		t.Fatalf("%s: code %q, want %q (err: %v)", what, got, code, err)
	}
}

func TestRoundTrip(t *testing.T) {
	db := MustOpen(t, withClock())

	in := org("o1")
	created, err := db.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if version(created) != 1 {
		t.Errorf("created at version %d, want 1", version(created))
	}
	if lm := resources.TrackedOf(created).LastModified; lm == nil || !lm.Equal(stamp) {
		t.Errorf("last_modified %v, want %v", lm, stamp)
	}
	if in.LastModified != nil || in.Tracked.Version != 0 {
		t.Errorf("Create changed the caller's record: %+v", in.Tracked)
	}
	got, err := resources.Get[*resources.Organization](ctx, db, "o1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, created) {
		t.Errorf("Get = %+v, want what Create returned, %+v", got, created)
	}

	got.Name = "Renamed"
	updated, err := db.Update(ctx, got, 1)
	if err != nil {
		t.Fatal(err)
	}
	if version(updated) != 2 || updated.(*resources.Organization).Name != "Renamed" {
		t.Errorf("Update returned %+v at version %d", updated, version(updated))
	}
	_, err = db.Update(ctx, got, 1) // read at 1, written since
	wantCode(t, "stale update", err, resources.ECONFLICT)
	got.Name = "Renamed again" // a write that changes nothing keeps the version
	if _, err := db.Update(ctx, got, 0); err != nil {
		t.Fatalf("unconditional update: %v", err)
	}
	wantCode(t, "stale delete", db.Delete(ctx, resources.KindOrganization, "o1", 2), resources.ECONFLICT)
	if err := db.Delete(ctx, resources.KindOrganization, "o1", 3); err != nil {
		t.Fatal(err)
	}
	_, err = db.Get(ctx, resources.KindOrganization, "o1")
	wantCode(t, "get deleted", err, resources.ENOTFOUND)

	// A new record under a deleted id starts over.
	again, err := db.Create(ctx, org("o1"))
	if err != nil || version(again) != 1 {
		t.Fatalf("create again: version %v, %v", again, err)
	}
}

func TestErrors(t *testing.T) {
	s2 := svc("s2", "o1")
	s2.Attributes = []resources.Attribute{attr("a1", "tt"), attr("a2", "nope")}
	tests := []struct {
		name  string
		do    func(db *bolt.DB) error
		code  string
		field string // for EINVALID: a field the error must name
	}{
		{"create taken id", func(db *bolt.DB) error { _, err := db.Create(ctx, org("o1")); return err }, resources.ECONFLICT, ""},
		{"update missing", func(db *bolt.DB) error { _, err := db.Update(ctx, org("o9"), 0); return err }, resources.ENOTFOUND, ""},
		{"update missing with version", func(db *bolt.DB) error { _, err := db.Update(ctx, org("o9"), 1); return err }, resources.ENOTFOUND, ""},
		{"delete missing", func(db *bolt.DB) error { return db.Delete(ctx, resources.KindService, "s9", 0) }, resources.ENOTFOUND, ""},
		{"get missing", func(db *bolt.DB) error { _, err := db.Get(ctx, resources.KindService, "s9"); return err }, resources.ENOTFOUND, ""},
		{"get unknown kind", func(db *bolt.DB) error { _, err := db.Get(ctx, "refs", "x"); return err }, resources.EINVALID, ""},
		{"count unknown kind", func(db *bolt.DB) error { _, err := db.Count(ctx, "log"); return err }, resources.EINVALID, ""},
		{"create invalid", func(db *bolt.DB) error {
			_, err := db.Create(ctx, &resources.Organization{ID: "o2"})
			return err
		}, resources.EINVALID, "name"},
		{"update invalid", func(db *bolt.DB) error {
			s := svc("s1", "o1")
			s.Status = "open"
			_, err := db.Update(ctx, s, 0)
			return err
		}, resources.EINVALID, "status"},
		{"service of missing organization", func(db *bolt.DB) error { _, err := db.Create(ctx, svc("s2", "o9")); return err }, resources.EINVALID, "organization_id"},
		{"service of missing program", func(db *bolt.DB) error {
			s := svc("s2", "o1")
			s.ProgramID = "p9"
			_, err := db.Create(ctx, s)
			return err
		}, resources.EINVALID, "program_id"},
		{"move service to missing organization", func(db *bolt.DB) error { _, err := db.Update(ctx, svc("s1", "o9"), 0); return err }, resources.EINVALID, "organization_id"},
		{"service_at_location of missing location", func(db *bolt.DB) error {
			_, err := db.Create(ctx, sal("sl2", "s1", "l9"))
			return err
		}, resources.EINVALID, "location_id"},
		{"attribute of missing term", func(db *bolt.DB) error { _, err := db.Create(ctx, s2); return err }, resources.EINVALID, "attributes[1].taxonomy_term_id"},
		{"term of missing taxonomy", func(db *bolt.DB) error { _, err := db.Create(ctx, term("t2", "tx9")); return err }, resources.EINVALID, "taxonomy_id"},
		{"delete organization with services", func(db *bolt.DB) error { return db.Delete(ctx, resources.KindOrganization, "o1", 0) }, resources.ECONFLICT, ""},
		{"delete location in use", func(db *bolt.DB) error { return db.Delete(ctx, resources.KindLocation, "l1", 0) }, resources.ECONFLICT, ""},
		{"delete service in use", func(db *bolt.DB) error { return db.Delete(ctx, resources.KindService, "s1", 0) }, resources.ECONFLICT, ""},
		{"delete program in use", func(db *bolt.DB) error { return db.Delete(ctx, resources.KindProgram, "p1", 0) }, resources.ECONFLICT, ""},
		{"delete term in an attribute", func(db *bolt.DB) error { return db.Delete(ctx, resources.KindTaxonomyTerm, "tt", 0) }, resources.ECONFLICT, ""},
		{"delete taxonomy with terms", func(db *bolt.DB) error { return db.Delete(ctx, resources.KindTaxonomy, "tx", 0) }, resources.ECONFLICT, ""},
		{"list under an unknown kind", func(db *bolt.DB) error {
			_, err := db.List(ctx, resources.KindService, resources.ListOptions{Of: resources.Ref{Kind: "agency", ID: "o1"}})
			return err
		}, resources.EINVALID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			seed(t, db)
			before, _ := db.LastSeq(ctx)
			err := tt.do(db)
			wantCode(t, tt.name, err, tt.code)
			if tt.field != "" {
				if _, ok := resources.ErrorFields(err)[tt.field]; !ok {
					t.Errorf("fields %v do not name %s", resources.ErrorFields(err), tt.field)
				}
			}
			if after, _ := db.LastSeq(ctx); after != before {
				t.Errorf("a refused call logged changes: seq %d → %d", before, after)
			}
		})
	}
}

// TestDeleteFreesReferences deletes the seeded directory children first, as
// refs require, and checks each parent can go once its last child has.
func TestDeleteFreesReferences(t *testing.T) {
	db := MustOpen(t)
	seed(t, db)
	steps := []struct {
		kind resources.Kind
		id   string
		code string
	}{
		{resources.KindOrganization, "o1", resources.ECONFLICT},
		{resources.KindServiceAtLocation, "sl1", ""},
		{resources.KindLocation, "l1", ""},
		{resources.KindService, "s1", ""},
		{resources.KindTaxonomyTerm, "tt", ""},
		{resources.KindTaxonomy, "tx", ""},
		{resources.KindOrganization, "o1", resources.ECONFLICT}, // program p1 is left
		{resources.KindProgram, "p1", ""},
		{resources.KindOrganization, "o1", ""},
	}
	for _, s := range steps {
		err := db.Delete(ctx, s.kind, s.id, 0)
		wantCode(t, fmt.Sprintf("delete %s %s", s.kind, s.id), err, s.code)
	}
	for _, k := range resources.Kinds {
		if n, err := db.Count(ctx, k); err != nil || n != 0 {
			t.Errorf("Count(%s) = %d, %v; want 0", k, n, err)
		}
	}
}

// TestUpdateMovesReferences checks that an update drops the links it no
// longer has: once s1 names no attribute, its term may be deleted.
func TestUpdateMovesReferences(t *testing.T) {
	db := MustOpen(t)
	seed(t, db)
	s1 := svc("s1", "o1")
	s1.ProgramID = "p1"
	if _, err := db.Update(ctx, s1, 0); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(ctx, resources.KindTaxonomyTerm, "tt", 0); err != nil {
		t.Errorf("term still held after the attribute was removed: %v", err)
	}
}

func ids(rs []resources.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.RecordID()
	}
	return out
}

func TestList(t *testing.T) {
	db := MustOpen(t)
	mustCreate(t, db, org("o1"), org("o2"))
	for _, id := range []string{"s3", "s1", "s2", "s10", "s4"} {
		mustCreate(t, db, svc(id, "o1"))
	}
	mustCreate(t, db, svc("s0", "o2"), loc("l1", "o1"))

	tests := []struct {
		name string
		opts resources.ListOptions
		want []string
	}{
		{"all", resources.ListOptions{}, []string{"s0", "s1", "s10", "s2", "s3", "s4"}},
		{"first page", resources.ListOptions{Limit: 2}, []string{"s0", "s1"}},
		{"next page", resources.ListOptions{After: "s1", Limit: 2}, []string{"s10", "s2"}},
		{"last page", resources.ListOptions{After: "s3", Limit: 2}, []string{"s4"}},
		{"after the end", resources.ListOptions{After: "s4"}, nil},
		{"after an id not stored", resources.ListOptions{After: "s11"}, []string{"s2", "s3", "s4"}},
		{"of o1", resources.ListOptions{Of: resources.Ref{Kind: resources.KindOrganization, ID: "o1"}}, []string{"s1", "s10", "s2", "s3", "s4"}},
		{"of o1, paged", resources.ListOptions{Of: resources.Ref{Kind: resources.KindOrganization, ID: "o1"}, After: "s10", Limit: 2}, []string{"s2", "s3"}},
		{"of o2", resources.ListOptions{Of: resources.Ref{Kind: resources.KindOrganization, ID: "o2"}}, []string{"s0"}},
		{"of an organization with none", resources.ListOptions{Of: resources.Ref{Kind: resources.KindOrganization, ID: "o9"}}, nil},
		{"of an id with a slash", resources.ListOptions{Of: resources.Ref{Kind: resources.KindOrganization, ID: "o1/service"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.List(ctx, resources.KindService, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(got); !reflect.DeepEqual(g, tt.want) && !(len(g) == 0 && len(tt.want) == 0) {
				t.Errorf("List(%+v) = %v, want %v", tt.opts, g, tt.want)
			}
		})
	}

	// Moving a service moves it between the organizations' lists, and a
	// deleted one leaves them.
	if _, err := db.Update(ctx, svc("s2", "o2"), 0); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(ctx, resources.KindService, "s3", 0); err != nil {
		t.Fatal(err)
	}
	for orgID, want := range map[string][]string{"o1": {"s1", "s10", "s4"}, "o2": {"s0", "s2"}} {
		got, err := db.List(ctx, resources.KindService, resources.ListOptions{Of: resources.Ref{Kind: resources.KindOrganization, ID: orgID}})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ids(got), want) {
			t.Errorf("services of %s after the move: %v, want %v", orgID, ids(got), want)
		}
	}
	locs, err := db.List(ctx, resources.KindLocation, resources.ListOptions{Of: resources.Ref{Kind: resources.KindOrganization, ID: "o1"}})
	if err != nil || !reflect.DeepEqual(ids(locs), []string{"l1"}) {
		t.Errorf("locations of o1: %v, %v", ids(locs), err)
	}
	if n, err := db.Count(ctx, resources.KindService); err != nil || n != 5 {
		t.Errorf("Count = %d, %v; want 5", n, err)
	}
}

func TestPutBatch(t *testing.T) {
	db := MustOpen(t, withClock())
	batch := func() []resources.Record {
		given := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("EST", -5*3600))
		s2 := svc("s2", "o1")
		s2.LastModified = &given // a source's own value is kept
		return []resources.Record{org("o1"), loc("l1", "o1"), svc("s1", "o1"), s2, sal("sl1", "s1", "l1")}
	}
	res, err := db.PutBatch(ctx, batch())
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 5 || res.Updated != 0 || res.Unchanged != 0 || len(res.Rejected) != 0 {
		t.Fatalf("first batch: %+v", res)
	}
	seq, _ := db.LastSeq(ctx)
	if seq != 5 {
		t.Fatalf("LastSeq = %d after 5 writes", seq)
	}
	s1, _ := resources.Get[*resources.Service](ctx, db, "s1")
	if s1.LastModified == nil || !s1.LastModified.Equal(stamp) {
		t.Errorf("s1 last_modified %v, want the write's time %v", s1.LastModified, stamp)
	}
	s2, _ := resources.Get[*resources.Service](ctx, db, "s2")
	if s2.LastModified == nil || s2.LastModified.Format(time.RFC3339) != "2024-01-02T03:04:05-05:00" {
		t.Errorf("s2 last_modified %v, want the source's", s2.LastModified)
	}

	res, err = db.PutBatch(ctx, batch())
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != 5 || res.Created != 0 || res.Updated != 0 {
		t.Errorf("same batch again: %+v, want all 5 unchanged", res)
	}
	if again, _ := db.LastSeq(ctx); again != seq {
		t.Errorf("an unchanged batch logged changes: seq %d → %d", seq, again)
	}
	if got, _ := resources.Get[*resources.Service](ctx, db, "s1"); version(got) != 1 {
		t.Errorf("unchanged s1 went to version %d", version(got))
	}

	// One record changes: only it is written, and its version moves on.
	b := batch()
	b[2].(*resources.Service).Description = "now with a description"
	res, err = db.PutBatch(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 1 || res.Unchanged != 4 {
		t.Errorf("batch with one change: %+v", res)
	}
	changes, _ := db.Changes(ctx, seq, 0)
	want := []resources.Change{{Seq: 6, Kind: resources.KindService, ID: "s1", Version: 2}}
	if !reflect.DeepEqual(changes, want) {
		t.Errorf("changes %+v, want %+v", changes, want)
	}
}

func TestPutBatchRejects(t *testing.T) {
	db := MustOpen(t)
	nan := math.NaN()
	badTZ := svc("s5", "o1")
	badTZ.Schedules = []resources.Schedule{{ID: "sch", Timezone: &nan}}
	rs := []resources.Record{
		org("o1"),
		svc("s1", "o1"),
		&resources.Service{ID: "s2", OrganizationID: "o1", Status: resources.StatusActive}, // no name
		svc("s3", "o9"),        // no such organization
		sal("sl1", "s3", "l1"), // names the rejected s3 and a location never given
		nil,
		badTZ, // NaN cannot be written as JSON
		svc("s4", "o1"),
	}
	res, err := db.PutBatch(ctx, rs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 3 || len(res.Rejected) != 5 {
		t.Fatalf("got %+v, want 3 created and 5 rejected", res)
	}
	for _, err := range res.Rejected {
		wantCode(t, "rejected record", err, resources.EINVALID)
	}
	for i, id := range []string{"s2", "s3", "sl1"} {
		if !strings.Contains(res.Rejected[i].Error(), fmt.Sprintf("%q", id)) {
			t.Errorf("rejection %q does not name %s", res.Rejected[i], id)
		}
	}
	got, _ := db.List(ctx, resources.KindService, resources.ListOptions{})
	if !reflect.DeepEqual(ids(got), []string{"s1", "s4"}) {
		t.Errorf("stored services %v, want s1 s4", ids(got))
	}
	if seq, _ := db.LastSeq(ctx); seq != 3 {
		t.Errorf("LastSeq = %d, want 3: rejected records must log nothing", seq)
	}
}

func TestPutBatchCancelled(t *testing.T) {
	db := MustOpen(t)
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.PutBatch(c, []resources.Record{org("o1")}); err == nil {
		t.Fatal("PutBatch with a cancelled context succeeded")
	}
	if _, err := db.Get(c, resources.KindOrganization, "o1"); err == nil {
		t.Fatal("Get with a cancelled context succeeded")
	}
	if n, _ := db.Count(ctx, resources.KindOrganization); n != 0 {
		t.Errorf("a cancelled batch wrote %d records", n)
	}
}

// A write that changes nothing (an editor's PUT of what they read) writes
// nothing: no version, no change, no audit entry.
func TestUpdateThatChangesNothing(t *testing.T) {
	db := MustOpen(t)
	mustCreate(t, db, org("o1"))
	same, err := db.Update(ctx, org("o1"), 1)
	if err != nil || version(same) != 1 {
		t.Fatalf("the same record again: version %d, %v", version(same), err)
	}
	changes, err := db.Changes(ctx, 0, 100)
	if err != nil || len(changes) != 1 {
		t.Errorf("changes after a write of nothing: %+v, %v", changes, err)
	}
}

func TestChanges(t *testing.T) {
	db := MustOpen(t)
	mustCreate(t, db, org("o1"), svc("s1", "o1"))
	changed := svc("s1", "o1")
	changed.Description = "changed"
	if _, err := db.Update(ctx, changed, 1); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(ctx, resources.KindService, "s1", 2); err != nil {
		t.Fatal(err)
	}
	want := []resources.Change{
		{Seq: 1, Kind: resources.KindOrganization, ID: "o1", Version: 1},
		{Seq: 2, Kind: resources.KindService, ID: "s1", Version: 1},
		{Seq: 3, Kind: resources.KindService, ID: "s1", Version: 2},
		{Seq: 4, Kind: resources.KindService, ID: "s1", Version: 2, Deleted: true},
	}
	tests := []struct {
		after uint64
		limit int
		want  []resources.Change
	}{
		{0, 0, want},
		{0, 2, want[:2]},
		{2, 1, want[2:3]},
		{3, 10, want[3:]},
		{4, 0, nil},
		{math.MaxUint64, 0, nil},
	}
	for _, tt := range tests {
		got, err := db.Changes(ctx, tt.after, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("Changes(%d, %d) = %+v, want %+v", tt.after, tt.limit, got, tt.want)
		}
	}
	if seq, err := db.LastSeq(ctx); err != nil || seq != 4 {
		t.Errorf("LastSeq = %d, %v; want 4", seq, err)
	}
}

// TestConcurrentUpdates races writers that each read a version and write
// with it as ifVersion: every version must have exactly one winner.
func TestConcurrentUpdates(t *testing.T) {
	db := MustOpen(t)
	mustCreate(t, db, org("o1"))
	const workers = 8

	// All at once against version 1.
	var wg sync.WaitGroup
	start := make(chan struct{})
	wins := make([]bool, workers)
	for w := range workers {
		wg.Go(func() {
			o := org("o1")
			o.Description = fmt.Sprint("worker ", w)
			<-start
			_, err := db.Update(ctx, o, 1)
			switch resources.ErrorCode(err) {
			case "":
				wins[w] = true
			case resources.ECONFLICT:
			default:
				t.Errorf("worker %d: %v", w, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := count(wins); n != 1 {
		t.Fatalf("%d writers won version 1, want exactly 1", n)
	}

	// Read-modify-write loops.
	var mu sync.Mutex
	won := map[uint64]int{}
	for w := range workers {
		wg.Go(func() {
			for range 20 {
				cur, err := resources.Get[*resources.Organization](ctx, db, "o1")
				if err != nil {
					t.Error(err)
					return
				}
				cur.Description = fmt.Sprint("worker ", w)
				out, err := db.Update(ctx, cur, version(cur))
				switch code := resources.ErrorCode(err); {
				case code == "" && version(out) == version(cur):
					// The description was this worker's already: a write
					// that changes nothing keeps the version.
				case code == "":
					mu.Lock()
					won[version(cur)]++
					mu.Unlock()
				case code == resources.ECONFLICT:
				default:
					t.Errorf("worker %d: %v", w, err)
				}
			}
		})
	}
	wg.Wait()
	for v, n := range won {
		if n != 1 {
			t.Errorf("version %d had %d winners", v, n)
		}
	}
	final, _ := db.Get(ctx, resources.KindOrganization, "o1")
	if want := uint64(2 + len(won)); version(final) != want {
		t.Errorf("final version %d, want %d (2 + %d wins)", version(final), want, len(won))
	}
}

func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func TestOpenInUse(t *testing.T) {
	db := MustOpen(t)
	start := time.Now()
	other, err := bolt.Open(db.Path())
	elapsed := time.Since(start)
	if err == nil {
		other.Close()
		t.Fatal("a second Open of a held file succeeded")
	}
	if !strings.Contains(err.Error(), "in use") {
		t.Errorf("error %q does not say the store is in use", err)
	}
	wantCode(t, "second open", err, resources.ECONFLICT)
	if elapsed > 1500*time.Millisecond {
		t.Errorf("second Open took %v to give up", elapsed)
	}
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "refer.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, db, org("o1"), svc("s1", "o1"))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openAt(t, path)
	if _, err := db.Get(ctx, resources.KindService, "s1"); err != nil {
		t.Fatalf("after reopening: %v", err)
	}
	mustCreate(t, db, svc("s2", "o1"))
	if seq, _ := db.LastSeq(ctx); seq != 3 {
		t.Errorf("LastSeq after reopening and one write = %d, want 3", seq)
	}
	// The refs index survived too.
	wantCode(t, "delete o1", db.Delete(ctx, resources.KindOrganization, "o1", 0), resources.ECONFLICT)
}

// openAt opens the store at path and closes it when the test ends.
func openAt(tb testing.TB, path string) *bolt.DB {
	tb.Helper()
	db, err := bolt.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestBackup(t *testing.T) {
	db := MustOpen(t)
	seed(t, db)
	path := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.Backup(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Size() != n {
		t.Errorf("Backup reported %d bytes, wrote %d", n, fi.Size())
	}
	restored := openAt(t, path)
	for _, k := range resources.Kinds {
		a, _ := db.List(ctx, k, resources.ListOptions{})
		b, err := restored.List(ctx, k, resources.ListOptions{})
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%s in the backup differ: %v", k, err)
		}
	}
	want, _ := db.LastSeq(ctx)
	if got, _ := restored.LastSeq(ctx); got != want {
		t.Errorf("backup LastSeq %d, want %d", got, want)
	}
}

// TestStoredFlat writes full views, with parents nested, and reads them back
// flat, each link kept as an id.
func TestStoredFlat(t *testing.T) {
	db := MustOpen(t)
	mustCreate(t, db, taxonomy("tx"), term("tt", "tx"), org("o1"), loc("l1", "o1"))

	full := svc("s1", "")
	full.Organization = org("o1") // and no organization_id, as Service.Validate allows
	full.ServiceAtLocations = []resources.ServiceAtLocation{*sal("sl1", "s1", "l1")}
	full.Attributes = []resources.Attribute{{ID: "a1", TaxonomyTerm: term("tt", "tx")}}
	l2 := loc("l2", "o1")
	l2.Attributes = []resources.Attribute{{ID: "a2", TaxonomyTerm: term("tt", "tx")}}
	s := sal("sl1", "s1", "l1")
	s.Location = loc("l1", "o1")
	s.Service = svc("s1", "o1")
	t2 := term("t2", "")
	t2.TaxonomyDetail = taxonomy("tx")
	mustCreate(t, db, full, l2, s, t2)

	gotS, _ := resources.Get[*resources.Service](ctx, db, "s1")
	if gotS.Organization != nil || gotS.ServiceAtLocations != nil || gotS.OrganizationID != "o1" {
		t.Errorf("service stored as %+v, want flat with organization_id o1", gotS)
	}
	if a := gotS.Attributes[0]; a.TaxonomyTerm != nil || a.TaxonomyTermID != "tt" {
		t.Errorf("service attribute stored as %+v", a)
	}
	gotL, _ := resources.Get[*resources.Location](ctx, db, "l2")
	if a := gotL.Attributes[0]; a.TaxonomyTerm != nil || a.TaxonomyTermID != "tt" {
		t.Errorf("location attribute stored as %+v", a)
	}
	gotSAL, _ := resources.Get[*resources.ServiceAtLocation](ctx, db, "sl1")
	if gotSAL.Location != nil || gotSAL.Service != nil {
		t.Errorf("service_at_location stored as %+v", gotSAL)
	}
	gotT, _ := resources.Get[*resources.TaxonomyTerm](ctx, db, "t2")
	if gotT.TaxonomyDetail != nil || gotT.TaxonomyID != "tx" {
		t.Errorf("term stored as %+v", gotT)
	}
	// The links kept are real links: the term may not go while l2 names it.
	wantCode(t, "delete term", db.Delete(ctx, resources.KindTaxonomyTerm, "tt", 0), resources.ECONFLICT)
	if full.OrganizationID != "" || full.Organization == nil {
		t.Errorf("Create changed the caller's full view")
	}
}

// TestOpenFollowsAReplacedFile: a store replaced by a rename (as refer
// import does) while another Open waits for the old file's lock is opened
// anew by that Open, not the file nobody else sees any more.
func TestOpenFollowsAReplacedFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path, next := filepath.Join(dir, "refer.db"), filepath.Join(dir, "next.db")
	old, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := bolt.Open(next)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := n.Identity(ctx)
	n.Close()

	opened := make(chan *bolt.DB)
	go func() {
		db, err := bolt.Open(path, bolt.WithTimeout(10*time.Second))
		if err != nil {
			t.Error(err)
		}
		opened <- db
	}()
	time.Sleep(100 * time.Millisecond) // the goroutine waits for the lock
	if err := os.Rename(next, path); err != nil {
		t.Fatal(err)
	}
	old.Close()
	db := <-opened
	if db == nil {
		return
	}
	defer db.Close()
	if got, _ := db.Identity(ctx); got != want {
		t.Errorf("Open waited for the replaced file and opened it (identity %s), not the new one (%s)", got, want)
	}
}

// A view reads what the store's own reads do, a service with its sites,
// locations and capacity in one read transaction, and sees the store as
// it was when it began: a write made meanwhile is not in it.
func TestViewReadsAsTheStoreDoes(t *testing.T) {
	db := MustOpen(t, withClock())
	seed(t, db)
	if err := db.PutCapacity(ctx, "s1", resources.Capacity{Status: resources.CapacityAvailable, AsOf: clock}, nil); err != nil {
		t.Fatal(err)
	}
	wantSvc, _ := db.Get(ctx, resources.KindService, "s1")
	wantSites, _ := db.List(ctx, resources.KindServiceAtLocation, resources.ListOptions{Of: resources.Ref{Kind: resources.KindService, ID: "s1"}})
	wantCap, _, _ := db.Capacity(ctx, "s1")
	err := db.View(ctx, func(r resources.Reader) error {
		// A write on another goroutine, done before the view reads on.
		done := make(chan error)
		go func() {
			s := svc("s1", "o1")
			s.ProgramID, s.Attributes = "p1", []resources.Attribute{attr("a1", "tt")}
			s.Name = "Renamed"
			_, err := db.Update(ctx, s, 0)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				return err
			}
		case <-time.After(10 * time.Second):
			// bbolt makes a write that grows the file past its map wait
			// for the reads under way: not this small one, so far.
			return errors.New("the write waited for the view")
		}
		got, err := r.Get(ctx, resources.KindService, "s1")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, wantSvc) {
			t.Errorf("the view's service: %+v, want it as the view began: %+v", got, wantSvc)
		}
		sites, err := r.List(ctx, resources.KindServiceAtLocation, resources.ListOptions{Of: resources.Ref{Kind: resources.KindService, ID: "s1"}})
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(sites, wantSites) {
			t.Errorf("the view's sites: %+v, want %+v", sites, wantSites)
		}
		if _, err := r.Get(ctx, resources.KindLocation, "nowhere"); resources.ErrorCode(err) != resources.ENOTFOUND {
			t.Errorf("the view's Get of nothing: %v, want ENOTFOUND", err)
		}
		c, ok, err := r.(resources.CapacityReader).Capacity(ctx, "s1")
		if err != nil || !ok || !reflect.DeepEqual(c, wantCap) {
			t.Errorf("the view's capacity: %+v %v %v, want %+v", c, ok, err, wantCap)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Get(ctx, resources.KindService, "s1"); got.(*resources.Service).Name != "Renamed" {
		t.Errorf("after the view, the service is %+v, want the write's", got)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := db.View(cancelled, func(resources.Reader) error { return nil }); err == nil {
		t.Error("a view with its context cancelled read on")
	}
}
