package bench

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/finder"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
)

// ThreeNeedZIPs are the metros clients are placed in: ZIPs the generator
// clusters sites around.
var ThreeNeedZIPs = []string{"33130", "10001", "60601", "90012", "77002", "85004", "19107", "98101", "80202", "94103"}

// Places returns the client places of ThreeNeedZIPs.
func Places() []orb.Point {
	out := make([]orb.Point, 0, len(ThreeNeedZIPs))
	for _, zip := range ThreeNeedZIPs {
		lat, lon, _ := data.Centroid(zip)
		out = append(out, orb.Point{lon, lat})
	}
	return out
}

// ThreeNeeds is the match the performance targets are set for: food,
// housing and utilities for a 34-year-old Spanish-speaking mother of two.
func ThreeNeeds(place orb.Point, at time.Time) matcher.Request {
	age := 34.0
	return matcher.Request{
		Client: matcher.Client{Age: &age, Gender: "female", Languages: []string{"Spanish"}, HouseholdSize: 3},
		Place:  place,
		Needs: []matcher.NeedInput{
			{Code: "food-insecurity"}, {Code: "housing-instability"}, {Code: "utility-insecurity"},
		},
		IncludeVirtual: true, At: at, Limit: 10,
	}
}

// BruteForce is what a naive matcher does: every document of the directory
// in a slice, scanned for each need, a distance worked out for each.
// Matching is measured against it.
type BruteForce struct {
	all  []matcher.Candidate
	text matcher.Finder
}

// NewBruteForce loads every document of the index into memory, with
// open-now worked out for at (so the scan does not pay for it).
func NewBruteForce(ix *index.Index, at time.Time) (*BruteForce, error) {
	res, err := ix.Search(context.Background(), index.Query{At: at, PerPage: 1 << 30})
	if err != nil {
		return nil, err
	}
	all := make([]matcher.Candidate, len(res.Hits))
	for i, h := range res.Hits {
		all[i] = finder.CandidateOf(h)
	}
	return &BruteForce{all: all, text: finder.New(ix)}, nil
}

// Find scans everything for each need.
func (bf *BruteForce) Find(ctx context.Context, q matcher.FindQuery) (map[string][]matcher.Candidate, error) {
	out := map[string][]matcher.Candidate{}
	for _, need := range q.Needs {
		out[need] = bf.find(need, q)
	}
	return out, nil
}

func (bf *BruteForce) find(need string, q matcher.FindQuery) []matcher.Candidate {
	type scored struct {
		c matcher.Candidate
		d float64
	}
	var hits []scored
	for _, c := range bf.all {
		has := false
		for _, n := range c.Needs {
			if n == need {
				has = true
				break
			}
		}
		if !has {
			continue
		}
		d := math.Inf(1)
		if c.HasPoint {
			d = geo.DistanceHaversine(q.Near, c.Point) / 1000
		}
		if d <= q.RadiusKm || c.Virtual && q.IncludeVirtual {
			hits = append(hits, scored{c, d})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		return hits[i].d < hits[j].d || hits[i].d == hits[j].d && hits[i].c.ID < hits[j].c.ID
	})
	out := make([]matcher.Candidate, 0, min(len(hits), q.Limit))
	for _, h := range hits[:min(len(hits), q.Limit)] {
		c := h.c
		if !math.IsInf(h.d, 1) {
			d := math.Round(h.d*100) / 100
			c.DistanceKm = &d
		}
		out = append(out, c)
	}
	return out
}

// TextScores asks the index: words are not what the baseline is about.
func (bf *BruteForce) TextScores(ctx context.Context, text string, needs []string, near orb.Point, radiusKm float64) (map[string]float64, error) {
	return bf.text.TextScores(ctx, text, needs, near, radiusKm)
}

// TextHits is the index's, as TextScores is.
func (bf *BruteForce) TextHits(ctx context.Context, text string, near orb.Point, radiusKm float64, n int) ([]matcher.TextHit, error) {
	return bf.text.TextHits(ctx, text, near, radiusKm, n)
}
