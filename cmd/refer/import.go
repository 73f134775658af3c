package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/resources/bolt"
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
	opts := hsds.Options{Centroid: data.Centroid, Limits: lim}
	// The import brings the search index up to date (built afresh after a
	// big import, caught up after a small one), so that it leaves a
	// directory that serve opens at once.
	buildIndex := func(s *bolt.DB) error { return indexStore(ctx, *dataDir, s, ixLim, stderr) }
	store, rep, indexErr, err := importPaths(ctx, *dataDir, fs.Args(), opts, buildIndex, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	printReport(stdout, rep)
	// Should the index fail, the store is written all the same (the report
	// says what it holds), and serve builds the index.
	if indexErr != nil {
		return fmt.Errorf("the store is written, but not the search index (serve will build it): %w", indexErr)
	}
	if !rep.Imported() {
		return errors.New("nothing was imported")
	}
	return nil
}

// importFile is the copy of the store that an import too big for one
// transaction writes into, beside the store.
const importFile = "refer.db.import"

// importPaths imports the sources at paths into the store in dataDir,
// visible whole or not at all, and returns the store open as it now is.
// Once the sources are written it runs index on the store, or on the copy
// that becomes the store (see viaCopy), and returns what that says apart:
// the import stands whether or not the index could be built.
// One big HSDS JSON source is streamed (hsds.LoadStream), in memory that
// grows with a window, not with the source; any other, or one that
// LoadStream leaves to Read, is read whole first: a file that cannot be
// read at all then changes nothing.
func importPaths(ctx context.Context, dataDir string, paths []string, opts hsds.Options, index func(*bolt.DB) error, stderr io.Writer) (store *bolt.DB, rep hsds.Report, indexErr, err error) {
	if len(paths) == 1 && jsonBytes(paths[0]) > int64(hsds.StreamWindow) {
		collectAtLimit(streamedImportHeap)
		store, err := openStore(dataDir)
		if err != nil {
			return nil, hsds.Report{}, nil, err
		}
		store, rep, indexErr, err := viaCopy(ctx, dataDir, store, func(s *bolt.DB) (hsds.Report, error) {
			return hsds.LoadStream(ctx, s, paths[0], opts)
		}, index)
		if err == nil {
			return store, rep, indexErr, nil
		}
		store.Close()
		if errors.Is(err, hsds.ErrOverLimit) {
			return nil, rep, nil, err // the source's fault, said before a write
		}
		if !errors.Is(err, hsds.ErrNotStreamable) {
			return nil, rep, nil, fmt.Errorf("writing the store: %w", err)
		}
		fmt.Fprintf(stderr, "refer: reading %s whole (%v)\n", paths[0], err)
	}
	// Set here, not before the streamed import, which collects otherwise
	// (collectAtLimit): one it leaves to Read is read as any other source.
	batchGC(200, false)
	var dirs []*hsds.Directory
	for _, p := range paths {
		d, err := hsds.Read(p, opts)
		if err != nil {
			return nil, hsds.Report{}, nil, err
		}
		dirs = append(dirs, d)
	}
	// Reading keeps the whole source in memory; what follows does not.
	batchGC(300, true)
	store, err = openStore(dataDir)
	if err != nil {
		return nil, hsds.Report{}, nil, err
	}
	// One path's directory holds each record once already (every reader
	// keeps one copy); only several are merged.
	dir := dirs[0]
	if len(dirs) > 1 {
		dir = hsds.Merge(dirs...)
	}
	if len(dir.Records) <= hsds.BatchSize {
		// One transaction: whole or not at all.
		rep, err := hsds.Load(ctx, store, dir)
		if err != nil {
			store.Close()
			return nil, rep, nil, fmt.Errorf("writing the store: %w", err)
		}
		// The copy's index is built under loadInto's watch of the map;
		// the store's, here, under one of its own.
		stop := store.KeepMappedUnder(maxMapped)
		indexErr := index(store)
		stop()
		return store, rep, indexErr, nil
	}
	store, rep, indexErr, err = viaCopy(ctx, dataDir, store, func(s *bolt.DB) (hsds.Report, error) { return hsds.Load(ctx, s, dir) }, index)
	if err != nil {
		store.Close()
		return nil, rep, nil, fmt.Errorf("writing the store: %w", err)
	}
	return store, rep, indexErr, nil
}

// streamedImportHeap is the soft memory limit of a streamed import: it
// keeps a window and a hash per record (about 250 MB live at 100k
// services), then the index build keeps a page of services with their
// sites and Bleve's batches (about 100 MB). Left to GOGC the heap grows to
// a multiple of what it keeps (RssAnon 2.1 GB at 100k under GOGC=300).
// The limit and maxMapped share what 100k services may take (1 GB at
// most): importing them took, alternated (limit/maxMapped in MiB, wall s,
// peak RSS), 448/384 26.7-27.7 s 835-848 MB; 512/320 26.0-26.6 s 850 MB;
// 576/256 25.8-26.0 s 870-883 MB; 640/192 25.8-26.4 s 898-914 MB, with
// more faults. Past the limit (a million services keep about 700 MB) the
// collector works harder, taking at most half the CPU, and memory grows
// as it must.
const streamedImportHeap = 576 << 20

