package hsds

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/refer-project/refer/resources"
)

// Cell readers of the older tabular dialects (HSDS 1.1, 2.0 and Ohana):
// text, lists, coordinates, countries, phones, languages, clock times,
// weeks and dates, each turning one cell into an HSDS 3.0 value or a reason.

// legacyText turns the two-character sequence `\n`, which some exports
// write for a line break, into a real one.
func legacyText(s string) string {
	if !strings.Contains(s, `\n`) {
		return s
	}
	s = strings.ReplaceAll(s, `\r\n`, "\n")
	return strings.ReplaceAll(s, `\n`, "\n")
}

// legacyList splits a comma-separated list, dropping blank items.
func legacyList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// legacyURL adds the scheme that many directories leave out
// ("www.example.org"), so that the value works as a link.
func legacyURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.Contains(s, "://") || strings.ContainsAny(s, " @") || !strings.Contains(s, ".") {
		return s
	}
	if i := strings.IndexByte(s, ':'); i > 0 && !strings.ContainsAny(s[:i], "./") {
		return s // another scheme, e.g. tel:
	}
	return "http://" + s
}

// legacyStatus maps a source's service status to HSDS's enum; ok is false
// when the value had to be guessed.
func legacyStatus(s string) (string, bool) {
	v := strings.ToLower(strings.TrimSpace(s))
	v = strings.NewReplacer("_", " ", "-", " ").Replace(v)
	switch v {
	case "", "active", "open", "true", "yes", "1":
		return resources.StatusActive, true
	case "inactive", "closed", "false", "no", "0":
		return resources.StatusInactive, true
	case "defunct", "permanently closed":
		return resources.StatusDefunct, true
	case "temporarily closed", "temporarily inactive":
		return resources.StatusTemporarilyClosed, true
	}
	return resources.StatusActive, false
}

// legacyFloat parses a number, refusing NaN and infinities.
func legacyFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// legacyCoords reads a latitude and longitude. With reason set, the pair
// was given but unusable and is dropped.
func legacyCoords(latS, lonS string) (lat, lon *float64, reason string) {
	if latS == "" && lonS == "" {
		return nil, nil, ""
	}
	if latS == "" || lonS == "" {
		return nil, nil, fmt.Sprintf("has latitude %q and longitude %q: one without the other is no place; dropped", latS, lonS)
	}
	la, ok1 := legacyFloat(latS)
	lo, ok2 := legacyFloat(lonS)
	switch {
	case !ok1 || !ok2:
		return nil, nil, fmt.Sprintf("has latitude %q and longitude %q, which are not numbers; dropped", latS, lonS)
	case la < -90 || la > 90 || lo < -180 || lo > 180:
		return nil, nil, fmt.Sprintf("has latitude %q and longitude %q, outside -90..90 and -180..180; dropped", latS, lonS)
	case la == 0 && lo == 0:
		return nil, nil, "has latitude 0 and longitude 0, a placeholder rather than a place; dropped"
	}
	return &la, &lo, ""
}

// legacyUSStates holds US state, district and territory codes and names.
var legacyUSStates = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Split("AL,AK,AZ,AR,CA,CO,CT,DE,DC,FL,GA,HI,ID,IL,IN,IA,KS,KY,LA,ME,MD,MA,MI,MN,MS,MO,MT,NE,NV,NH,NJ,NM,NY,NC,ND,OH,OK,OR,PA,RI,SC,SD,TN,TX,UT,VT,VA,WA,WV,WI,WY,AS,GU,MP,PR,VI,UM,AA,AE,AP", ",") {
		m[s] = true
	}
	for _, s := range []string{"alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "district of columbia", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming", "american samoa", "guam", "northern mariana islands", "puerto rico", "u.s. virgin islands", "virgin islands"} {
		m[s] = true
	}
	return m
}()

