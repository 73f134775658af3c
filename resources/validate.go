package resources

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	json "github.com/go-json-experiment/json/v1" // as the store decodes
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func init() {
	// GeoJSON is read here only: orb's geojson decodes with the mirror of
	// Go 1.27's encoding/json too, in half the time (an extent is read
	// four times on its way into the store and the index).
	geojson.CustomJSONUnmarshaler = jsonv1{}
}

// jsonv1 is the JSON decoder orb's geojson takes.
type jsonv1 struct{}

func (jsonv1) Unmarshal(data []byte, v any) error { return UnmarshalJSON(data, v) }

// Validation checks what would make a record wrong to serve: missing ids and
// names, values outside their range or enum, schedules that cannot be read,
// shapes that are not areas. It is deliberately lenient about what real
// directories often lack (an organization's description, a term's
// description), which HSDS marks required but which no case manager needs.

// maxIDLength bounds ids so that they stay usable as store keys and in URLs.
const maxIDLength = 256

func checkID(f FieldErrors, field, id string, required bool) {
	if id == "" {
		if required {
			f.Add(field, "is required")
		}
		return
	}
	if len(id) > maxIDLength {
		f.Add(field, "is longer than %d bytes", maxIDLength)
		return
	}
	if strings.TrimSpace(id) != id {
		f.Add(field, "has leading or trailing spaces")
		return
	}
	for _, r := range id {
		if unicode.IsControl(r) || r == '/' {
			f.Add(field, "contains %q, which an id may not", r)
			return
		}
	}
}

// checkFinite rejects NaN and infinities, which CSV parsers accept ("NaN",
// "Inf") and JSON cannot carry.
func checkFinite(f FieldErrors, field string, v *float64) {
	if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
		f.Add(field, "is %g; it must be a finite number", *v)
	}
}

func checkRequired(f FieldErrors, field, v string) {
	if strings.TrimSpace(v) == "" {
		f.Add(field, "is required")
	}
}

