package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/refer-project/refer/resources"
)

// HSDS schedules in plain words for the web pages: "Mon–Fri 9:00–17:00",
// "1st and 3rd Tue of the month 10:00–12:00", "Closed Dec 25, 2026:
// Christmas", then each schedule's own description. It reads the same
// fields as resources.OpenAt, so what a page says matches open-now.

// weekOrder is the order days are said in: the working week first.
var weekOrder = [...]string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

var dayNames = map[string]string{"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat", "SU": "Sun"}

// openSpan is one opening within a day.
type openSpan struct{ opens, closes time.Duration }

// hoursInWords says when schedules are open, one line each; closures that
// ended before today and openings whose validity ended are left out. It
// returns nil when the schedules say nothing at all.
func hoursInWords(schedules []resources.Schedule, today time.Time) []string {
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
				closures = append(closures, closureWords(s))
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
		window := windowWords(s)
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
			every := "Every other week"
			if interval > 2 {
				every = fmt.Sprintf("Every %d weeks", interval)
			}
			days := "every day"
			if s.ByDay != "" {
				days = joinDays(plainDays(s.ByDay))
			}
			others = append(others, every+": "+days+" "+sp.words()+window)
		case freq == "MONTHLY":
			if w := monthlyWords(s); w != "" {
				others = append(others, w+" "+sp.words()+window)
			}
		}
	}
	var lines []string
	for _, w := range weeks {
		lines = append(lines, weekLines(w.days, w.window)...)
	}
	lines = append(lines, others...)
	lines = append(lines, closures...)
	return append(lines, notes...)
}

// weekLines groups days that keep the same hours: "Mon–Fri 9:00–17:00".
func weekLines(days map[string][]openSpan, window string) []string {
	key := func(d string) string {
		ss := slices.Clone(days[d])
		slices.SortFunc(ss, func(a, b openSpan) int { return int(a.opens - b.opens) })
		words := make([]string, len(ss))
		for i, s := range ss {
			words[i] = s.words()
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
			name = "Every day"
		case n >= 3:
			name = dayNames[d] + "–" + dayNames[weekOrder[j-1]]
		case n == 2:
			name = dayNames[d] + ", " + dayNames[weekOrder[j-1]]
		default:
			name = dayNames[d]
		}
		lines = append(lines, name+" "+k+window)
		i = j
	}
	return lines
}

func (s openSpan) words() string { return clockWords(s.opens) + "–" + clockWords(s.closes) }

// clockWords writes a time of day as "9:00" or "17:30".
func clockWords(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	return fmt.Sprintf("%d:%02d", h, m)
}

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

func joinDays(days []string) string {
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = dayNames[d]
	}
	return strings.Join(names, ", ")
}

// monthlyWords says a monthly rule: "Day 1 and 15 of the month",
// "1st and 3rd Tue of the month", "Last Fri of the month".
func monthlyWords(s *resources.Schedule) string {
	if s.ByMonthDay != "" {
		var days []string
		for _, p := range strings.Split(s.ByMonthDay, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			switch {
			case err != nil || n == 0:
			case n == -1:
				days = append(days, "the last day")
			case n < 0:
				days = append(days, fmt.Sprintf("%s-to-last day", ordinalWord(-n)))
			default:
				days = append(days, "day "+strconv.Itoa(n))
			}
		}
		if len(days) == 0 {
			return ""
		}
		w := andWords(days) + " of the month"
		return strings.ToUpper(w[:1]) + w[1:]
	}
	// Ordinals are gathered per day: "1st and 3rd Tue".
	var days []string
	ords := map[string][]string{}
	for _, p := range strings.Split(strings.ToUpper(s.ByDay), ",") {
		p = strings.TrimSpace(p)
		if len(p) < 2 || dayNames[p[len(p)-2:]] == "" {
			continue
		}
		name := dayNames[p[len(p)-2:]]
		n, err := strconv.Atoi(strings.TrimPrefix(p[:len(p)-2], "+"))
		var ord string
		switch {
		case p[:len(p)-2] == "":
			ord = "every"
		case err != nil || n == 0:
			continue
		case n == -1:
			ord = "last"
		case n < 0:
			ord = ordinalWord(-n) + "-to-last"
		default:
			ord = ordinalWord(n)
		}
		if _, ok := ords[name]; !ok {
			days = append(days, name)
		}
		ords[name] = append(ords[name], ord)
	}
	var parts []string
	for _, d := range days {
		parts = append(parts, andWords(ords[d])+" "+d)
	}
	if len(parts) == 0 {
		return ""
	}
	w := andWords(parts) + " of the month"
	return strings.ToUpper(w[:1]) + w[1:]
}

func ordinalWord(n int) string {
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

func andWords(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func closureWords(s *resources.Schedule) string {
	from, okFrom := resources.ParseDay(s.ValidFrom)
	to, okTo := resources.ParseDay(s.ValidTo)
	var w string
	switch {
	case okFrom && okTo && from.Equal(to):
		w = "Closed " + from.Format("Jan 2, 2006")
	case okFrom && okTo:
		w = "Closed " + from.Format("Jan 2") + " – " + to.Format("Jan 2, 2006")
	case okFrom:
		w = "Closed from " + from.Format("Jan 2, 2006")
	case okTo:
		w = "Closed until " + to.Format("Jan 2, 2006")
	default:
		w = "Closed for a time"
	}
	if d := strings.TrimSpace(s.Description); d != "" {
		w += ": " + d
	}
	return w
}

// windowWords says when a schedule holds, if it says: " (Jun 1 – Aug 31, 2026)".
func windowWords(s *resources.Schedule) string {
	from, okFrom := resources.ParseDay(firstNonEmpty(s.ValidFrom, s.DTStart))
	to, okTo := resources.ParseDay(firstNonEmpty(s.ValidTo, s.Until))
	switch {
	case okFrom && okTo:
		return " (" + from.Format("Jan 2") + " – " + to.Format("Jan 2, 2006") + ")"
	case okFrom:
		return " (from " + from.Format("Jan 2, 2006") + ")"
	case okTo:
		return " (until " + to.Format("Jan 2, 2006") + ")"
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
