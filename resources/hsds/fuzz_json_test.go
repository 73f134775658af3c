package hsds

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// memSink keeps exported files in memory, so fuzzing can round-trip every
// input without touching the disk.
type memSink map[string][]byte

func (m memSink) put(name string, write func(io.Writer) error) error {
	if write == nil {
		delete(m, name)
		return nil
	}
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	m[name] = b.Bytes()
	return nil
}

// checkDirectory checks what a reader returned: every record valid, and
// both exports read back the same records without a problem.
func checkDirectory(t *testing.T, d *Directory) {
	t.Helper()
	for _, r := range d.Records {
		if err := r.Validate(); err != nil {
			t.Fatalf("returned an invalid %s: %v", r.Kind(), err)
		}
	}

	js := memSink{}
	if err := writeJSONFiles(js.put, d); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	names := make([]string, 0, len(js))
	for name := range js {
		names = append(names, name)
	}
	slices.Sort(names)
	back := &Directory{}
	seen := map[recordKey]bool{}
	for _, name := range names {
		e, err := readJSON(bytes.NewReader(js[name]), name, Options{})
		if err != nil {
			t.Fatalf("reading exported %s: %v", name, err)
		}
		for _, p := range e.Problems {
			t.Fatalf("reading exported %s: %v\n%s", name, p, js[name])
		}
		for _, r := range e.Records {
			if k := (recordKey{r.Kind(), r.RecordID()}); !seen[k] {
				seen[k] = true
				back.Records = append(back.Records, r)
			}
		}
	}
	sameRecords(t, "JSON round trip", d, back)

	cs := memSink{}
	if err := writeCSVFiles(cs.put, d); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	fsys := fstest.MapFS{}
	for name, b := range cs {
		fsys[name] = &fstest.MapFile{Data: b}
	}
	back, err := readTabular3(fsys, Options{})
	if err != nil {
		t.Fatalf("reading the CSV export: %v", err)
	}
	for _, p := range back.Problems {
		t.Fatalf("reading the CSV export: %v", p)
	}
	sameRecords(t, "CSV round trip", d, back)
}

