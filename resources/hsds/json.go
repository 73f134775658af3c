package hsds

// HSDS 3.x JSON, and the canonical form every reader in this file and in
// tabular3.go puts records in.
//
// What readJSON accepts: one JSON value, or several one after another (JSON
// Lines), each of which is
//   - an object: one record, in HSDS's full shape or flat;
//   - a list of objects;
//   - an API Page ({"total_items", …, "contents": […]}), whose contents are
//     read as a list;
//   - a tabular.json object ({"organizations.csv": [rows…], …}), read as a
//     tabular package;
//   - the API's root object ({"version", "openapi_url"}), which holds no
//     records and is skipped with a warning.
//
// Which record an object is, by the keys it has (the first rule that fits):
//  1. "contents": a Page.
//  2. "service" or "location" (nested objects), or both "service_id" and
//     "location_id": a service_at_location.
//  3. "location_type", "latitude", "longitude", "addresses", "accessibility",
//     "transportation" or "external_identifier": a location.
//  4. "status" or another key only a service has ("service_at_locations",
//     "program", "program_id", "service_areas", "cost_options",
//     "eligibility_description", "minimum_age", "organization", …): a service.
//  5. "code", "taxonomy_detail", "parent_id", "taxonomy_id", "term_uri",
//     "taxonomy" or "language": a taxonomy term.
//  6. "organization_id": a program.
//  7. a key only an organization has ("email", "website", "services",
//     "locations", "programs", "phones", "parent_organization_id", …): an
//     organization.
//  8. "version": a taxonomy.
//
// An object that fits none (only id, name, description, uri) takes the kind
// most other objects of its list have, else the kind its file name says
// ("taxonomies.json", "taxonomy_terms.json", "programs.json"), else
// organization.
//
// Nested objects become records of their own (an organization nested in 50
// services is one record) and the foreign keys that nesting leaves out are
// filled in: service.organization_id and program_id, service_at_location's
// service_id and location_id, program.organization_id, a location's
// organization_id from the organization it is nested in or else from the
// service that uses it, taxonomy_term.taxonomy_id from taxonomy_detail, an
// attribute's taxonomy_term_id from its taxonomy_term. Where a key the
// source gave disagrees with the nesting, the nesting wins, with a warning.
// A record met twice is kept once; when the copies differ, the first is kept
// with a warning (a location whose organization was only inferred gives way
// to a copy that says it).
//
// Leniency: a number given as a string ("minimum_age": "12") is read as the
// number, a number where text belongs ("id": 12) as its text, and a
// last_modified that is a bare date as midnight UTC. Anything else of the
// wrong type rejects the record, naming the field.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	// encoding/json as Go 1.27 has it (built on encoding/json/v2), from the
	// module that mirrors it: it decodes records in half the time of Go
	// 1.26's, and names the byte where a syntax error is, not the next.
	json "github.com/go-json-experiment/json/v1"

	"github.com/refer-project/refer/resources"
)

// The canonical form. Both readers give records in it, so that a directory
// written as JSON or CSV and read back is the same, field for field:
//   - strings have no surrounding space, "\r\n" is "\n", invalid UTF-8 is
//     replaced; empty lists are nil; last_modified is in UTC;
//   - children at every level (phones, a contact's phones, a phone's
//     languages, attributes, metadata, …) are sorted by id, one per id per
//     owner: a second copy is dropped (with a warning when it differs);
//   - a child's foreign key to its owner holds the owner's id, and its keys
//     to other owners are empty: a phone listed under a service and under a
//     location is two copies, each naming only its own owner (CSV export
//     writes them back as one row naming both);
//   - every copy of a child (one table, one id) holds the same as the first
//     copy met, apart from that owner key; a copy that differs is given the
//     first's content, with a warning (a CSV row can say a child only once);
//   - an attribute's link_id and link_entity, and a metadata entry's
//     resource_id and resource_type, name the row that holds it, by its HSDS
//     table name ("service", "phone", "attribute", …);
//   - attributes have a taxonomy_term_id and no nested taxonomy_term;
//   - a child without an id gets DerivedID(table, owner table, owner id,
//     its content).
// Readers also repair what would otherwise reject a whole record: a location
// whose coordinates are out of range or half given loses them, and a service
// area whose extent is not GeoJSON loses the extent, each with a warning.

// recordSet gathers what a reader finds: records in canonical form, each
// kept once, and problems.
type recordSet struct {
	entries  map[recordKey]*recordEntry
	order    []recordKey
	problems []Problem
	// children holds the first copy of each child (by table and id), its
	// owner keys cleared: a later copy that differs takes its content.
	children map[recordKey]reflect.Value
}

type recordKey struct {
	kind resources.Kind
	id   string
}

type recordEntry struct {
	rec resources.Record
	src string
	// inferredOrg marks a location whose organization_id was taken from
	// the service that uses it, not given.
	inferredOrg bool
}

func newRecordSet() *recordSet {
	return &recordSet{entries: map[recordKey]*recordEntry{}, children: map[recordKey]reflect.Value{}}
}

func (rs *recordSet) warn(src string, kind resources.Kind, id, format string, args ...any) {
	rs.problems = append(rs.problems, Problem{Source: src, Kind: kind, ID: id, Reason: fmt.Sprintf(format, args...)})
}

func (rs *recordSet) reject(src string, kind resources.Kind, id, format string, args ...any) {
	rs.problems = append(rs.problems, Problem{Source: src, Kind: kind, ID: id, Reason: fmt.Sprintf(format, args...), Rejected: true})
}

// add puts r, tidied (tidy: decodeObject does it on the goroutine that
// decodes, where it costs the reading goroutine nothing), in canonical
// form and keeps it, unless a copy is already kept.
func (rs *recordSet) add(src string, r resources.Record, inferredOrg bool) {
	v := reflect.ValueOf(r)
	if t := resources.TrackedOf(r); t.LastModified != nil {
		u := t.LastModified.UTC()
		t.LastModified = &u
	}
	ht := tableByKind[r.Kind()]
	rs.canonKids(src, v.Elem(), ht, ownerRef{ht.name, r.RecordID()})
	k := recordKey{r.Kind(), r.RecordID()}
	e := rs.entries[k]
	if e == nil {
		rs.entries[k] = &recordEntry{rec: r, src: src, inferredOrg: inferredOrg}
		rs.order = append(rs.order, k)
		return
	}
	if reflect.DeepEqual(e.rec, r) {
		e.inferredOrg = e.inferredOrg && inferredOrg
		return
	}
	if e.inferredOrg || inferredOrg {
		a, b := *e.rec.(*resources.Location), *r.(*resources.Location)
		a.OrganizationID, b.OrganizationID = "", ""
		if reflect.DeepEqual(a, b) {
			if e.inferredOrg && !inferredOrg {
				e.rec, e.src, e.inferredOrg = r, src, false
			}
			return
		}
	}
	rs.warn(src, k.kind, k.id, "appears again with a different %s; the first copy (%s) is kept",
		strings.Join(differingFields(e.rec, r), ", "), e.src)
}

