package resources

import (
	"strconv"
	"strings"
	"time"
)

// Hours is a place's schedules compiled for one question, asked for every
// candidate of every search: is it open at t? The text of each schedule is
// read once (clock times, dates, days, repeat rule), so asking takes no
// parsing and no allocation, and a compiled rule is a tenth of the size of
// the Schedule it comes from. The fields are exported for the index's
// snapshot (gob); build Hours with CompileHours.
type Hours []Rule

// Rule is one schedule, compiled.
type Rule struct {
	// Closure marks a period of closure: a validity window with neither
	// hours nor days.
	Closure bool
	// HasHours is set when opens_at and closes_at are both readable times.
	HasHours bool
	// From and To bound the days the rule holds, as yyyymmdd (the latest
	// of valid_from and dtstart, the earliest of valid_to and until);
	// 0 is no bound.
	From, To int32
	// Opens and Closes are seconds after midnight, local time; Closes is
	// 86400 for a closing at midnight.
	Opens, Closes int32
	// Until is Closes as "15:04", what an open answer says.
	Until string
	// Offset is the schedule's own UTC offset in seconds, when HasOffset.
	Offset    int32
	HasOffset bool
	Freq      Freq
	// Days has bit d set for each plain weekday (no ordinal) in byday,
	// Sunday = 0; ByDay says there was a byday at all (one naming no day
	// matches no day, where no byday means every day).
	Days  uint8
	ByDay bool
	// Ordinals are the byday entries with an ordinal ("1MO", "-1FR").
	Ordinals []Ordinal
	// MonthDays are bymonthday's numbers; ByMonthDay says there was a
	// bymonthday at all (one with no readable number matches no day).
	MonthDays  []int
	ByMonthDay bool
	// Every is the weekly interval counted from the week of Start (days
	// since 1970-01-01); 0 or 1 is every week.
	Every int
	Start int
}

// Freq is a schedule's repeat rule.
type Freq uint8

// Repeat rules: no freq, WEEKLY, MONTHLY, and any other (which never
// occurs: refer cannot tell when it would).
const (
	FreqNone Freq = iota
	FreqWeekly
	FreqMonthly
	FreqOther
)

// Ordinal is an ordinal byday entry: the N-th weekday of the month,
// counted from the end when N < 0.
type Ordinal struct {
	N   int
	Day time.Weekday
}

// CompileHours compiles schedules. Parts that cannot be read are left out
// as OpenAt always did: a bad clock time gives no hours, a bad date no
// bound.
func CompileHours(schedules []Schedule) Hours {
	if len(schedules) == 0 {
		return nil
	}
	h := make(Hours, 0, len(schedules))
	for i := range schedules {
		h = append(h, compileRule(&schedules[i]))
	}
	return h
}

// IsClosure reports whether the schedule marks a period of closure (a
// holiday): a validity window with neither hours nor days.
func (s *Schedule) IsClosure() bool {
	return (s.ValidFrom != "" || s.ValidTo != "") && s.OpensAt == "" && s.ClosesAt == "" && s.ByDay == "" && s.ByMonthDay == ""
}

func compileRule(s *Schedule) Rule {
	r := Rule{
		Closure: s.IsClosure(),
	}
	for _, v := range []string{s.ValidFrom, s.DTStart} {
		if d, ok := parseDate(v); ok && d > r.From {
			r.From = d
		}
	}
	for _, v := range []string{s.ValidTo, s.Until} {
		if d, ok := parseDate(v); ok && (r.To == 0 || d < r.To) {
			r.To = d
		}
	}
	if s.Timezone != nil {
		r.Offset, r.HasOffset = int32(*s.Timezone*3600), true
	}
	if s.OpensAt != "" && s.ClosesAt != "" {
		opens, err1 := ParseClock(s.OpensAt)
		closes, err2 := ParseClock(s.ClosesAt)
		if err1 == nil && err2 == nil {
			if closes == 0 {
				closes = 24 * time.Hour
			}
			r.HasHours = true
			r.Opens, r.Closes = int32(opens/time.Second), int32(closes/time.Second)
			r.Until = formatClock(closes)
		}
	}
	switch strings.ToUpper(s.Freq) {
	case "":
		r.Freq = FreqNone
	case "WEEKLY":
		r.Freq = FreqWeekly
	case "MONTHLY":
		r.Freq = FreqMonthly
	default:
		r.Freq = FreqOther
	}
	r.ByDay = s.ByDay != ""
	for rest := s.ByDay; rest != ""; {
		var p string
		p, rest, _ = strings.Cut(rest, ",")
		p = strings.ToUpper(strings.TrimSpace(p))
		if len(p) < 2 {
			continue
		}
		day, ok := weekdayOf[p[len(p)-2:]]
		if !ok {
			continue
		}
		if ord := p[:len(p)-2]; ord == "" {
			r.Days |= 1 << day
		} else if n, err := strconv.Atoi(strings.TrimPrefix(ord, "+")); err == nil {
			r.Ordinals = append(r.Ordinals, Ordinal{N: n, Day: day})
		}
	}
	if s.ByMonthDay != "" {
		r.ByMonthDay = true
		for _, p := range strings.Split(s.ByMonthDay, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
				r.MonthDays = append(r.MonthDays, n)
			}
		}
	}
	if s.Interval != nil && *s.Interval > 1 {
		if d, ok := parseDate(s.DTStart); ok {
			r.Every, r.Start = int(*s.Interval), daysSinceEpoch(int(d/10000), time.Month(d/100%100), int(d%100))
		}
	}
	return r
}

var weekdayOf = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

// parseDate is ParseDay as yyyymmdd.
func parseDate(v string) (int32, bool) {
	d, ok := ParseDay(v)
	if !ok {
		return 0, false
	}
	return dateNumber(d.Date()), true
}

