package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/refer-project/refer/resources"
)

// HSDS schedules in plain words for the web pages, in the page's language:
// "Mon–Fri 9 AM–5 PM", "1st and 3rd Tue of the month 10 AM–noon", "Closed
// Dec 25, 2026: Christmas", then each schedule's own description. It reads
// the same fields as resources.OpenAt, so what a page says matches
// open-now.

// weekOrder is the order days are said in: the working week first.
var weekOrder = [...]string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// openSpan is one opening within a day.
type openSpan struct{ opens, closes time.Duration }

// hoursInWords says when schedules are open, one line each; closures that
// ended before today and openings whose validity ended are left out. It
// returns nil when the schedules say nothing at all.
func hoursInWords(l *locale, schedules []resources.Schedule, today time.Time) []string {
	type weekly struct {
		window string
		days   map[string][]openSpan
	}
	var (
		weeks    []*weekly // simple weekly hours, grouped by validity window
		others   []string  // monthly and every-n-weeks rules
		closures []string
		notes    []string
	)
	day := calendarDay(today)
	for i := range schedules {
		s := &schedules[i]
		if s.IsClosure() {
			if !scheduleEnded(s, day) {
				closures = append(closures, closureWords(l, s))
			}
			continue
		}
		if s.Description != "" {
			notes = appendUnique(notes, strings.TrimSpace(s.Description))
		}
		if s.Notes != "" {
			notes = appendUnique(notes, strings.TrimSpace(s.Notes))
		}
		sp, ok := spanOf(s)
		if !ok || scheduleEnded(s, day) {
			continue
		}
		window := windowWords(l, s)
		freq := strings.ToUpper(s.Freq)
		interval := 1
		if s.Interval != nil && *s.Interval > 1 {
			interval = int(*s.Interval)
		}
		switch {
		case (freq == "" || freq == "WEEKLY") && interval == 1:
			days := weekOrder[:]
			if s.ByDay != "" {
				days = plainDays(s.ByDay)
			}
			if len(days) == 0 {
				continue
			}
			j := slices.IndexFunc(weeks, func(w *weekly) bool { return w.window == window })
			if j < 0 {
				weeks = append(weeks, &weekly{window: window, days: map[string][]openSpan{}})
				j = len(weeks) - 1
			}
			for _, d := range days {
				weeks[j].days[d] = append(weeks[j].days[d], sp)
			}
		case freq == "WEEKLY" || freq == "":
			every := l.T("hours.every_other_week")
			if interval > 2 {
				every = l.T("hours.every_n_weeks", interval)
			}
			days := l.T("hours.every_day_lower")
			if s.ByDay != "" {
				days = joinDays(l, plainDays(s.ByDay))
			}
			others = append(others, every+": "+days+" "+sp.words(l)+window)
		case freq == "MONTHLY":
			if w := monthlyWords(l, s); w != "" {
				others = append(others, w+" "+sp.words(l)+window)
			}
		}
	}
	var lines []string
	for _, w := range weeks {
		lines = append(lines, weekLines(l, w.days, w.window)...)
	}
	lines = append(lines, others...)
	lines = append(lines, closures...)
	return append(lines, notes...)
}

// weekLines groups days that keep the same hours: "Mon–Fri 9 AM–5 PM".
func weekLines(l *locale, days map[string][]openSpan, window string) []string {
	key := func(d string) string {
		ss := slices.Clone(days[d])
		slices.SortFunc(ss, func(a, b openSpan) int { return int(a.opens - b.opens) })
		words := make([]string, len(ss))
		for i, s := range ss {
			words[i] = s.words(l)
		}
		return strings.Join(slices.Compact(words), ", ")
	}
	var lines []string
	for i := 0; i < len(weekOrder); {
		d := weekOrder[i]
		if len(days[d]) == 0 {
			i++
			continue
		}
		k := key(d)
		j := i + 1
		for j < len(weekOrder) && len(days[weekOrder[j]]) > 0 && key(weekOrder[j]) == k {
			j++
		}
		var name string
		switch n := j - i; {
		case n == 7:
			name = l.T("hours.every_day")
		case n >= 3:
			name = l.dayName(d) + "–" + l.dayName(weekOrder[j-1])
		case n == 2:
			name = l.dayName(d) + ", " + l.dayName(weekOrder[j-1])
		default:
			name = l.dayName(d)
		}
		lines = append(lines, name+" "+k+window)
		i = j
	}
	return lines
}

