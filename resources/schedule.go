package resources

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// Open-now is worked out from HSDS schedules: iCalendar-style repeat rules
// (freq WEEKLY with byday, or MONTHLY with bymonthday or an ordinal byday
// such as "1MO"), each with opens_at/closes_at in the local time of the
// place, bounded by valid_from/valid_to and dtstart/until. A schedule with
// a validity window and no hours and no days marks a closure (a holiday).

// OpenState says whether a service is open at a moment.
type OpenState struct {
	// Known is false when the schedules give no hours at all (only a
	// description, or nothing): "call to ask", not "closed".
	Known bool
	Open  bool
	// Until is when the current opening ends (Open) or "" otherwise, in
	// the place's local time, "15:04".
	Until string
}

// OpenAt evaluates schedules at t in the place's time zone loc (nil means
// UTC unless a schedule gives its own UTC offset).
func OpenAt(schedules []Schedule, t time.Time, loc *time.Location) OpenState {
	var st OpenState
	for i := range schedules {
		s := &schedules[i]
		local := t.In(scheduleZone(s, loc))
		day := dateOf(local)
		if closure(s) {
			if within(s, day) {
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
		if !within(s, day) || !occursOn(s, local) {
			continue
		}
		since := local.Sub(day)
		if since >= opens && since < closes && (!st.Open || closes > clockOf(st.Until)) {
			st.Open = true
			st.Until = formatClock(closes)
		}
	}
	return st
}

func clockOf(s string) time.Duration {
	d, _ := ParseClock(s)
	return d
}

func formatClock(d time.Duration) string {
	if d >= 24*time.Hour {
		return "24:00"
	}
	return time.Time{}.Add(d).Format("15:04")
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func scheduleZone(s *Schedule, loc *time.Location) *time.Location {
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
func closure(s *Schedule) bool {
	return (s.ValidFrom != "" || s.ValidTo != "") && s.OpensAt == "" && s.ClosesAt == "" && s.ByDay == "" && s.ByMonthDay == ""
}

// within reports whether day lies inside the schedule's validity window.
func within(s *Schedule, day time.Time) bool {
	for _, b := range []struct {
		v     string
		after bool
	}{{s.ValidFrom, false}, {s.DTStart, false}, {s.ValidTo, true}, {s.Until, true}} {
		if b.v == "" {
			continue
		}
		d, ok := parseDay(b.v, day.Location())
		if !ok {
			continue
		}
		if !b.after && day.Before(d) || b.after && day.After(d) {
			return false
		}
	}
	return true
}

func parseDay(v string, loc *time.Location) (time.Time, bool) {
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

var dayCodes = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// occursOn reports whether the schedule's repeat rule includes t's day.
func occursOn(s *Schedule, t time.Time) bool {
	today := dayCodes[t.Weekday()]
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
		return byDayMatches(s.ByDay, t, today, true)
	case "", "WEEKLY":
		if s.ByDay == "" {
			// Hours without days: every day.
			return s.Freq == "" || everyInterval(s, t)
		}
		return byDayMatches(s.ByDay, t, today, false) && everyInterval(s, t)
	}
	return false
}

func byDayMatches(byday string, t time.Time, today string, monthly bool) bool {
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
func everyInterval(s *Schedule, t time.Time) bool {
	if s.Interval == nil || *s.Interval <= 1 || s.DTStart == "" {
		return true
	}
	start, ok := parseDay(s.DTStart, t.Location())
	if !ok {
		return true
	}
	startWeek := start.AddDate(0, 0, -int(start.Weekday()))
	weeks := int(dateOf(t).Sub(startWeek).Hours()/24) / 7
	return weeks >= 0 && weeks%int(*s.Interval) == 0
}

// stateZones maps US states and territories to their main IANA time zone.
// States split between zones get the zone most of their people live in.
var stateZones = map[string]string{
	"AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": "America/Chicago",
	"CA": "America/Los_Angeles", "CO": "America/Denver", "CT": "America/New_York", "DE": "America/New_York",
	"DC": "America/New_York", "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
	"ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago",
	"KS": "America/Chicago", "KY": "America/New_York", "LA": "America/Chicago", "ME": "America/New_York",
	"MD": "America/New_York", "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
	"MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
	"NV": "America/Los_Angeles", "NH": "America/New_York", "NJ": "America/New_York", "NM": "America/Denver",
	"NY": "America/New_York", "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
	"OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York", "RI": "America/New_York",
	"SC": "America/New_York", "SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago",
	"UT": "America/Denver", "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
	"WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver", "PR": "America/Puerto_Rico",
	"VI": "America/St_Thomas", "GU": "Pacific/Guam", "AS": "Pacific/Pago_Pago", "MP": "Pacific/Saipan",
}

// TimeZone returns the location's time zone from its address's state, or
// def when it has none that is known.
func (r *Location) TimeZone(def *time.Location) *time.Location {
	for _, a := range r.Addresses {
		if name, ok := stateZones[strings.ToUpper(strings.TrimSpace(a.StateProvince))]; ok {
			if loc := loadZone(name); loc != nil {
				return loc
			}
		}
	}
	return def
}

var zones sync.Map // name → *time.Location; LoadLocation reads a file each call

func loadZone(name string) *time.Location {
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	zones.Store(name, loc)
	return loc
}
