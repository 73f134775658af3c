package matcher

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Eligibility is read from three places: a service's structured fields
// (minimum_age, maximum_age), its free-text eligibility_description, and
// the AIRS target-population codes (Y…) on its taxonomy terms. What is read
// is a set of Requirements; Check holds a client's facts against them.

// Requirements are what a service asks of the people it serves.
type Requirements struct {
	// Audiences are alternatives ("women and children"): a client fits if
	// they fit any one. Empty means no age or gender limit was read.
	Audiences []Audience
	// SoftAudiences: the audiences come from target-population codes,
	// which say whom a service is meant for (often a client's child), not
	// whom it refuses; a client outside them is "likely", never ruled out.
	SoftAudiences bool
	// Veterans: served people must be veterans (or, with VeteranFamilies,
	// their families).
	Veterans        bool
	VeteranFamilies bool
	// Places are counties or cities whose residents are served.
	Places []string
	// ParentsOnly: the client must have a child (under 18 unless said).
	ParentsOnly bool
	// MaxIncomeFPL is a ceiling on household income as a percent of the
	// federal poverty guideline (200 means 200%).
	MaxIncomeFPL float64
	// LowIncome: the text says low income without a figure.
	LowIncome bool
	// Insurance the service requires ("medicaid", "medicare", "uninsured").
	Insurance []string
	// OpenToAll: the listing says anyone may come.
	OpenToAll bool
	// Stated is true when anything at all was read.
	Stated bool
}

// Audience is one group a service serves: a gender (or any) in an age range.
type Audience struct {
	Gender string   // "female", "male" or "" for any
	MinAge *float64 // years
	MaxAge *float64
}

func (a Audience) String() string {
	who := "people"
	switch {
	case a.Gender == "female" && a.MinAge != nil && *a.MinAge >= 18:
		who = "women"
	case a.Gender == "female" && a.MaxAge != nil && *a.MaxAge < 18:
		who = "girls"
	case a.Gender == "female":
		who = "women and girls"
	case a.Gender == "male" && a.MinAge != nil && *a.MinAge >= 18:
		who = "men"
	case a.Gender == "male" && a.MaxAge != nil && *a.MaxAge < 18:
		who = "boys"
	case a.Gender == "male":
		who = "men and boys"
	}
	switch {
	case a.MinAge != nil && a.MaxAge != nil:
		return fmt.Sprintf("%s %s to %s", who, years(*a.MinAge), years(*a.MaxAge))
	case a.MinAge != nil:
		return fmt.Sprintf("%s %s and older", who, years(*a.MinAge))
	case a.MaxAge != nil:
		return fmt.Sprintf("%s %s and younger", who, years(*a.MaxAge))
	}
	return who
}

