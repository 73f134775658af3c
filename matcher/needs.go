package matcher

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/resources"
)

// Need is one entry of the needs vocabulary.
type Need struct {
	Code            string   `json:"code"`
	Label           string   `json:"label"`
	Description     string   `json:"description"`
	GravityCode     string   `json:"gravity_code,omitempty"`
	Safety          bool     `json:"safety,omitempty"`
	AIRS            []string `json:"airs"`
	OpenEligibility []string `json:"open_eligibility"`
}

// Vocabulary is the needs vocabulary with its crosswalks indexed for lookup.
type Vocabulary struct {
	Needs  []Need
	byCode map[string]*Need
	// airs maps an AIRS code prefix to the needs it serves.
	airs map[string][]string
	// oe maps a lower-cased Open Eligibility term name to needs.
	oe map[string][]string
}

// LoadVocabulary reads the embedded vocabulary.
func LoadVocabulary() (*Vocabulary, error) {
	var doc struct {
		Needs []Need `json:"needs"`
	}
	if err := json.Unmarshal(data.NeedsJSON(), &doc); err != nil {
		return nil, fmt.Errorf("needs vocabulary: %w", err)
	}
	v := &Vocabulary{Needs: doc.Needs, byCode: map[string]*Need{}, airs: map[string][]string{}, oe: map[string][]string{}}
	for i := range v.Needs {
		n := &v.Needs[i]
		if v.byCode[n.Code] != nil {
			return nil, fmt.Errorf("needs vocabulary: code %q twice", n.Code)
		}
		v.byCode[n.Code] = n
		for _, p := range n.AIRS {
			v.airs[p] = append(v.airs[p], n.Code)
		}
		for _, t := range n.OpenEligibility {
			k := strings.ToLower(t)
			v.oe[k] = append(v.oe[k], n.Code)
		}
	}
	return v, nil
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
// (any of its prefixes in the crosswalk) or its Open Eligibility name.
func (v *Vocabulary) NeedsOfTerm(t *resources.TaxonomyTerm) []string {
	var out []string
	for _, p := range AIRSPrefixes(t.Code) {
		out = append(out, v.airs[p]...)
	}
	out = append(out, v.oe[strings.ToLower(strings.TrimSpace(t.Name))]...)
	slices.Sort(out)
	return slices.Compact(out)
}
