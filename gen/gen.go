package gen

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// Shares of the directory, as the package doc gives them.
const (
	shareVirtual     = 0.05 // services with no location
	shareAreas       = 0.10 // services with a service area
	shareVirtualArea = 0.50 // of services with no location, those with an area
	shareHoles       = 0.25 // of service areas, those with a hole
	shareHomeCat     = 0.50 // services in their organization's main category
	shareHomeGroup   = 0.30 // others in a category of the same kind of organization
	sigmaDeg         = 0.09 // spread of sites around a metro centre (~10 km)
	maxSites         = 12   // locations of one organization
)

// today is the day generated dates are counted back from (assured_date
// within the last three years, last_modified). It is fixed, not the clock,
// so that a seed always gives the same directory.
var today = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

// TaxonomyName names the one taxonomy of a generated directory.
const TaxonomyName = "AIRS (synthetic)"

// idSpace is the uuid namespace of generated ids: each is the version 5
// uuid of the seed and a counter, so ids differ between seeds.
var idSpace = uuid.MustParse("9f1d3a52-6c0e-4b7a-8e21-3d5f0c7b9a64")

// Generate returns a synthetic directory of n services (none for n <= 0):
// organizations, their locations, services, service_at_locations, and one
// taxonomy with its terms, as flat records ready for the store (every
// foreign key filled, every record valid). The same seed gives the same
// records, field for field.
func Generate(n int, seed int64) *hsds.Directory {
	d, _ := GenerateWith(n, seed, Options{}) // no metro named: no error
	return d
}

// Options change what Generate makes.
type Options struct {
	// Metro puts every site around one of the metros (its name as in the
	// tables, "Miami"), with that metro's ZIP codes, area codes and
	// languages; "" spreads them over all of them by population.
	Metro string
}

// Metros are the names of the metros Options.Metro may name.
func Metros() []string {
	var out []string
	for _, m := range metros {
		out = append(out, m.city)
	}
	return out
}

// GenerateWith is Generate with options; an unknown metro is an error
// (resources.EINVALID).
func GenerateWith(n int, seed int64, o Options) (*hsds.Directory, error) {
	t := loadTables()
	var only *metroInfo
	if o.Metro != "" {
		for i := range t.metros {
			if strings.EqualFold(t.metros[i].city, o.Metro) {
				only = &t.metros[i]
			}
		}
		if only == nil {
			return nil, resources.Errorf(resources.EINVALID, "there is no metro %q; use one of %s", o.Metro, strings.Join(Metros(), ", "))
		}
	}
	g := &generator{
		metro: only,
		t:     t,
		r:     rand.New(rand.NewPCG(uint64(seed), 0x7265666572)), // "refer"
		seed:  seed,
		h:     sha1.New(),
		strs:  map[string]string{},
	}
	n = max(n, 0)
	// Sizes are drawn up front so that slices can be sized once.
	var sizes []int
	for made := 0; made < n; {
		s := min(g.orgSize(), n-made)
		sizes = append(sizes, s)
		made += s
	}
	g.orgs = make([]*resources.Organization, 0, len(sizes))
	g.services = make([]*resources.Service, 0, n)
	g.locations = make([]*resources.Location, 0, n*3/4)
	g.sals = make([]*resources.ServiceAtLocation, 0, n*3/2)
	for _, s := range sizes {
		g.organization(s)
	}
	return g.directory(), nil
}

// tables holds what the package tables become once read: weights,
// centroids, parsed profiles, the taxonomy.
type tables struct {
	metros      []metroInfo
	metroPick   weights
	cats        []category
	catPick     weights
	orgSizePick weights
	profiles    []profile
	profileKey  map[string]int
	termWho     [][]weightedProfile // by term index
	taxonomy    *resources.Taxonomy
	termRecs    []*resources.TaxonomyTerm // service terms, as terms
	targetRecs  map[string]*resources.TaxonomyTerm
	targetList  []*resources.TaxonomyTerm
	crisis      int // index of the crisis hotline term
	hours       map[hours]hourChoice
}

type metroInfo struct {
	*metro
	lat, lon float64
	zips     []zipInfo
	codes    []string
	others   []otherLang
}

type zipInfo struct {
	zip, city string
	lat, lon  float64
}

type otherLang struct {
	language
	share float64
}

