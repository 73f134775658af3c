package index

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/resources/hsds"
)

// mappedDocument is what Bleve's mapping makes of d's fields, given as the
// plain map it maps: the reference bleveDocument must equal.
func mappedDocument(t testing.TB, d *Document) *document.Document {
	t.Helper()
	values := map[string]any{
		fieldName:         d.Name,
		fieldDescription:  d.Description,
		fieldEligibility:  d.Eligibility,
		fieldKeywords:     d.Keywords,
		fieldOrganization: d.OrganizationName,
		fieldServiceID:    d.ServiceID,
		fieldWords:        d.Name + " " + d.Keywords + " " + d.Description,
		fieldSpanish:      d.Name + " " + d.Keywords + " " + d.Description,
		fieldCells:        docCells(d),
	}
	doc := document.NewDocument(d.ID)
	if err := newMapping().MapDocument(doc, values); err != nil {
		t.Fatal(err)
	}
	return doc
}

// analyzedField is all a field gives the index, and its tokens.
type analyzedField struct {
	Value       string
	Options     bindex.FieldIndexingOptions
	Length      int
	Frequencies bindex.TokenFrequencies
	Tokens      []analysis.Token
}

// analyzeFields analyzes doc's fields as Bleve does, keyed by name and
// array positions, keeping each field's tokens as its analyzer gave them.
func analyzeFields(doc *document.Document) map[string]analyzedField {
	out := map[string]analyzedField{}
	for _, f := range doc.Fields {
		tf, ok := f.(*document.TextField)
		if !ok {
			out[f.Name()] = analyzedField{Value: fmt.Sprintf("a %T", f)}
			continue
		}
		value := string(tf.Value()) // before analysis lower-cases it in place
		var tokens []analysis.Token
		for _, tok := range tf.Analyzer().Analyze(slices.Clone(tf.Value())) {
			tokens = append(tokens, *tok)
		}
		tf.Analyze()
		out[fmt.Sprint(f.Name(), f.ArrayPositions())] = analyzedField{
			Value: value, Options: tf.Options(), Length: tf.AnalyzedLength(),
			Frequencies: tf.AnalyzedTokenFrequencies(), Tokens: tokens,
		}
	}
	return out
}

// sameAsMapped fails t where bleveDocument(d) differs from what the mapping
// makes of d: a field, its options, its tokens or what the index keeps.
func sameAsMapped(t testing.TB, d *Document) {
	t.Helper()
	want, got := analyzeFields(mappedDocument(t, d)), analyzeFields(bleveDocument(d))
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%s: no field %s", d.ID, k)
		case !reflect.DeepEqual(g, w):
			t.Errorf("%s: field %s differs from the mapping's:\n got  %+v\n want %+v", d.ID, k, g, w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: field %s, which the mapping does not make", d.ID, k)
		}
	}
}

// TestSharedAnalysisIsBleves: for every document of the Miami 211
// directory, the document whose fields share their word breaking gives
// the index what Bleve's mapping gives it, field by field and token by
// token.
func TestSharedAnalysisIsBleves(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := hsds.Read(fixture.SharedData(t, "miami-211-hsds-1.1", "datapackage-1566177582"), hsds.Options{Centroid: data.Centroid})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hsds.Load(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(ctx, Config{Dir: filepath.Join(dir, "index"), Store: db})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n, err := ix.buildAll(ctx, func(d *Document) error {
		sameAsMapped(t, d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 4000 {
		t.Fatalf("only %d documents built", n)
	}
}

// sharedAnalysisSeeds are texts whose words Unicode word breaking joins
// or splits in ways worth trying: marks and format characters after the
// space that joins two parts, possessives, letters whose lower case is
// longer, Spanish, numbers and empty parts.
var sharedAnalysisSeeds = [][3]string{
	{"Food Pantry", "groceries, SNAP", "Free food for families."},
	{"", "", ""},
	{"Children's Clinic", "", "Dentists’ offices"},
	{"İSTANBUL Ünited", "ǅemal", "ΣΊΣΥΦΟΣ straße"},
	{"Comidas calientes", "despensa", "Ayuda con el alquiler y la electricidad; atención médica"},
	{"Name", "\u0301accent first", "\u200dzero width joiner"},
	{"Name\u200d", "\U0001F3FBskin tone", "\u00adsoft hyphen"},
	{"3.5 miles", "24/7", "1,000 meals a day"},
	{"a:b", "'quoted'", "e.g. U.S.A."},
	{"日本語の説明", "한국어", "ภาษาไทย"},
}

func TestSharedAnalysisSeeds(t *testing.T) {
	for _, s := range sharedAnalysisSeeds {
		sameAsMapped(t, textDocument(s[0], s[1], s[2]))
	}
}

func textDocument(name, keywords, description string) *Document {
	d := &Document{Description: description, Keywords: keywords}
	d.ID, d.ServiceID, d.Name = "doc", "svc", name
	d.Eligibility, d.OrganizationName = description, name
	return d
}

// FuzzSharedAnalysis: for any texts, a document made by bleveDocument is
// the one the mapping makes.
func FuzzSharedAnalysis(f *testing.F) {
	for _, s := range sharedAnalysisSeeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, name, keywords, description string) {
		sameAsMapped(t, textDocument(name, keywords, description))
	})
}
