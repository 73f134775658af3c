package matcher

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/resources"
)

// ScreeningResult is what a screening's answers say the client needs.
type ScreeningResult struct {
	Instrument string `json:"instrument"`
	// Needs are the positive needs, in vocabulary order.
	Needs []ScreenedNeed `json:"needs"`
	// Notes tell the case manager about answers that could not be fully
	// scored: a safety total that disagrees with its items, a sum with
	// items missing. Nil when there is nothing to say.
	Notes []string `json:"notes,omitempty"`
}

// ScreenedNeed is one need that a screening found.
type ScreenedNeed struct {
	Code string `json:"code"`
	// Items are the instrument's item codes whose answers made the need
	// positive, in the instrument's order.
	Items []string `json:"items"`
	// Reason says why in words a case manager can read out, e.g.
	// "Food: worried food would run out (often true)".
	Reason string `json:"reason"`
}

// Screen scores a screening instrument's answers with the instrument's rules
// and returns the needs found. instrument is "ahc-hrsn" or "prapare";
// answers maps an item's LOINC question code to its answers: LOINC answer
// codes ("LA28397-0") for choice items, several for the multi-select ones
// (96778-6, PRAPARE 93031-3 and 93030-5), or one number or string, written
// as a string ("12"), for the others. Items left out, or given no answers,
// are unanswered. "I choose not to answer" (LA30122-8) is accepted for every
// choice item and is never positive.
//
// The instruments and their rules are data (data/screening/*.json): the
// published positive-screen rules for the AHC core items (the safety sum
// over 10, from the four items or from the total 95614-4; when both are
// given the items win and a note says so), and refer's documented local
// rules where no official cut-off exists (the AHC supplemental items and
// PRAPARE); each rule in the file says why.
//
// Screen returns EINVALID, with Fields naming each bad entry
// ("screening.instrument", "screening.answers.88122-7"), for an unknown
// instrument, an item the instrument does not have, an answer the item does
// not allow, several answers to a single-answer item, an answer such as
// "None of the above" given with others, or a number that is not one or is
// out of range.
func (v *Vocabulary) Screen(instrument string, answers map[string][]string) (ScreeningResult, error) {
	set, err := loadInstruments()
	if err != nil {
		return ScreeningResult{}, err
	}
	code := strings.ToLower(strings.TrimSpace(instrument))
	in, ok := set[code]
	if !ok {
		names := make([]string, 0, len(set))
		for name := range set {
			names = append(names, name)
		}
		sort.Strings(names)
		return ScreeningResult{}, &resources.Error{Code: resources.EINVALID, Message: "screening is invalid",
			Fields: map[string]string{"screening.instrument": fmt.Sprintf("unknown instrument %q; use %s", instrument, orList(names))}}
	}
	given, err := in.parse(answers)
	if err != nil {
		return ScreeningResult{}, err
	}
	res := ScreeningResult{Instrument: in.Code}
	found := map[string]*ScreenedNeed{}
	for i := range in.Rules {
		r := &in.Rules[i]
		items, reason, note := r.apply(in, given)
		if note != "" {
			res.Notes = append(res.Notes, note)
		}
		if len(items) == 0 {
			continue
		}
		sn := found[r.Need]
		if sn == nil {
			sn = &ScreenedNeed{Code: r.Need}
			found[r.Need] = sn
		} else {
			reason = sn.Reason + "; " + reason
		}
		sn.Reason = reason
		sn.Items = append(sn.Items, items...)
	}
	res.Needs = []ScreenedNeed{}
	for _, n := range v.Needs {
		sn := found[n.Code]
		if sn == nil {
			continue
		}
		slices.SortStableFunc(sn.Items, func(a, b string) int { return in.order[a] - in.order[b] })
		sn.Items = slices.Compact(sn.Items)
		res.Needs = append(res.Needs, *sn)
		delete(found, n.Code)
	}
	if len(found) > 0 { // a rule names a need the vocabulary lacks: a data bug
		return ScreeningResult{}, fmt.Errorf("screening %s: rules for needs the vocabulary does not have: %v",
			in.Code, slices.Sorted(maps.Keys(found)))
	}
	return res, nil
}

