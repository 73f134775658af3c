package index

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// A document's name, keywords and description are analyzed by three
// analyzers: each alone in English, and joined (fieldWords, fieldSpanish)
// unstemmed and in Spanish. All three begin by cutting the text into words
// and lower-casing them: the Unicode word breaking alone was over a third
// of a rebuild's analysis (5.8 of 45 CPU s at 100k services). A document
// made by bleveDocument cuts and lower-cases each text once and runs each
// analyzer's other filters on a copy: the fields get exactly the tokens
// their analyzers would give (TestSharedAnalysisIsBleves,
// FuzzSharedAnalysis), and the index is the one the mapping would build.

// The filters each analyzer runs after lower-casing, read off the mapping
// so that they are defined once.
var (
	enAfterLower    = filtersAfterLower(enAnalyzer)
	esAfterLower    = filtersAfterLower(esAnalyzer)
	wordsAfterLower = filtersAfterLower(standardAnalyzer)

	keywordAnalyzer = newMapping().AnalyzerNamed(keyword.Name)
	wordBreaker     = unicodetok.NewUnicodeTokenizer()
	lowerCaser      = lowercase.NewLowerCaseFilter()
)

// filtersAfterLower returns a's token filters after the first, checking
// that a cuts words as wordBreaker does and lower-cases them first.
func filtersAfterLower(a analysis.Analyzer) []analysis.TokenFilter {
	da, ok := a.(*analysis.DefaultAnalyzer)
	if !ok || len(da.CharFilters) > 0 || len(da.TokenFilters) == 0 {
		panic("index: an analyzer that shares its word breaking must be a plain one")
	}
	if _, ok := da.Tokenizer.(*unicodetok.UnicodeTokenizer); !ok {
		panic("index: an analyzer that shares its word breaking must use the unicode tokenizer")
	}
	if _, ok := da.TokenFilters[0].(*lowercase.LowerCaseFilter); !ok {
		panic("index: an analyzer that shares its word breaking must lower-case first")
	}
	return da.TokenFilters[1:]
}

// Options of the fields, as the mapping gives them (the service id, a
// keyword mapping's defaults, keeps term vectors).
const (
	textOptions   = index.IndexField
	storedKeyword = index.IndexField | index.StoreField | index.IncludeTermVectors
)

// bleveDocument is the Bleve document indexed for d: the fields the
// mapping (newMapping) would make of its values, analyzed sharing the
// word breaking of the texts that several fields hold.
func bleveDocument(d *Document) *document.Document {
	texts := &sharedTexts{parts: [3][]byte{[]byte(d.Name), []byte(d.Keywords), []byte(d.Description)}}
	joined := d.Name + " " + d.Keywords + " " + d.Description
	doc := document.NewDocument(d.ID)
	add := func(name, value string, a analysis.Analyzer) {
		doc.AddField(document.NewTextFieldCustom(name, []uint64{}, []byte(value), textOptions, a))
	}
	add(fieldName, d.Name, &sharedAnalyzer{texts, 0, enAfterLower})
	add(fieldKeywords, d.Keywords, &sharedAnalyzer{texts, 1, enAfterLower})
	add(fieldDescription, d.Description, &sharedAnalyzer{texts, 2, enAfterLower})
	add(fieldWords, joined, &sharedAnalyzer{texts, joinedPart, wordsAfterLower})
	add(fieldSpanish, joined, &sharedAnalyzer{texts, joinedPart, esAfterLower})
	add(fieldEligibility, d.Eligibility, englishWords)
	add(fieldOrganization, d.OrganizationName, englishWords)
	doc.AddField(document.NewTextFieldCustom(fieldServiceID, []uint64{}, []byte(d.ServiceID), storedKeyword, keywordAnalyzer))
	for i, c := range docCells(d) {
		doc.AddField(document.NewTextFieldCustom(fieldCells, []uint64{uint64(i)}, []byte(c), textOptions, keywordAnalyzer))
	}
	doc.SetIndexed()
	return doc
}

// englishWords is enAnalyzer, cutting words with tokenize.
var englishWords = plainAnalyzer{enAfterLower}

