package index

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"encoding/binary"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Field names in the Bleve index.
const (
	fieldName         = "name"
	fieldDescription  = "description"
	fieldEligibility  = "eligibility"
	fieldKeywords     = "keywords"
	fieldOrganization = "organization"
	fieldServiceID    = "service_id"
	// fieldWords holds names, keywords and description unstemmed, for
	// fuzzy matching of misspellings ("electrik"), which stems defeat.
	fieldWords = "words"
	// fieldSpanish holds names, keywords and description with Spanish
	// analysis, so Spanish words meet their inflections ("comidas").
	fieldSpanish = "es"

	// fieldCells holds grid cells of the document's place, so a text query
	// can be limited to a neighbourhood by term lookups (Bleve's geo
	// queries cost tens of ms at 100k documents; tech.md, speed.md).
	fieldCells = "cells"
)

// seqKey is the Bleve internal key that holds the store sequence number the
// index reflects; it is written in the same batch as the documents.
var seqKey = []byte("refer_store_seq")

// mappingVersion changes whenever the mapping does, or what a document's
// needs are read from, so an index built otherwise is rebuilt rather than
// misread (8: free keywords' services read their own descriptions; 9:
// documents know the needs they serve at the core).
const mappingVersion = "9"

// The analyzers of the text fields: Snowball stemmers and stop words
// (bleve's lang/en and lang/es, from the Snowball project), so "dentists"
// meets "dentist" and "comidas" meets "comida".
const (
	analyzerEN = "refer_en"
	analyzerES = "refer_es"
)

var mappingKey = []byte("refer_mapping_version")

// newMapping builds the Bleve mapping in code, dynamic mapping off: text
// fields with English analysis (stemming, stop words), an unstemmed copy for
// fuzzy matching, and the service id as a keyword so a service's documents
// can be found. No doc values and no _all field: nothing sorts, facets or
// searches by them (the catalog does that), and building them cost every
// rebuild CPU and memory. Places and service areas live in the catalog (areas.go).
func newMapping() mapping.IndexMapping {
	registerStemmers()
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	for name, filters := range map[string][]string{
		analyzerEN: {lowercase.Name, en.PossessiveName, en.StopName, stemmerEN},
		analyzerES: {lowercase.Name, es.StopName, stemmerES},
	} {
		if err := m.AddCustomAnalyzer(name, map[string]any{"type": custom.Name, "tokenizer": unicode.Name, "token_filters": filters}); err != nil {
			panic(err) // the names above are bleve's own
		}
	}
	m.DefaultAnalyzer = analyzerEN
	doc := bleve.NewDocumentStaticMapping()
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerEN
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false // nothing sorts or facets by a field in Bleve
		return f
	}
	for _, name := range []string{fieldName, fieldDescription, fieldEligibility, fieldKeywords, fieldOrganization} {
		doc.AddFieldMappingsAt(name, text())
	}
	words := text()
	words.Analyzer = standard.Name
	doc.AddFieldMappingsAt(fieldWords, words)
	spanish := text()
	spanish.Analyzer = analyzerES
	doc.AddFieldMappingsAt(fieldSpanish, spanish)
	kw := bleve.NewKeywordFieldMapping()
	kw.Store = true // read back when a replay meets a deleted site
	kw.IncludeInAll = false
	kw.DocValues = false
	doc.AddFieldMappingsAt(fieldServiceID, kw)
	cells := bleve.NewKeywordFieldMapping()
	cells.Store = false
	cells.IncludeInAll = false
	cells.IncludeTermVectors = false
	cells.DocValues = false
	doc.AddFieldMappingsAt(fieldCells, cells)
	// Every field is left out of _all, and no query asks it.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	m.DefaultType = "_default"
	return m
}

// Grid cells: fine ones for neighbourhood searches, coarse ones for wide
// radiuses, so a query names at most a few dozen cells.
const (
	fineCell   = 0.25 // degrees
	coarseCell = 2.0
	// coarseFrom is the radius from which a query uses coarse cells.
	coarseFrom = 60.0 // km
	// cellNone marks documents with no place; cellArea those with a
	// service area, which may serve places far from their own.
	cellNone = "none"
	cellArea = "area"
)

