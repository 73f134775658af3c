package index_test

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/resources/hsds"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// openMiami imports the Miami 211 export into a new store and indexes it.
func openMiami(tb testing.TB) *index.Index {
	tb.Helper()
	return openDirectory(tb, fixture.SharedData(tb, "miami-211-hsds-1.1", "datapackage-1566177582"))
}

// openDirectory imports the directory at src as refer import does and
// opens its index with the real vocabulary and eligibility rules.
func openDirectory(tb testing.TB, src string) *index.Index {
	tb.Helper()
	dir := tb.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	d, err := hsds.Read(src, hsds.Options{Centroid: data.Centroid})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	if _, err := hsds.Load(ctx, db, d); err != nil {
		tb.Fatal(err)
	}
	vocab, err := matcher.LoadVocabulary()
	if err != nil {
		tb.Fatal(err)
	}
	ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm, CoreNeedsOf: vocab.CoreNeedsOfTerm, NeedsOfWords: vocab.NeedsOfWords, Admits: matcher.Admits})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

type goldenHit struct {
	ID         string   `json:"id"`
	DistanceKm *float64 `json:"distance_km,omitempty"`
	Open       bool     `json:"open,omitempty"`
	Score      float64  `json:"score,omitempty"`
}

type goldenResult struct {
	Total int         `json:"total"`
	Hits  []goldenHit `json:"hits"`
}

// TestMiamiGolden runs case-manager searches over the real Miami directory
// and compares the first hits, in order, with testdata/golden. Only ids and
// figures are kept there: the data's licence forbids copying its text.
// Refresh with: go test ./index -run MiamiGolden -update
func TestMiamiGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the whole Miami directory")
	}
	ix := openMiami(t)
	littleHavana := orb.Point{-80.2196, 25.7654} // 33135
	homestead := orb.Point{-80.4776, 25.4687}
	fridayNoon := time.Date(2019, 7, 26, 12, 0, 0, 0, time.FixedZone("EDT", -4*3600))
	queries := map[string]index.Query{
		"food-near-little-havana":      {Needs: []string{"food-insecurity"}, Near: &littleHavana, RadiusKm: 5},
		"food-pantry-prefix":           {Taxonomy: []string{"BD-1800.2000"}, Near: &littleHavana, RadiusKm: 25, Sort: index.SortDistance},
		"words-food-pantry":            {Text: "food pantry", Near: &littleHavana, RadiusKm: 25},
		"words-eviction-spanish":       {Text: "eviction", Language: "Spanish"},
		"shelter-homestead":            {Needs: []string{"homelessness"}, Near: &homestead, RadiusKm: 25},
		"utility-open-friday-noon":     {Needs: []string{"utility-insecurity"}, Near: &littleHavana, RadiusKm: 25, OpenNow: true, At: fridayNoon},
		"mental-health-creole-by-name": {Needs: []string{"mental-health"}, Language: "Creole", Sort: index.SortName},
		"misspelled-counseling":        {Text: "counceling for depresion", Near: &littleHavana, RadiusKm: 10},
	}
	for name, q := range queries {
		q.PerPage = 10
		if q.At.IsZero() {
			q.At = fridayNoon
		}
		res, err := ix.Search(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := goldenResult{Total: res.Total, Hits: []goldenHit{}}
		for _, h := range res.Hits {
			got.Hits = append(got.Hits, goldenHit{ID: h.Doc.ID, DistanceKm: h.DistanceKm, Open: h.Open.Open, Score: h.Score})
		}
		if got.Total == 0 {
			t.Errorf("%s: no hits; a golden test of nothing proves nothing", name)
		}
		compareGolden(t, name, got)
	}
}

func compareGolden(t *testing.T, name string, got any) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run with -update to create it)", name, err)
	}
	if string(want) != string(b) {
		t.Errorf("%s differs from %s:\n got: %s\nwant: %s", name, path, b, want)
	}
}

