package resources

import (
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
// UTC unless a schedule gives its own UTC offset). To ask many times,
// compile once with CompileHours.
func OpenAt(schedules []Schedule, t time.Time, loc *time.Location) OpenState {
	return CompileHours(schedules).At(t, loc)
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
