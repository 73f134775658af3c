package hsds

// HSDS 3.x tabular datapackages: one CSV per HSDS object, linked by ids.
//
// The seven stored kinds (organizations, programs, services, locations,
// service_at_location, taxonomies, taxonomy_terms) become records. Every
// other row is a child that lives inside the records it names:
//
//   - A row that names several owners (a phones.csv row with service_id,
//     location_id and contact_id) is copied into each of them, as HSDS's own
//     examples nest it: examples/csv/phones.csv has one row naming five
//     owners and examples/service_full.json has that phone under all five.
//     Each copy keeps only the foreign key of the owner that holds it.
//   - A named owner that is not in the package is a warning when another
//     named owner is there, and the row is rejected when none is.
//   - attributes.csv (link_id + link_entity) and metadata.csv (resource_id +
//     resource_type) may point at any table, children included; the entity
//     column picks the table and, when it names none refer knows (or the id
//     is not there), the first table holding the id is taken.
//   - Rows a child table names (a contact's phones, a phone's languages, a
//     phone's attributes) go into every copy of that child.
//   - A cell that should be a number or a time and is not one rejects its
//     row, naming the column.
//   - A Problem about a child row has the HSDS table name as its Kind
//     ("phone"), not one of the stored kinds.
//
// Reading and writing are driven by the tables below and by reflection over
// the resources types, so a field added to a type is read and written
// without another line here; JSON names are the column names.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/refer-project/refer/resources"
)

// hsdsTable describes one HSDS 3.0 table as refer reads and writes it.
type hsdsTable struct {
	name   string         // HSDS resource name: "phone"
	file   string         // default file name: "phones.csv"
	typ    reflect.Type   // one row: resources.Phone
	kind   resources.Kind // for the seven stored kinds; "" for children
	fields []scalarField  // the row's scalar fields, in struct order
	byName map[string]*scalarField
	id     []int        // index of the id field
	owners []ownerField // a child's columns that name its owner
	link   *linkFields  // attribute and metadata: a polymorphic owner
	kids   []kidField   // slice fields that hold child rows
}

type fieldKind int

const (
	fieldString fieldKind = iota
	fieldNumber           // *float64
	fieldTime             // *time.Time
)

type scalarField struct {
	name  string
	index []int
	kind  fieldKind
}

// ownerField is a child's foreign key to one kind of owner.
type ownerField struct {
	col   string // "service_id"
	index []int
	owner string // "service"
}

// linkFields are the id and table columns of a row that may belong to any
// table.
type linkFields struct {
	idCol, entityCol string
	id, entity       []int
}

// kidField is a slice field of rows of a child table.
type kidField struct {
	index []int
	table *hsdsTable
}

// holds reports whether rows of table owner have a field for rows of table
// child.
func holds(owner, child string) bool {
	t := tableByName[owner]
	if t == nil {
		return false
	}
	for _, k := range t.kids {
		if k.table.name == child {
			return true
		}
	}
	return false
}

// ownerRef names the row that holds a child: a table and an id.
type ownerRef struct {
	table string
	id    string
}

var (
	timeType    = reflect.TypeOf(time.Time{})
	float64Type = reflect.TypeOf(float64(0))
)

