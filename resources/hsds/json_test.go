package hsds

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// sharedData is the folder of real and reference data beside the project.
const sharedData = "../../../shared/data"

// needShared returns the path of p under shared/data, skipping the test when
// that folder is absent (a clone elsewhere).
func needShared(tb testing.TB, p string) string {
	tb.Helper()
	return fixture.SharedData(tb, p)
}

func readJSONFile(tb testing.TB, path string) *Directory {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	d, err := readJSON(f, filepath.Base(path), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func readJSONString(tb testing.TB, name, s string) *Directory {
	tb.Helper()
	d, err := readJSON(strings.NewReader(s), name, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// counts gives "kind:n" for each kind in d, sorted.
func counts(d *Directory) string {
	n := map[resources.Kind]int{}
	for _, r := range d.Records {
		n[r.Kind()]++
	}
	var parts []string
	for k, c := range n {
		parts = append(parts, string(k)+":"+itoa(c))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func rejected(d *Directory) []Problem {
	var out []Problem
	for _, p := range d.Problems {
		if p.Rejected {
			out = append(out, p)
		}
	}
	return out
}

func find[T resources.Record](tb testing.TB, d *Directory, id string) T {
	tb.Helper()
	for _, r := range d.Records {
		if t, ok := r.(T); ok && r.RecordID() == id {
			return t
		}
	}
	var zero T
	tb.Fatalf("no %T %q among %d records", zero, id, len(d.Records))
	return zero
}

// The ids of HSDS's examples.
const (
	exService  = "ac148810-d857-441c-9679-408f346de14b"
	exOrg      = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
	exProgram  = "e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42"
	exLocation = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
	exSAL      = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
	exTerm     = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
	exTaxonomy = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
	exPhone    = "1554f2e2-a373-45db-a3fa-9fc48a61c15e"
	exContact  = "1e7efce3-639b-4880-940c-b95cd30cdb50"
	exLanguage = "2989d3ed-c547-48f8-8f9d-432d81c7892e"
)

func TestReadJSONExamples(t *testing.T) {
	dir := needShared(t, "hsds-3.0-examples/examples")
	want := map[string]string{
		"service_full.json":             "location:1 organization:1 program:1 service:1 service_at_location:1 taxonomy:1 taxonomy_term:1",
		"service_list.json":             "organization:1 program:1 service:1",
		"organization_full.json":        "location:1 organization:1 program:1 service:1 service_at_location:1 taxonomy:1 taxonomy_term:1",
		"organization_list.json":        "organization:1",
		"service_at_location_full.json": "location:1 organization:1 program:1 service:1 service_at_location:1 taxonomy:1 taxonomy_term:1",
		"service_at_location_list.json": "location:1 organization:1 program:1 service:1 service_at_location:1",
		"location.json":                 "location:1",
		"taxonomy.json":                 "taxonomy:1",
		"taxonomy_list.json":            "taxonomy:1",
		"taxonomy_term.json":            "taxonomy:1 taxonomy_term:1",
		"taxonomy_term_list.json":       "taxonomy:1 taxonomy_term:1",
		"tabular.json":                  "location:1 organization:1 program:1 service:1 service_at_location:1 taxonomy:1 taxonomy_term:1",
		"base.json":                     "",
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != len(want) {
		t.Errorf("%d example files, want %d: update the table", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			d := readJSONFile(t, f)
			if got := counts(d); got != want[name] {
				t.Errorf("records: %s, want %s", got, want[name])
			}
			for _, p := range d.Problems {
				// tabular.json is the example package, whose attribute and
				// metadata rows point at ids that are nowhere.
				if p.Rejected && name != "tabular.json" {
					t.Errorf("rejected: %v", p)
				}
			}
			for _, r := range d.Records {
				if err := r.Validate(); err != nil {
					t.Errorf("%s %s: %v", r.Kind(), r.RecordID(), err)
				}
			}
		})
	}
}

func TestReadJSONServiceFull(t *testing.T) {
	d := readJSONFile(t, filepath.Join(needShared(t, "hsds-3.0-examples/examples"), "service_full.json"))
	s := find[*resources.Service](t, d, exService)
	if s.OrganizationID != exOrg || s.ProgramID != exProgram {
		t.Errorf("service organization_id %q program_id %q", s.OrganizationID, s.ProgramID)
	}
	if s.Organization != nil || s.Program != nil || s.ServiceAtLocations != nil {
		t.Error("service keeps nested full-view fields")
	}
	if len(s.Phones) != 1 || s.Phones[0].ServiceID != exService || s.Phones[0].LocationID != "" {
		t.Errorf("service phones: %+v", s.Phones)
	}
	if p := s.Phones[0]; len(p.Languages) != 1 || p.Languages[0].PhoneID != exPhone || p.Languages[0].ServiceID != "" {
		t.Errorf("phone languages: %+v", p.Languages)
	}
	if len(s.Contacts) != 1 || s.Contacts[0].ServiceID != exService || s.Contacts[0].Phones[0].ContactID != exContact {
		t.Errorf("service contacts: %+v", s.Contacts)
	}
	if len(s.Attributes) != 1 {
		t.Fatalf("attributes: %+v", s.Attributes)
	}
	a := s.Attributes[0]
	if a.TaxonomyTermID != exTerm || a.TaxonomyTerm != nil || a.LinkID != exService || a.LinkEntity != "service" {
		t.Errorf("attribute: %+v", a)
	}
	if s.Metadata[0].ResourceID != exService || s.Metadata[0].ResourceType != "service" {
		t.Errorf("metadata: %+v", s.Metadata)
	}
	if s.LastModified == nil || s.LastModified.Nanosecond() != 123e6 {
		t.Errorf("last_modified %v", s.LastModified)
	}
	// The example's extent is the word "extent": dropped, with a warning.
	if len(s.ServiceAreas) != 1 || s.ServiceAreas[0].Extent != "" || s.ServiceAreas[0].ServiceID != exService {
		t.Errorf("service areas: %+v", s.ServiceAreas)
	}

	sal := find[*resources.ServiceAtLocation](t, d, exSAL)
	if sal.ServiceID != exService || sal.LocationID != exLocation || sal.Location != nil {
		t.Errorf("service_at_location: service_id %q location_id %q", sal.ServiceID, sal.LocationID)
	}
	if len(sal.Phones) != 1 || sal.Phones[0].ServiceAtLocationID != exSAL {
		t.Errorf("service_at_location phones: %+v", sal.Phones)
	}

	// The location is nested in the organization and in the
	// service_at_location; the organization's nesting says its owner.
	loc := find[*resources.Location](t, d, exLocation)
	if loc.OrganizationID != exOrg {
		t.Errorf("location organization_id %q", loc.OrganizationID)
	}
	// latitude 100 is out of range: the example's coordinates are dropped.
	if loc.Latitude != nil || loc.Longitude != nil {
		t.Errorf("location keeps impossible coordinates %v, %v", *loc.Latitude, *loc.Longitude)
	}
	if len(loc.Accessibility) != 1 || loc.Accessibility[0].LocationID != exLocation {
		t.Errorf("accessibility: %+v", loc.Accessibility)
	}

	prog := find[*resources.Program](t, d, exProgram)
	if prog.OrganizationID != exOrg {
		t.Errorf("program organization_id %q", prog.OrganizationID)
	}
	org := find[*resources.Organization](t, d, exOrg)
	if org.Locations != nil || org.Programs != nil || len(org.Funding) != 1 || org.Funding[0].OrganizationID != exOrg {
		t.Errorf("organization: %+v", org)
	}
	term := find[*resources.TaxonomyTerm](t, d, exTerm)
	if term.TaxonomyID != exTaxonomy || term.TaxonomyDetail != nil || term.Code != "code" {
		t.Errorf("term: %+v", term)
	}
	find[*resources.Taxonomy](t, d, exTaxonomy)

	var warned []string
	for _, p := range d.Problems {
		warned = append(warned, p.String())
	}
	for _, w := range []string{"coordinates dropped", "extent dropped", `link_entity is "link_entity"`, `resource_type is "location"`} {
		if !strings.Contains(strings.Join(warned, "\n"), w) {
			t.Errorf("no warning with %q among:\n%s", w, strings.Join(warned, "\n"))
		}
	}
}

// A location nested only in a service_at_location takes the organization
// of the service; one that also appears with its own organization keeps
// that one, without a warning.
func TestReadJSONLocationOrganization(t *testing.T) {
	const in = `[
	 {"id":"s1","name":"Food","status":"active","organization":{"id":"o1","name":"Org 1"},
	  "service_at_locations":[{"id":"sal1","location":{"id":"l1","location_type":"physical","name":"Hall"}}]},
	 {"id":"s2","name":"Clothes","status":"active","organization":{"id":"o2","name":"Org 2"},
	  "service_at_locations":[{"id":"sal2","location":{"id":"l1","location_type":"physical","name":"Hall"}},
	                          {"id":"sal3","location":{"id":"l2","location_type":"physical","name":"Shop"}}]},
	 {"id":"o3","name":"Org 3","locations":[{"id":"l2","location_type":"physical","name":"Shop"}]}
	]`
	d := readJSONString(t, "services.json", in)
	if l := find[*resources.Location](t, d, "l1"); l.OrganizationID != "o1" {
		t.Errorf("l1 organization %q, want o1 (the first service's)", l.OrganizationID)
	}
	if l := find[*resources.Location](t, d, "l2"); l.OrganizationID != "o3" {
		t.Errorf("l2 organization %q, want o3 (the one that lists it)", l.OrganizationID)
	}
	if len(d.Problems) != 0 {
		t.Errorf("problems: %v", d.Problems)
	}
	if got := counts(d); got != "location:2 organization:3 service:2 service_at_location:3" {
		t.Errorf("records: %s", got)
	}
}

func TestReadJSONDuplicates(t *testing.T) {
	const in = `[
	 {"id":"s1","name":"A","status":"active","organization":{"id":"o1","name":"Org","description":"first"}},
	 {"id":"s2","name":"B","status":"active","organization":{"id":"o1","name":"Org","description":"first"}},
	 {"id":"s3","name":"C","status":"active","organization":{"id":"o1","name":"Org","description":"second"}}
	]`
	d := readJSONString(t, "dup.json", in)
	if got := counts(d); got != "organization:1 service:3" {
		t.Errorf("records: %s", got)
	}
	if o := find[*resources.Organization](t, d, "o1"); o.Description != "first" {
		t.Errorf("kept %q, want the first copy", o.Description)
	}
	if len(d.Problems) != 1 || d.Problems[0].Rejected || d.Problems[0].Source != "dup.json:4" ||
		!strings.Contains(d.Problems[0].Reason, "description") {
		t.Errorf("problems: %v", d.Problems)
	}
}

func TestReadJSONShapes(t *testing.T) {
	tests := []struct {
		name, file, in, want string
	}{
		{"array of organizations", "orgs.json", `[{"id":"o1","name":"A","description":"x"},{"id":"o2","name":"B","email":"b@example.org"}]`, "organization:2"},
		{"JSON lines", "x.json", "{\"id\":\"o1\",\"name\":\"A\",\"website\":\"http://a\"}\n{\"id\":\"s1\",\"name\":\"S\",\"status\":\"active\",\"organization_id\":\"o1\"}\n", "organization:1 service:1"},
		{"page of services", "x.json", `{"total_items":1,"total_pages":1,"page_number":1,"size":1,"first_page":true,"last_page":true,"empty":false,"contents":[{"id":"s1","name":"S","status":"active","organization_id":"o1"}]}`, "service:1"},
		{"empty page", "x.json", `{"total_items":0,"contents":[]}`, ""},
		{"ambiguous, by file name", "taxonomies.json", `[{"id":"t1","name":"AIRS","description":"x"}]`, "taxonomy:1"},
		{"ambiguous terms, by file name", "taxonomy_terms.json", `[{"id":"t1","name":"Food","description":"x"}]`, "taxonomy_term:1"},
		{"ambiguous, by the rest of the list", "x.json", `[{"id":"t1","name":"A","description":"x"},{"id":"t2","name":"B","version":"2"},{"id":"t3","name":"C","version":"1"}]`, "taxonomy:3"},
		{"ambiguous alone", "x.json", `{"id":"o1","name":"A","description":"x"}`, "organization:1"},
		{"program", "x.json", `{"id":"p1","organization_id":"o1","name":"P","description":"x"}`, "program:1"},
		{"service_at_location by keys", "x.json", `{"id":"sal1","service_id":"s1","location_id":"l1"}`, "service_at_location:1"},
		{"location", "x.json", `{"id":"l1","location_type":"virtual","url":"http://x"}`, "location:1"},
		{"byte order mark", "x.json", "\ufeff{\"id\":\"l1\",\"location_type\":\"virtual\"}", "location:1"},
		{"service nested in organization", "x.json", `{"id":"o1","name":"A","services":[{"id":"s1","name":"S","status":"active"}],"programs":[{"id":"p1","name":"P"}]}`, "organization:1 program:1 service:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := readJSONString(t, tt.file, tt.in)
			if got := counts(d); got != tt.want {
				t.Errorf("records: %q, want %q; problems %v", got, tt.want, d.Problems)
			}
			if r := rejected(d); len(r) > 0 {
				t.Errorf("rejected: %v", r)
			}
		})
	}
}

func TestReadJSONNestedFKs(t *testing.T) {
	d := readJSONString(t, "x.json", `{"id":"o1","name":"A","services":[{"id":"s1","name":"S","status":"active"}],"programs":[{"id":"p1","name":"P"}],"locations":[{"id":"l1","location_type":"physical"}]}`)
	if s := find[*resources.Service](t, d, "s1"); s.OrganizationID != "o1" {
		t.Errorf("service organization_id %q", s.OrganizationID)
	}
	if p := find[*resources.Program](t, d, "p1"); p.OrganizationID != "o1" {
		t.Errorf("program organization_id %q", p.OrganizationID)
	}
	if l := find[*resources.Location](t, d, "l1"); l.OrganizationID != "o1" {
		t.Errorf("location organization_id %q", l.OrganizationID)
	}
}

// Records and children without ids get ids made from what identifies them,
// the same on every read.
func TestReadJSONDerivedIDs(t *testing.T) {
	const in = `{"name":"Food pantry","status":"active",
	  "organization":{"name":"Helping Hands"},
	  "phones":[{"number":"555-0100"},{"number":"555-0101"}],
	  "attributes":[{"taxonomy_term":{"code":"BD-1800.2000","name":"Food Pantries","taxonomy":"AIRS"}}],
	  "service_at_locations":[{"location":{"location_type":"physical","name":"Hall","addresses":[{"address_1":"1 Main St","city":"Miami","state_province":"FL","postal_code":"33101","country":"US","address_type":"physical"}]}}]}`
	a := readJSONString(t, "x.json", in)
	b := readJSONString(t, "y.json", in)
	if r := rejected(a); len(r) > 0 {
		t.Fatalf("rejected: %v", r)
	}
	if got := counts(a); got != "location:1 organization:1 service:1 service_at_location:1 taxonomy_term:1" {
		t.Errorf("records: %s", got)
	}
	ids := func(d *Directory) []string {
		var out []string
		for _, r := range d.Records {
			out = append(out, string(r.Kind())+" "+r.RecordID())
			if s, ok := r.(*resources.Service); ok {
				for _, p := range s.Phones {
					out = append(out, "phone "+p.ID)
				}
			}
		}
		return out
	}
	ia, ib := ids(a), ids(b)
	if strings.Join(ia, ",") != strings.Join(ib, ",") {
		t.Errorf("ids differ between reads:\n%v\n%v", ia, ib)
	}
	var s *resources.Service
	for _, r := range a.Records {
		if x, ok := r.(*resources.Service); ok {
			s = x
		}
	}
	org := find[*resources.Organization](t, a, s.OrganizationID)
	if org.ID != DerivedID("organization", "Helping Hands") {
		t.Errorf("organization id %q", org.ID)
	}
	if len(s.Phones) != 2 || s.Phones[0].ID == "" || s.Phones[0].ID == s.Phones[1].ID {
		t.Errorf("phones: %+v", s.Phones)
	}
}

func TestReadJSONLenient(t *testing.T) {
	d := readJSONString(t, "x.json", `{"id":12,"name":"S","status":"active","organization_id":7,
	  "minimum_age":"12","maximum_age":" 65 ","last_modified":"2024-02-01",
	  "phones":[{"id":1,"number":5550100,"extension":"101"}]}`)
	if r := rejected(d); len(r) > 0 {
		t.Fatalf("rejected: %v", r)
	}
	s := find[*resources.Service](t, d, "12")
	if s.OrganizationID != "7" || *s.MinimumAge != 12 || *s.MaximumAge != 65 || s.LastModified.Format("2006-01-02T15:04:05Z07:00") != "2024-02-01T00:00:00Z" {
		t.Errorf("service: %+v", s)
	}
	if p := s.Phones[0]; p.ID != "1" || p.Number != "5550100" || *p.Extension != 101 {
		t.Errorf("phone: %+v", p)
	}
}

func TestReadJSONBad(t *testing.T) {
	tests := []struct {
		name, in string
		err      string // in the error, when the whole input fails
		field    string // in the reason of the one rejected problem
		source   string
	}{
		{name: "truncated", in: "[\n {\"id\":\"s1\",\n  \"name\":\"S\"", err: "x.json: malformed JSON at line 3"},
		{name: "syntax", in: "{\n\"id\": \"s1\",\n\"name\": \"S\" \"status\": \"active\"}", err: "line 3, column 13 (byte 26)"},
		{name: "empty", in: "  \n", err: "holds no JSON"},
		{name: "scalar", in: `"hello"`, err: "is a JSON string"},
		{name: "object where text belongs", in: `[{"id":"s1","name":{"en":"Food"},"status":"active","organization_id":"o1"}]`, field: "name:", source: "x.json:1"},
		{name: "word where a number belongs", in: "[\n{\"id\":\"s1\",\"name\":\"S\",\"status\":\"active\",\"organization_id\":\"o1\",\"minimum_age\":\"twelve\"}]", field: "minimum_age", source: "x.json:2"},
		{name: "boolean where a number belongs", in: `{"id":"l1","location_type":"physical","latitude":true,"longitude":1}`, field: "latitude"},
		{name: "list where an object belongs", in: `{"id":"s1","name":"S","status":"active","organization":[1]}`, field: "organization"},
		{name: "service without name", in: `{"id":"s1","status":"active","organization_id":"o1"}`, field: "name: is required"},
		{name: "service without status", in: `{"id":"s1","name":"S","status":"open","organization_id":"o1"}`, field: "status"},
		{name: "bad time", in: `{"id":"s1","name":"S","status":"active","organization_id":"o1","last_modified":"yesterday"}`, field: "last_modified"},
		{name: "element not an object", in: `[{"id":"o1","name":"A","email":"a@b"}, 42]`, field: "number where a record", source: "x.json:1"},
		{name: "bad id", in: `{"id":"a/b","name":"A","email":"a@b"}`, field: "id: contains"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := readJSON(strings.NewReader(tt.in), "x.json", Options{})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one with %q", err, tt.err)
				}
				if resources.ErrorCode(err) != resources.EINVALID {
					t.Errorf("code %q", resources.ErrorCode(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := rejected(d)
			if len(r) != 1 || !strings.Contains(r[0].Reason, tt.field) {
				t.Fatalf("rejected %v, want one naming %q", r, tt.field)
			}
			if tt.source != "" && r[0].Source != tt.source {
				t.Errorf("source %q, want %q", r[0].Source, tt.source)
			}
			for _, rec := range d.Records {
				if rec.Kind() == r[0].Kind && rec.RecordID() == r[0].ID {
					t.Errorf("rejected record returned too")
				}
			}
		})
	}
}

func TestReadJSONCentroid(t *testing.T) {
	opts := Options{Centroid: func(zip string) (float64, float64, bool) {
		if zip == "33101" {
			return 25.77, -80.19, true
		}
		return 0, 0, false
	}}
	const in = `[{"id":"l1","location_type":"physical","addresses":[{"id":"a1","address_1":"1 Main","city":"Miami","state_province":"FL","postal_code":"33101-1234","country":"US","address_type":"physical"}]},
	 {"id":"l2","location_type":"physical","latitude":1,"longitude":2,"addresses":[{"id":"a2","address_1":"1 Main","city":"Miami","state_province":"FL","postal_code":"33101","country":"US","address_type":"physical"}]}]`
	d, err := readJSON(strings.NewReader(in), "x.json", opts)
	if err != nil {
		t.Fatal(err)
	}
	l1 := find[*resources.Location](t, d, "l1")
	if l1.Latitude == nil || *l1.Latitude != 25.77 || l1.GeocodeSource != resources.GeocodeZIPCentroid {
		t.Errorf("l1: %v %q", l1.Latitude, l1.GeocodeSource)
	}
	if l2 := find[*resources.Location](t, d, "l2"); *l2.Latitude != 1 || l2.GeocodeSource != "" {
		t.Errorf("l2 was moved")
	}
	if len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Reason, "1 location(s)") {
		t.Errorf("problems: %v", d.Problems)
	}
}

// TestReadJSONParallelSameAsOneByOne reads a long list (decoded on several
// goroutines) and checks that records and problems, with their lines, come
// out as reading it one object at a time gives them.
func TestReadJSONParallelSameAsOneByOne(t *testing.T) {
	var b strings.Builder
	b.WriteString("[\n")
	for i := range 3 * inOrderMin {
		if i > 0 {
			b.WriteString(",\n")
		}
		switch i % 7 {
		case 0:
			fmt.Fprintf(&b, `{"id": "s%d", "organization_id": "o%d", "name": "Service %d", "status": "active", "minimum_age": "x%d"}`, i, i%5, i, i)
		case 1:
			b.WriteString(`"not a record"`)
		case 2:
			fmt.Fprintf(&b, "{\n  \"id\": \"o%d\",\n  \"name\": \"Org %d\"\n}", i%5, i%5) // met again: one record
		case 3:
			fmt.Fprintf(&b, `{"id": "l%d", "name": " Place %d ", "latitude": 25.7, "longitude": "-80.2"}`, i, i)
		case 5:
			// repaired (coordinates dropped), and one in three rejected
			// by validation (no name)
			name := fmt.Sprintf("Place %d", i)
			if i%3 == 0 {
				name = ""
			}
			fmt.Fprintf(&b, `{"id": "l%d", "name": %q, "latitude": 125.7, "longitude": -80.2}`, i, name)
		default:
			fmt.Fprintf(&b, `{"id": "s%d", "organization_id": "o%d", "name": "Service %d", "status": "active", "service_at_locations": [{"id": "sal%d", "location_id": "l3"}]}`, i, i%5, i, i)
		}
	}
	b.WriteString("\n]\n")
	read := func(procs int) *Directory {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		d, err := readJSON(strings.NewReader(b.String()), "list.json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	one, many := read(1), read(4)
	if len(one.Records) < inOrderMin || len(one.Problems) == 0 {
		t.Fatalf("%d records, %d problems: the list does not test much", len(one.Records), len(one.Problems))
	}
	if !reflect.DeepEqual(one, many) {
		t.Errorf("read on 4 goroutines differs from one by one:\n%d records, %d problems\n%d records, %d problems",
			len(one.Records), len(one.Problems), len(many.Records), len(many.Problems))
	}
}