// legacyCountry returns the address's country as an ISO code where it can
// tell: "US" for blanks in a US state and for the usual spellings of the US.
func legacyCountry(country, state string) string {
	switch strings.ToLower(strings.TrimSpace(country)) {
	case "":
		if legacyUSStates[strings.ToUpper(state)] || legacyUSStates[strings.ToLower(state)] {
			return "US"
		}
		return ""
	case "us", "usa", "u.s.", "u.s.a.", "united states", "united states of america":
		return "US"
	}
	return strings.TrimSpace(country)
}

// legacyZIP5 returns the first five digits of a US ZIP code, or "".
func legacyZIP5(postal string) string {
	p := strings.TrimSpace(postal)
	if len(p) < 5 {
		return ""
	}
	for i := 0; i < 5; i++ {
		if p[i] < '0' || p[i] > '9' {
			return ""
		}
	}
	if len(p) > 5 && p[5] >= '0' && p[5] <= '9' {
		return "" // more than five digits: not a ZIP
	}
	return p[:5]
}

// legacyExtension reads a phone extension: a number ("12", "x12",
// "ext. 12") goes to the extension field, anything else to a description.
func legacyExtension(s string) (*float64, string) {
	v := strings.TrimSpace(s)
	if v == "" {
		return nil, ""
	}
	n := strings.ToLower(v)
	for _, p := range []string{"extension", "ext.", "ext", "x"} {
		if strings.HasPrefix(n, p) {
			n = strings.TrimSpace(n[len(p):])
			break
		}
	}
	if n != "" && len(n) <= 15 && strings.Trim(n, "0123456789") == "" {
		f, err := strconv.ParseFloat(n, 64)
		if err == nil {
			return &f, ""
		}
	}
	return nil, "ext. " + v
}

// legacyPhoneType maps a source's phone type to HSDS's list (RFC 6350:
// text, voice, fax, cell, video, pager, textphone); note keeps what the list
// cannot say ("Hotline").
func legacyPhoneType(s string) (typ, note string) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "":
		return "", ""
	case "text", "voice", "fax", "cell", "video", "pager", "textphone":
		return v, ""
	case "sms":
		return "text", ""
	case "tty", "tdd", "teletype":
		return "textphone", ""
	case "mobile", "cellular":
		return "cell", ""
	case "phone", "main", "office", "landline", "telephone":
		return "voice", ""
	case "hotline", "crisis", "toll free", "toll-free", "tollfree":
		v = strings.TrimSpace(s)
		return "voice", strings.ToUpper(v[:1]) + v[1:]
	}
	return "", "Type: " + strings.TrimSpace(s)
}

