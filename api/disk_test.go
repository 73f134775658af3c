package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/apitest"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// A store whose disk fills: writes are refused with 507 storage_full and a
// message that says so, nothing half-written; reads keep answering; once
// there is room again (here: the store reopened without its size limit)
// every acknowledged write is there and new writes succeed.
func TestFullDisk(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "refer.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	fixture.Seed(t, db)
	db.Close()
	st, _ := os.Stat(path)
	t.Logf("the seeded store is %d bytes", st.Size())

	serve := func(opts ...bolt.Option) (*testServer, func()) {
		db, err := bolt.Open(path, opts...)
		if err != nil {
			t.Fatal(err)
		}
		vocab, _ := matcher.LoadVocabulary()
		ix, err := index.Open(context.Background(), index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm})
		if err != nil {
			t.Fatal(err)
		}
		srv := api.New(api.Config{Store: db, Index: ix, Vocabulary: vocab, Keys: db, Audit: db,
			AddressLimit: api.Limit{Rate: -1}, KeyLimit: api.Limit{Rate: -1}})
		srv.SetReady(true)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(l)
		ts := &testServer{&apitest.TestServer{URL: "http://" + l.Addr().String(), Store: db, Index: ix, Server: srv}}
		return ts, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(ctx)
			ix.Close()
			db.Close()
		}
	}

	// Room for a little more than the file holds now.
	ts, stop := serve(bolt.WithMaxSize(int(st.Size()) + 256<<10))
	admin := ts.newKey(t, resources.RoleAdmin, "")
	var acked []string
	full := false
	for i := range 400 {
		body := map[string]any{"organization_id": "org", "name": fmt.Sprintf("Filler pantry zf%d", i), "status": "active",
			"description": strings.Repeat(fmt.Sprintf("row %d fills the disk. ", i), 6000)}
		var out resources.Service
		var e errorBody
		resp, b := ts.do(t, "POST", "/api/v1/services", admin, body)
		switch resp.StatusCode {
		case 201:
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatal(err)
			}
			acked = append(acked, out.ID)
			continue
		case 507:
			json.Unmarshal(b, &e)
			if e.Error.Code != "storage_full" || !strings.Contains(e.Error.Message, "size limit") || !strings.Contains(e.Error.Message, "Nothing of it was kept") {
				t.Errorf("a write on a full store: %s", b)
			}
			full = true
		default:
			t.Fatalf("write %d: %d %s", i, resp.StatusCode, b)
		}
		break
	}
	if !full || len(acked) == 0 {
		t.Fatalf("the store never filled (%d writes) or took none", len(acked))
	}
	// Reads go on.
	for _, p := range []string{"/api/v1/search?q=pantry", "/api/v1/services/" + acked[0], "/api/hsds/services", "/healthz"} {
		if resp, b := ts.do(t, "GET", p, "", nil); resp.StatusCode != 200 {
			t.Errorf("GET %s on a full store: %d %.200s", p, resp.StatusCode, b)
		}
	}
	// Every other kind of write says the same, and keeps nothing.
	if resp, b := ts.do(t, "PUT", "/api/v1/services/"+acked[0], admin, map[string]any{"organization_id": "org", "name": "x", "status": "active",
		"description": strings.Repeat("grow ", 200000)}); resp.StatusCode != 507 {
		t.Errorf("a PUT on a full store: %d %.200s", resp.StatusCode, b)
	}
	stop()

	// Room again.
	ts, stop = serve()
	defer stop()
	for _, id := range acked {
		if resp, _ := ts.do(t, "GET", "/api/v1/services/"+id, "", nil); resp.StatusCode != 200 {
			t.Errorf("acknowledged service %s: %d after the disk had room again", id, resp.StatusCode)
		}
	}
	var s resources.Service
	ts.call(t, "GET", "/api/v1/services/"+acked[0], "", nil, &s)
	if s.Name == "x" {
		t.Error("the refused PUT was kept")
	}
	if resp, b := ts.do(t, "POST", "/api/v1/services", admin, map[string]any{"organization_id": "org", "name": "After", "status": "active"}); resp.StatusCode != 201 {
		t.Errorf("a write once there is room: %d %s", resp.StatusCode, b)
	}
	t.Logf("%d writes acknowledged before the store filled; all there after", len(acked))
}
