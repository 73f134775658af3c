package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/people"
	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/web"
)

// testServer is the real server, with the pages, on 127.0.0.1:0 over a
// real store and index.
type testServer struct {
	URL   string
	Store *bolt.DB
	Index *index.Index
	Pages *web.Pages
	// Accounts are the people who sign in.
	Accounts *people.Accounts
	// Refs are the referrals the pages make and follow.
	Refs *referrals.Referrals
}

// fastHash keeps sign-ins quick under the race detector; the costs are in
// each hash, so verifying reads them from there.
var fastHash = people.HashParams{Memory: 1024, Time: 1, Threads: 1}

// startServer starts the server over a store that seed fills; opts change
// its configuration: each a func(*api.Config) or a func(*web.Config) (the
// pages take the server's clock).
func startServer(tb testing.TB, seed func(tb testing.TB, s resources.Store), opts ...any) *testServer {
	tb.Helper()
	dir := tb.TempDir()
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
	ix, err := index.Open(context.Background(), index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm})
	if err != nil {
		tb.Fatal(err)
	}
	cfg := api.Config{Store: db, Index: ix, Vocabulary: vocab, Keys: db, Audit: db}
	for _, o := range opts {
		if o, ok := o.(func(*api.Config)); ok {
			o(&cfg)
		}
	}
	accounts := people.New(people.Config{Store: db, Now: cfg.Now, Hash: fastHash})
	sealer, err := referrals.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	refs := referrals.New(referrals.Config{Directory: db, Store: db, Sealer: sealer, Now: cfg.Now,
		KnownNeed: func(code string) bool { _, ok := vocab.Need(code); return ok }})
	cfg.Referrals = refs
	wcfg := web.Config{Logger: cfg.Logger, Store: db, Index: ix, Vocabulary: vocab, Now: cfg.Now, Accounts: accounts, Keys: db,
		Closed: cfg.RequireKeyToRead, Referrals: refs}
	for _, o := range opts {
		if o, ok := o.(func(*web.Config)); ok {
			o(&wcfg)
		}
	}
	pages := web.New(wcfg)
	cfg.Pages = pages
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
	return &testServer{URL: "http://" + l.Addr().String(), Store: db, Index: ix, Pages: pages, Accounts: accounts, Refs: refs}
}

// do sends a request with a string body (none if ""), with header pairs
// after it; it returns the answer with its body read.
func (ts *testServer) do(tb testing.TB, method, path, body string, header ...string) (*http.Response, []byte) {
	tb.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, r)
	if err != nil {
		tb.Fatal(err)
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

// getJSON fetches path and decodes the JSON body into out; it returns the
// status.
func (ts *testServer) getJSON(tb testing.TB, path string, out any) int {
	tb.Helper()
	resp, b := ts.do(tb, http.MethodGet, path, "")
	if err := json.Unmarshal(b, out); err != nil {
		tb.Fatalf("GET %s: %v: %s", path, err, b)
	}
	return resp.StatusCode
}

// loadOpenAPI fetches the served document and checks it is valid OpenAPI 3.
func loadOpenAPI(tb testing.TB, ts *testServer) *openapi3.T {
	tb.Helper()
	_, raw := ts.do(tb, "GET", "/api/openapi.json", "")
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		tb.Fatalf("the served document does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		tb.Fatalf("the served document is not valid OpenAPI 3: %v", err)
	}
	return doc
}
