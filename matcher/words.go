package matcher

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/openreferral/refer/data"
)

// TextMatch is a need found in plain words.
type TextMatch struct {
	Code string `json:"code"`
	// Score is in (0, 1): 1-exp(-w) for the summed weight w of the cues
	// found, so one strong cue gives 0.63 and two give 0.86.
	Score float64 `json:"score"`
	// Evidence are the words of the text that matched, as written.
	Evidence []string `json:"evidence"`
}

// NeedsFromText finds the needs that plain words describe, in English or
// Spanish ("they are going to shut off my electricity", "me van a
// desalojar"), best first, ties in vocabulary order. It returns nil when
// nothing fits well enough; it does not guess.
//
// The method, kept general rather than fitted to examples: the text is
// lower-cased, stripped of accents and split into words; each word is
// reduced by a light English and a light Spanish suffix stripper; words
// and phrases (several words in order, up to two others between) are looked
// up in the lexicon data/needs/phrasings.json, where each need has strong,
// medium and weak cues in both languages; a word of 5 or more letters that
// is neither a cue nor a common word is taken for the cue within edit
// distance 1 (2 from 9 letters), same first letter, at a discount. Phrases
// such as "not worried about" or "is fine" cancel the cues in their clause.
// A need is found when its cue weights reach the lexicon's threshold. The
// broad needs (financial-insecurity, material-hardship) need a strong cue
// of their own when a more specific need is found, so "money for rent" is
// housing, not also financial insecurity.
func (v *Vocabulary) NeedsFromText(text string) []TextMatch {
	lx := words()
	found := lx.match(text)
	if len(found) == 0 {
		return nil
	}
	out := make([]TextMatch, 0, len(found))
	for _, n := range v.Needs { // vocabulary order, then a stable sort by score
		for i := range found {
			if lx.needs[found[i].need] == n.Code {
				out = append(out, TextMatch{Code: n.Code, Score: found[i].score, Evidence: found[i].evidence})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b TextMatch) int { return cmp.Compare(b.Score, a.Score) })
	if len(out) == 0 {
		return nil
	}
	return out
}

// words is the lexicon, built once from the embedded JSON. A broken
// lexicon is a build defect that the package's tests catch, so it panics.
var words = sync.OnceValue(func() *lexicon {
	lx, err := parseLexicon(data.PhrasingsJSON())
	if err != nil {
		panic("matcher: " + err.Error())
	}
	return lx
})

const (
	en = iota
	es
	nLangs
)

var langNames = [nLangs]string{en: "en", es: "es"}

type lexicon struct {
	threshold, fuzzyFactor float64
	needs                  []string // need id → code
	umbrella               []bool   // need id → broad need
	lang                   [nLangs]langLexicon
}

type langLexicon struct {
	words               map[string][]cue    // stem → cues
	phrases             map[string][]phrase // first stem → phrases starting with it
	negAfter, negBefore map[string][][]string
	negations, breaks   map[string]bool
	// known are the stems that are never taken for a misspelling: cues,
	// phrase words, common words.
	known map[string]bool
	// fuzzy maps each target stem, and its variants with one or two
	// letters deleted, to the target stems (symmetric-delete lookup).
	fuzzy map[string][]string
}

type cue struct {
	need   int
	weight float64
	strong bool
	entry  int // the lexicon entry, so that repeating a word counts once
}

type phrase struct {
	stems []string
	cues  []cue
}

type lexiconFile struct {
	Weights     map[string]float64 `json:"weights"`
	Threshold   float64            `json:"threshold"`
	FuzzyFactor float64            `json:"fuzzy_factor"`
	Umbrella    []string           `json:"umbrella"`
	Languages   map[string]struct {
		Negations    []string `json:"negations"`
		NegateAfter  []string `json:"negate_after"`
		NegateBefore []string `json:"negate_before"`
		Breaks       []string `json:"breaks"`
		Common       []string `json:"common"`
	} `json:"languages"`
	Needs map[string]map[string]map[string][]string `json:"needs"` // need → lang → tier → entries
}

func parseLexicon(b []byte) (*lexicon, error) {
	var f lexiconFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("phrasings: %w", err)
	}
	if f.Threshold <= 0 || f.FuzzyFactor <= 0 || f.FuzzyFactor > 1 {
		return nil, fmt.Errorf("phrasings: threshold and fuzzy_factor are required")
	}
	lx := &lexicon{threshold: f.Threshold, fuzzyFactor: f.FuzzyFactor}
	lx.needs = make([]string, 0, len(f.Needs))
	for code := range f.Needs {
		lx.needs = append(lx.needs, code)
	}
	slices.Sort(lx.needs)
	lx.umbrella = make([]bool, len(lx.needs))
	for _, code := range f.Umbrella {
		i, ok := slices.BinarySearch(lx.needs, code)
		if !ok {
			return nil, fmt.Errorf("phrasings: umbrella need %q has no cues", code)
		}
		lx.umbrella[i] = true
	}
	for l := range nLangs {
		lx.lang[l] = langLexicon{words: map[string][]cue{}, phrases: map[string][]phrase{},
			negAfter: map[string][][]string{}, negBefore: map[string][][]string{},
			negations: map[string]bool{}, breaks: map[string]bool{}, known: map[string]bool{}}
	}
	langOf := func(name string) (int, error) {
		i := slices.Index(langNames[:], name)
		if i < 0 {
			return 0, fmt.Errorf("phrasings: unknown language %q", name)
		}
		return i, nil
	}
	for name, lang := range f.Languages {
		l, err := langOf(name)
		if err != nil {
			return nil, err
		}
		ll := &lx.lang[l]
		for _, group := range []struct {
			list []string
			into map[string][][]string
		}{{lang.NegateAfter, ll.negAfter}, {lang.NegateBefore, ll.negBefore}} {
			for _, s := range group.list {
				stems := stemAll(s, l)
				if len(stems) == 0 {
					return nil, fmt.Errorf("phrasings: empty negation %q", s)
				}
				group.into[stems[0]] = append(group.into[stems[0]], stems)
				for _, st := range stems {
					ll.known[st] = true
				}
			}
		}
		for _, group := range []struct {
			list []string
			into map[string]bool
		}{{lang.Negations, ll.negations}, {lang.Breaks, ll.breaks}, {lang.Common, ll.known}} {
			for _, s := range group.list {
				for _, st := range stemAll(s, l) {
					group.into[st] = true
					ll.known[st] = true
				}
			}
		}
	}
	entry := 0
	for need, langs := range f.Needs {
		id, _ := slices.BinarySearch(lx.needs, need)
		for name, tiers := range langs {
			l, err := langOf(name)
			if err != nil {
				return nil, err
			}
			ll := &lx.lang[l]
			for tier, list := range tiers {
				w, ok := f.Weights[tier]
				if !ok {
					return nil, fmt.Errorf("phrasings: %s %s: unknown tier %q", need, name, tier)
				}
				for _, s := range list {
					stems := stemAll(s, l)
					if len(stems) == 0 {
						return nil, fmt.Errorf("phrasings: %s %s: empty entry %q", need, name, s)
					}
					c := cue{need: id, weight: w, strong: w >= f.Weights["strong"], entry: entry}
					entry++
					for _, st := range stems {
						ll.known[st] = true
					}
					if len(stems) == 1 {
						ll.words[stems[0]] = addCue(ll.words[stems[0]], c)
						continue
					}
					ps := ll.phrases[stems[0]]
					i := slices.IndexFunc(ps, func(p phrase) bool { return slices.Equal(p.stems, stems) })
					if i < 0 {
						ps = append(ps, phrase{stems: stems})
						i = len(ps) - 1
					}
					ps[i].cues = addCue(ps[i].cues, c)
					ll.phrases[stems[0]] = ps
				}
			}
		}
	}
	for l := range nLangs {
		lx.lang[l].buildFuzzy()
	}
	return lx, nil
}