// differingFields names the JSON fields in which a and b differ.
func differingFields(a, b any) []string {
	var ma, mb map[string]json.RawMessage
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &ma)
	_ = json.Unmarshal(jb, &mb)
	var out []string
	for k, va := range ma {
		if !bytes.Equal(va, mb[k]) {
			out = append(out, k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return []string{"content"}
	}
	sort.Strings(out)
	return out
}

// canonKids puts the children of v (a row of table ht, held as own) in
// canonical form.
func (rs *recordSet) canonKids(src string, v reflect.Value, ht *hsdsTable, own ownerRef) {
	for _, k := range ht.kids {
		f := v.FieldByIndex(k.index)
		f.Set(rs.canonSlice(src, f, k.table, own))
	}
}

// canonSlice returns a canonical copy of a slice of children of table ht
// held by own. The input is not changed, so children shared between copies
// (one per owner) stay as they were.
func (rs *recordSet) canonSlice(src string, in reflect.Value, ht *hsdsTable, own ownerRef) reflect.Value {
	n := in.Len()
	if n == 0 {
		return reflect.Zero(in.Type())
	}
	out := reflect.MakeSlice(in.Type(), n, n)
	for i := 0; i < n; i++ {
		c := out.Index(i)
		c.Set(in.Index(i))
		if ht.name == "attribute" {
			rs.attributeTerm(src, c.Addr().Interface().(*resources.Attribute))
		}
		idf := c.FieldByIndex(ht.id)
		if idf.String() == "" {
			b, _ := json.Marshal(c.Interface())
			idf.SetString(DerivedID(ht.name, own.table, own.id, string(b)))
		}
		id := idf.String()
		rs.setOwner(src, c, ht, own, id)
		rs.canonKids(src, c, ht, ownerRef{ht.name, id})
		rs.sameChild(src, c, ht, own, id)
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = out.Index(i).FieldByIndex(ht.id).String()
	}
	if strictlyIncreasing(ids) {
		return out // what sorting and dropping copies would leave
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool { return ids[perm[a]] < ids[perm[b]] })
	kept := reflect.MakeSlice(in.Type(), 0, n)
	last := -1
	for _, i := range perm {
		if last >= 0 && ids[i] == ids[last] {
			if !reflect.DeepEqual(out.Index(i).Interface(), out.Index(last).Interface()) {
				rs.warn(src, resources.Kind(ht.name), ids[i], "appears twice in %s %q with different content; the first is kept", own.table, own.id)
			}
			continue
		}
		kept = reflect.Append(kept, out.Index(i))
		last = i
	}
	return kept
}

// strictlyIncreasing reports whether each of ids is greater than the one
// before: in order, and each once.
func strictlyIncreasing(ids []string) bool {
	for i := 1; i < len(ids); i++ {
		if ids[i-1] >= ids[i] {
			return false
		}
	}
	return true
}

// sameChild makes every copy of a child (a phone listed under a service
// and under its location) hold what the first copy holds, apart from the
// key that names its owner: ids name one thing, and a tabular file can only
// say it once. A copy that differs is warned about.
func (rs *recordSet) sameChild(src string, c reflect.Value, ht *hsdsTable, own ownerRef, id string) {
	norm := reflect.New(ht.typ).Elem()
	norm.Set(c)
	rs.setOwner(src, norm, ht, ownerRef{}, id)
	k := recordKey{resources.Kind(ht.name), id}
	first, ok := rs.children[k]
	if !ok {
		rs.children[k] = norm
		return
	}
	if reflect.DeepEqual(first.Interface(), norm.Interface()) {
		return
	}
	rs.warn(src, k.kind, id, "appears again (in %s %q) with different %s; the first copy is kept",
		own.table, own.id, strings.Join(differingFields(first.Interface(), norm.Interface()), ", "))
	c.Set(first)
	rs.setOwner(src, c, ht, own, id)
}

// setOwner makes a child's foreign keys name own, and only own (none, when
// own is zero).
func (rs *recordSet) setOwner(src string, c reflect.Value, ht *hsdsTable, own ownerRef, id string) {
	for _, of := range ht.owners {
		f := c.FieldByIndex(of.index)
		if of.owner != own.table {
			f.SetString("")
			continue
		}
		if cur := f.String(); cur != "" && cur != own.id {
			rs.warn(src, resources.Kind(ht.name), id, "%s is %q but it is nested in %s %q; set to %q", of.col, cur, own.table, own.id, own.id)
		}
		f.SetString(own.id)
	}
	if l := ht.link; l != nil {
		idf, ent := c.FieldByIndex(l.id), c.FieldByIndex(l.entity)
		if cur := idf.String(); cur != "" && cur != own.id && own.id != "" {
			rs.warn(src, resources.Kind(ht.name), id, "%s is %q but it is nested in %s %q; set to %q", l.idCol, cur, own.table, own.id, own.id)
		}
		if cur := ent.String(); cur != "" && entityName(cur) != own.table && own.table != "" {
			rs.warn(src, resources.Kind(ht.name), id, "%s is %q but it is nested in a %s; set to %q", l.entityCol, cur, own.table, own.table)
		}
		idf.SetString(own.id)
		ent.SetString(own.table)
	}
}

// attributeTerm makes an attribute's nested taxonomy_term a record of its
// own and keeps only its id.
func (rs *recordSet) attributeTerm(src string, a *resources.Attribute) {
	if a.TaxonomyTerm == nil {
		return
	}
	t := *a.TaxonomyTerm
	a.TaxonomyTerm = nil
	id := rs.addTerm(src, t)
	switch {
	case a.TaxonomyTermID == "":
		a.TaxonomyTermID = id
	case a.TaxonomyTermID != id:
		rs.warn(src, "attribute", a.ID, "taxonomy_term_id is %q but its taxonomy_term is %q; set to %q", a.TaxonomyTermID, id, id)
		a.TaxonomyTermID = id
	}
}

// fk fills a foreign key that nesting implies; when the source gave a
// different one, the nesting wins, with a warning.
func (rs *recordSet) fk(src string, kind resources.Kind, id, field string, key *string, want string) {
	if want == "" || *key == want {
		return
	}
	if *key != "" {
		rs.warn(src, kind, id, "%s is %q but it is nested in %q; set to %q", field, *key, want, want)
	}
	*key = want
}

func fillID(id *string, kind string, parts ...string) {
	if *id == "" {
		*id = DerivedID(append([]string{kind}, parts...)...)
	}
}

func fillLocationID(l *resources.Location) {
	if l.ID != "" {
		return
	}
	parts := []string{"location", l.Name, fmtNum(l.Latitude), fmtNum(l.Longitude)}
	if len(l.Addresses) > 0 {
		a := l.Addresses[0]
		parts = append(parts, a.Address1, a.City, a.PostalCode)
	}
	l.ID = DerivedID(parts...)
}

func fmtNum(x *float64) string {
	if x == nil {
		return ""
	}
	return strconv.FormatFloat(*x, 'f', -1, 64)
}

// emitOrganization keeps an organization and what it nests.
func (rs *recordSet) emitOrganization(src string, o resources.Organization) string {
	fillID(&o.ID, "organization", o.Name)
	programs, locations, services := o.Programs, o.Locations, o.Services
	o.Programs, o.Locations, o.Services = nil, nil, nil
	rs.add(src, &o, false)
	for _, p := range programs {
		rs.fk(src, resources.KindProgram, p.ID, "organization_id", &p.OrganizationID, o.ID)
		rs.emitProgram(src, p)
	}
	for _, l := range locations {
		rs.fk(src, resources.KindLocation, l.ID, "organization_id", &l.OrganizationID, o.ID)
		rs.emitLocation(src, l, false)
	}
	for _, s := range services {
		rs.emitService(src, s, o.ID)
	}
	return o.ID
}

func (rs *recordSet) emitProgram(src string, p resources.Program) string {
	fillID(&p.ID, "program", p.OrganizationID, p.Name)
	rs.add(src, &p, false)
	return p.ID
}

func (rs *recordSet) emitLocation(src string, l resources.Location, inferredOrg bool) string {
	fillLocationID(&l)
	rs.add(src, &l, inferredOrg)
	return l.ID
}

// emitService keeps a service and what it nests; org is the organization it
// is nested in, if any. It returns the service's id and organization id.
func (rs *recordSet) emitService(src string, s resources.Service, org string) (string, string) {
	var nestedOrg *resources.Organization
	if s.Organization != nil {
		o := *s.Organization
		fillID(&o.ID, "organization", o.Name)
		nestedOrg = &o
		rs.fk(src, resources.KindService, s.ID, "organization_id", &s.OrganizationID, o.ID)
	}
	rs.fk(src, resources.KindService, s.ID, "organization_id", &s.OrganizationID, org)
	fillID(&s.ID, "service", s.OrganizationID, s.Name)
	var prog *resources.Program
	if s.Program != nil {
		p := *s.Program
		if p.OrganizationID == "" {
			p.OrganizationID = s.OrganizationID
		}
		fillID(&p.ID, "program", p.OrganizationID, p.Name)
		prog = &p
		rs.fk(src, resources.KindService, s.ID, "program_id", &s.ProgramID, p.ID)
	}
	sals := s.ServiceAtLocations
	s.Organization, s.Program, s.ServiceAtLocations = nil, nil, nil
	rs.add(src, &s, false)
	if nestedOrg != nil {
		rs.emitOrganization(src, *nestedOrg)
	}
	if prog != nil {
		rs.emitProgram(src, *prog)
	}
	for _, sal := range sals {
		rs.fk(src, resources.KindServiceAtLocation, sal.ID, "service_id", &sal.ServiceID, s.ID)
		rs.emitSAL(src, sal, s.OrganizationID)
	}
	return s.ID, s.OrganizationID
}

// emitSAL keeps a service_at_location, its location and its service; org is
// the organization of the service it is nested in, for a location that
// names none.
func (rs *recordSet) emitSAL(src string, sal resources.ServiceAtLocation, org string) {
	if sal.Service != nil {
		sid, sorg := rs.emitService(src, *sal.Service, "")
		rs.fk(src, resources.KindServiceAtLocation, sal.ID, "service_id", &sal.ServiceID, sid)
		if org == "" {
			org = sorg
		}
	}
	var loc *resources.Location
	inferred := false
	if sal.Location != nil {
		l := *sal.Location
		if l.OrganizationID == "" && org != "" {
			l.OrganizationID, inferred = org, true
		}
		fillLocationID(&l)
		loc = &l
		rs.fk(src, resources.KindServiceAtLocation, sal.ID, "location_id", &sal.LocationID, l.ID)
	}
	fillID(&sal.ID, "service_at_location", sal.ServiceID, sal.LocationID)
	sal.Service, sal.Location = nil, nil
	rs.add(src, &sal, false)
	if loc != nil {
		rs.emitLocation(src, *loc, inferred)
	}
}

// addTerm keeps a taxonomy term and its taxonomy_detail, and returns its id.
func (rs *recordSet) addTerm(src string, t resources.TaxonomyTerm) string {
	var tx *resources.Taxonomy
	if t.TaxonomyDetail != nil {
		x := *t.TaxonomyDetail
		fillID(&x.ID, "taxonomy", x.Name)
		tx = &x
		rs.fk(src, resources.KindTaxonomyTerm, t.ID, "taxonomy_id", &t.TaxonomyID, x.ID)
		t.TaxonomyDetail = nil
	}
	tax := t.TaxonomyID
	if tax == "" {
		tax = t.Taxonomy
	}
	fillID(&t.ID, "taxonomy_term", tax, t.Code, t.Name)
	rs.add(src, &t, false)
	if tx != nil {
		rs.add(src, tx, false)
	}
	return t.ID
}

// canonicalize puts the records another reader made (legacy.go's 1.1/2.0
// reader, ohana.go's) in the canonical form above and checks them again,
// so that what an import stores exports and reads back the same. d's
// problems are kept; new ones name source. d's records are changed in place.
func canonicalize(d *Directory, source string, opts Options) *Directory {
	rs := newRecordSet()
	rs.problems = append(rs.problems, d.Problems...)
	for _, r := range d.Records {
		tidy(reflect.ValueOf(r))
		rs.add(source, r, false)
	}
	return rs.directory(opts)
}

// directory repairs and validates what was kept and returns it: records in
// the order they were first met, problems in file order.
func (rs *recordSet) directory(opts Options) *Directory {
	d, geocoded, geoSrc := rs.validated(opts)
	if geocoded > 0 {
		rs.geocodeWarning(geocoded, geoSrc)
	}
	d.Problems = sortProblems(rs.problems)
	return d
}

// geocodeWarning says, once for a file, how many locations were placed at
// their ZIP centroid; geoSrc is the first one's source.
func (rs *recordSet) geocodeWarning(geocoded int, geoSrc string) {
	file, _ := splitSource(geoSrc)
	rs.warn(file, "", "", "%d location(s) had no coordinates and were placed at their ZIP code's centroid (geocode_source %q)", geocoded, resources.GeocodeZIPCentroid)
}

// validated repairs and validates the records kept, in the order they were
// first met, and returns the valid ones; repairs and rejections are added to
// rs.problems, unsorted. It returns how many locations it placed at their
// ZIP centroid, and the first one's source.
func (rs *recordSet) validated(opts Options) (*Directory, int, string) {
	d := &Directory{}
	geocoded, geoSrc := 0, ""
	// Repairs first, each record's warnings set aside; then validation on
	// every core (inOrder); then both kept in the order of the records, as
	// repairing and validating one record after another would.
	repairs := make([][]Problem, len(rs.order))
	for i, k := range rs.order {
		e := rs.entries[k]
		n := len(rs.problems)
		if rs.repair(e, opts) {
			if geocoded == 0 {
				geoSrc = e.src
			}
			geocoded++
		}
		if len(rs.problems) > n {
			repairs[i] = slices.Clone(rs.problems[n:])
			rs.problems = rs.problems[:n]
		}
	}
	invalid := make([]error, len(rs.order))
	inOrder(len(rs.order), func(i int) {
		invalid[i] = rs.entries[rs.order[i]].rec.Validate()
	}, func(i int) {
		k := rs.order[i]
		e := rs.entries[k]
		rs.problems = append(rs.problems, repairs[i]...)
		if err := invalid[i]; err != nil {
			rs.reject(e.src, k.kind, k.id, "%s", validationReason(err))
			return
		}
		d.Records = append(d.Records, e.rec)
	})
	return d, geocoded, geoSrc
}

func validationReason(err error) string {
	fields := resources.ErrorFields(err)
	if len(fields) == 0 {
		return err.Error()
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + ": " + fields[name]
	}
	return strings.Join(parts, "; ")
}

// repair fixes, with a warning, what would otherwise reject a whole record;
// it reports whether it placed a location at its ZIP centroid.
func (rs *recordSet) repair(e *recordEntry, opts Options) bool {
	switch r := e.rec.(type) {
	case *resources.Location:
		lat, lon := r.Latitude, r.Longitude
		switch {
		case (lat == nil) != (lon == nil):
			rs.warn(e.src, resources.KindLocation, r.ID, "has only one of latitude and longitude; coordinates dropped")
			r.Latitude, r.Longitude, r.GeocodeSource = nil, nil, ""
		case lat != nil && !(*lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180):
			rs.warn(e.src, resources.KindLocation, r.ID, "latitude %g, longitude %g are outside -90..90, -180..180; coordinates dropped", *lat, *lon)
			r.Latitude, r.Longitude, r.GeocodeSource = nil, nil, ""
		}
		if r.Latitude == nil && opts.Centroid != nil {
			return PlaceAtCentroid(r, opts.Centroid)
		}
	case *resources.Service:
		for i := range r.ServiceAreas {
			a := &r.ServiceAreas[i]
			if a.Extent == "" {
				continue
			}
			if _, _, err := a.Geometry(); err != nil {
				rs.warn(e.src, resources.KindService, r.ID, "service_areas[%d] (%s) extent %v; extent dropped", i, a.ID, err)
				a.Extent = ""
			}
		}
	}
	return false
}

// PlaceAtCentroid gives a location without coordinates those of its US ZIP
// code's centroid, marked approximate: the one placement rule of every
// reader, and of sites changed through package listings. Only a physical
// address places a site; a mailing address (a PO box, an office downtown)
// says nothing of where people go.
func PlaceAtCentroid(l *resources.Location, centroid func(string) (float64, float64, bool)) bool {
	if l.LocationType == resources.LocationVirtual {
		return false
	}
	for _, a := range l.Addresses {
		if a.AddressType != resources.AddressPhysical {
			continue
		}
		switch strings.ToUpper(a.Country) {
		case "", "US", "USA", "UNITED STATES":
		default:
			continue
		}
		zip := legacyZIP5(a.PostalCode)
		if zip == "" {
			continue
		}
		lat, lon, ok := centroid(zip)
		if !ok || !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || lat == 0 && lon == 0 {
			continue
		}
		l.Latitude, l.Longitude, l.GeocodeSource = &lat, &lon, resources.GeocodeZIPCentroid
		return true
	}
	return false
}

// splitSource splits "file:line" into its parts; line is 0 when there is
// none.
func splitSource(src string) (string, int) {
	if i := strings.LastIndexByte(src, ':'); i >= 0 {
		if n, err := strconv.Atoi(src[i+1:]); err == nil {
			return src[:i], n
		}
	}
	return src, 0
}

// sortProblems orders problems by file (in the order files were first
// named) and line, keeping the order of those on the same line.
func sortProblems(ps []Problem) []Problem {
	rank := map[string]int{}
	for _, p := range ps {
		f, _ := splitSource(p.Source)
		if _, ok := rank[f]; !ok {
			rank[f] = len(rank)
		}
	}
	out := slices.Clone(ps)
	sort.SliceStable(out, func(i, j int) bool {
		fi, li := splitSource(out[i].Source)
		fj, lj := splitSource(out[j].Source)
		if rank[fi] != rank[fj] {
			return rank[fi] < rank[fj]
		}
		return li < lj
	})
	return out
}

// tidy trims every string in v, replaces invalid UTF-8, turns "\r\n" into
// "\n" and empty slices into nil.
func tidy(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			tidy(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() {
				tidy(f)
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			if !v.IsNil() && v.CanSet() {
				v.Set(reflect.Zero(v.Type()))
			}
			return
		}
		for i := 0; i < v.Len(); i++ {
			tidy(v.Index(i))
		}
	case reflect.String:
		if s := v.String(); s != "" {
			if t := tidyString(s); t != s {
				v.SetString(t)
			}
		}
	}
}

func tidyString(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	return strings.TrimSpace(s)
}

// readJSON reads HSDS 3.x JSON (see the top of this file). An error means the
// input is not JSON at all (it names the source, line and byte); problems
// with single records are in the directory.
func readJSON(r io.Reader, source string, opts Options) (*Directory, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return readJSONData(data, source, opts)
}

// readJSONData is readJSON of a file already read (within the import's
// Limits).
func readJSONData(data []byte, source string, opts Options) (*Directory, error) {
	jr := &jsonReader{rs: newRecordSet(), source: source, data: data, opts: opts, lineNo: 1}
	if err := jr.read(); err != nil {
		return nil, err
	}
	return jr.rs.directory(opts), nil
}

// readAll reads a file whole into a buffer of its size: io.ReadAll would
// grow its buffer step by step, copying and clearing hundreds of megabytes
// for a big export.
func readAll(r io.Reader) ([]byte, error) {
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
			buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
			_, err := buf.ReadFrom(r)
			return buf.Bytes(), err
		}
	}
	return io.ReadAll(r)
}

