package web

import (
	"cmp"
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/resources"
	"golang.org/x/text/unicode/norm"
)

// The place box: what a case manager types for where the client is (a ZIP
// code, a city, "city, state" or a street address) read without any
// service on the network: ZIP codes from the bundled Census centroids,
// cities and streets from the directory's own site addresses (a city is
// the centre of its sites, a street address the site at it). The same
// table says what the directory covers, for the pages' note about it.

// placeRefresh is how long a table of places is used before it is read
// again from the store (in the background, when the index has moved on).
const placeRefresh = 30 * time.Second

// maxSuggestions bounds a "did you mean" list.
const maxSuggestions = 6

// places is what the directory's site addresses say of where it is.
type places struct {
	// cities by their key (normalized city + "|" + state).
	cities map[string]*city
	// byName holds a city name's cities, one per state it is in.
	byName map[string][]*city
	// streets holds the sites at each normalized street address.
	streets map[string][]street
	// Place is the directory's most common city ("Miami, FL"), ZIP its
	// most common ZIP code and Centre that ZIP's centroid, or the centre
	// of Place's sites when the ZIP table does not have it.
	Place  string
	ZIP    string
	Centre orb.Point
	// Sites counts the sites with a place on the map; Services the
	// directory's services.
	Sites, Services int

	seq   uint64 // the index's sequence number when read
	built time.Time
}

type city struct {
	Name, State string
	Point       orb.Point // the centre of its sites
	n           int
	sum         orb.Point
}

// Label is the city as people write it: "Redwood City, CA".
func (c *city) Label() string {
	if c.State == "" {
		return c.Name
	}
	return c.Name + ", " + c.State
}

type street struct {
	Address, City, State, ZIP string
	Point                     orb.Point
}

func (s street) Label() string {
	parts := []string{s.Address}
	if s.City != "" {
		parts = append(parts, s.City)
	}
	if s.State != "" {
		parts = append(parts, s.State)
	}
	return strings.Join(parts, ", ")
}

// placeTable keeps the table of places, read again when it is old and
// the directory has changed.
type placeTable struct {
	mu       sync.Mutex
	cur      *places
	building bool
}

// WarmPlaces reads the directory's table of places now (refer serve calls
// it as it starts), so the first search page does not wait for it: at
// 100k services the read takes seconds. A page asked for meanwhile waits
// for this read rather than starting its own.
func (s *Pages) WarmPlaces(ctx context.Context) {
	if _, err := s.places(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("could not read the directory's places", "err", err)
	}
}

// places returns the directory's table of places: read from the store on
// first use, then refreshed in the background.
func (s *Pages) places(ctx context.Context) (*places, error) {
	t := s.placeTable
	t.mu.Lock()
	cur := t.cur
	if cur == nil {
		defer t.mu.Unlock()
		p, err := readPlaces(ctx, s.store, s.appliedSeq())
		if err != nil {
			return nil, err
		}
		p.built = s.now()
		t.cur = p
		return p, nil
	}
	stale := !t.building && s.now().Sub(cur.built) > placeRefresh && s.appliedSeq() != cur.seq
	if stale {
		t.building = true
	}
	t.mu.Unlock()
	if stale {
		go func() {
			p, err := readPlaces(context.Background(), s.store, s.appliedSeq())
			t.mu.Lock()
			defer t.mu.Unlock()
			t.building = false
			if err != nil {
				s.log.Error("could not read the directory's places", "err", err)
				return
			}
			p.built = s.now()
			t.cur = p
		}()
	}
	return cur, nil
}

func (s *Pages) appliedSeq() uint64 {
	if s.index == nil {
		return 0
	}
	return s.index.Applied()
}

