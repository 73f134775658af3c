package index_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// needsOf is a small stand-in for the matcher's vocabulary: AIRS food
// codes serve food, housing codes housing.
func needsOf(t *resources.TaxonomyTerm) []string {
	switch {
	case strings.HasPrefix(t.Code, "BD"):
		return []string{"food-insecurity"}
	case strings.HasPrefix(t.Code, "BH"):
		return []string{"housing-instability"}
	case strings.HasPrefix(t.Code, "BV"):
		return []string{"utility-insecurity"}
	}
	return nil
}

type env struct {
	store *bolt.DB
	ix    *index.Index
	dir   string
}

// mustOpen opens a real bbolt store and a real Bleve index in a temp folder.
func mustOpen(tb testing.TB) *env {
	tb.Helper()
	dir := tb.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		tb.Fatal(err)
	}
	f := &env{store: db, dir: dir}
	f.reopen(tb)
	tb.Cleanup(func() {
		f.ix.Close()
		db.Close()
	})
	return f
}

func (f *env) reopen(tb testing.TB) {
	tb.Helper()
	if f.ix != nil {
		f.ix.Close()
	}
	ix, err := index.Open(context.Background(), index.Config{Dir: filepath.Join(f.dir, "index"), Store: f.store, NeedsOf: needsOf})
	if err != nil {
		tb.Fatal(err)
	}
	f.ix = ix
}

func fl(v float64) *float64 { return &v }

var (
	downtown = fixture.Downtown
	hialeah  = fixture.Hialeah
)

func (f *env) put(tb testing.TB, rs ...resources.Record) {
	tb.Helper()
	fixture.Put(tb, f.store, rs...)
}

func (f *env) seed(tb testing.TB) {
	tb.Helper()
	fixture.Seed(tb, f.store)
	if err := f.ix.Sync(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

func ids(res *index.Results) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Doc.ID)
	}
	return out
}

