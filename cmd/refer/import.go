package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// maxProblemLines is how many rejected records import lists one by one
// before it only counts the rest, as the contract says.
const maxProblemLines = 20

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("import", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: refer import [--data DIR] [--max-…] PATH...")
		fs.PrintDefaults()
	}
	lim := hsds.DefaultLimits
	fs.Int64Var(&lim.FileBytes, "max-file-bytes", lim.FileBytes, "largest file, or zip entry uncompressed, in `bytes`")
	fs.Int64Var(&lim.TotalBytes, "max-import-bytes", lim.TotalBytes, "largest import, all its files uncompressed, in `bytes`")
	fs.Int64Var(&lim.ZipRatio, "max-zip-ratio", lim.ZipRatio, "most a zip entry over 1 MB may uncompress per compressed byte")
	fs.IntVar(&lim.CellBytes, "max-cell-bytes", lim.CellBytes, "largest CSV cell in `bytes` (the row is rejected above it)")
	fs.IntVar(&lim.RowBytes, "max-row-bytes", lim.RowBytes, "largest CSV row in `bytes` (the row is rejected above it)")
	ixLim := indexFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := ixLim.check(); err != nil {
		return err
	}
	if lim.FileBytes <= 0 || lim.TotalBytes <= 0 || lim.ZipRatio <= 0 || lim.CellBytes <= 0 || lim.RowBytes <= 0 {
		return usageError{"the --max-… limits are more than 0"}
	}
	if fs.NArg() == 0 {
		return usageError{"give at least one PATH to import"}
	}
	// Read everything before opening the store: a file that cannot be read
	// at all changes nothing.
	batchGC(200, false)
	var dirs []*hsds.Directory
	for _, p := range fs.Args() {
		d, err := hsds.Read(p, hsds.Options{Centroid: data.Centroid, Limits: lim})
		if err != nil {
			return err
		}
		dirs = append(dirs, d)
	}
	// Reading keeps the whole source in memory; what follows does not.
	batchGC(300, true)
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	// One path's directory holds each record once already (every reader
	// keeps one copy); only several are merged.
	dir := dirs[0]
	if len(dirs) > 1 {
		dir = hsds.Merge(dirs...)
	}
	rep, err := hsds.Load(ctx, store, dir)
	if err != nil {
		return fmt.Errorf("writing the store: %w", err)
	}
	printReport(stdout, rep)
	// Bring the search index up to date (built afresh after a big import,
	// caught up after a small one), so the import leaves a directory that
	// serve opens at once. Should this fail, the store is written all the
	// same (the report says what it holds), and serve builds the index.
	if err := indexStore(ctx, *dataDir, store, ixLim, stderr); err != nil {
		return fmt.Errorf("the store is written, but not the search index (serve will build it): %w", err)
	}
	if !rep.Imported() {
		return errors.New("nothing was imported")
	}
	return nil
}

// indexStore opens the index of the store, which builds it or catches it
// up, and closes it, which writes the catalog's snapshot.
func indexStore(ctx context.Context, dataDir string, store resources.Store, ixLim *indexLimits, stderr io.Writer) error {
	vocab, err := matcher.LoadVocabulary()
	if err != nil {
		return err
	}
	// Quiet unless something goes wrong: the report is import's output.
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ix, err := openIndex(ctx, dataDir, store, vocab, ixLim, log)
	if err != nil {
		return err
	}
	return ix.Close()
}

func printReport(w io.Writer, rep hsds.Report) {
	fmt.Fprintf(w, "created %d, updated %d, skipped %d (unchanged), rejected %d, warnings %d\n",
		rep.Created, rep.Updated, rep.Unchanged, len(rep.Rejected), len(rep.Warnings))
	if c := rep.Cleaned; c != (hsds.Cleaned{}) {
		fmt.Fprintf(w, "cleaned: %d language names and codes put in one form, %d mojibake texts repaired, %d phone numbers formatted\n",
			c.Languages, c.Mojibake, c.Phones)
	}
	printLines(w, "rejected", rep.Rejected)
	printLines(w, "warnings", rep.Warnings)
}

func printLines(w io.Writer, what string, lines []string) {
	for i, l := range lines {
		if i == maxProblemLines {
			fmt.Fprintf(w, "  … and %d more %s\n", len(lines)-maxProblemLines, what)
			return
		}
		fmt.Fprintf(w, "  %s\n", l)
	}
}