// hsdsTables lists the tables refer reads and writes, stored kinds first;
// children that hold other children (contacts hold phones, phones hold
// languages) come before what they hold, so that owners are known first.
var hsdsTables = func() []*hsdsTable {
	type def struct {
		name, file string
		v          any
		kind       resources.Kind
		owners     string // "col:table ..."
		link       string // "idcol entitycol"
	}
	defs := []def{
		{"taxonomy", "taxonomies.csv", resources.Taxonomy{}, resources.KindTaxonomy, "", ""},
		{"taxonomy_term", "taxonomy_terms.csv", resources.TaxonomyTerm{}, resources.KindTaxonomyTerm, "", ""},
		{"organization", "organizations.csv", resources.Organization{}, resources.KindOrganization, "", ""},
		{"program", "programs.csv", resources.Program{}, resources.KindProgram, "", ""},
		{"location", "locations.csv", resources.Location{}, resources.KindLocation, "", ""},
		{"service", "services.csv", resources.Service{}, resources.KindService, "", ""},
		{"service_at_location", "service_at_location.csv", resources.ServiceAtLocation{}, resources.KindServiceAtLocation, "", ""},
		{"contact", "contacts.csv", resources.Contact{}, "", "organization_id:organization service_id:service service_at_location_id:service_at_location location_id:location", ""},
		{"phone", "phones.csv", resources.Phone{}, "", "location_id:location service_id:service organization_id:organization contact_id:contact service_at_location_id:service_at_location", ""},
		{"language", "languages.csv", resources.Language{}, "", "service_id:service location_id:location phone_id:phone", ""},
		{"schedule", "schedules.csv", resources.Schedule{}, "", "service_id:service location_id:location service_at_location_id:service_at_location", ""},
		{"address", "addresses.csv", resources.Address{}, "", "location_id:location", ""},
		{"accessibility", "accessibility.csv", resources.Accessibility{}, "", "location_id:location", ""},
		{"service_area", "service_areas.csv", resources.ServiceArea{}, "", "service_id:service", ""},
		{"cost_option", "cost_options.csv", resources.CostOption{}, "", "service_id:service", ""},
		{"required_document", "required_documents.csv", resources.RequiredDocument{}, "", "service_id:service", ""},
		{"funding", "funding.csv", resources.Funding{}, "", "organization_id:organization service_id:service", ""},
		{"organization_identifier", "organization_identifiers.csv", resources.OrganizationIdentifier{}, "", "organization_id:organization", ""},
		{"attribute", "attributes.csv", resources.Attribute{}, "", "", "link_id link_entity"},
		{"metadata", "metadata.csv", resources.Metadata{}, "", "", "resource_id resource_type"},
	}
	var tables []*hsdsTable
	byType := map[reflect.Type]*hsdsTable{}
	for _, d := range defs {
		t := &hsdsTable{name: d.name, file: d.file, typ: reflect.TypeOf(d.v), kind: d.kind}
		t.fields = scalarFields(t.typ, nil)
		t.byName = map[string]*scalarField{}
		for i := range t.fields {
			t.byName[t.fields[i].name] = &t.fields[i]
		}
		t.id = t.byName["id"].index
		for _, o := range strings.Fields(d.owners) {
			col, owner, _ := strings.Cut(o, ":")
			t.owners = append(t.owners, ownerField{col, t.byName[col].index, owner})
		}
		if d.link != "" {
			idCol, entCol, _ := strings.Cut(d.link, " ")
			t.link = &linkFields{idCol, entCol, t.byName[idCol].index, t.byName[entCol].index}
		}
		tables = append(tables, t)
		byType[t.typ] = t
	}
	for _, t := range tables {
		for i := 0; i < t.typ.NumField(); i++ {
			f := t.typ.Field(i)
			if f.Type.Kind() != reflect.Slice {
				continue
			}
			// Slices of stored kinds (an organization's locations) are
			// full views, not children.
			if kt := byType[f.Type.Elem()]; kt != nil && kt.kind == "" {
				t.kids = append(t.kids, kidField{f.Index, kt})
			}
		}
	}
	return tables
}()

// Lookups of hsdsTables by name, Go type and stored kind.
var (
	tableByName = tableIndex(func(t *hsdsTable) string { return t.name })
	tableByType = tableIndex(func(t *hsdsTable) reflect.Type { return t.typ })
	tableByKind = tableIndex(func(t *hsdsTable) resources.Kind { return t.kind })
)

