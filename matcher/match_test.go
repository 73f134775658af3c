package matcher

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/resources"
)

// fakeFinder returns fixed candidates per need, as the index would.
type fakeFinder map[string][]Candidate

func (f fakeFinder) Find(_ context.Context, q FindQuery) (map[string][]Candidate, error) {
	out := map[string][]Candidate{}
	for _, n := range q.Needs {
		out[n] = f[n]
	}
	return out, nil
}

func (f fakeFinder) TextScores(context.Context, string, orb.Point, float64) (map[string]float64, error) {
	return map[string]float64{"pantry": 4, "rent": 2}, nil
}

func km(v float64) *float64 { return &v }

var matchAt = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

func TestScoreParts(t *testing.T) {
	pantry := Candidate{ID: "pantry", ServiceID: "s1", ServiceAtLocationID: "pantry", Name: "Pantry",
		OrganizationID: "o1", Needs: []string{"food-insecurity", "housing-instability"},
		Terms: []Term{{Code: "BD-1800.2000", Name: "Food Pantries"}}, DistanceKm: km(0),
		Open: resources.OpenState{Known: true, Open: true, Until: "17:00"}, Languages: []string{"spanish", "es"},
		Free: true, LastVerified: "2026-06-01"}
	rent := Candidate{ID: "rent", ServiceID: "s2", ServiceAtLocationID: "rent", Name: "Rent help",
		OrganizationID: "o2", Needs: []string{"housing-instability"},
		Terms: []Term{{Code: "FT-4500", Name: "Landlord/Tenant Assistance"}}, DistanceKm: km(10),
		Open: resources.OpenState{Known: true}, Languages: []string{"english"}, Eligibility: "Adults 18 and over"}
	hotline := Candidate{ID: "s3", ServiceID: "s3", Name: "Hotline", OrganizationID: "o3", Virtual: true,
		Needs: []string{"food-insecurity"}, Terms: []Term{{Code: "BD", Name: "Food"}}}
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{
		"food-insecurity":     {pantry, hotline},
		"housing-instability": {pantry, rent},
	}}
	age := 34.0
	res, err := m.Match(context.Background(), Request{
		Client: Client{Age: &age, Languages: []string{"Spanish"}},
		Needs:  []NeedInput{{Code: "food-insecurity"}, {Text: "rent"}, {Code: "housing-instability"}},
		At:     matchAt, IncludeVirtual: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]ScoreParts{}
	for _, o := range res.Options {
		parts[o.ServiceID] = o.ScoreParts
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"pantry need: food's crosswalk names the whole BD section", parts["s1"].Need, 0.8},
		{"rent need: under FT-4500, a program-level crosswalk code", parts["s2"].Need, 1},
		{"pantry text: the best BM25 score", parts["s1"].Text, 1},
		{"rent text: half of it", parts["s2"].Text, 0.5},
		{"pantry distance 0 km", parts["s1"].Distance, 1},
		{"rent distance 10 km", parts["s2"].Distance, math.Round(math.Exp(-1)*1000) / 1000},
		{"hotline distance: by phone", parts["s3"].Distance, 0.3},
		{"pantry eligibility: nothing stated", parts["s1"].Eligibility, 0.5},
		{"rent eligibility: adults, client 34", parts["s2"].Eligibility, 1},
		{"pantry language: Spanish spoken", parts["s1"].Language, 1},
		{"rent language: not Spanish", parts["s2"].Language, 0},
		{"hotline language: none listed", parts["s3"].Language, 0.5},
		{"pantry open", parts["s1"].Open, 1},
		{"rent closed", parts["s2"].Open, 0.3},
		{"hotline hours unknown", parts["s3"].Open, 0.5},
		{"pantry free", parts["s1"].Cost, 1},
		{"rent cost unknown", parts["s2"].Cost, 0.5},
		{"pantry verified half a year ago", parts["s1"].Freshness, 1},
		{"rent never verified", parts["s2"].Freshness, 0.2},
		// "rent" reads as housing-instability, already asked for: two needs.
		{"pantry covers both needs", parts["s1"].Coverage, 1},
		{"rent covers one", parts["s2"].Coverage, 0},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v; want %v", tt.name, tt.got, tt.want)
		}
	}
	if res.Options[0].ServiceID != "s1" || res.Options[0].Rank != 1 {
		t.Errorf("first option %+v", res.Options[0])
	}
	for _, o := range res.Options {
		if want := round(o.ScoreParts.total()); o.Score != want {
			t.Errorf("%s: score %v is not the weighted sum of its parts %v", o.ServiceID, o.Score, want)
		}
		if len(o.Reasons) == 0 {
			t.Errorf("%s: no reasons", o.ServiceID)
		}
	}
	if !slices.Equal(res.ByNeed["food-insecurity"], []string{"pantry", "s3"}) {
		t.Errorf("by_need food: %v", res.ByNeed["food-insecurity"])
	}
}

