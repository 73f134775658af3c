package data

import _ "embed"

//go:embed needs/phrasings.json
var phrasingsJSON []byte

// PhrasingsJSON returns the plain-words lexicon (needs/phrasings.json): for
// each need code, the English and Spanish words and phrases people use to
// say they have it, in weight tiers, with the negating phrases and the
// common words that are never taken for a misspelt cue.
func PhrasingsJSON() []byte { return phrasingsJSON }
