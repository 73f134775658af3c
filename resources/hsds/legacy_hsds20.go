package hsds

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/refer-project/refer/resources"
)

// Readers of the tables only HSDS 2.0 has: taxonomy_terms.csv,
// schedules.csv (iCalendar-like rules) and other_attributes.csv.

// readTaxonomyTerms20 reads HSDS 2.0 taxonomy_terms.csv: id, term,
// description, parent_id, taxonomy, language. Ids that are not uuids are
// taken to be the vocabulary's own codes.
func (b *legacyBuild) readTaxonomyTerms20(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		code := t.get(i, "code")
		if code == "" && !legacyUUID(src) {
			code = src
		}
		name := cmp.Or(t.get(i, "term"), t.get(i, "name"))
		b.addTerm(t, i, src, code, name, t.get(i, "parent_id"), cmp.Or(t.get(i, "taxonomy"), t.get(i, "vocabulary")),
			legacyText(t.get(i, "description")), t.get(i, "language"))
	}
	b.linkTermParents(t.name)
}

func legacyUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !unicode.Is(unicode.ASCII_Hex_Digit, r) {
				return false
			}
		}
	}
	return true
}

// --- Organizations, programs, services, locations ---------------------------

// readSchedules20 reads 2.0 schedules.csv, whose rows are already iCalendar
// rules: values are checked, the unusable moved to notes with a warning.
func (b *legacyBuild) readSchedules20(t *table) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		o, ok := b.scheduleOwner(t, i)
		if !ok {
			continue
		}
		src := t.source(i)
		var notes []string
		drop := func(field, v, why string) {
			notes = append(notes, fmt.Sprintf("%s: %s", field, v))
			b.warn(src, "", "", "%s %q %s; kept in the schedule's notes", field, v, why)
		}
		s := resources.Schedule{
			Description: legacyText(t.get(i, "description")),
			ByWeekNo:    t.get(i, "byweekno"),
			ByMonthDay:  t.get(i, "bymonthday"),
			ByYearDay:   t.get(i, "byyearday"),
		}
		opens, closes, hnotes, bad := legacyHours(t.get(i, "opens_at"), t.get(i, "closes_at"))
		s.OpensAt, s.ClosesAt = opens, closes
		notes = append(notes, hnotes...)
		for _, v := range bad {
			notes = append(notes, "Unreadable "+v)
			b.warn(src, "", "", "%s is not a time of day; kept in the schedule's notes", v)
		}
		for _, f := range []struct {
			col string
			dst *string
		}{{"valid_from", &s.ValidFrom}, {"valid_to", &s.ValidTo}, {"dtstart", &s.DTStart}, {"until", &s.Until}} {
			v := t.get(i, f.col)
			if v == "" {
				continue
			}
			if d, yearly, ok := legacyDate(v); ok && !yearly {
				*f.dst = d
			} else {
				drop(f.col, v, "is not a date")
			}
		}
		if v := t.get(i, "timezone"); v != "" {
			if tz, ok := legacyFloat(v); ok && tz >= -12 && tz <= 14 {
				s.Timezone = &tz
			} else {
				drop("timezone", v, "is not a UTC offset in hours")
			}
		}
		for _, f := range []struct {
			col string
			dst **float64
		}{{"count", &s.Count}, {"interval", &s.Interval}} {
			v := t.get(i, f.col)
			if v == "" {
				continue
			}
			if n, ok := legacyFloat(v); ok && n >= 0 && n == math.Trunc(n) {
				*f.dst = &n
			} else {
				drop(f.col, v, "is not a whole number")
			}
		}
		if v := strings.ToUpper(t.get(i, "wkst")); v != "" {
			if slices.Contains(legacyDayCodes[:], v) {
				s.WKST = v
			} else {
				drop("wkst", v, "is not a day code such as MO")
			}
		}
		// A rule that cannot be kept whole must not be read as another:
		// hours without their days would read as every day.
		ruleLost := false
		byday := strings.ToUpper(strings.ReplaceAll(t.get(i, "byday"), " ", ""))
		if byday != "" {
			if _, err := resources.ParseByDay(byday); err == nil {
				s.ByDay = byday
			} else if codes := legacyDayList(t.get(i, "byday")); codes != "" {
				s.ByDay = codes
			} else {
				drop("byday", t.get(i, "byday"), "is not a list of day codes such as MO,TU")
				ruleLost = true
			}
		}
		switch freq := strings.ToUpper(t.get(i, "freq")); freq {
		case "", "WEEKLY", "MONTHLY":
			s.Freq = freq
		case "DAILY":
			s.Freq = "WEEKLY"
			if s.ByDay == "" {
				s.ByDay = strings.Join(legacyDayCodes[:], ",")
			}
		default:
			drop("freq", t.get(i, "freq"), "is not WEEKLY or MONTHLY, which HSDS 3.0 allows")
			ruleLost = true
		}
		if ruleLost {
			legacyHoursToNotes(&s, &notes)
		}
		legacyNoFalseClosure(&s, &notes, t.get(i, "opens_at")+t.get(i, "closes_at") != "")
		s.Notes = legacyJoinText("\n", legacyText(t.get(i, "notes")), strings.Join(notes, "\n"))
		s.ID = b.childID("schedules", t, i, t.get(i, "id"), rep, o.key())
		for _, part := range legacySplitOvernight(s) {
			b.addSchedule(o, part)
		}
	}
}

