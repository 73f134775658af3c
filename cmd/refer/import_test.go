package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources/bolt"
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
		ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm,
			Logger: slog.New(slog.NewTextHandler(&logged, nil))})
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