// plainAnalyzer is an analyzer of the mapping (filtersAfterLower gives
// its filters) whose words are cut by tokenize.
type plainAnalyzer struct{ filters []analysis.TokenFilter }

func (a plainAnalyzer) Analyze(text []byte) analysis.TokenStream {
	tokens := lowerCaser.Filter(tokenize(text))
	for _, f := range a.filters {
		tokens = f.Filter(tokens)
	}
	return tokens
}

// joinedPart names the parts joined by spaces, as a field's part.
const joinedPart = -1

// sharedTexts holds a document's name, keywords and description, and once
// analyzed, their lower-cased words. Bleve analyzes one document's fields
// on one goroutine, one after another, so it needs no lock.
type sharedTexts struct {
	parts    [3][]byte
	words    [3]analysis.TokenStream
	joined   analysis.TokenStream // when the parts' words cannot be joined
	analyzed bool
	// tokens and stream are copyOf's, reused field after field: Bleve
	// keeps a field's word frequencies (the terms, not the tokens) once
	// it is analyzed, before the next field is, and a copy for each of
	// five fields was an eighth of what an import allocated.
	tokens []analysis.Token
	stream analysis.TokenStream
}

func (t *sharedTexts) analyze() {
	if t.analyzed {
		return
	}
	t.analyzed = true
	// Joined before lower-casing, which writes into the parts.
	if !utf8.Valid(t.parts[0]) || !joinable(t.parts[1]) || !joinable(t.parts[2]) {
		text := make([]byte, 0, len(t.parts[0])+len(t.parts[1])+len(t.parts[2])+2)
		text = append(append(append(append(append(text, t.parts[0]...), ' '), t.parts[1]...), ' '), t.parts[2]...)
		t.joined = lowerCaser.Filter(tokenize(text))
	}
	for i, p := range t.parts {
		t.words[i] = lowerCaser.Filter(tokenize(p))
	}
}

// joinable reports whether the words of a text after a space are its own
// words, positions and offsets moved along: so unless it begins with a
// mark or a format character, which Unicode word breaking joins to the
// space before (UAX #29, WB4), or is not UTF-8, where the word breaker
// stops.
func joinable(text []byte) bool {
	if !utf8.Valid(text) {
		return false
	}
	r, _ := utf8.DecodeRune(text)
	return len(text) == 0 || r < utf8.RuneSelf || !unicode.In(r, unicode.M, unicode.Cf, unicode.Sk, unicode.So)
}

// copyOf returns a copy of part's words (joinedPart: all three, joined),
// which filters may change, as their own until the next copyOf.
func (t *sharedTexts) copyOf(part int) analysis.TokenStream {
	t.analyze()
	var from []analysis.TokenStream
	switch {
	case part != joinedPart:
		from = []analysis.TokenStream{t.words[part]}
	case t.joined != nil:
		from = []analysis.TokenStream{t.joined}
	default:
		from = t.words[:]
	}
	n := 0
	for _, ws := range from {
		n += len(ws)
	}
	if cap(t.tokens) < n {
		t.tokens = make([]analysis.Token, n)
		t.stream = make(analysis.TokenStream, n)
	}
	tokens, out := t.tokens[:n], t.stream[:n]
	i, pos, offset := 0, 0, 0
	for j, ws := range from {
		for _, w := range ws {
			tokens[i] = *w
			tokens[i].Position += pos
			tokens[i].Start += offset
			tokens[i].End += offset
			out[i] = &tokens[i]
			i++
		}
		pos += len(ws)
		if len(from) > 1 {
			offset += len(t.parts[j]) + 1
		}
	}
	return out
}

// sharedAnalyzer gives a field of a document its analyzer's tokens from
// the words the document's texts share; it is made for the one document.
type sharedAnalyzer struct {
	texts   *sharedTexts
	part    int
	filters []analysis.TokenFilter
}

// Analyze ignores its input: the field's value is the part it names.
func (a *sharedAnalyzer) Analyze([]byte) analysis.TokenStream {
	tokens := a.texts.copyOf(a.part)
	for _, f := range a.filters {
		tokens = f.Filter(tokens)
	}
	return tokens
}