// legacyJoinText joins non-blank parts with sep.
func legacyJoinText(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// --- Languages ---------------------------------------------------------

// legacyLanguageCodes maps common language names, as directories write
// them, to ISO 639-1 codes (ISO 639-3 where 639-1 has none).
var legacyLanguageCodes = map[string]string{
	"english": "en", "spanish": "es", "espanol": "es", "español": "es", "castellano": "es",
	"haitian creole": "ht", "creole": "ht", "kreyol": "ht", "kreyòl": "ht", "haitian": "ht",
	"french": "fr", "portuguese": "pt", "brazilian portuguese": "pt", "russian": "ru",
	"hebrew": "he", "arabic": "ar", "chinese": "zh", "mandarin": "zh", "mandarin chinese": "zh",
	"cantonese": "yue", "vietnamese": "vi", "tagalog": "tl", "filipino": "fil", "korean": "ko",
	"american sign language": "ase", "asl": "ase", "german": "de", "italian": "it",
	"japanese": "ja", "polish": "pl", "hindi": "hi", "urdu": "ur", "farsi": "fa", "persian": "fa",
	"yiddish": "yi", "greek": "el", "dutch": "nl", "romanian": "ro", "danish": "da",
	"swedish": "sv", "norwegian": "no", "icelandic": "is", "finnish": "fi", "thai": "th",
	"gujarati": "gu", "sindhi": "sd", "punjabi": "pa", "bengali": "bn", "bangla": "bn",
	"somali": "so", "amharic": "am", "turkish": "tr", "ukrainian": "uk", "hmong": "hmn",
	"khmer": "km", "cambodian": "km", "lao": "lo", "laotian": "lo", "burmese": "my",
	"nepali": "ne", "swahili": "sw", "tigrinya": "ti", "pashto": "ps", "dari": "prs",
	"armenian": "hy", "samoan": "sm", "tongan": "to", "indonesian": "id", "malay": "ms",
	"tamil": "ta", "telugu": "te", "marathi": "mr", "czech": "cs", "hungarian": "hu",
	"serbian": "sr", "croatian": "hr", "bosnian": "bs", "albanian": "sq", "bulgarian": "bg",
	"irish": "ga", "welsh": "cy", "navajo": "nv", "ilocano": "ilo", "mien": "ium",
}

// legacyLanguageNames gives the English name of each code above, for
// sources that write codes.
var legacyLanguageNames = func() map[string]string {
	m := map[string]string{}
	for name, code := range legacyLanguageCodes {
		if cur, ok := m[code]; !ok || len(name) < len(cur) || len(name) == len(cur) && name < cur {
			m[code] = name
		}
	}
	// Prefer the usual names where several spellings map to one code.
	for code, name := range map[string]string{"es": "spanish", "ht": "haitian creole", "zh": "chinese", "ase": "american sign language", "fa": "persian", "km": "khmer", "lo": "lao", "bn": "bengali", "pt": "portuguese"} {
		m[code] = name
	}
	for code, name := range m {
		words := strings.Fields(name)
		for i, w := range words {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
		m[code] = strings.Join(words, " ")
	}
	return m
}()

// legacyLanguageKey normalises a language name for the table.
func legacyLanguageKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Trim(s, " .,;:*")
	s = strings.ReplaceAll(s, "-", " ")
	return strings.Join(strings.Fields(s), " ")
}

// legacyLanguageCode returns the ISO code for a language name as a
// directory writes it ("Spanish (limited)" → "es", "Chinese (Cantonese)" →
// "yue"), or "" when unsure ("English and Spanish", "Language line").
func legacyLanguageCode(name string) string {
	k := legacyLanguageKey(name)
	if c, ok := legacyLanguageCodes[k]; ok {
		return c
	}
	if i := strings.IndexByte(k, '('); i >= 0 {
		inner := k[i+1:]
		if j := strings.IndexByte(inner, ')'); j >= 0 {
			inner = inner[:j]
		}
		if c, ok := legacyLanguageCodes[legacyLanguageKey(inner)]; ok {
			return c
		}
		if c, ok := legacyLanguageCodes[legacyLanguageKey(k[:i])]; ok {
			return c
		}
	}
	return ""
}

// legacyLanguage makes a Language from a source value: a name ("Spanish")
// keeps its name and gains a code where the table knows one; a bare code
// ("es") gains its name.
func legacyLanguage(value string) resources.Language {
	v := strings.TrimSpace(legacyText(value))
	if low := strings.ToLower(v); len(low) >= 2 && len(low) <= 3 && strings.Trim(low, "abcdefghijklmnopqrstuvwxyz") == "" {
		if name, ok := legacyLanguageNames[low]; ok {
			return resources.Language{Name: name, Code: low}
		}
	}
	return resources.Language{Name: v, Code: legacyLanguageCode(v)}
}

// --- Times and schedules -------------------------------------------------

// legacyClock is a time of day as a source wrote it.
type legacyClock struct {
	min      int    // minutes since midnight, 0..1439
	sec      int    // seconds, kept when the source gave them
	suffix   string // "Z" or "+hh:mm"/"-hh:mm", kept as given
	meridiem byte   // 'a', 'p', or 0 when the source wrote none
	// bare12 is true for a time with no am/pm that reads like a 12-hour
	// one ("5:00", "830"): its half of the day may come from its partner.
	bare12 bool
}

func (c legacyClock) String() string {
	s := fmt.Sprintf("%02d:%02d", c.min/60, c.min%60)
	if c.sec != 0 {
		s += fmt.Sprintf(":%02d", c.sec)
	}
	return s + c.suffix
}

// withMeridiem reads a bare 12-hour time in the given half of the day.
func (c legacyClock) withMeridiem(m byte) legacyClock {
	h := c.min / 60 % 12
	if m == 'p' {
		h += 12
	}
	c.min = h*60 + c.min%60
	c.meridiem, c.bare12 = m, false
	return c
}

func legacyDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// legacyParseClock reads a time of day as older directories write it:
// "9:00am", "12:30 PM", "9 a.m.", "9:00a", "noon", "midnight", "17:00",
// "08:00:00", "0900", "830am", "09:00-05:00", "24:00" (midnight).
func legacyParseClock(s string) (legacyClock, bool) {
	var c legacyClock
	var sb strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r == ' ' || r == '.' || r == '\t' {
			continue
		}
		sb.WriteRune(r)
	}
	v := sb.String()
	switch v {
	case "noon", "12noon", "midday":
		return legacyClock{min: 720, meridiem: 'p'}, true
	case "midnight", "12midnight":
		return legacyClock{min: 0, meridiem: 'a'}, true
	}
	switch {
	case strings.HasSuffix(v, "z"):
		c.suffix, v = "Z", v[:len(v)-1]
	case len(v) > 6 && (v[len(v)-6] == '+' || v[len(v)-6] == '-') && v[len(v)-3] == ':':
		tail := v[len(v)-6:]
		hh, mm := tail[1:3], tail[4:6]
		if !legacyDigits(hh) || !legacyDigits(mm) || hh > "14" || mm > "59" {
			return c, false
		}
		c.suffix, v = tail, v[:len(v)-6]
	}
	switch {
	case strings.HasSuffix(v, "am"):
		c.meridiem, v = 'a', v[:len(v)-2]
	case strings.HasSuffix(v, "pm"):
		c.meridiem, v = 'p', v[:len(v)-2]
	case strings.HasSuffix(v, "a"):
		c.meridiem, v = 'a', v[:len(v)-1]
	case strings.HasSuffix(v, "p"):
		c.meridiem, v = 'p', v[:len(v)-1]
	}
	if c.meridiem != 0 && c.suffix != "" {
		return c, false
	}
	var hs, ms, ss string
	parts := strings.Split(v, ":")
	switch len(parts) {
	case 1:
		d := parts[0]
		switch len(d) {
		case 1, 2:
			if c.meridiem == 0 {
				return c, false // "9" alone could be anything
			}
			hs, ms = d, "00"
		case 3:
			hs, ms = d[:1], d[1:]
		case 4:
			hs, ms = d[:2], d[2:]
		default:
			return c, false
		}
	case 2:
		hs, ms = parts[0], parts[1]
	case 3:
		hs, ms, ss = parts[0], parts[1], parts[2]
		if len(ss) != 2 || !legacyDigits(ss) {
			return c, false
		}
	default:
		return c, false
	}
	if ms == "0" {
		ms = "00" // "9:0am"
	}
	if len(hs) < 1 || len(hs) > 2 || !legacyDigits(hs) || len(ms) != 2 || !legacyDigits(ms) {
		return c, false
	}
	h, _ := strconv.Atoi(hs)
	m, _ := strconv.Atoi(ms)
	sec := 0
	if ss != "" {
		sec, _ = strconv.Atoi(ss)
	}
	if m > 59 || sec > 59 {
		return c, false
	}
	if c.meridiem != 0 {
		if h < 1 || h > 12 {
			return c, false
		}
		h %= 12
		if c.meridiem == 'p' {
			h += 12
		}
	} else {
		if h > 24 || h == 24 && (m != 0 || sec != 0) {
			return c, false
		}
		c.bare12 = h >= 1 && h <= 12 && hs[0] != '0' && len(parts[0]) != 4
		h %= 24
	}
	c.min, c.sec = h*60+m, sec
	return c, true
}

