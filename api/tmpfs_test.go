package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/apitest"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// mountTmpfs mounts a tmpfs of size bytes at a new folder and unmounts it
// when the test ends. It needs root (CI runs as root, and sets
// REFER_REQUIRE_TMPFS so that it fails there rather than skip).
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("REFER_REQUIRE_TMPFS") != "" {
			t.Fatal("mounting a tmpfs needs root, and REFER_REQUIRE_TMPFS is set")
		}
		t.Skip("mounting a tmpfs needs root (CI runs this test as root)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// TestFullFileSystem runs the server on a real file system that fills: a
// tmpfs of a few megabytes holding the store and the index. Writes that do
// not fit are refused with 507 storage_full naming the disk, and nothing
// of them is kept; reads, search and the probes go on; once the file
// system has room again (grown in place, the server still running), new
// writes succeed. Every acknowledged write is in the store and in search.
// (A tmpfs cannot be made read-only while the store holds it open for
// writing, so EROFS is shown only by its mapping in resources/bolt.)
func TestFullFileSystem(t *testing.T) {
	dir := mountTmpfs(t, 8<<20)
	ts := &testServer{apitest.StartIn(t, dir, fixture.Seed, func(c *api.Config) {
		c.AddressLimit, c.KeyLimit = api.Limit{Rate: -1}, api.Limit{Rate: -1}
	})}
	db := ts.Store
	admin := ts.newKey(t, resources.RoleAdmin, "")

	post := func(i int) (int, []byte) {
		body := map[string]any{"organization_id": "org", "name": fmt.Sprintf("Filler pantry zq%d", i), "status": "active",
			"description": strings.Repeat(fmt.Sprintf("row %d fills the disk. ", i), 3000)}
		resp, b := ts.do(t, "POST", "/api/v1/services", admin, body)
		return resp.StatusCode, b
	}
	var acked []string
	full := false
	for i := 0; i < 400 && !full; i++ {
		switch code, b := post(i); code {
		case 201:
			var out resources.Service
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatal(err)
			}
			acked = append(acked, out.ID)
		case 507:
			var e errorBody
			json.Unmarshal(b, &e)
			if e.Error.Code != "storage_full" || !strings.Contains(e.Error.Message, "full") || !strings.Contains(e.Error.Message, "Nothing of it was kept") {
				t.Errorf("a write on a full file system: %s", b)
			}
			full = true
		default:
			t.Fatalf("write %d: %d %s", i, code, b)
		}
	}
	if !full || len(acked) == 0 {
		t.Fatalf("the file system never filled (%d writes) or took none", len(acked))
	}
	t.Logf("%d writes acknowledged before the tmpfs filled", len(acked))
	for _, p := range []string{"/api/v1/search?q=pantry", "/api/v1/services/" + acked[0], "/api/hsds/services", "/healthz", "/readyz"} {
		if resp, b := ts.do(t, "GET", p, "", nil); resp.StatusCode != 200 {
			t.Errorf("GET %s on a full file system: %d %.200s", p, resp.StatusCode, b)
		}
	}

	// Room again, the server still running.
	if out, err := exec.Command("mount", "-o", "remount,size=64m", dir).CombinedOutput(); err != nil {
		t.Fatalf("grow the tmpfs: %v %s", err, out)
	}
	code, b := post(1000)
	if code != 201 {
		t.Fatalf("a write once there is room: %d %s", code, b)
	}
	var after resources.Service
	json.Unmarshal(b, &after)
	acked = append(acked, after.ID)
	for _, id := range acked {
		if resp, _ := ts.do(t, "GET", "/api/v1/services/"+id, "", nil); resp.StatusCode != 200 {
			t.Errorf("acknowledged service %s: %d", id, resp.StatusCode)
		}
	}

	var found struct {
		Total int `json:"total"`
	}
	ts.call(t, "GET", "/api/v1/search?q=filler&per_page=1", "", nil, &found)
	if found.Total != len(acked) {
		t.Errorf("search finds %d of the %d acknowledged services", found.Total, len(acked))
	}
	if n, _ := db.Count(context.Background(), resources.KindService); n != len(acked)+countSeeded(t) {
		t.Errorf("the store holds %d services, want the %d seeded and %d acknowledged", n, countSeeded(t), len(acked))
	}
}

// countSeeded is how many services fixture.Seed writes.
func countSeeded(t *testing.T) int {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "seed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fixture.Seed(t, db)
	n, _ := db.Count(context.Background(), resources.KindService)
	return n
}
