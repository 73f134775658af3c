package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/openreferral/refer/index"
	"github.com/openreferral/refer/matcher"
	"github.com/openreferral/refer/resources"
	"github.com/openreferral/refer/resources/bolt"
)

// openStore opens (creating if need be) the store in the data folder.
func openStore(dataDir string) (*bolt.DB, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	return bolt.Open(filepath.Join(dataDir, "refer.db"))
}

// openIndex opens the search index beside the store, rebuilding or catching
// it up as needed (index.Open says when). The vocabulary says which needs
// each taxonomy term serves.
func openIndex(ctx context.Context, dataDir string, store resources.Store, vocab *matcher.Vocabulary, log *slog.Logger) (*index.Index, error) {
	return index.Open(ctx, index.Config{
		Dir:     filepath.Join(dataDir, "index"),
		Store:   store,
		NeedsOf: vocab.NeedsOfTerm,
		Logger:  log,
	})
}
