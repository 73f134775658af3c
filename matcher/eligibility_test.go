package matcher

import (
	"encoding/csv"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
)

// aud writes an audience compactly for comparison: "female 18-", "any 5-17".
func aud(as []Audience) string {
	var parts []string
	for _, a := range as {
		g := a.Gender
		if g == "" {
			g = "any"
		}
		lo, hi := "", ""
		if a.MinAge != nil {
			lo = years(*a.MinAge)
		}
		if a.MaxAge != nil {
			hi = years(*a.MaxAge)
		}
		parts = append(parts, g+" "+lo+"-"+hi)
	}
	return strings.Join(parts, "; ")
}

func TestParseEligibility(t *testing.T) {
	tests := []struct {
		text      string
		audiences string
		check     func(Requirements) bool
	}{
		{"Ages 5-17", "any 5-17", nil},
		{"Children 5-13 years old", "any 5-13", nil},
		{"60 and older", "any 60-", nil},
		{"Adults 18 years old and over", "any 18-", nil},
		{"Seniors", "any 60-", nil},
		{"Women", "female -", nil},
		{"Men 21-60 years old. Must have a photo ID.", "male 21-60", nil},
		{"Women and children.", "female 18-; any -17", nil},
		{"All girls, 5-17 years old, in Miami-Dade and Monroe Counties.", "female 5-17", func(r Requirements) bool {
			return len(r.Places) == 0 || r.Places[0] != "" // places read loosely; ages must be right
		}},
		{"Youth under 18", "any -17", nil},
		{"Infants and toddlers 12 months - 3 years old", "any 1-3", nil},
		{"Must be between 2 1/2 and 18 years old", "any 2.5-18", nil},
		{"Over 21", "any 22-", nil},
		{"Must have children under 18 in the home", "", func(r Requirements) bool { return r.ParentsOnly }},
		{"Families with children", "", func(r Requirements) bool { return r.ParentsOnly }},
		// San Mateo's car loans: the minor child is the client's, not the client.
		{"Eligibility: Low-income family with legal custody of a minor child or an involved parent of a dependent minor child. Must reside and/or work in San Mateo County.", "", func(r Requirements) bool { return r.ParentsOnly && r.LowIncome }},
		{"A parent or guardian of a child under 5", "", func(r Requirements) bool { return r.ParentsOnly }},
		{"US Veterans and their families", "", func(r Requirements) bool { return r.Veterans && r.VeteranFamilies }},
		{"Veterans with a DD-214", "", func(r Requirements) bool { return r.Veterans && !r.VeteranFamilies }},
		{"Miami-Dade County residents", "", func(r Requirements) bool { return len(r.Places) == 1 && r.Places[0] == "miami-dade" }},
		{"Must reside in Broward County", "", func(r Requirements) bool { return len(r.Places) == 1 && r.Places[0] == "broward" }},
		{"Income at or below 200% of the federal poverty level", "", func(r Requirements) bool { return r.MaxIncomeFPL == 200 }},
		{"Low income families", "", func(r Requirements) bool { return r.LowIncome }},
		{"Uninsured adults", "any 18-", func(r Requirements) bool { return len(r.Insurance) == 1 && r.Insurance[0] == "uninsured" }},
		{"Open to all", "", func(r Requirements) bool { return r.OpenToAll }},
		{"Anyone of any age", "", func(r Requirements) bool { return r.OpenToAll }},
		{"", "", func(r Requirements) bool { return !r.Stated }},
		{"Call for more information", "", func(r Requirements) bool { return r.Stated && !r.OpenToAll }},
	}
	for _, tt := range tests {
		r := ParseEligibility(tt.text)
		if got := aud(r.Audiences); got != tt.audiences {
			t.Errorf("%q: audiences %q; want %q", tt.text, got, tt.audiences)
		}
		if tt.check != nil && !tt.check(r) {
			t.Errorf("%q: %+v", tt.text, r)
		}
	}
}

