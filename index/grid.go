package index

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// pointGrid holds documents' points in square cells of gridDegrees a side,
// the points of a cell side by side in one slice. "The k nearest within r"
// and "all within a box" look only at the cells around the place. It
// replaced orb's quadtree, which keeps one point per node: a walk there
// is a pointer chase per point, and its nearest-first order is in degrees,
// which stretch east–west (the grid orders by true distance).
type pointGrid struct {
	cells map[gridCell][]placed
}

// placed is a document in the grid. The point is kept beside the pointer
// so a walk reads it without touching the document (a cache miss per
// site, measured as a third of a match's time when it was not).
type placed struct {
	p orb.Point
	d *Document
}

type gridCell struct{ x, y int32 }

// gridDegrees is a cell's side: about 5.5 km north–south, 4 km east–west
// in the middle of the US, so a dense city's nearest hundred are a few
// cells away and a rural search of 50 km looks at a few hundred cells.
const gridDegrees = 0.05

func newPointGrid() *pointGrid { return &pointGrid{cells: map[gridCell][]placed{}} }

func cellAt(p orb.Point) gridCell {
	return gridCell{int32(math.Floor(p.Lon() / gridDegrees)), int32(math.Floor(p.Lat() / gridDegrees))}
}

func (g *pointGrid) add(d *Document) {
	c := cellAt(d.Point)
	g.cells[c] = append(g.cells[c], placed{d.Point, d})
}

func (g *pointGrid) remove(d *Document) {
	c := cellAt(d.Point)
	list := g.cells[c]
	if i := slices.IndexFunc(list, func(p placed) bool { return p.d == d }); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(g.cells, c)
	} else {
		g.cells[c] = list
	}
}

// eachCell calls fn with the points of every cell that may hold a point of
// b: the cells in b's range, or every cell when there are fewer of those.
func (g *pointGrid) eachCell(b orb.Bound, fn func([]placed)) {
	lo, hi := cellAt(b.Min), cellAt(b.Max)
	if (int64(hi.x)-int64(lo.x)+1)*(int64(hi.y)-int64(lo.y)+1) > int64(len(g.cells)) {
		for c, list := range g.cells {
			if c.x >= lo.x && c.x <= hi.x && c.y >= lo.y && c.y <= hi.y {
				fn(list)
			}
		}
		return
	}
	for x := lo.x; x <= hi.x; x++ {
		for y := lo.y; y <= hi.y; y++ {
			if list, ok := g.cells[gridCell{x, y}]; ok {
				fn(list)
			}
		}
	}
}

// inBound appends the documents whose point lies in b.
func (g *pointGrid) inBound(dst []*Document, b orb.Bound) []*Document {
	g.eachCell(b, func(list []placed) {
		for _, p := range list {
			if b.Contains(p.p) {
				dst = append(dst, p.d)
			}
		}
	})
	return dst
}

// nearDoc is a document with its distance from the place asked about.
type nearDoc struct {
	d *Document
	m float64 // metres
}

// nearest appends to dst the k documents nearest to p within radiusKm,
// nearest first (ties by id, so the same question gives the same k),
// leaving out those skip says to. It looks at the cells ring by ring
// outwards and stops when no point of the next ring can be nearer than
// the k-th found.
func (g *pointGrid) nearest(dst []nearDoc, p orb.Point, k int, radiusKm float64, skip func(*Document) bool) []nearDoc {
	if k <= 0 {
		return dst
	}
	radiusM := radiusKm * 1000
	start := len(dst)
	// The least a cell's side measures near p, in metres: a point in
	// ring r (r cells out) is at least (r-1) sides away.
	const metresPerDegree = 110_500 // a degree of latitude, rounded down
	latReach := radiusKm * 1000 / metresPerDegree
	cos := math.Cos(math.Min(math.Abs(p.Lat())+latReach, 89.9) * math.Pi / 180)
	side := gridDegrees * metresPerDegree * cos
	rings := int32(math.Ceil(radiusM/side)) + 1
	order := func(a, b nearDoc) int {
		if c := cmp.Compare(a.m, b.m); c != 0 {
			return c
		}
		return strings.Compare(a.d.ID, b.d.ID)
	}
	bound := radiusM // nothing farther can be among the k: the radius, then the k-th found
	take := func(list []placed) {
		for _, q := range list {
			if m := geo.DistanceHaversine(p, q.p); m <= bound && (skip == nil || !skip(q.d)) {
				dst = append(dst, nearDoc{q.d, m})
			}
		}
	}
	// Too many rings for the cells there are (a wide radius over a sparse
	// directory): look at every cell once.
	if span := 2*int64(rings) + 1; span*span > int64(len(g.cells)) {
		for _, list := range g.cells {
			take(list)
		}
		slices.SortFunc(dst[start:], order)
		return dst[:min(len(dst), start+k)]
	}
	c := cellAt(p)
	for r := int32(0); r <= rings; r++ {
		if r > 1 && float64(r-1)*side > bound {
			break
		}
		for x := c.x - r; x <= c.x+r; x++ {
			step := 2 * r // the ring's left and right columns in full, between them its top and bottom cells
			if x == c.x-r || x == c.x+r || r == 0 {
				step = 1
			}
			for y := c.y - r; y <= c.y+r; y += step {
				if list, ok := g.cells[gridCell{x, y}]; ok {
					take(list)
				}
			}
		}
		if len(dst)-start > k || len(dst)-start == k && bound == radiusM {
			slices.SortFunc(dst[start:], order)
			dst = dst[:start+k]
			bound = dst[len(dst)-1].m
		}
	}
	slices.SortFunc(dst[start:], order)
	return dst[:min(len(dst), start+k)]
}
