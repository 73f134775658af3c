package matcher

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/resources"
)

// Need is one entry of the needs vocabulary.
type Need struct {
	Code        string `json:"code"`
	Label       string `json:"label"`
	Description string `json:"description"`
	GravityCode string `json:"gravity_code,omitempty"`
	Safety      bool   `json:"safety,omitempty"`
	// ForChildren: the need's services are for the client's children
	// (child care), so a service whose codes name only children serves
	// an adult who asks.
	ForChildren bool `json:"for_children,omitempty"`
	// AlsoRead are the needs whose reading in a client's words reads this
	// one too, for a client of the age given: abuse of an older adult is
	// elder abuse, whoever does it.
	AlsoRead        []AlsoRead `json:"also_read,omitempty"`
	AIRS            []string   `json:"airs"`
	OpenEligibility []string   `json:"open_eligibility"`
	Grades          Grades     `json:"grades"`
	// SearchWords are the words directories use for the need's services
	// ("dental" for dental care), which a search whose words name the need
	// looks for too.
	SearchWords []string `json:"search_words"`
}

// AlsoRead: when a client's words read the need From and the client is at
// least MinAge, the need that has it is read too, for Why.
type AlsoRead struct {
	From   string  `json:"from"`
	MinAge float64 `json:"min_age"`
	Why    string  `json:"why"`
}

// Grades say how squarely the codes of a need's crosswalk serve it: the
// services at its core (emergency shelter for homelessness, clinics and
// primary care for health care), related ones, and the rest of the
// crosswalk, peripheral (health education for health care). Not lists
// codes under the crosswalk that do not serve the need at all (consulates
// under transportation). The most specific prefix that a code falls under
// decides its grade.
type Grades struct {
	Core                []string `json:"core"`
	Related             []string `json:"related"`
	Not                 []string `json:"not"`
	CoreOpenEligibility []string `json:"core_open_eligibility"`
}

// The grades' part of the score: the need part of an option.
const (
	GradeCore       = 1.0
	GradeRelated    = 0.5
	GradePeripheral = 0.25
	// GradeOpenEligibility is an Open Eligibility name of the need that is
	// not among its core names.
	GradeOpenEligibility = 0.7
	// GradeDescribed is a need that no term of a service serves but its
	// own name or description names, read as a client's words are.
	GradeDescribed = GradeRelated
)

// Grade says how squarely a taxonomy term serves the need: GradeCore,
// GradeRelated or GradePeripheral for an AIRS code under its crosswalk (by
// the most specific prefix it falls under), the Open Eligibility grades
// for a name, and 0 for a term that does not serve it.
func (n *Need) Grade(code, name string) float64 {
	if code != "" {
		code = strings.ToUpper(code)
		best, grade := -1, 0.0
		try := func(prefixes []string, g float64) {
			for _, p := range prefixes {
				if len(p) >= best && underCode(code, p) { // a later tier wins at equal length
					best, grade = len(p), g
				}
			}
		}
		try(n.AIRS, GradePeripheral)
		if best >= 0 {
			try(n.Grades.Related, GradeRelated)
			try(n.Grades.Core, GradeCore)
			try(n.Grades.Not, 0)
			return grade
		}
	}
	if name != "" {
		if slices.ContainsFunc(n.Grades.CoreOpenEligibility, func(s string) bool { return strings.EqualFold(s, name) }) {
			return GradeCore
		}
		if slices.ContainsFunc(n.OpenEligibility, func(s string) bool { return strings.EqualFold(s, name) }) {
			return GradeOpenEligibility
		}
	}
	return 0
}

// Vocabulary is the needs vocabulary with its crosswalks indexed for lookup.
type Vocabulary struct {
	Needs  []Need
	byCode map[string]*Need
	// airs maps an AIRS code prefix to the needs it serves.
	airs map[string][]string
	// oe maps a lower-cased Open Eligibility term name to needs.
	oe map[string][]string
	// not maps an AIRS code prefix to the needs whose crosswalk it falls
	// under but which it does not serve.
	not map[string][]string
	// named caches, by a term's name as written, the needs that the name
	// of a term with no code reads as (namedNeeds). A plain map under a
	// lock: a hit costs no allocation on the match path.
	namedMu sync.RWMutex
	named   map[string][]string
}

// namedNeeds returns the needs that a term with no AIRS code names, read as
// words are (NeedsFromText), best first. Directories without a taxonomy
// (the Ohana sample's free keywords: "Food Pantries", "Shelter/Refuge",
// "Utility Service Payment Assistance") say what their services do only so.
func (v *Vocabulary) namedNeeds(name string) []string {
	v.namedMu.RLock()
	got, ok := v.named[name]
	v.namedMu.RUnlock()
	if ok {
		return got
	}
	var out []string
	if k := strings.ToLower(strings.TrimSpace(name)); k != "" {
		for _, m := range v.NeedsFromText(k) {
			out = append(out, m.Code)
		}
	}
	v.namedMu.Lock()
	if v.named == nil {
		v.named = map[string][]string{}
	}
	v.named[name] = out
	v.namedMu.Unlock()
	return out
}

// TermGrade is how squarely a term serves the need: Need.Grade, and for a
// term with no code whose name is none of the need's Open Eligibility
// names, GradeRelated when its name reads as the need first, and
// GradePeripheral when as the need after another.
func (v *Vocabulary) TermGrade(n *Need, t Term) float64 {
	if g := n.Grade(t.Code, t.Name); g > 0 || t.Code != "" {
		return g
	}
	for i, code := range v.namedNeeds(t.Name) {
		if code == n.Code {
			if i == 0 {
				return GradeRelated
			}
			return GradePeripheral
		}
	}
	return 0
}

