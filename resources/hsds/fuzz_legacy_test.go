package hsds

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/refer-project/refer/resources"
)

// The fuzzers feed the legacy readers arbitrary bytes: they must never
// panic, and every record they return must validate. A record that fails is
// caught twice: by Validate here, and by finish, which reports it as a
// "reader" problem instead of returning it; both fail the fuzzer.

// FuzzLegacyTimes checks the time parser and the schedule rules built on
// it: a time that parses is an HSDS time and parses to itself again, and any
// pair of values gives schedules that validate.
func FuzzLegacyTimes(f *testing.F) {
	for _, s := range []string{
		"9:00am", "12:30 PM", "9 a.m.", "noon", "midnight", "17:00", "0900", "830am", "24:00",
		"9:00a", "8:00m", "6:300pm", "12:00pm (dispensing)", "5:00pm Mon", "09:00-05:00", "09:00:30Z",
		"", "12", "1:5", "Monday", "7", "January 01, 0001", "12/24/15",
	} {
		f.Add(s, "5:00pm")
		f.Add("9:00", s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if out, ok := parseLegacyTime(a); ok {
			if _, err := resources.ParseClock(out); err != nil {
				t.Fatalf("parseLegacyTime(%q) = %q, which ParseClock refuses: %v", a, out, err)
			}
			if again, ok := parseLegacyTime(out); !ok || again != out {
				t.Fatalf("parseLegacyTime(%q) = %q, but that reads as %q, %v", a, out, again, ok)
			}
		}
		opens, closes, _, _ := legacyHours(a, b)
		day, okDay := legacyWeekday(a)
		if okDay && (day < 0 || day > 6) {
			t.Fatalf("legacyWeekday(%q) = %d", a, day)
		}
		rows := []legacyDayHours{{Day: day, Opens: opens, Closes: closes, Description: b}, {Day: 6, Opens: opens, Closes: closes}}
		var schedules []resources.Schedule
		for i, s := range legacyWeek(rows) {
			s.ID = DerivedID("fuzz", string(rune('a'+i)))
			schedules = append(schedules, legacySplitOvernight(s)...)
		}
		if date, yearly, ok := legacyDate(a); ok && !yearly {
			h := resources.Schedule{ID: "h", ValidFrom: date, ValidTo: date, OpensAt: opens, ClosesAt: closes}
			schedules = append(schedules, legacySplitOvernight(h)...)
		}
		svc := resources.Service{ID: "s", OrganizationID: "o", Name: "n", Status: "active", Schedules: schedules}
		if err := svc.Validate(); err != nil {
			t.Fatalf("hours %q–%q: %v", a, b, err)
		}
		legacyLanguage(a)
		legacyPlaceholderName([]string{a, b})
	})
}

// legacyFuzzChildren is one CSV header with the columns of every child
// table, so that one fuzzed file can stand for all of them.
const legacyFuzzChildren = "id,service_id,location_id,service_at_location_id,contact_id,organization_id,weekday,opens_at,closes_at,original_text,closed,start_date,end_date,number,extension,type,language,name,title,email,phone_areacode,phone_number,phone_extension,taxonomy_id,eligibility,address_1,city,state_province,postal_code,country," +
	"valid_from,valid_to,dtstart,timezone,until,count,interval,wkst,freq,byday,description,service_area,extent,extent_type,link_id,link_type,taxonomy_term_id,term,parent_id,taxonomy,resource_id,resource_type,source,document,payment,accessibility,details\n"