func (s openSpan) words(l *locale) string { return l.Clock(s.opens) + "–" + l.Clock(s.closes) }

// dayName is a day's short name ("Mon", "lun") from its iCalendar code.
func (l *locale) dayName(code string) string { return l.T("day.short." + code) }

// validDay reports whether code is an iCalendar day ("MO" … "SU").
func validDay(code string) bool { return slices.Contains(weekOrder[:], code) }

func spanOf(s *resources.Schedule) (openSpan, bool) {
	if s.OpensAt == "" || s.ClosesAt == "" {
		return openSpan{}, false
	}
	opens, err1 := resources.ParseClock(s.OpensAt)
	closes, err2 := resources.ParseClock(s.ClosesAt)
	if err1 != nil || err2 != nil {
		return openSpan{}, false
	}
	if closes == 0 {
		closes = 24 * time.Hour
	}
	return openSpan{opens, closes}, true
}

// plainDays reads a weekly byday ("MO,TU") in week order; ordinals are
// ignored, as they are for weekly rules in open-now.
func plainDays(byday string) []string {
	have := map[string]bool{}
	for _, p := range strings.Split(strings.ToUpper(byday), ",") {
		if p = strings.TrimSpace(p); len(p) >= 2 {
			have[p[len(p)-2:]] = true
		}
	}
	var out []string
	for _, d := range weekOrder {
		if have[d] {
			out = append(out, d)
		}
	}
	return out
}

func joinDays(l *locale, days []string) string {
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = l.dayName(d)
	}
	return strings.Join(names, ", ")
}

// monthlyWords says a monthly rule: "Day 1 and 15 of the month",
// "1st and 3rd Tue of the month", "Last Fri of the month".
func monthlyWords(l *locale, s *resources.Schedule) string {
	if s.ByMonthDay != "" {
		var days []string
		for _, p := range strings.Split(s.ByMonthDay, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			switch {
			case err != nil || n == 0:
			case n == -1:
				days = append(days, l.T("hours.last_day"))
			case n < 0:
				days = append(days, l.T("hours.nth_to_last_day", l.ordinal(-n)))
			default:
				days = append(days, l.T("hours.month_day", n))
			}
		}
		if len(days) == 0 {
			return ""
		}
		return capitalize(l.T("hours.of_month", l.and(days)))
	}
	// Ordinals are gathered per day: "1st and 3rd Tue".
	var days []string
	ords := map[string][]string{}
	for _, p := range strings.Split(strings.ToUpper(s.ByDay), ",") {
		p = strings.TrimSpace(p)
		if len(p) < 2 || !validDay(p[len(p)-2:]) {
			continue
		}
		name := l.dayName(p[len(p)-2:])
		n, err := strconv.Atoi(strings.TrimPrefix(p[:len(p)-2], "+"))
		var ord string
		switch {
		case p[:len(p)-2] == "":
			ord = l.T("hours.every")
		case err != nil || n == 0:
			continue
		case n == -1:
			ord = l.T("hours.last")
		case n < 0:
			ord = l.T("hours.nth_to_last", l.ordinal(-n))
		default:
			ord = l.ordinal(n)
		}
		if _, ok := ords[name]; !ok {
			days = append(days, name)
		}
		ords[name] = append(ords[name], ord)
	}
	var parts []string
	for _, d := range days {
		parts = append(parts, l.and(ords[d])+" "+d)
	}
	if len(parts) == 0 {
		return ""
	}
	return capitalize(l.T("hours.of_month", l.and(parts)))
}

