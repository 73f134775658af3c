package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// The map of a page of results, drawn on the server as SVG: no tile
// service is reachable from where refer runs, a drawing prints, and it
// needs no script. Each result with a place is a numbered pin (its number
// in the list beside it), the client's point a square at the centre, and
// rings mark distances from it. The projection is equirectangular at the
// map's centre latitude: over a county, a few hundred km across at most,
// its error is well under a pin's width.

const (
	mapWidth, mapHeight = 640, 400
	mapMargin           = 22     // room for a pin at the edge
	kmPerDegree         = 111.32 // along a meridian, and along the equator
	pinRadius           = 11
)

// ringMiles are the distances rings may mark; a map shows up to three of
// them, the largest that fit what it shows.
var ringMiles = []float64{0.5, 1, 2, 5, 10, 15, 30, 60, 120}

// mapView is a map as its template draws it: every coordinate in the
// SVG's own units (viewBox 0 0 Width Height).
type mapView struct {
	Width, Height int
	Title, Desc   string
	Client        *mapMark
	Pins          []mapPin
	Rings         []mapRing
}

type mapMark struct{ X, Y string }

type mapPin struct {
	X, Y  string
	Label string // its number, or numbers when results share a place
	Wide  bool   // the label is too long for a round pin
	Names string // the results' names, the pin's own title
}

type mapRing struct {
	CX, CY, R string
	LX, LY    string // where its label goes
	Label     string
}

// mapPlace is one result to put on the map.
type mapPlace struct {
	N     int
	Name  string
	Point orb.Point
}

// newMap draws the places around the client's point (nil: around the
// places themselves); nil when there is nothing to draw.
func newMap(l *locale, client *orb.Point, places []mapPlace, title string) *mapView {
	if len(places) == 0 {
		return nil
	}
	var centre orb.Point
	if client != nil {
		centre = *client
	} else {
		b := orb.MultiPoint{}
		for _, p := range places {
			b = append(b, p.Point)
		}
		centre = b.Bound().Center()
	}
	cosLat := math.Cos(centre[1] * math.Pi / 180)
	project := func(p orb.Point) (x, y float64) { // km east and north of the centre
		return (p[0] - centre[0]) * cosLat * kmPerDegree, (p[1] - centre[1]) * kmPerDegree
	}
	// How far the map must reach each way.
	ex, ey := 0.0, 0.0
	for _, p := range places {
		x, y := project(p.Point)
		ex, ey = max(ex, math.Abs(x)), max(ey, math.Abs(y))
	}
	var rings []float64 // in km
	if client != nil {
		reach := max(ex, ey)
		for _, mi := range ringMiles {
			if km := mi * kmPerMile; km <= reach*1.05 {
				rings = append(rings, km)
			}
		}
		if len(rings) == 0 {
			rings = []float64{ringMiles[0] * kmPerMile}
			for _, mi := range ringMiles {
				if mi*kmPerMile >= reach {
					rings = []float64{mi * kmPerMile}
					break
				}
			}
		}
		rings = rings[max(0, len(rings)-3):]
		r := rings[len(rings)-1]
		ex, ey = max(ex, r), max(ey, r)
	}
	ex, ey = max(ex, 0.2), max(ey, 0.2) // one place: a little of its street
	scale := min((mapWidth/2-mapMargin)/ex, (mapHeight/2-mapMargin)/ey)
	toSVG := func(p orb.Point) (float64, float64) {
		x, y := project(p)
		return mapWidth/2 + x*scale, mapHeight/2 - y*scale
	}
	m := &mapView{Width: mapWidth, Height: mapHeight, Title: title}
	if client != nil {
		m.Client = &mapMark{X: num(mapWidth / 2), Y: num(mapHeight / 2)}
		for _, km := range rings {
			r := km * scale
			// The label sits on the ring, up and to the right.
			a := math.Pi / 4
			m.Rings = append(m.Rings, mapRing{CX: num(mapWidth / 2), CY: num(mapHeight / 2), R: num(r),
				LX: num(mapWidth/2 + r*math.Cos(a)), LY: num(mapHeight/2 - r*math.Sin(a)), Label: l.Miles(km)})
		}
	}
	// Results at one place (or nearly: closer than a pin) share its pin.
	type group struct {
		x, y  float64
		ns    []int
		names []string
	}
	var groups []*group
	for _, p := range places {
		x, y := toSVG(p.Point)
		var g *group
		for _, o := range groups {
			if math.Hypot(o.x-x, o.y-y) < pinRadius {
				g = o
				break
			}
		}
		if g == nil {
			g = &group{x: x, y: y}
			groups = append(groups, g)
		}
		g.ns = append(g.ns, p.N)
		g.names = append(g.names, strconv.Itoa(p.N)+". "+p.Name)
	}
	// Drawn last to first, so the first result's pin is on top.
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		label := numbers(g.ns)
		m.Pins = append(m.Pins, mapPin{X: num(g.x), Y: num(g.y), Label: label, Wide: len(label) > 2, Names: strings.Join(g.names, "; ")})
	}
	var ringWords []string
	for _, r := range m.Rings {
		ringWords = append(ringWords, r.Label)
	}
	first, last := places[0].N, places[len(places)-1].N
	switch {
	case client != nil && len(ringWords) > 0:
		m.Desc = l.T("map.desc_client", first, last, strings.Join(ringWords, ", "))
	default:
		m.Desc = l.T("map.desc", first, last)
	}
	return m
}

// numbers writes a pin's result numbers: "3", "3,4", "3–6".
func numbers(ns []int) string {
	if len(ns) > 2 && ns[len(ns)-1]-ns[0] == len(ns)-1 {
		return strconv.Itoa(ns[0]) + "–" + strconv.Itoa(ns[len(ns)-1])
	}
	var s []string
	for _, n := range ns {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, ",")
}

// num writes an SVG coordinate: one decimal is finer than a screen's dot.
func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// printMap draws the sites of a printed list, each pin numbered as its
// service is in the list; nil when no site has a place. The printed list
// knows no client's place, so the map is drawn around the sites.
func printMap(l *locale, items []printItem) *mapView {
	var pts []mapPlace
	unmapped := 0
	for i, it := range items {
		if it.Service == nil {
			continue
		}
		mapped := false
		for _, site := range it.Service.Sites {
			if site.point != nil {
				pts = append(pts, mapPlace{N: i + 1, Name: it.Service.Name, Point: *site.point})
				mapped = true
			}
		}
		if !mapped {
			unmapped++
		}
	}
	if len(pts) == 0 {
		return nil
	}
	m := newMap(l, nil, pts, l.T("map.print_title"))
	m.Desc = l.T("map.print_desc")
	if unmapped > 0 {
		m.Desc += " " + l.T("map.print_unmapped", unmapped)
	}
	return m
}
