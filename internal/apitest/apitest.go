// Package apitest starts refer's real HTTP server for tests of its faces
// (api, hsdsapi): a real bbolt store and Bleve index in the test's temp
// folder, the server on 127.0.0.1:0.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// TestServer is the real server on 127.0.0.1:0 over a real store and index.
type TestServer struct {
	URL    string
	Store  *bolt.DB
	Index  *index.Index
	Server *api.Server
	// CaseManager is a key that post sends.
	CaseManager string
	// Unmet counts unmet needs; tests flush it to read the report.
	Unmet *referrals.UnmetCounter
}

// Start starts the server over a store that seed fills; opts change its
// configuration. The server, store and index close when the test ends.
func Start(tb testing.TB, seed func(tb testing.TB, s resources.Store), opts ...func(*api.Config)) *TestServer {
	tb.Helper()
	return StartIn(tb, tb.TempDir(), seed, opts...)
}

// testLogger logs the server's warnings and errors (a 500's cause, say) to
// the test's log, shown when it fails; what is logged once the test has
// ended, which testing refuses, is dropped.
func testLogger(tb testing.TB) *slog.Logger {
	w := &testLog{tb: tb}
	tb.Cleanup(w.end) // registered before the server's, so run after it stops
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testLog struct {
	mu    sync.Mutex
	tb    testing.TB
	ended bool
}

func (w *testLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.ended {
		w.tb.Log("server: " + strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testLog) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ended = true
}

// StartIn is Start with the store and index in dir (a small file system,
// say).
func StartIn(tb testing.TB, dir string, seed func(tb testing.TB, s resources.Store), opts ...func(*api.Config)) *TestServer {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		tb.Fatal(err)
	}
	if seed != nil {
		seed(tb, db)
	}
	vocab, err := matcher.LoadVocabulary()
	if err != nil {
		tb.Fatal(err)
	}
	ix, err := index.Open(context.Background(), index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm, CoreNeedsOf: vocab.CoreNeedsOfTerm, NeedsOfWords: vocab.NeedsOfWords, Admits: matcher.Admits})
	if err != nil {
		tb.Fatal(err)
	}
	sealer, err := referrals.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	cfg := api.Config{Logger: testLogger(tb), Store: db, Index: ix, Vocabulary: vocab, Keys: db, Audit: db,
		Referrals: referrals.New(referrals.Config{Directory: db, Store: db, Sealer: sealer,
			KnownNeed: func(c string) bool { _, ok := vocab.Need(c); return ok }}),
		Unmet: &referrals.UnmetCounter{Store: db, Now: time.Now}, AllowPrivateWebhooks: true}
	for _, o := range opts {
		o(&cfg)
	}
	srv := api.New(cfg)
	srv.SetReady(true)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(l)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		ix.Close()
		db.Close()
	})
	ts := &TestServer{URL: "http://" + l.Addr().String(), Store: db, Index: ix, Server: srv, Unmet: cfg.Unmet}
	ts.CaseManager = ts.NewKey(tb, resources.RoleCaseManager, "")
	return ts
}

// NewKey stores a key of the role (bound to org for an org_editor) and
// returns it.
func (ts *TestServer) NewKey(tb testing.TB, role resources.Role, org string) string {
	tb.Helper()
	k, token, err := resources.NewKey("test "+string(role)+" "+org, role, org, "", time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	if err := ts.Store.CreateKey(context.Background(), k); err != nil {
		tb.Fatal(err)
	}
	return token
}

// Do sends a request with key (none if "") and a body (a string is sent as
// it is, anything else as JSON), with header pairs after it; it returns the
// answer with its body read.
func (ts *TestServer) Do(tb testing.TB, method, path, key string, body any, header ...string) (*http.Response, []byte) {
	tb.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, ts.URL+path, r)
	if err != nil {
		tb.Fatal(err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, b
}

// Get fetches path and decodes the JSON body into out; it returns the status.
func (ts *TestServer) Get(tb testing.TB, path string, out any) int {
	tb.Helper()
	resp, err := http.Get(ts.URL + path)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			tb.Fatalf("GET %s: %v: %s", path, err, body)
		}
	}
	return resp.StatusCode
}

// ErrorBody is the contract's error shape.
type ErrorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}
