package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/resources"
)

type matchOut struct {
	Options []struct {
		ServiceAtLocationID string   `json:"service_at_location_id"`
		ServiceID           string   `json:"service_id"`
		Score               float64  `json:"score"`
		Reasons             []string `json:"reasons"`
		Capacity            struct {
			Status string `json:"status"`
		} `json:"capacity"`
	} `json:"options"`
}

// TestCapacityInMatch: a service that says it is full is still offered,
// ranked below what it outranked before, with the reason said; a waitlist
// is said with its wait.
func TestCapacityInMatch(t *testing.T) {
	ts := startServer(t, seedTwoOrgs)
	editor := ts.newKey(t, resources.RoleOrgEditor, "org")
	body := `{"client": {"latitude": 25.7617, "longitude": -80.1918}, "needs": [{"code": "food-insecurity"}]}`
	var before matchOut
	if status := ts.post(t, "/api/v1/match", body, &before); status != 200 || len(before.Options) < 2 {
		t.Fatalf("match: %d %+v", status, before)
	}
	top := before.Options[0]
	if top.ServiceID != "s-pantry" || top.Capacity.Status != "unknown" {
		t.Fatalf("first option before: %+v", top)
	}
	if resp, b := ts.do(t, "PUT", "/api/v1/services/s-pantry/capacity", editor, `{"status": "full", "note": "Out of stock until Monday"}`); resp.StatusCode != 200 {
		t.Fatalf("capacity: %d %s", resp.StatusCode, b)
	}
	var after matchOut
	ts.post(t, "/api/v1/match", body, &after)
	pos := -1
	for i, o := range after.Options {
		if o.ServiceAtLocationID == top.ServiceAtLocationID {
			pos = i
			if o.Capacity.Status != "full" || o.Score >= top.Score || !strings.Contains(strings.Join(o.Reasons, "|"), "No capacity now") {
				t.Errorf("the full pantry: %+v (score before %v)", o, top.Score)
			}
		}
	}
	if pos <= 0 {
		t.Errorf("the full pantry is at %d; want it offered, below the first place", pos)
	}
	wait := `{"status": "waitlist", "expected_wait_days": 12}`
	if resp, b := ts.do(t, "PUT", "/api/v1/services/s-pantry/capacity", editor, wait); resp.StatusCode != 200 {
		t.Fatalf("capacity: %d %s", resp.StatusCode, b)
	}
	var waiting matchOut // a fresh value: decoding into after would keep its fields
	ts.post(t, "/api/v1/match", body, &waiting)
	found := false
	for _, o := range waiting.Options {
		if o.ServiceAtLocationID == top.ServiceAtLocationID {
			found = true
			if o.Capacity.Status != "waitlist" || !strings.Contains(strings.Join(o.Reasons, "|"), "Waitlist, about 12 days") {
				t.Errorf("waitlist: %+v", o)
			}
		}
	}
	if !found {
		t.Error("the waitlisted pantry is not offered")
	}
	// Another organization's editor and a case manager may not set it.
	other := ts.newKey(t, resources.RoleOrgEditor, "other")
	if resp, _ := ts.do(t, "PUT", "/api/v1/services/s-pantry/capacity", other, wait); resp.StatusCode != 403 {
		t.Errorf("another organization: %d", resp.StatusCode)
	}
	if resp, _ := ts.do(t, "PUT", "/api/v1/services/s-pantry/capacity", ts.CaseManager, wait); resp.StatusCode != 403 {
		t.Errorf("a case manager: %d", resp.StatusCode)
	}
}

// TestUnmetNeedsCounted: a match that finds nothing for a need within its
// distance is counted for the report, by need and postcode, with no
// client data.
func TestUnmetNeedsCounted(t *testing.T) {
	ts := startServer(t, seedTwoOrgs)
	admin := ts.newKey(t, resources.RoleAdmin, "")
	body := `{"client": {"postcode": "33130", "age": 40}, "needs": [{"code": "legal-aid"}, {"code": "food-insecurity"}]}`
	for range 3 {
		if status := ts.post(t, "/api/v1/match", body, nil); status != 200 {
			t.Fatalf("match: %d", status)
		}
	}
	// Coordinates alone are counted under the nearest ZIP.
	lat, lon, _ := data.Centroid("33130")
	if status := ts.post(t, "/api/v1/match", fmt.Sprintf(`{"client": {"latitude": %f, "longitude": %f}, "needs": [{"code": "legal-aid"}]}`, lat, lon), nil); status != 200 {
		t.Fatalf("match: %d", status)
	}
	if err := ts.Unmet.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Need, Postcode string
		Count          int
	}
	resp, b := ts.do(t, "GET", "/api/v1/reports/unmet-needs", admin, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("report: %d %s", resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Need != "legal-aid" || rows[0].Postcode != "33130" || rows[0].Count != 4 {
		t.Errorf("report %s", b)
	}
	if resp, _ := ts.do(t, "GET", "/api/v1/reports/unmet-needs", ts.CaseManager, nil); resp.StatusCode != 403 {
		t.Errorf("a case manager reads the report: %d", resp.StatusCode)
	}
}