// capitalize puts the first letter in upper case.
func capitalize(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// ordinal writes 1st, 2nd… ("1.º", "2.º" in Spanish).
func (l *locale) ordinal(n int) string {
	if l.Lang != "en" {
		return l.T("ordinal", n)
	}
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// and joins items: "a, b and c" ("a, b y c").
func (l *locale) and(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return l.T("list.and", strings.Join(items[:len(items)-1], ", "), items[len(items)-1])
}

// dayMonth writes a day without its year: "Jun 1", "1 jun".
func (l *locale) dayMonth(t time.Time) string {
	return l.T("date.day_month", l.T(fmt.Sprintf("month.short.%d", t.Month())), t.Day())
}

func closureWords(l *locale, s *resources.Schedule) string {
	from, okFrom := resources.ParseDay(s.ValidFrom)
	to, okTo := resources.ParseDay(s.ValidTo)
	var w string
	switch {
	case okFrom && okTo && from.Equal(to):
		w = l.T("hours.closed_on", l.ShortDate(from))
	case okFrom && okTo:
		w = l.T("hours.closed_between", l.dayMonth(from), l.ShortDate(to))
	case okFrom:
		w = l.T("hours.closed_from", l.ShortDate(from))
	case okTo:
		w = l.T("hours.closed_until", l.ShortDate(to))
	default:
		w = l.T("hours.closed_for_a_time")
	}
	if d := strings.TrimSpace(s.Description); d != "" {
		w += ": " + d
	}
	return w
}

// windowWords says when a schedule holds, if it says: " (Jun 1 – Aug 31, 2026)".
func windowWords(l *locale, s *resources.Schedule) string {
	from, okFrom := resources.ParseDay(firstNonEmpty(s.ValidFrom, s.DTStart))
	to, okTo := resources.ParseDay(firstNonEmpty(s.ValidTo, s.Until))
	switch {
	case okFrom && okTo:
		return " (" + l.dayMonth(from) + " – " + l.ShortDate(to) + ")"
	case okFrom:
		return " (" + l.T("hours.from", l.ShortDate(from)) + ")"
	case okTo:
		return " (" + l.T("hours.until", l.ShortDate(to)) + ")"
	}
	return ""
}

// scheduleEnded reports whether the schedule's last day is before day.
func scheduleEnded(s *resources.Schedule, day time.Time) bool {
	to, ok := resources.ParseDay(firstNonEmpty(s.ValidTo, s.Until))
	return ok && to.Before(day)
}

// calendarDay is t's calendar day, as a UTC midnight comparable with resources.ParseDay's.
func calendarDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func appendUnique(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// untilWords writes an open-now answer's closing time ("17:00") on the
// language's clock ("5 PM"); "" stays "".
func untilWords(l *locale, until string) string {
	d, err := resources.ParseClock(until)
	if err != nil {
		return until
	}
	return l.Clock(d)
}

// nextOpening says when a closed place opens next, within a week:
// "opens today at 1 PM", "opens tomorrow at 9 AM", "opens Monday at 9 AM";
// "" when no opening is found. It tries each schedule's opening time on
// each of the next eight days and asks resources.OpenAt, so it agrees with
// open-now.
func nextOpening(l *locale, schedules []resources.Schedule, now time.Time, zone *time.Location) string {
	local := now.In(zone)
	var opens []time.Duration
	for i := range schedules {
		if sp, ok := spanOf(&schedules[i]); ok && !slices.Contains(opens, sp.opens) {
			opens = append(opens, sp.opens)
		}
	}
	slices.Sort(opens)
	y, m, d := local.Date()
	for day := 0; day < 8; day++ {
		midnight := time.Date(y, m, d+day, 0, 0, 0, 0, zone)
		for _, o := range opens {
			at := midnight.Add(o)
			if !at.After(local) {
				continue
			}
			if st := resources.OpenAt(schedules, at.Add(time.Second), zone); st.Open {
				when := l.Weekday(at.Weekday())
				switch day {
				case 0:
					when = l.T("hours.today")
				case 1:
					when = l.T("hours.tomorrow")
				}
				return l.T("hours.opens_next", when, l.Clock(o))
			}
		}
	}
	return ""
}
