package hsds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refer-project/refer/resources"
)

func TestRepairMojibake(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ChildrenGÇÖs Needs Program Manager", "Children’s Needs Program Manager"}, // CP437 with Γ folded to G
		{"Amanda GÇ£MandyGÇ¥ Giust", "Amanda “Mandy” Giust"},
		{"Candya Vichot GÇô Bello", "Candya Vichot – Bello"},
		{"ChildrenΓÇÖs", "Children’s"},           // CP437
		{"CafÃ© para niÃ±os", "Café para niños"}, // Windows-1252
		{"donâ€™t", "don’t"},
		// Real text is left alone.
		{"Café para niños", "Café para niños"},
		{"Éxito", "Éxito"},
		{"GÇ alone", "GÇ alone"},
		{"Georgia", "Georgia"},
		{"", ""},
	}
	for _, tt := range tests {
		got, changed := RepairMojibake(tt.in)
		if got != tt.want || changed != (tt.in != tt.want) {
			t.Errorf("RepairMojibake(%q) = %q, %v; want %q", tt.in, got, changed, tt.want)
		}
	}
}

func TestNormalizeLanguage(t *testing.T) {
	tests := []struct {
		in         resources.Language
		name, code string
		changed    bool
	}{
		{resources.Language{Name: "Spanish"}, "Spanish", "es", true},
		{resources.Language{Name: "español"}, "Spanish", "es", true},
		{resources.Language{Name: " SPANISH "}, "Spanish", "es", true},
		{resources.Language{Code: "spa"}, "Spanish", "es", true},
		{resources.Language{Name: "Creole"}, "Haitian Creole", "ht", true},
		{resources.Language{Name: "Vietnamese"}, "Vietnamese", "vi", true},
		{resources.Language{Name: "chino"}, "Chinese", "zh", true},
		{resources.Language{Name: "Spanish", Code: "es"}, "Spanish", "es", false},
		{resources.Language{Name: "other languages available upon request"}, "other languages available upon request", "", false},
	}
	for _, tt := range tests {
		l := tt.in
		changed := NormalizeLanguage(&l)
		if l.Name != tt.name || l.Code != tt.code || changed != tt.changed {
			t.Errorf("%+v: %q %q %v; want %q %q %v", tt.in, l.Name, l.Code, changed, tt.name, tt.code, tt.changed)
		}
	}
	if got := SpanishLanguageName("es"); got != "español" {
		t.Errorf("SpanishLanguageName(es) = %q", got)
	}
}

func TestFormatPhone(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"305-555-0114", "(305) 555-0114", true},
		{"(305) 555-0114", "(305) 555-0114", true},
		{"305.555.0114", "(305) 555-0114", true},
		{"1-305-555-0114", "(305) 555-0114", true},
		{"3055550114 ext. 12", "(305) 555-0114 x12", true},
		{"211", "211", false},
		{"1-800-FLOWERS", "1-800-FLOWERS", false},
		{"+44 20 7946 0958", "+44 20 7946 0958", false},
	}
	for _, tt := range tests {
		got, ok := FormatPhone(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("FormatPhone(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestCleanMiami cleans the real Miami 211 export and counts the repairs.
func TestCleanMiami(t *testing.T) {
	src := filepath.Join("..", "..", "..", "shared", "data", "miami-211-hsds-1.1", "datapackage-1566177582")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("../shared/data not present (%v)", err)
	}
	d, err := Read(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := Clean(d)
	t.Logf("Miami: %+v", c)
	if c.Languages == 0 || c.Mojibake == 0 || c.Phones == 0 {
		t.Errorf("no repairs counted: %+v", c)
	}
	for _, r := range d.Records {
		if o, ok := r.(*resources.Organization); ok {
			for _, ct := range o.Contacts {
				if strings.Contains(ct.Title, "GÇÖ") || strings.Contains(ct.Name, "GÇ") {
					t.Errorf("left as is: %q %q", ct.Name, ct.Title)
				}
			}
		}
		if s, ok := r.(*resources.Service); ok {
			for _, l := range s.Languages {
				if l.Name == "Spanish" && l.Code != "es" {
					t.Errorf("service %s: %+v", s.ID, l)
				}
			}
		}
	}
	// A second pass finds nothing more: cleaning is idempotent.
	if again := Clean(d); again != (Cleaned{}) {
		t.Errorf("a second pass repaired %+v", again)
	}
}