func tableIndex[K comparable](key func(*hsdsTable) K) map[K]*hsdsTable {
	m := map[K]*hsdsTable{}
	var zero K
	for _, t := range hsdsTables {
		if k := key(t); k != zero {
			m[k] = t
		}
	}
	return m
}

// scalarFields returns the fields of t that are one CSV cell each: strings,
// *float64 and *time.Time, including those of embedded structs (Tracked).
func scalarFields(t reflect.Type, prefix []int) []scalarField {
	var out []scalarField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, scalarFields(f.Type, index)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || name == "" || !f.IsExported() {
			continue
		}
		switch {
		case f.Type.Kind() == reflect.String:
			out = append(out, scalarField{name, index, fieldString})
		case f.Type.Kind() == reflect.Pointer && f.Type.Elem() == float64Type:
			out = append(out, scalarField{name, index, fieldNumber})
		case f.Type.Kind() == reflect.Pointer && f.Type.Elem() == timeType:
			out = append(out, scalarField{name, index, fieldTime})
		}
	}
	return out
}

// entityName turns what a source says a table is ("services",
// "service_at_location.csv", "Phone") into refer's table name, or "" if it
// names none.
func entityName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimSuffix(s, ".csv")
	s = strings.ReplaceAll(strings.ReplaceAll(s, " ", "_"), "-", "_")
	if t := tableByName[s]; t != nil {
		return t.name
	}
	for _, t := range hsdsTables {
		if s == strings.TrimSuffix(t.file, ".csv") {
			return t.name
		}
	}
	switch s {
	case "services_at_location", "service_at_locations", "services_at_locations":
		return "service_at_location"
	case "accessibilities", "accessibility_for_disabilities":
		return "accessibility"
	case "fundings":
		return "funding"
	}
	if strings.HasSuffix(s, "s") {
		if t := tableByName[strings.TrimSuffix(s, "s")]; t != nil {
			return t.name
		}
	}
	return ""
}

// formatCell writes one scalar field as a CSV cell: numbers exactly
// (strconv 'f', -1 round-trips every float64), times as RFC 3339 with
// nanoseconds.
func formatCell(v reflect.Value, f *scalarField) string {
	fv := v.FieldByIndex(f.index)
	switch f.kind {
	case fieldNumber:
		if fv.IsNil() {
			return ""
		}
		return strconv.FormatFloat(fv.Elem().Float(), 'f', -1, 64)
	case fieldTime:
		if fv.IsNil() {
			return ""
		}
		return fv.Interface().(*time.Time).Format(time.RFC3339Nano)
	}
	return fv.String()
}

// setCell stores a CSV cell in a scalar field. An empty cell leaves the
// field unset.
func setCell(v reflect.Value, f *scalarField, s string) error {
	if s == "" {
		return nil
	}
	fv := v.FieldByIndex(f.index)
	switch f.kind {
	case fieldNumber:
		x, err := parseNumber(s)
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(&x))
	case fieldTime:
		t, err := parseTime(s)
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(&t))
	default:
		fv.SetString(s)
	}
	return nil
}

// parseNumber reads a finite decimal number.
func parseNumber(s string) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return x, nil
}

// parseTime reads an RFC 3339 time, with or without fractional seconds, or a
// bare date (midnight UTC).
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time such as 2023-03-15T10:30:45Z", s)
}

