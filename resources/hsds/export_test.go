package hsds

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
)

// ---- generated directories ----

// tricky holds text that CSV and JSON must both carry unchanged.
var tricky = []string{
	"plain", "comma, inside", `a "quoted" word`, "two\nlines", "windows\r\nline", "tab\there",
	"ünïcödé – “quotes” 中文", "=1+2", "trailing backslash \\", "", "'single'", "emoji 🍲",
	`"`, ",", "\n\nblank lines\n\n", "  padded  ", "<b>html & stuff</b>", "null", "0012",
	"lone\rreturn", "ends in return\r", "\r\n", "nul\x00byte", "mid\ufeffbom", "\u00a0nbsp\u00a0", "bad utf8 \xff\xfe",
	"line\u2028separator", "\"quoted start", "x\"", "\\N",
}

type gen struct {
	r   *rand.Rand
	seq int
}

func (g *gen) text() string { return tricky[g.r.IntN(len(tricky))] }

func (g *gen) name() string {
	for {
		if s := strings.TrimSpace(g.text()); s != "" {
			return s + " " + strconv.Itoa(g.r.IntN(1000))
		}
	}
}

// id makes a fresh id: uuids mostly, and the short numeric and odd ones real
// directories have.
func (g *gen) id(prefix string) string {
	g.seq++
	switch g.r.IntN(4) {
	case 0:
		return strconv.Itoa(g.seq)
	case 1:
		return fmt.Sprintf("%s %d.é", prefix, g.seq)
	}
	return DerivedID(prefix, strconv.Itoa(g.seq))
}

func (g *gen) maybe() bool { return g.r.IntN(2) == 0 }

func (g *gen) num(lo, hi float64) *float64 {
	if g.maybe() {
		return nil
	}
	x := lo + g.r.Float64()*(hi-lo)
	if g.maybe() {
		x = float64(int(x))
	}
	return &x
}

func (g *gen) tracked() resources.Tracked {
	var t resources.Tracked
	if g.maybe() {
		tm := time.Unix(g.r.Int64N(2e9), g.r.Int64N(1e9)).In(time.FixedZone("", 3600*(g.r.IntN(27)-12)))
		t.LastModified = &tm
	}
	if g.maybe() {
		t.AssuredDate = time.Unix(g.r.Int64N(2e9), 0).UTC().Format(time.DateOnly)
	}
	return t
}

func (g *gen) metadata(n int) []resources.Metadata {
	var out []resources.Metadata
	for i := 0; i < g.r.IntN(n+1); i++ {
		out = append(out, resources.Metadata{ID: g.id("metadata"), LastActionDate: "2024-01-02", LastActionType: "update",
			FieldName: "name", PreviousValue: g.text(), ReplacementValue: g.text(), UpdatedBy: g.text()})
	}
	return out
}

func (g *gen) attributes(terms []*resources.TaxonomyTerm, n int) []resources.Attribute {
	var out []resources.Attribute
	for i := 0; i < g.r.IntN(n+1) && len(terms) > 0; i++ {
		out = append(out, resources.Attribute{ID: g.id("attribute"), TaxonomyTermID: terms[g.r.IntN(len(terms))].ID,
			LinkType: g.text(), Value: g.text(), Metadata: g.metadata(1)})
	}
	return out
}

func (g *gen) languages(n int) []resources.Language {
	var out []resources.Language
	for i := 0; i < g.r.IntN(n+1); i++ {
		out = append(out, resources.Language{ID: g.id("language"), Name: g.name(), Code: "es", Note: g.text()})
	}
	return out
}

func (g *gen) phones(terms []*resources.TaxonomyTerm, n int) []resources.Phone {
	var out []resources.Phone
	for i := 0; i < g.r.IntN(n+1); i++ {
		out = append(out, resources.Phone{ID: g.id("phone"), Number: "555-" + strconv.Itoa(1000+g.r.IntN(9000)),
			Extension: g.num(0, 9999), Type: "voice", Description: g.text(), Languages: g.languages(1),
			Attributes: g.attributes(terms, 1), Metadata: g.metadata(1)})
	}
	return out
}

