package index

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/registry"
)

// Token filters that give what Bleve's Snowball stemmers give (Spanish
// followed by its accent folding), remembering the terms they have seen.
// A directory says the same words again and again: at 100k services,
// stemming each token afresh took over a third of the index build's
// analysis (5.9 of 15.7 CPU s).
const (
	stemmerEN = "refer_stem_en"
	stemmerES = "refer_stem_es"
)

// registerStemmers registers the filters with Bleve, once; newMapping
// calls it, since package variables (the query analyzers) are made from
// the mapping before any init function runs.
var registerStemmers = sync.OnceFunc(func() {
	for name, filters := range map[string][]analysis.TokenFilter{
		stemmerEN: {en.NewEnglishStemmerFilter()},
		stemmerES: {es.NewSpanishStemmerFilter(), es.NewSpanishNormalizeFilter()},
	} {
		f := newTermCache(maxCachedTerms, filters...)
		err := registry.RegisterTokenFilter(name, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
			return f, nil
		})
		if err != nil {
			panic(err) // two filters of one name: a mistake in this file
		}
	}
})

// maxCachedTerms bounds a termCache: past it, it starts afresh. A real
// directory's vocabulary is tens of thousands of words (Miami's 211 about
// 20,000); the bound keeps a flood of distinct junk words from holding
// memory.
const maxCachedTerms = 200_000

// termCache runs filters that map each token to one token, on its term
// alone, and remembers the result by term. It is safe for concurrent use,
// as Bleve's analysis workers share it: they read under a shared lock, and
// a map indexed by string(term) does not copy the term (a sync.Map's key,
// an interface, did: the cache took a twelfth of the analysis).
type termCache struct {
	filters []analysis.TokenFilter
	limit   int
	mu      sync.RWMutex
	terms   map[string][]byte // term → filtered term
}

func newTermCache(limit int, filters ...analysis.TokenFilter) *termCache {
	return &termCache{filters: filters, limit: limit, terms: map[string][]byte{}}
}

func (c *termCache) Filter(input analysis.TokenStream) analysis.TokenStream {
	var missed []*analysis.Token
	c.mu.RLock()
	for _, tok := range input {
		if v, ok := c.terms[string(tok.Term)]; ok {
			tok.Term = v
		} else {
			missed = append(missed, tok)
		}
	}
	c.mu.RUnlock()
	if len(missed) == 0 {
		return input
	}
	keys := make([]string, len(missed))
	for i, tok := range missed {
		keys[i] = string(tok.Term)
		one := analysis.TokenStream{tok}
		for _, f := range c.filters {
			one = f.Filter(one)
		}
		if len(one) != 1 || one[0] != tok {
			panic("index: a cached filter must map each token to itself") // a mistake in init
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.terms)+len(missed) > c.limit {
		c.terms = map[string][]byte{}
	}
	for i, tok := range missed[:min(len(missed), c.limit)] {
		// Terms are shared between streams from now on, and Bleve only
		// reads them after analysis; nothing writes into a term in place
		// after these filters.
		c.terms[keys[i]] = tok.Term
	}
	return input
}