type jsonReader struct {
	rs     *recordSet
	source string
	data   []byte
	opts   Options
	nl     []int // offsets of the newlines in data, made on first use
	// lineNo is the line of offset lineOff: values are mostly met in file
	// order, so their lines are counted on from the last one.
	lineOff, lineNo int
	// valid, while not nil, will say whether the input is one valid JSON
	// value (see read); isValid holds the answer once checked has it.
	valid   chan bool
	isValid bool
	// checkEach says the value was not checked whole (a window LoadStream
	// reads, whose bytes between elements its scanner checked): each
	// element of the list is, by the decoder that reads it (which parses
	// as json.Valid does, invalid UTF-8 and duplicate names allowed) or,
	// if that fails or none does, by json.Valid. invalid then says one is
	// not valid JSON, once list returns: a second pass over every byte of
	// a window was a twentieth of an import's time.
	checkEach bool
	invalid   atomic.Bool
	// guessed says that an object of a top-level list took its kind from
	// what most others in the list are (topHint); topCounts counts the
	// kinds the list's objects surely are (see LoadStream).
	guessed   atomic.Bool
	topCounts map[string]int
	topHint   string
}

// checked reports whether the value being read is valid JSON, waiting for
// the check read started if need be. Nothing may be kept before it says so:
// parts and classifyJSON only look at what they are given.
func (jr *jsonReader) checked() bool {
	if jr.valid != nil {
		jr.isValid = <-jr.valid
		jr.valid = nil
	}
	return jr.isValid
}