func (g *gen) contacts(terms []*resources.TaxonomyTerm) []resources.Contact {
	var out []resources.Contact
	for i := 0; i < g.r.IntN(2); i++ {
		out = append(out, resources.Contact{ID: g.id("contact"), Name: g.name(), Title: g.text(), Email: "a@example.org",
			Phones: g.phones(terms, 1), Attributes: g.attributes(terms, 1)})
	}
	return out
}

func (g *gen) schedules(n int) []resources.Schedule {
	var out []resources.Schedule
	for i := 0; i < g.r.IntN(n+1); i++ {
		out = append(out, resources.Schedule{ID: g.id("schedule"), Freq: "WEEKLY", ByDay: "MO,TU,FR", OpensAt: "09:00",
			ClosesAt: "17:30", Timezone: g.num(-12, 14), Count: g.num(1, 10), Interval: g.num(1, 3),
			ValidFrom: "2024-01-01", Description: g.text(), Notes: g.text()})
	}
	return out
}

// genDirectory makes a valid directory of about n services, with every kind
// of child, text that needs quoting, exact floats and nanosecond times, and
// children shared between owners as HSDS JSON nests them.
func genDirectory(seed uint64, n int) *Directory {
	g := &gen{r: rand.New(rand.NewPCG(seed, 7))}
	d := &Directory{}
	var taxonomies []*resources.Taxonomy
	for i := 0; i < 2; i++ {
		t := &resources.Taxonomy{ID: g.id("taxonomy"), Name: g.name(), Description: g.text(), URI: "https://example.org/t", Version: "1.0", Tracked: g.tracked()}
		taxonomies = append(taxonomies, t)
		d.Records = append(d.Records, t)
	}
	var terms []*resources.TaxonomyTerm
	for i := 0; i < 5+n/20; i++ {
		t := &resources.TaxonomyTerm{ID: g.id("term"), Code: "BD-" + strconv.Itoa(i), Name: g.name(), Description: g.text(),
			Language: "en", Tracked: g.tracked(), Metadata: g.metadata(1)}
		if g.maybe() {
			t.TaxonomyID = taxonomies[g.r.IntN(len(taxonomies))].ID
		}
		if len(terms) > 0 && g.maybe() {
			t.ParentID = terms[g.r.IntN(len(terms))].ID
		}
		terms = append(terms, t)
		d.Records = append(d.Records, t)
	}
	var orgs []*resources.Organization
	for i := 0; i < 1+n/4; i++ {
		o := &resources.Organization{ID: g.id("org"), Name: g.name(), Description: g.text(), Email: "o@example.org",
			Website: "https://example.org", YearIncorporated: g.num(1900, 2024), Tracked: g.tracked(),
			Phones: g.phones(terms, 2), Contacts: g.contacts(terms), Attributes: g.attributes(terms, 1), Metadata: g.metadata(1)}
		for j := 0; j < g.r.IntN(2); j++ {
			o.Funding = append(o.Funding, resources.Funding{ID: g.id("funding"), Source: g.text()})
		}
		for j := 0; j < g.r.IntN(2); j++ {
			o.OrganizationIdentifiers = append(o.OrganizationIdentifiers, resources.OrganizationIdentifier{
				ID: g.id("orgid"), IdentifierType: "EIN", Identifier: strconv.Itoa(g.r.IntN(1e9)), IdentifierScheme: g.text()})
		}
		if len(orgs) > 0 && g.r.IntN(5) == 0 {
			o.ParentOrganizationID = orgs[g.r.IntN(len(orgs))].ID
		}
		orgs = append(orgs, o)
		d.Records = append(d.Records, o)
	}
	var programs []*resources.Program
	for i := 0; i < 1+n/10; i++ {
		p := &resources.Program{ID: g.id("program"), OrganizationID: orgs[g.r.IntN(len(orgs))].ID, Name: g.name(),
			Description: g.text(), Attributes: g.attributes(terms, 1), Tracked: g.tracked()}
		programs = append(programs, p)
		d.Records = append(d.Records, p)
	}
	var locations []*resources.Location
	for i := 0; i < 1+n/2; i++ {
		l := &resources.Location{ID: g.id("location"), LocationType: resources.LocationPhysical, Name: g.name(),
			Description: g.text(), Transportation: g.text(), Tracked: g.tracked(),
			Languages: g.languages(1), Phones: g.phones(terms, 1), Schedules: g.schedules(1), Contacts: g.contacts(terms),
			Attributes: g.attributes(terms, 1), Metadata: g.metadata(1)}
		if g.r.IntN(5) != 0 { // some locations belong to no organization
			l.OrganizationID = orgs[g.r.IntN(len(orgs))].ID
		}
		if g.maybe() {
			lat, lon := -90+g.r.Float64()*180, -180+g.r.Float64()*360
			l.Latitude, l.Longitude = &lat, &lon
			if g.maybe() {
				l.GeocodeSource = resources.GeocodeZIPCentroid
			}
		}
		for j := 0; j < g.r.IntN(3); j++ {
			l.Addresses = append(l.Addresses, resources.Address{ID: g.id("address"), Address1: g.text(), City: g.name(),
				StateProvince: "FL", PostalCode: fmt.Sprintf("%05d", g.r.IntN(99999)), Country: "US", AddressType: resources.AddressPhysical})
		}
		if g.maybe() {
			l.Accessibility = []resources.Accessibility{{ID: g.id("access"), Description: g.text(), Details: g.text()}}
		}
		locations = append(locations, l)
		d.Records = append(d.Records, l)
	}
	for i := 0; i < n; i++ {
		org := orgs[g.r.IntN(len(orgs))]
		s := &resources.Service{ID: g.id("service"), OrganizationID: org.ID, Name: g.name(), Description: g.text(),
			AlternateName: g.text(), Status: []string{"active", "inactive", "defunct", "temporarily closed"}[g.r.IntN(4)],
			EligibilityDescription: g.text(), FeesDescription: g.text(), Tracked: g.tracked(),
			Phones: g.phones(terms, 2), Schedules: g.schedules(2), Languages: g.languages(2), Contacts: g.contacts(terms),
			Attributes: g.attributes(terms, 3), Metadata: g.metadata(1)}
		if g.maybe() {
			lo := float64(g.r.IntN(30))
			hi := lo + float64(g.r.IntN(60))
			s.MinimumAge, s.MaximumAge = &lo, &hi
		}
		if g.maybe() {
			s.ProgramID = programs[g.r.IntN(len(programs))].ID
		}
		if g.maybe() {
			s.ServiceAreas = []resources.ServiceArea{{ID: g.id("area"), Name: g.name(), ExtentType: "geojson",
				Extent: `{"type":"Polygon","coordinates":[[[-80.3,25.7],[-80.1,25.7],[-80.1,25.9],[-80.3,25.7]]]}`}}
		}
		if g.maybe() {
			s.CostOptions = []resources.CostOption{{ID: g.id("cost"), Option: g.text(), Currency: "USD", Amount: g.num(0, 500)}}
			s.RequiredDocuments = []resources.RequiredDocument{{ID: g.id("doc"), Document: g.text()}}
			s.Funding = []resources.Funding{{ID: g.id("funding"), Source: g.text()}}
		}
		d.Records = append(d.Records, s)
		for j := 0; j < g.r.IntN(3); j++ {
			l := locations[g.r.IntN(len(locations))]
			sal := &resources.ServiceAtLocation{ID: g.id("sal"), ServiceID: s.ID, LocationID: l.ID, Description: g.text(),
				Schedules: g.schedules(1), Tracked: g.tracked()}
			// A phone listed under the service, its location and this
			// service_at_location, as HSDS JSON repeats it.
			if len(s.Phones) > 0 && g.maybe() {
				p := s.Phones[0]
				sal.Phones = append(sal.Phones, p)
				l.Phones = append(l.Phones, p)
			}
			d.Records = append(d.Records, sal)
		}
	}
	return d
}

