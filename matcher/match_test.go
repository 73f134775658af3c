package matcher

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/listing"
	"github.com/refer-project/refer/resources"
)

// fakeFinder returns fixed candidates per need, as the index would.
type fakeFinder map[string][]Candidate

func (f fakeFinder) Find(_ context.Context, q FindQuery) (map[string][]Candidate, error) {
	out := map[string][]Candidate{}
	for _, n := range q.Needs {
		out[n] = f[n]
	}
	return out, nil
}

func (f fakeFinder) TextScores(context.Context, string, []string, orb.Point, float64) (map[string]float64, error) {
	return map[string]float64{"pantry": 4, "rent": 2}, nil
}

// TextHits: listings that the words "turned me down" fit.
func (f fakeFinder) TextHits(_ context.Context, text string, _ orb.Point, _ float64, n int) ([]TextHit, error) {
	if !strings.Contains(text, "turned me down") {
		return nil, nil
	}
	hits := []TextHit{
		{&listing.Listing{Name: "Benefits appeals clinic", Needs: []string{"legal-aid"}, Terms: []Term{{Code: "FT-1000.2500"}}}, 9},
		{&listing.Listing{Name: "Legal aid society", Needs: []string{"legal-aid", "housing-instability"}, Terms: []Term{{Code: "FT-3200"}, {Code: "FT-4500"}}}, 6},
		{&listing.Listing{Name: "A pantry whose description says appeal", Needs: []string{"food-insecurity"}, Terms: []Term{{Code: "BD-1800.2000"}}}, 2},
	}
	return hits[:min(n, len(hits))], nil
}

func km(v float64) *float64 { return &v }

var matchAt = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

func TestScoreParts(t *testing.T) {
	pantry := Candidate{Listing: &listing.Listing{ID: "pantry", ServiceID: "s1", ServiceAtLocationID: "pantry", Name: "Pantry",
		OrganizationID: "o1", Needs: []string{"food-insecurity", "housing-instability"},
		Terms: []Term{{Code: "BD-1800.2000", Name: "Food Pantries"}}, Languages: []string{"spanish", "es"},
		Free: true, LastVerified: "2026-06-01"},
		DistanceKm: km(0), Open: resources.OpenState{Known: true, Open: true, Until: "17:00"}}
	rent := Candidate{Listing: &listing.Listing{ID: "rent", ServiceID: "s2", ServiceAtLocationID: "rent", Name: "Rent help",
		OrganizationID: "o2", Needs: []string{"housing-instability"},
		Terms: []Term{{Code: "FT-4500", Name: "Landlord/Tenant Assistance"}}, Languages: []string{"english"}, Eligibility: "Adults 18 and over"},
		DistanceKm: km(10), Open: resources.OpenState{Known: true}}
	hotline := Candidate{Listing: &listing.Listing{ID: "s3", ServiceID: "s3", Name: "Hotline", OrganizationID: "o3", Virtual: true,
		Needs: []string{"food-insecurity"}, Terms: []Term{{Code: "BD", Name: "Food"}}}}
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{
		"food-insecurity":     {pantry, hotline},
		"housing-instability": {pantry, rent},
	}}
	age := 34.0
	res, err := m.Match(context.Background(), Request{
		Client: Client{Age: &age, Languages: []string{"Spanish"}},
		Needs:  []NeedInput{{Code: "food-insecurity"}, {Text: "rent"}, {Code: "housing-instability"}},
		At:     matchAt, IncludeVirtual: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]ScoreParts{}
	for _, o := range res.Options {
		parts[o.ServiceID] = o.ScoreParts
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"pantry need: BD-1800 (emergency food) is at food's core", parts["s1"].Need, GradeCore},
		{"rent need: landlord/tenant help is related to housing instability", parts["s2"].Need, GradeRelated},
		{"pantry text: the best BM25 score", parts["s1"].Text, 1},
		{"rent text: half of it", parts["s2"].Text, 0.5},
		{"pantry distance 0 km", parts["s1"].Distance, 1},
		{"rent distance 10 km", parts["s2"].Distance, math.Round(math.Exp(-1)*1000) / 1000},
		{"hotline distance: by phone", parts["s3"].Distance, 0.3},
		{"pantry eligibility: nothing stated", parts["s1"].Eligibility, 0.5},
		{"rent eligibility: adults, client 34", parts["s2"].Eligibility, 1},
		{"pantry language: Spanish spoken", parts["s1"].Language, 1},
		{"rent language: not Spanish", parts["s2"].Language, 0},
		{"hotline language: none listed", parts["s3"].Language, 0.5},
		{"pantry open", parts["s1"].Open, 1},
		{"rent closed", parts["s2"].Open, 0.3},
		{"hotline hours unknown", parts["s3"].Open, 0.5},
		{"pantry free", parts["s1"].Cost, 1},
		{"rent cost unknown", parts["s2"].Cost, 0.5},
		{"pantry verified half a year ago", parts["s1"].Freshness, 1},
		{"rent never verified", parts["s2"].Freshness, 0.2},
		// "rent" reads as housing-instability, already asked for: two needs.
		{"pantry covers both needs", parts["s1"].Coverage, 1},
		{"rent covers one", parts["s2"].Coverage, 0},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v; want %v", tt.name, tt.got, tt.want)
		}
	}
	if res.Options[0].ServiceID != "s1" || res.Options[0].Rank != 1 {
		t.Errorf("first option %+v", res.Options[0])
	}
	for _, o := range res.Options {
		if want := round(o.ScoreParts.total()); o.Score != want {
			t.Errorf("%s: score %v is not the weighted sum of its parts %v", o.ServiceID, o.Score, want)
		}
		if len(o.Reasons) == 0 {
			t.Errorf("%s: no reasons", o.ServiceID)
		}
	}
	if !slices.Equal(res.ByNeed["food-insecurity"], []string{"pantry", "s3"}) {
		t.Errorf("by_need food: %v", res.ByNeed["food-insecurity"])
	}
}

