package resources

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The reference interpreter: OpenAt as it was written first, straight
// from the rules and reading the schedules' text on every call. The
// compiled Hours must answer as it does (FuzzHours); the only deliberate
// difference is that Hours reads the wall clock, where this measured time
// since midnight (an hour apart after a daylight-saving change that day),
// so the fuzzer leaves those days out.

// OpenAt evaluates schedules at t in the place's time zone loc (nil means
// UTC unless a schedule gives its own UTC offset).
func referenceOpenAt(schedules []Schedule, t time.Time, loc *time.Location) OpenState {
	var st OpenState
	for i := range schedules {
		s := &schedules[i]
		local := t.In(refScheduleZone(s, loc))
		day := refDateOf(local)
		if refClosure(s) {
			if refWithin(s, day) {
				return OpenState{Known: true}
			}
			continue
		}
		if s.OpensAt == "" || s.ClosesAt == "" {
			continue
		}
		opens, err1 := ParseClock(s.OpensAt)
		closes, err2 := ParseClock(s.ClosesAt)
		if err1 != nil || err2 != nil {
			continue
		}
		st.Known = true
		if closes == 0 {
			closes = 24 * time.Hour
		}
		if !refWithin(s, day) || !refOccursOn(s, local) {
			continue
		}
		since := local.Sub(day)
		if since >= opens && since < closes && (!st.Open || closes > refClockOf(st.Until)) {
			st.Open = true
			st.Until = refFormatClock(closes)
		}
	}
	return st
}

func refClockOf(s string) time.Duration {
	d, _ := ParseClock(s)
	return d
}

func refFormatClock(d time.Duration) string {
	if d >= 24*time.Hour {
		return "24:00"
	}
	return time.Time{}.Add(d).Format("15:04")
}

func refDateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func refScheduleZone(s *Schedule, loc *time.Location) *time.Location {
	if s.Timezone != nil {
		return time.FixedZone("", int(*s.Timezone*3600))
	}
	if loc == nil {
		return time.UTC
	}
	return loc
}

// closure reports whether s marks a period of closure: a validity window
// with neither hours nor days.
func refClosure(s *Schedule) bool {
	return (s.ValidFrom != "" || s.ValidTo != "") && s.OpensAt == "" && s.ClosesAt == "" && s.ByDay == "" && s.ByMonthDay == ""
}

// within reports whether day lies inside the schedule's validity window.
func refWithin(s *Schedule, day time.Time) bool {
	for _, b := range []struct {
		v     string
		after bool
	}{{s.ValidFrom, false}, {s.DTStart, false}, {s.ValidTo, true}, {s.Until, true}} {
		if b.v == "" {
			continue
		}
		d, ok := refParseDay(b.v, day.Location())
		if !ok {
			continue
		}
		if !b.after && day.Before(d) || b.after && day.After(d) {
			return false
		}
	}
	return true
}

func refParseDay(v string, loc *time.Location) (time.Time, bool) {
	if len(v) >= 10 {
		if d, err := time.ParseInLocation(time.DateOnly, v[:10], loc); err == nil {
			return d, true
		}
	}
	if d, err := time.ParseInLocation("20060102", v[:min(8, len(v))], loc); err == nil {
		return d, true
	}
	return time.Time{}, false
}

var refDayCodes = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// occursOn reports whether the schedule's repeat rule includes t's day.
func refOccursOn(s *Schedule, t time.Time) bool {
	today := refDayCodes[t.Weekday()]
	switch strings.ToUpper(s.Freq) {
	case "MONTHLY":
		if s.ByMonthDay != "" {
			for _, p := range strings.Split(s.ByMonthDay, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(p))
				if err != nil {
					continue
				}
				last := time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, t.Location()).Day()
				if n == t.Day() || n < 0 && last+n+1 == t.Day() {
					return true
				}
			}
			return false
		}
		return refByDayMatches(s.ByDay, t, today, true)
	case "", "WEEKLY":
		if s.ByDay == "" {
			// Hours without days: every day.
			return s.Freq == "" || refEveryInterval(s, t)
		}
		return refByDayMatches(s.ByDay, t, today, false) && refEveryInterval(s, t)
	}
	return false
}