// parseLegacyTime reads a time of day as older directories write it
// ("9:00am", "12:30 PM", "noon", "midnight", "17:00", "0900") and returns it
// as HSDS writes it: "HH:MM" (with seconds or a UTC offset when the source
// gave them). Midnight is "00:00". ok is false when s is not a time.
func parseLegacyTime(s string) (string, bool) {
	c, ok := legacyParseClock(s)
	if !ok {
		return "", false
	}
	return c.String(), true
}

// legacyClockPrefix reads a time that may be followed by words ("5:00pm
// (Counter closes at 4:30 pm)", "5:00pm Mon"): the longest leading part that
// is a time, and the rest.
func legacyClockPrefix(s string) (legacyClock, string, bool) {
	s = strings.TrimSpace(s)
	if c, ok := legacyParseClock(s); ok {
		return c, "", true
	}
	// No time, however written ("12:30:00 p.m.", "09:00-05:00"), is
	// longer than this; longer prefixes need not be tried.
	const longest = 24
	for k := min(len(s)-1, longest); k > 0; k-- {
		if ch := s[k]; ch != ' ' && ch != '(' && ch != ',' && ch != ';' && ch != '-' {
			continue
		}
		if c, ok := legacyParseClock(s[:k]); ok {
			return c, strings.TrimSpace(s[k:]), true
		}
	}
	return legacyClock{}, "", false
}

