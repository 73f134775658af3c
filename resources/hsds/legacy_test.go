package hsds

import (
	"cmp"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// legacySharedData returns a folder under the shared test data
// (/work/shared/data, three levels up from this package), or skips.
func legacySharedData(tb testing.TB, elem ...string) string {
	tb.Helper()
	return fixture.SharedData(tb, elem...)
}

const legacyMiami = "miami-211-hsds-1.1/datapackage-1566177582"

// legacyCSV reads a CSV file of the shared data as maps, for expectations
// computed independently of the reader.
func legacyCSV(tb testing.TB, file string) []map[string]string {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	all, err := r.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range all[1:] {
		m := map[string]string{}
		for i, h := range all[0] {
			if i < len(rec) {
				m[h] = strings.TrimSpace(rec[i])
			}
		}
		out = append(out, m)
	}
	return out
}

// legacyByKind splits a directory's records by kind, indexed by id.
type legacyByKind struct {
	orgs      map[string]*resources.Organization
	services  map[string]*resources.Service
	locations map[string]*resources.Location
	sals      map[string]*resources.ServiceAtLocation
	terms     map[string]*resources.TaxonomyTerm
	taxes     map[string]*resources.Taxonomy
	programs  map[string]*resources.Program
}

func legacyIndex(tb testing.TB, d *Directory) legacyByKind {
	tb.Helper()
	x := legacyByKind{
		orgs: map[string]*resources.Organization{}, services: map[string]*resources.Service{},
		locations: map[string]*resources.Location{}, sals: map[string]*resources.ServiceAtLocation{},
		terms: map[string]*resources.TaxonomyTerm{}, taxes: map[string]*resources.Taxonomy{},
		programs: map[string]*resources.Program{},
	}
	add := func(m any, id string) {
		if reflect.ValueOf(m).MapIndex(reflect.ValueOf(id)).IsValid() {
			tb.Errorf("id %q appears twice", id)
		}
	}
	for _, r := range d.Records {
		switch r := r.(type) {
		case *resources.Organization:
			add(x.orgs, r.ID)
			x.orgs[r.ID] = r
		case *resources.Service:
			add(x.services, r.ID)
			x.services[r.ID] = r
		case *resources.Location:
			add(x.locations, r.ID)
			x.locations[r.ID] = r
		case *resources.ServiceAtLocation:
			add(x.sals, r.ID)
			x.sals[r.ID] = r
		case *resources.TaxonomyTerm:
			add(x.terms, r.ID)
			x.terms[r.ID] = r
		case *resources.Taxonomy:
			add(x.taxes, r.ID)
			x.taxes[r.ID] = r
		case *resources.Program:
			add(x.programs, r.ID)
			x.programs[r.ID] = r
		default:
			tb.Fatalf("unexpected record %T", r)
		}
	}
	return x
}

// legacyCheckDirectory asserts what every reader's output must hold: every
// record validates, no reader bug was reported, every reference points at a
// record of the directory, and child ids are unique per HSDS 3.0 table.
func legacyCheckDirectory(tb testing.TB, d *Directory) legacyByKind {
	tb.Helper()
	for _, r := range d.Records {
		if err := r.Validate(); err != nil {
			tb.Errorf("%s %s: %v", r.Kind(), r.RecordID(), err)
		}
	}
	for _, p := range d.Problems {
		if p.Source == "reader" {
			tb.Errorf("reader bug: %s", p)
		}
	}
	x := legacyIndex(tb, d)
	have := func(k resources.Kind, id string) bool {
		switch k {
		case resources.KindOrganization:
			return x.orgs[id] != nil
		case resources.KindService:
			return x.services[id] != nil
		case resources.KindLocation:
			return x.locations[id] != nil
		case resources.KindTaxonomyTerm:
			return x.terms[id] != nil
		case resources.KindTaxonomy:
			return x.taxes[id] != nil
		case resources.KindProgram:
			return x.programs[id] != nil
		}
		return false
	}
	for _, r := range d.Records {
		for _, ref := range resources.References(r) {
			if !have(ref.Kind, ref.ID) {
				tb.Errorf("%s %s: %s %q points at nothing", r.Kind(), r.RecordID(), ref.Field, ref.ID)
			}
		}
	}
	seen := map[string]bool{}
	child := func(table, id string) {
		if seen[table+"\x00"+id] {
			tb.Errorf("%s id %q is used twice", table, id)
		}
		seen[table+"\x00"+id] = true
	}
	phones := func(ps []resources.Phone) {
		for _, p := range ps {
			child("phones", p.ID)
		}
	}
	contacts := func(cs []resources.Contact) {
		for _, c := range cs {
			child("contacts", c.ID)
			phones(c.Phones)
		}
	}
	schedules := func(ss []resources.Schedule) {
		for _, s := range ss {
			child("schedules", s.ID)
		}
	}
	for _, r := range d.Records {
		switch r := r.(type) {
		case *resources.Organization:
			phones(r.Phones)
			contacts(r.Contacts)
		case *resources.Service:
			phones(r.Phones)
			contacts(r.Contacts)
			schedules(r.Schedules)
			for _, l := range r.Languages {
				child("languages", l.ID)
			}
			for _, a := range r.Attributes {
				child("attributes", a.ID)
			}
		case *resources.Location:
			phones(r.Phones)
			contacts(r.Contacts)
			schedules(r.Schedules)
			for _, a := range r.Addresses {
				child("addresses", a.ID)
			}
			for _, l := range r.Languages {
				child("languages", l.ID)
			}
		case *resources.ServiceAtLocation:
			phones(r.Phones)
			contacts(r.Contacts)
			schedules(r.Schedules)
		}
	}
	return x
}

// legacySorted returns the records sorted by kind and id.
func legacySorted(d *Directory) []resources.Record {
	out := slices.Clone(d.Records)
	slices.SortFunc(out, func(a, b resources.Record) int {
		return cmp.Or(cmp.Compare(a.Kind(), b.Kind()), cmp.Compare(a.RecordID(), b.RecordID()))
	})
	return out
}

// legacyFakeCentroids knows a few Miami ZIP codes (approximate ZCTA
// internal points).
var legacyFakeCentroids = map[string][2]float64{
	"33136": {25.7860, -80.2044},
	"33128": {25.7766, -80.2045},
	"33040": {24.5650, -81.7607},
	"33161": {25.8935, -80.1822},
	"33157": {25.6060, -80.3426},
}

func legacyFakeCentroid(zip string) (float64, float64, bool) {
	c, ok := legacyFakeCentroids[zip]
	return c[0], c[1], ok
}

func TestLegacyMiami(t *testing.T) {
	dir := legacySharedData(t, legacyMiami)
	d, err := readTabularLegacy(os.DirFS(dir), Options{Centroid: legacyFakeCentroid})
	if err != nil {
		t.Fatal(err)
	}
	x := legacyCheckDirectory(t, d)
	data := filepath.Join(dir, "data")

	// Organizations: the file's 1,074, plus one placeholder for each of
	// the 82 ids that services name and the file lacks.
	placeholders, parented := 0, 0
	for _, o := range x.orgs {
		if strings.HasPrefix(o.Description, "Placeholder: services in the source name organization "+o.ID+",") {
			placeholders++
			if o.ParentOrganizationID != "" {
				parented++
			}
		}
	}
	if len(x.orgs) != 1074+82 || placeholders != 82 {
		t.Errorf("organizations = %d with %d placeholders, want 1,074 + 82", len(x.orgs), placeholders)
	}
	t.Logf("%d of 82 placeholders linked to a parent organization", parented)
	if p := x.orgs["6253"]; p == nil || p.Name != "M-DC CAHS - ACCION COMMUNITY RESOURCE CENTER" {
		t.Errorf("placeholder 6253 = %+v", p)
	}
	if len(x.services) != 4089 || len(x.locations) != 4089 || len(x.sals) != 4089 {
		t.Errorf("services, locations, services_at_location = %d, %d, %d; want 4,089 each",
			len(x.services), len(x.locations), len(x.sals))
	}

	count := func(pred func(Problem) bool) int {
		n := 0
		for _, p := range d.Problems {
			if pred(p) {
				n++
			}
		}
		return n
	}
	if n := count(func(p Problem) bool {
		return p.Rejected && strings.HasPrefix(p.Source, "eligibility.csv:") && p.Reason == "names no service (service_id is blank)"
	}); n != 2244 {
		t.Errorf("rejected eligibility rows = %d, want 2,244", n)
	}
	if n := count(func(p Problem) bool {
		return !p.Rejected && p.Kind == resources.KindOrganization && strings.Contains(p.Reason, "placeholder")
	}); n != 82 {
		t.Errorf("placeholder warnings = %d, want 82", n)
	}
	if n := count(func(p Problem) bool {
		return !p.Rejected && p.Kind == resources.KindLocation && strings.Contains(p.Reason, "names no organization")
	}); n != 3015 {
		t.Errorf("location organization repairs = %d, want 3,015", n)
	}

	// Taxonomy: taxonomy.csv has 1,994 rows; three repeat an id (J,
	// FP-4000, FP-4500) and are reported, so 1,991 terms.
	if len(x.taxes) != 1 {
		t.Fatalf("taxonomies = %d, want 1", len(x.taxes))
	}
	var tax *resources.Taxonomy
	for _, tx := range x.taxes {
		tax = tx
	}
	if tax.Name != "Open211 Miami - AIRS" || tax.ID != DerivedID("taxonomy", "Open211 Miami - AIRS") {
		t.Errorf("taxonomy = %+v", tax)
	}
	dupTerms := count(func(p Problem) bool { return p.Rejected && p.Kind == resources.KindTaxonomyTerm })
	if len(x.terms) != 1991 || len(x.terms)+dupTerms != 1994 {
		t.Errorf("terms = %d (+%d repeated ids), want 1,991 + 3 = 1,994 rows", len(x.terms), dupTerms)
	}
	if term := x.terms["BD-1800.2000-640"]; term == nil || term.Code != "BD-1800.2000-640" ||
		term.Name != "Ongoing Emergency Food Assistance" || term.ParentID != "B" ||
		term.Taxonomy != "Open211 Miami - AIRS" || term.TaxonomyID != tax.ID || term.Description != "Facet: Service" {
		t.Errorf("term BD-1800.2000-640 = %+v", term)
	}
	if term := x.terms["J"]; term == nil || term.Name != "Environment and Public Health/Safety" {
		t.Errorf("term J = %+v, want the first row's", term)
	}

	// Service categories: 26,259 links, of which 9,155 repeat one already
	// made, over 3,589 services.
	links, linked := 0, 0
	for _, s := range x.services {
		if len(s.Attributes) > 0 {
			linked++
		}
		for _, a := range s.Attributes {
			links++
			if a.LinkType != "service" || a.LinkEntity != "service" || a.LinkID != s.ID || x.terms[a.TaxonomyTermID] == nil {
				t.Errorf("service %s attribute %+v", s.ID, a)
			}
		}
	}
	if links != 26259-9155 || linked != 3589 {
		t.Errorf("attributes = %d on %d services, want 17,104 on 3,589", links, linked)
	}

	// Schedules keep the original text, with its line breaks restored, on
	// every row's service.
	texts := map[string]map[string]bool{}
	for _, s := range x.services {
		for _, sc := range s.Schedules {
			if texts[s.ID] == nil {
				texts[s.ID] = map[string]bool{}
			}
			texts[s.ID][sc.Description] = true
			if strings.Contains(sc.Description, `\n`) {
				t.Errorf("service %s schedule keeps a literal \\n: %q", s.ID, sc.Description)
			}
		}
	}
	for _, row := range legacyCSV(t, filepath.Join(data, "regular_schedules.csv")) {
		want := strings.ReplaceAll(row["original_text"], `\n`, "\n")
		if !texts[row["service_id"]][want] {
			t.Errorf("service %s: no schedule keeps %q", row["service_id"], want)
			break
		}
	}
	if got := x.services["136"].Schedules; len(got) != 1 || got[0].ByDay != "MO,TU,WE,TH,FR" ||
		got[0].OpensAt != "09:00" || got[0].ClosesAt != "17:00" || got[0].Freq != "WEEKLY" ||
		got[0].Description != "9:00am-5:00pm, Mon-Fri" || got[0].ServiceID != "136" {
		t.Errorf("service 136 schedules = %+v", got)
	}
	for _, sc := range x.services["871"].Schedules {
		if !strings.HasPrefix(sc.Description, "Mobile Team:\n24 hours a day") || sc.OpensAt != "" || sc.ByDay != "" {
			t.Errorf("service 871 schedule = %+v", sc)
		}
	}
	if got := x.services["8092"].Schedules; len(got) != 2 || got[0].OpensAt != "21:00" || got[0].ClosesAt != "00:00" ||
		got[1].OpensAt != "00:00" || got[1].ClosesAt != "19:00" || got[1].ByDay != "TU,WE,TH,FR,SA" {
		t.Errorf("service 8092 (9:00pm-7:00pm) schedules = %+v", got)
	}

	// The open-now rules read them as the source means them.
	monday := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC) // a Monday
	for _, tc := range []struct {
		svc  string
		at   time.Time
		open bool
	}{
		{"136", monday, true}, {"136", monday.Add(8 * time.Hour), false}, {"136", monday.AddDate(0, 0, 5), false},
		{"8092", monday.Add(12 * time.Hour), true},                   // Monday 22:00
		{"8092", monday.AddDate(0, 0, 1).Add(-7 * time.Hour), true},  // Tuesday 03:00, after midnight
		{"8092", monday.Add(-7 * time.Hour), false},                  // Monday 03:00: Sunday night was not open
		{"8092", monday.AddDate(0, 0, 1).Add(10 * time.Hour), false}, // Tuesday 20:00
	} {
		if st := resources.OpenAt(x.services[tc.svc].Schedules, tc.at, time.UTC); st.Open != tc.open || !st.Known {
			t.Errorf("service %s at %s: %+v, want open %v", tc.svc, tc.at.Format("Mon 15:04"), st, tc.open)
		}
	}

	// Languages: one per non-blank row (9,364 rows, 7 blank), on services.
	langs, coded := 0, 0
	for _, s := range x.services {
		for _, l := range s.Languages {
			langs++
			if l.Code != "" {
				coded++
			}
			if l.Name == "Spanish (limited)" && l.Code != "es" || l.Name == "Creole" && l.Code != "ht" {
				t.Errorf("language %+v", l)
			}
		}
	}
	if langs != 9357 {
		t.Errorf("languages = %d, want 9,357", langs)
	}
	t.Logf("%d of %d languages have an ISO code", coded, langs)

	// Contacts hold only the last four digits of their number; those that
	// a phone of their own records completes get a phone.
	contacts, contactPhones := 0, 0
	for _, s := range x.sals {
		for _, c := range s.Contacts {
			contacts++
			contactPhones += len(c.Phones)
			for _, p := range c.Phones {
				if len(legacyDigitsOf(p.Number)) != 10 {
					t.Errorf("contact %s phone %q is not a whole number", c.ID, p.Number)
				}
			}
		}
	}
	incomplete := count(func(p Problem) bool { return strings.Contains(p.Reason, "not a whole number") })
	wantContacts := 0 // rows with something in them
	for _, c := range legacyCSV(t, filepath.Join(data, "contacts.csv")) {
		if c["name"]+c["title"]+c["department"]+c["email"]+c["phone_number"] != "" {
			wantContacts++
		}
	}
	if contacts != wantContacts || contactPhones+incomplete != 4005 {
		t.Errorf("contacts = %d, phones %d + %d incomplete, want %d and 4,005", contacts, contactPhones, incomplete, wantContacts)
	}
	t.Logf("contact phones completed: %d; not completable: %d", contactPhones, incomplete)
	if c := x.sals["136"].Contacts; len(c) != 1 || len(c[0].Phones) != 1 || c[0].Phones[0].Number != "305-253-4841" {
		t.Errorf("service_at_location 136 contacts = %+v", c)
	}

	// Every location names an organization of the directory (checked
	// above), addresses are trimmed and have a country.
	if a := x.locations["136"].Addresses; len(a) != 1 || a[0].StateProvince != "FL" || a[0].Country != "US" || a[0].AddressType != "physical" {
		t.Errorf("location 136 addresses = %+v", a)
	}

	// Coordinates: 2,260 locations have their own; the fake centroids give
	// the others in the ZIP codes they know.
	wantZIP := 0
	addr := map[string]string{}
	for _, a := range legacyCSV(t, filepath.Join(data, "physical_addresses.csv")) {
		addr[a["location_id"]] = a["postal_code"]
	}
	for _, l := range legacyCSV(t, filepath.Join(data, "locations.csv")) {
		if _, ok := legacyFakeCentroids[legacyZIP5(addr[l["id"]])]; ok && l["latitude"] == "" {
			wantZIP++
		}
	}
	own, zip := 0, 0
	for _, l := range x.locations {
		switch {
		case l.GeocodeSource == resources.GeocodeZIPCentroid:
			zip++
		case l.Latitude != nil:
			own++
		}
	}
	if own != 2260 || zip != wantZIP || zip == 0 {
		t.Errorf("coordinates: %d own, %d ZIP centroids; want 2,260 and %d", own, zip, wantZIP)
	}
	t.Logf("locations with coordinates: %d (%d from ZIP centroids)", own+zip, zip)

	// Reading again, or from the data folder without datapackage.json,
	// gives the same records.
	again, err := readTabularLegacy(os.DirFS(data), Options{Centroid: legacyFakeCentroid})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(legacySorted(d), legacySorted(again)) {
		t.Error("reading twice gave different records")
	}
	if !reflect.DeepEqual(d.Problems, again.Problems) {
		t.Error("reading twice gave different problems")
	}
}

