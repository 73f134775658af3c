package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
)

// post sends a JSON body as a case manager and decodes the answer; it
// returns the status.
func (ts *testServer) post(tb testing.TB, path, body string, out any) int {
	tb.Helper()
	resp, b := ts.do(tb, http.MethodPost, path, ts.CaseManager, body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			tb.Fatalf("POST %s: %v: %s", path, err, b)
		}
	}
	return resp.StatusCode
}

type matchBody struct {
	Needs   []struct{ Code, Label, Source string } `json:"needs"`
	Options []struct {
		Rank                int
		ServiceID           string `json:"service_id"`
		ServiceAtLocationID string `json:"service_at_location_id"`
		Name                string
		Needs               []string
		Score               float64
		Eligibility         string
		Reasons             []string
		ScoreParts          map[string]float64 `json:"score_parts"`
	} `json:"options"`
	ByNeed     map[string][]string `json:"by_need"`
	UnmetNeeds []string            `json:"unmet_needs"`
	Ineligible []struct {
		ServiceID string `json:"service_id"`
		Reason    string
	} `json:"ineligible"`
}

func TestMatch(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	body := `{"client": {"latitude": 25.7617, "longitude": -80.1918, "age": 34, "languages": ["Spanish"], "household_size": 3},
	  "needs": [{"code": "food-insecurity"}, {"text": "they are going to shut off my electricity"}, {"code": "homelessness"}],
	  "at": "2026-11-27T10:00:00-05:00", "limit": 10}`
	var m matchBody
	if status := ts.post(t, "/api/v1/match", body, &m); status != 200 {
		t.Fatalf("status %d: %+v", status, m)
	}
	if len(m.Needs) != 3 || m.Needs[0].Source != "code" || m.Needs[1].Code != "utility-insecurity" || m.Needs[1].Source != "text" {
		t.Errorf("needs %+v", m.Needs)
	}
	if len(m.UnmetNeeds) != 1 || m.UnmetNeeds[0] != "homelessness" {
		t.Errorf("unmet %v", m.UnmetNeeds)
	}
	if len(m.Options) == 0 || m.Options[0].ServiceAtLocationID != "sal-pantry-downtown" || m.Options[0].Rank != 1 {
		t.Fatalf("options %+v", m.Options)
	}
	first := m.Options[0]
	if first.ScoreParts["language"] != 1 || first.ScoreParts["open"] != 1 || first.ScoreParts["distance"] != 1 || len(first.Reasons) < 4 {
		t.Errorf("first option %+v", first)
	}
	if ids := m.ByNeed["utility-insecurity"]; len(ids) != 1 || ids[0] != "sal-lights-homestead" {
		t.Errorf("utility options %v", ids)
	}
	// The same request gives the same answer, byte for byte.
	var a, b bytes.Buffer
	for _, buf := range []*bytes.Buffer{&a, &b} {
		_, answer := ts.do(t, http.MethodPost, "/api/v1/match", ts.CaseManager, body)
		buf.Write(answer)
	}
	if a.String() != b.String() {
		t.Error("the same request gave two answers")
	}
}

func TestMatchLeavesOutIneligible(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	// Rent help is for adults; a 16-year-old is told why with explain.
	body := `{"client": {"postcode": "33130", "age": 16}, "needs": [{"code": "housing-instability"}]}`
	var m matchBody
	if status := ts.post(t, "/api/v1/match?explain=true", body, &m); status != 200 {
		t.Fatalf("status %d", status)
	}
	if len(m.Options) != 0 || len(m.Ineligible) != 1 || m.Ineligible[0].ServiceID != "s-rent" || m.Ineligible[0].Reason == "" {
		t.Errorf("options %+v ineligible %+v", m.Options, m.Ineligible)
	}
}

func TestMatchBadRequests(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	tests := []struct {
		body   string
		status int
		field  string
	}{
		{`{"needs": [{"code": "food-insecurity"}]}`, 400, "client"},
		{`{"client": {"latitude": 25}, "needs": [{"code": "food-insecurity"}]}`, 400, "client.latitude"},
		{`{"client": {"latitude": 95, "longitude": 0}, "needs": [{"code": "food-insecurity"}]}`, 400, "client.latitude"},
		{`{"client": {"postcode": "00000"}, "needs": [{"code": "food-insecurity"}]}`, 400, "client.postcode"},
		{`{"client": {"postcode": "33130"}}`, 400, "needs"},
		{`{"client": {"postcode": "33130"}, "needs": [{"code": "hunger"}]}`, 422, "needs[0].code"},
		{`{"client": {"postcode": "33130"}, "needs": [{}]}`, 400, "needs[0]"},
		{`{"client": {"postcode": "33130"}, "needs": [{"code": "food-insecurity"}], "limit": 51}`, 400, "limit"},
		{`{"client": {"postcode": "33130"}, "needs": [{"code": "food-insecurity"}], "preferences": {"max_distance_km": 0}}`, 400, "preferences.max_distance_km"},
		{`{"client": {"postcode": "33130"}, "neds": []}`, 400, "neds"},
		{`{"client": {"postcode": 33130}, "needs": []}`, 400, "client.postcode"},
		{`{"client": `, 400, ""},
		{``, 400, ""},
		{`{"client": {"postcode": "33130"}, "screening": {"instrument": "ahc-hrsn", "answers": {"12345-6": "LA33-6"}}}`, 422, "screening.answers.12345-6"},
		{`{"client": {"postcode": "33130"}, "screening": {"instrument": "ahc-hrsn", "answers": {"88122-7": "LA999-9"}}}`, 422, "screening.answers.88122-7"},
		{`{"client": {"postcode": "33130"}, "screening": {"instrument": "phq-9", "answers": {}}}`, 422, "screening.instrument"},
	}
	for _, tt := range tests {
		var e errorBody
		status := ts.post(t, "/api/v1/match", tt.body, &e)
		if status != tt.status || e.Error.Code != "invalid" {
			t.Errorf("%s: %d %+v; want %d invalid", tt.body, status, e, tt.status)
			continue
		}
		if tt.field != "" {
			if _, ok := e.Error.Fields[tt.field]; !ok {
				t.Errorf("%s: fields %v do not name %q", tt.body, e.Error.Fields, tt.field)
			}
		}
	}
}

func TestMatchScreening(t *testing.T) {
	ts := startServer(t, fixture.Seed)
	body := `{"client": {"postcode": "33130"}, "screening": {"instrument": "ahc-hrsn",
	  "answers": {"88122-7": "LA28397-0", "96779-4": "LA33-6", "71802-3": "LA31993-1"}}}`
	var m matchBody
	if status := ts.post(t, "/api/v1/match", body, &m); status != 200 {
		t.Fatalf("status %d", status)
	}
	var codes []string
	for _, n := range m.Needs {
		codes = append(codes, n.Code+"/"+n.Source)
	}
	if len(codes) != 2 || codes[0] != "food-insecurity/screening" || codes[1] != "utility-insecurity/screening" {
		t.Errorf("needs %v", codes)
	}
}