type category struct {
	prefix, group string
	terms         []int // indexes into terms
	pick          weights
	kin           *kin // the categories of its group
}

// kin are the categories that one kind of organization runs, weighted as
// overall: drawing a home category and then a kin of it keeps each
// category's overall share.
type kin struct {
	cats []int
	pick weights
}

type weightedProfile struct {
	profile int
	weight  int
}

type hourChoice struct {
	pick     weights
	patterns [][]resources.Schedule // without ids and owners
}

var (
	tablesOnce sync.Once
	tablesVal  *tables
)

func loadTables() *tables {
	tablesOnce.Do(func() { tablesVal = buildTables() })
	return tablesVal
}

// buildTables reads the package tables; a mistake in them is a bug, so it
// panics (the tests run it).
func buildTables() *tables {
	t := &tables{profiles: profiles, profileKey: map[string]int{}, targetRecs: map[string]*resources.TaxonomyTerm{}}
	for i := range metros {
		m := &metros[i]
		mi := metroInfo{metro: m, codes: strings.Fields(m.areaCodes)}
		for _, z := range strings.Split(m.zips, "|") {
			zip, city, _ := strings.Cut(z, " ")
			lat, lon, ok := data.Centroid(zip)
			if !ok {
				panic(fmt.Sprintf("gen: ZIP %s of %s is not in the centroid table", zip, m.city))
			}
			mi.zips = append(mi.zips, zipInfo{zip, city, lat, lon})
		}
		mi.lat, mi.lon = mi.zips[0].lat, mi.zips[0].lon
		for _, o := range strings.Fields(m.others) {
			code, share, _ := strings.Cut(o, ":")
			p, err := strconv.ParseFloat(share, 64)
			if err != nil {
				panic(fmt.Sprintf("gen: bad language share %q of %s", o, m.city))
			}
			mi.others = append(mi.others, otherLang{lookupLanguage(code), p})
		}
		t.metros = append(t.metros, mi)
		t.metroPick.add(m.weight)
	}

	for i, p := range profiles {
		t.profileKey[p.key] = i
	}
	t.taxonomy = &resources.Taxonomy{
		ID:          hsds.DerivedID("gen", "taxonomy", TaxonomyName),
		Name:        TaxonomyName,
		Description: "Synthetic service categories with AIRS-style codes, made by refer gen for benchmarks and load tests. Not the AIRS/211 taxonomy.",
		Version:     "1",
	}
	term := func(code, name, desc string) *resources.TaxonomyTerm {
		return &resources.TaxonomyTerm{
			ID: hsds.DerivedID("gen", "taxonomy_term", code), Code: code, Name: name, Description: desc,
			Taxonomy: TaxonomyName, TaxonomyID: t.taxonomy.ID,
		}
	}
	catIndex := map[string]int{}
	kins := map[string]*kin{}
	for _, c := range categoryWeights {
		k := kins[c.group]
		if k == nil {
			k = &kin{}
			kins[c.group] = k
		}
		k.cats = append(k.cats, len(t.cats))
		k.pick.add(c.weight)
		catIndex[c.prefix] = len(t.cats)
		t.cats = append(t.cats, category{prefix: c.prefix, group: c.group, kin: k})
		t.catPick.add(c.weight)
		if orgKinds[c.group] == nil || orgMissions[c.group] == "" {
			panic("gen: no organization kinds for group " + c.group)
		}
	}
	t.crisis = -1
	for i, d := range terms {
		ci, ok := catIndex[d.code[:2]]
		if !ok {
			panic("gen: term " + d.code + " has no category weight")
		}
		t.cats[ci].terms = append(t.cats[ci].terms, i)
		t.cats[ci].pick.add(d.weight)
		t.termRecs = append(t.termRecs, term(d.code, d.name, d.desc))
		who := d.who
		if who == "" {
			who = generalWho
		}
		t.termWho = append(t.termWho, t.parseWho(d.code, who))
		if d.code == crisisCode {
			t.crisis = i
		}
		if len(d.names) == 0 || len(d.about) == 0 || len(d.more) == 0 {
			panic("gen: term " + d.code + " lacks names or sentences")
		}
		if _, ok := hourPatterns[d.hours]; !ok {
			panic("gen: term " + d.code + " has hours without patterns")
		}
	}
	if t.crisis < 0 {
		panic("gen: no crisis hotline term " + crisisCode)
	}
	for _, c := range t.cats {
		if len(c.terms) == 0 {
			panic("gen: category " + c.prefix + " has no terms")
		}
	}
	for _, y := range targets {
		r := term(y.code, y.name, y.desc)
		t.targetRecs[y.code] = r
		t.targetList = append(t.targetList, r)
	}
	for _, p := range profiles {
		if p.target != "" && t.targetRecs[p.target] == nil {
			panic("gen: profile " + p.key + " names unknown target " + p.target)
		}
	}
	for _, s := range orgSizes {
		t.orgSizePick.add(s.count)
	}

	t.hours = map[hours]hourChoice{}
	for h := officeHours; h <= schoolHours; h++ {
		var hc hourChoice
		for _, p := range hourPatterns[h] {
			hc.pick.add(p.weight)
			var rows []resources.Schedule
			for _, s := range p.slots {
				rows = append(rows, resources.Schedule{
					Freq: s.freq, ByDay: s.byday, OpensAt: s.opens, ClosesAt: s.closes,
					Description: describeSlot(s),
				})
			}
			hc.patterns = append(hc.patterns, rows)
		}
		t.hours[h] = hc
	}
	return t
}