// legacyDayList reads a list of weekday names ("Monday, Tuesday") as BYDAY
// codes; "" if any item is not a day.
func legacyDayList(s string) string {
	var codes []string
	for _, item := range legacyList(s) {
		d, ok := legacyWeekday(item)
		if !ok {
			return ""
		}
		codes = append(codes, legacyDayCodes[d])
	}
	return strings.Join(codes, ",")
}

// --- Children of services ---------------------------------------------------

// legacyEntity30 maps 2.0 link types to HSDS 3.0 table names.
var legacyEntity30 = map[string]string{
	"physical_address": "address", "postal_address": "address",
	"accessibility_for_disabilities": "accessibility",
}

// readOtherAttributes reads 2.0 other_attributes.csv (link_id, link_type,
// taxonomy_term_id) onto the records and children it names.
func (b *legacyBuild) readOtherAttributes(t *table) {
	if t == nil {
		return
	}
	type pending struct {
		src  string
		attr resources.Attribute
	}
	nested := map[string]map[string][]pending{} // 3.0 entity → child id → attributes
	for i := range t.rows {
		termSrc, linkSrc := t.get(i, "taxonomy_term_id"), t.get(i, "link_id")
		lt := strings.ToLower(t.get(i, "link_type"))
		term := b.terms.get(termSrc)
		if term == nil {
			b.reject(t.source(i), "", "", "names taxonomy term %q, which the source does not have", termSrc)
			continue
		}
		entity := cmp.Or(legacyEntity30[lt], lt)
		a := resources.Attribute{
			LinkID: linkSrc, TaxonomyTermID: term.ID, LinkType: lt, LinkEntity: entity,
			Value: legacyText(t.get(i, "value")),
		}
		a.ID = b.childID("attributes", t, i, t.get(i, "id"), nil, entity+":"+linkSrc)
		var attrs *[]resources.Attribute
		switch lt {
		case "organization":
			if o := b.orgs.get(linkSrc); o != nil {
				a.LinkID, attrs = o.ID, &o.Attributes
			}
		case "program":
			if p := b.programs.get(linkSrc); p != nil {
				a.LinkID, attrs = p.ID, &p.Attributes
			}
		case "service":
			if s := b.services.get(linkSrc); s != nil {
				a.LinkID, attrs = s.ID, &s.Attributes
			}
		case "service_at_location":
			if s := b.sals.get(linkSrc); s != nil {
				a.LinkID, attrs = s.ID, &s.Attributes
			}
		case "location":
			if l := b.locations.get(linkSrc); l != nil {
				a.LinkID, attrs = l.ID, &l.Attributes
			}
		case "eligibility", "payment_accepted":
			// HSDS 3.0 has neither table: the term describes the service.
			s := b.eligibilityOf[linkSrc]
			if lt == "payment_accepted" {
				s = b.paymentOf[linkSrc]
			}
			if s != nil {
				a.LinkID, a.LinkEntity, attrs = s.ID, "service", &s.Attributes
			}
		default:
			if linkSrc != "" {
				if nested[entity] == nil {
					nested[entity] = map[string][]pending{}
				}
				nested[entity][linkSrc] = append(nested[entity][linkSrc], pending{t.source(i), a})
				continue
			}
		}
		if attrs == nil {
			b.reject(t.source(i), "", "", "names %s %q, which the source does not have", cmp.Or(lt, "(no link_type)"), linkSrc)
			continue
		}
		*attrs = append(*attrs, a)
	}
	if len(nested) == 0 {
		return
	}
	b.eachChild(func(entity, id string, attrs *[]resources.Attribute) {
		if ps, ok := nested[entity][id]; ok {
			for _, p := range ps {
				*attrs = append(*attrs, p.attr)
			}
			delete(nested[entity], id)
		}
	})
	var left []pending
	for _, byID := range nested {
		for _, ps := range byID {
			left = append(left, ps...)
		}
	}
	slices.SortFunc(left, func(x, y pending) int { return cmp.Compare(x.attr.ID, y.attr.ID) })
	for _, p := range left {
		b.reject(p.src, "", "", "names %s %q, which the source does not have", p.attr.LinkType, p.attr.LinkID)
	}
}