// ParseDay reads the calendar day of an ISO date or date-time
// ("2026-12-24", "2026-12-24T08:00:00Z") or of an iCalendar date
// ("20261224"), as a UTC midnight. A date written the usual way is read
// without time.Parse's cost (the matcher reads one for every candidate).
func ParseDay(v string) (time.Time, bool) {
	if len(v) >= 10 {
		if d, ok := fastDate(v[:10]); ok {
			return d, true
		}
		if d, err := time.Parse(time.DateOnly, v[:10]); err == nil {
			return d, true
		}
	}
	if len(v) >= 8 {
		if d, err := time.Parse("20060102", v[:8]); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// fastDate reads "yyyy-mm-dd" as time.Parse(time.DateOnly, s) would, or
// says it cannot (time.Parse then decides).
func fastDate(s string) (time.Time, bool) {
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	if s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	y, ok1 := num(s[:4])
	mo, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d // not past the month's end
}

func dateNumber(y int, m time.Month, d int) int32 { return int32(y*10000 + int(m)*100 + d) }

// daysSinceEpoch counts days from 1970-01-01 to a civil date, with no time
// zone in the way (so a daylight-saving change cannot make a week 6 days
// and 23 hours long).
func daysSinceEpoch(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Unix() / 86400)
}

func formatClock(d time.Duration) string {
	if d >= 24*time.Hour {
		return "24:00"
	}
	return time.Time{}.Add(d).Format("15:04")
}

// At says whether the place is open at t, in its time zone loc (nil means
// UTC unless a rule gives its own UTC offset): open when a rule's hours
// hold at t's local wall-clock time on a day the rule occurs; closed all
// day when a closure holds; not Known when no rule has hours.
func (h Hours) At(t time.Time, loc *time.Location) OpenState {
	return h.AtMoment(MomentIn(t, loc))
}

// Moment is an instant read in a place's time zone, made once to ask the
// hours of many places in that zone.
type Moment struct {
	t     time.Time
	loc   *time.Location
	local localDay
}

// MomentIn reads t in loc (nil means UTC).
func MomentIn(t time.Time, loc *time.Location) Moment {
	if loc == nil {
		loc = time.UTC
	}
	return Moment{t: t, loc: loc, local: dayOf(t.In(loc))}
}

// Zone is the time zone the moment was read in.
func (m Moment) Zone() *time.Location { return m.loc }

// AtMoment is At for a moment read in the place's zone.
func (h Hours) AtMoment(m Moment) OpenState {
	t := m.t
	var st OpenState
	var until int32
	// Each rule is read in its own zone; most share the place's, so the
	// local day is worked out again only when the zone changes.
	var day localDay
	var haveDay, dayHasOffset bool
	var dayOffset int32
	for i := range h {
		r := &h[i]
		if !r.Closure && !r.HasHours {
			continue
		}
		if !haveDay || r.HasOffset != dayHasOffset || r.HasOffset && r.Offset != dayOffset {
			if r.HasOffset {
				day = dayOf(t.In(time.FixedZone("", int(r.Offset))))
			} else {
				day = m.local
			}
			haveDay, dayHasOffset, dayOffset = true, r.HasOffset, r.Offset
		}
		if r.Closure {
			if r.holds(day.date) {
				return OpenState{Known: true}
			}
			continue
		}
		st.Known = true
		if !r.holds(day.date) || !r.occurs(&day) {
			continue
		}
		if day.secs >= r.Opens && day.secs < r.Closes && (!st.Open || r.Closes > until) {
			st.Open, st.Until, until = true, r.Until, r.Closes
		}
	}
	return st
}

// localDay is a moment as a rule reads it: the local date and wall-clock
// time.
type localDay struct {
	date    int32 // yyyymmdd
	year    int
	month   time.Month
	mday    int
	weekday time.Weekday
	secs    int32 // seconds after local midnight, by the clock on the wall
}

func dayOf(t time.Time) localDay {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return localDay{date: dateNumber(y, m, d), year: y, month: m, mday: d, weekday: t.Weekday(), secs: int32(hh*3600 + mm*60 + ss)}
}

func (r *Rule) holds(date int32) bool {
	return (r.From == 0 || date >= r.From) && (r.To == 0 || date <= r.To)
}

// occurs reports whether the rule's repeat includes the day.
func (r *Rule) occurs(d *localDay) bool {
	switch r.Freq {
	case FreqMonthly:
		if r.ByMonthDay {
			last := daysIn(d.year, d.month)
			for _, n := range r.MonthDays {
				if n == d.mday || n < 0 && last+n+1 == d.mday {
					return true
				}
			}
			return false
		}
		if r.Days&(1<<d.weekday) != 0 {
			return true
		}
		week := (d.mday-1)/7 + 1
		fromEnd := -((daysIn(d.year, d.month)-d.mday)/7 + 1)
		for _, o := range r.Ordinals {
			if o.Day == d.weekday && (o.N == week || o.N == fromEnd) {
				return true
			}
		}
		return false
	case FreqNone, FreqWeekly:
		if !r.ByDay {
			// Hours without days: every day.
			return r.Freq == FreqNone || r.everyInterval(d)
		}
		return r.Days&(1<<d.weekday) != 0 && r.everyInterval(d)
	}
	return false
}

// everyInterval applies a weekly interval ("every other week") counted
// from the week (Sunday to Saturday) of dtstart.
func (r *Rule) everyInterval(d *localDay) bool {
	if r.Every <= 1 {
		return true
	}
	startWeek := r.Start - int(time.Unix(int64(r.Start)*86400, 0).UTC().Weekday())
	weeks := (daysSinceEpoch(d.year, d.month, d.mday) - startWeek)
	return weeks >= 0 && weeks/7%r.Every == 0
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