func TestSafetyFirstDiversityAndTies(t *testing.T) {
	var cands []Candidate
	// Five sites of one big agency of general victim services right here,
	// a domestic-violence hotline a little further away, and two equal
	// sites of domestic-violence support groups.
	for _, id := range []string{"a1", "a2", "a3", "a4", "a5"} {
		cands = append(cands, Candidate{Listing: &listing.Listing{ID: id, ServiceID: id, OrganizationID: "big",
			Needs: []string{"intimate-partner-violence"}, Terms: []Term{{Code: "FN-1900.2500"}}}, DistanceKm: km(0.5)})
	}
	cands = append(cands,
		Candidate{Listing: &listing.Listing{ID: "z-twin", ServiceID: "z-twin", OrganizationID: "o2", Needs: []string{"intimate-partner-violence"}, Terms: []Term{{Code: "PN-8100.0200-180"}}}, DistanceKm: km(2)},
		Candidate{Listing: &listing.Listing{ID: "y-twin", ServiceID: "y-twin", OrganizationID: "o3", Needs: []string{"intimate-partner-violence"}, Terms: []Term{{Code: "PN-8100.0200-180"}}}, DistanceKm: km(2)},
		Candidate{Listing: &listing.Listing{ID: "hotline", ServiceID: "hotline", OrganizationID: "o4", Needs: []string{"intimate-partner-violence"}, Terms: []Term{{Code: "RP-1500.1400-200"}}}, DistanceKm: km(8)},
	)
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{"intimate-partner-violence": cands}}
	res, err := m.Match(context.Background(), Request{Needs: []NeedInput{{Code: "intimate-partner-violence"}}, At: matchAt, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range res.Options {
		got = append(got, o.ServiceID)
	}
	// The hotline first (the need's core); the support groups (related)
	// by id before the nearer general victim services (peripheral); two of
	// the big agency.
	want := []string{"hotline", "y-twin", "z-twin", "a1", "a2"}
	if !slices.Equal(got, want) {
		t.Errorf("options %v; want %v", got, want)
	}
}

// TestGrades: each need's core services come first, from the taxonomy's
// codes and the published crosswalks (the weak needs of issue 12 among them).
func TestGrades(t *testing.T) {
	v := mustVocabulary(t)
	tests := []struct {
		need, code, name string
		want             float64
	}{
		{"health-care", "LN-1500.1500", "", GradeCore},       // community clinics
		{"health-care", "LV-2600", "", GradeCore},            // family medicine
		{"health-care", "LT-3400.0100", "", GradeRelated},    // immunizations
		{"health-care", "LH-2700.6000", "", GradePeripheral}, // nutrition education
		{"health-care", "LJ-5000.8000", "", 0},               // safe havens for abandoned newborns
		{"health-care", "RP-1400", "", 0},                    // mental health is a need of its own
		{"homelessness", "BH-1800.8500", "", GradeCore},      // homeless shelter
		{"homelessness", "BH-1800.1500-100", "", GradeRelated},
		{"homelessness", "BH-8400.3000", "", GradeRelated},
		{"homelessness", "BH-8400", "", GradePeripheral},
		{"homelessness", "BH-8400.6000-060", "", 0}, // assisted living
		{"intimate-partner-violence", "RP-1500.1400-200", "", GradeCore},
		{"intimate-partner-violence", "BH-1800.1500-100", "", GradeCore},
		{"intimate-partner-violence", "FN-1900.2500", "", GradePeripheral}, // general crime victim assistance
		{"intimate-partner-violence", "RP-1500.1400-250", "", 0},           // general crisis lines
		{"legal-aid", "FT-3200", "", GradeCore},
		{"legal-aid", "FT-3000.1700", "", GradeRelated},
		{"legal-aid", "FP-0500.3300", "", GradePeripheral},
		{"transportation-insecurity", "BT-4500.6500-500", "", GradeCore},
		{"transportation-insecurity", "BT-8750.1400", "", 0},    // consulates
		{"digital-access", "BM-6000.1500", "", GradeCore},       // computer distribution
		{"digital-access", "TJ-4500", "", GradeRelated},         // libraries: public computers
		{"digital-access", "PL-7400.1500", "", GradePeripheral}, // computer classes: a lab's computers
		{"homelessness", "", "Emergency Shelter", GradeCore},
		{"homelessness", "", "Safe Housing", GradeOpenEligibility},
		{"homelessness", "", "Food Pantry", 0},
	}
	for _, tt := range tests {
		n, _ := v.Need(tt.need)
		if got := n.Grade(tt.code, tt.name); got != tt.want {
			t.Errorf("%s %s%s: grade %v; want %v", tt.need, tt.code, tt.name, got, tt.want)
		}
	}
	// The index's needs agree: a code a need does not serve is not its.
	if got := v.NeedsOfTerm(&resources.TaxonomyTerm{Code: "BT-8750.1400"}); len(got) != 0 {
		t.Errorf("consulates serve %v", got)
	}
	if got := v.NeedsOfTerm(&resources.TaxonomyTerm{Code: "BH-8400.6000-060"}); !slices.Equal(got, []string{"disability-support"}) {
		t.Errorf("assisted living serves %v", got)
	}
}

// TestCoreNeedsOfTerm: the needs a term serves at their core, which the
// index keeps apart so a match's candidates hold them (index.Config.CoreNeedsOf).
func TestCoreNeedsOfTerm(t *testing.T) {
	v := mustVocabulary(t)
	for _, tt := range []struct {
		code, name string
		want       []string
	}{
		{"LH-5100.6500", "", []string{"medical-cost-burden"}}, // prescription expense help
		{"LN-1500", "", []string{"health-care"}},              // community clinics: related for medical cost burden
		{"BH-1800.8500", "", []string{"homelessness"}},        // homeless shelter
		{"BH-8400", "", nil},                                  // housing, peripheral
		{"", "Emergency Shelter", []string{"homelessness"}},   // an Open Eligibility core name
		{"", "Food Pantries", nil},                            // a free keyword reads as related at best
	} {
		got := v.CoreNeedsOfTerm(&resources.TaxonomyTerm{Code: tt.code, Name: tt.name})
		if !slices.Equal(got, tt.want) {
			t.Errorf("CoreNeedsOfTerm(%q %q) = %v; want %v", tt.code, tt.name, got, tt.want)
		}
		for _, n := range got {
			if !slices.Contains(v.NeedsOfTerm(&resources.TaxonomyTerm{Code: tt.code, Name: tt.name}), n) {
				t.Errorf("%s%s: core of %s, which it does not serve", tt.code, tt.name, n)
			}
		}
	}
}

// TestKeywordTerms: a directory with no taxonomy codes (San Mateo's Ohana
// sample) says what its services do in keywords; their names are read as
// words are, for the index's needs and the need part of the score.
func TestKeywordTerms(t *testing.T) {
	v := mustVocabulary(t)
	for _, tt := range []struct {
		name, need string
		want       float64
	}{
		{"Food Pantries", "food-insecurity", GradeRelated},
		{"Utility Service Payment Assistance", "utility-insecurity", GradeRelated},
		{"Homeless Shelter", "homelessness", GradeRelated},
		{"Community Clinics", "health-care", GradeRelated},
		{"Automobile Loans", "transportation-insecurity", GradeRelated},
		{"Public Libraries", "digital-access", GradeRelated},
		{"Individual/Group Counseling", "mental-health", GradeRelated},
		{"Individual/Group Counseling", "stress", GradePeripheral}, // Open Eligibility's Counseling is stress's core
		{"Food Pantries", "homelessness", 0},
		{"Arts and Crafts", "food-insecurity", 0},
	} {
		n, _ := v.Need(tt.need)
		if got := v.TermGrade(n, Term{Name: tt.name}); got != tt.want {
			t.Errorf("%q for %s: %v; want %v", tt.name, tt.need, got, tt.want)
		}
		if got := slices.Contains(v.NeedsOfTerm(&resources.TaxonomyTerm{Name: tt.name}), tt.need); got != (tt.want > 0) {
			t.Errorf("NeedsOfTerm(%q) has %s: %v", tt.name, tt.need, got)
		}
	}
	// A term with a code is graded by its code alone, never its name.
	n, _ := v.Need("food-insecurity")
	if got := v.TermGrade(n, Term{Code: "PL-7400", Name: "Food Pantries"}); got != 0 {
		t.Errorf("a coded term's name counted: %v", got)
	}
}

// TestDescribedNeed: a need that the index read from a keyword service's
// own description (it is among the listing's needs, and no term serves it)
// has the need part of a keyword that names it; a need neither serves has
// none.
func TestDescribedNeed(t *testing.T) {
	v := mustVocabulary(t)
	c := &Candidate{Listing: &listing.Listing{Needs: []string{"dental-care", "health-care"}, Terms: []Term{{Name: "Community Clinics"}}}}
	for _, tt := range []struct {
		need string
		want float64
	}{
		{"dental-care", GradeDescribed},
		{"health-care", GradeRelated}, // by its keyword
		{"food-insecurity", 0},
	} {
		n, _ := v.Need(tt.need)
		if _, got := needFit(v, c, n); got != tt.want {
			t.Errorf("%s: %v; want %v", tt.need, got, tt.want)
		}
	}
}

func TestUnmetAndUnknownNeeds(t *testing.T) {
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{}}
	res, err := m.Match(context.Background(), Request{Needs: []NeedInput{{Code: "dental-care"}}, At: matchAt})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.UnmetNeeds, []string{"dental-care"}) || len(res.Options) != 0 {
		t.Errorf("unmet %v options %v", res.UnmetNeeds, res.Options)
	}
	_, err = m.Match(context.Background(), Request{Needs: []NeedInput{{Code: "hunger"}}})
	if resources.ErrorCode(err) != resources.EINVALID || resources.ErrorFields(err)["needs[0].code"] == "" {
		t.Errorf("unknown need code: %v", err)
	}
	_, err = m.Match(context.Background(), Request{Needs: []NeedInput{{Text: "hello there"}}})
	if resources.ErrorCode(err) != resources.EINVALID {
		t.Errorf("words with no need, and no listing they fit: %v", err)
	}
}

