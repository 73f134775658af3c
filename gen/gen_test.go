package gen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/resources/hsds"
)

// split sorts a directory's records by kind.
type split struct {
	taxonomies []*resources.Taxonomy
	terms      []*resources.TaxonomyTerm
	orgs       []*resources.Organization
	locations  []*resources.Location
	services   []*resources.Service
	sals       []*resources.ServiceAtLocation
}

func splitOf(t testing.TB, d *hsds.Directory) split {
	t.Helper()
	var s split
	for _, r := range d.Records {
		switch r := r.(type) {
		case *resources.Taxonomy:
			s.taxonomies = append(s.taxonomies, r)
		case *resources.TaxonomyTerm:
			s.terms = append(s.terms, r)
		case *resources.Organization:
			s.orgs = append(s.orgs, r)
		case *resources.Location:
			s.locations = append(s.locations, r)
		case *resources.Service:
			s.services = append(s.services, r)
		case *resources.ServiceAtLocation:
			s.sals = append(s.sals, r)
		default:
			t.Fatalf("unexpected record %T", r)
		}
	}
	return s
}

// big is shared by the tests that look at shares; made once.
var big = sync.OnceValue(func() *hsds.Directory { return gen.Generate(10000, 1) })

func TestRecordsValidAndFlat(t *testing.T) {
	d := gen.Generate(3000, 42)
	if len(d.Problems) != 0 {
		t.Errorf("problems: %v", d.Problems)
	}
	ids := map[resources.Ref]bool{}
	for _, r := range d.Records {
		ref := resources.Ref{Kind: r.Kind(), ID: r.RecordID()}
		if ids[ref] {
			t.Fatalf("%s %s twice", ref.Kind, ref.ID)
		}
		ids[ref] = true
		if _, err := uuid.Parse(r.RecordID()); err != nil {
			t.Errorf("%s id %q is not a uuid", r.Kind(), r.RecordID())
		}
		if err := r.Validate(); err != nil {
			t.Errorf("%s %s: %v", r.Kind(), r.RecordID(), err)
		}
		if !reflect.DeepEqual(resources.Flat(r), r) {
			t.Errorf("%s %s is not flat", r.Kind(), r.RecordID())
		}
		if resources.TrackedOf(r).LastModified == nil {
			t.Errorf("%s %s has no last_modified", r.Kind(), r.RecordID())
		}
	}
	for _, r := range d.Records {
		for _, p := range resources.References(r) {
			if !ids[resources.Ref{Kind: p.Kind, ID: p.ID}] {
				t.Errorf("%s %s: %s points at missing %s %s", r.Kind(), r.RecordID(), p.Field, p.Kind, p.ID)
			}
		}
	}
}

// TestForeignKeys checks that every nested record names its owner, as the
// tabular export needs.
func TestForeignKeys(t *testing.T) {
	s := splitOf(t, gen.Generate(2000, 3))
	for _, o := range s.orgs {
		for _, p := range o.Phones {
			if p.OrganizationID != o.ID {
				t.Errorf("organization %s: phone %s has organization_id %q", o.ID, p.ID, p.OrganizationID)
			}
		}
	}
	for _, l := range s.locations {
		if len(l.Addresses) != 1 || l.Addresses[0].LocationID != l.ID {
			t.Errorf("location %s: addresses %+v", l.ID, l.Addresses)
		}
		for _, p := range l.Phones {
			if p.LocationID != l.ID {
				t.Errorf("location %s: phone %s has location_id %q", l.ID, p.ID, p.LocationID)
			}
		}
		for _, a := range l.Accessibility {
			if a.LocationID != l.ID {
				t.Errorf("location %s: accessibility %s has location_id %q", l.ID, a.ID, a.LocationID)
			}
		}
	}
	for _, v := range s.services {
		for _, p := range v.Phones {
			if p.ServiceID != v.ID {
				t.Errorf("service %s: phone %s has service_id %q", v.ID, p.ID, p.ServiceID)
			}
		}
		for _, x := range v.Schedules {
			if x.ServiceID != v.ID {
				t.Errorf("service %s: schedule %s has service_id %q", v.ID, x.ID, x.ServiceID)
			}
		}
		for _, l := range v.Languages {
			if l.ServiceID != v.ID {
				t.Errorf("service %s: language %s has service_id %q", v.ID, l.ID, l.ServiceID)
			}
		}
		for _, a := range v.ServiceAreas {
			if a.ServiceID != v.ID {
				t.Errorf("service %s: area %s has service_id %q", v.ID, a.ID, a.ServiceID)
			}
		}
		for _, a := range v.Attributes {
			if a.LinkID != v.ID || a.LinkEntity != "service" {
				t.Errorf("service %s: attribute %s links %s %q", v.ID, a.ID, a.LinkEntity, a.LinkID)
			}
		}
	}
	for _, sal := range s.sals {
		for _, x := range sal.Schedules {
			if x.ServiceAtLocationID != sal.ID {
				t.Errorf("service_at_location %s: schedule %s has service_at_location_id %q", sal.ID, x.ID, x.ServiceAtLocationID)
			}
		}
	}
}

