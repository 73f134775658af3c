package hsds

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/refer-project/refer/resources"
)

// hsds3Schema is the field list of each table of HSDS 3.0's tabular
// datapackage, trimmed from openreferral/specification@3.0 datapackage.json
// (Human Services Data Specification: an Open Referral resource,
// https://openreferral.org/, CC BY-SA 4.0): table name, file, "field:type"
// in HSDS's order, and "column:table" foreign keys. Formats (uuid, email,
// uri) are left out: refer does not hold its data to them (1.1 imports have
// numeric ids), and a package should not claim what its rows may break.
var hsds3Schema = []struct{ name, file, fields, fks string }{
	{"organization", "organizations.csv", "id:string name:string alternate_name:string description:string email:string website:string tax_status:string tax_id:string year_incorporated:number legal_status:string logo:string uri:string parent_organization_id:string", ""},
	{"program", "programs.csv", "id:string organization_id:string name:string alternate_name:string description:string", "organization_id:organization"},
	{"service", "services.csv", "id:string organization_id:string program_id:string name:string alternate_name:string description:string url:string email:string status:string interpretation_services:string application_process:string fees_description:string wait_time:string fees:string accreditations:string eligibility_description:string minimum_age:number maximum_age:number assured_date:date assurer_email:string licenses:string alert:string last_modified:datetime", "organization_id:organization program_id:program"},
	{"attribute", "attributes.csv", "id:string link_id:string taxonomy_term_id:string link_type:string link_entity:string value:string", "taxonomy_term_id:taxonomy_term"},
	{"service_at_location", "service_at_location.csv", "id:string service_id:string location_id:string description:string", "service_id:service location_id:location"},
	{"location", "locations.csv", "id:string location_type:string url:string organization_id:string name:string alternate_name:string description:string transportation:string latitude:number longitude:number external_identifier:string external_identifier_type:string", "organization_id:organization"},
	{"phone", "phones.csv", "id:string location_id:string service_id:string organization_id:string contact_id:string service_at_location_id:string number:string extension:number type:string description:string", "contact_id:contact location_id:location organization_id:organization service_id:service service_at_location_id:service_at_location"},
	{"contact", "contacts.csv", "id:string organization_id:string service_id:string service_at_location_id:string location_id:string name:string title:string department:string email:string", "location_id:location organization_id:organization service_id:service service_at_location_id:service_at_location"},
	{"address", "addresses.csv", "id:string location_id:string attention:string address_1:string address_2:string city:string region:string state_province:string postal_code:string country:string address_type:string", "location_id:location"},
	{"schedule", "schedules.csv", "id:string service_id:string location_id:string service_at_location_id:string valid_from:date valid_to:date dtstart:date timezone:number until:date count:number wkst:string freq:string interval:number byday:string byweekno:string bymonthday:string byyearday:string description:string opens_at:time closes_at:time schedule_link:string attending_type:string notes:string", "location_id:location service_id:service service_at_location_id:service_at_location"},
	{"funding", "funding.csv", "id:string organization_id:string service_id:string source:string", "organization_id:organization service_id:service"},
	{"service_area", "service_areas.csv", "id:string service_id:string name:string description:string extent:string extent_type:string uri:string", "service_id:service"},
	{"required_document", "required_documents.csv", "id:string service_id:string document:string uri:string", "service_id:service"},
	{"language", "languages.csv", "id:string service_id:string location_id:string phone_id:string name:string code:string note:string", "location_id:location phone_id:phone service_id:service"},
	{"accessibility", "accessibility.csv", "id:string location_id:string description:string details:string url:string", "location_id:location"},
	{"taxonomy_term", "taxonomy_terms.csv", "id:string code:string name:string description:string parent_id:string taxonomy:string language:string taxonomy_id:string term_uri:string", "taxonomy_id:taxonomy"},
	{"metadata", "metadata.csv", "id:string resource_id:string resource_type:string last_action_date:date last_action_type:string field_name:string previous_value:string replacement_value:string updated_by:string", ""},
	{"cost_option", "cost_options.csv", "id:string service_id:string valid_from:date valid_to:date option:string currency:string amount:number amount_description:string", "service_id:service"},
	{"organization_identifier", "organization_identifiers.csv", "id:string organization_id:string identifier_scheme:string identifier_type:string identifier:string", "organization_id:organization"},
	{"taxonomy", "taxonomies.csv", "id:string name:string description:string uri:string version:string", ""},
}