// TestNeedsFromDirectory: words the lexicon does not know are read from
// the listings they fit; needs[].source says so.
func TestNeedsFromDirectory(t *testing.T) {
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{}}
	res, err := m.Match(context.Background(), Request{Needs: []NeedInput{{Text: "they turned me down, what now"}}, At: matchAt})
	if err != nil {
		t.Fatal(err)
	}
	// legal-aid: 9/9*0.5 + 6/9*1 = 1.17; housing-instability 6/9*0.5 = 0.33
	// and food 2/9: under the share of the best.
	if len(res.Needs) != 1 || res.Needs[0].Code != "legal-aid" || res.Needs[0].Source != "directory" ||
		!strings.Contains(res.Needs[0].Why, "Benefits appeals clinic") {
		t.Errorf("needs %+v", res.Needs)
	}
}

// TestUnmetWordsReadFromDirectory: when nothing near the client serves the
// need that words name, the listings the words fit say what the directory
// offers instead, and the words' need stays among the unmet.
func TestUnmetWordsReadFromDirectory(t *testing.T) {
	clinic := Candidate{Listing: &listing.Listing{ID: "legal", ServiceID: "legal", Name: "Legal aid society", OrganizationID: "o",
		Needs: []string{"legal-aid"}, Terms: []Term{{Code: "FT-3200"}}}, DistanceKm: km(2)}
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{"legal-aid": {clinic}}}
	res, err := m.Match(context.Background(), Request{Needs: []NeedInput{{Text: "i need a dentist, the last one turned me down"}}, At: matchAt})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range res.Needs {
		got = append(got, n.Code+" "+n.Source)
	}
	if !slices.Contains(got, "dental-care text") || !slices.Contains(got, "legal-aid directory") {
		t.Errorf("needs %v", got)
	}
	if !slices.Contains(res.UnmetNeeds, "dental-care") || len(res.Options) != 1 || res.Options[0].ServiceID != "legal" {
		t.Errorf("unmet %v, options %+v", res.UnmetNeeds, res.Options)
	}
	// A need the words name that is served: nothing is read from the directory.
	m.Finder = fakeFinder{"dental-care": {clinic}}
	if res, err = m.Match(context.Background(), Request{Needs: []NeedInput{{Text: "i need a dentist, the last one turned me down"}}, At: matchAt}); err != nil || len(res.Needs) != 1 {
		t.Errorf("served words: %v %+v", err, res)
	}
}