func TestCounts(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 7, 100} {
		s := splitOf(t, gen.Generate(n, 1))
		if got, want := len(s.services), max(n, 0); got != want {
			t.Errorf("Generate(%d): %d services", n, got)
		}
		if len(s.taxonomies) != 1 || s.taxonomies[0].Name != gen.TaxonomyName {
			t.Errorf("Generate(%d): taxonomies %v", n, s.taxonomies)
		}
		if n <= 0 && len(s.orgs)+len(s.locations)+len(s.sals) != 0 {
			t.Errorf("Generate(%d): %d organizations, %d locations, %d service_at_locations", n, len(s.orgs), len(s.locations), len(s.sals))
		}
	}
}

// TestShares checks the proportions the package promises, on 10,000
// services, and logs them.
func TestShares(t *testing.T) {
	d := big()
	s := splitOf(t, d)
	n := len(s.services)
	if n != 10000 {
		t.Fatalf("%d services, want 10000", n)
	}
	share := func(k int) float64 { return float64(k) / float64(n) }
	within := func(what string, got, lo, hi float64) {
		t.Helper()
		t.Logf("%-40s %.3f", what, got)
		if got < lo || got > hi {
			t.Errorf("%s = %.3f, want %.3f..%.3f", what, got, lo, hi)
		}
	}

	salsOf := map[string]int{}
	for _, sal := range s.sals {
		salsOf[sal.ServiceID]++
	}
	var virtual, areas, holes, active, assured3y, spanish, english, free, eligibility, ages, noHours, virtualPhone int
	for _, v := range s.services {
		k := salsOf[v.ID]
		if k > 3 {
			t.Errorf("service %s at %d sites", v.ID, k)
		}
		if k == 0 {
			virtual++
			if len(v.Phones) > 0 {
				virtualPhone++
			}
		}
		if len(v.ServiceAreas) > 0 {
			areas++
			if strings.Contains(v.ServiceAreas[0].Extent, "]],[[") {
				holes++
			}
		}
		if v.Status == resources.StatusActive {
			active++
		}
		if v.AssuredDate != "" {
			at, err := time.Parse(time.DateOnly, v.AssuredDate)
			if err != nil {
				t.Fatal(err)
			}
			if time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Sub(at) <= 3*366*24*time.Hour {
				assured3y++
			}
		}
		for _, l := range v.Languages {
			switch l.Name {
			case "Spanish":
				spanish++
			case "English":
				english++
			}
		}
		if strings.HasPrefix(v.FeesDescription, "Free") {
			free++
		}
		if v.EligibilityDescription != "" {
			eligibility++
		}
		if v.MinimumAge != nil || v.MaximumAge != nil {
			ages++
		}
		if len(v.Schedules) == 0 {
			noHours++
		}
		if len(v.Attributes) < 1 || len(v.Attributes) > 3 {
			t.Errorf("service %s has %d terms", v.ID, len(v.Attributes))
		}
	}
	within("services without a location", share(virtual), 0.04, 0.06)
	if virtualPhone != virtual {
		t.Errorf("%d of %d services without a location have a phone", virtualPhone, virtual)
	}
	within("services with a service area", share(areas), 0.085, 0.115)
	within("  of those, with a hole", float64(holes)/float64(areas), 0.18, 0.32)
	within("active", share(active), 0.935, 0.965)
	within("assured within 3 years", share(assured3y), 0.67, 0.73)
	within("English", share(english), 0.95, 1)
	within("Spanish", share(spanish), 0.5, 0.75)
	within("fees start with Free", share(free), 0.6, 0.95)
	within("with eligibility text", share(eligibility), 0.5, 0.95)
	within("with an age limit", share(ages), 0.05, 0.4)
	within("with no schedule", share(noHours), 0.05, 0.2)

	perOrg := float64(n) / float64(len(s.orgs))
	within("services per organization", perOrg, 3, 4.2)
	byOrg := map[string]int{}
	for _, v := range s.services {
		byOrg[v.OrganizationID]++
	}
	var one, twenty int
	for _, k := range byOrg {
		if k == 1 {
			one++
		}
		if k >= 20 {
			twenty++
		}
	}
	within("organizations with one service", float64(one)/float64(len(s.orgs)), 0.35, 0.5)
	if twenty < 10 {
		t.Errorf("%d organizations with 20 or more services, want a few dozen", twenty)
	}
	t.Logf("%d organizations, %d locations, %d service_at_locations, %d taxonomy terms, %d with 20+ services",
		len(s.orgs), len(s.locations), len(s.sals), len(s.terms), twenty)
	within("service_at_locations per located service", float64(len(s.sals))/float64(n-virtual), 1.2, 1.6)

	// Categories: the main (first) term's two-letter prefix.
	terms := map[string]*resources.TaxonomyTerm{}
	for _, tr := range s.terms {
		terms[tr.ID] = tr
	}
	prefixes := map[string]int{}
	for _, v := range s.services {
		prefixes[terms[v.Attributes[0].TaxonomyTermID].Code[:2]]++
	}
	within("main category PH (family support)", share(prefixes["PH"]), 0.12, 0.24)
	within("main category BD (food)", share(prefixes["BD"]), 0.02, 0.06)
	within("main category Y (never)", share(prefixes["Y"]), 0, 0)
	var keys []string
	for k := range prefixes {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return prefixes[b] - prefixes[a] })
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s %.1f%%", k, 100*share(prefixes[k]))
	}
	t.Logf("main categories:%s", b.String())
}

