package matcher

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/refer-project/refer/data"
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
// A phrase's words are not counted again one by one; where two phrases
// overlap, one whose words are adjacent beats one that skipped words, and
// then the longer wins. A need is found when its cue weights reach the
// lexicon's threshold. The broad needs (financial-insecurity,
// material-hardship) need a strong cue of their own when a more specific
// need is found, so "money for rent" is housing, not also financial
// insecurity. Evidence is quoted from the text in the order it appears.
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
	// stems holds what the lexicon knows about each stem. A stem that is
	// here (a cue, a phrase word, a common word) is never taken for a
	// misspelling.
	stems map[string]*stemInfo
	// surface maps each word of a cue or phrase, as written in the
	// lexicon, to its stem: the targets of misspellings.
	surface map[string]string
	// fuzzy maps each target word, and its variants with one or two
	// letters after the first deleted, to the target words
	// (symmetric-delete lookup).
	fuzzy map[string][]string
	// longest is the length of the longest target word.
	longest int
}

type stemInfo struct {
	words               []cue    // cues that are this one word
	phrases             []phrase // phrases that start with this word
	negAfter, negBefore [][]string
	negation, breaks    bool
	// firm has a bit for each need this word is a medium or strong cue of.
	firm needSet
}

// needSet is a set of need ids.
type needSet uint64

const maxNeeds = 64

