package index

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/resources/hsds"
)

// TestBuildByPages: a full build that reads the store a few services at a
// time (forgetting the organizations and locations of the page before)
// builds the same documents as one that reads them all in one page, for
// generated services that share organizations and sites across pages.
func TestBuildByPages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := hsds.Load(ctx, db, gen.Generate(150, 11)); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(ctx, Config{Dir: filepath.Join(dir, "index"), Store: db})
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