func TestServiceAreas(t *testing.T) {
	s := splitOf(t, big())
	checked, sumWidth := 0, 0.0
	for _, v := range s.services {
		for _, a := range v.ServiceAreas {
			checked++
			g, ok, err := a.Geometry()
			if err != nil || !ok {
				t.Fatalf("service %s: area %s: ok %v, %v", v.ID, a.ID, ok, err)
			}
			if _, isPoly := g.(orb.Polygon); !isPoly {
				t.Fatalf("service %s: area is a %T", v.ID, g)
			}
			// The extent as written, before validation orients it.
			raw, err := geojson.UnmarshalGeometry([]byte(a.Extent))
			if err != nil {
				t.Fatal(err)
			}
			p := raw.Geometry().(orb.Polygon)
			if p[0].Orientation() != orb.CCW {
				t.Errorf("service %s: outer ring is not counter-clockwise", v.ID)
			}
			if n := len(p[0]) - 1; n < 8 || n > 20 {
				t.Errorf("service %s: outer ring has %d vertices", v.ID, n)
			}
			bound := p[0].Bound()
			width := geo.Distance(orb.Point{bound.Min[0], bound.Center()[1]}, orb.Point{bound.Max[0], bound.Center()[1]}) / 1000
			height := geo.Distance(orb.Point{bound.Center()[0], bound.Min[1]}, orb.Point{bound.Center()[0], bound.Max[1]}) / 1000
			if width < 20 || width > 70 || height < 20 || height > 70 {
				t.Errorf("service %s: area is %.0f × %.0f km", v.ID, width, height)
			}
			sumWidth += (width + height) / 2
			for _, hole := range p[1:] {
				if hole.Orientation() != orb.CW {
					t.Errorf("service %s: hole is not clockwise", v.ID)
				}
				for _, pt := range hole {
					if !planar.RingContains(p[0], pt) {
						t.Errorf("service %s: hole point %v is outside the outer ring", v.ID, pt)
					}
				}
			}
		}
	}
	if checked < 800 {
		t.Errorf("only %d areas", checked)
	}
	t.Logf("%d areas, %.0f km across on average", checked, sumWidth/float64(checked))
}