// LoadVocabulary reads the embedded vocabulary.
func LoadVocabulary() (*Vocabulary, error) {
	var doc struct {
		Needs []Need `json:"needs"`
	}
	if err := json.Unmarshal(data.NeedsJSON(), &doc); err != nil {
		return nil, fmt.Errorf("needs vocabulary: %w", err)
	}
	v := &Vocabulary{Needs: doc.Needs, byCode: map[string]*Need{}, airs: map[string][]string{}, oe: map[string][]string{}, not: map[string][]string{}}
	for i := range v.Needs {
		n := &v.Needs[i]
		if v.byCode[n.Code] != nil {
			return nil, fmt.Errorf("needs vocabulary: code %q twice", n.Code)
		}
		v.byCode[n.Code] = n
		for _, p := range n.AIRS {
			v.airs[p] = append(v.airs[p], n.Code)
		}
		for _, p := range n.Grades.Not {
			v.not[p] = append(v.not[p], n.Code)
		}
		for _, g := range [][]string{n.Grades.Core, n.Grades.Related, n.Grades.Not} {
			for _, p := range g {
				if !slices.ContainsFunc(n.AIRS, func(a string) bool { return underCode(p, a) }) {
					return nil, fmt.Errorf("needs vocabulary: %s grades %q, which is not under its crosswalk", n.Code, p)
				}
			}
		}
		for _, a := range n.AlsoRead {
			if !slices.ContainsFunc(doc.Needs, func(o Need) bool { return o.Code == a.From }) || a.MinAge <= 0 || a.Why == "" {
				return nil, fmt.Errorf("needs vocabulary: %s: also_read needs a known need, min_age and why", n.Code)
			}
		}
		for _, t := range n.Grades.CoreOpenEligibility {
			if !slices.Contains(n.OpenEligibility, t) {
				return nil, fmt.Errorf("needs vocabulary: %s grades %q, which is not among its Open Eligibility names", n.Code, t)
			}
		}
		for _, t := range n.OpenEligibility {
			k := strings.ToLower(t)
			v.oe[k] = append(v.oe[k], n.Code)
		}
	}
	return v, nil
}

// alsoRead returns the needs that reading the need from words reads too for
// a client of that age (Need.AlsoRead), with why.
func (v *Vocabulary) alsoRead(from string, age *float64) []struct{ Code, Why string } {
	if age == nil {
		return nil
	}
	var out []struct{ Code, Why string }
	for i := range v.Needs {
		for _, a := range v.Needs[i].AlsoRead {
			if a.From == from && *age >= a.MinAge {
				out = append(out, struct{ Code, Why string }{v.Needs[i].Code, a.Why})
			}
		}
	}
	return out
}

// Need returns the need with that code.
func (v *Vocabulary) Need(code string) (*Need, bool) {
	n, ok := v.byCode[code]
	return n, ok
}

// AIRSPrefixes returns the ancestors of an AIRS-style code, itself included,
// shortest first: "BD-1800.2000-640" → B, BD, BD-1800, BD-1800.2000,
// BD-1800.2000-640. A code that is not AIRS-shaped gives just itself.
func AIRSPrefixes(code string) []string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return nil
	}
	var out []string
	letters := 0
	for letters < len(code) && letters < 2 && code[letters] >= 'A' && code[letters] <= 'Z' {
		letters++
	}
	if letters == 0 {
		return []string{code}
	}
	out = append(out, code[:1])
	if letters == 2 {
		out = append(out, code[:2])
	}
	for i := letters; i < len(code); i++ {
		if (code[i] == '.' || code[i] == '-') && i > letters {
			out = append(out, code[:i])
		}
	}
	if out[len(out)-1] != code {
		out = append(out, code)
	}
	return out
}

// NeedsOfTerm returns the needs a taxonomy term serves, by its AIRS code
// (any of its prefixes in the crosswalk, none in the need's grades.not) or
// its Open Eligibility name, and for a term with no code, the needs its
// name reads as (a directory's own keywords).
func (v *Vocabulary) NeedsOfTerm(t *resources.TaxonomyTerm) []string {
	var out, not []string
	for _, p := range AIRSPrefixes(t.Code) {
		out = append(out, v.airs[p]...)
		not = append(not, v.not[p]...)
	}
	out = slices.DeleteFunc(out, func(n string) bool { return slices.Contains(not, n) })
	out = append(out, v.oe[strings.ToLower(strings.TrimSpace(t.Name))]...)
	if strings.TrimSpace(t.Code) == "" {
		out = append(out, v.namedNeeds(t.Name)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// CoreNeedsOfTerm returns the needs of NeedsOfTerm that the term serves at
// their core (TermGrade is GradeCore): what the index keeps apart so that
// a match's candidates hold a need's core services (index.Config.CoreNeedsOf).
func (v *Vocabulary) CoreNeedsOfTerm(t *resources.TaxonomyTerm) []string {
	var out []string
	for _, code := range v.NeedsOfTerm(t) {
		if n := v.byCode[code]; n != nil && v.TermGrade(n, Term{Code: t.Code, Name: t.Name}) == GradeCore {
			out = append(out, code)
		}
	}
	return out
}

// NeedsOfWords returns the codes of the needs that words name, best first
// (NeedsFromText), and those needs' search words: what a search's words
// mean beyond their letters ("comida": food-insecurity, and "food").
func (v *Vocabulary) NeedsOfWords(text string) (needs, synonyms []string) {
	for _, m := range v.NeedsFromText(text) {
		needs = append(needs, m.Code)
		if n, ok := v.byCode[m.Code]; ok {
			synonyms = append(synonyms, n.SearchWords...)
		}
	}
	return needs, synonyms
}
