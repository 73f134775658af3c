package index

import (
	"bytes"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

// asciiWordsSeeds are ASCII texts whose words a mark joins or splits.
var asciiWordsSeeds = []string{
	"Food pantry: open Mon-Fri, 9:00-5:00.",
	"don't can't 'quoted' rock'n'roll o'",
	"e.g. U.S.A. a.b.c .a a. a..b",
	"1,000.50 1.5 1'2 1;2 1:2 3.a a.3 1,a a,1",
	"snake_case _lead trail_ __ _1_ a_1 1_a a_.b 1_,2",
	"24/7 (555) 123-4567 x12 #3 $10 100% a&b a\"b",
	"a1 1a a1.2 a1.b 1.5a ab1.c 1.2.3 a.b.c",
	"tab\there\r\nnew\vline\fpage \x00\x1f\x7f",
	"", " ", ".", "_", "a", "1", "'", ":", ",",
}

// FuzzASCIIWords: for any ASCII text (the fuzzer's bytes, high bits
// cleared), asciiWords gives the unicode tokenizer's tokens, term, offsets,
// position and type.
func FuzzASCIIWords(f *testing.F) {
	for _, s := range asciiWordsSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		for i := range text {
			text[i] &= 0x7f
		}
		sameWords(t, text)
	})
}

func TestASCIIWordsSeeds(t *testing.T) {
	for _, s := range asciiWordsSeeds {
		sameWords(t, []byte(s))
	}
}

func sameWords(t *testing.T, text []byte) {
	t.Helper()
	got, want := asciiWords(slices.Clone(text)), wordBreaker.Tokenize(slices.Clone(text))
	if !slices.EqualFunc(got, want, func(a, b *analysis.Token) bool {
		return bytes.Equal(a.Term, b.Term) && a.Start == b.Start && a.End == b.End && a.Position == b.Position && a.Type == b.Type
	}) {
		t.Errorf("%q:\n got  %s\n want %s", text, tokenList(got), tokenList(want))
	}
}

func tokenList(ts analysis.TokenStream) string {
	var b bytes.Buffer
	for _, tok := range ts {
		b.WriteString(tok.String())
		b.WriteByte(' ')
	}
	return b.String()
}

// TestASCIIWordsEveryShortText: every text of up to four bytes drawn from
// letters, digits, the underscore, each joining mark and two others: the
// rules look at a byte's neighbours only, so these try each rule in each
// place.
func TestASCIIWordsEveryShortText(t *testing.T) {
	alphabet := []byte("aZ09_.,:;' -\"")
	texts := [][]byte{{}}
	for range 4 {
		var longer [][]byte
		for _, s := range texts {
			for _, c := range alphabet {
				longer = append(longer, append(slices.Clone(s), c))
			}
		}
		for _, s := range longer {
			sameWords(t, s)
		}
		texts = longer
	}
}