// legacyHours reads one row's opening and closing times. A time without
// am/pm next to one with it ("6:00-8:00pm", "9:00am-5:00") takes the half of
// the day that makes the hours end after they start, the partner's first, as
// people write them; two such times ("9:00-5:00") read the close as pm.
// Words after a time go to notes; a value that is no time goes to bad.
func legacyHours(opensRaw, closesRaw string) (opens, closes string, notes, bad []string) {
	var o, c legacyClock
	var okO, okC bool
	if opensRaw = strings.TrimSpace(opensRaw); opensRaw != "" {
		var rest string
		o, rest, okO = legacyClockPrefix(opensRaw)
		if !okO {
			bad = append(bad, fmt.Sprintf("opens_at %q", opensRaw))
		} else if rest != "" {
			notes = append(notes, "Opens: "+opensRaw)
		}
	}
	if closesRaw = strings.TrimSpace(closesRaw); closesRaw != "" {
		var rest string
		c, rest, okC = legacyClockPrefix(closesRaw)
		if !okC {
			bad = append(bad, fmt.Sprintf("closes_at %q", closesRaw))
		} else if rest != "" {
			notes = append(notes, "Closes: "+closesRaw)
		}
	}
	if okO && okC {
		ends := func(o, c legacyClock) bool { return c.min > o.min }
		switch {
		case o.bare12 && c.meridiem != 0:
			other := byte('a')
			if c.meridiem == 'a' {
				other = 'p'
			}
			if x := o.withMeridiem(c.meridiem); ends(x, c) {
				o = x
			} else if x := o.withMeridiem(other); ends(x, c) {
				o = x
			}
		case c.bare12 && o.meridiem != 0:
			other := byte('a')
			if o.meridiem == 'a' {
				other = 'p'
			}
			if x := c.withMeridiem(o.meridiem); ends(o, x) {
				c = x
			} else if x := c.withMeridiem(other); ends(o, x) {
				c = x
			}
		case o.bare12 && c.bare12 && !ends(o, c):
			if x := c.withMeridiem('p'); ends(o, x) {
				c = x
			}
		}
	}
	if okO {
		opens = o.String()
	}
	if okC {
		closes = c.String()
	}
	return opens, closes, notes, bad
}

// legacyDayCodes are iCalendar day codes, Monday first.
var legacyDayCodes = [7]string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

var legacyDayNames = [7]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// legacyWeekday reads a weekday: a name or its abbreviation ("Monday",
// "Tues", "TH"), or a number as Ohana stores it (1 = Monday … 7 = Sunday,
// ISO 8601; 0 is Sunday too). It returns 0 for Monday … 6 for Sunday.
func legacyWeekday(s string) (int, bool) {
	v := strings.Trim(strings.ToLower(strings.TrimSpace(s)), ".")
	if legacyDigits(v) && len(v) == 1 {
		n := int(v[0] - '0')
		if n == 0 {
			return 6, true
		}
		if n <= 7 {
			return n - 1, true
		}
		return 0, false
	}
	switch v {
	case "weds":
		return 2, true
	case "thur", "thurs":
		return 3, true
	}
	if len(v) < 2 {
		return 0, false
	}
	for d, name := range legacyDayNames {
		if strings.HasPrefix(name, v) {
			return d, true
		}
	}
	return 0, false
}