// readPlaces reads every location's address and point from the store.
func readPlaces(ctx context.Context, st resources.Store, seq uint64) (*places, error) {
	p := &places{cities: map[string]*city{}, byName: map[string][]*city{}, streets: map[string][]street{}, seq: seq}
	zips := map[string]int{}
	after := ""
	for {
		rs, err := st.List(ctx, resources.KindLocation, resources.ListOptions{After: after, Limit: 5000})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			loc := r.(*resources.Location)
			after = loc.ID
			if loc.Latitude == nil || loc.Longitude == nil {
				continue
			}
			a := physicalAddress(loc)
			if a == nil {
				continue
			}
			pt := orb.Point{*loc.Longitude, *loc.Latitude}
			p.Sites++
			name := strings.TrimSpace(a.City)
			state := strings.ToUpper(strings.TrimSpace(a.StateProvince))
			if name != "" {
				key := placeKey(name) + "|" + state
				c := p.cities[key]
				if c == nil {
					c = &city{Name: name, State: state}
					p.cities[key] = c
					p.byName[placeKey(name)] = append(p.byName[placeKey(name)], c)
				}
				c.n++
				c.sum = orb.Point{c.sum[0] + pt[0], c.sum[1] + pt[1]}
			}
			if zip := strings.TrimSpace(a.PostalCode); len(zip) >= 5 {
				zips[zip[:5]]++
			}
			// Only a site at an exact point is a street address to go to;
			// a ZIP centroid would send the client to the wrong place.
			if loc.GeocodeSource != resources.GeocodeZIPCentroid && strings.TrimSpace(a.Address1) != "" {
				k := streetKey(a.Address1)
				st := street{Address: strings.TrimSpace(a.Address1), City: name, State: state, ZIP: strings.TrimSpace(a.PostalCode), Point: pt}
				if !slices.ContainsFunc(p.streets[k], func(o street) bool { return o.City == st.City && o.State == st.State }) {
					p.streets[k] = append(p.streets[k], st)
				}
			}
		}
		if len(rs) < 5000 {
			break
		}
	}
	var top *city
	for _, k := range slices.Sorted(maps.Keys(p.cities)) {
		c := p.cities[k]
		c.Point = orb.Point{c.sum[0] / float64(c.n), c.sum[1] / float64(c.n)}
		if top == nil || c.n > top.n {
			top = c
		}
	}
	if top != nil {
		p.Place, p.Centre = top.Label(), top.Point
	}
	for _, z := range slices.Sorted(maps.Keys(zips)) {
		if p.ZIP == "" || zips[z] > zips[p.ZIP] {
			p.ZIP = z
		}
	}
	if lat, lon, ok := data.Centroid(p.ZIP); ok {
		p.Centre = orb.Point{lon, lat}
	} else {
		p.ZIP = ""
	}
	n, err := st.Count(ctx, resources.KindService)
	if err != nil {
		return nil, err
	}
	p.Services = n
	return p, nil
}

// physicalAddress is the address a client goes to: the physical one, or
// the only one.
func physicalAddress(loc *resources.Location) *resources.Address {
	for i, a := range loc.Addresses {
		if a.AddressType == "physical" || len(loc.Addresses) == 1 {
			return &loc.Addresses[i]
		}
	}
	return nil
}

// placeAnswer is what the place box's text turned out to be.
type placeAnswer struct {
	// Found: Point is where the client is, Label what it was read as.
	Found bool
	Point orb.Point
	Label string
	// Suggestions are the places the text may have meant, when it was
	// not clear (as people write them, to put back in the box).
	Suggestions []string
}

var (
	zipPattern   = regexp.MustCompile(`^\d{5}(-\d{4})?$`)
	trailingZIP  = regexp.MustCompile(`\s+\d{5}(-\d{4})?$`)
	startsNumber = regexp.MustCompile(`^\d+[a-z]?\s`)
)

