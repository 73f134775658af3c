package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// runReindex rebuilds the search index from the store.
func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("reindex", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: refer reindex [--data DIR] [--max-…]"); fs.PrintDefaults() }
	ixLim := indexFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := ixLim.check(); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	batchGC(300, false)
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	// The store's lock is held, so no server uses the index: remove it and
	// let opening build it afresh (once).
	if err := os.RemoveAll(filepath.Join(*dataDir, "index")); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	defer store.KeepMappedUnder(maxMapped)()
	done, err := refreshIndex(ctx, *dataDir, store, ixLim, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "indexed %d documents\n", done.Documents)
	return nil
}