func refByDayMatches(byday string, t time.Time, today string, monthly bool) bool {
	for rest := byday; rest != ""; {
		var p string
		p, rest, _ = strings.Cut(rest, ",")
		p = strings.ToUpper(strings.TrimSpace(p))
		if len(p) < 2 || p[len(p)-2:] != today {
			continue
		}
		ord := p[:len(p)-2]
		if ord == "" {
			return true
		}
		n, err := strconv.Atoi(strings.TrimPrefix(ord, "+"))
		if err != nil || !monthly {
			continue
		}
		week := (t.Day()-1)/7 + 1
		last := time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, t.Location()).Day()
		fromEnd := -((last-t.Day())/7 + 1)
		if n == week || n == fromEnd {
			return true
		}
	}
	return false
}

// everyInterval applies a weekly interval ("every other week") counted from
// dtstart; without dtstart or an interval above 1 it always holds.
func refEveryInterval(s *Schedule, t time.Time) bool {
	if s.Interval == nil || *s.Interval <= 1 || s.DTStart == "" {
		return true
	}
	start, ok := refParseDay(s.DTStart, t.Location())
	if !ok {
		return true
	}
	startWeek := start.AddDate(0, 0, -int(start.Weekday()))
	weeks := int(math.Round(refDateOf(t).Sub(startWeek).Hours()/24)) / 7
	return weeks >= 0 && weeks%int(*s.Interval) == 0
}

// checkHours compares the compiled hours with the reference at t, unless
// t falls on a day whose length is not 24 hours where it is read.
func checkHours(t *testing.T, schedules []Schedule, at time.Time, loc *time.Location) {
	t.Helper()
	for _, s := range schedules {
		z := refScheduleZone(&s, loc)
		day := refDateOf(at.In(z))
		if day.AddDate(0, 0, 1).Sub(day) != 24*time.Hour {
			return
		}
	}
	want := referenceOpenAt(schedules, at, loc)
	if got := CompileHours(schedules).At(at, loc); got != want {
		t.Fatalf("at %s in %v, %+v:\ncompiled %+v\nreference %+v", at.Format(time.RFC3339), loc, schedules, got, want)
	}
}

var (
	hoursFreqs     = []string{"", "WEEKLY", "weekly", "MONTHLY", "DAILY", "yearly"}
	hoursByDays    = []string{"", "MO", "MO,TU,WE,TH,FR", "SA,SU", "1MO", "-1FR", "+2TU,FR", "2we, -2th", "XX", "5", "MO,,", "1XX", "FR"}
	hoursMonthDays = []string{"", "1", "15,-1", "27", "x", "-3, 31"}
	hoursClocks    = []string{"", "00:00", "09:00", "12:30", "17:00", "23:59:59", "24:00", "9am", "08:00:00Z", "13:00-05:00"}
	hoursDates     = []string{"", "2026-11-01", "2026-11-27", "2026-11-27T08:00:00Z", "20261130", "2027-01-01", "2025-13-45", "soon"}
)

func pick[T any](r uint64, from []T) T { return from[r%uint64(len(from))] }

// randomSchedule draws a schedule from the pools with the bits of r.
func randomSchedule(r func() uint64) Schedule {
	s := Schedule{
		Freq: pick(r(), hoursFreqs), ByDay: pick(r(), hoursByDays), ByMonthDay: pick(r(), hoursMonthDays),
		OpensAt: pick(r(), hoursClocks), ClosesAt: pick(r(), hoursClocks),
		ValidFrom: pick(r(), hoursDates), ValidTo: pick(r(), hoursDates), DTStart: pick(r(), hoursDates), Until: pick(r(), hoursDates),
	}
	if r()%4 == 0 {
		s.Interval = f(float64(r() % 4))
	}
	if r()%5 == 0 {
		s.Timezone = f(float64(int(r()%27) - 12))
	}
	return s
}

