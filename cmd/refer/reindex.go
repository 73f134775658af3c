package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
)

// runReindex rebuilds the search index from the store.
func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("reindex", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: refer reindex [--data DIR]"); fs.PrintDefaults() }
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ix, err := openIndex(ctx, *dataDir, store, log)
	if err != nil {
		return err
	}
	defer ix.Close()
	if err := ix.Rebuild(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "indexed %d documents\n", ix.Len())
	return nil
}
