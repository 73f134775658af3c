package index_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/resources"
)

// TestNeedsFromOwnWords: a service whose terms are free keywords with no
// codes also serves the needs its own name and description name; a coded
// service serves only what its codes say, whatever its description
// mentions in passing.
func TestNeedsFromOwnWords(t *testing.T) {
	// A small stand-in for the matcher's lexicon.
	words := func(text string) (needs, synonyms []string) {
		if strings.Contains(strings.ToLower(text), "dental") {
			needs = append(needs, "dental-care")
		}
		return needs, nil
	}
	terms := map[string]*resources.TaxonomyTerm{
		"kw":   {ID: "kw", Name: "Community Clinics"},
		"food": {ID: "food", Code: "BD-1800.2000", Name: "Food Pantries"},
	}
	tests := []struct {
		name  string
		terms []string
		words func(string) ([]string, []string)
		want  []string
	}{
		{"free keywords: its description is read", []string{"kw"}, words, []string{"dental-care"}},
		{"free keywords, no reader given", []string{"kw"}, nil, nil},
		{"coded: only its codes", []string{"food"}, words, []string{"food-insecurity"}},
		{"coded and keywords: only its codes", []string{"kw", "food"}, words, []string{"food-insecurity"}},
		{"no terms at all: not read", nil, words, nil},
	}
	for _, tt := range tests {
		svc := &resources.Service{ID: "s", Name: "Free Clinic", Description: "Free medical and dental care for those in need."}
		for _, id := range tt.terms {
			svc.Attributes = append(svc.Attributes, resources.Attribute{TaxonomyTermID: id})
		}
		docs := index.Build(index.Source{Service: svc, Terms: terms, NeedsOfWords: tt.words}, needsOf)
		if len(docs) != 1 {
			t.Fatalf("%s: %d documents", tt.name, len(docs))
		}
		if got := docs[0].Needs; !slices.Equal(got, tt.want) {
			t.Errorf("%s: needs %v; want %v", tt.name, got, tt.want)
		}
	}
}