// TestPlaces checks that sites are near their ZIP code and that the ZIP
// code is a real one in the address's state.
func TestPlaces(t *testing.T) {
	s := splitOf(t, big())
	var far float64
	for _, l := range s.locations {
		p, ok := l.Point()
		if !ok {
			t.Fatalf("location %s has no point", l.ID)
		}
		if p.Lat() < 17 || p.Lat() > 50 || p.Lon() < -125 || p.Lon() > -66 {
			t.Errorf("location %s at %v is outside the contiguous US", l.ID, p)
		}
		a := l.Addresses[0]
		lat, lon, ok := data.Centroid(a.PostalCode)
		if !ok {
			t.Errorf("location %s: ZIP %q is unknown", l.ID, a.PostalCode)
			continue
		}
		if a.Address1 == "" || a.City == "" || len(a.StateProvince) != 2 || a.Country != "US" {
			t.Errorf("location %s: address %+v", l.ID, a)
		}
		d := geo.Distance(p, orb.Point{lon, lat}) / 1000
		far = math.Max(far, d)
		if d > 45 {
			t.Errorf("location %s is %.0f km from the centroid of its ZIP %s", l.ID, d, a.PostalCode)
		}
	}
	t.Logf("%d locations; farthest from its ZIP's centroid: %.1f km", len(s.locations), far)
}

func TestDeterministic(t *testing.T) {
	enc := func(seed int64) []byte {
		b, err := json.Marshal(gen.Generate(1500, seed).Records)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := enc(9), enc(9), enc(10)
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different records")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds gave the same records")
	}
}

// TestExportIdentical writes two directories of the same seed through the
// exporter and compares the files byte for byte.
func TestExportIdentical(t *testing.T) {
	dirs := [2]string{t.TempDir(), t.TempDir()}
	for _, dir := range dirs {
		if err := hsds.WriteJSON(dir, gen.Generate(500, 5)); err != nil {
			t.Fatal(err)
		}
	}
	files, err := os.ReadDir(dirs[0])
	if err != nil || len(files) == 0 {
		t.Fatalf("export wrote %d files: %v", len(files), err)
	}
	for _, f := range files {
		a, err1 := os.ReadFile(filepath.Join(dirs[0], f.Name()))
		b, err2 := os.ReadFile(filepath.Join(dirs[1], f.Name()))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two exports of the same seed", f.Name())
		}
	}
}

// TestStoreTakesAll loads a generated directory into a real store.
func TestStoreTakesAll(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := gen.Generate(1000, 11)
	rep, err := hsds.Load(context.Background(), db, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rejected) > 0 || rep.Created != len(d.Records) {
		t.Fatalf("created %d of %d records; rejected %v", rep.Created, len(d.Records), rep.Rejected)
	}
	n, err := db.Count(context.Background(), resources.KindService)
	if err != nil || n != 1000 {
		t.Fatalf("store holds %d services (%v)", n, err)
	}
}