func checkEnum(f FieldErrors, field, v string, allowed ...string) {
	if v == "" {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	f.Add(field, "is %q; it must be one of %s", v, strings.Join(allowed, ", "))
}

func checkDate(f FieldErrors, field, v string) {
	if v == "" {
		return
	}
	if _, err := time.Parse(time.DateOnly, v); err == nil {
		return
	}
	if _, err := time.Parse(time.RFC3339, v); err == nil {
		return
	}
	f.Add(field, "is %q; it must be a date (YYYY-MM-DD)", v)
}

func checkTracked(f FieldErrors, t *Tracked) {
	checkDate(f, "assured_date", t.AssuredDate)
}

func checkAttributes(f FieldErrors, prefix string, attrs []Attribute) {
	for i, a := range attrs {
		p := indexed(prefix, i)
		checkID(f, p+".id", a.ID, true)
		if a.TaxonomyTermID == "" && a.TaxonomyTerm == nil {
			f.Add(p+".taxonomy_term_id", "is required")
		}
	}
}

func checkPhones(f FieldErrors, prefix string, phones []Phone) {
	for i, p := range phones {
		name := indexed(prefix, i)
		checkID(f, name+".id", p.ID, true)
		checkRequired(f, name+".number", p.Number)
		checkFinite(f, name+".extension", p.Extension)
		checkAttributes(f, name+".attributes", p.Attributes)
		checkLanguages(f, name+".languages", p.Languages)
	}
}

func checkContacts(f FieldErrors, prefix string, contacts []Contact) {
	for i, c := range contacts {
		name := indexed(prefix, i)
		checkID(f, name+".id", c.ID, true)
		checkPhones(f, name+".phones", c.Phones)
	}
}

func checkLanguages(f FieldErrors, prefix string, langs []Language) {
	for i, l := range langs {
		name := indexed(prefix, i)
		checkID(f, name+".id", l.ID, true)
		if l.Name == "" && l.Code == "" {
			f.Add(name+".name", "is required when there is no code")
		}
	}
}

func checkIDs[T any](f FieldErrors, prefix string, items []T, id func(T) string) {
	for i, it := range items {
		checkID(f, indexed(prefix, i)+".id", id(it), true)
	}
}

// Validate checks an organization.
func (r *Organization) Validate() error {
	f := FieldErrors{}
	checkID(f, "id", r.ID, true)
	checkIDs(f, "metadata", r.Metadata, func(m Metadata) string { return m.ID })
	checkRequired(f, "name", r.Name)
	checkID(f, "parent_organization_id", r.ParentOrganizationID, false)
	checkFinite(f, "year_incorporated", r.YearIncorporated)
	if r.ParentOrganizationID != "" && r.ParentOrganizationID == r.ID {
		f.Add("parent_organization_id", "is the organization itself")
	}
	checkTracked(f, &r.Tracked)
	checkPhones(f, "phones", r.Phones)
	checkContacts(f, "contacts", r.Contacts)
	checkAttributes(f, "attributes", r.Attributes)
	checkIDs(f, "funding", r.Funding, func(x Funding) string { return x.ID })
	for i, oi := range r.OrganizationIdentifiers {
		p := indexed("organization_identifiers", i)
		checkID(f, p+".id", oi.ID, true)
		checkRequired(f, p+".identifier", oi.Identifier)
	}
	return f.ErrOf("organization", r.ID)
}

// Validate checks a program.
func (r *Program) Validate() error {
	f := FieldErrors{}
	checkID(f, "id", r.ID, true)
	checkIDs(f, "metadata", r.Metadata, func(m Metadata) string { return m.ID })
	checkID(f, "organization_id", r.OrganizationID, true)
	checkRequired(f, "name", r.Name)
	checkTracked(f, &r.Tracked)
	checkAttributes(f, "attributes", r.Attributes)
	return f.ErrOf("program", r.ID)
}

// Validate checks a service.
func (r *Service) Validate() error {
	f := FieldErrors{}
	checkID(f, "id", r.ID, true)
	checkIDs(f, "metadata", r.Metadata, func(m Metadata) string { return m.ID })
	if r.OrganizationID == "" && r.Organization != nil {
		checkID(f, "organization.id", r.Organization.ID, true)
	} else {
		checkID(f, "organization_id", r.OrganizationID, true)
	}
	checkID(f, "program_id", r.ProgramID, false)
	checkRequired(f, "name", r.Name)
	if r.Status == "" {
		f.Add("status", "is required")
	}
	checkEnum(f, "status", r.Status, StatusActive, StatusInactive, StatusDefunct, StatusTemporarilyClosed)
	checkAge(f, "minimum_age", r.MinimumAge)
	checkAge(f, "maximum_age", r.MaximumAge)
	if r.MinimumAge != nil && r.MaximumAge != nil && *r.MinimumAge > *r.MaximumAge {
		f.Add("minimum_age", "is %g, above maximum_age %g", *r.MinimumAge, *r.MaximumAge)
	}
	checkTracked(f, &r.Tracked)
	checkPhones(f, "phones", r.Phones)
	checkContacts(f, "contacts", r.Contacts)
	checkLanguages(f, "languages", r.Languages)
	checkAttributes(f, "attributes", r.Attributes)
	checkSchedules(f, "schedules", r.Schedules)
	for i, a := range r.ServiceAreas {
		p := indexed("service_areas", i)
		checkID(f, p+".id", a.ID, true)
		if err := a.validateExtent(); err != nil {
			f.Add(p+".extent", "%v", err)
		}
	}
	for i, c := range r.CostOptions {
		p := indexed("cost_options", i)
		checkID(f, p+".id", c.ID, true)
		if c.Amount != nil && (*c.Amount < 0 || math.IsNaN(*c.Amount) || math.IsInf(*c.Amount, 0)) {
			f.Add(p+".amount", "is %g; it must be zero or more", *c.Amount)
		}
	}
	checkIDs(f, "required_documents", r.RequiredDocuments, func(x RequiredDocument) string { return x.ID })
	checkIDs(f, "funding", r.Funding, func(x Funding) string { return x.ID })
	return f.ErrOf("service", r.ID)
}

func checkAge(f FieldErrors, field string, age *float64) {
	if age != nil && (*age < 0 || *age > 150 || math.IsNaN(*age)) {
		f.Add(field, "is %g; it must be between 0 and 150", *age)
	}
}

// Validate checks a location.
func (r *Location) Validate() error {
	f := FieldErrors{}
	checkID(f, "id", r.ID, true)
	checkIDs(f, "metadata", r.Metadata, func(m Metadata) string { return m.ID })
	checkID(f, "organization_id", r.OrganizationID, false)
	if r.LocationType == "" {
		f.Add("location_type", "is required")
	}
	checkEnum(f, "location_type", r.LocationType, LocationPhysical, LocationPostal, LocationVirtual)
	switch {
	case (r.Latitude == nil) != (r.Longitude == nil):
		f.Add("latitude", "and longitude must be given together")
	case r.Latitude != nil:
		if lat := *r.Latitude; !(lat >= -90 && lat <= 90) {
			f.Add("latitude", "is %g; it must be between -90 and 90", lat)
		}
		if lon := *r.Longitude; !(lon >= -180 && lon <= 180) {
			f.Add("longitude", "is %g; it must be between -180 and 180", lon)
		}
	}
	checkTracked(f, &r.Tracked)
	for i, a := range r.Addresses {
		p := indexed("addresses", i)
		checkID(f, p+".id", a.ID, true)
		checkEnum(f, p+".address_type", a.AddressType, AddressPhysical, AddressPostal, AddressVirtual)
	}
	checkPhones(f, "phones", r.Phones)
	checkContacts(f, "contacts", r.Contacts)
	checkLanguages(f, "languages", r.Languages)
	checkAttributes(f, "attributes", r.Attributes)
	checkSchedules(f, "schedules", r.Schedules)
	checkIDs(f, "accessibility", r.Accessibility, func(x Accessibility) string { return x.ID })
	return f.ErrOf("location", r.ID)
}

// Point returns the location's coordinates as an orb point ([lon, lat]) and
// whether it has any.
func (r *Location) Point() (orb.Point, bool) {
	if r.Latitude == nil || r.Longitude == nil {
		return orb.Point{}, false
	}
	return orb.Point{*r.Longitude, *r.Latitude}, true
}

// Validate checks a service_at_location.
func (r *ServiceAtLocation) Validate() error {
	f := FieldErrors{}
	checkID(f, "id", r.ID, true)
	checkIDs(f, "metadata", r.Metadata, func(m Metadata) string { return m.ID })
	checkID(f, "service_id", r.ServiceID, true)
	checkID(f, "location_id", r.LocationID, true)
	checkTracked(f, &r.Tracked)
	checkPhones(f, "phones", r.Phones)
	checkContacts(f, "contacts", r.Contacts)
	checkAttributes(f, "attributes", r.Attributes)
	checkSchedules(f, "schedules", r.Schedules)
	return f.ErrOf("service_at_location", r.ID)
}

// Validate checks a taxonomy.
func (r *Taxonomy) Validate() error {
	f := FieldErrors{}
	checkID(f, "id", r.ID, true)
	checkIDs(f, "metadata", r.Metadata, func(m Metadata) string { return m.ID })
	checkRequired(f, "name", r.Name)
	checkTracked(f, &r.Tracked)
	return f.ErrOf("taxonomy", r.ID)
}

// Validate checks a taxonomy term.
func (r *TaxonomyTerm) Validate() error {
	f := FieldErrors{}
	checkID(f, "id", r.ID, true)
	checkIDs(f, "metadata", r.Metadata, func(m Metadata) string { return m.ID })
	checkID(f, "parent_id", r.ParentID, false)
	checkID(f, "taxonomy_id", r.TaxonomyID, false)
	if r.ParentID != "" && r.ParentID == r.ID {
		f.Add("parent_id", "is the term itself")
	}
	checkRequired(f, "name", r.Name)
	checkTracked(f, &r.Tracked)
	return f.ErrOf("taxonomy_term", r.ID)
}

// ErrOf is f.Err for the record of that kind and id, naming it only when
// there is an error: most records are valid, and naming each was a third
// of the time an import spent validating.
func (f FieldErrors) ErrOf(kind, id string) error {
	if len(f) == 0 {
		return nil
	}
	return f.Err(kind + " " + quoteID(id))
}

// indexed names the i-th item of a list field: prefix[i].
func indexed(prefix string, i int) string {
	return prefix + "[" + strconv.Itoa(i) + "]"
}

func quoteID(id string) string {
	if id == "" {
		return "(no id)"
	}
	return fmt.Sprintf("%q", id)
}

var weekdays = map[string]bool{"MO": true, "TU": true, "WE": true, "TH": true, "FR": true, "SA": true, "SU": true}

func checkSchedules(f FieldErrors, prefix string, schedules []Schedule) {
	for i, s := range schedules {
		p := indexed(prefix, i)
		checkID(f, p+".id", s.ID, true)
		checkEnum(f, p+".freq", s.Freq, "WEEKLY", "MONTHLY")
		checkFinite(f, p+".timezone", s.Timezone)
		checkFinite(f, p+".count", s.Count)
		checkFinite(f, p+".interval", s.Interval)
		checkEnum(f, p+".wkst", s.WKST, "MO", "TU", "WE", "TH", "FR", "SA", "SU")
		if s.ByDay != "" {
			if _, err := ParseByDay(s.ByDay); err != nil {
				f.Add(p+".byday", "%v", err)
			}
		}
		checkDate(f, p+".valid_from", s.ValidFrom)
		checkDate(f, p+".valid_to", s.ValidTo)
		opens, okOpen := checkClock(f, p+".opens_at", s.OpensAt)
		closes, okClose := checkClock(f, p+".closes_at", s.ClosesAt)
		// A close at midnight ends the day; any other close before the
		// opening is a mistake in the data, not an overnight shift, in HSDS
		// (an overnight service is two schedule rows).
		if okOpen && okClose && closes != 0 && opens > closes {
			f.Add(p+".opens_at", "is %s, after closes_at %s", s.OpensAt, s.ClosesAt)
		}
		if s.Timezone != nil && (*s.Timezone < -12 || *s.Timezone > 14) {
			f.Add(p+".timezone", "is %g; a UTC offset is between -12 and 14 hours", *s.Timezone)
		}
	}
}

func checkClock(f FieldErrors, field, v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	d, err := ParseClock(v)
	if err != nil {
		f.Add(field, "%v", err)
		return 0, false
	}
	return d, true
}

// ParseClock reads an HSDS time of day ("HH:MM", "HH:MM:SS", optionally with
// a "Z" or "+hh:mm" suffix, which is ignored here) and returns the time since
// midnight. "24:00" is the end of the day.
func ParseClock(v string) (time.Duration, error) {
	s := v
	if i := strings.IndexAny(s, "Z+-"); i > 0 {
		s = s[:i]
	}
	two := func(p string) (int, bool) {
		if len(p) != 2 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' {
			return 0, false
		}
		return int(p[0]-'0')*10 + int(p[1]-'0'), true
	}
	var h, m, sec int
	var ok1, ok2, ok3 bool
	switch {
	case len(s) == 5 && s[2] == ':':
		h, ok1 = two(s[:2])
		m, ok2 = two(s[3:])
		ok3 = true
	case len(s) == 8 && s[2] == ':' && s[5] == ':':
		h, ok1 = two(s[:2])
		m, ok2 = two(s[3:5])
		sec, ok3 = two(s[6:])
	}
	if !ok1 || !ok2 || !ok3 || m > 59 || sec > 59 || h > 24 || h == 24 && (m != 0 || sec != 0) {
		return 0, fmt.Errorf("is %q; it must be a time of day such as 09:00 or 17:30:00", v)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, nil
}

// ParseByDay reads an iCalendar BYDAY list ("MO,TU", "1MO", "-1FR") and
// returns the weekday codes it names.
func ParseByDay(v string) ([]string, error) {
	var days []string
	for _, part := range strings.Split(v, ",") {
		p := strings.ToUpper(strings.TrimSpace(part))
		if len(p) < 2 {
			return nil, fmt.Errorf("has %q, which is not a day such as MO or 1MO", part)
		}
		day, ord := p[len(p)-2:], p[:len(p)-2]
		if !weekdays[day] {
			return nil, fmt.Errorf("has %q, which is not a day such as MO or 1MO", part)
		}
		if ord != "" {
			var n int
			if _, err := fmt.Sscanf(ord, "%d", &n); err != nil || n == 0 || n < -5 || n > 5 || fmt.Sprint(n) != strings.TrimPrefix(ord, "+") {
				return nil, fmt.Errorf("has %q, whose week number is not between -5 and 5", part)
			}
		}
		days = append(days, day)
	}
	return days, nil
}

// Geometry returns the service area as an orb geometry: a Polygon or a
// MultiPolygon with outer rings counter-clockwise and holes clockwise.
// ok is false when the area has no GeoJSON extent (a text description only).
func (a *ServiceArea) Geometry() (g orb.Geometry, ok bool, err error) {
	if a.Extent == "" || !strings.EqualFold(a.ExtentType, "geojson") && a.ExtentType != "" {
		return nil, false, nil
	}
	g, err = parseExtent(a.Extent)
	if err != nil {
		return nil, false, err
	}
	return g, true, nil
}

func (a *ServiceArea) validateExtent() error {
	_, _, err := a.Geometry()
	if err == nil && a.Extent != "" && a.ExtentType == "" {
		return nil
	}
	return err
}

func parseExtent(s string) (orb.Geometry, error) {
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal([]byte(s), &probe); err != nil {
		return nil, fmt.Errorf("is not GeoJSON: %v", err)
	}
	var g orb.Geometry
	switch probe.Type {
	case "Feature":
		f, err := geojson.UnmarshalFeature([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("is not a GeoJSON Feature: %v", err)
		}
		g = f.Geometry
	case "FeatureCollection":
		fc, err := geojson.UnmarshalFeatureCollection([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("is not a GeoJSON FeatureCollection: %v", err)
		}
		var mp orb.MultiPolygon
		for _, f := range fc.Features {
			switch fg := f.Geometry.(type) {
			case orb.Polygon:
				mp = append(mp, fg)
			case orb.MultiPolygon:
				mp = append(mp, fg...)
			default:
				return nil, fmt.Errorf("holds a %s; a service area must be a Polygon or MultiPolygon", geometryName(f.Geometry))
			}
		}
		g = mp
	default:
		geom, err := geojson.UnmarshalGeometry([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("is not a GeoJSON geometry: %v", err)
		}
		g = geom.Geometry()
	}
	if n, most := pointsOf(g), MaxAreaPoints(); n > most {
		return nil, fmt.Errorf("has %d points, more than the limit of %d for a service area (--max-area-points); simplify it, or split the area", n, most)
	}
	switch g := g.(type) {
	case orb.Polygon:
		if err := checkPolygon(g, ""); err != nil {
			return nil, err
		}
		return normalizePolygon(g), nil
	case orb.MultiPolygon:
		if len(g) == 0 {
			return nil, fmt.Errorf("is an empty MultiPolygon")
		}
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			if err := checkPolygon(p, fmt.Sprintf("polygon %d ", i)); err != nil {
				return nil, err
			}
			out[i] = normalizePolygon(p)
		}
		return out, nil
	}
	return nil, fmt.Errorf("is a %s; a service area must be a Polygon or MultiPolygon", geometryName(g))
}

// DefaultMaxAreaPoints caps the points of one service area's geometry. The
// check that a ring does not cross itself is a sweep whose worst case (a
// zigzag) grows with the square of the points: 40,000 took 15 s of a
// request, 10,000 under a second. Real service areas (a county simplified
// for display) hold a few thousand.
const DefaultMaxAreaPoints = 10_000

// maxAreaPoints is the limit in force (SetMaxAreaPoints).
var maxAreaPoints atomic.Int64

func init() { maxAreaPoints.Store(DefaultMaxAreaPoints) }

// SetMaxAreaPoints sets the most points a service area's geometry may
// have, for the whole process: validation has no other way in, and every
// record of one directory is held to one limit (refer serve, import and
// reindex take it as --max-area-points). n <= 0 restores the default.
func SetMaxAreaPoints(n int) {
	if n <= 0 {
		n = DefaultMaxAreaPoints
	}
	maxAreaPoints.Store(int64(n))
}

// MaxAreaPoints returns the most points a service area may have.
func MaxAreaPoints() int { return int(maxAreaPoints.Load()) }

// pointsOf counts the points of a Polygon or MultiPolygon (0 for others).
func pointsOf(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			n += len(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			n += pointsOf(p)
		}
	}
	return n
}

func geometryName(g orb.Geometry) string {
	if g == nil {
		return "null geometry"
	}
	return g.GeoJSONType()
}

func checkPolygon(p orb.Polygon, where string) error {
	if len(p) == 0 {
		return fmt.Errorf("%shas no rings", where)
	}
	for i, ring := range p {
		what := fmt.Sprintf("%sring %d", where, i)
		if i == 0 {
			what = where + "outer ring"
		}
		if len(ring) < 4 {
			return fmt.Errorf("%s has %d points; a closed ring needs at least 4", what, len(ring))
		}
		if !ring.Closed() {
			return fmt.Errorf("%s is not closed: it must end at its first point %v", what, ring[0])
		}
		for _, pt := range ring {
			if !(pt[0] >= -180 && pt[0] <= 180 && pt[1] >= -90 && pt[1] <= 90) {
				return fmt.Errorf("%s has point %v outside longitude -180..180, latitude -90..90", what, pt)
			}
		}
		if j, k, ok := selfCrossing(ring); ok {
			return fmt.Errorf("%s crosses itself (edges %d and %d)", what, j, k)
		}
		if planarArea(ring) == 0 {
			return fmt.Errorf("%s encloses no area", what)
		}
	}
	return nil
}

func planarArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i < len(r)-1; i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return math.Abs(a / 2)
}

// normalizePolygon orients the outer ring counter-clockwise and holes
// clockwise, as GeoJSON (RFC 7946) and Bleve's geoshapes expect; a clockwise
// outer ring would otherwise be read as the whole world minus the area.
func normalizePolygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, ring := range p {
		r := append(orb.Ring(nil), ring...)
		want := orb.CCW
		if i > 0 {
			want = orb.CW
		}
		if r.Orientation() != want {
			r.Reverse()
		}
		out[i] = r
	}
	return out
}