func TestSafetyFirstDiversityAndTies(t *testing.T) {
	var cands []Candidate
	// Five sites of one big agency right here, and a crisis line a little
	// further away, and two equal sites of other agencies.
	for _, id := range []string{"a1", "a2", "a3", "a4", "a5"} {
		cands = append(cands, Candidate{ID: id, ServiceID: id, OrganizationID: "big", DistanceKm: km(0.5),
			Needs: []string{"intimate-partner-violence"}, Terms: []Term{{Code: "FN-1500.9100-180"}}})
	}
	cands = append(cands,
		Candidate{ID: "z-twin", ServiceID: "z-twin", OrganizationID: "o2", DistanceKm: km(2), Needs: []string{"intimate-partner-violence"}, Terms: []Term{{Code: "PN-8100.0200-180"}}},
		Candidate{ID: "y-twin", ServiceID: "y-twin", OrganizationID: "o3", DistanceKm: km(2), Needs: []string{"intimate-partner-violence"}, Terms: []Term{{Code: "PN-8100.0200-180"}}},
		Candidate{ID: "hotline", ServiceID: "hotline", OrganizationID: "o4", DistanceKm: km(8), Needs: []string{"intimate-partner-violence"}, Terms: []Term{{Code: "RP-1500.1400-200"}}},
	)
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{"intimate-partner-violence": cands}}
	res, err := m.Match(context.Background(), Request{Needs: []NeedInput{{Code: "intimate-partner-violence"}}, At: matchAt, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range res.Options {
		got = append(got, o.ServiceID)
	}
	// The crisis line first; two of the big agency; the twins by id.
	want := []string{"hotline", "a1", "a2", "y-twin", "z-twin"}
	if !slices.Equal(got, want) {
		t.Errorf("options %v; want %v", got, want)
	}
}

func TestUnmetAndUnknownNeeds(t *testing.T) {
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{}}
	res, err := m.Match(context.Background(), Request{Needs: []NeedInput{{Code: "dental-care"}}, At: matchAt})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.UnmetNeeds, []string{"dental-care"}) || len(res.Options) != 0 {
		t.Errorf("unmet %v options %v", res.UnmetNeeds, res.Options)
	}
	_, err = m.Match(context.Background(), Request{Needs: []NeedInput{{Code: "hunger"}}})
	if resources.ErrorCode(err) != resources.EINVALID || resources.ErrorFields(err)["needs[0].code"] == "" {
		t.Errorf("unknown need code: %v", err)
	}
	_, err = m.Match(context.Background(), Request{Needs: []NeedInput{{Text: "hello there"}}})
	if resources.ErrorCode(err) != resources.EINVALID {
		t.Errorf("words with no need: %v", err)
	}
}

func BenchmarkScore(b *testing.B) {
	v := mustVocabulary(b)
	var cands []Candidate
	for i := 0; i < 100; i++ {
		cands = append(cands, Candidate{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), OrganizationID: "o", DistanceKm: km(float64(i) / 10),
			Needs: []string{"food-insecurity"}, Terms: []Term{{Code: "BD-1800.2000"}}, Eligibility: "Adults 18 and over", LastVerified: "2026-01-01"})
	}
	m := &Matcher{Vocab: v, Finder: fakeFinder{"food-insecurity": cands}}
	age := 30.0
	req := Request{Client: Client{Age: &age}, Needs: []NeedInput{{Code: "food-insecurity"}}, At: matchAt}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Match(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