// readTabular3 reads an HSDS 3.x tabular datapackage. File names come from
// datapackage.json (resources[].name and path) when it is there, and are
// HSDS's own (organizations.csv, phones.csv, …) otherwise. Tables may be
// missing; an error means no table could be read at all, or a file is not
// CSV.
func readTabular3(fsys fs.FS, opts Options) (*Directory, error) {
	paths, err := datapackagePaths(fsys)
	if err != nil {
		return nil, err
	}
	tabs := map[string]*table{}
	for _, ht := range hsdsTables {
		names := []string{ht.file}
		if p, ok := paths[ht.name]; ok && p != ht.file {
			names = []string{p, ht.file}
		}
		for _, name := range names {
			t, err := readTable(fsys, name, opts.Limits)
			if errors.Is(err, errNoTable) {
				continue
			}
			if err != nil {
				return nil, resources.Errorf(resources.EINVALID, "%v", err)
			}
			tabs[ht.name] = t
			break
		}
	}
	if len(tabs) == 0 {
		return nil, resources.Errorf(resources.EINVALID, "found none of the HSDS 3 tables (organizations.csv, services.csv, locations.csv, …)")
	}
	rs := newRecordSet()
	rs.readTables3(tabs)
	d := rs.directory(opts)
	d.Problems = append(tableProblems(tabs), d.Problems...)
	return d, nil
}