// selfCrossing reports two non-adjacent edges of a closed ring that touch or
// cross. Edges are swept in order of their smallest x, so only edges whose x
// ranges overlap are compared: near-linear for real boundaries.
func selfCrossing(r orb.Ring) (int, int, bool) {
	n := len(r) - 1 // edges; r[n] == r[0]
	type edge struct {
		i          int
		minX, maxX float64
	}
	edges := make([]edge, n)
	for i := 0; i < n; i++ {
		a, b := r[i], r[i+1]
		edges[i] = edge{i, math.Min(a[0], b[0]), math.Max(a[0], b[0])}
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := cmp.Compare(a.minX, b.minX); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	var active []edge
	for _, e := range edges {
		kept := active[:0]
		for _, o := range active {
			if o.maxX >= e.minX {
				kept = append(kept, o)
			}
		}
		active = kept
		for _, o := range active {
			i, j := o.i, e.i
			if i > j {
				i, j = j, i
			}
			if j == i+1 || (i == 0 && j == n-1) {
				continue // neighbours share a point by construction
			}
			if segmentsTouch(r[i], r[i+1], r[j], r[j+1]) {
				return i, j, true
			}
		}
		active = append(active, e)
	}
	return 0, 0, false
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

func onSegment(p, q, r orb.Point) bool {
	return math.Min(p[0], r[0]) <= q[0] && q[0] <= math.Max(p[0], r[0]) &&
		math.Min(p[1], r[1]) <= q[1] && q[1] <= math.Max(p[1], r[1])
}

func segmentsTouch(p1, p2, p3, p4 orb.Point) bool {
	d1, d2 := cross(p3, p4, p1), cross(p3, p4, p2)
	d3, d4 := cross(p1, p2, p3), cross(p1, p2, p4)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return d1 == 0 && onSegment(p3, p1, p4) || d2 == 0 && onSegment(p3, p2, p4) ||
		d3 == 0 && onSegment(p1, p3, p2) || d4 == 0 && onSegment(p1, p4, p2)
}