func (t *tables) parseWho(code, who string) []weightedProfile {
	var out []weightedProfile
	for _, f := range strings.Fields(who) {
		key, w, _ := strings.Cut(f, ":")
		i, ok := t.profileKey[key]
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n <= 0 {
			panic(fmt.Sprintf("gen: term %s: bad eligibility weight %q", code, f))
		}
		out = append(out, weightedProfile{i, n})
	}
	return out
}

func lookupLanguage(code string) language {
	for _, l := range otherLanguages {
		if l.code == code {
			return l
		}
	}
	panic("gen: unknown language code " + code)
}

var dayNames = map[string]string{
	"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
	"FR": "Friday", "SA": "Saturday", "SU": "Sunday",
}

var ordinals = map[byte]string{'1': "First", '2': "Second", '3': "Third", '4': "Fourth"}

// describeSlot says a schedule row in words: "Monday to Friday, 9:00 am to
// 5:00 pm".
func describeSlot(s slot) string {
	if s.opens == "00:00" && s.closes == "24:00" && s.byday == "MO,TU,WE,TH,FR,SA,SU" {
		return "Open 24 hours a day, 7 days a week."
	}
	var days string
	switch {
	case s.freq == "MONTHLY":
		days = ordinals[s.byday[0]] + " " + dayNames[s.byday[1:]] + " of each month"
	case s.byday == "MO,TU,WE,TH,FR":
		days = "Monday to Friday"
	case s.byday == "MO,TU,WE,TH":
		days = "Monday to Thursday"
	case s.byday == "MO,TU,WE,TH,FR,SA,SU":
		days = "Every day"
	default:
		var names []string
		for _, d := range strings.Split(s.byday, ",") {
			names = append(names, dayNames[d])
		}
		days = strings.Join(names, " and ")
	}
	return days + ", " + clock12(s.opens) + " to " + clock12(s.closes)
}

func clock12(hhmm string) string {
	h, _ := strconv.Atoi(hhmm[:2])
	m := hhmm[3:]
	switch {
	case h == 0 || h == 24:
		return "midnight"
	case h == 12 && m == "00":
		return "noon"
	case h < 12:
		return fmt.Sprintf("%d:%s am", h, m)
	case h == 12:
		return "12:" + m + " pm"
	}
	return fmt.Sprintf("%d:%s pm", h-12, m)
}

// weights picks an index with probability proportional to its weight.
type weights struct{ cum []int }

func (w *weights) add(weight int) {
	total := 0
	if len(w.cum) > 0 {
		total = w.cum[len(w.cum)-1]
	}
	w.cum = append(w.cum, total+weight)
}

func (w *weights) pick(r *rand.Rand) int {
	x := r.IntN(w.cum[len(w.cum)-1])
	return sort.SearchInts(w.cum, x+1)
}

