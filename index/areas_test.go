package index

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/resources"
)

// TestContainsAgreesWithOrb checks the hand-written point-in-polygon
// against orb's planar one on the generator's service areas (some with
// holes), at random points around them and on their vertices.
func TestContainsAgreesWithOrb(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	checked := 0
	for _, r := range gen.Generate(2000, 5).Records {
		s, ok := r.(*resources.Service)
		if !ok {
			continue
		}
		for _, a := range s.ServiceAreas {
			g, ok, err := a.Geometry()
			if err != nil || !ok {
				continue
			}
			b := g.Bound().Pad(0.05)
			probe := func(p orb.Point) {
				var want bool
				switch g := g.(type) {
				case orb.Polygon:
					want = planar.PolygonContains(g, p)
				case orb.MultiPolygon:
					want = planar.MultiPolygonContains(g, p)
				}
				if got := contains(g, p); got != want {
					t.Fatalf("area %s at %v: contains %v, orb says %v", a.ID, p, got, want)
				}
				checked++
			}
			for i := 0; i < 200; i++ {
				probe(orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])})
			}
			if p, ok := g.(orb.Polygon); ok {
				for _, v := range p[0] {
					probe(v)
				}
			}
		}
	}
	if checked < 10000 {
		t.Fatalf("only %d points checked", checked)
	}
}