func years(v float64) string {
	if v == math.Trunc(v) {
		return strconv.Itoa(int(v))
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func ptr(v float64) *float64 { return &v }

var (
	reRange         = regexp.MustCompile(`\b(\d{1,2}(?:\s+1/2|\.5)?)\s*(months?)?\s*(?:-|–|to|through|thru|and)\s*(\d{1,3})\s*(?:years?|yrs?|y/o|years? old)?\b`)
	reAtLeastYears  = regexp.MustCompile(`\b(\d{1,2}(?:\s+1/2)?)\s*(?:years?(?:\s+old|\s+of\s+age)?|yrs?|\+)?\s*(?:and|or|&)?\s*(?:older|over|up|above|\+|into adulthood)\b`)
	reOverN         = regexp.MustCompile(`\b(?:over|older than|at least|above|minimum age(?: of)?|age)\s+(\d{1,3})\b`)
	reUnderN        = regexp.MustCompile(`\b(?:under|younger than|below|up to)\s+(?:the\s+age\s+of\s+)?(\d{1,3})\b`)
	reNAndUnder     = regexp.MustCompile(`\b(\d{1,3})\s*(?:years?(?:\s+old)?)?\s*(?:and|or)\s*(?:younger|under|below)\b`)
	rePlusN         = regexp.MustCompile(`\b(\d{1,3})\+`)
	reFPL           = regexp.MustCompile(`(\d{2,3})\s*%\s*(?:of\s+|below\s+)?(?:the\s+)?(?:federal\s+poverty|fpl|poverty)`)
	reChildrenUnder = regexp.MustCompile(`\b(?:have|with|has|custody of|caring for|raising|parent of|guardian of)\b[^.;]{0,40}?\b(?:(?:minor|dependent)\s+)*(?:child|children|kids|minors?|dependents?)\b(?:\s+(?:under|younger than|below)\s+(?:the\s+age\s+of\s+)?(\d{1,2}))?`)
	reResidents     = regexp.MustCompile(`\b(?:residents?\s+of|reside\s+in|resides\s+in|living\s+in|live\s+in|lives\s+in)\s+(?:the\s+)?([a-z][a-z .'-]+?)(?:\s+(county|counties|city|community|area))?\b(?:[,.;]|$|\s+(?:and|or|who|with|for|only|must|to|$))`)
	reTwoCounties   = regexp.MustCompile(`\b([a-z][a-z'-]+(?:[ -][a-z][a-z'-]+)?),?\s+(?:and|or|&)\s+([a-z][a-z'-]+(?:[ -][a-z][a-z'-]+)?)\s+count(?:y|ies)\b`)
	reXResidents    = regexp.MustCompile(`\b([a-z][a-z'-]+(?:[- ][a-z][a-z'-]+)?)\s+(?:county\s+|city\s+)?residents?\b`)
	// "homeless males in Miami-Dade County", "residing in Broward County":
	// a named county is where the service is for.
	reInCounty = regexp.MustCompile(`\b(?:in|of|residing\s+in|reside\s+in|resides\s+in|living\s+in)\s+(?:the\s+)?([a-z][a-z'-]+(?:[ -][a-z][a-z'-]+)?)\s+county\b`)
	reResiding = regexp.MustCompile(`\bresiding\s+in\s+(?:the\s+)?([a-z][a-z'-]+(?:[ -][a-z][a-z'-]+)?)\s*(?:[,.;]|$)`)
)

// words that name who is served, for reading ages that follow them.
var (
	femaleWords = []string{"women", "woman", "girls", "girl", "females", "female", "mothers", "mother", "moms", "ladies", "expectant mothers", "pregnant"}
	maleWords   = []string{"men", "man", "boys", "boy", "males", "male", "fathers", "father", "dads"}
	childWords  = []string{"children", "child", "kids", "youth", "minors", "teens", "teenagers", "adolescents", "infants", "toddlers", "babies", "students"}
)

// ParseEligibility reads requirements from free text.
func ParseEligibility(text string) Requirements {
	var r Requirements
	t := strings.ToLower(strings.ReplaceAll(text, `\n`, "\n"))
	// Spaces are made single, but line breaks are kept: a line is a clause
	// ("Over 60 years old in these areas:\n87 to 110 Streets").
	lines := strings.Split(t, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	t = strings.TrimSpace(strings.Join(lines, "\n"))
	if t == "" {
		return r
	}
	r.Stated = true
	for _, open := range []string{"open to all", "open to the public", "open to anyone", "anyone", "all ages", "any age", "no restrictions", "no eligibility", "everyone", "general public"} {
		if strings.Contains(t, open) {
			r.OpenToAll = true
		}
	}
	// "must have children under 18" is about the client's children, not
	// the client's age: read it, then blank it out before reading ages.
	// Each mention is blanked ("custody of a minor child or a parent of a
	// dependent minor child").
	for _, m := range reChildrenUnder.FindAllStringSubmatchIndex(t, -1) {
		if hasAny(t[max(0, m[0]-12):m[1]], "must", "have", "parent", "famil", "custod", "guardian") && !strings.Contains(t[m[0]:m[1]], "with disabilit") {
			r.ParentsOnly = true
			t = t[:m[0]] + strings.Repeat(" ", m[1]-m[0]) + t[m[1]:]
		}
	}
	if strings.Contains(t, "families with children") || strings.Contains(t, "parents of") || strings.Contains(t, "custodial parent") {
		r.ParentsOnly = true
	}
	r.Audiences = readAudiences(t)
	if strings.Contains(t, "veteran") || strings.Contains(t, "dd-214") || strings.Contains(t, "dd214") || strings.Contains(t, "served in the military") {
		r.Veterans = true
		r.VeteranFamilies = strings.Contains(t, "famil") || strings.Contains(t, "spouse") || strings.Contains(t, "dependents") || strings.Contains(t, "survivor")
	}
	if m := reFPL.FindStringSubmatch(t); m != nil {
		r.MaxIncomeFPL, _ = strconv.ParseFloat(m[1], 64)
	} else if strings.Contains(t, "indigent") || strings.Contains(t, "economically disadvantaged") || strings.Contains(t, "low income") || strings.Contains(t, "low-income") || strings.Contains(t, "income eligible") || strings.Contains(t, "income guidelines") {
		r.LowIncome = true
	}
	for _, ins := range []struct{ word, code string }{{"medicaid", "medicaid"}, {"medicare", "medicare"}, {"uninsured", "uninsured"}, {"no insurance", "uninsured"}, {"without insurance", "uninsured"}, {"without health insurance", "uninsured"}} {
		if strings.Contains(t, ins.word) && !slices.Contains(r.Insurance, ins.code) {
			r.Insurance = append(r.Insurance, ins.code)
		}
	}
	r.Places = readPlaces(t)
	return r
}

func hasAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// readAudiences reads clause by clause: each clause may name a group (women,
// children, seniors) and ages; a clause's gender applies to its ages.
func readAudiences(t string) []Audience {
	var out []Audience
	for _, clause := range splitClauses(t) {
		out = append(out, clauseAudiences(clause)...)
	}
	return mergeAudiences(out)
}

var clauseSplit = regexp.MustCompile(`[.;\n*•]|\s/\s`)

func splitClauses(t string) []string {
	var out []string
	for _, c := range clauseSplit.Split(t, -1) {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func clauseAudiences(c string) []Audience {
	gender := ""
	female, male := containsWord(c, femaleWords), containsWord(c, maleWords)
	switch {
	case female && !male:
		gender = "female"
	case male && !female:
		gender = "male"
	}
	// "law students", "college students" are adults, not children.
	for _, w := range []string{"law students", "college students", "university students", "graduate students"} {
		c = strings.ReplaceAll(c, w, "")
	}
	children := containsWord(c, childWords)
	// "women and children": women (adults), and children of any gender.
	if gender != "" && children && strings.Contains(c, " and ") {
		kids := Audience{MaxAge: ptr(17)}
		// "women and children 6 years old or younger": the ages are the children's.
		if lo, hi, ok := readAges(c); ok && lo == nil && hi != nil && *hi < 18 {
			kids.MaxAge = hi
		}
		return []Audience{{Gender: gender, MinAge: ptr(18)}, kids}
	}
	a := Audience{Gender: gender}
	// "parents of children 3-18": the ages are the children's, not the
	// client's (ParentsOnly says the rest).
	if strings.HasPrefix(c, "parents of") {
		return nil
	}
	if lo, hi, ok := readAges(c); ok {
		a.MinAge, a.MaxAge = lo, hi
		return []Audience{a}
	}
	switch {
	case containsWord(c, []string{"adults and seniors", "adults and older adults"}):
		a.MinAge = ptr(18)
	case containsWord(c, []string{"seniors", "senior", "elderly", "older adults", "aging adults", "older persons", "older people", "frail elderly"}):
		a.MinAge = ptr(60)
	case containsWord(c, []string{"adults", "adult"}) && !children && !strings.Contains(c, "young adult"):

		a.MinAge = ptr(18)
	case containsWord(c, []string{"teens", "teenagers", "adolescents"}) && !containsWord(c, []string{"adults", "children", "child"}):
		a.MinAge, a.MaxAge = ptr(13), ptr(19)
	case children && !containsWord(c, []string{"adults", "adult", "families", "parents"}) && !strings.Contains(c, "with children") && !strings.Contains(c, "of children"):
		a.MaxAge = ptr(17)
	}
	if a.Gender == "" && a.MinAge == nil && a.MaxAge == nil {
		return nil
	}
	return []Audience{a}
}

// readAges finds an age range in a clause: "5-17 years old", "ages 0-12",
// "18 and older", "over 21", "under 5", "60+", "2 1/2 years old and up".
func readAges(c string) (lo, hi *float64, ok bool) {
	ageish := strings.Contains(c, "year") || strings.Contains(c, "age") || strings.Contains(c, "yrs") || strings.Contains(c, "old") || containsWord(c, childWords) || containsWord(c, []string{"adults", "adult", "seniors"})
	// A bare "over 21" or "under 18" is an age unless the clause counts
	// something else.
	ageish = ageish || !hasAny(c, "$", "%", "income", "hour", "day", "week", "month", "pound", "lb", "people", "persons", "mile", "unit", "grade", "credit", "street", "avenue")
	// "children birth - 5 years old": birth is age 0.
	c = strings.ReplaceAll(c, "birth", "0")
	if m := reRange.FindStringSubmatch(c); m != nil && ageish {
		a, b := parseAge(m[1]), parseAge(m[3])
		if m[2] != "" && a != nil { // "12 months - 5 years"
			*a /= 12
		}
		if a != nil && b != nil && *a <= *b && *b <= 120 {
			return a, b, true
		}
	}
	if m := reAtLeastYears.FindStringSubmatch(c); m != nil && ageish {
		if a := parseAge(m[1]); a != nil {
			return a, nil, true
		}
	}
	if m := reNAndUnder.FindStringSubmatch(c); m != nil && ageish {
		return nil, parseAge(m[1]), true
	}
	if m := rePlusN.FindStringSubmatch(c); m != nil && ageish {
		return parseAge(m[1]), nil, true
	}
	if m := reOverN.FindStringSubmatch(c); m != nil && ageish {
		if a := parseAge(m[1]); a != nil {
			// "over 21": older than 21, in years.
			if strings.Contains(m[0], "over") || strings.Contains(m[0], "older than") || strings.Contains(m[0], "above") {
				*a++
			}
			return a, nil, true
		}
	}
	if m := reUnderN.FindStringSubmatch(c); m != nil && ageish {
		if b := parseAge(m[1]); b != nil {
			if !strings.Contains(m[0], "up to") {
				*b-- // "under 18" is 17 and under
			}
			return nil, b, true
		}
	}
	if strings.Contains(c, "k-12") || strings.Contains(c, "grades k") {
		return ptr(5), ptr(18), true
	}
	return nil, nil, false
}

func parseAge(s string) *float64 {
	s = strings.TrimSpace(s)
	half := false
	if strings.HasSuffix(s, "1/2") {
		half = true
		s = strings.TrimSpace(strings.TrimSuffix(s, "1/2"))
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 120 {
		return nil
	}
	if half {
		v += 0.5
	}
	return &v
}

func containsWord(s string, words []string) bool {
	for _, w := range words {
		for i := strings.Index(s, w); i >= 0; {
			end := i + len(w)
			if (i == 0 || !isLetter(s[i-1])) && (end == len(s) || !isLetter(s[end])) {
				return true
			}
			next := strings.Index(s[i+1:], w)
			if next < 0 {
				break
			}
			i += 1 + next
		}
	}
	return false
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' }

// mergeAudiences drops duplicates and audiences contained in another.
func mergeAudiences(as []Audience) []Audience {
	var out []Audience
	for _, a := range as {
		if !slices.ContainsFunc(out, func(b Audience) bool { return sameAudience(a, b) }) {
			out = append(out, a)
		}
	}
	return out
}

func sameAudience(a, b Audience) bool {
	eq := func(x, y *float64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return a.Gender == b.Gender && eq(a.MinAge, b.MinAge) && eq(a.MaxAge, b.MaxAge)
}

// beforeCounty calls f with the words before each "county" or "counties"
// in t (up to 80 characters, starting at a word), the word included.
func beforeCounty(t string, f func(string)) {
	for off := 0; ; {
		i := strings.Index(t[off:], " count")
		if i < 0 {
			return
		}
		end := off + i + len(" count")
		switch {
		case strings.HasPrefix(t[end:], "ies"):
			end += 3
		case strings.HasPrefix(t[end:], "y"):
			end++
		default:
			off = end
			continue
		}
		start := max(0, end-80)
		if start > 0 {
			if sp := strings.IndexByte(t[start:end], ' '); sp >= 0 {
				start += sp + 1
			}
		}
		f(t[start:end])
		off = end
	}
}

// placeStop are words that end up in "residents of …" without naming a place.
var placeStop = map[string]bool{"the": true, "our": true, "this": true, "all": true, "any": true, "its": true, "their": true, "these": true, "service": true, "program": true, "district": true, "area": true, "community": true, "county": true}

// leadWords come before a place's name without being part of it.
var leadWords = map[string]bool{"a": true, "be": true, "must": true, "of": true, "in": true, "residents": true, "resident": true, "from": true, "within": true, "live": true, "reside": true}

func readPlaces(t string) []string {
	var out []string
	add := func(p string) {
		p = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), " county"))
		// "of miami", "a florida": a leading function word is not part of
		// the name; "miami-dade county needing …" ends at county.
		if i := strings.Index(p, " county"); i > 0 {
			p = p[:i]
		}
		p = strings.TrimPrefix(p, "city of ")
		for f := strings.Fields(p); len(f) > 1 && (placeStop[f[0]] || leadWords[f[0]]); f = f[1:] {
			p = strings.Join(f[1:], " ")
		}
		p = strings.ReplaceAll(p, " ", "-")
		if p == "" || placeStop[p] || len(p) < 3 {
			return
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, m := range reResidents.FindAllStringSubmatch(t, -1) {
		for _, part := range strings.Split(m[1], " and ") {
			add(part)
		}
	}
	if strings.Contains(t, "resident") {
		for _, m := range reXResidents.FindAllStringSubmatch(t, -1) {
			add(m[1])
		}
	}
	// The county regexps are costly over a whole text: each is read only in
	// the few words before a " count".
	beforeCounty(t, func(w string) {
		if m := reInCounty.FindStringSubmatch(w); m != nil {
			add(m[1])
		}
		// "Miami-Dade and Monroe Counties": both are counties.
		for _, m := range reTwoCounties.FindAllStringSubmatch(w, -1) {
			// "of miami-dade", "san mateo": a leading function word is not
			// part of the name.
			first := strings.Fields(m[1])
			if len(first) == 2 && (placeStop[first[0]] || leadWords[first[0]]) {
				first = first[1:]
			}
			add(strings.Join(first, " "))
			add(m[2])
		}
	})
	if strings.Contains(t, "residing in") {
		for _, m := range reResiding.FindAllStringSubmatch(t, -1) {
			add(m[1])
		}
	}
	return out
}
