package index

import (
	"cmp"
	"math"
	"slices"
	"unsafe"

	"github.com/paulmach/orb"
)

// Service areas are answered in memory: which areas hold a client's point?
// Bleve's geoshape_v2 panics on an index whose segments hold no shapes
// (v2.6.3: IndexSnapshotGeoShapeV2Reader.Size reads nil postings) and the
// classic geoshape takes tens of milliseconds per query at 10k areas
// (BenchmarkAreaContains has the figures), while a grid of bounding boxes
// and orb's planar containment answer in microseconds.

// areaCell is the grid's cell size in degrees (about 110 km of latitude):
// county-sized areas touch a handful of cells.
const areaCell = 1.0

type cellKey struct{ x, y int }

type areaEntry struct {
	d     *Document
	shape orb.Geometry
	bound orb.Bound
}

// areaGrid indexes documents' service areas by the grid cells their
// bounding boxes cover.
type areaGrid struct {
	cells map[cellKey][]*areaEntry
	// wide holds areas too large for the grid (a state, a country), which
	// every query checks.
	wide  []*areaEntry
	byDoc map[string][]*areaEntry
}

// maxCells is the most cells an area may cover before it is kept in wide.
const maxCells = 64

func newAreaGrid() *areaGrid {
	return &areaGrid{cells: map[cellKey][]*areaEntry{}, byDoc: map[string][]*areaEntry{}}
}

func cellOf(p orb.Point) cellKey {
	return cellKey{int(math.Floor(p[0] / areaCell)), int(math.Floor(p[1] / areaCell))}
}

func (g *areaGrid) add(d *Document) {
	for _, shape := range d.Areas {
		e := &areaEntry{d: d, shape: shape, bound: shape.Bound()}
		g.byDoc[d.ID] = append(g.byDoc[d.ID], e)
		lo, hi := cellOf(e.bound.Min), cellOf(e.bound.Max)
		if (hi.x-lo.x+1)*(hi.y-lo.y+1) > maxCells {
			g.wide = append(g.wide, e)
			continue
		}
		for x := lo.x; x <= hi.x; x++ {
			for y := lo.y; y <= hi.y; y++ {
				k := cellKey{x, y}
				g.cells[k] = append(g.cells[k], e)
			}
		}
	}
}

func (g *areaGrid) remove(d *Document) {
	entries := g.byDoc[d.ID]
	if len(entries) == 0 {
		return
	}
	delete(g.byDoc, d.ID)
	drop := func(list []*areaEntry) []*areaEntry {
		out := list[:0]
		for _, e := range list {
			if e.d != d {
				out = append(out, e)
			}
		}
		return out
	}
	g.wide = drop(g.wide)
	for _, e := range entries {
		lo, hi := cellOf(e.bound.Min), cellOf(e.bound.Max)
		for x := lo.x; x <= hi.x; x++ {
			for y := lo.y; y <= hi.y; y++ {
				k := cellKey{x, y}
				if rest := drop(g.cells[k]); len(rest) > 0 {
					g.cells[k] = rest
				} else {
					delete(g.cells, k)
				}
			}
		}
	}
}

// servedDocs returns the documents whose service area holds p; with a
// need mask, only those that serve one of the needs (checked before the
// polygon, which is the costly part).
func (g *areaGrid) servedDocs(p orb.Point, needs uint64) docSet {
	var out docSet
	check := func(list []*areaEntry) {
		for _, e := range list {
			if needs != 0 && e.d.needMask&needs == 0 || !e.bound.Contains(p) {
				continue
			}
			if contains(e.shape, p) {
				out = append(out, e.d)
			}
		}
	}
	check(g.cells[cellOf(p)])
	check(g.wide)
	slices.SortFunc(out, func(a, b *Document) int { return cmp.Compare(uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b))) })
	return slices.Compact(out) // a document with two areas that hold p
}

// docSet is a set of documents as a slice sorted by address (Go's heap
// does not move objects, so an address is stable while the document
// lives): a match asks it hundreds of times, and making it costs one
// allocation, not a map's.
type docSet []*Document

func (s docSet) has(d *Document) bool {
	_, found := slices.BinarySearchFunc(s, d, func(a, b *Document) int {
		return cmp.Compare(uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b)))
	})
	return found
}

// contains is planar point-in-polygon (boundary counts as inside), holes
// excluded. The caller has checked the bounding box; orb's planar functions
// would compute each ring's bound again on every call.
func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return polygonContains(g, p)
	case orb.MultiPolygon:
		for _, poly := range g {
			if polygonContains(poly, p) {
				return true
			}
		}
	}
	return false
}

func polygonContains(poly orb.Polygon, p orb.Point) bool {
	if len(poly) == 0 || !ringContains(poly[0], p) {
		return false
	}
	for _, hole := range poly[1:] {
		if ringContains(hole, p) && !onRing(hole, p) {
			return false
		}
	}
	return true
}

// ringContains counts crossings of a ray from p to the east; a point the
// ray calls outside may lie on the boundary, which counts as inside.
func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in || onRing(r, p)
}

func onRing(r orb.Ring, p orb.Point) bool {
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
		if cross == 0 && min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1]) {
			return true
		}
	}
	return false
}
