package index

import (
	"sync"
	"sync/atomic"

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
// as Bleve's analysis workers share it.
type termCache struct {
	filters []analysis.TokenFilter
	limit   int64
	terms   atomic.Pointer[sync.Map] // term → filtered term, as []byte
	n       atomic.Int64
}

func newTermCache(limit int64, filters ...analysis.TokenFilter) *termCache {
	c := &termCache{filters: filters, limit: limit}
	c.terms.Store(&sync.Map{})
	return c
}

func (c *termCache) Filter(input analysis.TokenStream) analysis.TokenStream {
	terms := c.terms.Load()
	for _, tok := range input {
		if v, ok := terms.Load(string(tok.Term)); ok {
			tok.Term = v.([]byte)
			continue
		}
		key := string(tok.Term)
		one := analysis.TokenStream{tok}
		for _, f := range c.filters {
			one = f.Filter(one)
		}
		if len(one) != 1 || one[0] != tok {
			panic("index: a cached filter must map each token to itself") // a mistake in init
		}
		// Terms are shared between streams from now on, and Bleve only
		// reads them after analysis; nothing writes into a term in place
		// after these filters.
		terms.Store(key, tok.Term)
		if c.n.Add(1) > c.limit {
			c.terms.Store(&sync.Map{})
			c.n.Store(0)
			terms = c.terms.Load()
		}
	}
	return input
}