// TestWordsNeedWeighed: the need words name most strongly comes first; one
// they name in passing weighs its options' need part by how strongly.
func TestWordsNeedWeighed(t *testing.T) {
	repair := Candidate{Listing: &listing.Listing{ID: "repair", ServiceID: "repair", Name: "Home repair", OrganizationID: "o1",
		Needs: []string{"inadequate-housing"}, Terms: []Term{{Code: "BH-3000.3550-390"}}}, DistanceKm: km(4)}
	clinic := Candidate{Listing: &listing.Listing{ID: "clinic", ServiceID: "clinic", Name: "Clinic", OrganizationID: "o2",
		Needs: []string{"health-care"}, Terms: []Term{{Code: "LN-1500"}}}, DistanceKm: km(1)}
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{"inadequate-housing": {repair}, "health-care": {clinic}}}
	res, err := m.Match(context.Background(), Request{Needs: []NeedInput{{Text: "mold all over the bathroom and its making my son sick"}}, At: matchAt})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Needs) != 2 || res.Needs[0].Code != "inadequate-housing" || res.Needs[1].Code != "health-care" {
		t.Fatalf("needs %+v", res.Needs)
	}
	if len(res.Options) != 2 || res.Options[0].ServiceID != "repair" {
		t.Fatalf("options %+v", res.Options)
	}
	if p := res.Options[1].ScoreParts.Need; p <= 0 || p >= GradeCore {
		t.Errorf("the clinic's need part %v: weighed by how strongly 'sick' names health care", p)
	}
	// By code, a need is sure.
	res, err = m.Match(context.Background(), Request{Needs: []NeedInput{{Code: "health-care"}}, At: matchAt})
	if err != nil || len(res.Options) != 1 || res.Options[0].ScoreParts.Need != GradeCore {
		t.Errorf("by code: %v %+v", err, res.Options)
	}
}