func BenchmarkReadMiami(b *testing.B) {
	fsys := os.DirFS(legacySharedData(b, legacyMiami))
	records := 0
	for b.Loop() {
		d, err := readTabularLegacy(fsys, Options{})
		if err != nil {
			b.Fatal(err)
		}
		records = len(d.Records)
	}
	b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func TestParseLegacyTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" for not a time
	}{
		{"9:00am", "09:00"}, {"9:00 am", "09:00"}, {"9am", "09:00"}, {"9 a.m.", "09:00"},
		{"9:00a", "09:00"}, {"9:0am", "09:00"}, {"12:30 PM", "12:30"}, {"12:00pm", "12:00"},
		{"12:00am", "00:00"}, {"12am", "00:00"}, {"5:00pm", "17:00"}, {"11:59 P.M.", "23:59"},
		{"830am", "08:30"}, {"noon", "12:00"}, {"Noon", "12:00"}, {"midnight", "00:00"},
		{"17:00", "17:00"}, {"08:00", "08:00"}, {"8:00", "08:00"}, {"0900", "09:00"},
		{"1730", "17:30"}, {"24:00", "00:00"}, {"00:00", "00:00"}, {"08:00:30", "08:00:30"},
		{"09:00Z", "09:00Z"}, {"09:00-05:00", "09:00-05:00"}, {" 7:30 am ", "07:30"},
		{"", ""}, {"9", ""}, {"17", ""}, {"8:00m", ""}, {"6:300pm", ""}, {"13:00pm", ""},
		{"0:30am", ""}, {"24:30", ""}, {"25:00", ""}, {"9:60", ""}, {"closed", ""},
		{"12:00pm (dispensing)", ""}, {"9:00am-5:00pm", ""}, {"09:00+15:00", ""}, {"9:00amZ", ""},
	} {
		got, ok := parseLegacyTime(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("parseLegacyTime(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestLegacyHours(t *testing.T) {
	for _, tc := range []struct {
		opens, closes         string
		wantOpens, wantCloses string
		notes, bad            int
	}{
		{"9:00am", "5:00pm", "09:00", "17:00", 0, 0},
		{"9:00am", "5:00", "09:00", "17:00", 0, 0},    // "9:00am-5:00": the close is pm
		{"8:00", "4:00pm", "08:00", "16:00", 0, 0},    // "8:00-4:00pm": 8pm would end before it starts
		{"6:00", "8:00pm", "18:00", "20:00", 0, 0},    // "6:00-8:00pm": the partner's pm
		{"12:00", "5:00pm", "12:00", "17:00", 0, 0},   // noon
		{"9:00", "5:00", "09:00", "17:00", 0, 0},      // neither says: the close is pm
		{"08:00", "17:00", "08:00", "17:00", 0, 0},    // 24-hour times are taken as they are
		{"9am", "03:00", "09:00", "03:00", 0, 0},      // "03:00" is 24-hour: overnight, split later
		{"4:00pm", "12:00am", "16:00", "00:00", 0, 0}, // closes at midnight
		{"9:00pm", "7:00pm", "21:00", "19:00", 0, 0},
		{"6:30am", "12:00pm (dispensing)", "06:30", "12:00", 1, 0},
		{"9:00am", "5:00pm Mon", "09:00", "17:00", 1, 0},
		{"8:00m", "5:00pm", "", "17:00", 0, 1},
		{"", "6:00pm", "", "18:00", 0, 0},
		{"", "", "", "", 0, 0},
	} {
		o, c, notes, bad := legacyHours(tc.opens, tc.closes)
		if o != tc.wantOpens || c != tc.wantCloses || len(notes) != tc.notes || len(bad) != tc.bad {
			t.Errorf("legacyHours(%q, %q) = %q, %q, %q, %q; want %q, %q with %d notes, %d bad",
				tc.opens, tc.closes, o, c, notes, bad, tc.wantOpens, tc.wantCloses, tc.notes, tc.bad)
		}
	}
}

func TestLegacyWeekday(t *testing.T) {
	for in, want := range map[string]int{
		"Monday": 0, "monday": 0, "Mon": 0, "MO": 0, "Tues": 1, "tu": 1, "Wed": 2, "weds": 2,
		"Thur": 3, "Thurs": 3, "TH": 3, "Fri.": 4, "Saturday": 5, "Sun": 6,
		"1": 0, "5": 4, "6": 5, "7": 6, "0": 6,
		"": -1, "T": -1, "S": -1, "8": -1, "Holiday": -1, "Mondays": -1, "10": -1,
	} {
		got, ok := legacyWeekday(in)
		if want < 0 && ok || want >= 0 && (!ok || got != want) {
			t.Errorf("legacyWeekday(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}

func TestLegacyWeek(t *testing.T) {
	nineToFive := func(day int) legacyDayHours {
		return legacyDayHours{Day: day, Opens: "09:00", Closes: "17:00", Description: "9-5 weekdays"}
	}
	for _, tc := range []struct {
		name string
		rows []legacyDayHours
		want []resources.Schedule
	}{
		{
			name: "weekdays merge, in week order whatever the row order",
			rows: []legacyDayHours{nineToFive(4), nineToFive(0), nineToFive(2), nineToFive(1), nineToFive(3), nineToFive(2)},
			want: []resources.Schedule{{Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR", OpensAt: "09:00", ClosesAt: "17:00", Description: "9-5 weekdays"}},
		},
		{
			name: "different hours stay apart, ordered by first day",
			rows: []legacyDayHours{
				{Day: 5, Opens: "10:00", Closes: "12:00"},
				{Day: 0, Opens: "14:00", Closes: "16:00"},
				{Day: 0, Opens: "08:00", Closes: "12:00"},
				{Day: 2, Opens: "08:00", Closes: "12:00"},
			},
			want: []resources.Schedule{
				{Freq: "WEEKLY", ByDay: "MO,WE", OpensAt: "08:00", ClosesAt: "12:00"},
				{Freq: "WEEKLY", ByDay: "MO", OpensAt: "14:00", ClosesAt: "16:00"},
				{Freq: "WEEKLY", ByDay: "SA", OpensAt: "10:00", ClosesAt: "12:00"},
			},
		},
		{
			name: "different text keeps rows apart",
			rows: []legacyDayHours{
				{Day: 0, Opens: "09:00", Closes: "17:00", Description: "a"},
				{Day: 1, Opens: "09:00", Closes: "17:00", Description: "b"},
			},
			want: []resources.Schedule{
				{Freq: "WEEKLY", ByDay: "MO", OpensAt: "09:00", ClosesAt: "17:00", Description: "a"},
				{Freq: "WEEKLY", ByDay: "TU", OpensAt: "09:00", ClosesAt: "17:00", Description: "b"},
			},
		},
		{
			name: "no hours: the text alone, once",
			rows: []legacyDayHours{{Day: 0, Description: "24 hours a day"}, {Day: 1, Description: "24 hours a day"}},
			want: []resources.Schedule{{Description: "24 hours a day"}},
		},
		{
			name: "nothing at all: no schedule",
			rows: []legacyDayHours{{Day: 0}},
		},
		{
			name: "only a closing time",
			rows: []legacyDayHours{{Day: 0, Closes: "18:00", Description: "Dismissal 6pm"}, {Day: 1, Closes: "18:00", Description: "Dismissal 6pm"}},
			want: []resources.Schedule{{Freq: "WEEKLY", ByDay: "MO,TU", ClosesAt: "18:00", Description: "Dismissal 6pm"}},
		},
	} {
		if got := legacyWeek(tc.rows); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func TestLegacySplitOvernight(t *testing.T) {
	check := func(ss []resources.Schedule) {
		t.Helper()
		svc := resources.Service{ID: "s", OrganizationID: "o", Name: "n", Status: "active", Schedules: ss}
		if err := svc.Validate(); err != nil {
			t.Error(err)
		}
	}
	s := resources.Schedule{ID: "x", Freq: "WEEKLY", ByDay: "FR,SA,SU", OpensAt: "19:00", ClosesAt: "07:00", Description: "7pm-7am"}
	got := legacySplitOvernight(s)
	if len(got) != 2 {
		t.Fatalf("got %d schedules, want 2", len(got))
	}
	a, b := got[0], got[1]
	if a.ID != "x" || a.ByDay != "FR,SA,SU" || a.OpensAt != "19:00" || a.ClosesAt != "00:00" || a.Description != "7pm-7am" ||
		!strings.Contains(a.Notes, "overnight") {
		t.Errorf("before midnight = %+v", a)
	}
	if b.ID != DerivedID("x", "after midnight") || b.ByDay != "MO,SA,SU" || b.OpensAt != "00:00" || b.ClosesAt != "07:00" ||
		b.Description != "7pm-7am" || !strings.Contains(b.Notes, "after midnight") {
		t.Errorf("after midnight = %+v", b)
	}
	check(got)

	// Dated schedules without days move the second part's dates a day on.
	h := resources.Schedule{ID: "h", ValidFrom: "2015-12-31", ValidTo: "2015-12-31", OpensAt: "22:00", ClosesAt: "02:00"}
	got = legacySplitOvernight(h)
	if len(got) != 2 || got[1].ValidFrom != "2016-01-01" || got[1].ValidTo != "2016-01-01" || got[1].ByDay != "" {
		t.Errorf("dated overnight = %+v", got)
	}
	check(got)

	got = legacySplitOvernight(resources.Schedule{ID: "z", ValidFrom: "9999-12-31", ValidTo: "9999-12-31", OpensAt: "22:00", ClosesAt: "02:00"})
	if len(got) != 2 || got[1].ValidFrom != "9999-12-31" {
		t.Errorf("overnight on the last date = %+v", got)
	}
	check(got)

	for _, s := range []resources.Schedule{
		{ID: "a", OpensAt: "09:00", ClosesAt: "17:00"},
		{ID: "b", OpensAt: "16:00", ClosesAt: "00:00"},
		{ID: "c", OpensAt: "00:00", ClosesAt: "00:00"},
		{ID: "d", OpensAt: "09:00"},
		{ID: "e", Description: "by appointment"},
	} {
		if got := legacySplitOvernight(s); len(got) != 1 || !reflect.DeepEqual(got[0], s) {
			t.Errorf("legacySplitOvernight(%+v) = %+v, want it unchanged", s, got)
		}
	}
}

func TestLegacyDate(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		yearly   bool
	}{
		{"2015-12-24", "2015-12-24", false}, {"12/24/2015", "2015-12-24", false}, {"12/24/15", "2015-12-24", false},
		{"1/2/99", "1999-01-02", false}, {"January 01, 2016", "2016-01-01", false}, {"Jan 2, 2016", "2016-01-02", false},
		{"2016-07-04T00:00:00Z", "2016-07-04", false},
		{"January 01, 0001", "01-01", true}, {"September 01, 0001", "09-01", true},
		{"", "", false}, {"13/01/2015", "", false}, {"2/30/2015", "", false}, {"soon", "", false}, {"1/2/123", "", false},
	} {
		got, yearly, ok := legacyDate(tc.in)
		if got != tc.want || yearly != tc.yearly || ok != (tc.want != "") {
			t.Errorf("legacyDate(%q) = %q, %v, %v; want %q, %v", tc.in, got, yearly, ok, tc.want, tc.yearly)
		}
	}
}

func TestLegacyLanguage(t *testing.T) {
	for in, want := range map[string]resources.Language{
		"English":                  {Name: "English", Code: "en"},
		"Spanish (limited)":        {Name: "Spanish (limited)", Code: "es"},
		"Chinese (Cantonese)":      {Name: "Chinese (Cantonese)", Code: "yue"},
		"Chinese (Mandarin)":       {Name: "Chinese (Mandarin)", Code: "zh"},
		"Haitian-Creole":           {Name: "Haitian-Creole", Code: "ht"},
		"Creole":                   {Name: "Creole", Code: "ht"},
		"American Sign Language":   {Name: "American Sign Language", Code: "ase"},
		"ASL (intermediate)":       {Name: "ASL (intermediate)", Code: "ase"},
		"English,":                 {Name: "English,", Code: "en"},
		"English and Spanish":      {Name: "English and Spanish"},
		"Language line available":  {Name: "Language line available"},
		`English\nBi-lingual help`: {Name: "English\nBi-lingual help"},
		"es":                       {Name: "Spanish", Code: "es"},
		"ht":                       {Name: "Haitian Creole", Code: "ht"},
		"xx":                       {Name: "xx"},
	} {
		if got := legacyLanguage(in); !reflect.DeepEqual(got, want) {
			t.Errorf("legacyLanguage(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestLegacyPlaceholderName(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{[]string{"M-DC CAHS - ACCION COMMUNITY RESOURCE CENTER  - IMMIGRATION ASSISTANCE", "M-DC CAHS - ACCION COMMUNITY RESOURCE CENTER - LIHEAP"}, "M-DC CAHS - ACCION COMMUNITY RESOURCE CENTER"},
		{[]string{"ORG - A - SITE 1", "ORG - A - SITE 2", "ORG - B"}, "ORG"},
		{[]string{"KIDS LEARNING CENTER - SUMMER CAMP", "KIDS LEARNING CENTER OF SOUTH DADE"}, "KIDS LEARNING CENTER"},
		{[]string{"KIDS LEARNING", "KIDS LEARNED"}, "KIDS"},
		{[]string{"ICFH - LITERACY - CHAPMAN - DOWNTOWN"}, "ICFH - LITERACY - CHAPMAN"},
		{[]string{"Alpha", "Beta"}, ""},
		{[]string{"Café Olé - x", "Café Olá - y"}, "Café"},
		{nil, ""},
	} {
		if got := legacyPlaceholderName(tc.names); got != tc.want {
			t.Errorf("legacyPlaceholderName(%q) = %q, want %q", tc.names, got, tc.want)
		}
	}
}

func TestLegacyValues(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		lat, lon string
		ok       bool
	}{
		{"25.77", "-80.19", true}, {"", "", true}, {"0", "0", false}, {"91", "10", false},
		{"10", "-181", false}, {"25.7", "", false}, {"NaN", "1", false}, {"x", "y", false},
	} {
		la, lo, why := legacyCoords(tc.lat, tc.lon)
		if (why == "") != tc.ok || (la == nil) != (lo == nil) {
			t.Errorf("legacyCoords(%q, %q) = %v, %v, %q", tc.lat, tc.lon, la, lo, why)
		}
	}
	for in, want := range map[string]struct {
		ext  *float64
		desc string
	}{
		"12": {f(12), ""}, "x12": {f(12), ""}, "ext. 4500": {f(4500), ""}, "12a": {nil, "ext. 12a"}, "": {nil, ""},
	} {
		ext, desc := legacyExtension(in)
		if desc != want.desc || (ext == nil) != (want.ext == nil) || ext != nil && *ext != *want.ext {
			t.Errorf("legacyExtension(%q) = %v, %q", in, ext, desc)
		}
	}
	for _, tc := range [][3]string{
		{"", "FL", "US"}, {"", "Florida", "US"}, {"USA", "CA", "US"}, {"", "ON", ""}, {"CA", "ON", "CA"},
	} {
		if got := legacyCountry(tc[0], tc[1]); got != tc[2] {
			t.Errorf("legacyCountry(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
	for in, want := range map[string]string{"www.x.org": "http://www.x.org", "https://x.org": "https://x.org", "": "", "call us": "call us", "mailto:a@b.c": "mailto:a@b.c"} {
		if got := legacyURL(in); got != want {
			t.Errorf("legacyURL(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"33157": "33157", "94025-9881": "94025", "3315": "", "331577": "", "K1A 0B1": ""} {
		if got := legacyZIP5(in); got != want {
			t.Errorf("legacyZIP5(%q) = %q, want %q", in, got, want)
		}
	}
}

// legacyPackage20 is a small HSDS 2.0 datapackage using the tables 1.1
// lacks.
func legacyPackage20() fstest.MapFS {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(strings.TrimLeft(s, "\n"))} }
	return fstest.MapFS{
		"datapackage.json": file(`{"version":"2.0.1","resources":[
			{"name":"organization","path":"organizations.csv"},{"name":"service","path":"services.csv"},
			{"name":"location","path":"locations.csv"},{"name":"service_at_location","path":"services_at_location.csv"},
			{"name":"taxonomy_term","path":"taxonomy_terms.csv"},{"name":"service_attribute","path":"service_attributes.csv"},
			{"name":"other_attribute","path":"other_attributes.csv"},{"name":"schedule","path":"schedules.csv"},
			{"name":"eligibility","path":"eligibility.csv"},{"name":"phone","path":"phones.csv"},
			{"name":"physical_address","path":"physical_addresses.csv"},{"name":"language","path":"languages.csv"},
			{"name":"service_area","path":"service_areas.csv"},{"name":"payment_accepted","path":"payments_accepted.csv"},
			{"name":"accessibility_for_disabilities","path":"accessibility_for_disabilities.csv"},
			{"name":"metadata","path":"metadata.csv"},{"name":"program","path":"programs.csv"}]}`),
		"organizations.csv": file(`
id,name,alternate_name,description,email,url,tax_status,tax_id,year_incorporated,legal_status
o1,Food Bank,,Feeds people,,foodbank.example,501c3,12-345,1984,Nonprofit
o2,,Nameless Inc,,,,,,,
`),
		"programs.csv": file(`
id,organization_id,name,alternate_name
p1,o1,Pantry Network,
p2,o9,Lost Program,
`),
		"services.csv": file(`
id,organization_id,program_id,name,alternate_name,description,url,email,status,interpretation_services,application_process,wait_time,fees,accreditations,licenses
s1,o1,p1,Pantry,,Groceries,,,Active,,Walk in,,Free,,
s2,o1,,Hotline,,Call us,,,temporarily closed,,,,,,
s3,o1,p2,Odd,,,,,shut,,,,,,
`),
		"locations.csv": file(`
id,organization_id,name,alternate_name,description,transportation,latitude,longitude
l1,o1,Main St,,,,25.77,-80.19
l2,o1,Nowhere,,,,0,0
`),
		"services_at_location.csv": file(`
id,service_id,location_id,description
sl1,s1,l1,Back door
sl2,s9,l1,
`),
		"taxonomy_terms.csv": file(`
id,term,description,parent_id,taxonomy,language
BD,Basic Needs,Top level,,AIRS,en
BD-1800,Emergency Food,Food,BD,AIRS,en
c0a80121-7ac0-4e1c-9c9b-123456789abc,Seniors,Older adults,,Audience,en
`),
		"service_attributes.csv": file(`
id,service_id,taxonomy_term_id
a1,s1,BD-1800
a2,s1,NOPE
`),
		"other_attributes.csv": file(`
id,link_id,link_type,taxonomy_term_id
x1,o1,organization,BD
x2,e1,eligibility,c0a80121-7ac0-4e1c-9c9b-123456789abc
x3,ph1,phone,BD
x4,ghost,location,BD
`),
		"schedules.csv": file(`
id,service_id,location_id,service_at_location_id,valid_from,valid_to,dtstart,timezone,until,count,wkst,freq,interval,byday,byweekno,bymonthday,byyearday,description,opens_at,closes_at
sc1,s1,,,2020-01-01,2020-12-31,,-5,,,MO,WEEKLY,1,"MO,WE",,,,Pantry days,09:00,12:00
sc2,,l1,,,,,,,,,DAILY,,,,,,Night shelter,19:00,07:00
sc3,s2,,,,,,,,,,YEARLY,,,,,,Annual drive,,
sc4,s2,,,,,,99,,,XX,MONTHLY,,"Monday, Friday",,,,,nine,5pm
sc5,s2,,,,,,,,,,YEARLY,,,,,,July 4th,10:00,14:00
sc6,s3,,,2021-07-04,2021-07-04,,,,,,,,,,,,Fireworks,ten,four
`),
		"eligibility.csv": file(`
id,service_id
e1,s1
e2,
`),
		"phones.csv": file(`
id,location_id,service_id,organization_id,contact_id,service_at_location_id,number,extension,type,language,description
ph1,l1,s1,,,sl1,305-555-0100,12a,sms,"en,es",Front desk
ph2,,,o1,,,305-555-0101,,,,
ph3,,s9,,,,305-555-0102,,,,
`),
		"physical_addresses.csv": file(`
id,location_id,attention,address_1,address_2,address_3,address_4,city,region,state_province,postal_code,country
ad1,l1,,1 Main St,Suite 2,Floor 3,,Miami,,FL ,33136,   
`),
		"languages.csv": file(`
id,service_id,location_id,language
lg1,s1,,es
lg2,,l1,Spanish
`),
		"service_areas.csv": file(`
id,service_id,service_area,description
sa1,s1,Miami-Dade County,Whole county
`),
		"payments_accepted.csv": file(`
id,service_id,payment
pa1,s1,Cash
pa2,s1,Medicaid
`),
		"accessibility_for_disabilities.csv": file(`
id,location_id,accessibility,details
ac1,l1,Ramp,At the back
`),
		"metadata.csv": file(`
id,resource_id,resource_type,last_action_date,last_action_type,field_name,previous_value,replacement_value,updated_by
m1,s1,service,2019-07-29,update,name,Food,Pantry,admin
m2,zz,,2019-07-29,update,name,a,b,admin
`),
	}
}

func TestLegacy20(t *testing.T) {
	d, err := readTabularLegacy(legacyPackage20(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := legacyCheckDirectory(t, d)
	for _, p := range d.Problems {
		t.Log(p)
	}
	o1, o2 := x.orgs["o1"], x.orgs["o2"]
	if o1 == nil || o1.Website != "http://foodbank.example" || o1.YearIncorporated == nil || *o1.YearIncorporated != 1984 ||
		len(o1.Attributes) != 1 || o1.Attributes[0].TaxonomyTermID != "BD" || len(o1.Phones) != 1 {
		t.Errorf("o1 = %+v", o1)
	}
	if o2 == nil || o2.Name != "Nameless Inc" {
		t.Errorf("o2 = %+v", o2)
	}
	if x.programs["p1"] == nil || x.programs["p2"] != nil {
		t.Errorf("programs = %v", x.programs)
	}
	s1, s2, s3 := x.services["s1"], x.services["s2"], x.services["s3"]
	if s1 == nil || s1.Status != "active" || s1.ProgramID != "p1" || s1.FeesDescription != "Free\n\nPayment accepted: Cash, Medicaid" {
		t.Fatalf("s1 = %+v", s1)
	}
	if s2.Status != resources.StatusTemporarilyClosed || s3.Status != "active" || s3.ProgramID != "" {
		t.Errorf("s2, s3 = %+v, %+v", s2, s3)
	}
	// Categories, and the eligibility term through other_attributes.
	var types []string
	for _, a := range s1.Attributes {
		types = append(types, a.LinkType+":"+a.TaxonomyTermID)
	}
	if want := []string{"service:BD-1800", "eligibility:c0a80121-7ac0-4e1c-9c9b-123456789abc"}; !reflect.DeepEqual(types, want) {
		t.Errorf("s1 attributes = %v, want %v", types, want)
	}
	if term := x.terms["BD-1800"]; term == nil || term.Code != "BD-1800" || term.ParentID != "BD" || term.Taxonomy != "AIRS" || term.Language != "en" {
		t.Errorf("BD-1800 = %+v", term)
	}
	if term := x.terms["c0a80121-7ac0-4e1c-9c9b-123456789abc"]; term == nil || term.Code != "" || term.Taxonomy != "Audience" {
		t.Errorf("uuid term = %+v", term)
	}
	if len(x.taxes) != 2 {
		t.Errorf("taxonomies = %d, want 2", len(x.taxes))
	}
	// Schedules: RRULE fields kept; DAILY becomes every day of the week;
	// overnight hours split; what HSDS 3.0 cannot hold goes to notes.
	if sc := s1.Schedules; len(sc) != 1 || sc[0].ByDay != "MO,WE" || sc[0].WKST != "MO" || sc[0].Timezone == nil ||
		*sc[0].Timezone != -5 || sc[0].ValidTo != "2020-12-31" || sc[0].Interval == nil || sc[0].Metadata != nil {
		t.Errorf("s1 schedules = %+v", sc)
	}
	l1 := x.locations["l1"]
	if sc := l1.Schedules; len(sc) != 2 || sc[0].ByDay != "MO,TU,WE,TH,FR,SA,SU" || sc[0].ClosesAt != "00:00" || sc[1].ClosesAt != "07:00" {
		t.Errorf("l1 schedules = %+v", l1.Schedules)
	}
	if sc := s2.Schedules; len(sc) != 3 || sc[0].Freq != "" || !strings.Contains(sc[0].Notes, "YEARLY") ||
		sc[1].ByDay != "MO,FR" || sc[1].Timezone != nil || sc[1].WKST != "" || sc[1].OpensAt != "" || sc[1].ClosesAt != "17:00" ||
		sc[2].OpensAt != "" || sc[2].Freq != "" || !strings.Contains(sc[2].Notes, "Hours: 10:00–14:00") {
		t.Errorf("s2 schedules = %+v", s2.Schedules)
	}
	// A row whose hours cannot be read is not a closure of its dates.
	if sc := x.services["s3"].Schedules; len(sc) != 1 || sc[0].ValidFrom != "" || !strings.Contains(sc[0].Notes, "Dates: 2021-07-04 to 2021-07-04") {
		t.Errorf("s3 schedules = %+v", sc)
	}
	// The phone has a service_at_location: it lives there, with its
	// languages, its type mapped and its odd extension in the description.
	sl1 := x.sals["sl1"]
	if sl1 == nil || len(sl1.Phones) != 1 {
		t.Fatalf("sl1 = %+v", sl1)
	}
	ph := sl1.Phones[0]
	if ph.Type != "text" || ph.Extension != nil || ph.Description != "Front desk\next. 12a" || len(ph.Languages) != 2 ||
		ph.Languages[1].Code != "es" || ph.ServiceID != "s1" || ph.LocationID != "l1" || ph.ServiceAtLocationID != "sl1" ||
		len(ph.Attributes) != 1 {
		t.Errorf("phone = %+v", ph)
	}
	if l1.Latitude == nil || x.locations["l2"].Latitude != nil {
		t.Errorf("coordinates: l1 %v, l2 %v", l1.Latitude, x.locations["l2"].Latitude)
	}
	if a := l1.Addresses; len(a) != 1 || a[0].Address2 != "Suite 2, Floor 3" || a[0].Country != "US" || a[0].StateProvince != "FL" {
		t.Errorf("l1 addresses = %+v", a)
	}
	if len(s1.Languages) != 1 || !reflect.DeepEqual(s1.Languages[0], resources.Language{ID: "lg1", ServiceID: "s1", Name: "Spanish", Code: "es"}) ||
		len(l1.Languages) != 1 || l1.Languages[0].LocationID != "l1" {
		t.Errorf("languages: s1 %+v, l1 %+v", s1.Languages, l1.Languages)
	}
	if sa := s1.ServiceAreas; len(sa) != 1 || sa[0].Name != "Miami-Dade County" || sa[0].ExtentType != "text" || sa[0].Description != "Whole county" {
		t.Errorf("service areas = %+v", sa)
	}
	if ac := l1.Accessibility; len(ac) != 1 || ac[0].Description != "Ramp" || ac[0].Details != "At the back" {
		t.Errorf("accessibility = %+v", ac)
	}
	if len(s1.Metadata) != 1 || s1.Metadata[0].ReplacementValue != "Pantry" {
		t.Errorf("metadata = %+v", s1.Metadata)
	}
	// What points at nothing is reported.
	pairs := [][2]string{
		{"programs.csv:", `names organization "o9"`},
		{"services_at_location.csv:", `service_id "s9"`},
		{"service_attributes.csv:", `names taxonomy term "NOPE"`},
		{"other_attributes.csv:", `names location "ghost"`},
		{"eligibility.csv:", "names no service (service_id is blank)"},
		{"phones.csv:", `service_id "s9"`},
		{"metadata.csv:", `names resource "zz"`},
	}
	for _, pair := range pairs {
		found := false
		for _, p := range d.Problems {
			if p.Rejected && strings.HasPrefix(p.Source, pair[0]) && strings.Contains(p.Reason, pair[1]) {
				found = true
			}
		}
		if !found {
			t.Errorf("no rejected problem %s … %s", pair[0], pair[1])
		}
	}
}

// TestLegacyReferences covers the repairs on a small 1.1 package:
// placeholders, location organizations, services without a location.
func TestLegacyReferences(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(strings.TrimLeft(s, "\n"))} }
	fsys := fstest.MapFS{
		"organizations.csv": file("id,name\n1,Real Org\n"),
		"services.csv": file(`
id,organization_id,name,status
10,1,Hotline,
11,99,Site A service,
12,99,Site B service,
13,,No org,
14/x,1,Slash id,
`),
		"locations.csv": file(`
id,organization_id,name,latitude,longitude
20,20,AGENCY - PROGRAM - SITE A,,
21,77,AGENCY - PROGRAM - SITE B,,
22,,Empty,,
`),
		"services_at_location.csv": file("id,service_id,location_id\n30,11,20\n31,12,21\n32,14/x,22\n"),
		"physical_addresses.csv":   file("id,location_id,address_1,city,state_province,postal_code\n40,20,1 Main,Miami,FL,33136-1234\n"),
		"regular_schedules.csv": file(`
service_id,weekday,opens_at,closes_at,original_text
10,Monday,9:00am,5:00pm,9-5
10,Tuesday,9:00am,5:00pm,9-5
10,Funday,9:00am,5:00pm,9-5
11,Monday,7:00pm,7:00am,overnight
`),
		"holiday_schedules.csv": file(`
id,service_id,closed,opens_at,closes_at,start_date,end_date
1,10,true,,,12/25/2019,12/25/2019
2,10,false,10:00,14:00,12/31/19,1/1/20
3,10,false,ten,four,7/4/2020,7/4/2020
`),
	}
	d, err := readTabularLegacy(fsys, Options{Centroid: legacyFakeCentroid})
	if err != nil {
		t.Fatal(err)
	}
	x := legacyCheckDirectory(t, d)
	if p := x.orgs["99"]; p == nil || p.Name != "AGENCY - PROGRAM" || p.ParentOrganizationID != "" {
		t.Errorf("placeholder = %+v", p)
	}
	if x.services["11"].OrganizationID != "99" || x.services["13"] != nil {
		t.Errorf("services: %+v", x.services)
	}
	slash := DerivedID("services.csv", "14/x")
	if s := x.services[slash]; s == nil || len(x.sals["32"].ServiceID) == 0 || x.sals["32"].ServiceID != slash {
		t.Errorf("slash id service = %+v", s)
	}
	if l := x.locations["20"]; l.OrganizationID != "99" || l.GeocodeSource != resources.GeocodeZIPCentroid || *l.Latitude != 25.7860 {
		t.Errorf("location 20 = %+v", l)
	}
	if l := x.locations["21"]; l.OrganizationID != "99" || l.Latitude != nil {
		t.Errorf("location 21 = %+v", l)
	}
	if l := x.locations["22"]; l.OrganizationID != "1" {
		t.Errorf("location 22 = %+v", l)
	}
	sc := x.services["10"].Schedules
	if len(sc) != 5 || sc[4].ValidFrom != "" || sc[4].Description != "Special hours" || !strings.Contains(sc[4].Notes, "Dates: 2020-07-04 to 2020-07-04") {
		t.Errorf("open holiday with unreadable hours = %+v", sc)
	}
	if len(sc) < 4 || sc[0].ByDay != "MO,TU" || !strings.Contains(sc[1].Notes, "Day: Funday") || sc[1].OpensAt != "" ||
		sc[2].Description != "Closed" || sc[2].ValidFrom != "2019-12-25" ||
		sc[3].Description != "Special hours" || sc[3].ValidFrom != "2019-12-31" || sc[3].ValidTo != "2020-01-01" || sc[3].OpensAt != "10:00" {
		t.Errorf("service 10 schedules = %+v", sc)
	}
	if sc := x.services["11"].Schedules; len(sc) != 2 {
		t.Errorf("service 11 schedules = %+v", sc)
	}
}

func TestLegacyErrors(t *testing.T) {
	if _, err := readTabularLegacy(fstest.MapFS{}, Options{}); err == nil {
		t.Error("an empty folder read without error")
	}
	if _, err := readTabularLegacy(fstest.MapFS{"datapackage.json": {Data: []byte("{")}, "services.csv": {Data: []byte("id\n")}}, Options{}); err == nil {
		t.Error("a broken datapackage.json read without error")
	}
	d, err := readTabularLegacy(fstest.MapFS{"services.csv": {Data: []byte("id,name\n")}}, Options{})
	if err != nil || len(d.Records) != 0 {
		t.Errorf("header-only services.csv: %v, %v", d, err)
	}
}
