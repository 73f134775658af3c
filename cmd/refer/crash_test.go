package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/refer-project/refer/internal/fixture"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// TestMain lets a test run refer itself in a child process (so it can be
// killed): with REFER_TEST_MAIN=1 the test binary is the refer binary.
func TestMain(m *testing.M) {
	if os.Getenv("REFER_TEST_MAIN") == "1" {
		ctx, stop := signalContext()
		code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(fixture.Run(m))
}

// startChild runs `refer serve` in a child process and returns its base URL.
func startChild(t *testing.T, dataDir string, extra ...string) (*exec.Cmd, string) {
	t.Helper()
	return startServeChild(t, dataDir, nil, extra...)
}

// TestKilledMidWriteCatchesUp kills the server with SIGKILL while writes
// are in flight, so some land in the store and not yet in the index, then
// starts it again: every committed service must be searchable, and the
// index must have reached the store's last change.
func TestKilledMidWriteCatchesUp(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills child processes")
	}
	dir := t.TempDir()
	key := lastLineOf(mustRun(t, "keys", "create", "--data", dir, "--role", "admin", "--name", "crash-test"))

	child, first := startChild(t, dir)
	base := first
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"id": "crash-%d-%d", "organization_id": "1", "name": "Crash test pantry zq%dx%d", "status": "active"}`, w, i, w, i)
				req, _ := http.NewRequest("POST", base+"/api/v1/services", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+key)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return // the server is gone
				}
				resp.Body.Close()
			}
		}(w)
	}
	time.Sleep(700 * time.Millisecond)
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	close(stop)
	wg.Wait()

	// What the store holds now is the truth.
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	all, err := db.List(ctx, resources.KindService, resources.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var written []string
	for _, r := range all {
		if strings.HasPrefix(r.RecordID(), "crash-") {
			written = append(written, r.(*resources.Service).Name)
		}
	}
	storeSeq, _ := db.LastSeq(ctx)
	db.Close()
	if len(written) == 0 {
		t.Fatal("no write reached the store before the kill")
	}

	again, base := startChild(t, dir)
	for _, name := range written {
		word := strings.Fields(name)[3]
		resp, err := http.Get(base + "/api/v1/search?" + url.Values{"q": {word}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Contains(b, []byte(name)) {
			t.Errorf("%q is in the store but not found after restart: %s", name, b)
		}
	}
	t.Logf("%d services written before the kill; all found after restart", len(written))

	// The index on disk reached the store's last change.
	again.Process.Signal(syscall.SIGTERM)
	again.Wait()
	db, err = bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	vocab, _ := matcher.LoadVocabulary()
	ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm, CoreNeedsOf: vocab.CoreNeedsOfTerm, NeedsOfWords: vocab.NeedsOfWords, Admits: matcher.Admits})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Applied() < storeSeq {
		t.Errorf("index at change %d, store at %d", ix.Applied(), storeSeq)
	}
}

func lastLineOf(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