func TestSearch(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	ny, _ := time.LoadLocation("America/New_York")
	friday10 := time.Date(2026, 11, 27, 10, 0, 0, 0, ny)
	saturday := time.Date(2026, 11, 28, 10, 0, 0, 0, ny)
	tests := []struct {
		name string
		q    index.Query
		want []string
	}{
		{"everything active, by name", index.Query{Sort: index.SortName}, []string{"sal-pantry-downtown", "sal-pantry-homestead", "sal-rent-hialeah", "service:s-hotline", "sal-lights-homestead"}},
		{"food need near downtown, nearest first", index.Query{Needs: []string{"food-insecurity"}, Near: &downtown, RadiusKm: 25}, []string{"sal-pantry-downtown"}},
		{"with virtual services", index.Query{Needs: []string{"food-insecurity"}, Near: &downtown, RadiusKm: 25, IncludeVirtual: true}, []string{"sal-pantry-downtown", "service:s-hotline"}},
		{"wider radius", index.Query{Needs: []string{"food-insecurity"}, Near: &downtown, RadiusKm: 60}, []string{"sal-pantry-downtown", "sal-pantry-homestead"}},
		{"served by its area though 44 km away", index.Query{Needs: []string{"utility-insecurity"}, Near: &downtown, RadiusKm: 5}, []string{"sal-lights-homestead"}},
		{"area does not reach Tampa", index.Query{Needs: []string{"utility-insecurity"}, Near: &orb.Point{-82.46, 27.95}, RadiusKm: 25}, nil},
		{"taxonomy prefix", index.Query{Taxonomy: []string{"bd-1800"}}, []string{"sal-pantry-downtown", "sal-pantry-homestead", "service:s-hotline"}},
		{"taxonomy prefix is whole segments", index.Query{Taxonomy: []string{"BD-18"}}, nil},
		{"taxonomy term id", index.Query{Taxonomy: []string{"t-rent"}}, []string{"sal-rent-hialeah"}},
		{"words", index.Query{Text: "groceries"}, []string{"sal-pantry-downtown", "sal-pantry-homestead"}},
		{"words stemmed; the service with every word first", index.Query{Text: "stops eviction"}, []string{"sal-rent-hialeah", "sal-lights-homestead"}},
		{"words preferred, not required", index.Query{Text: "groceries tonight"}, []string{"sal-pantry-downtown", "sal-pantry-homestead"}},
		{"a misspelling", index.Query{Text: "electrik bills"}, []string{"sal-lights-homestead"}},
		{"query syntax is just words: -food does not leave food out", index.Query{Text: `+name:"rent" -food`}, []string{"sal-rent-hialeah", "service:s-hotline", "sal-pantry-downtown", "sal-pantry-homestead"}},
		{"stop words only match nothing", index.Query{Text: "the and of"}, nil},
		{"language", index.Query{Language: "Spanish"}, []string{"sal-pantry-downtown", "sal-pantry-homestead"}},
		{"language code", index.Query{Language: "es", Near: &downtown, RadiusKm: 10}, []string{"sal-pantry-downtown"}},
		{"too young for rent help", index.Query{Age: fl(16), Needs: []string{"housing-instability"}}, nil},
		{"adult rent help", index.Query{Age: fl(30), Needs: []string{"housing-instability"}}, []string{"sal-rent-hialeah"}},
		{"free", index.Query{Free: true}, []string{"sal-pantry-downtown", "sal-pantry-homestead"}},
		{"open friday morning", index.Query{OpenNow: true, At: friday10}, []string{"sal-pantry-downtown", "sal-pantry-homestead"}},
		{"closed saturday", index.Query{OpenNow: true, At: saturday}, nil},
		{"sort by distance", index.Query{Near: &downtown, RadiusKm: 100, Sort: index.SortDistance}, []string{"sal-pantry-downtown", "sal-rent-hialeah", "sal-pantry-homestead", "sal-lights-homestead"}},
		{"paging", index.Query{Near: &downtown, RadiusKm: 100, Sort: index.SortDistance, Page: 2, PerPage: 3}, []string{"sal-lights-homestead"}},
	}
	for _, tt := range tests {
		q := tt.q
		if q.PerPage == 0 {
			q.PerPage = 20
		}
		res, err := f.ix.Search(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := ids(res); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestSearchResultFields(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	res, err := f.ix.Search(context.Background(), index.Query{Text: "pantry", Near: &downtown, RadiusKm: 5, PerPage: 5,
		At: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", ids(res))
	}
	h := res.Hits[0]
	if h.DistanceKm == nil || *h.DistanceKm != 0 || !h.Open.Open || h.Open.Until != "17:00" || h.Score <= 0 {
		t.Errorf("hit: distance %v open %+v score %v", h.DistanceKm, h.Open, h.Score)
	}
	d := h.Doc
	if d.OrganizationName != "Community Action Agency" || d.Address != "l-downtown St, Miami, FL 33130" ||
		!slices.Equal(d.Needs, []string{"food-insecurity"}) || len(d.Terms) != 1 || d.Terms[0].Code != "BD-1800.2000" {
		t.Errorf("document: %+v", d)
	}
	if res.Facets["needs"]["food-insecurity"] != 1 || res.Facets["languages"]["Spanish"] != 1 {
		t.Errorf("facets: %v", res.Facets)
	}
}

// TestFollowsTheStore: every kind of change reaches search after Sync.
func TestFollowsTheStore(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	ctx := context.Background()
	search := func(q index.Query) []string {
		t.Helper()
		q.PerPage = 50
		if err := f.ix.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := f.ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return ids(res)
	}
	// A service renamed.
	svc, _ := resources.Get[*resources.Service](ctx, f.store, "s-rent")
	svc.Name = "Eviction Prevention Fund"
	if _, err := f.store.Update(ctx, svc, svc.Version); err != nil {
		t.Fatal(err)
	}
	if got := search(index.Query{Text: "prevention fund"}); !slices.Equal(got, []string{"sal-rent-hialeah"}) {
		t.Errorf("after rename: %v", got)
	}
	// The organization renamed: its services' documents follow.
	org, _ := resources.Get[*resources.Organization](ctx, f.store, "org")
	org.Name = "Neighbors United"
	if _, err := f.store.Update(ctx, org, 0); err != nil {
		t.Fatal(err)
	}
	if got := search(index.Query{Text: "neighbors"}); len(got) != 5 {
		t.Errorf("after organization rename: %v", got)
	}
	// A location moved next to Hialeah.
	loc, _ := resources.Get[*resources.Location](ctx, f.store, "l-homestead")
	loc.Latitude, loc.Longitude = fl(hialeah[1]), fl(hialeah[0])
	if _, err := f.store.Update(ctx, loc, 0); err != nil {
		t.Fatal(err)
	}
	if got := search(index.Query{Needs: []string{"food-insecurity"}, Near: &hialeah, RadiusKm: 1}); !slices.Equal(got, []string{"sal-pantry-homestead"}) {
		t.Errorf("after move: %v", got)
	}
	// A site removed, then its service.
	if err := f.store.Delete(ctx, resources.KindServiceAtLocation, "sal-pantry-homestead", 0); err != nil {
		t.Fatal(err)
	}
	if got := search(index.Query{Needs: []string{"food-insecurity"}}); !slices.Equal(got, []string{"sal-pantry-downtown", "service:s-hotline"}) {
		t.Errorf("after site delete: %v", got)
	}
	if err := f.store.Delete(ctx, resources.KindServiceAtLocation, "sal-pantry-downtown", 0); err != nil {
		t.Fatal(err)
	}
	// With no site left, the pantry is a service with no location.
	if got := search(index.Query{Needs: []string{"food-insecurity"}}); !slices.Equal(got, []string{"service:s-pantry", "service:s-hotline"}) {
		t.Errorf("after last site delete: %v", got)
	}
	if err := f.store.Delete(ctx, resources.KindService, "s-pantry", 0); err != nil {
		t.Fatal(err)
	}
	if got := search(index.Query{Text: "groceries"}); got != nil {
		t.Errorf("deleted service still found: %v", got)
	}
	if n := f.ix.Len(); n != 4 {
		t.Errorf("index holds %d documents; want 4", n)
	}
}

// TestCatchesUpAfterACrash: writes reach the store but not the index (the
// process died in between); the next Open replays them.
func TestCatchesUpAfterACrash(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	ctx := context.Background()
	before := f.ix.Applied()
	f.put(t, &resources.Service{ID: "s-new", OrganizationID: "org", Name: "Diaper Bank", Status: "active"},
		&resources.ServiceAtLocation{ID: "sal-new", ServiceID: "s-new", LocationID: "l-downtown"})
	if err := f.store.Delete(ctx, resources.KindServiceAtLocation, "sal-rent-hialeah", 0); err != nil {
		t.Fatal(err)
	}
	f.reopen(t) // no Sync: the index never heard of these writes
	last, _ := f.store.LastSeq(ctx)
	if f.ix.Applied() != last || last <= before {
		t.Fatalf("index at %d, store at %d", f.ix.Applied(), last)
	}
	res, _ := f.ix.Search(ctx, index.Query{Text: "diaper", PerPage: 10})
	if !slices.Equal(ids(res), []string{"sal-new"}) {
		t.Errorf("new service not found after reopen: %v", ids(res))
	}
	res, _ = f.ix.Search(ctx, index.Query{Text: "rent", PerPage: 10})
	if !slices.Equal(ids(res), []string{"service:s-rent"}) {
		t.Errorf("deleted site still found after reopen: %v", ids(res))
	}
}

func TestRebuildsACorruptIndex(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	f.ix.Close()
	dir := filepath.Join(f.dir, "index")
	// Scribble over every file of the index.
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			os.WriteFile(p, []byte("not an index"), 0o644)
		}
		return nil
	})
	f.ix = nil
	f.reopen(t)
	res, err := f.ix.Search(context.Background(), index.Query{Text: "groceries", PerPage: 10})
	if err != nil || len(res.Hits) != 2 {
		t.Fatalf("after rebuild: %v %v", ids(res), err)
	}
}

func TestRebuildsAnIndexAheadOfTheStore(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	ctx := context.Background()
	// A new, empty store behind the old index: the store was replaced.
	f.ix.Close()
	f.store.Close()
	os.Remove(filepath.Join(f.dir, "refer.db"))
	db, err := bolt.Open(filepath.Join(f.dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	f.store = db
	f.ix = nil
	f.reopen(t)
	res, _ := f.ix.Search(ctx, index.Query{PerPage: 10})
	if res.Total != 0 {
		t.Errorf("index kept documents the store does not have: %v", ids(res))
	}
}

func TestReindex(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	ctx := context.Background()
	if err := f.ix.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := f.ix.Search(ctx, index.Query{Text: "groceries", PerPage: 10})
	if err != nil || len(res.Hits) != 2 {
		t.Fatalf("after rebuild: %v %v", ids(res), err)
	}
}

// TestNearestKeepsToTheRadius: the grid's cells are in degrees; Nearest
// must still return only sites within the radius in kilometres, nearest
// first.
func TestNearestKeepsToTheRadius(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	found, err := f.ix.Nearest(context.Background(), []string{"food-insecurity", "nothing-known"}, downtown, 25, false, time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range found["food-insecurity"] {
		got = append(got, h.Doc.ID)
		if h.DistanceKm == nil || *h.DistanceKm > 25 {
			t.Errorf("%s at %v km", h.Doc.ID, h.DistanceKm)
		}
	}
	if !slices.Equal(got, []string{"sal-pantry-downtown"}) {
		t.Errorf("food near downtown within 25 km: %v (Homestead is 44 km away)", got)
	}
	if len(found["nothing-known"]) != 0 {
		t.Errorf("unknown need found %v", found["nothing-known"])
	}
	wide, _ := f.ix.Nearest(context.Background(), []string{"food-insecurity"}, downtown, 60, true, time.Time{}, 10)
	got = nil
	for _, h := range wide["food-insecurity"] {
		got = append(got, h.Doc.ID)
	}
	if !slices.Equal(got, []string{"sal-pantry-downtown", "sal-pantry-homestead", "service:s-hotline"}) {
		t.Errorf("food within 60 km with virtual: %v", got)
	}
}

// everything returns every document as search shows it, for comparing two
// indexes of the same store.
func everything(t *testing.T, ix *index.Index) string {
	t.Helper()
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	res, err := ix.Search(context.Background(), index.Query{Sort: index.SortName, PerPage: 1000, At: at})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, h := range res.Hits {
		j, err := json.Marshal(h.Doc)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %+v\n", j, h.Open)
	}
	return b.String()
}

// TestSnapshotMatchesTheStore: a catalog read from its snapshot and caught
// up with changes made while the index was closed is the catalog a fresh
// build from the store gives.
func TestSnapshotMatchesTheStore(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	ctx := context.Background()
	f.ix.Close() // writes the snapshot
	f.ix = nil
	// Changes the index does not see: a rename, a new site, a deletion.
	svc, _ := resources.Get[*resources.Service](ctx, f.store, "s-rent")
	svc.Name = "Rent Rescue"
	if _, err := f.store.Update(ctx, svc, 0); err != nil {
		t.Fatal(err)
	}
	f.put(t, &resources.ServiceAtLocation{ID: "sal-rent-downtown", ServiceID: "s-rent", LocationID: "l-downtown"})
	if err := f.store.Delete(ctx, resources.KindServiceAtLocation, "sal-pantry-homestead", 0); err != nil {
		t.Fatal(err)
	}
	f.reopen(t)
	fromSnapshot := everything(t, f.ix)

	f.ix.Close()
	f.ix = nil
	os.RemoveAll(filepath.Join(f.dir, "index"))
	os.Remove(filepath.Join(f.dir, "index.catalog"))
	f.reopen(t)
	if fresh := everything(t, f.ix); fresh != fromSnapshot {
		t.Errorf("from the snapshot:\n%s\nfrom the store:\n%s", fromSnapshot, fresh)
	}
	if !strings.Contains(fromSnapshot, "Rent Rescue") || strings.Contains(fromSnapshot, "sal-pantry-homestead") {
		t.Errorf("changes made while closed are missing:\n%s", fromSnapshot)
	}
}

// TestUnreadableSnapshotFallsBackToTheStore: a snapshot that is not one,
// or one cut short even by a few bytes of its end, is not taken for the
// catalog, which is built from the store instead.
func TestUnreadableSnapshotFallsBackToTheStore(t *testing.T) {
	for name, spoil := range map[string]func([]byte) []byte{
		"not gob":   func([]byte) []byte { return []byte("not gob") },
		"cut short": func(b []byte) []byte { return b[:len(b)-3] },
	} {
		t.Run(name, func(t *testing.T) {
			f := mustOpen(t)
			f.seed(t)
			want := everything(t, f.ix)
			f.ix.Close()
			f.ix = nil
			path := filepath.Join(f.dir, "index.catalog")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, spoil(b), 0o644); err != nil {
				t.Fatal(err)
			}
			ix, logged := f.openLogged(t)
			if !strings.Contains(logged.String(), "building the catalog from the store") {
				t.Errorf("a spoilt snapshot was read as whole:\n%s", logged)
			}
			if got := everything(t, ix); got != want {
				t.Errorf("after a spoilt snapshot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestRebuildsAnIndexOfAnotherStore: a different store put in place, with
// more changes than the index has seen, must not be mistaken for the old
// store moved on (its changes would be replayed onto the wrong documents).
func TestRebuildsAnIndexOfAnotherStore(t *testing.T) {
	f := mustOpen(t)
	f.seed(t)
	ctx := context.Background()
	f.ix.Close()
	f.ix = nil
	f.store.Close()
	os.Remove(filepath.Join(f.dir, "refer.db"))
	db, err := bolt.Open(filepath.Join(f.dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	f.store = db
	// Another directory with many more changes than the first had.
	fixture.Put(t, db, &resources.Organization{ID: "other", Name: "Other Agency"})
	for i := 0; i < 40; i++ {
		fixture.Put(t, db, &resources.Service{ID: fmt.Sprintf("other-%02d", i), OrganizationID: "other", Name: fmt.Sprintf("Other service %d", i), Status: "active"})
	}
	f.reopen(t)
	res, err := f.ix.Search(ctx, index.Query{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 40 {
		t.Errorf("index holds %d documents; the new store has 40 services: %v", res.Total, ids(res))
	}
	for _, h := range res.Hits {
		if !strings.HasPrefix(h.Doc.ID, "service:other-") {
			t.Errorf("a document of the old store survived: %s", h.Doc.ID)
		}
	}
}

// TestVerifiedDate: "last verified" is the source's own date, never the
// day of an import (which the store writes as last_modified).
func TestVerifiedDate(t *testing.T) {
	imported := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		svc  resources.Service
		want string
	}{
		{"assured", resources.Service{Tracked: resources.Tracked{AssuredDate: "2019-03-02", LastModified: &imported}}, "2019-03-02"},
		{"assured as a date-time", resources.Service{Tracked: resources.Tracked{AssuredDate: "2019-03-02T10:00:00Z"}}, "2019-03-02"},
		{"reviewed in the metadata, latest wins", resources.Service{Metadata: []resources.Metadata{
			{LastActionDate: "2018-01-05", LastActionType: "reviewed"}, {LastActionDate: "2019-08-19", LastActionType: "updated"}}}, "2019-08-19"},
		{"only the import's last_modified", resources.Service{Tracked: resources.Tracked{LastModified: &imported}}, ""},
		{"an unreadable date", resources.Service{Tracked: resources.Tracked{AssuredDate: "last spring"}}, ""},
	}
	for _, tt := range tests {
		if got := index.VerifiedDate(&tt.svc); got != tt.want {
			t.Errorf("%s: %q; want %q", tt.name, got, tt.want)
		}
	}
}