func cellName(prefix string, size float64, lon, lat float64) string {
	return fmt.Sprintf("%s%d:%d", prefix, int(math.Floor(lon/size)), int(math.Floor(lat/size)))
}

func docCells(d *Document) []string {
	var cells []string
	if d.HasPoint {
		cells = append(cells, cellName("f", fineCell, d.Point[0], d.Point[1]), cellName("c", coarseCell, d.Point[0], d.Point[1]))
	} else {
		cells = append(cells, cellNone)
	}
	if len(d.Areas) > 0 {
		cells = append(cells, cellArea)
	}
	return cells
}

// cellQuery matches documents in the cells that cover a radius around p,
// documents with no place, and documents with a service area.
func cellQuery(p orb.Point, radiusKm float64) query.Query {
	prefix, size := "f", fineCell
	if radiusKm >= coarseFrom {
		prefix, size = "c", coarseCell
	}
	b := geo.NewBoundAroundPoint(p, radiusKm*1000)
	var qs []query.Query
	for x := math.Floor(b.Min[0] / size); x <= math.Floor(b.Max[0]/size); x++ {
		for y := math.Floor(b.Min[1] / size); y <= math.Floor(b.Max[1]/size); y++ {
			t := bleve.NewTermQuery(fmt.Sprintf("%s%d:%d", prefix, int(x), int(y)))
			t.SetField(fieldCells)
			qs = append(qs, t)
		}
	}
	for _, c := range []string{cellNone, cellArea} {
		t := bleve.NewTermQuery(c)
		t.SetField(fieldCells)
		qs = append(qs, t)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// openBleve opens the index at dir, or creates it when createIfMissing.
func openBleve(dir string, create bool) (bleve.Index, error) {
	cfg := map[string]any{"bolt_timeout": "1s"}
	if create {
		return bleve.NewUsing(dir, newMapping(), scorch.Name, scorch.Name, cfg)
	}
	return bleve.OpenUsing(dir, cfg)
}

// storeKey holds the identity of the store the index was built from.
var storeKey = []byte("refer_store_identity")

// readSeq returns the store identity and sequence number the index
// reflects; ok is false for an index of another mapping version (or one
// from before identities were recorded).
func readSeq(b bleve.Index) (store string, seq uint64, ok bool, err error) {
	v, err := b.GetInternal(mappingKey)
	if err != nil {
		return "", 0, false, err
	}
	if string(v) != mappingVersion {
		return "", 0, false, nil
	}
	s, err := b.GetInternal(seqKey)
	if err != nil {
		return "", 0, false, err
	}
	id, err := b.GetInternal(storeKey)
	if err != nil {
		return "", 0, false, err
	}
	if len(s) != 8 || len(id) == 0 {
		return "", 0, false, nil
	}
	return string(id), binary.BigEndian.Uint64(s), true, nil
}

// setSeq records, in the batch that brings the index there, which store and
// which change the index reflects.
func setSeq(batch *bleve.Batch, store string, seq uint64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	batch.SetInternal(seqKey, b[:])
	batch.SetInternal(storeKey, []byte(store))
	batch.SetInternal(mappingKey, []byte(mappingVersion))
}

// maxFuzziness is the most edits Bleve's fuzzy query takes.
const maxFuzziness = 2

// Weights of a text query's parts.
var textFields = []struct {
	name  string
	boost float64
}{{fieldName, 3}, {fieldKeywords, 2}, {fieldOrganization, 1.5}, {fieldDescription, 1}, {fieldEligibility, 0.5}}

const (
	// spanishBoost weighs a word met by its Spanish stem; English text
	// meets most words by their English stems too, and counts for more.
	spanishBoost = 0.8
	// fuzzyBoost weighs a close misspelling ("electrik").
	fuzzyBoost = 0.3
	// synonymBoost weighs a need's search word that the user did not type.
	synonymBoost = 0.5
)

// wordQuery matches one of the user's words in any text field: by its
// English or Spanish stem, or, for a word of five letters or more, a close
// misspelling.
func wordQuery(w queryWord) query.Query {
	var alts []query.Query
	for _, f := range textFields {
		t := bleve.NewTermQuery(w.stem)
		t.SetField(f.name)
		t.SetBoost(f.boost)
		alts = append(alts, t)
	}
	if w.esStem != "" {
		t := bleve.NewTermQuery(w.esStem)
		t.SetField(fieldSpanish)
		t.SetBoost(spanishBoost)
		alts = append(alts, t)
	}
	if n := len([]rune(w.word)); n >= 5 {
		fz := bleve.NewFuzzyQuery(w.word)
		fz.SetField(fieldWords)
		// Long words may be two letters off, and never more: Bleve refuses
		// a fuzziness above maxFuzziness (a 16-letter word was a 500).
		fz.SetFuzziness(min(1+n/8, maxFuzziness))
		fz.SetPrefix(1) // but not the first: "dental" is not "mental" or "rental"
		fz.SetBoost(fuzzyBoost)
		alts = append(alts, fz)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// allWordsQuery matches documents that have every one of the words, as
// words, never as query syntax.
func allWordsQuery(words []queryWord) query.Query {
	var each []query.Query
	for _, w := range words {
		each = append(each, wordQuery(w))
	}
	if len(each) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewConjunctionQuery(each...)
}

// anyWordsQuery matches documents that have any of the words (BM25 adds
// up: the more, the better), or of the synonyms (the needs' search words
// the user did not type: "dental" for "dentist"), weighed less.
func anyWordsQuery(words []queryWord, synonyms []string) query.Query {
	var each []query.Query
	for _, w := range words {
		each = append(each, wordQuery(w))
	}
	for _, w := range analyzeWords(strings.Join(synonyms, " ")) {
		if slices.ContainsFunc(words, func(u queryWord) bool { return u.stem == w.stem }) {
			continue
		}
		var alts []query.Query
		for _, f := range textFields {
			t := bleve.NewTermQuery(w.stem)
			t.SetField(f.name)
			t.SetBoost(f.boost * synonymBoost)
			alts = append(alts, t)
		}
		each = append(each, bleve.NewDisjunctionQuery(alts...))
	}
	if len(each) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDisjunctionQuery(each...)
}

var enAnalyzer = analyzerOf(analyzerEN)
var esAnalyzer = analyzerOf(analyzerES)

func analyzerOf(name string) analysis.Analyzer {
	a := newMapping().AnalyzerNamed(name)
	if a == nil {
		panic("index: no analyzer " + name)
	}
	return a
}

var standardAnalyzer = newMapping().AnalyzerNamed(standard.Name)

type queryWord struct{ word, stem, esStem string }

// analyzeWords turns the user's words into the index's terms: each word
// lower-cased (for fuzzy matching) and stemmed in English and Spanish (for
// exact matching), words that are stop words in both languages dropped,
// duplicates dropped, in order. The text is never parsed as query syntax:
// "+", "-", ":" and quotes are just characters.
func analyzeWords(q string) []queryWord {
	var out []queryWord
	seen := map[string]bool{}
	for _, tok := range standardAnalyzer.Analyze([]byte(q)) {
		word := string(tok.Term)
		if seen[word] {
			continue
		}
		w := queryWord{word: word}
		if stems := enAnalyzer.Analyze(tok.Term); len(stems) > 0 {
			w.stem = string(stems[0].Term)
		}
		if stems := esAnalyzer.Analyze(tok.Term); len(stems) > 0 {
			w.esStem = string(stems[0].Term)
		}
		if w.stem == "" || w.esStem == "" {
			continue // a stop word in English or in Spanish ("the", "de", "para")
		}
		seen[word] = true
		out = append(out, w)
	}
	return out
}