// skipJSON is a JSON value the decoder checks and skips without copying.
type skipJSON struct{}

func (*skipJSON) UnmarshalJSON([]byte) error { return nil }

// maxJSONDepth bounds Pages nested in Pages.
const maxJSONDepth = 16

func (jr *jsonReader) read() error {
	base := 0
	if bytes.HasPrefix(jr.data, []byte("\xef\xbb\xbf")) {
		base = 3
	}
	start := skipJSONSpace(jr.data, base, len(jr.data))
	if start < len(jr.data) && (jr.data[start] == '[' || jr.data[start] == '{') {
		// Most likely one list or object, the common case: the whole
		// input is checked in one pass on another goroutine while its
		// parts are found and classified; nothing is kept before the
		// check says it is one valid value.
		valid := make(chan bool, 1)
		go func() { valid <- json.Valid(jr.data[base:]) }()
		jr.valid = valid
		err := jr.top(jr.data[start:], start)
		if jr.checked() {
			return err
		}
		// Several values (JSON Lines) or a mistake: read value by value.
	} else if json.Valid(jr.data[base:]) {
		jr.isValid = true
		return jr.top(jr.data[start:], start)
	}
	// Each value is checked by the decoder before it is read.
	jr.isValid = true
	dec := json.NewDecoder(bytes.NewReader(jr.data[base:]))
	n := 0
	for {
		start := base + int(dec.InputOffset())
		var v skipJSON
		err := dec.Decode(&v)
		if err == io.EOF {
			break
		}
		if err != nil {
			return jr.syntaxError(err, base)
		}
		end := base + int(dec.InputOffset())
		start = skipJSONSpace(jr.data, start, end)
		n++
		if err := jr.top(jr.data[start:end], start); err != nil {
			return err
		}
	}
	if n == 0 {
		return resources.Errorf(resources.EINVALID, "%s: holds no JSON", jr.source)
	}
	return nil
}

