package main

import (
	"context"
	"fmt"
	"io"

	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("export", stderr)
	format := fs.String("format", "hsds-json", "`hsds-json` (services.json, organizations.json) or hsds-csv (an HSDS 3.0 tabular datapackage)")
	safe := fs.Bool("spreadsheet-safe", false, "hsds-csv for people who open it in a spreadsheet: a cell that would run as a formula (=, +, -, @) starts with ' (no longer a faithful copy)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: refer export [--data DIR] --format hsds-json|hsds-csv [--spreadsheet-safe] OUT")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"give one OUT folder"}
	}
	write := map[string]func(string, *hsds.Directory) error{
		"hsds-json": hsds.WriteJSON,
		"hsds-csv":  hsds.WriteCSV,
	}[*format]
	if write == nil {
		return usageError{fmt.Sprintf("unknown --format %q: use hsds-json or hsds-csv", *format)}
	}
	if *safe {
		if *format != "hsds-csv" {
			return usageError{"--spreadsheet-safe is for --format hsds-csv"}
		}
		write = hsds.WriteCSVSpreadsheetSafe
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	d, err := snapshot(ctx, store)
	if err != nil {
		return err
	}
	out := fs.Arg(0)
	if err := write(out, d); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d records to %s\n", len(d.Records), out)
	return nil
}

// snapshot lists every record of the store into a directory for export.
func snapshot(ctx context.Context, s resources.Store) (*hsds.Directory, error) {
	d := &hsds.Directory{}
	for _, k := range resources.Kinds {
		rs, err := s.List(ctx, k, resources.ListOptions{})
		if err != nil {
			return nil, err
		}
		d.Records = append(d.Records, rs...)
	}
	return d, nil
}