// canonical puts a directory through the readers' canonical form, as an
// import would.
func canonical(tb testing.TB, d *Directory) *Directory {
	tb.Helper()
	rs := newRecordSet()
	for _, r := range d.Records {
		c := cloneRecord(r)
		tidy(reflect.ValueOf(c)) // as a reader does before add
		rs.add("gen", c, false)
	}
	out := rs.directory(Options{})
	if r := rejected(out); len(r) > 0 {
		tb.Fatalf("generated records rejected: %v", r[0])
	}
	return out
}

func cloneRecord(r resources.Record) resources.Record {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	c, _ := resources.NewRecord(r.Kind())
	if err := json.Unmarshal(b, c); err != nil {
		panic(err)
	}
	return c
}

// ---- comparing directories ----

func sortedRecords(d *Directory) []resources.Record {
	out := slices.Clone(d.Records)
	slices.SortStableFunc(out, func(a, b resources.Record) int {
		if c := cmp.Compare(a.Kind(), b.Kind()); c != 0 {
			return c
		}
		return cmp.Compare(a.RecordID(), b.RecordID())
	})
	return out
}

// sameRecords fails the test with the first difference between want and got.
func sameRecords(tb testing.TB, what string, want, got *Directory) {
	tb.Helper()
	w, g := sortedRecords(want), sortedRecords(got)
	for i := 0; i < len(w) || i < len(g); i++ {
		switch {
		case i >= len(w):
			tb.Fatalf("%s: extra %s %q", what, g[i].Kind(), g[i].RecordID())
		case i >= len(g):
			tb.Fatalf("%s: missing %s %q", what, w[i].Kind(), w[i].RecordID())
		case !reflect.DeepEqual(w[i], g[i]):
			wj, _ := json.MarshalIndent(w[i], "", " ")
			gj, _ := json.MarshalIndent(g[i], "", " ")
			tb.Fatalf("%s: %s %q differs:\n%s", what, w[i].Kind(), w[i].RecordID(), lineDiff(string(wj), string(gj)))
		}
	}
}