// top reads one top-level value: a list or an object.
func (jr *jsonReader) top(raw []byte, off int) error {
	switch raw[0] {
	case '[':
		jr.array(raw, off, 0)
	case '{':
		jr.object(raw, off, 0, "", "")
	default:
		return resources.Errorf(resources.EINVALID, "%s:%d: is a JSON %s, not an HSDS object or list", jr.source, jr.line(off), jsonType(raw))
	}
	return nil
}

// skipJSONSpace returns the offset of the first byte from i on that is not
// white space, a comma or a colon.
func skipJSONSpace(data []byte, i, end int) int {
	for i < end {
		switch data[i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		default:
			return i
		}
	}
	return i
}

func (jr *jsonReader) syntaxError(err error, base int) error {
	off := len(jr.data)
	var se *json.SyntaxError
	msg := err.Error()
	switch {
	case errors.As(err, &se):
		off = base + int(se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		msg = "the JSON ends before it is complete (a truncated file?)"
	}
	line, col := jr.lineCol(off)
	return resources.Errorf(resources.EINVALID, "%s: malformed JSON at line %d, column %d (byte %d): %s", jr.source, line, col, off, msg)
}

// lineCol gives the line and column (in bytes, from 1) of offset off.
func (jr *jsonReader) lineCol(off int) (int, int) {
	if jr.nl == nil {
		jr.nl = []int{}
		for i, b := range jr.data {
			if b == '\n' {
				jr.nl = append(jr.nl, i)
			}
		}
	}
	n := sort.SearchInts(jr.nl, off) // newlines before off
	col := off + 1
	if n > 0 {
		col = off - jr.nl[n-1]
	}
	return n + 1, col
}

func (jr *jsonReader) line(off int) int {
	if off >= jr.lineOff && off <= len(jr.data) {
		jr.lineNo += bytes.Count(jr.data[jr.lineOff:off], []byte{'\n'})
		jr.lineOff = off
		return jr.lineNo
	}
	l, _ := jr.lineCol(off)
	return l
}

// src names the value at offset off for problems: "file.json:LINE".
func (jr *jsonReader) src(off int) string {
	return fmt.Sprintf("%s:%d", jr.source, jr.line(off))
}

func jsonType(raw []byte) string {
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "list"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// jsonPart is a value inside data: a list element or an object member.
type jsonPart struct {
	key string // for members
	off int
	raw []byte
}

// parts returns the elements of the list, or the members of the object, that
// raw (at offset off of data) is. raw is valid JSON, or is being checked
// (read), so a plain byte loop can find where each value ends: one quick
// pass instead of encoding/json's two. Invalid input gives parts of no use
// (never a panic), which are dropped.
func (jr *jsonReader) parts(raw []byte, off int) []jsonPart {
	var out []jsonPart
	for key, p := range members(raw) {
		if key != nil {
			p.key = jsonKey(key)
		}
		p.off += off
		out = append(out, p)
	}
	return out
}

// members yields parts' elements or members, each with its key as JSON
// (quoted; nil for elements), making nothing: the part's key is left
// empty, and its offset is in raw.
func members(raw []byte) func(yield func(key []byte, p jsonPart) bool) {
	return func(yield func([]byte, jsonPart) bool) {
		obj := raw[0] == '{'
		i := 1
		for {
			i = skipJSONSpace(raw, i, len(raw))
			if i >= len(raw) || raw[i] == ']' || raw[i] == '}' {
				return
			}
			var key []byte
			if obj {
				end := jsonStringEnd(raw, i)
				key = raw[i:end]
				// Input not yet checked (read) may end here.
				if i = skipJSONSpace(raw, end, len(raw)); i >= len(raw) {
					return
				}
			}
			end := jsonValueEnd(raw, i)
			if !yield(key, jsonPart{off: i, raw: raw[i:end]}) {
				return
			}
			i = end
		}
	}
}

// jsonStringEnd returns the offset just after the string that starts at
// data[i] (len(data) if it does not end there). A quote ends the string
// unless an odd number of backslashes comes just before it, the last of
// which escapes it; so it looks for quotes alone, with bytes.IndexByte,
// many bytes at a time (bytes.IndexAny over quotes and backslashes went a
// byte at a time: 0.31 of a 20k import's 8.2 CPU s).
func jsonStringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			break
		}
		q := j + k
		backslashes := 0
		for p := q - 1; p > i && data[p] == '\\'; p-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return q + 1
		}
		j = q + 1
	}
	return len(data)
}