// instrument is one screening instrument as data/screening/*.json defines
// it: its items, their answers and the rules that turn answers into needs.
type instrument struct {
	Code    string          `json:"code"`
	Name    string          `json:"name"`
	LOINC   string          `json:"loinc"`
	Decline screeningAnswer `json:"decline"`
	Items   []screeningItem `json:"items"`
	Rules   []screeningRule `json:"rules"`
	items   map[string]*screeningItem
	order   map[string]int
}

type screeningItem struct {
	Code string `json:"code"`
	// Short names the item in a reason: "worried food would run out".
	Short   string            `json:"short"`
	Text    string            `json:"text"`
	Type    string            `json:"type"` // choice, integer, decimal or string
	Repeats bool              `json:"repeats"`
	Min     *float64          `json:"min"`
	Max     *float64          `json:"max"`
	Answers []screeningAnswer `json:"answers"`
	answers map[string]*screeningAnswer
}

type screeningAnswer struct {
	Code    string `json:"code"`
	Display string `json:"display"`
	// Short replaces a long display in a reason.
	Short string   `json:"short"`
	Value *float64 `json:"value"`
	// Decline answers ("I choose not to answer") count as unanswered.
	Decline bool `json:"decline"`
	// Exclusive answers ("None of the above") stand alone.
	Exclusive bool `json:"exclusive"`
}

func (a *screeningAnswer) words() string {
	if a.Short != "" {
		return a.Short
	}
	return lowerFirst(a.Display)
}

// screeningRule makes Need positive when, for any of Items, an answer is in
// Answers; or is not in Except (and is not a decline); or, with Sum, when the
// answers' values add up to more than Above or to at least AtLeast.
type screeningRule struct {
	Need    string   `json:"need"`
	Label   string   `json:"label"`
	Policy  string   `json:"policy"` // published or local
	Why     string   `json:"why"`
	Items   []string `json:"items"`
	Answers []string `json:"answers"`
	Except  []string `json:"except"`
	Sum     *sumRule `json:"sum"`
}

type sumRule struct {
	Name    string   `json:"name"`
	Above   *float64 `json:"above"`
	AtLeast *float64 `json:"at_least"`
	Of      float64  `json:"of"`
	// Total is an item that may carry the sum instead of the items.
	Total string `json:"total"`
}

func (s *sumRule) positive(x float64) bool {
	return (s.Above != nil && x > *s.Above) || (s.AtLeast != nil && x >= *s.AtLeast)
}

func (s *sumRule) cutoff() string {
	if s.Above != nil {
		return "over " + num(*s.Above) + " is positive"
	}
	return num(*s.AtLeast) + " or more is positive"
}

// answered is one item's parsed answers: choices, or a number, or text.
type answered struct {
	choices []*screeningAnswer
	number  float64
	isNum   bool
}