func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			lo := max(0, i-3)
			return fmt.Sprintf("want …\n%s\ngot …\n%s", strings.Join(al[lo:min(len(al), i+4)], "\n"), strings.Join(bl[lo:min(len(bl), i+4)], "\n"))
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(al), len(bl))
}

// readJSONExport reads the files WriteJSON wrote as an import of the folder
// does (readJSONFiles): in name order, a record met twice kept once.
func readJSONExport(tb testing.TB, dir string) *Directory {
	tb.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	slices.Sort(names)
	out := &Directory{}
	seen := map[recordKey]bool{}
	for _, name := range names {
		d := readJSONFile(tb, name)
		for _, p := range d.Problems {
			tb.Errorf("reading %s: %v", filepath.Base(name), p)
		}
		for _, r := range d.Records {
			k := recordKey{r.Kind(), r.RecordID()}
			if !seen[k] {
				seen[k] = true
				out.Records = append(out.Records, r)
			}
		}
	}
	return out
}

func roundTrip(t *testing.T, d *Directory) {
	t.Helper()
	jdir := t.TempDir()
	if err := WriteJSON(jdir, d); err != nil {
		t.Fatal(err)
	}
	sameRecords(t, "WriteJSON → readJSON", d, readJSONExport(t, jdir))

	cdir := t.TempDir()
	if err := WriteCSV(cdir, d); err != nil {
		t.Fatal(err)
	}
	back := readTabular3Dir(t, cdir)
	for _, p := range back.Problems {
		t.Errorf("reading the CSV export: %v", p)
	}
	sameRecords(t, "WriteCSV → readTabular3", d, back)
}

// ---- tests ----

