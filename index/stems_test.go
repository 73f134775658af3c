package index

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"github.com/refer-project/refer/internal/fixture"
)

// sampleWords is each word of the Miami 211 directory's service texts
// and a few Spanish sentences, once, lower-cased as the analyzers see them.
func sampleWords(t testing.TB) []string {
	t.Helper()
	dir := fixture.SharedData(t, "miami-211-hsds-1.1", "datapackage-1566177582", "data")
	var text []byte
	for _, name := range []string{"services.csv", "organizations.csv", "eligibility.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		text = append(text, b...)
	}
	text = append(text, " Comidas calientes y despensa de alimentos para familias. Ayuda con el alquiler, la electricidad y el agua. Atención médica gratuita; clínicas dentales. Niños, jóvenes, señoras."...)
	var words []string
	seen := map[string]bool{}
	for _, tok := range lowercase.NewLowerCaseFilter().Filter(unicode.NewUnicodeTokenizer().Tokenize(text)) {
		if w := string(tok.Term); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	if len(words) < 5000 {
		t.Fatalf("only %d distinct words read", len(words))
	}
	return words
}

func filterTerm(f analysis.TokenFilter, word string) string {
	out := f.Filter(analysis.TokenStream{{Term: []byte(word)}})
	return string(out[0].Term)
}

// The remembering stemmers give exactly what Bleve's own give, word by
// word, whether they meet a word for the first time or again, from
// several analysis workers at once, and across starting afresh.
func TestCachedStemmersGiveBlevesStems(t *testing.T) {
	words := sampleWords(t)
	cases := []struct {
		name   string
		plain  []analysis.TokenFilter
		cached *termCache
	}{
		{"english", []analysis.TokenFilter{en.NewEnglishStemmerFilter()}, newTermCache(500, en.NewEnglishStemmerFilter())},
		{"spanish", []analysis.TokenFilter{es.NewSpanishStemmerFilter(), es.NewSpanishNormalizeFilter()},
			newTermCache(500, es.NewSpanishStemmerFilter(), es.NewSpanishNormalizeFilter())},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := map[string]string{}
			for _, w := range words {
				s := w
				for _, f := range c.plain {
					s = filterTerm(f, s)
				}
				want[w] = s
			}
			var wg sync.WaitGroup
			errs := make(chan string, 4)
			for worker := range 4 {
				wg.Go(func() {
					// Each worker meets the words in its own order, twice.
					for pass := range 2 {
						for i := range words {
							w := words[(i*(worker+1)+pass*7)%len(words)]
							if got := filterTerm(c.cached, w); got != want[w] {
								errs <- w + ": got " + got + ", want " + want[w]
								return
							}
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
			if n := len(c.cached.terms); n > c.cached.limit {
				t.Errorf("the cache holds %d terms, more than its bound of %d", n, c.cached.limit)
			}
		})
	}
}

// The stemmers named in the mapping are the remembering ones.
func TestMappingUsesCachedStemmers(t *testing.T) {
	for _, a := range []analysis.Analyzer{enAnalyzer, esAnalyzer} {
		last := a.(*analysis.DefaultAnalyzer).TokenFilters
		if _, ok := last[len(last)-1].(*termCache); !ok {
			t.Errorf("the analyzer ends with %T, not the remembering stemmer", last[len(last)-1])
		}
	}
}

// BenchmarkTermCache: the English stemmer's cache, as Bleve's analysis
// workers use it, on words the cache knows (a directory's vocabulary is
// soon known); an op is 64 tokens.
func BenchmarkTermCache(b *testing.B) {
	words := sampleWords(b)
	c := newTermCache(maxCachedTerms, en.NewEnglishStemmerFilter())
	b.RunParallel(func(pb *testing.PB) {
		toks := make([]analysis.Token, 64)
		stream := make(analysis.TokenStream, 64)
		i := 0
		for pb.Next() {
			for j := range toks {
				toks[j] = analysis.Token{Term: []byte(words[(i*64+j)%len(words)])}
				stream[j] = &toks[j]
			}
			i++
			c.Filter(stream)
		}
	})
}