// addCue adds c, keeping one cue per need: the heaviest (an entry listed
// twice for a need, or a word that is also a phrase word, counts once).
func addCue(cs []cue, c cue) []cue {
	for i := range cs {
		if cs[i].need == c.need {
			if c.weight > cs[i].weight {
				cs[i] = c
			}
			return cs
		}
	}
	return append(cs, c)
}

// stemAll normalizes and stems a lexicon entry in language l.
func stemAll(s string, l int) []string {
	toks := tokenize(s, nil)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = stem(t.text, l)
	}
	return out
}

// Fuzzy targets are cue and phrase stems of 4 or more letters.
const minFuzzyTarget = 4

func (ll *langLexicon) buildFuzzy() {
	ll.fuzzy = map[string][]string{}
	add := func(k, target string) {
		if !slices.Contains(ll.fuzzy[k], target) {
			ll.fuzzy[k] = append(ll.fuzzy[k], target)
		}
	}
	targets := map[string]bool{}
	for st := range ll.words {
		targets[st] = true
	}
	for _, ps := range ll.phrases {
		for _, p := range ps {
			for _, st := range p.stems {
				targets[st] = true
			}
		}
	}
	for t := range targets {
		if len(t) < minFuzzyTarget || !isASCII(t) {
			continue
		}
		add(t, t)
		for i := range len(t) {
			d1 := t[:i] + t[i+1:]
			add(d1, t)
			for j := i; j < len(d1); j++ {
				add(d1[:j]+d1[j+1:], t)
			}
		}
	}
	for k := range ll.fuzzy {
		slices.Sort(ll.fuzzy[k]) // deterministic choice among equals
	}
}