// generator makes one directory. All randomness comes from r, in the order
// the code runs, so that a seed gives the same directory.
type generator struct {
	t     *tables
	metro *metroInfo // every site's metro, or nil: any, by population
	r     *rand.Rand
	seed  int64
	ctr   uint64
	h     hash.Hash
	sum   [sha1.Size]byte
	buf   []byte            // for building strings
	strs  map[string]string // strings made so far, to share

	orgs      []*resources.Organization
	locations []*resources.Location
	services  []*resources.Service
	sals      []*resources.ServiceAtLocation
}

// id returns the next id: the version 5 uuid of the seed and a counter
// (what uuid.NewSHA1(idSpace, seed‖counter) gives, without its garbage).
func (g *generator) id() string {
	var key [16]byte
	binary.BigEndian.PutUint64(key[:8], uint64(g.seed))
	binary.BigEndian.PutUint64(key[8:], g.ctr)
	g.ctr++
	g.h.Reset()
	g.h.Write(idSpace[:])
	g.h.Write(key[:])
	sum := g.h.Sum(g.sum[:0])
	var u uuid.UUID
	copy(u[:], sum)
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

func (g *generator) one(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *generator) orgSize() int {
	b := orgSizes[g.t.orgSizePick.pick(g.r)]
	return b.min + g.r.IntN(b.max-b.min+1)
}

// daysAgo returns a moment d days (and some seconds) before today.
func (g *generator) daysAgo(d int) *time.Time {
	t := today.AddDate(0, 0, -d).Add(time.Duration(g.r.IntN(86400)) * time.Second)
	return &t
}

// vars fill templates.
type vars struct {
	city, place, org, area, topic string
}

// expand appends template tmpl, with its {Name}s filled from v, to g.buf.
func (g *generator) expand(tmpl string, v *vars) {
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			g.buf = append(g.buf, tmpl...)
			return
		}
		g.buf = append(g.buf, tmpl[:i]...)
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			panic("gen: unclosed template " + tmpl)
		}
		switch name := tmpl[i+1 : i+j]; name {
		case "City":
			g.buf = append(g.buf, v.city...)
		case "Place":
			g.buf = append(g.buf, v.place...)
		case "Org":
			g.buf = append(g.buf, v.org...)
		case "Area":
			g.buf = append(g.buf, v.area...)
		case "Topic":
			g.buf = append(g.buf, v.topic...)
		default:
			panic("gen: unknown template name {" + name + "}")
		}
		tmpl = tmpl[i+j+1:]
	}
}

// text expands templates, joined by spaces.
func (g *generator) text(v *vars, tmpls ...string) string {
	g.buf = g.buf[:0]
	for i, t := range tmpls {
		if i > 0 {
			g.buf = append(g.buf, ' ')
		}
		g.expand(t, v)
	}
	return g.intern()
}

// intern returns g.buf as a string, the same string each time the same
// text comes up: names, descriptions and phone numbers repeat a lot, and
// sharing them keeps a big directory's memory down.
func (g *generator) intern() string {
	if s, ok := g.strs[string(g.buf)]; ok {
		return s
	}
	s := string(g.buf)
	g.strs[s] = s
	return s
}

// place is a part of town, or the city itself.
func (g *generator) place(m *metroInfo) string {
	if g.chance(0.4) {
		return m.city
	}
	return g.one(sides)
}

func (g *generator) phone(m *metroInfo) string {
	// 555-0100 to 555-0199 are set aside for fiction in every area code.
	n := g.r.IntN(100)
	g.buf = append(append(append(g.buf[:0], '('), g.one(m.codes)...), ") 555-01"...)
	g.buf = append(g.buf, byte('0'+n/10), byte('0'+n%10))
	return g.intern()
}