// extraFieldNotes describe the columns refer writes that HSDS's tables lack.
var extraFieldNotes = map[string]string{
	"last_modified":  "refer: when the record last changed (RFC 3339).",
	"assured_date":   "refer: the day someone confirmed the record was correct.",
	"geocode_source": "refer: where coordinates came from when the source had none (zip_centroid: approximate).",
}

// csvColumn is one column of an exported table: a field of the row's type
// (nil where HSDS has a field refer does not keep; the cell stays empty).
type csvColumn struct {
	name, typ, note string
	field           *scalarField
}

// csvLayout is one exported table.
type csvLayout struct {
	table *hsdsTable
	file  string
	cols  []csvColumn
	col   map[string]int
	fks   []string
}

// csvLayouts are the exported tables, in HSDS's order, each with HSDS's
// columns first and refer's extra ones after.
var csvLayouts = func() []*csvLayout {
	var out []*csvLayout
	for _, s := range hsds3Schema {
		ht := tableByName[s.name]
		l := &csvLayout{table: ht, file: s.file, col: map[string]int{}, fks: strings.Fields(s.fks)}
		for _, f := range strings.Fields(s.fields) {
			name, typ, _ := strings.Cut(f, ":")
			l.col[name] = len(l.cols)
			l.cols = append(l.cols, csvColumn{name: name, typ: typ, field: ht.byName[name]})
		}
		for i := range ht.fields {
			f := &ht.fields[i]
			if _, ok := l.col[f.name]; ok {
				continue
			}
			typ := map[fieldKind]string{fieldString: "string", fieldNumber: "number", fieldTime: "datetime"}[f.kind]
			if f.name == "assured_date" {
				typ = "date"
			}
			l.col[f.name] = len(l.cols)
			l.cols = append(l.cols, csvColumn{name: f.name, typ: typ, note: extraFieldNotes[f.name], field: f})
		}
		out = append(out, l)
	}
	return out
}()

var csvLayoutByTable = func() map[string]*csvLayout {
	m := map[string]*csvLayout{}
	for _, l := range csvLayouts {
		m[l.table.name] = l
	}
	return m
}()

// cells returns the row for v, a value of the layout's table.
func (l *csvLayout) cells(v reflect.Value) []string {
	row := make([]string, len(l.cols))
	for i, c := range l.cols {
		if c.field != nil {
			row[i] = formatCell(v, c.field)
		}
	}
	return row
}

// csvGroup is one child row's content and the owners that hold a copy of
// it.
type csvGroup struct {
	id     string
	seq    int
	cells  []string // with the owner columns empty
	owners []ownerRef
}

// csvExport gathers the rows of every table.
type csvExport struct {
	rows   map[string][][]string // stored tables
	groups map[string]map[string]*csvGroup
	order  map[string][]*csvGroup
	seq    int
}

// WriteCSV writes d as an HSDS 3.x tabular datapackage into dir (made if
// need be): datapackage.json and one CSV per table, HSDS's columns in
// HSDS's order, then refer's own (last_modified and assured_date where HSDS
// lacks them, locations.geocode_source). Rows are sorted by id.
//
// A child held by several owners (a phone under a service and under a
// location, as HSDS JSON nests it) is one row naming every owner, which is
// how HSDS's tabular form says it. Only when two copies with the same id
// differ, or two owners of one table hold it, are there several rows with
// that id. A child's own children (a contact's phones, a phone's
// languages) are rows naming it by id; reading them back gives them to
// every copy of it, so copies of one child that hold different children
// come back holding them all.
func WriteCSV(dir string, d *Directory) error {
	sink, err := folderSink(dir)
	if err != nil {
		return err
	}
	return writeCSVFiles(sink, d)
}