// legacyDayHours is one weekday row of a regular schedule, read.
type legacyDayHours struct {
	Day         int    // 0 = Monday … 6 = Sunday
	Opens       string // "HH:MM", or "" when the source gave none
	Closes      string
	Description string
	Notes       string
}

// legacyWeek merges the weekday rows of one owner into weekly schedules:
// rows with the same hours, description and notes become one schedule with
// their days in BYDAY ("MO,TU,WE,TH,FR"). Rows with neither opening nor
// closing time keep just their description (and notes). Schedules come out
// ordered by their first day, then hours: the same whatever the row order.
// Ids and owner fields are left to the caller.
func legacyWeek(rows []legacyDayHours) []resources.Schedule {
	type key struct{ opens, closes, desc, notes string }
	days := map[key]*[7]bool{}
	var keys []key
	for _, r := range rows {
		k := key{r.Opens, r.Closes, r.Description, r.Notes}
		if k.opens == "" && k.closes == "" {
			k.notes = r.Notes
		}
		d, ok := days[k]
		if !ok {
			d = &[7]bool{}
			days[k] = d
			keys = append(keys, k)
		}
		if r.Day >= 0 && r.Day < 7 {
			d[r.Day] = true
		}
	}
	first := func(k key) int {
		for i, on := range days[k] {
			if on {
				return i
			}
		}
		return 7
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(first(a), first(b)), cmp.Compare(a.opens, b.opens),
			cmp.Compare(a.closes, b.closes), cmp.Compare(a.desc, b.desc), cmp.Compare(a.notes, b.notes))
	})
	var out []resources.Schedule
	for _, k := range keys {
		s := resources.Schedule{Description: k.desc, Notes: k.notes}
		if k.opens == "" && k.closes == "" {
			if s.Description == "" && s.Notes == "" {
				continue
			}
			out = append(out, s)
			continue
		}
		var by []string
		for i, on := range days[k] {
			if on {
				by = append(by, legacyDayCodes[i])
			}
		}
		s.Freq, s.ByDay = "WEEKLY", strings.Join(by, ",")
		s.OpensAt, s.ClosesAt = k.opens, k.closes
		out = append(out, s)
	}
	return out
}

// legacySplitOvernight splits a schedule whose hours run past midnight
// (opens 19:00, closes 07:00), which HSDS cannot say in one row, into the
// hours until midnight and the next day's hours after it; notes say so. A
// schedule that is not overnight comes back alone. The second part's id is
// derived from the first's.
func legacySplitOvernight(s resources.Schedule) []resources.Schedule {
	o, err1 := resources.ParseClock(s.OpensAt)
	c, err2 := resources.ParseClock(s.ClosesAt)
	if s.OpensAt == "" || s.ClosesAt == "" || err1 != nil || err2 != nil || c == 0 || o <= c {
		return []resources.Schedule{s}
	}
	note := fmt.Sprintf("Open overnight, %s until %s the next day", s.OpensAt, s.ClosesAt)
	before, after := s, s
	before.ClosesAt = "00:00"
	before.Notes = legacyJoinText("\n", s.Notes, note+"; this schedule holds the hours until midnight.")
	after.ID = DerivedID(s.ID, "after midnight")
	after.OpensAt = "00:00"
	after.Notes = legacyJoinText("\n", s.Notes, note+"; this schedule holds the next day's hours after midnight.")
	if s.ByDay != "" {
		var next []string
		for _, part := range strings.Split(s.ByDay, ",") {
			p := strings.ToUpper(strings.TrimSpace(part))
			if len(p) < 2 {
				continue
			}
			ord, day := p[:len(p)-2], p[len(p)-2:]
			for i, code := range legacyDayCodes {
				if code == day {
					next = append(next, ord+legacyDayCodes[(i+1)%7])
				}
			}
		}
		// Keep the days in week order, Monday first.
		slices.SortStableFunc(next, func(a, b string) int {
			return cmp.Compare(slices.Index(legacyDayCodes[:], a[len(a)-2:]), slices.Index(legacyDayCodes[:], b[len(b)-2:]))
		})
		after.ByDay = strings.Join(next, ",")
	}
	shift := func(d string) string {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil || t.Year() >= 9999 && t.YearDay() >= 365 {
			return d // the last day HSDS can write: stay on it
		}
		return t.AddDate(0, 0, 1).Format(time.DateOnly)
	}
	if s.ValidFrom != "" {
		after.ValidFrom = shift(s.ValidFrom)
	}
	if s.ValidTo != "" {
		after.ValidTo = shift(s.ValidTo)
	}
	return []resources.Schedule{before, after}
}