// organization makes an organization with size services and the locations
// they use.
func (g *generator) organization(size int) {
	t := g.t
	m := g.metro
	if m == nil {
		m = &t.metros[t.metroPick.pick(g.r)]
	}
	home := t.catPick.pick(g.r)
	group := t.cats[home].group

	kind := g.one(orgKinds[group])
	var name, short string
	switch x := g.r.IntN(100); {
	case x < 30:
		short = g.one(orgWords)
		name = short + " " + kind
	case x < 55:
		short = m.city
		name = short + " " + kind
	case x < 70:
		short = m.city
		name = kind + " of " + m.city
	case x < 85:
		short = g.one(saints)
		name = short + " " + kind
	default:
		short = g.one(sides)
		name = short + " " + kind
	}
	year := 1900 + g.r.IntN(121)
	o := &resources.Organization{
		ID:   g.id(),
		Name: name,
		Description: name + " serves individuals and families in " + m.city + " and across " + m.area + ". " +
			orgMissions[group] + " Founded in " + strconv.Itoa(year) + ".",
	}
	slug := slugOf(name)
	if g.chance(0.8) {
		o.Website = "https://" + slug + ".example.org"
	}
	if g.chance(0.7) {
		o.Email = "info@" + slug + ".example.org"
	}
	if g.chance(0.85) {
		o.TaxStatus = "501(c)(3)"
		y := float64(year)
		o.YearIncorporated = &y
	}
	if g.chance(0.6) {
		o.Phones = []resources.Phone{{ID: g.id(), OrganizationID: o.ID, Number: g.phone(m), Type: "voice", Description: "Main office"}}
	}
	o.LastModified = g.daysAgo(g.r.IntN(1500))
	g.orgs = append(g.orgs, o)

	og := &orgGen{org: o, m: m, short: short, home: home}
	og.sites = make([]*resources.Location, min(1+g.r.IntN(1+size/2), maxSites))
	for i := 0; i < size; i++ {
		g.service(og, i)
	}
}

// orgGen is an organization while its services are made.
type orgGen struct {
	org   *resources.Organization
	m     *metroInfo
	short string
	home  int // its main category
	// sites are its locations, made when a service first uses them.
	sites []*resources.Location
}

func slugOf(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		case r == '\'' || r == '.':
		default:
			dash = true
		}
	}
	return b.String()
}

// site returns the organization's i-th location, making it on first use.
func (g *generator) site(og *orgGen, i int) *resources.Location {
	if l := og.sites[i]; l != nil {
		return l
	}
	m := og.m
	lat := m.lat + clampNorm(g.r.NormFloat64())*sigmaDeg
	lon := m.lon + clampNorm(g.r.NormFloat64())*sigmaDeg/math.Cos(lat*math.Pi/180)
	lat = math.Max(-89.999999, math.Min(89.999999, round6(lat)))
	lon = math.Max(-179.999999, math.Min(179.999999, round6(lon)))
	z := nearestZIP(m.zips, lat, lon)

	l := &resources.Location{ID: g.id(), OrganizationID: og.org.ID, LocationType: resources.LocationPhysical, Latitude: &lat, Longitude: &lon}
	if i == 0 {
		l.Name = og.org.Name
	} else {
		l.Name = og.short + " " + g.one(sides) + " Center"
	}
	addr := resources.Address{
		ID: g.id(), LocationID: l.ID, Address1: g.street(), City: z.city, StateProvince: m.state,
		PostalCode: z.zip, Country: "US", AddressType: resources.AddressPhysical,
	}
	if g.chance(0.1) {
		addr.Address2 = "Suite " + strconv.Itoa(100+g.r.IntN(400))
	}
	l.Addresses = []resources.Address{addr}
	if g.chance(0.4) {
		l.Transportation = g.one(transports)
	}
	if g.chance(0.4) {
		l.Accessibility = []resources.Accessibility{{ID: g.id(), LocationID: l.ID, Description: g.one(accessibility)}}
	}
	if g.chance(0.4) {
		l.Phones = []resources.Phone{{ID: g.id(), LocationID: l.ID, Number: g.phone(m), Type: "voice", Description: "Front desk"}}
	}
	l.LastModified = g.daysAgo(g.r.IntN(1500))
	og.sites[i] = l
	g.locations = append(g.locations, l)
	return l
}

// clampNorm keeps a normal draw within three standard deviations, so that no
// site lands in another state.
func clampNorm(x float64) float64 { return math.Max(-3, math.Min(3, x)) }

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func nearestZIP(zips []zipInfo, lat, lon float64) *zipInfo {
	k := math.Cos(lat * math.Pi / 180)
	best, bestD := 0, math.Inf(1)
	for i, z := range zips {
		dy, dx := z.lat-lat, (z.lon-lon)*k
		if d := dx*dx + dy*dy; d < bestD {
			best, bestD = i, d
		}
	}
	return &zips[best]
}

