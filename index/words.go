package index

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// tokenize cuts text into words as Bleve's unicode tokenizer does
// (wordBreaker): by asciiWords when every byte is ASCII, as in most of a
// directory's texts, else by the tokenizer. The tokenizer's word breaking
// (github.com/blevesearch/segment) was 2.5% of an import's CPU.
func tokenize(text []byte) analysis.TokenStream {
	for _, c := range text {
		if c >= utf8.RuneSelf {
			return wordBreaker.Tokenize(text)
		}
	}
	return asciiWords(text)
}

// The classes of ASCII bytes in Unicode word breaking (UAX #29, the word
// break property as blevesearch/segment has it): letters, digits, the
// underscore (ExtendNumLet), and the marks that join two letters (the
// colon), two digits (comma, semicolon) or either (full stop, apostrophe).
// Any other byte parts words.
const (
	otherByte = iota
	letterByte
	digitByte
	underscoreByte
	midLetterByte
	midNumberByte
	midEitherByte
)

var asciiClass = func() (c [utf8.RuneSelf]uint8) {
	for b := 'a'; b <= 'z'; b++ {
		c[b], c[b-'a'+'A'] = letterByte, letterByte
	}
	for b := '0'; b <= '9'; b++ {
		c[b] = digitByte
	}
	c['_'] = underscoreByte
	c[':'] = midLetterByte
	c[','], c[';'] = midNumberByte, midNumberByte
	c['.'], c['\''] = midEitherByte, midEitherByte
	return c
}()

// asciiWords is the unicode tokenizer's tokens of an ASCII text: each run
// of letters, digits and underscores, joined across a mark between two
// letters or two digits that the mark may join ("don't", "e.g", "1,000.50",
// "a:b"); numeric when it holds a digit and no letter, as segment's
// longest match then ties with its number rule, which comes first.
// FuzzASCIIWords holds it to the tokenizer.
func asciiWords(text []byte) analysis.TokenStream {
	// Room for each run of letters, digits and underscores, which is at
	// least one word: growing the slice as words came was most of the time.
	runs, inRun := 0, false
	for _, c := range text {
		if wordByte(c) && !inRun {
			runs++
		}
		inRun = wordByte(c)
	}
	words := make([]analysis.Token, 0, runs)
	for i := 0; i < len(text); {
		if !wordByte(text[i]) {
			i++
			continue
		}
		start, letters, digits := i, false, false
	word:
		for ; i < len(text); i++ {
			switch asciiClass[text[i]] {
			case letterByte:
				letters = true
			case digitByte:
				digits = true
			case underscoreByte:
			case midLetterByte:
				if !between(text, i, letterByte) {
					break word
				}
			case midNumberByte:
				if !between(text, i, digitByte) {
					break word
				}
			case midEitherByte:
				if !between(text, i, letterByte) && !between(text, i, digitByte) {
					break word
				}
			default:
				break word
			}
		}
		typ := analysis.AlphaNumeric
		if digits && !letters {
			typ = analysis.Numeric
		}
		words = append(words, analysis.Token{Term: text[start:i], Start: start, End: i, Position: len(words) + 1, Type: typ})
	}
	tokens := make(analysis.TokenStream, len(words))
	for i := range words {
		tokens[i] = &words[i]
	}
	return tokens
}

// wordByte reports whether c is a byte words are made of (a letter, a
// digit, the underscore), not one that parts or joins them.
func wordByte(c byte) bool {
	k := asciiClass[c]
	return k == letterByte || k == digitByte || k == underscoreByte
}

// between reports whether the bytes either side of text[i] are of class k.
func between(text []byte, i int, k uint8) bool {
	return i > 0 && i+1 < len(text) && asciiClass[text[i-1]] == k && asciiClass[text[i+1]] == k
}