func (ll *langLexicon) info(stem string) *stemInfo {
	si := ll.stems[stem]
	if si == nil {
		si = &stemInfo{}
		ll.stems[stem] = si
	}
	return si
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
	needs needSet
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
	if len(lx.needs) > maxNeeds {
		return nil, fmt.Errorf("phrasings: more than %d needs", maxNeeds)
	}
	lx.umbrella = make([]bool, len(lx.needs))
	for _, code := range f.Umbrella {
		i, ok := slices.BinarySearch(lx.needs, code)
		if !ok {
			return nil, fmt.Errorf("phrasings: umbrella need %q has no cues", code)
		}
		lx.umbrella[i] = true
	}
	for l := range nLangs {
		lx.lang[l] = langLexicon{stems: map[string]*stemInfo{}, surface: map[string]string{}}
	}
	langOf := func(name string) (int, error) {
		i := slices.Index(langNames[:], name)
		if i < 0 {
			return 0, fmt.Errorf("phrasings: unknown language %q", name)
		}
		return i, nil
	}
	// Build in a fixed order, so that ties always break the same way.
	for _, name := range slices.Sorted(maps.Keys(f.Languages)) {
		lang := f.Languages[name]
		l, err := langOf(name)
		if err != nil {
			return nil, err
		}
		ll := &lx.lang[l]
		for dir, list := range [][]string{lang.NegateAfter, lang.NegateBefore} {
			for _, s := range list {
				stems := stemAll(s, l)
				if len(stems) == 0 {
					return nil, fmt.Errorf("phrasings: empty negation %q", s)
				}
				for _, st := range stems {
					ll.info(st)
				}
				si := ll.info(stems[0])
				if dir == 0 {
					si.negAfter = append(si.negAfter, stems)
				} else {
					si.negBefore = append(si.negBefore, stems)
				}
			}
		}
		for kind, list := range [][]string{lang.Negations, lang.Breaks, lang.Common} {
			for _, s := range list {
				for _, st := range stemAll(s, l) {
					si := ll.info(st)
					si.negation = si.negation || kind == 0
					si.breaks = si.breaks || kind == 1
				}
			}
		}
	}
	type seenEntry struct {
		entry  string
		weight float64
	}
	seen := map[string]seenEntry{}
	var conflicts []string
	entry := 0
	for id, need := range lx.needs {
		langs := f.Needs[need]
		for _, name := range slices.Sorted(maps.Keys(langs)) {
			tiers := langs[name]
			l, err := langOf(name)
			if err != nil {
				return nil, err
			}
			ll := &lx.lang[l]
			for _, tier := range slices.Sorted(maps.Keys(tiers)) {
				w, ok := f.Weights[tier]
				if !ok {
					return nil, fmt.Errorf("phrasings: %s %s: unknown tier %q", need, name, tier)
				}
				for _, s := range tiers[tier] {
					stems := stemAll(s, l)
					if len(stems) == 0 {
						return nil, fmt.Errorf("phrasings: %s %s: empty entry %q", need, name, s)
					}
					key := name + " " + need + " " + strings.Join(stems, " ")
					if prev, ok := seen[key]; ok && prev.weight != w {
						conflicts = append(conflicts, fmt.Sprintf("%s %s: %q and %q", need, name, prev.entry, s))
					}
					seen[key] = seenEntry{s, w}
					c := cue{need: id, weight: w, strong: w >= f.Weights["strong"], entry: entry}
					entry++
					for _, st := range stems {
						ll.info(st)
					}
					for _, t := range tokenize(s, nil) {
						ll.surface[t.text] = stem(t.text, l)
					}
					si := ll.info(stems[0])
					if len(stems) == 1 {
						si.words = addCue(si.words, c)
						if w > f.Weights["weak"] {
							si.firm |= 1 << id
						}
						continue
					}
					i := slices.IndexFunc(si.phrases, func(p phrase) bool { return slices.Equal(p.stems, stems) })
					if i < 0 {
						si.phrases = append(si.phrases, phrase{stems: stems})
						i = len(si.phrases) - 1
					}
					si.phrases[i].cues = addCue(si.phrases[i].cues, c)
					si.phrases[i].needs |= 1 << id
				}
			}
		}
	}
	if len(conflicts) > 0 {
		slices.Sort(conflicts)
		return nil, fmt.Errorf("phrasings: entries that are the same after stemming but in different tiers: %s", strings.Join(conflicts, "; "))
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

// Fuzzy targets are cue and phrase words of 5 or more letters: shorter
// words are one edit away from too many everyday words.
const minFuzzyTarget = 5

func (ll *langLexicon) buildFuzzy() {
	ll.fuzzy = map[string][]string{}
	add := func(k, target string) {
		if !slices.Contains(ll.fuzzy[k], target) {
			ll.fuzzy[k] = append(ll.fuzzy[k], target)
		}
	}
	for t := range ll.surface {
		if len(t) < minFuzzyTarget || !isASCII(t) {
			continue
		}
		ll.longest = max(ll.longest, len(t))
		add(t, t)
		for i := 1; i < len(t); i++ {
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

// correct returns the stem of the lexicon word within maxd edits of the
// word s, with the same first letter, nearest first and then alphabetical;
// "" if none.
func (ll *langLexicon) correct(s string, maxd int, buf []byte) string {
	if len(s) > ll.longest+maxd {
		return "" // nothing is near, and the variants would cost n³
	}
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
	for i := 1; i < len(s); i++ {
		buf = append(append(buf[:0], s[:i]...), s[i+1:]...)
		try(buf)
		if maxd < 2 {
			continue
		}
		d1 := string(buf)
		for j := max(i, 1); j < len(d1); j++ {
			buf = append(append(buf[:0], d1[:j]...), d1[j+1:]...)
			try(buf)
		}
	}
	if best == "" {
		return ""
	}
	return ll.surface[best]
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
	info       [nLangs]*stemInfo
	fuzzy      bool // stem was corrected from a misspelling
	used       bool // part of a matched phrase
	negated    bool
	breaks     bool    // a word such as "but" that ends a clause
	negation   bool    // a word such as "not" or "no"
	firm       needSet // needs this word is a medium or strong cue of
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
	// A final e goes only from a stem that stays 4 letters long, so "cane"
	// is not "can"; a final y goes as "ies" does ("baby", "babies").
	if n := len(w); (n >= 5 && w[n-1] == 'e') || (n >= 4 && w[n-1] == 'y') {
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
		if strings.HasSuffix(w, suf) {
			if len(w)-len(suf) >= 4 {
				return w[:len(w)-len(suf)]
			}
			if suf == "iendo" || suf == "ando" {
				// A short gerund keeps its ending: "viviendo" is not
				// "vivienda".
				return w
			}
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
	need        int
	sum, strong float64 // cue weights, all and strong only
	score       float64
	evidence    []string
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
			t.info[l] = lx.lang[l].stems[t.stem[l]]
			known = known || t.info[l] != nil
		}
		if !known && len(t.text) >= fuzzyLen1 && isASCII(t.text) {
			maxd := 1
			if len(t.text) >= fuzzyLen2 {
				maxd = 2
			}
			for l := range nLangs {
				if c := lx.lang[l].correct(t.text, maxd, buf); c != "" {
					t.stem[l], t.info[l], t.fuzzy = c, lx.lang[l].stems[c], true
				}
			}
		}
		for l := range nLangs {
			if si := t.info[l]; si != nil {
				t.breaks = t.breaks || si.breaks
				t.negation = t.negation || si.negation
				t.firm |= si.firm
			}
		}
	}
	lx.negate(toks)

	// Phrases first. Where two overlap on a word, a phrase whose words are
	// next to each other beats one that skipped words to reach it, and then
	// the longer wins: "high school equivalency" is not "get (my) high".
	type phraseMatch struct {
		p    *phrase
		at   []int // the phrase's own words; a gap's words are not its own
		rank int
	}
	var pms []phraseMatch
	for l := range nLangs {
		for i := range toks {
			if toks[i].info[l] == nil || toks[i].negated {
				continue
			}
			for j := range toks[i].info[l].phrases {
				p := &toks[i].info[l].phrases[j]
				end, ok := matchPhrase(toks, i, *p, l)
				if !ok {
					continue
				}
				at := make([]int, 0, len(p.stems))
				at = append(at, i)
				for k, st := i, 1; st < len(p.stems); st++ {
					for k++; toks[k].stem[l] != p.stems[st]; k++ {
					}
					at = append(at, k)
				}
				rank := len(at)
				if end-i+1 == len(at) {
					rank += 100
				}
				pms = append(pms, phraseMatch{p, at, rank})
			}
		}
	}
	slices.SortStableFunc(pms, func(a, b phraseMatch) int { return cmp.Compare(b.rank, a.rank) })
	var best []int // per token, the rank of the phrase that holds it
	if len(pms) > 0 {
		best = make([]int, len(toks))
	}
	var hits []hit
	for _, m := range pms {
		if slices.ContainsFunc(m.at, func(k int) bool { return best[k] > m.rank }) {
			continue
		}
		fuzzy := false
		for _, k := range m.at {
			best[k] = m.rank
			toks[k].used = true
			fuzzy = fuzzy || toks[k].fuzzy
		}
		for _, c := range m.p.cues {
			hits = append(hits, lx.hit(c, m.at[0], m.at[len(m.at)-1], fuzzy))
		}
	}
	for i := range toks {
		t := &toks[i]
		if t.used || t.negated {
			continue
		}
		for l := range nLangs {
			if t.info[l] == nil {
				continue
			}
			for _, c := range t.info[l].words {
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
		return cmp.Or(cmp.Compare(a.need, b.need), cmp.Compare(b.weight, a.weight), cmp.Compare(a.from, b.from),
			cmp.Compare(b.to, a.to), cmp.Compare(a.entry, b.entry))
	})
	var found []needFound
	specific := false
	type quote struct {
		at   int
		text string
	}
	for i := 0; i < len(hits); {
		j := i
		for j < len(hits) && hits[j].need == hits[i].need {
			j++
		}
		f := needFound{need: hits[i].need}
		var quotes []quote
		var claimed, entries []int
		for _, h := range hits[i:j] {
			if slices.Contains(entries, h.entry) || slices.ContainsFunc(claimed, func(k int) bool { return k >= h.from && k <= h.to }) {
				continue
			}
			entries = append(entries, h.entry)
			for k := h.from; k <= h.to; k++ {
				claimed = append(claimed, k)
			}
			f.sum += h.weight
			if h.strong {
				f.strong += h.weight
			}
			quotes = append(quotes, quote{h.from, text[toks[h.from].start:toks[h.to].end]})
		}
		if f.sum >= lx.threshold {
			slices.SortStableFunc(quotes, func(a, b quote) int { return cmp.Compare(a.at, b.at) })
			for _, q := range quotes {
				if !slices.Contains(f.evidence, q.text) {
					f.evidence = append(f.evidence, q.text)
				}
			}
			found = append(found, f)
			specific = specific || !lx.umbrella[f.need]
		}
		i = j
	}
	out := found[:0]
	for _, f := range found {
		if specific && lx.umbrella[f.need] && f.strong < lx.threshold {
			continue // a broad need gives way to a specific one
		}
		f.score = 1 - math.Exp(-f.sum)
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

// matchPhrase matches p starting at token i, allowing up to phraseGap
// other words between two phrase words, and returns the index of the last
// token. A gap does not cross a clause break, nor a word that is a firm cue
// of another need: "need a shelter bed" is not "need a bed".
func matchPhrase(toks []token, i int, p phrase, l int) (int, bool) {
	k := i
	for _, st := range p.stems[1:] {
		next := -1
		for g := k + 1; g < len(toks) && g <= k+1+phraseGap; g++ {
			if toks[g].brk || toks[g].breaks {
				break
			}
			if toks[g].stem[l] == st {
				next = g
				break
			}
			if toks[g].firm&^p.needs != 0 {
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

// negate marks the words that negating phrases cancel: "not worried about
// rent" cancels rent, "food is fine" cancels food, up to a clause break. A
// negating phrase right after a negation ("don't have enough") is not one.
// The negating phrase's own words are used up, so "worried" in "not
// worried" is not a cue of stress.
func (lx *lexicon) negate(toks []token) {
	for l := range nLangs {
		for i := range toks {
			si := toks[i].info[l]
			if si == nil {
				continue
			}
			for dir, set := range [2][][]string{si.negAfter, si.negBefore} {
				for _, stems := range set {
					end, ok := matchExact(toks, i, stems, l)
					if !ok || (i > 0 && !toks[i].brk && toks[i-1].negation) {
						continue
					}
					for k := i; k <= end; k++ {
						toks[k].used = true
					}
					if dir == 0 {
						for k := end + 1; k < len(toks) && k <= end+negationReach; k++ {
							if toks[k].brk || toks[k].breaks {
								break
							}
							toks[k].negated = true
						}
					} else {
						for k := i - 1; k >= 0 && k >= i-negationReach; k-- {
							if toks[k+1].brk || toks[k].breaks {
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
