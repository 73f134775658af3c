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

// A search word past the word limit is refused as invalid, naming the
// limit and the word, on every way words reach the index (search, the
// matcher's scores, the HSDS API's filter); a word at the limit is taken.
func TestWordLimit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fixture.Seed(t, db)
	ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: needsOf, MaxWordLetters: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	long := "pantry " + strings.Repeat("é", 31)
	refused := func(how string, err error) {
		t.Helper()
		if resources.ErrorCode(err) != resources.EINVALID || !strings.Contains(err.Error(), "limit of 30 for one word (--max-word-letters)") || !strings.Contains(err.Error(), "31 letters") {
			t.Errorf("%s of a 31-letter word: %v, want invalid naming the limit", how, err)
		}
	}
	_, err = ix.Search(ctx, index.Query{Text: long, PerPage: 10})
	refused("search", err)
	_, err = ix.TextScores(ctx, long, nil, nil, 0)
	refused("text scores", err)
	_, err = ix.ServiceIDs(ctx, index.IDFilter{Text: long})
	refused("the HSDS filter", err)

	if _, err := ix.Search(ctx, index.Query{Text: "pantry " + strings.Repeat("é", 30), PerPage: 10}); err != nil {
		t.Errorf("a word at the limit: %v", err)
	}
	if index.DefaultMaxWordLetters < 25 {
		t.Errorf("the default word limit %d is below real words", index.DefaultMaxWordLetters)
	}
}