func BenchmarkScore(b *testing.B) {
	v := mustVocabulary(b)
	var cands []Candidate
	for i := 0; i < 100; i++ {
		cands = append(cands, Candidate{Listing: &listing.Listing{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), OrganizationID: "o",
			Needs: []string{"food-insecurity"}, Terms: []Term{{Code: "BD-1800.2000"}}, Eligibility: "Adults 18 and over", LastVerified: "2026-01-01"},
			DistanceKm: km(float64(i) / 10)})
	}
	m := &Matcher{Vocab: v, Finder: fakeFinder{"food-insecurity": cands}}
	age := 30.0
	req := Request{Client: Client{Age: &age}, Needs: []NeedInput{{Code: "food-insecurity"}}, At: matchAt}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Match(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

// TestChildrenOnlyForAnAdult: a service whose codes name only children
// may serve an adult's children, which for the adult's own need is less
// than a service that says nothing of its clients; for child care, a need
// met through the client's children, it is what the adult asks for.
func TestChildrenOnlyForAnAdult(t *testing.T) {
	kids := Candidate{Listing: &listing.Listing{ID: "kids", ServiceID: "kids", ServiceAtLocationID: "kids", Name: "Kids' pantry", OrganizationID: "o1",
		Needs: []string{"food-insecurity", "childcare"}, Terms: []Term{{Code: "BD-1800.2000"}, {Code: "PH-1250"}, {Code: "YB-9500.1500-680"}}}, DistanceKm: km(1)}
	open := Candidate{Listing: &listing.Listing{ID: "open", ServiceID: "open", ServiceAtLocationID: "open", Name: "Pantry", OrganizationID: "o2",
		Needs: []string{"food-insecurity", "childcare"}, Terms: []Term{{Code: "BD-1800.2000"}, {Code: "PH-1250"}}}, DistanceKm: km(1.5)}
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{"food-insecurity": {kids, open}, "childcare": {kids, open}}}
	age := 34.0
	for _, tt := range []struct {
		need  string
		first string
		elig  float64
	}{
		{"food-insecurity", "open", forChildrenOnly},
		{"childcare", "kids", 0.7},
	} {
		res, err := m.Match(context.Background(), Request{Client: Client{Age: &age}, Needs: []NeedInput{{Code: tt.need}}, At: matchAt})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Options) != 2 || res.Options[0].ServiceID != tt.first {
			t.Fatalf("%s: options %+v; want %s first", tt.need, res.Options, tt.first)
		}
		for _, o := range res.Options {
			if o.ServiceID == "kids" && (o.Eligibility != Likely || o.ScoreParts.Eligibility != tt.elig) {
				t.Errorf("%s: the children's service is %s, eligibility part %v; want likely, %v", tt.need, o.Eligibility, o.ScoreParts.Eligibility, tt.elig)
			}
		}
	}
}