// legacyFuzzSeed adds the first lines of a shared data file, when there.
func legacyFuzzSeed(elem ...string) []byte {
	f, err := os.Open(filepath.Join(append([]string{"..", "..", "..", "shared", "data"}, elem...)...))
	if err != nil {
		return nil
	}
	defer f.Close()
	var buf bytes.Buffer
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 0; n < 12 && sc.Scan(); n++ {
		buf.Write(sc.Bytes())
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// legacyFuzzCheck fails on any record that does not validate and on any
// reader bug reported.
func legacyFuzzCheck(t *testing.T, d *Directory) {
	t.Helper()
	for _, r := range d.Records {
		if err := r.Validate(); err != nil {
			t.Fatalf("%s %q: %v", r.Kind(), r.RecordID(), err)
		}
	}
	for _, p := range d.Problems {
		if p.Source == "reader" {
			t.Fatalf("reader bug: %s", p)
		}
	}
}

func legacyFuzzFS(files map[string][]byte) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, b := range files {
		if b != nil {
			fsys[name] = &fstest.MapFile{Data: b}
		}
	}
	return fsys
}

func FuzzReadLegacy(f *testing.F) {
	f.Add(
		[]byte("id,organization_id,program_id,name,status,fees,taxonomy_ids\n1,1,,Pantry,,Free,\"A,B\"\n2,9,,Other,closed,,\n"),
		[]byte("id,organization_id,name,latitude,longitude\n1,1,Main - Site,25.7,-80.2\n2,2,Main - Other,91,0\n"),
		[]byte("id,name,description,url,year_incorporated\n1,Org,\\nDesc,www.x.org,1999\n"),
		[]byte(legacyFuzzChildren+"1,1,1,,,,Monday,9:00am,5:00,9-5\\nMon,true,12/24/15,1/1/0001,305-555-1212,x12,sms,\"en,es\",Spanish,Dr,a@b.c,305,1212,7,A,Everyone,1 Main,Miami,FL ,33136,"+
			",,,,,,,,,,,,,,,,,,,,,,,,,,,\n"),
	)
	f.Add(
		[]byte("id,organization_id,name\n1,1,S\n"),
		[]byte("id,organization_id,name\n1,1,L\n"),
		[]byte("id,name\n1,O\n"),
		[]byte(legacyFuzzChildren+"1,1,1,1,,1,,19:00,07:00,,,,,,,,,,,,,,,,,,,,,,"+
			"12/31/9999,9999-12-31,2020-01-01,-5,2021-01-01,3,2,MO,DAILY,\"1MO,-1FR\",Night,Area,\"{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates\"\":[[[0,0],[1,0],[1,1],[0,0]]]}\",geojson,1,service,1,Term,1,Vocab,1,service,City,ID,Cash,Ramp,Back\n"),
	)
	f.Add(
		legacyFuzzSeed("miami-211-hsds-1.1", "datapackage-1566177582", "data", "services.csv"),
		legacyFuzzSeed("miami-211-hsds-1.1", "datapackage-1566177582", "data", "locations.csv"),
		legacyFuzzSeed("miami-211-hsds-1.1", "datapackage-1566177582", "data", "organizations.csv"),
		legacyFuzzSeed("miami-211-hsds-1.1", "datapackage-1566177582", "data", "regular_schedules.csv"),
	)
	centroid := func(zip string) (float64, float64, bool) { return 25.7, -80.2, zip != "00000" }
	f.Fuzz(func(t *testing.T, services, locations, organizations, children []byte) {
		fsys := legacyFuzzFS(map[string][]byte{
			"services.csv": services, "locations.csv": locations, "organizations.csv": organizations,
			"services_at_location.csv": children, "regular_schedules.csv": children, "holiday_schedules.csv": children,
			"phones.csv": children, "contacts.csv": children, "languages.csv": children,
			"eligibility.csv": children, "services_taxonomy.csv": children, "taxonomy.csv": children,
			"physical_addresses.csv": children, "postal_addresses.csv": children, "schedules.csv": children,
			"service_areas.csv": children, "other_attributes.csv": children, "service_attributes.csv": children,
			"taxonomy_terms.csv": children, "funding.csv": children, "required_documents.csv": children,
			"payments_accepted.csv": children, "accessibility_for_disabilities.csv": children,
			"metadata.csv": children, "programs.csv": children,
		})
		d, err := readTabularLegacy(fsys, Options{Centroid: centroid})
		if err != nil {
			return
		}
		legacyFuzzCheck(t, d)
	})
}

func FuzzReadOhana(f *testing.F) {
	f.Add(
		[]byte("id,location_id,name,status,keywords,languages,service_areas,taxonomy_ids,accepted_payments\n1,1,Meals,,\"food, FOOD\",Spanish,San Mateo County,101,Cash\n"),
		[]byte("id,organization_id,name,latitude,longitude,virtual,languages,accessibility,email\n1,1,Main,37.5,-122.3,false,\"Spanish, Tagalog\",ramp,a@b.c\n2,5,Branch - N,,,true,,,\n"),
		[]byte("id,name,date_incorporated,funding_sources,accreditations\n1,Org,\"January 01, 1970\",\"City, County\",BBB\n"),
		[]byte(legacyFuzzChildren+"1,1,1,,,,1,9am,03:00,,false,\"January 01, 0001\",12/24/15,650 555-1212,4385,tty,,Ann,Dir,a@b.c,,,,101,,1 Main,Redwood City,CA,94063,\n"),
	)
	f.Add(
		legacyFuzzSeed("san-mateo-ohana", "sample-csv", "services.csv"),
		legacyFuzzSeed("san-mateo-ohana", "sample-csv", "locations.csv"),
		legacyFuzzSeed("san-mateo-ohana", "sample-csv", "organizations.csv"),
		legacyFuzzSeed("san-mateo-ohana", "sample-csv", "regular_schedules.csv"),
	)
	centroid := func(zip string) (float64, float64, bool) { return 37.5, -122.3, true }
	f.Fuzz(func(t *testing.T, services, locations, organizations, children []byte) {
		fsys := legacyFuzzFS(map[string][]byte{
			"services.csv": services, "locations.csv": locations, "organizations.csv": organizations,
			"regular_schedules.csv": children, "holiday_schedules.csv": children, "phones.csv": children,
			"contacts.csv": children, "addresses.csv": children, "mail_addresses.csv": children,
			"programs.csv": children, "taxonomy.csv": children,
		})
		d, err := readOhana(fsys, Options{Centroid: centroid})
		if err != nil {
			return
		}
		legacyFuzzCheck(t, d)
	})
}