// correct returns the target stem within maxd edits of s, with the same
// first letter, nearest first and then alphabetical; "" if none.
func (ll *langLexicon) correct(s string, maxd int, buf []byte) string {
	best, bestD := "", maxd+1
	try := func(k []byte) {
		for _, t := range ll.fuzzy[string(k)] {
			if t[0] != s[0] {
				continue
			}
			if d := osaDistance(s, t, maxd); d < bestD || (d == bestD && t < best) {
				best, bestD = t, d
			}
		}
	}
	try([]byte(s))
	for i := range len(s) {
		buf = append(append(buf[:0], s[:i]...), s[i+1:]...)
		try(buf)
		if maxd < 2 {
			continue
		}
		d1 := string(buf)
		for j := i; j < len(d1); j++ {
			buf = append(append(buf[:0], d1[:j]...), d1[j+1:]...)
			try(buf)
		}
	}
	return best
}

// osaDistance is the optimal string alignment distance (insertions,
// deletions, substitutions and adjacent transpositions), or max+1 when it
// exceeds max.
func osaDistance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	var rows [3][32]int
	if len(b)+1 > len(rows[0]) {
		return max + 1
	}
	prev2, prev, cur := rows[0][:len(b)+1], rows[1][:len(b)+1], rows[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			low = min(low, cur[j])
		}
		if low > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], max+1)
}

// token is one word of the text.
type token struct {
	text       string // lower-case, accents removed
	start, end int    // byte offsets in the original text
	brk        bool   // a clause break (punctuation) comes before it
	stem       [nLangs]string
	fuzzy      bool // stem was corrected from a misspelling
	used       bool // part of a matched phrase
	negated    bool
}

// tokenize splits s into lower-case, accent-free words of letters and
// digits; apostrophes join ("don't" is "dont"); punctuation marks a break.
// The words share one string.
func tokenize(s string, toks []token) []token {
	buf := make([]byte, 0, len(s))
	first := len(toks)
	var nstart []int // where each token starts in buf
	start, brk := -1, false
	end := func(i int) {
		if start >= 0 {
			toks = append(toks, token{start: start, end: i, brk: brk})
			brk = false
		}
		start = -1
	}
	for i, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
				nstart = append(nstart, len(buf))
			}
			r = unicode.ToLower(r)
			if r < utf8.RuneSelf {
				buf = append(buf, byte(r))
			} else if f := fold(r); f != 0 {
				buf = append(buf, f)
			} else {
				buf = utf8.AppendRune(buf, r)
			}
		default:
			end(i)
			if strings.ContainsRune(".,;:!?()[]{}|\n\r¿¡—–•\"“”", r) {
				brk = true
			}
		}
	}
	end(len(s))
	norm := string(buf)
	for i := range nstart {
		stop := len(norm)
		if i+1 < len(nstart) {
			stop = nstart[i+1]
		}
		toks[first+i].text = norm[nstart[i]:stop]
	}
	return toks
}

// fold maps an accented Latin letter to its plain ASCII letter, or 0.
func fold(r rune) byte {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å':
		return 'a'
	case 'ç':
		return 'c'
	case 'è', 'é', 'ê', 'ë':
		return 'e'
	case 'ì', 'í', 'î', 'ï':
		return 'i'
	case 'ñ':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø':
		return 'o'
	case 'ù', 'ú', 'û', 'ü':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	}
	return 0
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// stem strips common inflections so that "evicted", "evicting" and
// "eviction" meet, and "desalojar", "desalojo" and "desalojaron". It returns
// a prefix of w. It is deliberately light: it only has to make the forms of
// the lexicon's words meet, not to be a full stemmer.
func stem(w string, l int) string {
	if l == en {
		return stemEN(w)
	}
	return stemES(w)
}