// WriteCSVSpreadsheetSafe writes what WriteCSV does, for people who open it
// in a spreadsheet: a cell that a spreadsheet would run as a formula (one
// starting with =, +, -, @, a tab or a carriage return, and not a number)
// starts with an apostrophe, which spreadsheets show as text. It is no
// longer a faithful copy: import WriteCSV's, not this.
func WriteCSVSpreadsheetSafe(dir string, d *Directory) error {
	sink, err := folderSink(dir)
	if err != nil {
		return err
	}
	return writeCSVFilesWith(sink, d, spreadsheetSafe)
}

// spreadsheetSafe is cell as a spreadsheet shows it as text.
func spreadsheetSafe(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if _, err := strconv.ParseFloat(cell, 64); err == nil {
		return cell // -80.19 is a number, not a formula
	}
	return "'" + cell
}

func writeCSVFiles(sink fileSink, d *Directory) error {
	return writeCSVFilesWith(sink, d, nil)
}

// writeCSVFilesWith writes the tables, each cell through cell when it is
// not nil.
func writeCSVFilesWith(sink fileSink, d *Directory, cell func(string) string) error {
	x := &csvExport{rows: map[string][][]string{}, groups: map[string]map[string]*csvGroup{}, order: map[string][]*csvGroup{}}
	byKind := map[resources.Kind][]resources.Record{}
	for _, r := range d.Records {
		byKind[r.Kind()] = append(byKind[r.Kind()], r)
	}
	for _, ht := range hsdsTables {
		if ht.kind == "" {
			continue
		}
		recs := byKind[ht.kind]
		slices.SortStableFunc(recs, func(a, b resources.Record) int { return cmp.Compare(a.RecordID(), b.RecordID()) })
		l := csvLayoutByTable[ht.name]
		for _, r := range recs {
			v := reflect.ValueOf(r).Elem()
			x.rows[ht.name] = append(x.rows[ht.name], l.cells(v))
			x.walk(v, ht, ownerRef{ht.name, r.RecordID()})
		}
	}
	for _, l := range csvLayouts {
		rows := x.rows[l.table.name]
		if l.table.kind == "" {
			rows = x.childRows(l)
		}
		if cell != nil {
			for _, r := range rows {
				for i := range r {
					r[i] = cell(r[i])
				}
			}
		}
		if err := writeCSVFile(sink, l, rows); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(datapackage(), "", "  ")
	if err != nil {
		return err
	}
	return sink("datapackage.json", func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// walk records every child of v (a row of table ht, held as own) and their
// children.
func (x *csvExport) walk(v reflect.Value, ht *hsdsTable, own ownerRef) {
	for _, k := range ht.kids {
		f := v.FieldByIndex(k.index)
		for i := 0; i < f.Len(); i++ {
			c := f.Index(i)
			id := x.child(k.table, c, own)
			x.walk(c, k.table, ownerRef{k.table.name, id})
		}
	}
}

// child records that own holds the child c, and returns its id.
func (x *csvExport) child(ht *hsdsTable, c reflect.Value, own ownerRef) string {
	l := csvLayoutByTable[ht.name]
	cells := l.cells(c)
	for _, of := range ht.owners {
		cells[l.col[of.col]] = ""
	}
	if ht.link != nil {
		cells[l.col[ht.link.idCol]] = ""
		cells[l.col[ht.link.entityCol]] = ""
	}
	id := c.FieldByIndex(ht.id).String()
	key, _ := json.Marshal(cells)
	m := x.groups[ht.name]
	if m == nil {
		m = map[string]*csvGroup{}
		x.groups[ht.name] = m
	}
	g := m[string(key)]
	if g == nil {
		x.seq++
		g = &csvGroup{id: id, seq: x.seq, cells: cells}
		m[string(key)] = g
		x.order[ht.name] = append(x.order[ht.name], g)
	}
	if !slices.Contains(g.owners, own) {
		g.owners = append(g.owners, own)
	}
	return id
}

// childRows packs each child's owners into as few rows as the owner columns
// allow, sorted by id.
func (x *csvExport) childRows(l *csvLayout) [][]string {
	ht := l.table
	groups := slices.Clone(x.order[ht.name])
	slices.SortStableFunc(groups, func(a, b *csvGroup) int { return cmp.Compare(a.id, b.id) })
	var out [][]string
	for _, g := range groups {
		var rows [][]string
		for _, o := range g.owners {
			if ht.link != nil {
				r := slices.Clone(g.cells)
				r[l.col[ht.link.idCol]] = o.id
				r[l.col[ht.link.entityCol]] = o.table
				rows = append(rows, r)
				continue
			}
			col := -1
			for _, of := range ht.owners {
				if of.owner == o.table {
					col = l.col[of.col]
				}
			}
			if col < 0 {
				continue // cannot happen: children are only held by their owner tables
			}
			placed := false
			for _, r := range rows {
				if r[col] == "" {
					r[col], placed = o.id, true
					break
				}
			}
			if !placed {
				r := slices.Clone(g.cells)
				r[col] = o.id
				rows = append(rows, r)
			}
		}
		out = append(out, rows...)
	}
	return out
}

func writeCSVFile(sink fileSink, l *csvLayout, rows [][]string) error {
	return sink(l.file, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		head := make([]string, len(l.cols))
		for i, c := range l.cols {
			head[i] = c.name
		}
		if err := cw.Write(head); err != nil {
			return err
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
		return cw.Error()
	})
}

// datapackage describes the exported tables (Frictionless Tabular Data
// Package, as HSDS's own datapackage.json).
func datapackage() any {
	type field struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Description string `json:"description,omitempty"`
	}
	type ref struct {
		Resource string `json:"resource"`
		Fields   string `json:"fields"`
	}
	type fk struct {
		Fields    string `json:"fields"`
		Reference ref    `json:"reference"`
	}
	type schema struct {
		Fields      []field `json:"fields"`
		PrimaryKey  string  `json:"primaryKey"`
		ForeignKeys []fk    `json:"foreignKeys,omitempty"`
	}
	type resource struct {
		Name      string `json:"name"`
		Path      string `json:"path"`
		Profile   string `json:"profile"`
		Format    string `json:"format"`
		Mediatype string `json:"mediatype"`
		Encoding  string `json:"encoding"`
		Schema    schema `json:"schema"`
	}
	var res []resource
	for _, l := range csvLayouts {
		r := resource{Name: l.table.name, Path: l.file, Profile: "tabular-data-resource",
			Format: "csv", Mediatype: "text/csv", Encoding: "utf-8", Schema: schema{PrimaryKey: "id"}}
		for _, c := range l.cols {
			r.Schema.Fields = append(r.Schema.Fields, field{c.name, c.typ, c.note})
		}
		for _, f := range l.fks {
			col, table, _ := strings.Cut(f, ":")
			r.Schema.ForeignKeys = append(r.Schema.ForeignKeys, fk{col, ref{table, "id"}})
		}
		res = append(res, r)
	}
	return struct {
		Name        string     `json:"name"`
		Title       string     `json:"title"`
		Description string     `json:"description"`
		Profile     string     `json:"profile"`
		Version     string     `json:"version"`
		Resources   []resource `json:"resources"`
	}{
		Name:  "human_services_data",
		Title: "Human Services Data Specification 3.0 tabular datapackage, exported by refer",
		Description: "A directory of community resources in HSDS 3.0's tabular form. Table and field definitions: " +
			"Human Services Data Specification, an Open Referral resource (https://openreferral.org/), CC BY-SA 4.0. " +
			"Fields described as \"refer:\" are additions.",
		Profile:   "tabular-data-package",
		Version:   "3.0.0",
		Resources: res,
	}
}
