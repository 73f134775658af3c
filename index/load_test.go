package index

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/resources/hsds"
)

// loadedStore returns a store in a temporary folder holding d, closed
// when the test ends.
func loadedStore(t *testing.T, d *hsds.Directory) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := hsds.Load(context.Background(), db, d); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestBuildByPages: a full build that reads the store a few services at a
// time (forgetting the organizations and locations of the page before)
// builds the same documents as one that reads them all in one page, for
// generated services that share organizations and sites across pages.
func TestBuildByPages(t *testing.T) {
	ctx := context.Background()
	db := loadedStore(t, gen.Generate(150, 11))
	ix, err := Open(ctx, Config{Dir: filepath.Join(t.TempDir(), "index"), Store: db})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	build := func(page int) []Document {
		t.Helper()
		defer func(was int) { servicePage = was }(servicePage)
		servicePage = page
		var docs []Document
		n, err := ix.buildAll(ctx, func(d *Document) error { docs = append(docs, *d); return nil })
		if err != nil || n != len(docs) {
			t.Fatalf("build by pages of %d: %d documents, %v", page, n, err)
		}
		return docs
	}
	whole, paged := build(1000), build(7)
	sites := 0
	for _, d := range whole {
		if d.HasPoint {
			sites++
		}
	}
	if len(whole) < 150 || sites < 100 {
		t.Fatalf("the build made %d documents, %d with a place: the test needs services with sites", len(whole), sites)
	}
	if !reflect.DeepEqual(whole, paged) {
		t.Errorf("pages of 7 built other documents than one page")
	}
}

// TestRebuildInManyBatches: a rebuild whose batches Bleve indexes
// batchIndexers at a time, in whatever order they finish, builds the index
// a rebuild in one batch builds: the same documents, found by the same
// words, and the store's last change recorded.
func TestRebuildInManyBatches(t *testing.T) {
	ctx := context.Background()
	db := loadedStore(t, gen.Generate(150, 5))
	storeSeq, err := db.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// build rebuilds into a folder of its own and returns, for each query,
	// the ids of the documents it finds.
	queries := map[string]query.Query{"every document": bleve.NewMatchAllQuery()}
	for _, w := range []string{"food", "housing", "health", "legal", "clinic"} {
		q := bleve.NewMatchQuery(w)
		q.SetField(fieldWords)
		queries[w] = q
	}
	build := func(docs int) map[string][]string {
		t.Helper()
		defer func(was int) { batchDocs = was }(batchDocs)
		batchDocs = docs
		ixDir := filepath.Join(t.TempDir(), "index")
		if _, err := Refresh(ctx, Config{Dir: ixDir, Store: db}); err != nil {
			t.Fatal(err)
		}
		b, err := openBleve(ixDir, false)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if _, seq, ok, err := readSeq(b); err != nil || !ok || seq != storeSeq {
			t.Fatalf("batches of %d: the index records change %d (%v, %v), want %d", docs, seq, ok, err, storeSeq)
		}
		found := map[string][]string{}
		for name, q := range queries {
			res, err := b.Search(bleve.NewSearchRequestOptions(q, 10_000, 0, false))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				found[name] = append(found[name], h.ID)
			}
			slices.Sort(found[name])
		}
		return found
	}
	one, many := build(100_000), build(7)
	if n := len(one["every document"]); n < 150 || n/7 < 3*batchIndexers {
		t.Fatalf("%d documents: the test crosses too few batches", n)
	}
	for name := range queries {
		if len(one[name]) == 0 {
			t.Errorf("%q finds nothing: the test compares too little", name)
		}
		if !slices.Equal(many[name], one[name]) {
			t.Errorf("%q: batches of 7 find %d documents, one batch %d", name, len(many[name]), len(one[name]))
		}
	}
}