// TestMiamiSearchWords runs the searches issue 12 found failing, as a new
// user types them, over the real Miami directory: words are stemmed,
// preferred rather than required, widened by the needs they name, and the
// best match weighs distance.
func TestMiamiSearchWords(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the whole Miami directory")
	}
	ix := openMiami(t)
	ctx := context.Background()
	littleHavana := orb.Point{-80.2196, 25.7654} // 33135
	homestead := orb.Point{-80.4776, 25.4687}
	search := func(q index.Query) *index.Results {
		t.Helper()
		if q.PerPage == 0 {
			q.PerPage = 10
		}
		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// The first five hits all serve the need the words name.
	for _, tt := range []struct {
		text, need string
		near       orb.Point
	}{
		{"shelter tonight", "homelessness", littleHavana},
		{"help paying electric bill", "utility-insecurity", littleHavana},
		{"comida", "food-insecurity", littleHavana},
		{"necesito comida para mis hijos", "food-insecurity", homestead},
		{"dentist", "dental-care", homestead},
	} {
		res := search(index.Query{Text: tt.text, Near: &tt.near, RadiusKm: 25})
		if len(res.Hits) < 5 {
			t.Errorf("%q: %d hits", tt.text, len(res.Hits))
			continue
		}
		for i, h := range res.Hits[:5] {
			if !slices.Contains(h.Doc.Needs, tt.need) {
				t.Errorf("%q: hit %d %q serves %v, not %s", tt.text, i+1, h.Doc.Name, h.Doc.Needs, tt.need)
			}
		}
	}
	// "dentist" finds what "dental" finds (it found 2 where "dental" found 334).
	dentist, dental := search(index.Query{Text: "dentist"}), search(index.Query{Text: "dental"})
	if dentist.Total < dental.Total*8/10 {
		t.Errorf("dentist finds %d, dental %d", dentist.Total, dental.Total)
	}
	// Best match weighs distance: the first five for "food pantry" near
	// Homestead are nearer, on average, than the five best-worded ones.
	res := search(index.Query{Text: "food pantry", Near: &homestead, RadiusKm: 40, PerPage: 1000})
	meanKm := func(hs []index.Hit) float64 {
		sum, n := 0.0, 0
		for _, h := range hs {
			if h.DistanceKm != nil {
				sum += *h.DistanceKm
				n++
			}
		}
		return sum / float64(max(n, 1))
	}
	byWords := slices.Clone(res.Hits)
	slices.SortStableFunc(byWords, func(a, b index.Hit) int { return cmp.Compare(b.Score, a.Score) })
	if best, worded := meanKm(res.Hits[:5]), meanKm(byWords[:5]); best >= worded {
		t.Errorf("food pantry near Homestead: the best matches are %.1f km away on average, the best-worded %.1f km", best, worded)
	}
}

// TestMiamiSearchAge: age=34 in a search leaves out what matching would
// rule out for a client of 34: senior centres whose ages are only in their
// text or codes, and children's services.
func TestMiamiSearchAge(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the whole Miami directory")
	}
	ix := openMiami(t)
	littleHavana := orb.Point{-80.2196, 25.7654}
	age := 34.0
	all, err := ix.Search(context.Background(), index.Query{Needs: []string{"food-insecurity"}, Near: &littleHavana, RadiusKm: 10, PerPage: 1000})
	if err != nil {
		t.Fatal(err)
	}
	adult, err := ix.Search(context.Background(), index.Query{Needs: []string{"food-insecurity"}, Near: &littleHavana, RadiusKm: 10, Age: &age, PerPage: 1000})
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, h := range adult.Hits {
		kept[h.Doc.ID] = true
		if !matcher.Admits(&h.Doc.Listing, &age, "") {
			t.Errorf("%q kept for a client of 34", h.Doc.Name)
		}
	}
	seniors := 0
	for _, h := range all.Hits {
		if !kept[h.Doc.ID] && slices.ContainsFunc(h.Doc.Terms, func(tm index.Term) bool { return strings.HasPrefix(tm.Code, "YB-8000") }) {
			seniors++
		}
	}
	if seniors == 0 || adult.Total >= all.Total {
		t.Errorf("age=34 left out %d of %d, %d of them for older adults", all.Total-adult.Total, all.Total, seniors)
	}
	t.Logf("age=34 left out %d of %d food services within 10 km (%d for older adults)", all.Total-adult.Total, all.Total, seniors)
}