// collectAtLimit makes the collector run only when the heap nears the
// soft limit n, unless GOMEMLIMIT or GOGC in the environment say
// otherwise. A streamed import's memory is bounded by that limit, not by
// a multiple of what it keeps: under GOGC=200 as well the heap of 100k
// services reached the limit, while a smaller import (20k: about 100 MB
// live) collected every 200 MB it allocated, for nothing it needed. With
// GOGC off the collector runs when the limit says, 4-5% faster at 20k and
// 100k for the same peak at 100k (BENCHMARKS.md, "Collecting at the
// limit").
func collectAtLimit(n int64) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(n)
	debug.SetGCPercent(-1)
}

// jsonBytes is the size of the JSON files at p (a file, or those at the
// top of a folder); 0 for anything else.
func jsonBytes(p string) int64 {
	files := []string{p}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		files, _ = filepath.Glob(filepath.Join(p, "*.json"))
	}
	var n int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() && strings.EqualFold(filepath.Ext(f), ".json") {
			n += fi.Size()
		}
	}
	return n
}

// viaCopy runs load on a copy of store and makes the copy the store, so
// that an import too big for one transaction becomes visible whole or not
// at all. The copy is a bbolt hot backup, taken under the store's lock
// (held until the end, so nothing changes meanwhile); once load has
// written it, it replaces the store in one rename. An import stopped at
// any moment, even by SIGKILL, leaves the store as it was (and a stray
// copy, which the next import removes). Once load has written the copy,
// index runs on it (see loadInto); viaCopy returns what index says apart.
// It returns the store open as it now is: the copy, or on an error the
// store it was given. A big import needs room on disk for a second copy
// of the store.
func viaCopy(ctx context.Context, dataDir string, store *bolt.DB, load func(*bolt.DB) (hsds.Report, error), index func(*bolt.DB) error) (_ *bolt.DB, _ hsds.Report, indexErr, err error) {
	path := filepath.Join(dataDir, importFile)
	// A copy left by an import that was stopped: the store's lock, which we
	// hold, says no import runs now.
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return store, hsds.Report{}, nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return store, hsds.Report{}, nil, err
	}
	_, err = store.Backup(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	var rep hsds.Report
	if err == nil {
		rep, indexErr, err = loadInto(path, load, index)
	}
	if err == nil {
		// bbolt synced every commit of the copy; the rename makes it the
		// store, and syncing the folder makes the rename last.
		err = os.Rename(path, store.Path())
	}
	if err != nil {
		os.Remove(path)
		return store, rep, nil, err
	}
	syncDir(dataDir)
	// Open the new file before letting go of the old one's lock; a
	// process that was waiting for that lock opens the new file too
	// (bolt.Open sees that the path no longer names the file it locked).
	now, err := openStore(dataDir)
	if err != nil {
		return store, rep, nil, err
	}
	store.Close()
	return now, rep, indexErr, nil
}

// loadInto runs load on the store file at path, deferring the refs index
// (bolt.WithDeferredRefs: a third of the import's time at 100k), which
// must be written before the file can become the store. Once load has
// written, index runs on the file while the refs index's last changes are
// written (bolt.FlushRefsBehind; the index reads them as they are), so
// that the two share the cores: that flush took 0.3 s of one core at 20k
// services. What index says is returned apart; it does not fail the load.
// The store's mapped pages are kept under maxMapped until Close has
// returned: the last flush sweeps the whole refs index, and with nobody
// letting its pages go a million services' import peaked at 2.16 GB in
// it, against 1.16 GB.
func loadInto(path string, load func(*bolt.DB) (hsds.Report, error), index func(*bolt.DB) error) (rep hsds.Report, indexErr, err error) {
	db, err := bolt.Open(path, bolt.WithDeferredRefs())
	if err != nil {
		return hsds.Report{}, nil, err
	}
	stop := watchMapped(db)
	rep, err = load(db)
	if err == nil {
		flushed := db.FlushRefsBehind()
		indexErr = index(db)
		err = flushed()
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	stop() // after Close, a release finds the store closed and does nothing
	return rep, indexErr, err
}

// watchMapped keeps loadInto's store mapped under maxMapped until stop is
// called (a variable, so that a test can see when that is).
var watchMapped = func(db *bolt.DB) (stop func()) { return db.KeepMappedUnder(maxMapped) }

// syncDir makes a rename in dir last a crash (where the system allows).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// maxMapped is how much of the process's memory may map files (the store,
// chiefly) in a bulk pass over the store (writing an import, building the
// index) before it lets go of the store's pages it has read
// (bolt.DB.KeepMappedUnder), in bytes. Each release costs faults to map
// again what is read next. 256 MiB once cost 10 s of 44 at 100k services
// against 384; measured again, trading map for heap room MiB for MiB
// (streamedImportHeap), 256 with 576 of heap was the fastest.
const maxMapped = 256 << 20

// indexStore brings the index of the store up to date (built afresh, or
// caught up), with its catalog's snapshot, so serve opens it at once. Its
// callers keep the store's mapped pages under maxMapped meanwhile.
func indexStore(ctx context.Context, dataDir string, store *bolt.DB, ixLim *indexLimits, stderr io.Writer) error {
	// Quiet unless something goes wrong: the report is import's output.
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	_, err := refreshIndex(ctx, dataDir, store, ixLim, log)
	return err
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