// datapackagePaths maps table names to the paths datapackage.json gives;
// empty when there is no datapackage.json.
func datapackagePaths(fsys fs.FS) (map[string]string, error) {
	b, err := fs.ReadFile(fsys, "datapackage.json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var pkg struct {
		Resources []struct {
			Name string          `json:"name"`
			Path json.RawMessage `json:"path"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return nil, resources.Errorf(resources.EINVALID, "datapackage.json is not valid JSON: %v", err)
	}
	out := map[string]string{}
	for _, r := range pkg.Resources {
		var p string
		if json.Unmarshal(r.Path, &p) != nil {
			var ps []string // a path may be a list of files; refer reads the first
			if json.Unmarshal(r.Path, &ps) != nil || len(ps) == 0 {
				continue
			}
			p = ps[0]
		}
		p = path.Clean(strings.TrimPrefix(p, "./"))
		name := entityName(r.Name)
		if name == "" {
			name = entityName(path.Base(p))
		}
		if name != "" && fs.ValidPath(p) {
			out[name] = p
		}
	}
	return out, nil
}

// t3row is one row read from a table.
type t3row struct {
	table  *hsdsTable
	val    reflect.Value // addressable value of table.typ
	id     string
	src    string
	owners []ownerRef
}

// readTables3 reads the tables of a 3.x package, by table name, into rs: see
// the comment at the top of this file.
func (rs *recordSet) readTables3(tabs map[string]*table) {
	rows := map[string][]*t3row{}
	for _, ht := range hsdsTables {
		t := tabs[ht.name]
		if t == nil {
			continue
		}
		var cols []*scalarField
		for i := range ht.fields {
			if t.has(ht.fields[i].name) {
				cols = append(cols, &ht.fields[i])
			}
		}
	row:
		for i := range t.rows {
			v := reflect.New(ht.typ).Elem()
			for _, f := range cols {
				if err := setCell(v, f, t.get(i, f.name)); err != nil {
					rs.reject(t.source(i), rowKind(ht), t.get(i, "id"), "%s: %v", f.name, err)
					continue row
				}
			}
			idf := v.FieldByIndex(ht.id)
			if idf.String() == "" {
				// A row without an id gets one made of its cells, so that
				// every copy of it (one per owner) has the same.
				idf.SetString(DerivedID(ht.name, strings.Join(t.rows[i], "\x1f")))
			}
			rows[ht.name] = append(rows[ht.name], &t3row{table: ht, val: v, id: idf.String(), src: t.source(i)})
		}
	}

	// Which rows have an owner: stored rows all do; a child needs one of
	// the owners it names, looked at in table order so that a contact is
	// known before its phones.
	alive := map[string]map[string]bool{}
	isAlive := func(table, id string) bool { return alive[table][id] }
	live := func(r *t3row) {
		if alive[r.table.name] == nil {
			alive[r.table.name] = map[string]bool{}
		}
		alive[r.table.name][r.id] = true
	}
	for _, ht := range hsdsTables {
		for _, r := range rows[ht.name] {
			switch {
			case ht.kind != "":
				live(r)
			case ht.link != nil:
				if rs.linkOwner(r, isAlive) {
					live(r)
				}
			default:
				if rs.rowOwners(r, isAlive) {
					live(r)
				}
			}
		}
	}

	// Build from the bottom up: metadata into attributes, attributes and
	// languages into phones, phones into contacts, and all into records.
	kids := map[ownerRef]map[string][]reflect.Value{}
	for i := len(hsdsTables) - 1; i >= 0; i-- {
		ht := hsdsTables[i]
		for _, r := range rows[ht.name] {
			if !alive[ht.name][r.id] {
				continue
			}
			mine := kids[ownerRef{ht.name, r.id}]
			for _, k := range ht.kids {
				vals := mine[k.table.name]
				if len(vals) == 0 {
					continue
				}
				s := reflect.MakeSlice(reflect.SliceOf(k.table.typ), 0, len(vals))
				s = reflect.Append(s, vals...)
				r.val.FieldByIndex(k.index).Set(s)
			}
			for _, o := range r.owners {
				m := kids[o]
				if m == nil {
					m = map[string][]reflect.Value{}
					kids[o] = m
				}
				m[ht.name] = append(m[ht.name], r.val)
			}
		}
	}
	for _, ht := range hsdsTables {
		if ht.kind == "" {
			continue
		}
		for _, r := range rows[ht.name] {
			tidy(r.val)
			rs.add(r.src, r.val.Addr().Interface().(resources.Record), false)
		}
	}
}

// rowKind is the kind a problem names for a row of table t: a stored kind, or
// the HSDS table name of a child ("phone").
func rowKind(t *hsdsTable) resources.Kind {
	if t.kind != "" {
		return t.kind
	}
	return resources.Kind(t.name)
}

// rowOwners finds the owners a child row names that are in the package and
// reports whether there is one.
func (rs *recordSet) rowOwners(r *t3row, alive func(table, id string) bool) bool {
	var missing, named []string
	for _, of := range r.table.owners {
		id := r.val.FieldByIndex(of.index).String()
		if id == "" {
			continue
		}
		named = append(named, of.col)
		if alive(of.owner, id) {
			r.owners = append(r.owners, ownerRef{of.owner, id})
		} else {
			missing = append(missing, fmt.Sprintf("%s %q", of.col, id))
		}
	}
	switch {
	case len(named) == 0:
		cols := make([]string, len(r.table.owners))
		for i, of := range r.table.owners {
			cols[i] = of.col
		}
		rs.reject(r.src, rowKind(r.table), r.id, "names no owner: one of %s is required", strings.Join(cols, ", "))
	case len(r.owners) == 0:
		rs.reject(r.src, rowKind(r.table), r.id, "points at nothing in this package: %s", strings.Join(missing, ", "))
	case len(missing) > 0:
		rs.warn(r.src, rowKind(r.table), r.id, "%s: not in this package; kept for its other owners", strings.Join(missing, ", "))
	}
	return len(r.owners) > 0
}

// linkOwner finds the row an attribute or metadata row points at.
func (rs *recordSet) linkOwner(r *t3row, alive func(table, id string) bool) bool {
	l := r.table.link
	id := r.val.FieldByIndex(l.id).String()
	given := r.val.FieldByIndex(l.entity).String()
	if id == "" {
		rs.reject(r.src, rowKind(r.table), r.id, "%s is required", l.idCol)
		return false
	}
	if ent := entityName(given); ent != "" && holds(ent, r.table.name) && alive(ent, id) {
		r.owners = []ownerRef{{ent, id}}
		return true
	}
	for _, ht := range hsdsTables {
		if holds(ht.name, r.table.name) && alive(ht.name, id) {
			r.owners = []ownerRef{{ht.name, id}}
			return true
		}
	}
	rs.reject(r.src, rowKind(r.table), r.id, "%s %q (%s %q) points at nothing in this package", l.idCol, id, l.entityCol, given)
	return false
}
