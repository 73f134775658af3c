package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

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

// batchGC makes the collector run a third as often for the rest of a batch
// command: writing the store and building the index allocate much and keep
// little (a few hundred MB at 100k services), and GOGC=300 cuts the CPU of
// a 100k-service reindex by a fifth. A soft memory limit of half the
// machine's memory keeps a big directory's heap from growing past it. GOGC
// or GOMEMLIMIT in the environment win.
func batchGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	total := physicalMemory()
	if total == 0 {
		return
	}
	debug.SetGCPercent(300)
	debug.SetMemoryLimit(total / 2)
	// Collect now, so the next collection's goal is four times what is
	// live from here on, not four times what the command held before
	// (import's whole source, already garbage).
	runtime.GC()
}

// physicalMemory returns the machine's memory in bytes (0 if unknown).
func physicalMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