// TestParseMiamiEligibility reads real sentences from the Miami 211 export
// (read at test time; its licence forbids copying them here), by line.
func TestParseMiamiEligibility(t *testing.T) {
	f, err := os.Open(fixture.SharedData(t, "miami-211-hsds-1.1", "datapackage-1566177582", "data", "eligibility.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	line := func(n int) string { return rows[n-1][2] } // header is line 1
	tests := []struct {
		line      int
		audiences string
		check     func(Requirements) bool
	}{
		{55, "", func(r Requirements) bool { return r.Veterans && r.VeteranFamilies }}, // veterans and families
		{64, "any 18-", nil},     // adults 18 and over
		{129, "any 18-54", nil},  // adults 18-54 with a diagnosis
		{148, "any 2.5-18", nil}, // between 2 1/2 and 18
		{177, "any 18-", nil},    // 18 or older
		{401, "", func(r Requirements) bool { return r.OpenToAll }},               // anyone of any age
		{551, "any 0-12", func(r Requirements) bool { return len(r.Places) > 0 }}, // children 0-12 in a county
		{618, "female -", nil}, // expectant mothers
		{1235, "any 19-64", func(r Requirements) bool { return r.MaxIncomeFPL == 200 && len(r.Insurance) == 1 }}, // <200% FPL, uninsured
		{1499, "any 21-", nil},
		{2144, "any 5-13", nil},
		{1943, "any 5-12", nil},
	}
	for _, tt := range tests {
		text := line(tt.line)
		r := ParseEligibility(text)
		if got := aud(r.Audiences); got != tt.audiences {
			t.Errorf("line %d %q: audiences %q; want %q", tt.line, text, got, tt.audiences)
		}
		if tt.check != nil && !tt.check(r) {
			t.Errorf("line %d %q: %+v", tt.line, text, r)
		}
	}
	// Every sentence parses without trouble, and how much is read is known.
	read := 0
	for _, row := range rows[1:] {
		r := ParseEligibility(row[2])
		if len(r.Audiences) > 0 || r.Veterans || len(r.Places) > 0 || r.OpenToAll || r.ParentsOnly || r.MaxIncomeFPL > 0 || r.LowIncome {
			read++
		}
	}
	t.Logf("read a requirement from %d of %d Miami eligibility sentences", read, len(rows)-1)
}

func TestCheck(t *testing.T) {
	age := func(v float64) *float64 { return &v }
	yes, no := true, false
	nan := math.NaN()
	tests := []struct {
		name   string
		req    Requirements
		client Client
		km     float64
		want   string
	}{
		{"nothing stated", Requirements{}, Client{Age: age(30)}, nan, Unknown},
		{"open to all", ParseEligibility("Open to all"), Client{}, nan, Eligible},
		{"age fits", ParseEligibility("Ages 18-64"), Client{Age: age(30)}, nan, Eligible},
		{"too old", ParseEligibility("Ages 5-17"), Client{Age: age(34)}, nan, Ineligible},
		{"17 and a half is under 18", ParseEligibility("Under 18"), Client{Age: age(17.5)}, nan, Eligible},
		{"age unknown", ParseEligibility("Ages 5-17"), Client{}, nan, Likely},
		{"women, client female", ParseEligibility("Women"), Client{Gender: "female"}, nan, Eligible},
		{"women, client male", ParseEligibility("Women"), Client{Gender: "male"}, nan, Ineligible},
		{"women and children, boy of 8", ParseEligibility("Women and children"), Client{Gender: "male", Age: age(8)}, nan, Eligible},
		{"women and children, man of 30", ParseEligibility("Women and children"), Client{Gender: "male", Age: age(30)}, nan, Ineligible},
		{"veterans only, not a veteran", ParseEligibility("Veterans"), Client{Veteran: &no}, nan, Ineligible},
		{"veterans and families, not a veteran", ParseEligibility("Veterans and their families"), Client{Veteran: &no}, nan, Likely},
		{"veterans, veteran", ParseEligibility("Veterans"), Client{Veteran: &yes}, nan, Eligible},
		{"income under the limit", ParseEligibility("200% of the federal poverty level"), Client{AnnualIncome: age(21000), HouseholdSize: 3}, nan, Eligible},
		{"income over the limit", ParseEligibility("150% of the federal poverty level"), Client{AnnualIncome: age(60000), HouseholdSize: 2}, nan, Ineligible},
		{"residents, near", ParseEligibility("Miami-Dade County residents"), Client{}, 10, Likely},
		{"residents, far", ParseEligibility("Miami-Dade County residents"), Client{}, 400, Ineligible},
		{"residents, ZIP in the county", ParseEligibility("Must reside in Miami-Dade County"), Client{Postcode: "33135"}, nan, Eligible},
		{"residents, ZIP in another county", ParseEligibility("Broward County residents only"), Client{Postcode: "33135"}, 10, Ineligible},
		{"residents of two counties, ZIP in one", ParseEligibility("Residents of Miami-Dade and Monroe Counties"), Client{Postcode: "33040"}, nan, Eligible},
		{"a city, not a county: the ZIP cannot say", ParseEligibility("Residents of the City of Miami"), Client{Postcode: "33135"}, 5, Likely},
		{"residents, ZIP unknown", ParseEligibility("Miami-Dade County residents"), Client{Postcode: "99999"}, 10, Likely},
		{"parents, lives alone", ParseEligibility("Must have children under 18"), Client{HouseholdSize: 1}, nan, Ineligible},
		{"parents, household of 3", ParseEligibility("Must have children under 18"), Client{HouseholdSize: 3}, nan, Likely},
		{"codes meant for children, adult client", ServiceRequirements("", nil, nil, []string{"YB-9500.1500-650"}), Client{Age: age(34)}, nan, Likely},
		{"codes for children, adult living alone", ServiceRequirements("", nil, nil, []string{"YB-9500.1500-650"}), Client{Age: age(34), HouseholdSize: 1}, nan, Ineligible},
		{"codes for children, adult with children", ServiceRequirements("", nil, nil, []string{"YB-9500"}), Client{Age: age(34), HasChildren: &yes}, nan, Likely},
		{"codes for older adults, client of 34", ServiceRequirements("", nil, nil, []string{"YB-8000", "YF-2000"}), Client{Age: age(34)}, nan, Ineligible},
		{"codes for older adults, client of 72", ServiceRequirements("", nil, nil, []string{"YB-8000"}), Client{Age: age(72)}, nan, Eligible},
		{"frail elderly alone, client of 50", ServiceRequirements("", nil, nil, []string{"YF-2000", "YF-3000.6300"}), Client{Age: age(50)}, nan, Ineligible},
		{"frail elderly alone, client of 80", ServiceRequirements("", nil, nil, []string{"YF-2000"}), Client{Age: age(80)}, nan, Eligible},
		{"structured ages", ServiceRequirements("", age(60), nil, nil), Client{Age: age(34)}, nan, Ineligible},
		{"codes union with adults", ServiceRequirements("", nil, nil, []string{"YB-9500.0500", "YB-0500"}), Client{Age: age(34)}, nan, Eligible},
		{"situation codes do not narrow", ServiceRequirements("", nil, nil, []string{"YL-3300.4500"}), Client{Age: age(34)}, nan, Unknown},
	}
	for _, tt := range tests {
		v := tt.req.Check(tt.client, tt.km)
		if v.Status != tt.want {
			t.Errorf("%s: %s (%v %q); want %s", tt.name, v.Status, v.Reasons, v.Because, tt.want)
		}
		if tt.want == Ineligible && tt.client.Age != nil && !strings.Contains(v.Because, " "+years(*tt.client.Age)) && len(tt.req.Audiences) > 0 {
			t.Errorf("%s: %q does not say the client's age", tt.name, v.Because)
		}
		if v.Status == Ineligible && v.Because == "" {
			t.Errorf("%s: ineligible with no reason", tt.name)
		}
	}
}

// TestReasonsReadAloud: every reason is a plain sentence a case manager
// can read out, with what the service asks and what the client is.
func TestReasonsReadAloud(t *testing.T) {
	age := func(v float64) *float64 { return &v }
	tests := []struct {
		req    Requirements
		client Client
		want   string
	}{
		{ParseEligibility("Seniors 60+"), Client{Age: age(34)}, "Serves people 60 and older; the client is 34"},
		{ParseEligibility("Youth ages 14-21"), Client{Age: age(16), Gender: "female"}, "Serves people 14 to 21; the client is a girl of 16"},
		{ParseEligibility("Women 18 and over"), Client{}, "Serves women 18 and older; the client's age is not known"},
		{ParseEligibility("Must reside in Miami-Dade County"), Client{Postcode: "33135"}, "Serves residents of Miami-Dade County; the client's ZIP code is in Miami-Dade County"},
		{ParseEligibility("Broward County residents"), Client{Postcode: "33135"}, "Serves residents of Broward County; the client's ZIP code is in Miami-Dade County"},
		{ParseEligibility("Veterans only"), Client{Veteran: new(bool)}, "For veterans only; the client is not a veteran"},
	}
	for _, tt := range tests {
		v := tt.req.Check(tt.client, math.NaN())
		got := v.Because
		if got == "" && len(v.Reasons) > 0 {
			got = v.Reasons[0]
		}
		if got != tt.want {
			t.Errorf("%+v: %q; want %q", tt.client, got, tt.want)
		}
	}
}

func TestPercentFPL(t *testing.T) {
	if p := PercentFPL(32150, 4); math.Abs(p-100) > 0.01 {
		t.Errorf("a family of 4 at the 2025 guideline is at %.2f%%", p)
	}
	if p := PercentFPL(15650, 0); math.Abs(p-100) > 0.01 {
		t.Errorf("household size 0 counts as 1: %.2f%%", p)
	}
}

func BenchmarkParseEligibility(b *testing.B) {
	text := "Low income (less than 200% of the federal poverty guidelines), working and uninsured adults between 19-64 years old. Must reside in Collier County."
	b.ReportAllocs()
	for b.Loop() {
		ParseEligibility(text)
	}
}

func FuzzParseEligibility(f *testing.F) {
	for _, s := range []string{"Ages 5-17", "Women and children", "2 1/2 years old and up", "200% FPL", "residents of x and y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := ParseEligibility(s)
		for _, a := range r.Audiences {
			if a.MinAge != nil && a.MaxAge != nil && *a.MinAge > *a.MaxAge {
				t.Fatalf("%q: audience %v", s, a)
			}
		}
		r.Check(Client{}, math.NaN())
	})
}

// TestUnderCode checks the allocation-free prefix test against AIRSPrefixes.
func TestUnderCode(t *testing.T) {
	codes := []string{"BD-1800.2000-640", "BD", "B", "BD-18009", "BH-1800.1500-100", "NL-6000", "RP-1500.1400-200", "X"}
	prefixes := []string{"B", "BD", "BD-1800", "BD-1800.2000", "BD-18", "BH-1800.1500-100", "NL", "RP-1500", "X"}
	for _, c := range codes {
		for _, p := range prefixes {
			want := slices.Contains(AIRSPrefixes(c), p)
			if got := underCode(c, p); got != want {
				t.Errorf("underCode(%q, %q) = %v; AIRSPrefixes says %v", c, p, got, want)
			}
		}
	}
}