func TestRoundTripExamples(t *testing.T) {
	dir := needShared(t, "hsds-3.0-examples/examples")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			// Both exports of what was read from JSON give it back.
			roundTrip(t, readJSONFile(t, f))
		})
	}
	t.Run("csv", func(t *testing.T) {
		roundTrip(t, readTabular3Dir(t, filepath.Join(dir, "csv")))
	})
}

func TestRoundTripGenerated(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			roundTrip(t, canonical(t, genDirectory(seed, 1+int(seed)*3)))
		})
	}
}

// A directory read from HSDS 1.1 (Miami's 211 export) exports and reads back
// the same.
func TestRoundTripMiami(t *testing.T) {
	dir := needShared(t, "miami-211-hsds-1.1/datapackage-1566177582")
	if testing.Short() {
		t.Skip("short")
	}
	d, err := readTabularLegacy(os.DirFS(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The legacy reader's records in canonical form, as read.go can store
	// them (see canonicalize).
	n := len(d.Records)
	c := canonicalize(d, "miami", Options{})
	if len(c.Records) != n || len(rejected(c)) != len(rejected(d)) {
		t.Errorf("canonical form kept %d of %d records; %d rejected, then %d", len(c.Records), n, len(rejected(d)), len(rejected(c)))
	}
	roundTrip(t, c)
}

// An import (Read) of either export gives the directory back.
func TestReadExports(t *testing.T) {
	d := canonical(t, genDirectory(5, 30))
	jdir, cdir := t.TempDir(), t.TempDir()
	if err := WriteJSON(jdir, d); err != nil {
		t.Fatal(err)
	}
	back, err := Read(jdir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, "Read(WriteJSON)", d, back)

	if err := WriteCSV(cdir, d); err != nil {
		t.Fatal(err)
	}
	if legacy, _ := isLegacyPackage(os.DirFS(cdir)); legacy {
		t.Fatal("Read takes the HSDS 3.0 CSV export for a 1.1/2.0 package")
	}
	back, err = Read(cdir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, "Read(WriteCSV)", d, back)
}

// A write that fails leaves the file as it was and no temporary file.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "services.json")
	os.WriteFile(p, []byte("old"), 0o644)
	err := writeAtomic(p, func(w io.Writer) error {
		w.Write(bytes.Repeat([]byte("x"), 1<<20))
		return errors.New("disk full")
	})
	if err == nil {
		t.Fatal("no error")
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("file is now %d bytes", len(b))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files left", len(entries))
	}
}

func TestWriteDeterministic(t *testing.T) {
	d := canonical(t, genDirectory(42, 40))
	shuffled := &Directory{Records: slices.Clone(d.Records)}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled.Records), func(i, j int) {
		shuffled.Records[i], shuffled.Records[j] = shuffled.Records[j], shuffled.Records[i]
	})
	for _, w := range []struct {
		name  string
		write func(string, *Directory) error
	}{{"json", WriteJSON}, {"csv", WriteCSV}} {
		a, b := t.TempDir(), t.TempDir()
		if err := w.write(a, d); err != nil {
			t.Fatal(err)
		}
		if err := w.write(b, shuffled); err != nil {
			t.Fatal(err)
		}
		// Again into the same folder: files are replaced, nothing is left
		// behind.
		if err := w.write(b, shuffled); err != nil {
			t.Fatal(err)
		}
		ea, _ := os.ReadDir(a)
		eb, _ := os.ReadDir(b)
		if len(ea) != len(eb) {
			t.Fatalf("%s: %d files, then %d", w.name, len(ea), len(eb))
		}
		for _, e := range ea {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("%s: temporary file %s left", w.name, e.Name())
			}
			x, _ := os.ReadFile(filepath.Join(a, e.Name()))
			y, _ := os.ReadFile(filepath.Join(b, e.Name()))
			if !bytes.Equal(x, y) {
				t.Errorf("%s: %s differs between writes", w.name, e.Name())
			}
		}
	}
}