// TestEveryNeedServed checks that each need of the vocabulary
// (data/needs/needs.json) has a generated category under one of its AIRS
// prefixes, so that matching by need finds something in a synthetic
// directory.
func TestEveryNeedServed(t *testing.T) {
	var vocab struct {
		Needs []struct {
			Code string   `json:"code"`
			AIRS []string `json:"airs"`
		} `json:"needs"`
	}
	if err := json.Unmarshal(data.NeedsJSON(), &vocab); err != nil {
		t.Fatal(err)
	}
	s := splitOf(t, gen.Generate(1, 1))
	under := func(code, prefix string) bool {
		return code == prefix || strings.HasPrefix(code, prefix) &&
			(len(prefix) <= 2 || code[len(prefix)] == '.' || code[len(prefix)] == '-')
	}
	for _, n := range vocab.Needs {
		served := false
		for _, tr := range s.terms {
			for _, p := range n.AIRS {
				served = served || under(tr.Code, p)
			}
		}
		if !served {
			t.Errorf("no generated taxonomy term serves need %q", n.Code)
		}
	}
	if len(s.terms) < 50 || len(s.terms) > 90 {
		t.Errorf("%d taxonomy terms", len(s.terms))
	}
}

func TestIDsAreVersion5(t *testing.T) {
	s := splitOf(t, gen.Generate(10, 1))
	for _, o := range s.orgs {
		u := uuid.MustParse(o.ID)
		if u.Version() != 5 || u.Variant() != uuid.RFC4122 {
			t.Errorf("organization id %s is version %d, variant %v", o.ID, u.Version(), u.Variant())
		}
	}
}

func ExampleGenerate() {
	d := gen.Generate(100, 1)
	kinds := map[resources.Kind]int{}
	for _, r := range d.Records {
		kinds[r.Kind()]++
	}
	fmt.Println(kinds[resources.KindService], "services")
	fmt.Println(kinds[resources.KindTaxonomy], "taxonomy")
	// Output:
	// 100 services
	// 1 taxonomy
}

// BenchmarkGenerate makes directories of 10,000 and 100,000 services and
// reports services made per second and the heap that one directory holds
// (live-MB) besides the allocations.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			seed := int64(0)
			for b.Loop() {
				seed++
				gen.Generate(n, seed)
			}
			b.ReportMetric(float64(n)*float64(seed)/b.Elapsed().Seconds(), "services/s")
			b.ReportMetric(liveMB(func() any { return gen.Generate(n, 1) }), "live-MB")
		})
	}
}

// liveMB returns how much heap what make returns keeps alive.
func liveMB(make func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := make()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
}

// TestOneMetro: a directory around one metro has every site there, and
// its services still cover what a match asks for; Spanish is offered as
// often as the metro's table says. An unknown metro is refused.
func TestOneMetro(t *testing.T) {
	d, err := gen.GenerateWith(1000, 1, gen.Options{Metro: "miami"})
	if err != nil {
		t.Fatal(err)
	}
	s := splitOf(t, d)
	miami := orb.Point{-80.1937, 25.7836} // ZIP 33130, the metro's centre
	spanish := 0
	for _, l := range s.locations {
		p, _ := l.Point()
		if km := geo.Distance(p, miami) / 1000; km > 45 || l.Addresses[0].StateProvince != "FL" {
			t.Errorf("location %s is %.0f km from Miami, in %s", l.ID, km, l.Addresses[0].StateProvince)
		}
	}
	for _, sv := range s.services {
		for _, lang := range sv.Languages {
			if lang.Name == "Spanish" {
				spanish++
			}
		}
	}
	if n := len(s.services); n != 1000 || spanish < 700 || spanish > 900 {
		t.Errorf("%d services, %d of them in Spanish (the table says 80%%)", n, spanish)
	}
	again, _ := gen.GenerateWith(1000, 1, gen.Options{Metro: "Miami"})
	if !reflect.DeepEqual(d.Records, again.Records) {
		t.Error("the same seed and metro gave another directory")
	}
	if _, err := gen.GenerateWith(10, 1, gen.Options{Metro: "Springfield"}); resources.ErrorCode(err) != resources.EINVALID {
		t.Errorf("an unknown metro: %v", err)
	}
	if got := gen.Generate(300, 7); !reflect.DeepEqual(got.Records, must(gen.GenerateWith(300, 7, gen.Options{})).Records) {
		t.Error("Generate and GenerateWith without options differ")
	}
}

func must(d *hsds.Directory, err error) *hsds.Directory {
	if err != nil {
		panic(err)
	}
	return d
}