func FuzzReadJSON(f *testing.F) {
	if files, _ := filepath.Glob(filepath.Join(sharedData, "hsds-3.0-examples/examples/*.json")); len(files) > 0 {
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	for _, s := range []string{
		`[{"id":"s1","name":"A, \"b\"\r\nc","status":"active","organization":{"id":"o1","name":"O"},"phones":[{"number":"1","languages":[{"name":"es"}]}],"service_at_locations":[{"location":{"location_type":"physical","latitude":"25.5","longitude":-80}}]}]`,
		`{"contents":[{"id":1,"name":"x","version":2}]}`,
		`{"services.csv":[{"id":"s1","organization_id":"o1","name":"S","status":"active"}],"organizations.csv":[{"id":"o1","name":"O"}]}`,
		"{\"id\":\"o\",\"name\":\"n\"}\n{\"id\":\"t\",\"code\":\"c\",\"name\":\"t\",\"taxonomy_detail\":{\"name\":\"x\"}}",
		`[{"id":"l1","location_type":"virtual","attributes":[{"taxonomy_term":{"name":"a"},"metadata":[{"field_name":"x"}]}]}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := readJSON(bytes.NewReader(b), "fuzz.json", Options{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("error does not name the source: %v", err)
			}
			return
		}
		checkDirectory(t, d)
	})
}

func FuzzReadTabular3(f *testing.F) {
	files := []string{"organizations.csv", "services.csv", "locations.csv", "service_at_location.csv", "phones.csv", "contacts.csv", "attributes.csv", "taxonomy_terms.csv"}
	seed := func(get func(string) string) {
		f.Add(get(files[0]), get(files[1]), get(files[2]), get(files[3]), get(files[4]), get(files[5]), get(files[6]), get(files[7]))
	}
	if _, err := os.Stat(filepath.Join(sharedData, "hsds-3.0-examples/examples/csv")); err == nil {
		seed(func(name string) string {
			b, _ := os.ReadFile(filepath.Join(sharedData, "hsds-3.0-examples/examples/csv", name))
			return string(b)
		})
	}
	small := map[string]string{
		"organizations.csv":       "id,name,year_incorporated,last_modified\no1,\"Org, Inc.\",1999,2024-01-02T03:04:05.5Z\n",
		"services.csv":            "id,organization_id,name,status,minimum_age\ns1,o1,\"Food\n\"\"hot\"\"\",active,3\n",
		"locations.csv":           "id,location_type,latitude,longitude,geocode_source\nl1,physical,25.1,-80.2,zip_centroid\n",
		"service_at_location.csv": "id,service_id,location_id\nsal1,s1,l1\n",
		"phones.csv":              "id,service_id,location_id,contact_id,number,extension\np1,s1,l1,c1,555,12\n,s1,,,556,\n",
		"contacts.csv":            "id,service_id,location_id,name\nc1,s1,l1,Ann\n",
		"attributes.csv":          "id,link_id,link_entity,taxonomy_term_id\na1,p1,phone,t1\na2,s1,,t1\n",
		"taxonomy_terms.csv":      "id,name,parent_id\nt1,Food,\nt2,Pantry,t1\n",
	}
	seed(func(name string) string { return small[name] })
	f.Fuzz(func(t *testing.T, org, svc, loc, sal, phone, contact, attr, term string) {
		fsys := fstest.MapFS{}
		for i, s := range []string{org, svc, loc, sal, phone, contact, attr, term} {
			fsys[files[i]] = &fstest.MapFile{Data: []byte(s)}
		}
		d, err := readTabular3(fsys, Options{})
		if err != nil {
			return
		}
		checkDirectory(t, d)
	})
}

// FuzzClassifyJSON: classifyJSON, which looks keys up in a set of bits
// without copying them, says what classifyByMap (the map of every key it
// replaced) says, for any object: keys escaped, repeated, null, in any
// case, ".csv" or not.
func FuzzClassifyJSON(f *testing.F) {
	for _, s := range []string{
		`{"id": "s1", "status": "active"}`,
		`{"contents": null, "id": "x", "location_type": "physical"}`,
		`{"services.CSV": [], "organizations.csv": []}`,
		`{"\u0069d": "o1", "na\u006de": "A", "email": null, "email": "a@b.org"}`,
		`{"service_id": "s", "location_id": "l", "service_id": null}`,
		`{"openapi_url": "x", "version": "3.0", "x.cſv": 1, "y.Csv": 2}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		b = bytes.TrimSpace(b)
		if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
			return
		}
		kind, sure := classifyJSON(b)
		wantKind, wantSure := classifyByMap(b)
		if kind != wantKind || sure != wantSure {
			t.Fatalf("%s: classifyJSON says %s (%v), by a map of its keys %s (%v)", b, kind, sure, wantKind, wantSure)
		}
	})
}

// classifyByMap is classifyJSON as it was, with a map of every key.
func classifyByMap(raw []byte) (string, bool) {
	m := map[string]bool{}
	csvKeys := false
	for _, p := range (&jsonReader{}).parts(raw, 0) {
		m[p.key] = string(p.raw) != "null"
		csvKeys = csvKeys || strings.HasSuffix(strings.ToLower(p.key), ".csv")
	}
	has := func(keys ...string) bool {
		return slices.ContainsFunc(keys, func(k string) bool { return m[k] })
	}
	switch {
	case has("contents"):
		return "page", true
	case !has("id", "name") && csvKeys:
		return "tabular", true
	case !has("id") && has("openapi_url"):
		return "root", true
	case has("service", "location") || has("service_id") && has("location_id"):
		return "service_at_location", true
	case has("location_type", "latitude", "longitude", "addresses", "accessibility",
		"transportation", "external_identifier", "external_identifier_type"):
		return "location", true
	case has("status", "service_at_locations", "program", "program_id", "service_areas",
		"cost_options", "required_documents", "eligibility_description", "minimum_age",
		"maximum_age", "interpretation_services", "application_process", "fees_description",
		"fees", "wait_time", "accreditations", "licenses", "alert", "assurer_email", "organization"):
		return "service", true
	case has("code", "taxonomy_detail", "parent_id", "taxonomy_id", "term_uri", "taxonomy", "language"):
		return "taxonomy_term", true
	case has("organization_id"):
		return "program", true
	case has("alternate_name", "email", "website", "tax_status", "tax_id", "year_incorporated",
		"legal_status", "logo", "parent_organization_id", "funding", "contacts", "phones",
		"locations", "programs", "services", "organization_identifiers", "attributes"):
		return "organization", true
	case has("version"):
		return "taxonomy", true
	}
	return "organization", false
}