// TestElderAbuseFromAnOlderClientsWords: words of abuse from a client of 60
// or more read elder abuse too (needs.json also_read), whoever the abuser;
// from a younger client they read partner violence alone.
func TestElderAbuseFromAnOlderClientsWords(t *testing.T) {
	aps := Candidate{Listing: &listing.Listing{ID: "aps", ServiceID: "aps", ServiceAtLocationID: "aps", Name: "Adult protective services", OrganizationID: "o1",
		Needs: []string{"elder-abuse"}, Terms: []Term{{Code: "PH-6500.0500"}}}, DistanceKm: km(3)}
	dv := Candidate{Listing: &listing.Listing{ID: "dv", ServiceID: "dv", ServiceAtLocationID: "dv", Name: "Domestic violence hotline", OrganizationID: "o2",
		Needs: []string{"intimate-partner-violence"}, Terms: []Term{{Code: "RP-1500.1400-200"}}}, DistanceKm: km(3)}
	var scored []string // the needs the finder scores the words' services of
	m := &Matcher{Vocab: mustVocabulary(t), Finder: recordingFinder{fakeFinder{"elder-abuse": {aps}, "intimate-partner-violence": {dv}}, &scored}}
	for _, tt := range []struct {
		age  float64
		text string
		want []string
	}{
		{76, "my son takes my social security check and hits me", []string{"intimate-partner-violence", "elder-abuse"}},
		{79, "mi hijo me quita el cheque y me maltrata", []string{"intimate-partner-violence", "elder-abuse"}},
		{34, "my boyfriend hits me", []string{"intimate-partner-violence"}},
	} {
		age := tt.age
		res, err := m.Match(context.Background(), Request{Client: Client{Age: &age}, Needs: []NeedInput{{Text: tt.text}}, At: matchAt})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range res.Needs {
			got = append(got, n.Code)
			if n.Source != "text" || n.Why == "" {
				t.Errorf("%q: need %s read from %q, why %q", tt.text, n.Code, n.Source, n.Why)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q, client of %v: needs %v; want %v", tt.text, tt.age, got, tt.want)
		}
		if !slices.Equal(scored, tt.want) {
			t.Errorf("%q, client of %v: the words' services scored for %v; want %v", tt.text, tt.age, scored, tt.want)
		}
	}
}

// recordingFinder is a fakeFinder that notes the needs TextScores is given.
type recordingFinder struct {
	fakeFinder
	needs *[]string
}

func (r recordingFinder) TextScores(ctx context.Context, text string, needs []string, near orb.Point, km float64) (map[string]float64, error) {
	*r.needs = needs
	return r.fakeFinder.TextScores(ctx, text, needs, near, km)
}

// TestSafetyFirstOnlyWhenSure: a safety need's core services come before
// all others when the need is the client's for sure; read second from the
// words, they rank by score like the rest.
func TestSafetyFirstOnlyWhenSure(t *testing.T) {
	therapy := Candidate{Listing: &listing.Listing{ID: "ot", ServiceID: "ot", ServiceAtLocationID: "ot", Name: "Pediatric therapies", OrganizationID: "o1",
		Needs: []string{"disability-support"}, Terms: []Term{{Code: "LR-6600"}}}, DistanceKm: km(0.5)}
	counseling := Candidate{Listing: &listing.Listing{ID: "mh", ServiceID: "mh", ServiceAtLocationID: "mh", Name: "Counseling centre", OrganizationID: "o2",
		Needs: []string{"mental-health"}, Terms: []Term{{Code: "RP-1400"}}}, DistanceKm: km(8)}
	m := &Matcher{Vocab: mustVocabulary(t), Finder: fakeFinder{"disability-support": {therapy}, "mental-health": {counseling}}}
	age := 7.0
	for _, tt := range []struct {
		needs []NeedInput
		first string
	}{
		{[]NeedInput{{Text: "my son is autistic and needs therapy"}}, "ot"},        // mental health read second
		{[]NeedInput{{Code: "disability-support"}, {Code: "mental-health"}}, "mh"}, // given: the crisis need first
	} {
		res, err := m.Match(context.Background(), Request{Client: Client{Age: &age}, Needs: tt.needs, At: matchAt})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Options) != 2 || res.Options[0].ServiceID != tt.first {
			t.Errorf("%+v: options %v; want %s first", tt.needs, res.Options, tt.first)
		}
	}
}