func stemEN(w string) string {
	if len(w) < 4 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3]
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"),
		strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "zes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	undouble := false
	switch {
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		w = w[:len(w)-3]
	case strings.HasSuffix(w, "ing") && len(w) >= 6 && hasVowel(w[:len(w)-3]):
		w, undouble = w[:len(w)-3], true
	case strings.HasSuffix(w, "ed") && len(w) >= 5 && hasVowel(w[:len(w)-2]):
		w, undouble = w[:len(w)-2], true
	case strings.HasSuffix(w, "ly") && len(w) >= 6:
		w = w[:len(w)-2]
	}
	if undouble && len(w) >= 3 {
		if c := w[len(w)-1]; c == w[len(w)-2] && strings.IndexByte("bdgmnprt", c) >= 0 {
			w = w[:len(w)-1]
		}
	}
	for _, suf := range []string{"ation", "ment", "ness", "ion"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			w = w[:len(w)-len(suf)]
			break
		}
	}
	if n := len(w); n >= 4 && (w[n-1] == 'e' || w[n-1] == 'y') {
		w = w[:n-1]
	}
	return w
}

func hasVowel(s string) bool { return strings.ContainsAny(s, "aeiouy") }

var esSuffixes = []string{
	"amientos", "imientos", "amiento", "imiento", "aciones", "iciones", "mente",
	"acion", "icion", "ieron", "iendo", "aron", "ando", "ados", "adas", "idos", "idas",
	"amos", "emos", "imos", "aban", "ion", "ado", "ada", "ido", "ida", "aba",
	"ar", "er", "ir", "an", "en", "as", "os", "a", "o", "e",
}

func stemES(w string) string {
	if len(w) < 4 {
		return w
	}
	n := len(w)
	switch {
	case strings.HasSuffix(w, "es") && n >= 5 && !isVowel(w[n-3]):
		w = w[:n-2]
	case w[n-1] == 's' && isVowel(w[n-2]) && n >= 5:
		w = w[:n-1]
	}
	for _, suf := range esSuffixes {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

// A word this long may be misspelt by one edit; from fuzzyLen2, by two.
const (
	fuzzyLen1 = 5
	fuzzyLen2 = 9
	// Negations reach this many words past (or before) their phrase.
	negationReach = 6
	// Phrase words may have up to this many other words between them.
	phraseGap = 2
)

type hit struct {
	need     int
	weight   float64
	strong   bool
	entry    int
	from, to int // token span
}

type needFound struct {
	need     int
	score    float64
	evidence []string
}

func (lx *lexicon) match(text string) []needFound {
	toks := tokenize(text, make([]token, 0, 32))
	if len(toks) == 0 {
		return nil
	}
	var buf []byte
	for i := range toks {
		t := &toks[i]
		known := false
		for l := range nLangs {
			t.stem[l] = stem(t.text, l)
			known = known || lx.lang[l].known[t.stem[l]]
		}
		if known || len(t.text) < fuzzyLen1 || !isASCII(t.text) {
			continue
		}
		maxd := 1
		if len(t.text) >= fuzzyLen2 {
			maxd = 2
		}
		for l := range nLangs {
			if c := lx.lang[l].correct(t.stem[l], maxd, buf); c != "" {
				t.stem[l], t.fuzzy = c, true
			}
		}
	}
	lx.negate(toks)

	var hits []hit
	for l := range nLangs {
		ll := &lx.lang[l]
		for i := range toks {
			for _, p := range ll.phrases[toks[i].stem[l]] {
				end, ok := matchPhrase(toks, i, p.stems, l, lx)
				if !ok || toks[i].negated {
					continue
				}
				fuzzy := false
				for k := i; k <= end; k++ {
					fuzzy = fuzzy || toks[k].fuzzy
				}
				for _, c := range p.cues {
					hits = append(hits, lx.hit(c, i, end, fuzzy))
				}
				// Mark only the phrase's own words, not the gap between.
				toks[i].used = true
				k := i
				for _, st := range p.stems[1:] {
					for k++; toks[k].stem[l] != st; k++ {
					}
					toks[k].used = true
				}
			}
		}
	}
	for i := range toks {
		t := &toks[i]
		if t.used || t.negated {
			continue
		}
		for l := range nLangs {
			for _, c := range lx.lang[l].words[t.stem[l]] {
				hits = append(hits, lx.hit(c, i, i, t.fuzzy))
			}
		}
	}
	if len(hits) == 0 {
		return nil
	}

	// Per need: heaviest hits first; a hit counts if its entry has not
	// counted yet and its words are not already claimed for that need.
	slices.SortStableFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.need, b.need), cmp.Compare(b.weight, a.weight), cmp.Compare(a.from, b.from))
	})
	var found []needFound
	specific := false
	sums := make([]float64, 0, 4)
	strongs := make([]float64, 0, 4)
	for i := 0; i < len(hits); {
		j := i
		for j < len(hits) && hits[j].need == hits[i].need {
			j++
		}
		var sum, strong float64
		var ev []string
		var claimed []int
		var entries []int
		for _, h := range hits[i:j] {
			if slices.Contains(entries, h.entry) || slices.ContainsFunc(claimed, func(k int) bool { return k >= h.from && k <= h.to }) {
				continue
			}
			entries = append(entries, h.entry)
			for k := h.from; k <= h.to; k++ {
				claimed = append(claimed, k)
			}
			sum += h.weight
			if h.strong {
				strong += h.weight
			}
			e := text[toks[h.from].start:toks[h.to].end]
			if !slices.Contains(ev, e) {
				ev = append(ev, e)
			}
		}
		if sum >= lx.threshold {
			found = append(found, needFound{need: hits[i].need, evidence: ev})
			sums = append(sums, sum)
			strongs = append(strongs, strong)
			specific = specific || !lx.umbrella[hits[i].need]
		}
		i = j
	}
	out := found[:0]
	for i, f := range found {
		if specific && lx.umbrella[f.need] {
			if strongs[i] < lx.threshold {
				continue
			}
		}
		f.score = 1 - math.Exp(-sums[i])
		out = append(out, f)
	}
	return out
}