// jsonValueEnd returns the offset just after the valid JSON value that starts
// at data[i].
func jsonValueEnd(data []byte, i int) int {
	switch data[i] {
	case '"':
		return jsonStringEnd(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				j = jsonStringEnd(data, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(data)
	}
	j := i
	for j < len(data) && !strings.ContainsRune(" \t\r\n,]}", rune(data[j])) {
		j++
	}
	return j
}

// jsonKey returns the text of a JSON string.
func jsonKey(b []byte) string {
	if len(b) >= 2 && bytes.IndexByte(b, '\\') < 0 {
		return string(b[1 : len(b)-1])
	}
	var s string
	_ = json.Unmarshal(b, &s)
	return s
}

// array reads a list of records (raw, at offset off of data).
func (jr *jsonReader) array(raw []byte, off, depth int) {
	jr.list(jr.parts(raw, off), depth)
}

// list reads a list's elements, records. Each object is classified and
// decoded on several goroutines (inOrder), and kept on this one in list
// order, so records and problems come out as a one-by-one reading gives
// them.
func (jr *jsonReader) list(elems []jsonPart, depth int) {
	kinds := make([]string, len(elems))
	sure := make([]bool, len(elems))
	inOrder(len(elems), func(i int) {
		if elems[i].raw[0] == '{' {
			kinds[i], sure[i] = classifyJSON(elems[i].raw)
		}
	}, nil)
	counts := map[string]int{}
	for i := range elems {
		if sure[i] {
			counts[kinds[i]]++
		}
	}
	// Objects that could be several kinds take the kind most others have.
	hint := majority(counts)
	if depth == 0 {
		jr.topCounts, jr.topHint = counts, hint
	}
	if !jr.checked() {
		return
	}
	read := make([]decoded, len(elems))
	inOrder(len(elems), func(i int) {
		e := elems[i]
		if e.raw[0] == '{' {
			kind := kinds[i]
			if !sure[i] {
				kind = jr.unsureKind(kind, hint)
				if depth == 0 {
					jr.guessed.Store(true)
				}
			}
			read[i] = decodeObject(e.raw, kind)
		}
		if jr.checkEach && depth == 0 && !read[i].wellFormed && !json.Valid(e.raw) {
			jr.invalid.Store(true)
		}
	}, func(i int) {
		e := elems[i]
		if e.raw[0] != '{' {
			jr.rs.reject(jr.src(e.off), "", "", "is a JSON %s where a record (an object) belongs", jsonType(e.raw))
			return
		}
		jr.keep(e.raw, e.off, depth, read[i])
		read[i] = decoded{} // kept as a copy: let this one go
	})
}

// majority is the kind counted most (by name on a tie), "" if none.
func majority(counts map[string]int) string {
	hint, best := "", 0
	for k, n := range counts {
		if n > best || n == best && k < hint {
			hint, best = k, n
		}
	}
	return hint
}

// unsureKind is the kind of an object whose keys do not say (classifyJSON
// gave guess): the hint, else the file name's kind, else the guess.
func (jr *jsonReader) unsureKind(guess, hint string) string {
	switch {
	case hint != "":
		return hint
	case fileKind(jr.source) != "":
		return fileKind(jr.source)
	}
	return guess
}

// inOrderChunk is how many list elements a goroutine of inOrder takes at a
// time, and inOrderMin the shortest list worth more than one goroutine.
const (
	inOrderChunk = 64
	inOrderMin   = 256
)

// inOrder calls work(i) for every i below n, on as many goroutines as Go
// runs at once, and then(i) (if not nil) on the calling goroutine in order
// of i, each once its work is done: the work of later elements goes on
// meanwhile, a bounded distance ahead. work must not touch what then does.
func inOrder(n int, work, then func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < inOrderMin || workers == 1 {
		for i := 0; i < n; i++ {
			work(i)
			if then != nil {
				then(i)
			}
		}
		return
	}
	chunks := (n + inOrderChunk - 1) / inOrderChunk
	done := make([]chan struct{}, chunks)
	for c := range done {
		done[c] = make(chan struct{})
	}
	// A chunk is taken only with a token, given back once it is kept, so
	// decoded elements waiting to be kept stay few.
	tokens := make(chan struct{}, 4*workers)
	var next atomic.Int64
	for range workers {
		go func() {
			for {
				tokens <- struct{}{}
				c := int(next.Add(1) - 1)
				if c >= chunks {
					<-tokens
					return
				}
				for i := c * inOrderChunk; i < min(n, (c+1)*inOrderChunk); i++ {
					work(i)
				}
				close(done[c])
			}
		}()
	}
	for c := range chunks {
		<-done[c]
		if then != nil {
			for i := c * inOrderChunk; i < min(n, (c+1)*inOrderChunk); i++ {
				then(i)
			}
		}
		<-tokens
	}
}

// object reads one object: a record, a Page, a tabular.json or the API's
// root. kind is its kind when already known, hint the kind to take if it
// could be several.
func (jr *jsonReader) object(raw []byte, off, depth int, kind, hint string) {
	if kind == "" {
		var sure bool
		if kind, sure = classifyJSON(raw); !sure {
			kind = jr.unsureKind(kind, hint)
		}
	}
	if !jr.checked() {
		return
	}
	jr.keep(raw, off, depth, decodeObject(raw, kind))
}

// decoded is an object of a known kind, decoded if it is a record: rec is
// a pointer to the record's struct, or nil with why (reason) it could not be
// read.
type decoded struct {
	kind   string
	rec    any
	reason string
	// wellFormed says the object was decoded as it is, so is valid JSON.
	wellFormed bool
}

// decodeObject decodes a record, leniently if it must (see the top of this
// file), and tidies it. Objects that are not records are left to keep.
func decodeObject(raw []byte, kind string) decoded {
	var v any
	switch kind {
	case "service":
		v = new(resources.Service)
	case "organization":
		v = new(resources.Organization)
	case "location":
		v = new(resources.Location)
	case "service_at_location":
		v = new(resources.ServiceAtLocation)
	case "program":
		v = new(resources.Program)
	case "taxonomy_term":
		v = new(resources.TaxonomyTerm)
	case "taxonomy":
		v = new(resources.Taxonomy)
	default:
		return decoded{kind: kind}
	}
	err := resources.UnmarshalJSON(raw, v)
	wellFormed := err == nil
	if err != nil {
		if fixed, ok := loosenJSON(raw); ok {
			rv := reflect.ValueOf(v).Elem()
			rv.Set(reflect.Zero(rv.Type()))
			err = json.Unmarshal(fixed, v)
		}
	}
	if err != nil {
		return decoded{kind: kind, reason: jsonReason(err)}
	}
	tidy(reflect.ValueOf(v))
	return decoded{kind: kind, rec: v, wellFormed: wellFormed}
}

// keep keeps what an object holds: a record decoded (or its rejection), the
// records of a Page or tabular.json, or a warning for the API's root.
func (jr *jsonReader) keep(raw []byte, off, depth int, d decoded) {
	src := jr.src(off)
	switch d.kind {
	case "page", "tabular":
		if depth >= maxJSONDepth {
			jr.rs.reject(src, "", "", "Pages nested deeper than %d", maxJSONDepth)
			return
		}
		if d.kind == "tabular" {
			jr.tabular(raw, off)
			return
		}
		for _, m := range jr.parts(raw, off) {
			if m.key != "contents" {
				continue
			}
			if m.raw[0] != '[' {
				if m.raw[0] != 'n' {
					jr.rs.reject(jr.src(m.off), "", "", "a Page's contents is a JSON %s, not a list", jsonType(m.raw))
				}
				return
			}
			jr.array(m.raw, m.off, depth+1)
		}
		return
	case "root":
		jr.rs.warn(src, "", "", "the HSDS API's root object (version, openapi_url) holds no records; skipped")
		return
	}
	if d.rec == nil {
		if d.reason != "" {
			jr.rs.reject(src, resources.Kind(d.kind), jsonID(raw), "%s", d.reason)
		}
		return
	}
	switch r := d.rec.(type) {
	case *resources.Service:
		jr.rs.emitService(src, *r, "")
	case *resources.Organization:
		jr.rs.emitOrganization(src, *r)
	case *resources.Location:
		jr.rs.emitLocation(src, *r, false)
	case *resources.ServiceAtLocation:
		jr.rs.emitSAL(src, *r, "")
	case *resources.Program:
		jr.rs.emitProgram(src, *r)
	case *resources.TaxonomyTerm:
		jr.rs.addTerm(src, *r)
	case *resources.Taxonomy:
		fillID(&r.ID, "taxonomy", r.Name)
		jr.rs.add(src, r, false)
	}
}

// jsonID returns the id a record that could not be read gives, if any.
func jsonID(raw []byte) string {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(raw, &p) != nil || len(p.ID) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(p.ID, &s) == nil {
		return s
	}
	return string(p.ID)
}

func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "the record"
		}
		return fmt.Sprintf("%s: is a JSON %s; it must be %s", field, te.Value, goTypeName(te.Type))
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("last_modified: %q is not a time such as 2023-03-15T10:30:45Z", pe.Value)
	}
	return err.Error()
}

func goTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Float64, reflect.Float32, reflect.Int, reflect.Int64, reflect.Uint64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// numericJSONKeys are the HSDS fields that hold numbers; every other scalar
// holds text.
var numericJSONKeys = map[string]bool{
	"latitude": true, "longitude": true, "minimum_age": true, "maximum_age": true,
	"year_incorporated": true, "extension": true, "timezone": true, "count": true,
	"interval": true, "amount": true,
}

// loosenJSON rewrites what can be read without guessing: numbers given as
// strings where numbers belong, numbers where text belongs, bare dates in
// last_modified. It reports whether it changed anything.
func loosenJSON(raw []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || !loosen(v) {
		return nil, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	return b, true
}

func loosen(v any) bool {
	changed := false
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch x := x.(type) {
			case string:
				s := strings.TrimSpace(x)
				switch {
				case numericJSONKeys[k] && s == "":
					delete(v, k)
					changed = true
				case numericJSONKeys[k]:
					if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
						v[k] = json.Number(strconv.FormatFloat(f, 'g', -1, 64))
						changed = true
					}
				case k == "last_modified":
					if t, err := time.Parse(time.DateOnly, s); err == nil {
						v[k] = t.Format(time.RFC3339Nano)
						changed = true
					}
				}
			case json.Number:
				if !numericJSONKeys[k] {
					v[k] = string(x)
					changed = true
				}
			case map[string]any, []any:
				if loosen(x) {
					changed = true
				}
			}
		}
	case []any:
		for _, x := range v {
			if loosen(x) {
				changed = true
			}
		}
	}
	return changed
}