func TestWriteJSONLayout(t *testing.T) {
	org := &resources.Organization{ID: "o1", Name: "Org"}
	term := &resources.TaxonomyTerm{ID: "t1", Name: "Food", TaxonomyID: "x1"}
	tax := &resources.Taxonomy{ID: "x1", Name: "AIRS"}
	d := &Directory{Records: []resources.Record{
		&resources.Service{ID: "s2", OrganizationID: "o1", Name: "B", Status: "active", ProgramID: "p1",
			Attributes: []resources.Attribute{{ID: "a1", TaxonomyTermID: "t1", LinkID: "s2", LinkEntity: "service"}}},
		&resources.Service{ID: "s1", OrganizationID: "o1", Name: "A", Status: "active"},
		org, term, tax,
		&resources.TaxonomyTerm{ID: "t2", Name: "Unused"},
		&resources.Program{ID: "p1", OrganizationID: "o1", Name: "P"},
		&resources.Program{ID: "p2", OrganizationID: "gone", Name: "Orphan"},
		&resources.Location{ID: "l1", OrganizationID: "o1", LocationType: "physical"},
		&resources.Location{ID: "l2", LocationType: "virtual"},
		&resources.ServiceAtLocation{ID: "sal1", ServiceID: "s2", LocationID: "l2"},
	}}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "service_at_locations.json"), []byte("stale"), 0o644)
	if err := WriteJSON(dir, d); err != nil {
		t.Fatal(err)
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "locations.json organizations.json programs.json services.json taxonomies.json taxonomy_terms.json" {
		t.Errorf("files: %s", got)
	}
	var services []resources.Service
	b, _ := os.ReadFile(filepath.Join(dir, "services.json"))
	if err := json.Unmarshal(b, &services); err != nil {
		t.Fatal(err)
	}
	if len(services) != 2 || services[0].ID != "s1" || services[1].ID != "s2" {
		t.Fatalf("services: %+v", services)
	}
	s := services[1]
	if s.Organization == nil || s.Organization.ID != "o1" || s.Organization.Locations != nil || s.Program == nil ||
		len(s.ServiceAtLocations) != 1 || s.ServiceAtLocations[0].Location == nil || s.ServiceAtLocations[0].Location.ID != "l2" {
		t.Errorf("full service: %s", b)
	}
	if a := s.Attributes[0]; a.TaxonomyTerm == nil || a.TaxonomyTerm.ID != "t1" || a.TaxonomyTerm.TaxonomyDetail == nil || a.TaxonomyTerm.TaxonomyDetail.ID != "x1" {
		t.Errorf("attribute: %+v", a)
	}
	if !bytes.HasPrefix(b, []byte("[\n  {\n    \"id\": \"s1\",\n")) || !bytes.HasSuffix(b, []byte("\n  }\n]\n")) {
		t.Errorf("services.json is not indented as it should be:\n%s", b)
	}
	var orgs []resources.Organization
	b, _ = os.ReadFile(filepath.Join(dir, "organizations.json"))
	json.Unmarshal(b, &orgs)
	if len(orgs) != 1 || len(orgs[0].Programs) != 1 || len(orgs[0].Locations) != 1 || orgs[0].Locations[0].ID != "l1" {
		t.Errorf("organizations.json: %s", b)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "locations.json"))
	if !strings.Contains(string(b), `"l2"`) || strings.Contains(string(b), `"l1"`) {
		t.Errorf("locations.json: %s", b)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "taxonomy_terms.json"))
	if !strings.Contains(string(b), `"t2"`) {
		t.Errorf("taxonomy_terms.json: %s", b)
	}
	// Nothing was changed in the records written.
	if org.Locations != nil || d.Records[0].(*resources.Service).Attributes[0].TaxonomyTerm != nil {
		t.Error("WriteJSON changed its input")
	}
	sameRecords(t, "layout", canonical(t, d), readJSONExport(t, dir))

	// An empty directory writes empty lists.
	empty := t.TempDir()
	if err := WriteJSON(empty, &Directory{}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(empty, "services.json")); string(b) != "[]\n" {
		t.Errorf("empty services.json: %q", b)
	}
}

