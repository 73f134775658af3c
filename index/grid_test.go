package index

import (
	"cmp"
	"fmt"
	"github.com/refer-project/refer/listing"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// TestGridNearestIsExhaustive checks the grid's k nearest against sorting
// every point by distance: dense clusters, a sparse spread, places far
// from any point, wide and narrow radii, skipped documents, and removals.
func TestGridNearestIsExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	g := newPointGrid()
	var docs []*Document
	centres := []orb.Point{{-80.2, 25.8}, {-73.99, 40.75}, {-149.9, 61.2}}
	for i := range 3000 {
		var p orb.Point
		if i%4 == 0 { // spread over the continent
			p = orb.Point{-125 + rng.Float64()*58, 25 + rng.Float64()*24}
		} else {
			c := centres[i%len(centres)]
			p = orb.Point{c.Lon() + rng.NormFloat64()*0.15, c.Lat() + rng.NormFloat64()*0.1}
		}
		d := &Document{Listing: listing.Listing{ID: fmt.Sprintf("d%04d", i), Point: p, HasPoint: true}}
		docs = append(docs, d)
		g.add(d)
	}
	for _, d := range docs[:300] { // removed ones must not come back
		g.remove(d)
	}
	live := docs[300:]
	skip := func(d *Document) bool { return strings.HasSuffix(d.ID, "7") }
	for q := range 400 {
		p := orb.Point{-125 + rng.Float64()*58, 25 + rng.Float64()*24}
		if q%2 == 0 {
			c := centres[q%len(centres)]
			p = orb.Point{c.Lon() + rng.NormFloat64()*0.1, c.Lat() + rng.NormFloat64()*0.1}
		}
		k := []int{1, 10, 100, 5000}[q%4]
		radius := []float64{0.5, 5, 25, 100, 800}[q%5]
		var sk func(*Document) bool
		if q%3 == 0 {
			sk = skip
		}
		var want []nearDoc
		for _, d := range live {
			if m := geo.DistanceHaversine(p, d.Point); m <= radius*1000 && (sk == nil || !sk(d)) {
				want = append(want, nearDoc{d, m})
			}
		}
		slices.SortFunc(want, func(a, b nearDoc) int {
			return cmp.Or(cmp.Compare(a.m, b.m), strings.Compare(a.d.ID, b.d.ID))
		})
		want = want[:min(k, len(want))]
		got := g.nearest(nil, p, k, radius, sk)
		if !slices.Equal(ids(got), ids(want)) {
			t.Fatalf("query %d at %v, k %d, radius %g km:\ngot  %v\nwant %v", q, p, k, radius, ids(got), ids(want))
		}
	}
}

func ids(ns []nearDoc) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.d.ID
	}
	return out
}

func TestGridInBound(t *testing.T) {
	g := newPointGrid()
	in := &Document{Listing: listing.Listing{ID: "in", Point: orb.Point{-80.19, 25.77}}}
	out := &Document{Listing: listing.Listing{ID: "out", Point: orb.Point{-80.5, 25.77}}}
	g.add(in)
	g.add(out)
	b := orb.Bound{Min: orb.Point{-80.3, 25.7}, Max: orb.Point{-80.1, 25.8}}
	if got := g.inBound(nil, b); len(got) != 1 || got[0] != in {
		t.Errorf("inBound = %v; want only %q", got, in.ID)
	}
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}} // more cells than there are: every cell once
	if got := g.inBound(nil, world); len(got) != 2 {
		t.Errorf("inBound(world) has %d; want 2", len(got))
	}
}