// TestHoursMatchReference draws many schedules and moments (a fixed seed,
// so a failure repeats) and checks the compiled hours against the
// reference.
func TestHoursMatchReference(t *testing.T) {
	zones := []*time.Location{nil, time.UTC}
	for _, name := range []string{"America/New_York", "America/Los_Angeles", "Pacific/Honolulu", "Asia/Kolkata"} {
		z, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, z)
	}
	state := uint64(1)
	r := func() uint64 { // xorshift: fast and the same everywhere
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		return state >> 1
	}
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).Unix()
	for i := 0; i < 50000; i++ {
		schedules := []Schedule{randomSchedule(r)}
		if r()%3 == 0 {
			schedules = append(schedules, randomSchedule(r))
		}
		offset := int64(r() % (120 * 86400))
		if r()%2 == 0 {
			offset -= offset % 1800 // on the half hour, where openings start and end
		}
		at := time.Unix(start+offset, 0)
		checkHours(t, schedules, at, pick(r(), zones))
	}
}

// FuzzHours lets the fuzzer write the schedule's text.
func FuzzHours(fz *testing.F) {
	fz.Add("WEEKLY", "MO,TU", "", "09:00", "17:00", "2026-11-01", "", "", "", int8(0), int8(-100), int64(1795795200))
	fz.Add("MONTHLY", "-1FR", "", "09:00", "12:00", "", "", "20261113", "", int8(2), int8(-5), int64(1795795200))
	fz.Add("MONTHLY", "", "15,-1", "00:00", "00:00", "", "2027-01-01", "", "", int8(0), int8(3), int64(1795795200))
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		fz.Fatal(err)
	}
	fz.Fuzz(func(t *testing.T, freq, byday, bymonthday, opens, closes, validFrom, validTo, dtstart string, until string, interval, tz int8, unix int64) {
		s := Schedule{Freq: freq, ByDay: byday, ByMonthDay: bymonthday, OpensAt: opens, ClosesAt: closes, ValidFrom: validFrom, ValidTo: validTo, DTStart: dtstart, Until: until}
		if interval != 0 {
			s.Interval = f(float64(interval))
		}
		if tz >= -14 && tz <= 14 {
			s.Timezone = f(float64(tz))
		}
		at := time.Unix(unix%(200*365*86400), 0) // within the years time.Date handles plainly
		checkHours(t, []Schedule{s}, at, ny)
	})
}

// TestParseDay: the quick reading of "yyyy-mm-dd" agrees with time.Parse,
// a date-time counts by its day, and iCalendar's "yyyymmdd" is read too.
func TestParseDay(t *testing.T) {
	for _, s := range []string{"2026-06-01", "2024-02-29", "2023-02-29", "2026-13-01", "2026-00-10", "2026-01-00",
		"2026-04-31", "0000-01-01", "9999-12-31", "2026-1-01", "2026-01-1x", "abcd-ef-gh", "", "+026-06-01"} {
		want, err := time.Parse(time.DateOnly, s)
		got, ok := ParseDay(s)
		if ok != (err == nil) || ok && (!got.Equal(want) || got.Location() != want.Location()) {
			t.Errorf("ParseDay(%q) = %v, %v; time.Parse gives %v, %v", s, got, ok, want, err)
		}
	}
	for s, want := range map[string]string{"2026-06-01T08:30:00Z": "2026-06-01", "20261224": "2026-12-24", "20261224T090000": "2026-12-24"} {
		if got, ok := ParseDay(s); !ok || got.Format(time.DateOnly) != want {
			t.Errorf("ParseDay(%q) = %v, %v; want %s", s, got, ok, want)
		}
	}
}