func (g *generator) street() string {
	n := strconv.Itoa(100 + g.r.IntN(9900))
	if g.chance(0.35) {
		k := 1 + g.r.IntN(90)
		return n + " " + g.one(streetDirs) + ordinal(k) + " " + g.one(streetKinds)
	}
	return n + " " + g.one(streets)
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// service makes the i-th service of an organization, with the
// service_at_locations that place it.
func (g *generator) service(og *orgGen, i int) {
	t, m := g.t, og.m
	cat := og.home
	switch x := g.r.Float64(); {
	case x < shareHomeCat:
	case x < shareHomeCat+shareHomeGroup:
		k := t.cats[og.home].kin
		cat = k.cats[k.pick.pick(g.r)]
	default:
		cat = t.catPick.pick(g.r)
	}
	c := &t.cats[cat]
	ti := c.terms[c.pick.pick(g.r)]
	virtual := g.chance(shareVirtual)
	if virtual && g.chance(0.4) {
		ti = t.crisis
	}
	d := &terms[ti]
	v := vars{city: m.city, place: g.place(m), org: og.short, area: m.area, topic: d.topic}

	s := &resources.Service{ID: g.id(), OrganizationID: og.org.ID, Status: g.status()}
	switch {
	case virtual && ti != t.crisis:
		s.Name = g.text(&v, g.one(virtualNames))
	default:
		s.Name = g.text(&v, g.one(d.names))
	}
	desc := []string{g.one(d.about), g.one(d.more), g.one(closings)}
	if virtual {
		desc[2] = "Help is given by phone and online; there is no office to visit."
	}
	s.Description = g.text(&v, desc...)
	if og.org.Website != "" && g.chance(0.5) {
		s.URL = og.org.Website + "/" + slugOf(s.Name)
	}
	if virtual {
		s.ApplicationProcess = "Call the line."
	} else {
		s.ApplicationProcess = g.one(applications)
	}
	if g.chance(0.3) {
		s.WaitTime = g.one(waits)
	}
	s.FeesDescription = g.fees(d.fees)

	// Terms: the main category, sometimes a second, and the target
	// population of the eligibility.
	var attrBuf [3]resources.Attribute
	attrs := append(attrBuf[:0], g.attribute(s.ID, t.termRecs[ti].ID))
	if g.chance(0.2) {
		second := c.terms[g.r.IntN(len(c.terms))]
		if g.chance(0.5) {
			oc := &t.cats[t.catPick.pick(g.r)]
			second = oc.terms[oc.pick.pick(g.r)]
		}
		if second != ti {
			attrs = append(attrs, g.attribute(s.ID, t.termRecs[second].ID))
		}
	}
	p := &t.profiles[g.pickProfile(ti)]
	if p.text != "" {
		s.EligibilityDescription = g.text(&v, p.text)
	}
	if (p.hasMin || p.hasMax) && g.chance(0.8) {
		if p.hasMin {
			x := p.min
			s.MinimumAge = &x
		}
		if p.hasMax {
			x := p.max
			s.MaximumAge = &x
		}
	}
	if p.target != "" && g.chance(0.8) {
		attrs = append(attrs, g.attribute(s.ID, t.targetRecs[p.target].ID))
	}
	s.Attributes = slices.Clone(attrs)

	s.Languages = g.languages(s.ID, m)
	if len(s.Languages) > 2 || g.chance(0.2) {
		s.InterpretationServices = "Interpreters for other languages are available by phone."
	}
	s.Phones = []resources.Phone{{ID: g.id(), ServiceID: s.ID, Number: g.phone(m), Type: "voice"}}
	switch {
	case ti == t.crisis || d.hours == crisisHours:
		s.Phones[0].Description = "24-hour line"
	case virtual:
		s.Phones[0].Description = "Helpline"
	default:
		s.Phones[0].Description = "Intake"
	}
	if g.chance(0.1) {
		s.Phones = append(s.Phones, resources.Phone{ID: g.id(), ServiceID: s.ID, Number: g.phone(m), Type: "fax"})
	}
	s.Schedules = g.schedules(d.hours, func(r *resources.Schedule) { r.ServiceID = s.ID })

	if virtual && g.chance(shareVirtualArea) || !virtual && g.chance((shareAreas-shareVirtual*shareVirtualArea)/(1-shareVirtual)) {
		s.ServiceAreas = []resources.ServiceArea{g.area(m, s.ID)}
	}

	switch a := g.r.Float64(); {
	case a < 0.70:
		s.AssuredDate = today.AddDate(0, 0, -g.r.IntN(3*365+1)).Format(time.DateOnly)
	case a < 0.85:
		s.AssuredDate = today.AddDate(0, 0, -(3*365 + 1 + g.r.IntN(4*365))).Format(time.DateOnly)
	}
	if s.AssuredDate != "" {
		at, _ := time.Parse(time.DateOnly, s.AssuredDate)
		since := int(today.Sub(at).Hours() / 24)
		s.LastModified = g.daysAgo(g.r.IntN(since + 1))
	} else {
		s.LastModified = g.daysAgo(g.r.IntN(1800))
	}
	g.services = append(g.services, s)

	if virtual {
		return
	}
	// Sites: the i-th of the organization's (round robin, so every site
	// made is used), and maybe one or two more.
	k := 1
	switch x := g.r.Float64(); {
	case x < 0.10:
		k = 3
	case x < 0.30:
		k = 2
	}
	k = min(k, len(og.sites))
	first := i % len(og.sites)
	chosen := [3]int{first}
	for n := 1; n < k; {
		j := g.r.IntN(len(og.sites))
		dup := false
		for _, c := range chosen[:n] {
			dup = dup || c == j
		}
		if !dup {
			chosen[n] = j
			n++
		}
	}
	for n, j := range chosen[:k] {
		l := g.site(og, j)
		sal := &resources.ServiceAtLocation{ID: g.id(), ServiceID: s.ID, LocationID: l.ID}
		lm := *s.LastModified
		sal.LastModified = &lm
		// Some places keep their own hours for the service.
		if n > 0 && g.chance(0.3) {
			sal.Schedules = g.schedules(d.hours, func(r *resources.Schedule) { r.ServiceAtLocationID = sal.ID })
		}
		g.sals = append(g.sals, sal)
	}
}

func (g *generator) status() string {
	switch x := g.r.Float64(); {
	case x < 0.95:
		return resources.StatusActive
	case x < 0.97:
		return resources.StatusInactive
	case x < 0.99:
		return resources.StatusDefunct
	}
	return resources.StatusTemporarilyClosed
}

func (g *generator) fees(f fees) string {
	x := g.r.Float64()
	switch f {
	case free:
		if x < 0.95 {
			return "Free"
		}
		return "Free; donations are welcome."
	case mixed:
		switch {
		case x < 0.5:
			return "Free"
		case x < 0.9:
			return "Sliding scale based on income."
		}
		return "Medicaid accepted; sliding scale for others."
	}
	switch {
	case x < 0.2:
		return "Free"
	case x < 0.8:
		return "Sliding scale based on income."
	}
	return "Fees vary; call for rates."
}

func (g *generator) attribute(serviceID, termID string) resources.Attribute {
	return resources.Attribute{ID: g.id(), LinkID: serviceID, TaxonomyTermID: termID, LinkType: "service", LinkEntity: "service"}
}

func (g *generator) pickProfile(term int) int {
	who := g.t.termWho[term]
	total := 0
	for _, w := range who {
		total += w.weight
	}
	x := g.r.IntN(total)
	for _, w := range who {
		if x < w.weight {
			return w.profile
		}
		x -= w.weight
	}
	panic("unreachable")
}

func (g *generator) languages(serviceID string, m *metroInfo) []resources.Language {
	var buf [8]resources.Language
	out := buf[:0]
	add := func(l language) {
		out = append(out, resources.Language{ID: g.id(), ServiceID: serviceID, Name: l.name, Code: l.code})
	}
	if g.chance(0.97) {
		add(english)
	}
	if g.chance(m.spanish) {
		add(spanish)
	}
	for _, o := range m.others {
		if g.chance(o.share) {
			add(o.language)
		}
	}
	if g.chance(0.02) {
		add(asl)
	}
	if len(out) == 0 {
		add(english)
	}
	return slices.Clone(out)
}

// schedules draws hours of kind h; own sets the owner's key on each row.
func (g *generator) schedules(h hours, own func(*resources.Schedule)) []resources.Schedule {
	hc := g.t.hours[h]
	pattern := hc.patterns[hc.pick.pick(g.r)]
	if len(pattern) == 0 {
		return nil
	}
	out := make([]resources.Schedule, len(pattern))
	for i := range pattern {
		out[i] = pattern[i]
		out[i].ID = g.id()
		own(&out[i])
	}
	return out
}

// area makes a county-sized service area around the metro centre: a
// star-shaped ring (vertices at increasing angles, so it never crosses
// itself), counter-clockwise, sometimes with a clockwise hole around the
// middle that stays well inside it.
func (g *generator) area(m *metroInfo, serviceID string) resources.ServiceArea {
	cy := m.lat + g.r.NormFloat64()*0.02
	cx := m.lon + g.r.NormFloat64()*0.02
	kx := 1 / math.Cos(cy*math.Pi/180)         // a degree of latitude in degrees of longitude, for equal km
	radius := (16 + 12*g.r.Float64()) / 111.32 // km to degrees of latitude
	n := 8 + g.r.IntN(13)
	step := 2 * math.Pi / float64(n)

	g.buf = append(g.buf[:0], `{"type":"Polygon","coordinates":[`...)
	ring := func(n int, step, r0, r1, ox, oy float64) {
		g.buf = append(g.buf, '[')
		var first [2]float64
		for i := 0; i < n; i++ {
			// Jitter within ±30% of a step keeps the angles in order.
			a := step * (float64(i) + 0.6*(g.r.Float64()-0.5))
			r := r0 + (r1-r0)*g.r.Float64()
			x := math.Round((cx+ox+r*math.Cos(a)*kx)*1e5) / 1e5
			y := math.Round((cy+oy+r*math.Sin(a))*1e5) / 1e5
			if i == 0 {
				first = [2]float64{x, y}
			}
			g.point(x, y)
			g.buf = append(g.buf, ',')
		}
		g.point(first[0], first[1])
		g.buf = append(g.buf, ']')
	}
	// Outer edges stay at least 0.8·cos(36°) ≈ 0.65 radius from the centre
	// (neighbours are at most 1.6 steps of 45° apart); the hole reaches at
	// most 0.1·√2 + 0.33 ≈ 0.47 radius. Across, the area is about 30-60 km.
	ring(n, step, 0.8*radius, 1.1*radius, 0, 0)
	hole := g.chance(shareHoles)
	if hole {
		g.buf = append(g.buf, ',')
		rh := radius * (0.15 + 0.15*g.r.Float64())
		ox := (g.r.Float64() - 0.5) * 0.2 * radius * kx
		oy := (g.r.Float64() - 0.5) * 0.2 * radius
		hn := 8 + g.r.IntN(5)
		ring(hn, -2*math.Pi/float64(hn), 0.85*rh, 1.1*rh, ox, oy)
	}
	g.buf = append(g.buf, "]}"...)

	a := resources.ServiceArea{ID: g.id(), ServiceID: serviceID, Name: m.area, ExtentType: "geojson", Extent: string(g.buf)}
	a.Description = "Serves all of " + m.area + "."
	if hole {
		a.Description = "Serves " + m.area + " outside central " + m.city + ", which another office covers."
	}
	return a
}

func (g *generator) point(x, y float64) {
	g.buf = append(g.buf, '[')
	g.buf = strconv.AppendFloat(g.buf, x, 'f', -1, 64)
	g.buf = append(g.buf, ',')
	g.buf = strconv.AppendFloat(g.buf, y, 'f', -1, 64)
	g.buf = append(g.buf, ']')
}

// directory gathers the records, parents first.
func (g *generator) directory() *hsds.Directory {
	t := g.t
	n := 1 + len(t.termRecs) + len(t.targetList) + len(g.orgs) + len(g.locations) + len(g.services) + len(g.sals)
	recs := make([]resources.Record, 0, n)
	// Copies, so that callers may change the records they get.
	stamp := func() *time.Time { s := today; return &s }
	tax := *t.taxonomy
	tax.LastModified = stamp()
	recs = append(recs, &tax)
	for _, tr := range append(slices.Clone(t.termRecs), t.targetList...) {
		c := *tr
		c.LastModified = stamp()
		recs = append(recs, &c)
	}
	for _, r := range g.orgs {
		recs = append(recs, r)
	}
	for _, r := range g.locations {
		recs = append(recs, r)
	}
	for _, r := range g.services {
		recs = append(recs, r)
	}
	for _, r := range g.sals {
		recs = append(recs, r)
	}
	return &hsds.Directory{Records: recs}
}