func (lx *lexicon) hit(c cue, from, to int, fuzzy bool) hit {
	w := c.weight
	if fuzzy {
		w *= lx.fuzzyFactor
	}
	return hit{need: c.need, weight: w, strong: c.strong && w >= lx.threshold, entry: c.entry, from: from, to: to}
}

// matchPhrase matches stems starting at token i, allowing up to phraseGap
// other words between two phrase words but no clause break, and returns
// the index of the last token.
func matchPhrase(toks []token, i int, stems []string, l int, lx *lexicon) (int, bool) {
	k := i
	for _, st := range stems[1:] {
		next := -1
		for g := k + 1; g < len(toks) && g <= k+1+phraseGap; g++ {
			if toks[g].brk || lx.isBreak(toks[g]) {
				break
			}
			if toks[g].stem[l] == st {
				next = g
				break
			}
		}
		if next < 0 {
			return 0, false
		}
		k = next
	}
	return k, true
}

func (lx *lexicon) isBreak(t token) bool {
	for l := range nLangs {
		if lx.lang[l].breaks[t.stem[l]] {
			return true
		}
	}
	return false
}

func (lx *lexicon) isNegation(t token) bool {
	for l := range nLangs {
		if lx.lang[l].negations[t.stem[l]] {
			return true
		}
	}
	return false
}

// negate marks the words that negating phrases cancel: "not worried about
// rent" cancels rent, "food is fine" cancels food, up to a clause break. A
// negating phrase right after a negation ("don't have enough") is not one.
// The negating phrase's own words are used up, so "worried" in "not
// worried" is not a cue of stress.
func (lx *lexicon) negate(toks []token) {
	for l := range nLangs {
		ll := &lx.lang[l]
		sets := [2]map[string][][]string{ll.negAfter, ll.negBefore}
		for i := range toks {
			for dir, set := range sets {
				for _, stems := range set[toks[i].stem[l]] {
					end, ok := matchExact(toks, i, stems, l)
					if !ok || (i > 0 && !toks[i].brk && lx.isNegation(toks[i-1])) {
						continue
					}
					for k := i; k <= end; k++ {
						toks[k].used = true
					}
					if dir == 0 {
						for k := end + 1; k < len(toks) && k <= end+negationReach; k++ {
							if toks[k].brk || lx.isBreak(toks[k]) {
								break
							}
							toks[k].negated = true
						}
					} else {
						for k := i - 1; k >= 0 && k >= i-negationReach; k-- {
							if toks[k+1].brk || lx.isBreak(toks[k]) {
								break
							}
							toks[k].negated = true
						}
					}
				}
			}
		}
	}
}

// matchExact matches stems at tokens i, i+1, … with nothing between.
func matchExact(toks []token, i int, stems []string, l int) (int, bool) {
	if i+len(stems) > len(toks) {
		return 0, false
	}
	for j, st := range stems {
		if toks[i+j].stem[l] != st || (j > 0 && toks[i+j].brk) {
			return 0, false
		}
	}
	return i + len(stems) - 1, true
}
