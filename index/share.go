package index

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/refer-project/refer/resources"
)

// sharer keeps one copy of the values many documents repeat — need and
// code lists, languages, terms, hours, time zones, statuses, organization
// ids — so that 100k documents point at a few thousand copies instead of
// holding 100k (a snapshot, being decoded value by value, gives each
// document its own). At 100k services this is most of the catalog's
// memory. Copies no document uses any more are kept (they are few: a
// directory's vocabulary changes slowly).
type sharer struct {
	strs  map[string]string
	lists map[string][]string
	terms map[string][]Term
	hours map[string]resources.Hours
	key   []byte // scratch for building keys
}

func newSharer() *sharer {
	return &sharer{strs: map[string]string{}, lists: map[string][]string{}, terms: map[string][]Term{}, hours: map[string]resources.Hours{}}
}

func (s *sharer) str(v *string) {
	if *v == "" {
		return
	}
	if c, ok := s.strs[*v]; ok {
		*v = c
	} else {
		s.strs[*v] = *v
	}
}

func (s *sharer) list(v *[]string) {
	if len(*v) == 0 {
		*v = nil
		return
	}
	s.key = s.key[:0]
	for _, x := range *v {
		s.key = append(append(s.key, x...), 0)
	}
	if c, ok := s.lists[string(s.key)]; ok {
		*v = c
		return
	}
	c := make([]string, len(*v))
	for i, x := range *v {
		s.str(&x)
		c[i] = x
	}
	s.lists[string(s.key)] = c
	*v = c
}

func (s *sharer) termList(v *[]Term) {
	if len(*v) == 0 {
		*v = nil
		return
	}
	s.key = s.key[:0]
	for _, t := range *v {
		s.key = append(append(append(append(append(append(s.key, t.ID...), 0), t.Code...), 0), t.Name...), 0)
	}
	if c, ok := s.terms[string(s.key)]; ok {
		*v = c
		return
	}
	c := make([]Term, len(*v))
	for i, t := range *v {
		s.str(&t.ID)
		s.str(&t.Code)
		s.str(&t.Name)
		c[i] = t
	}
	s.terms[string(s.key)] = c
	*v = c
}

func (s *sharer) hoursOf(v *resources.Hours) {
	if len(*v) == 0 {
		*v = nil
		return
	}
	s.key = s.key[:0]
	for _, r := range *v {
		s.key = appendRule(s.key, &r)
	}
	if c, ok := s.hours[string(s.key)]; ok {
		*v = c
		return
	}
	s.hours[string(s.key)] = *v
}

// appendRule writes every field of r, so equal keys are equal rules.
func appendRule(b []byte, r *resources.Rule) []byte {
	flag := func(v bool) int64 {
		if v {
			return 1
		}
		return 0
	}
	for _, n := range []int64{flag(r.Closure), flag(r.HasHours), int64(r.From), int64(r.To), int64(r.Opens), int64(r.Closes),
		int64(r.Offset), flag(r.HasOffset), int64(r.Freq), int64(r.Days), flag(r.ByDay), flag(r.ByMonthDay), int64(r.Every), int64(r.Start),
		int64(len(r.Ordinals)), int64(len(r.MonthDays))} {
		b = binary.AppendVarint(b, n)
	}
	for _, o := range r.Ordinals {
		b = binary.AppendVarint(binary.AppendVarint(b, int64(o.N)), int64(o.Day))
	}
	for _, n := range r.MonthDays {
		b = binary.AppendVarint(b, int64(n))
	}
	return append(append(b, r.Until...), 0)
}

// share points d's repeated values at the shared copies. sibling, when
// not nil, is another document of the same service, whose service-wide
// texts d repeats.
func (s *sharer) share(d, sibling *Document) {
	if sibling != nil {
		sameString(&d.ServiceID, sibling.ServiceID)
		sameString(&d.Name, sibling.Name)
		sameString(&d.Description, sibling.Description)
	}
	if d.ServiceAtLocationID == d.ID {
		d.ServiceAtLocationID = d.ID
	}
	s.str(&d.OrganizationID)
	s.str(&d.OrganizationName)
	s.str(&d.Eligibility)
	s.str(&d.Status)
	s.str(&d.ZoneName)
	s.str(&d.LastVerified)
	s.list(&d.Needs)
	s.list(&d.Taxonomy)
	s.list(&d.Languages)
	s.list(&d.LanguageName)
	s.termList(&d.Terms)
	s.hoursOf(&d.Hours)
}

func sameString(v *string, other string) {
	if *v == other {
		*v = other
	}
}

// compareFold orders strings as strings.Compare of their lower-case forms
// would, without making them.
func compareFold(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra, rb = unicode.ToLower(ra), unicode.ToLower(rb); ra != rb {
			if ra < rb {
				return -1
			}
			return 1
		}
		a, b = a[na:], b[nb:]
	}
	return strings.Compare(a, b) // the shorter first, as the empty one is
}