// classifyJSON says which record an object is (see the top of this file)
// and whether its keys make that sure. raw is valid JSON.
func classifyJSON(raw []byte) (string, bool) {
	var given keySet // the keys below whose value is not null
	csvKeys := false
	for key, p := range members(raw) {
		var bit keySet
		if len(key) >= 2 && bytes.IndexByte(key, '\\') < 0 {
			name := key[1 : len(key)-1]
			bit = classifyBits[string(name)] // no copy made
			csvKeys = csvKeys || csvName(name)
		} else {
			name := jsonKey(key)
			bit = classifyBits[name]
			csvKeys = csvKeys || csvName(name)
		}
		if string(p.raw) != "null" {
			given |= bit
		} else {
			given &^= bit
		}
	}
	has := func(keys keySet) bool { return given&keys != 0 }
	switch {
	case has(kContents):
		return "page", true
	case !has(kIDOrName) && csvKeys:
		return "tabular", true
	case !has(kID) && has(kOpenAPI):
		return "root", true
	case has(kServiceOrLocation) || has(kServiceID) && has(kLocationID):
		return "service_at_location", true
	case has(kLocation):
		return "location", true
	case has(kService):
		return "service", true
	case has(kTerm):
		return "taxonomy_term", true
	case has(kOrganizationID):
		return "program", true
	case has(kOrganization):
		return "organization", true
	case has(kVersion):
		return "taxonomy", true
	}
	return "organization", false
}

// csvName reports whether a key ends in ".csv", in any case, as
// strings.ToLower would find it: only ASCII letters lower to ASCII ones.
func csvName[S string | []byte](name S) bool {
	n := len(name)
	return n >= 4 && name[n-4] == '.' && name[n-3]|0x20 == 'c' && name[n-2]|0x20 == 's' && name[n-1]|0x20 == 'v'
}

// keySet is a set of the keys classifyJSON looks for, a bit each.
type keySet uint64

// classifyBits numbers the keys classifyJSON looks for; the sets of keys
// that say a kind are made with keys.
var classifyBits = map[string]keySet{}

func keys(names ...string) keySet {
	var set keySet
	for _, n := range names {
		bit, ok := classifyBits[n]
		if !ok {
			if len(classifyBits) == 64 {
				panic("classifyJSON looks for more than 64 keys")
			}
			bit = 1 << len(classifyBits)
			classifyBits[n] = bit
		}
		set |= bit
	}
	return set
}

var (
	kContents          = keys("contents")
	kID                = keys("id")
	kIDOrName          = keys("id", "name")
	kOpenAPI           = keys("openapi_url")
	kServiceOrLocation = keys("service", "location")
	kServiceID         = keys("service_id")
	kLocationID        = keys("location_id")
	kLocation          = keys("location_type", "latitude", "longitude", "addresses", "accessibility",
		"transportation", "external_identifier", "external_identifier_type")
	kService = keys("status", "service_at_locations", "program", "program_id", "service_areas",
		"cost_options", "required_documents", "eligibility_description", "minimum_age",
		"maximum_age", "interpretation_services", "application_process", "fees_description",
		"fees", "wait_time", "accreditations", "licenses", "alert", "assurer_email", "organization")
	kTerm           = keys("code", "taxonomy_detail", "parent_id", "taxonomy_id", "term_uri", "taxonomy", "language")
	kOrganizationID = keys("organization_id")
	kOrganization   = keys("alternate_name", "email", "website", "tax_status", "tax_id", "year_incorporated",
		"legal_status", "logo", "parent_organization_id", "funding", "contacts", "phones",
		"locations", "programs", "services", "organization_identifiers", "attributes")
	kVersion = keys("version")
)

// fileKind is the kind a file's name says its records are, if it says.
func fileKind(source string) string {
	base := strings.ToLower(path.Base(strings.ReplaceAll(source, "\\", "/")))
	switch {
	case strings.Contains(base, "taxonomy_term"):
		return "taxonomy_term"
	case strings.Contains(base, "taxonom"):
		return "taxonomy"
	case strings.Contains(base, "program"):
		return "program"
	case strings.Contains(base, "organization"):
		return "organization"
	}
	return ""
}

// tabular reads a tabular.json object: {"organizations.csv": [rows…], …}.
func (jr *jsonReader) tabular(raw []byte, off int) {
	tabs := map[string]*table{}
	for _, m := range jr.parts(raw, off) {
		name := entityName(m.key)
		if name == "" || m.raw[0] != '[' {
			continue
		}
		t := &table{name: fmt.Sprintf("%s[%s]", jr.source, m.key), header: map[string]int{}}
		for _, e := range jr.parts(m.raw, m.off) {
			var obj map[string]json.RawMessage
			if e.raw[0] != '{' || json.Unmarshal(e.raw, &obj) != nil {
				jr.rs.reject(jr.src(e.off), resources.Kind(name), "", "is a JSON %s where a row (an object) belongs", jsonType(e.raw))
				continue
			}
			keys := make([]string, 0, len(obj))
			for k := range obj {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			row := make([]string, len(t.header))
			for _, k := range keys {
				col := strings.ToLower(strings.TrimSpace(k))
				i, ok := t.header[col]
				if !ok {
					i = len(t.header)
					t.header[col] = i
				}
				for len(row) <= i {
					row = append(row, "")
				}
				row[i] = jsonCell(obj[k])
			}
			t.rows = append(t.rows, row)
			t.lines = append(t.lines, jr.line(e.off))
		}
		tabs[name] = t
	}
	jr.rs.readTables3(tabs)
}

// jsonCell turns a JSON value into the text of a CSV cell.
func jsonCell(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	case 'n':
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}