func TestWriteCSVLayout(t *testing.T) {
	dir := needShared(t, "hsds-3.0-examples/examples")
	d := readJSONFile(t, filepath.Join(dir, "service_full.json"))
	out := t.TempDir()
	if err := WriteCSV(out, d); err != nil {
		t.Fatal(err)
	}
	// Every table has HSDS's columns in HSDS's order, then refer's.
	var pkg struct {
		Resources []struct {
			Name, Path string
			Schema     struct{ Fields []struct{ Name string } }
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "csv", "datapackage.json"))
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	extras := map[string]string{
		"organizations.csv": "last_modified assured_date", "programs.csv": "last_modified assured_date",
		"locations.csv": "geocode_source last_modified assured_date", "service_at_location.csv": "last_modified assured_date",
		"taxonomies.csv": "last_modified assured_date", "taxonomy_terms.csv": "last_modified assured_date",
	}
	for _, r := range pkg.Resources {
		if r.Name == "meta_table_description" {
			continue
		}
		var want []string
		for _, f := range r.Schema.Fields {
			want = append(want, f.Name)
		}
		want = append(want, strings.Fields(extras[r.Path])...)
		f, err := os.Open(filepath.Join(out, r.Path))
		if err != nil {
			t.Error(err)
			continue
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != strings.Join(want, ",") {
			t.Errorf("%s columns:\n%s\nwant\n%s", r.Path, strings.Join(rows[0], ","), strings.Join(want, ","))
		}
	}
	// The phone nested in five places is one row naming all five, as HSDS's
	// own phones.csv has it.
	b, _ = os.ReadFile(filepath.Join(out, "phones.csv"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], exPhone+","+exLocation+","+exService+","+exOrg+","+exContact+","+exSAL+",") {
		t.Errorf("phones.csv:\n%s", b)
	}
	var meta map[string]any
	b, _ = os.ReadFile(filepath.Join(out, "datapackage.json"))
	if err := json.Unmarshal(b, &meta); err != nil || meta["profile"] != "tabular-data-package" {
		t.Errorf("datapackage.json: %v %s", err, b)
	}
}

// Every scalar field of every type is written in some column, and every
// HSDS column has a field behind it.
func TestCSVColumnsCoverFields(t *testing.T) {
	for _, l := range csvLayouts {
		for _, c := range l.cols {
			if c.field == nil {
				t.Errorf("%s: HSDS column %s has no field in %s", l.file, c.name, l.table.typ)
			}
		}
		if len(l.cols) != len(l.table.fields) {
			t.Errorf("%s: %d columns for %d fields", l.file, len(l.cols), len(l.table.fields))
		}
	}
	if len(csvLayouts) != len(hsdsTables) {
		t.Errorf("%d layouts for %d tables", len(csvLayouts), len(hsdsTables))
	}
}

// ---- benchmarks ----

var benchDir *Directory

func benchDirectory(b *testing.B) *Directory {
	if benchDir == nil {
		benchDir = canonical(b, genDirectory(99, 5000))
	}
	return benchDir
}

func BenchmarkWriteJSON(b *testing.B) {
	d := benchDirectory(b)
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteJSON(dir, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(d.Records))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkReadJSON(b *testing.B) {
	d := benchDirectory(b)
	dir := b.TempDir()
	if err := WriteJSON(dir, d); err != nil {
		b.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var size int64
	for _, n := range names {
		st, _ := os.Stat(n)
		size += st.Size()
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, n := range names {
			readJSONFile(b, n)
		}
	}
	b.ReportMetric(float64(len(d.Records))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkWriteCSV(b *testing.B) {
	d := benchDirectory(b)
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteCSV(dir, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(d.Records))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkReadTabular3(b *testing.B) {
	d := benchDirectory(b)
	dir := b.TempDir()
	if err := WriteCSV(dir, d); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		readTabular3Dir(b, dir)
	}
	b.ReportMetric(float64(len(d.Records))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