// eachChild calls f for every child that can carry attributes, with its
// HSDS 3.0 table name and id.
func (b *legacyBuild) eachChild(f func(entity, id string, attrs *[]resources.Attribute)) {
	phones := func(ps []resources.Phone) {
		for i := range ps {
			f("phone", ps[i].ID, &ps[i].Attributes)
			for j := range ps[i].Languages {
				f("language", ps[i].Languages[j].ID, &ps[i].Languages[j].Attributes)
			}
		}
	}
	contacts := func(cs []resources.Contact) {
		for i := range cs {
			f("contact", cs[i].ID, &cs[i].Attributes)
			phones(cs[i].Phones)
		}
	}
	schedules := func(ss []resources.Schedule) {
		for i := range ss {
			f("schedule", ss[i].ID, &ss[i].Attributes)
		}
	}
	languages := func(ls []resources.Language) {
		for i := range ls {
			f("language", ls[i].ID, &ls[i].Attributes)
		}
	}
	funding := func(fs []resources.Funding) {
		for i := range fs {
			f("funding", fs[i].ID, &fs[i].Attributes)
		}
	}
	for _, o := range b.orgs.list {
		phones(o.Phones)
		contacts(o.Contacts)
		funding(o.Funding)
	}
	for _, s := range b.services.list {
		phones(s.Phones)
		contacts(s.Contacts)
		schedules(s.Schedules)
		languages(s.Languages)
		funding(s.Funding)
		for i := range s.ServiceAreas {
			f("service_area", s.ServiceAreas[i].ID, &s.ServiceAreas[i].Attributes)
		}
		for i := range s.RequiredDocuments {
			f("required_document", s.RequiredDocuments[i].ID, &s.RequiredDocuments[i].Attributes)
		}
	}
	for _, l := range b.locations.list {
		phones(l.Phones)
		contacts(l.Contacts)
		schedules(l.Schedules)
		languages(l.Languages)
		for i := range l.Addresses {
			f("address", l.Addresses[i].ID, &l.Addresses[i].Attributes)
		}
		for i := range l.Accessibility {
			f("accessibility", l.Accessibility[i].ID, &l.Accessibility[i].Attributes)
		}
	}
	for _, s := range b.sals.list {
		phones(s.Phones)
		contacts(s.Contacts)
		schedules(s.Schedules)
	}
}