// parse checks every answer against the instrument and drops declines.
func (in *instrument) parse(raw map[string][]string) (map[string]answered, error) {
	bad := resources.FieldErrors{}
	out := make(map[string]answered, len(raw))
	for code, vals := range raw {
		field := "screening.answers." + code
		it := in.items[strings.TrimSpace(code)]
		if it == nil {
			bad.Add(field, "%q is not an item of %s", code, in.Code)
			continue
		}
		var vs []string
		for _, s := range vals {
			if s = strings.TrimSpace(s); s != "" && !slices.Contains(vs, s) {
				vs = append(vs, s)
			}
		}
		if len(vs) == 0 {
			continue
		}
		if len(vs) > 1 && !it.Repeats {
			bad.Add(field, "this item takes one answer, got %d", len(vs))
			continue
		}
		switch it.Type {
		case "choice":
			var a answered
			ok := true
			for _, s := range vs {
				ans := it.answers[strings.ToUpper(s)]
				if ans == nil {
					bad.Add(field, "%q is not an answer to this item; use %s", s, orList(it.codes(in)))
					ok = false
					break
				}
				a.choices = append(a.choices, ans)
			}
			if !ok {
				continue
			}
			if len(a.choices) > 1 {
				if i := slices.IndexFunc(a.choices, func(x *screeningAnswer) bool { return x.Exclusive }); i >= 0 {
					bad.Add(field, "%s (%s) cannot be given with other answers", a.choices[i].Code, a.choices[i].Display)
					continue
				}
			}
			a.choices = slices.DeleteFunc(a.choices, func(x *screeningAnswer) bool { return x.Decline })
			if len(a.choices) > 0 {
				out[it.Code] = a
			}
		case "integer", "decimal":
			x, err := strconv.ParseFloat(vs[0], 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || (it.Type == "integer" && x != math.Trunc(x)) {
				if it.Type == "integer" {
					bad.Add(field, "%q is not a whole number", vs[0])
				} else {
					bad.Add(field, "%q is not a number", vs[0])
				}
				continue
			}
			if (it.Min != nil && x < *it.Min) || (it.Max != nil && x > *it.Max) {
				bad.Add(field, "%s is out of range; use %s to %s", vs[0], num(*it.Min), num(*it.Max))
				continue
			}
			out[it.Code] = answered{number: x, isNum: true}
		default: // string: kept for the record, never scored
			out[it.Code] = answered{}
		}
	}
	if err := bad.Err("screening"); err != nil {
		return nil, err
	}
	return out, nil
}

// codes lists the answer codes an item allows, the decline code last.
func (it *screeningItem) codes(in *instrument) []string {
	out := make([]string, 0, len(it.Answers)+1)
	for _, a := range it.Answers {
		out = append(out, a.Code)
	}
	if in.Decline.Code != "" && !slices.Contains(out, in.Decline.Code) {
		out = append(out, in.Decline.Code)
	}
	return out
}

// apply returns the items that make the rule positive with the reason, or
// nothing; and a note when the answers could not be fully scored.
func (r *screeningRule) apply(in *instrument, given map[string]answered) (items []string, reason, note string) {
	if r.Sum != nil {
		return r.applySum(in, given)
	}
	var parts []string
	for _, code := range r.Items {
		a, ok := given[code]
		if !ok {
			continue
		}
		var hit []string
		for _, c := range a.choices {
			if (r.Answers != nil && slices.Contains(r.Answers, c.Code)) ||
				(r.Except != nil && !slices.Contains(r.Except, c.Code)) {
				hit = append(hit, c.words())
			}
		}
		if len(hit) == 0 {
			continue
		}
		items = append(items, code)
		parts = append(parts, in.items[code].Short+" ("+strings.Join(hit, ", ")+")")
	}
	if len(items) == 0 {
		return nil, "", ""
	}
	return items, r.Label + ": " + strings.Join(parts, "; "), ""
}

// applySum adds the items' values. All items answered: their sum (a total
// given too is checked against it, and the items win). Some missing: the
// total if given, else the partial sum, which can only grow, so it is
// positive as soon as it passes the cut-off.
func (r *screeningRule) applySum(in *instrument, given map[string]answered) (items []string, reason, note string) {
	s := r.Sum
	var sum float64
	var answeredItems []string
	for _, code := range r.Items {
		a, ok := given[code]
		if !ok || len(a.choices) == 0 || a.choices[0].Value == nil {
			continue
		}
		sum += *a.choices[0].Value
		answeredItems = append(answeredItems, code)
	}
	total, hasTotal := given[s.Total]
	hasTotal = hasTotal && s.Total != "" && total.isNum
	complete := len(answeredItems) == len(r.Items)
	score, from := sum, answeredItems
	switch {
	case complete && hasTotal && total.number != sum:
		note = fmt.Sprintf("%s: the total %s (%s) does not match its items, which add up to %s; the items were used",
			r.Label, s.Total, num(total.number), num(sum))
	case !complete && hasTotal:
		if total.number >= sum {
			score, from = total.number, []string{s.Total}
		} else {
			note = fmt.Sprintf("%s: the total %s (%s) is less than the items given, which add up to %s; the items were used",
				r.Label, s.Total, num(total.number), num(sum))
		}
	case !complete && len(answeredItems) > 0 && !s.positive(sum):
		note = fmt.Sprintf("%s: only %d of %d items answered; the %s so far is %s (%s), so the need may be missed",
			r.Label, len(answeredItems), len(r.Items), s.Name, num(sum), s.cutoff())
	}
	if len(from) == 0 || !s.positive(score) {
		return nil, "", note
	}
	reason = fmt.Sprintf("%s: %s %s of %s (%s)", r.Label, s.Name, num(score), num(s.Of), s.cutoff())
	if !complete && from[0] != s.Total {
		reason += fmt.Sprintf(", from %d of %d items", len(from), len(r.Items))
	}
	return from, reason, note
}

var loadInstruments = sync.OnceValues(func() (map[string]*instrument, error) {
	set := map[string]*instrument{}
	for name, b := range data.ScreeningInstruments() {
		in, err := parseInstrument(b)
		if err != nil {
			return nil, fmt.Errorf("screening instrument %s: %w", name, err)
		}
		if in.Code != name {
			return nil, fmt.Errorf("screening instrument %s: code is %q", name, in.Code)
		}
		set[name] = in
	}
	return set, nil
})

// parseInstrument reads one instrument and checks that its rules refer only
// to its own items and answers.
func parseInstrument(b []byte) (*instrument, error) {
	in := &instrument{}
	if err := json.Unmarshal(b, in); err != nil {
		return nil, err
	}
	in.items = map[string]*screeningItem{}
	in.order = map[string]int{}
	for i := range in.Items {
		it := &in.Items[i]
		if in.items[it.Code] != nil {
			return nil, fmt.Errorf("item %s twice", it.Code)
		}
		in.items[it.Code] = it
		in.order[it.Code] = i
		switch it.Type {
		case "choice":
			if len(it.Answers) == 0 {
				return nil, fmt.Errorf("item %s: no answers", it.Code)
			}
			it.answers = map[string]*screeningAnswer{}
			for j := range it.Answers {
				a := &it.Answers[j]
				if it.answers[a.Code] != nil {
					return nil, fmt.Errorf("item %s: answer %s twice", it.Code, a.Code)
				}
				it.answers[a.Code] = a
			}
			if in.Decline.Code != "" && it.answers[in.Decline.Code] == nil {
				d := in.Decline
				d.Decline, d.Exclusive = true, true
				it.answers[d.Code] = &d
			}
		case "integer", "decimal":
			if it.Min == nil || it.Max == nil {
				return nil, fmt.Errorf("item %s: a number needs min and max", it.Code)
			}
		case "string":
		default:
			return nil, fmt.Errorf("item %s: unknown type %q", it.Code, it.Type)
		}
	}
	for i, r := range in.Rules {
		if r.Need == "" || r.Label == "" || r.Why == "" || (r.Policy != "published" && r.Policy != "local") || len(r.Items) == 0 {
			return nil, fmt.Errorf("rule %d: need, label, why, policy and items are required", i)
		}
		kinds := 0
		for _, set := range []bool{r.Answers != nil, r.Except != nil, r.Sum != nil} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			return nil, fmt.Errorf("rule %d (%s): give one of answers, except and sum", i, r.Need)
		}
		for _, code := range r.Items {
			it := in.items[code]
			if it == nil || it.Type != "choice" {
				return nil, fmt.Errorf("rule %d (%s): %s is not a choice item", i, r.Need, code)
			}
			for _, a := range append(slices.Clone(r.Answers), r.Except...) {
				if it.answers[a] == nil {
					return nil, fmt.Errorf("rule %d (%s): %s is not an answer to %s", i, r.Need, a, code)
				}
			}
			if r.Sum != nil {
				for _, a := range it.Answers {
					if a.Value == nil {
						return nil, fmt.Errorf("rule %d (%s): answer %s of %s has no value to add", i, r.Need, a.Code, code)
					}
				}
			}
		}
		if s := r.Sum; s != nil {
			if (s.Above == nil) == (s.AtLeast == nil) || s.Name == "" || s.Of <= 0 {
				return nil, fmt.Errorf("rule %d (%s): a sum needs a name, of, and one of above and at_least", i, r.Need)
			}
			if s.Total != "" && (in.items[s.Total] == nil || in.items[s.Total].Type != "integer") {
				return nil, fmt.Errorf("rule %d (%s): total %s is not an integer item", i, r.Need, s.Total)
			}
		}
	}
	return in, nil
}

// orList writes "a, b or c".
func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// lowerFirst lower-cases a display's first letter for use mid-sentence.
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
