package hsds

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/refer-project/refer/resources"
)

// Readers of the tables only HSDS 1.1 has: taxonomy.csv, and opening
// hours split into regular_schedules.csv and holiday_schedules.csv.

// holiday turns a holiday schedule row (closed, opens, closes, start and
// end dates) into schedules. Closed days say "Closed"; days with hours say
// "Special hours". Dates in year 1 (Ohana's yearly holidays) go into the
// description ("every year on January 1"), not valid_from/valid_to.
func (b *legacyBuild) holiday(src string, closedS, opensS, closesS, startS, endS string) resources.Schedule {
	var s resources.Schedule
	var notes []string
	opens, closes, hnotes, bad := legacyHours(opensS, closesS)
	notes = append(notes, hnotes...)
	closed, ok := legacyBool(closedS)
	if !ok {
		closed = opens == "" && closes == ""
		if strings.TrimSpace(closedS) != "" {
			notes = append(notes, fmt.Sprintf("Closed: %s", closedS))
			b.warn(src, "", "", "closed is %q, which is not true or false; read as %t", closedS, closed)
		}
	}
	if closed {
		s.Description = "Closed"
		if opens != "" || closes != "" {
			notes = append(notes, fmt.Sprintf("The source also gives hours %s–%s", opens, closes))
		}
	} else {
		s.Description = "Special hours"
		s.OpensAt, s.ClosesAt = opens, closes
	}
	for _, v := range bad {
		notes = append(notes, "Unreadable "+v)
		b.warn(src, "", "", "%s is not a time of day; kept in the schedule's notes", v)
	}
	from, fromYearly, okFrom := legacyDate(startS)
	to, toYearly, okTo := legacyDate(endS)
	switch {
	case okFrom && okTo && fromYearly && toYearly:
		if from == to {
			s.Description += " every year on " + legacyMonthDay(from)
		} else {
			s.Description += fmt.Sprintf(" every year from %s to %s", legacyMonthDay(from), legacyMonthDay(to))
		}
	default:
		if okFrom && !fromYearly {
			s.ValidFrom = from
		} else if strings.TrimSpace(startS) != "" {
			notes = append(notes, "Starts: "+startS)
			b.warn(src, "", "", "start_date %q is not a date this reader can place; kept in the schedule's notes", startS)
		}
		if okTo && !toYearly {
			s.ValidTo = to
		} else if strings.TrimSpace(endS) != "" {
			notes = append(notes, "Ends: "+endS)
			b.warn(src, "", "", "end_date %q is not a date this reader can place; kept in the schedule's notes", endS)
		}
		if s.ValidFrom != "" && s.ValidTo != "" && s.ValidTo < s.ValidFrom {
			notes = append(notes, fmt.Sprintf("The source gives dates %s to %s", startS, endS))
			b.warn(src, "", "", "end_date %q is before start_date %q; the dates are swapped", endS, startS)
			s.ValidFrom, s.ValidTo = s.ValidTo, s.ValidFrom
		}
	}
	if !closed {
		legacyNoFalseClosure(&s, &notes, strings.TrimSpace(opensS+closesS) != "")
	}
	s.Notes = strings.Join(notes, "\n")
	return s
}

// legacyHoursToNotes moves a schedule's hours into its notes, for a
// schedule whose days could not be kept: hours without days mean every day.
func legacyHoursToNotes(s *resources.Schedule, notes *[]string) {
	if s.OpensAt == "" && s.ClosesAt == "" {
		return
	}
	*notes = append(*notes, fmt.Sprintf("Hours: %s–%s", cmp.Or(s.OpensAt, "?"), cmp.Or(s.ClosesAt, "?")))
	s.OpensAt, s.ClosesAt = "", ""
}

// legacyNoFalseClosure keeps a schedule that is not a closure from reading
// as one: a validity window with neither hours nor days means "closed then".
// When the source gave hours that could not be read, the dates go to the
// notes instead.
func legacyNoFalseClosure(s *resources.Schedule, notes *[]string, hadHours bool) {
	if !hadHours || s.OpensAt != "" || s.ClosesAt != "" || s.ByDay != "" || s.ByMonthDay != "" || s.ValidFrom == "" && s.ValidTo == "" {
		return
	}
	*notes = append(*notes, fmt.Sprintf("Dates: %s to %s", cmp.Or(s.ValidFrom, "?"), cmp.Or(s.ValidTo, "?")))
	s.ValidFrom, s.ValidTo = "", ""
}

// weekRow reads a regular-schedule row's hours, reporting what it cannot
// read.
func (b *legacyBuild) weekRow(src string, day int, opensS, closesS, desc string) legacyDayHours {
	opens, closes, notes, bad := legacyHours(opensS, closesS)
	for _, v := range bad {
		notes = append(notes, "Unreadable "+v)
		b.warn(src, "", "", "%s is not a time of day; kept in the schedule's notes", v)
	}
	if len(bad) > 0 && desc == "" {
		// No original text to carry the hours: say them as given.
		desc = fmt.Sprintf("Hours as given: %s–%s", cmp.Or(strings.TrimSpace(opensS), "?"), cmp.Or(strings.TrimSpace(closesS), "?"))
	}
	return legacyDayHours{Day: day, Opens: opens, Closes: closes, Description: desc, Notes: strings.Join(notes, "\n")}
}

