package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
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
func openIndex(ctx context.Context, dataDir string, store resources.Store, vocab *matcher.Vocabulary, lim *indexLimits, log *slog.Logger) (*index.Index, error) {
	ix, err := index.Open(ctx, indexConfig(dataDir, store, vocab, lim, log))
	if err == nil {
		logSkipped(log, ix.Skipped())
	}
	return ix, err
}

// refreshIndex brings the search index beside the store up to date and
// closes it (index.Refresh), for a command that ends there.
func refreshIndex(ctx context.Context, dataDir string, store resources.Store, lim *indexLimits, log *slog.Logger) (index.Refreshed, error) {
	vocab, err := matcher.LoadVocabulary()
	if err != nil {
		return index.Refreshed{}, err
	}
	done, err := index.Refresh(ctx, indexConfig(dataDir, store, vocab, lim, log))
	if err == nil {
		logSkipped(log, done.Skipped)
	}
	return done, err
}

func indexConfig(dataDir string, store resources.Store, vocab *matcher.Vocabulary, lim *indexLimits, log *slog.Logger) index.Config {
	return index.Config{
		MaxServiceText: lim.serviceText,
		MaxWordLetters: lim.wordLetters,
		Dir:            filepath.Join(dataDir, "index"),
		Store:          store,
		NeedsOf:        vocab.NeedsOfTerm,
		CoreNeedsOf:    vocab.CoreNeedsOfTerm,
		NeedsOfWords:   vocab.NeedsOfWords,
		Admits:         matcher.Admits,
		Logger:         log,
	}
}

// logSkipped names the records left out of search: a build logged each as
// it met it; a start-up from the index's snapshot met none.
func logSkipped(log *slog.Logger, skipped []string) {
	if len(skipped) > 0 {
		shown := skipped[:min(len(skipped), 20)]
		log.Warn("records left out of search; fix or delete them", "count", len(skipped), "records", strings.Join(shown, "; "))
	}
}

// indexLimits are the limits of the index and of the records it reads, as
// flags of every command that opens it (serve, import, reindex).
type indexLimits struct{ serviceText, wordLetters, areaPoints int }

func indexFlags(fs *flag.FlagSet) *indexLimits {
	l := &indexLimits{}
	fs.IntVar(&l.serviceText, "max-service-text", index.DefaultMaxServiceText, "largest text of one service the search index takes, in `bytes` (a service past it is left out of search, logged and reported)")
	fs.IntVar(&l.wordLetters, "max-word-letters", index.DefaultMaxWordLetters, "most `letters` in one word of a search (refused as invalid above it)")
	fs.IntVar(&l.areaPoints, "max-area-points", resources.DefaultMaxAreaPoints, "most `points` in one service area's polygons (a service with more is refused as invalid, naming the area)")
	return l
}

// check says what is wrong with the limits, and puts in force the one that
// validation holds for the whole process (a service area's points).
func (l *indexLimits) check() error {
	if l.serviceText <= 0 || l.wordLetters <= 0 || l.areaPoints <= 0 {
		return usageError{"--max-service-text, --max-word-letters and --max-area-points are more than 0"}
	}
	resources.SetMaxAreaPoints(l.areaPoints)
	return nil
}

// batchGC sets the collector for a batch command (import, reindex) to run
// at GOGC=percent, under a soft memory limit of three quarters of the
// machine's memory, so a big directory makes it collect more often rather
// than run out. Reading a source keeps much of what it allocates (GOGC=200
// saved a twentieth of an import's CPU at 100k services for 0.1 GB of peak
// RSS); writing the store and building the index allocate much and keep
// little (GOGC=300 cut the CPU of a reindex by a fifth). collect runs a
// collection first, so that the new goal is reckoned from what is live
// from here on, not from what was (import's source, now garbage). GOGC or
// GOMEMLIMIT in the environment win.
func batchGC(percent int, collect bool) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	total := physicalMemory()
	if total == 0 {
		return
	}
	debug.SetMemoryLimit(total / 4 * 3)
	debug.SetGCPercent(percent)
	if collect {
		runtime.GC()
	}
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
