package data

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed screening/*.json
var screeningFS embed.FS

// ScreeningInstruments returns the screening instruments refer scores
// (screening/*.json), keyed by instrument code, the file name without
// ".json": "ahc-hrsn", "prapare". Each document holds the instrument's
// items, their allowed answers (LOINC codes, displays, values) and the rules
// that turn answers into need codes. The map is new on each call.
func ScreeningInstruments() map[string][]byte {
	out := map[string][]byte{}
	names, _ := fs.Glob(screeningFS, "screening/*.json") // the pattern is valid
	for _, name := range names {
		b, err := screeningFS.ReadFile(name)
		if err != nil {
			panic("data: " + err.Error()) // embedded: cannot fail
		}
		out[strings.TrimSuffix(strings.TrimPrefix(name, "screening/"), ".json")] = b
	}
	return out
}