// legacyWeekRows collects weekday rows per owner, in the order owners first
// appear.
type legacyWeekRows struct {
	owners []legacyOwner
	rows   map[string][]legacyDayHours
	odd    []resources.Schedule // rows whose weekday could not be read
	oddOf  []legacyOwner
}

func (w *legacyWeekRows) add(o legacyOwner, r legacyDayHours) {
	if w.rows == nil {
		w.rows = map[string][]legacyDayHours{}
	}
	k := o.key()
	if _, ok := w.rows[k]; !ok {
		w.owners = append(w.owners, o)
	}
	w.rows[k] = append(w.rows[k], r)
}

// flushWeek merges each owner's rows into schedules and attaches them.
func (b *legacyBuild) flushWeek(table string, w *legacyWeekRows) {
	for _, o := range w.owners {
		for _, s := range legacyWeek(w.rows[o.key()]) {
			s.ID = b.derivedChildID("schedules", table, o.key(), s.OpensAt, s.ClosesAt, s.Description, s.Notes)
			for _, part := range legacySplitOvernight(s) {
				b.addSchedule(o, part)
			}
		}
	}
	for i, s := range w.odd {
		for _, part := range legacySplitOvernight(s) {
			b.addSchedule(w.oddOf[i], part)
		}
	}
}

// --- Attaching children ---------------------------------------------------

// readTaxonomy11 reads HSDS 1.1 taxonomy.csv: id, name, parent_id,
// parent_name, vocabulary (and Miami's taxonomy_facet). The id is the
// vocabulary's code (AIRS "BD-1800.2000").
func (b *legacyBuild) readTaxonomy11(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		desc := ""
		if f := t.get(i, "taxonomy_facet"); f != "" {
			desc = "Facet: " + f
		}
		b.addTerm(t, i, src, src, t.get(i, "name"), t.get(i, "parent_id"), t.get(i, "vocabulary"), desc, "")
	}
	b.linkTermParents(t.name)
}

// scheduleOwner resolves a schedule row's owner: its service_at_location,
// else its service, else its location.
func (b *legacyBuild) scheduleOwner(t *table, i int) (legacyOwner, bool) {
	r := b.refs(t, i, "service_at_location_id", "service_id", "location_id")
	o := r.owner("service_at_location", "service", "location")
	if o.none() {
		b.reject(t.source(i), "", "", "%s", r.why())
		return o, false
	}
	b.warnUnknown(t.source(i), r, o)
	return o, true
}

// readRegularSchedules reads 1.1 regular_schedules.csv (and Ohana's): one
// row per weekday, merged per owner by legacyWeek. Miami's original_text is
// kept as the description, line breaks restored.
func (b *legacyBuild) readRegularSchedules(t *table) {
	if t == nil {
		return
	}
	var w legacyWeekRows
	for i := range t.rows {
		o, ok := b.scheduleOwner(t, i)
		if !ok {
			continue
		}
		desc := legacyText(cmp.Or(t.get(i, "original_text"), t.get(i, "description")))
		dayS := t.get(i, "weekday")
		day, ok := legacyWeekday(dayS)
		row := b.weekRow(t.source(i), day, t.get(i, "opens_at"), t.get(i, "closes_at"), desc)
		if ok {
			w.add(o, row)
			continue
		}
		hours := ""
		if row.Opens != "" || row.Closes != "" {
			hours = fmt.Sprintf("Hours: %s–%s", cmp.Or(row.Opens, "?"), cmp.Or(row.Closes, "?"))
		}
		s := resources.Schedule{
			Description: desc,
			Notes:       legacyJoinText("\n", "Day: "+cmp.Or(dayS, "(none given)"), hours, row.Notes),
		}
		b.warn(t.source(i), "", "", "weekday %q is not a day of the week; the hours are kept in the schedule's notes", dayS)
		s.ID = b.childID("schedules", t, i, "", nil, o.key())
		w.odd, w.oddOf = append(w.odd, s), append(w.oddOf, o)
	}
	b.flushWeek(t.name, &w)
}

// readHolidaySchedules reads 1.1 holiday_schedules.csv (and Ohana's).
func (b *legacyBuild) readHolidaySchedules(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		o, ok := b.scheduleOwner(t, i)
		if !ok {
			continue
		}
		s := b.holiday(t.source(i), t.get(i, "closed"), t.get(i, "opens_at"), t.get(i, "closes_at"),
			t.get(i, "start_date"), t.get(i, "end_date"))
		s.ID = b.childID("schedules", t, i, "", nil, o.key()+"\x00"+t.get(i, "id"))
		for _, part := range legacySplitOvernight(s) {
			b.addSchedule(o, part)
		}
	}
}
