package index_test

import (
	"github.com/refer-project/refer/internal/fixture"
	"os"
	"sync"
	"testing"
)

var (
	benchDirsMu sync.Mutex
	benchDirs   []string
)

// osTempDir makes a folder for benchmark data that outlives one benchmark
// function (b.TempDir is removed when it returns), so sizes are built once;
// TestMain removes it when the run ends.
func osTempDir(name string) (string, error) {
	dir, err := os.MkdirTemp("", name+"-*")
	if err == nil {
		benchDirsMu.Lock()
		benchDirs = append(benchDirs, dir)
		benchDirsMu.Unlock()
	}
	return dir, err
}

func TestMain(m *testing.M) {
	code := fixture.Run(m)
	for _, dir := range benchDirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
