package hsds

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/refer-project/refer/resources"
)

// Cleaned counts the repairs Clean made, for the import report.
type Cleaned struct {
	// Languages: language names and codes put in one form.
	Languages int
	// Mojibake: texts whose UTF-8 had been read as another code page
	// ("ChildrenGÇÖs"), repaired where the repair is proven.
	Mojibake int
	// Phones: US phone numbers written in one format.
	Phones int
}

// Clean is one pass over a directory's decoded records, before they are
// stored: language names and codes in one form (ISO 639-1 code, English
// name), mojibake repaired where it can be proven, US phone numbers in one
// format. Every reader's records go through it (Load calls it), so the
// readers need not each repair text.
func Clean(d *Directory) Cleaned {
	var c Cleaned
	for _, r := range d.Records {
		switch r := r.(type) {
		case *resources.Organization:
			c.texts(&r.Name, &r.AlternateName, &r.Description)
			c.phones(r.Phones)
			for i := range r.Contacts {
				c.texts(&r.Contacts[i].Name, &r.Contacts[i].Title, &r.Contacts[i].Department)
				c.phones(r.Contacts[i].Phones)
			}
		case *resources.Service:
			c.texts(&r.Name, &r.AlternateName, &r.Description, &r.EligibilityDescription, &r.ApplicationProcess,
				&r.FeesDescription, &r.Fees, &r.InterpretationServices, &r.Alert)
			c.languages(r.Languages)
			c.phones(r.Phones)
			for i := range r.Contacts {
				c.texts(&r.Contacts[i].Name, &r.Contacts[i].Title, &r.Contacts[i].Department)
				c.phones(r.Contacts[i].Phones)
			}
		case *resources.Location:
			c.texts(&r.Name, &r.AlternateName, &r.Description, &r.Transportation)
			c.languages(r.Languages)
			c.phones(r.Phones)
			for i := range r.Addresses {
				a := &r.Addresses[i]
				c.texts(&a.Attention, &a.Address1, &a.Address2, &a.City, &a.Region)
			}
			for i := range r.Contacts {
				c.texts(&r.Contacts[i].Name, &r.Contacts[i].Title, &r.Contacts[i].Department)
				c.phones(r.Contacts[i].Phones)
			}
		case *resources.ServiceAtLocation:
			c.texts(&r.Description)
			c.phones(r.Phones)
		case *resources.Program:
			c.texts(&r.Name, &r.AlternateName, &r.Description)
		case *resources.TaxonomyTerm:
			c.texts(&r.Name, &r.Description)
		}
	}
	return c
}

func (c *Cleaned) texts(ss ...*string) {
	for _, s := range ss {
		if fixed, ok := RepairMojibake(*s); ok {
			*s = fixed
			c.Mojibake++
		}
	}
}

func (c *Cleaned) languages(ls []resources.Language) {
	for i := range ls {
		if NormalizeLanguage(&ls[i]) {
			c.Languages++
		}
	}
}

func (c *Cleaned) phones(ps []resources.Phone) {
	for i := range ps {
		if n, ok := FormatPhone(ps[i].Number); ok && n != ps[i].Number {
			ps[i].Number = n
			c.Phones++
		}
	}
}

// RepairMojibake undoes UTF-8 text that was read as Windows-1252 ("Ã©"
// for "é", "â€™" for "’") or as the DOS code page 437 ("ΓÇÖ" for "’",
// often written "GÇÖ" once the Greek Γ was folded to G), and says whether
// it changed anything. A run of characters is repaired only when its bytes
// in that code page are valid UTF-8 that needs more than one byte a
// character: a proof, since real text is almost never such a run ("é" alone
// is left as it is).
func RepairMojibake(s string) (string, bool) {
	if isASCII(s) {
		return s, false
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf {
			// "GÇÖ": a G standing for the lead byte E2 (CP437 "Γ"), then
			// two characters that are continuation bytes in CP437, make a
			// General Punctuation character (U+2000–U+206F: ’ “ ” – —).
			if r == 'G' {
				if fixed, n, ok := foldedGamma(s[i+1:]); ok {
					b.WriteRune(fixed)
					i += 1 + n
					changed = true
					continue
				}
			}
			b.WriteByte(byte(r))
			i++
			continue
		}
		// A run of non-ASCII characters.
		j := i
		for j < len(s) {
			r2, n := utf8.DecodeRuneInString(s[j:])
			if r2 < utf8.RuneSelf {
				break
			}
			j += n
		}
		run := s[i:j]
		if fixed, ok := decodeAs(run); ok {
			b.WriteString(fixed)
			changed = true
		} else {
			b.WriteString(run)
		}
		i = j
		_ = size
	}
	if !changed {
		return s, false
	}
	return b.String(), true
}

// decodeAs reads a run's characters as bytes of Windows-1252 or CP437 and
// returns the UTF-8 they spell, if they spell it entirely and it is not
// the same run.
func decodeAs(run string) (string, bool) {
	for _, cm := range []*charmap.Charmap{charmap.Windows1252, charmap.CodePage437} {
		var raw []byte
		ok := true
		for _, r := range run {
			c, found := cm.EncodeRune(r)
			if !found {
				ok = false
				break
			}
			raw = append(raw, c)
		}
		if !ok || !utf8.Valid(raw) || utf8.RuneCount(raw) == utf8.RuneCountInString(run) {
			continue
		}
		fixed := string(raw)
		for _, r := range fixed {
			if !unicode.IsPrint(r) && !unicode.IsSpace(r) {
				ok = false
			}
		}
		if ok {
			return fixed, true
		}
	}
	return "", false
}