// resolve reads the place box's text: a ZIP code, a street address of one
// of the directory's sites, or one of its cities.
func (p *places) resolve(text string) placeAnswer {
	text = strings.Join(strings.Fields(text), " ")
	if zipPattern.MatchString(text) {
		if lat, lon, ok := data.Centroid(text); ok {
			return placeAnswer{Found: true, Point: orb.Point{lon, lat}, Label: text[:5]}
		}
		return placeAnswer{}
	}
	parts := strings.Split(trailingZIP.ReplaceAllString(text, ""), ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	parts = slices.DeleteFunc(parts, func(s string) bool { return s == "" })
	if len(parts) == 0 {
		return placeAnswer{}
	}
	// "Redwood City CA": a last word that is a state of the directory's.
	if len(parts) == 1 {
		if i := strings.LastIndexByte(parts[0], ' '); i > 0 && p.isState(parts[0][i+1:]) {
			parts = []string{parts[0][:i], parts[0][i+1:]}
		}
	}
	state := ""
	if len(parts) > 1 && p.isState(parts[len(parts)-1]) {
		state = strings.ToUpper(parts[len(parts)-1])
		parts = parts[:len(parts)-1]
	}
	cityName := ""
	if len(parts) > 1 {
		cityName = parts[len(parts)-1]
	}
	first := parts[0]
	if startsNumber.MatchString(strings.ToLower(first) + " ") {
		return p.resolveStreet(first, cityName, state)
	}
	return p.resolveCity(strings.Join(parts, " "), state)
}

func (p *places) isState(s string) bool {
	if len(s) != 2 {
		return false
	}
	s = strings.ToUpper(s)
	for _, c := range p.cities {
		if c.State == s {
			return true
		}
	}
	return false
}

func (p *places) resolveStreet(addr, cityName, state string) placeAnswer {
	keep := func(s street) bool {
		return (state == "" || s.State == state) && (cityName == "" || placeKey(s.City) == placeKey(cityName))
	}
	var hits []street
	for _, s := range p.streets[streetKey(addr)] {
		if keep(s) {
			hits = append(hits, s)
		}
	}
	if len(hits) == 1 {
		return placeAnswer{Found: true, Point: hits[0].Point, Label: hits[0].Label()}
	}
	if len(hits) == 0 {
		// Near misses: the same number on a street spelt nearly alike.
		k := streetKey(addr)
		for key, ss := range p.streets {
			if near(k, key) {
				for _, s := range ss {
					if keep(s) {
						hits = append(hits, s)
					}
				}
			}
		}
	}
	var out []string
	for _, s := range hits {
		out = append(out, s.Label())
	}
	return placeAnswer{Suggestions: firstSorted(out)}
}

func (p *places) resolveCity(name, state string) placeAnswer {
	key := placeKey(name)
	var hits []*city
	for _, c := range p.byName[key] {
		if state == "" || c.State == state {
			hits = append(hits, c)
		}
	}
	if len(hits) == 1 {
		return placeAnswer{Found: true, Point: hits[0].Point, Label: hits[0].Label()}
	}
	if len(hits) == 0 {
		for k, cs := range p.byName {
			if near(key, k) || len(key) >= 3 && strings.HasPrefix(k, key) {
				for _, c := range cs {
					if state == "" || c.State == state {
						hits = append(hits, c)
					}
				}
			}
		}
	}
	var out []string
	for _, c := range hits {
		out = append(out, c.Label())
	}
	return placeAnswer{Suggestions: firstSorted(out)}
}

// nearestCity is how far a point is from the closest of the directory's
// cities, in km; -1 when it has none.
func (p *places) nearestCity(pt orb.Point) float64 {
	best := -1.0
	for _, c := range p.cities {
		if d := geo.Distance(pt, c.Point) / 1000; best < 0 || d < best {
			best = d
		}
	}
	return best
}

func firstSorted(s []string) []string {
	slices.Sort(s)
	s = slices.Compact(s)
	return s[:min(len(s), maxSuggestions)]
}

// near says whether two keys differ by at most a small edit: one edit in
// a short word, two in a longer one.
func near(a, b string) bool {
	limit := 1
	if len(a) > 7 {
		limit = 2
	}
	if d := len(a) - len(b); d > limit || -d > limit {
		return false
	}
	return editDistance(a, b) <= limit
}

// editDistance is the Levenshtein distance over runes.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(y)]
}

// placeKey is a name as compared: lower case, without accents or
// punctuation, single spaces ("Hialeah  Gardens." → "hialeah gardens").
func placeKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// streetWords are the USPS abbreviations of common street words, so
// "2600 Middlefield Road" finds "2600 Middlefield Rd.".
var streetWords = map[string]string{
	"street": "st", "avenue": "ave", "av": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr",
	"lane": "ln", "court": "ct", "place": "pl", "highway": "hwy", "parkway": "pkwy", "terrace": "ter",
	"circle": "cir", "square": "sq", "suite": "ste", "north": "n", "south": "s", "east": "e", "west": "w",
	"northwest": "nw", "northeast": "ne", "southwest": "sw", "southeast": "se",
}

// streetKey is a street address as compared: placeKey with street words
// abbreviated and any suite or unit left out.
func streetKey(s string) string {
	words := strings.Fields(placeKey(s))
	for i, w := range words {
		if w == "ste" || w == "suite" || w == "unit" || w == "apt" || w == "room" || w == "floor" || w == "fl" {
			words = words[:i]
			break
		}
		words[i] = cmp.Or(streetWords[w], w)
	}
	return strings.Join(words, " ")
}
