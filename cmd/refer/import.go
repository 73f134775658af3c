package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/openreferral/refer/data"
	"github.com/openreferral/refer/resources/hsds"
)

// maxProblemLines is how many rejected records import lists one by one
// before it only counts the rest, as the contract says.
const maxProblemLines = 20

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("import", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: refer import [--data DIR] PATH..."); fs.PrintDefaults() }
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"give at least one PATH to import"}
	}
	// Read everything before opening the store: a file that cannot be read
	// at all changes nothing.
	var dirs []*hsds.Directory
	for _, p := range fs.Args() {
		d, err := hsds.Read(p, hsds.Options{Centroid: data.Centroid})
		if err != nil {
			return err
		}
		dirs = append(dirs, d)
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := hsds.Load(ctx, store, hsds.Merge(dirs...))
	if err != nil {
		return fmt.Errorf("writing the store: %w", err)
	}
	printReport(stdout, rep)
	if !rep.Imported() {
		return errors.New("nothing was imported")
	}
	return nil
}

func printReport(w io.Writer, rep hsds.Report) {
	fmt.Fprintf(w, "created %d, updated %d, skipped %d (unchanged), rejected %d, warnings %d\n",
		rep.Created, rep.Updated, rep.Unchanged, len(rep.Rejected), len(rep.Warnings))
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