// foldedGamma reads the two characters after a "G" as CP437 continuation
// bytes of a character E2 xx xx in General Punctuation.
func foldedGamma(s string) (rune, int, bool) {
	var raw = []byte{0xE2}
	n := 0
	for k := 0; k < 2; k++ {
		r, size := utf8.DecodeRuneInString(s[n:])
		if r == utf8.RuneError || r < utf8.RuneSelf {
			return 0, 0, false
		}
		c, ok := charmap.CodePage437.EncodeRune(r)
		if !ok || c < 0x80 || c > 0xBF {
			return 0, 0, false
		}
		raw = append(raw, c)
		n += size
	}
	r, _ := utf8.DecodeRune(raw)
	if r < 0x2000 || r > 0x206F {
		return 0, 0, false
	}
	return r, n, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// languageNames maps a lower-cased language name, in English or Spanish,
// or code to its ISO 639-1 code (639-2/3 where there is no 639-1: sign
// languages). Directories write "Spanish", "español", "spa", "es"; refer
// keeps one form. "Creole" is Haitian Creole: the only creole the US
// directories read name without qualification (Miami's 211).
var languageNames = func() map[string]string {
	m := map[string]string{
		"creole": "ht", "haitian": "ht", "haitian creole": "ht", "kreyol": "ht", "kreyòl": "ht", "creole (haitian)": "ht",
		"mandarin": "zh", "cantonese": "yue", "chinese (mandarin)": "zh", "chinese (cantonese)": "yue", "farsi": "fa",
		"asl": "ase", "american sign language": "ase", "sign language": "sgn", "lenguaje de señas": "sgn", "lengua de señas": "sgn",
		"tagalog": "tl", "filipino": "tl",
	}
	for _, code := range []string{"en", "es", "ht", "fr", "pt", "zh", "yue", "vi", "tl", "ru", "ar", "ko", "it", "de", "ja",
		"hi", "pl", "he", "yi", "fa", "ur", "bn", "pa", "gu", "ta", "te", "km", "lo", "hmn", "so", "am", "sw", "uk", "el", "tr",
		"th", "my", "ne", "ro", "hu", "cs", "sr", "hr", "bs", "sq", "hy", "ka", "ps", "ti", "yo", "ig", "ha", "id", "ms", "sm", "to", "mh", "ase", "sgn"} {
		t := language.Make(code)
		m[code] = code
		if b, _ := t.Base(); b.ISO3() != "" {
			m[b.ISO3()] = code
		}
		for _, names := range []display.Namer{display.English.Languages(), display.Spanish.Languages(), display.Self} {
			if n := strings.ToLower(names.Name(t)); n != "" {
				if _, taken := m[n]; !taken {
					m[n] = code
				}
			}
		}
	}
	return m
}()

// NormalizeLanguage puts a language in one form: its ISO 639 code and
// English name ("español" → es, Spanish), and says whether it changed it.
// A name it does not know ("other languages on request") is left as it is.
func NormalizeLanguage(l *resources.Language) bool {
	key := strings.ToLower(strings.TrimSpace(l.Name))
	code, ok := languageNames[key]
	if !ok && l.Name == "" {
		code, ok = languageNames[strings.ToLower(strings.TrimSpace(l.Code))]
	}
	if !ok {
		return false
	}
	name := display.English.Languages().Name(language.Make(code))
	if code == "ht" {
		name = "Haitian Creole"
	}
	if name == "" || l.Name == name && l.Code == code {
		return false
	}
	l.Name, l.Code = name, code
	return true
}

// LanguageCode is the ISO 639 code of a language name in English or
// Spanish, or of a code ("Creole" → ht, "español" → es, "spa" → es); ""
// when unknown.
func LanguageCode(name string) string {
	return languageNames[strings.ToLower(strings.TrimSpace(name))]
}

// SpanishLanguageName is a language's name in Spanish ("Spanish" →
// "español"), for search by either; "" when unknown.
func SpanishLanguageName(code string) string {
	if code == "" {
		return ""
	}
	return display.Spanish.Languages().Name(language.Make(code))
}

// FormatPhone writes a US number (ten digits, or eleven starting with 1)
// as "(305) 555-0114", keeping an extension ("x12"); ok is false for a
// number it does not read as one (a short code such as 211, a foreign one).
func FormatPhone(n string) (string, bool) {
	main, ext := n, ""
	lower := strings.ToLower(n)
	for _, sep := range []string{" ext.", " ext", " x", "x", "#"} {
		if k := strings.Index(lower, sep); k > 0 {
			main, ext = n[:k], strings.TrimSpace(strings.TrimLeft(n[k+len(sep):], ". :"))
			break
		}
	}
	var digits []byte
	for i := 0; i < len(main); i++ {
		switch c := main[i]; {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case strings.IndexByte(" ()-.+/", c) >= 0:
		default:
			return n, false // letters (1-800-FLOWERS) or other signs
		}
	}
	if len(digits) == 11 && digits[0] == '1' {
		digits = digits[1:]
	}
	if len(digits) != 10 || digits[0] < '2' {
		return n, false
	}
	out := "(" + string(digits[:3]) + ") " + string(digits[3:6]) + "-" + string(digits[6:])
	if ext != "" {
		for i := 0; i < len(ext); i++ {
			if ext[i] < '0' || ext[i] > '9' {
				return n, false
			}
		}
		out += " x" + ext
	}
	return out, true
}