// legacyDate reads a date as directories write it ("2015-12-24",
// "12/24/2015", "12/24/15", "January 01, 2015", an RFC 3339 time) and
// returns it as YYYY-MM-DD. Year 1 ("January 01, 0001") is Ohana's way of
// saying "every year": yearly is true and date is the month and day.
func legacyDate(s string) (date string, yearly bool, ok bool) {
	v := strings.TrimSpace(s)
	if v == "" {
		return "", false, false
	}
	var t time.Time
	var err error
	for _, layout := range []string{time.DateOnly, time.RFC3339, "January 2, 2006", "Jan 2, 2006", "January 2 2006", "Jan 2 2006", "2 January 2006"} {
		if t, err = time.Parse(layout, v); err == nil {
			break
		}
	}
	if err != nil {
		parts := strings.Split(v, "/")
		if len(parts) != 3 || !legacyDigits(parts[0]) || !legacyDigits(parts[1]) || !legacyDigits(parts[2]) || len(parts[0]) > 2 || len(parts[1]) > 2 {
			return "", false, false
		}
		mo, _ := strconv.Atoi(parts[0])
		d, _ := strconv.Atoi(parts[1])
		y, _ := strconv.Atoi(parts[2])
		switch len(parts[2]) {
		case 2:
			if y < 70 {
				y += 2000
			} else {
				y += 1900
			}
		case 4:
		default:
			return "", false, false
		}
		t = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Month() != time.Month(mo) || t.Day() != d {
			return "", false, false
		}
	}
	if t.Year() == 1 {
		return t.Format("01-02"), true, true
	}
	if t.Year() < 1000 || t.Year() > 9999 {
		return "", false, false
	}
	return t.Format(time.DateOnly), false, true
}

// legacyBool reads a yes/no value; ok is false for anything else.
func legacyBool(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "yes", "y", "1", "closed":
		return true, true
	case "false", "f", "no", "n", "0", "open":
		return false, true
	}
	return false, false
}

// legacyMonthDay writes "01-02" as "January 2".
func legacyMonthDay(md string) string {
	t, err := time.Parse("01-02", md)
	if err != nil {
		return md
	}
	return t.Format("January 2")
}

// legacyDigitsOf returns the digits of a phone number before any extension
// ("305-646-7220 x5427" → "3056467220"), without a leading US 1.
func legacyDigitsOf(n string) string {
	n = legacyNumberPart(n)
	var d []byte
	for i := 0; i < len(n); i++ {
		if n[i] >= '0' && n[i] <= '9' {
			d = append(d, n[i])
		}
	}
	s := string(d)
	if len(s) == 11 && s[0] == '1' {
		s = s[1:]
	}
	return s
}

// legacyNumberPart returns a phone number without a written extension.
func legacyNumberPart(n string) string {
	low := strings.ToLower(n)
	for _, mark := range []string{" x", "x", "ext"} {
		if i := strings.Index(low, mark); i > 0 {
			return strings.TrimSpace(n[:i])
		}
	}
	return strings.TrimSpace(n)
}
