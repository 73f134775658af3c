package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// seedGenerated loads a generated directory: synthetic, so whole answers
// (names, reasons) can be kept in golden files.
func seedGenerated(tb testing.TB, s resources.Store) {
	tb.Helper()
	if _, err := hsds.Load(context.Background(), s, gen.Generate(3000, 7)); err != nil {
		tb.Fatal(err)
	}
}

// TestMatchGolden compares full match answers with testdata/golden.
// Refresh with: go test ./api -run MatchGolden -update
func TestMatchGolden(t *testing.T) {
	ts := startServer(t, seedGenerated)
	cases := map[string]string{
		"three-needs-zip-33135": `{"client": {"postcode": "33135", "age": 34, "gender": "female", "languages": ["Spanish"], "household_size": 4, "annual_income": 21000},
			"needs": [{"code": "food-insecurity"}, {"text": "they are going to shut off my electricity"}, {"code": "housing-instability"}],
			"at": "2026-11-27T15:00:00-05:00", "limit": 5}`,
		"safety-first-chicago": `{"client": {"postcode": "60601", "age": 27, "gender": "female"},
			"needs": [{"code": "intimate-partner-violence"}, {"code": "homelessness"}],
			"at": "2026-11-27T22:00:00-06:00", "limit": 5}`,
		"screening-open-now-free-houston": `{"client": {"latitude": 29.7604, "longitude": -95.3698, "age": 70, "veteran": true},
			"screening": {"instrument": "ahc-hrsn", "answers": {"88122-7": "LA6729-3", "93030-5": "LA33-6"}},
			"preferences": {"open_now": true, "free_only": true, "max_distance_km": 30},
			"at": "2026-11-27T11:00:00-06:00", "limit": 5}`,
	}
	for name, body := range cases {
		resp, raw := ts.do(t, "POST", "/api/v1/match?explain=true", ts.CaseManager, body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", name, resp.StatusCode, raw)
		}
		var pretty bytes.Buffer
		json.Indent(&pretty, raw, "", "  ")
		pretty.WriteByte('\n')
		path := filepath.Join("testdata", "golden", "match-"+name+".json")
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update)", name, err)
		}
		if !bytes.Equal(want, pretty.Bytes()) {
			t.Errorf("%s differs from %s:\n%s", name, path, pretty.String())
		}
	}
}
