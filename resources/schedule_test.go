package resources

import (
	"testing"
	"time"
)

func f(v float64) *float64 { return &v }

func TestOpenAt(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	weekdays := Schedule{ID: "w", Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR", OpensAt: "09:00", ClosesAt: "17:00"}
	// 2026-11-27 is a Friday.
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name      string
		schedules []Schedule
		at        time.Time
		want      OpenState
	}{
		{"weekday open", []Schedule{weekdays}, at("2026-11-27 10:00"), OpenState{Known: true, Open: true, Until: "17:00"}},
		{"before opening", []Schedule{weekdays}, at("2026-11-27 08:59"), OpenState{Known: true}},
		{"at closing", []Schedule{weekdays}, at("2026-11-27 17:00"), OpenState{Known: true}},
		{"saturday", []Schedule{weekdays}, at("2026-11-28 10:00"), OpenState{Known: true}},
		{"utc instant read in local time", []Schedule{weekdays}, time.Date(2026, 11, 27, 21, 30, 0, 0, time.UTC), OpenState{Known: true, Open: true, Until: "17:00"}},
		{"no hours: unknown", []Schedule{{ID: "d", Description: "Call for hours"}}, at("2026-11-27 10:00"), OpenState{}},
		{"holiday closure", []Schedule{weekdays, {ID: "h", ValidFrom: "2026-11-26", ValidTo: "2026-11-27", Description: "Closed for Thanksgiving"}}, at("2026-11-27 10:00"), OpenState{Known: true}},
		{"closure elsewhere", []Schedule{weekdays, {ID: "h", ValidFrom: "2026-12-25", ValidTo: "2026-12-25"}}, at("2026-11-27 10:00"), OpenState{Known: true, Open: true, Until: "17:00"}},
		{"until midnight", []Schedule{{ID: "n", Freq: "WEEKLY", ByDay: "FR", OpensAt: "19:00", ClosesAt: "00:00"}}, at("2026-11-27 23:30"), OpenState{Known: true, Open: true, Until: "24:00"}},
		{"two openings, later one", []Schedule{{ID: "a", Freq: "WEEKLY", ByDay: "FR", OpensAt: "09:00", ClosesAt: "12:00"}, {ID: "b", Freq: "WEEKLY", ByDay: "FR", OpensAt: "13:00", ClosesAt: "16:00"}}, at("2026-11-27 14:00"), OpenState{Known: true, Open: true, Until: "16:00"}},
		{"last friday of month", []Schedule{{ID: "m", Freq: "MONTHLY", ByDay: "-1FR", OpensAt: "09:00", ClosesAt: "12:00"}}, at("2026-11-27 10:00"), OpenState{Known: true, Open: true, Until: "12:00"}},
		{"first friday of month", []Schedule{{ID: "m", Freq: "MONTHLY", ByDay: "1FR", OpensAt: "09:00", ClosesAt: "12:00"}}, at("2026-11-27 10:00"), OpenState{Known: true}},
		{"month day", []Schedule{{ID: "m", Freq: "MONTHLY", ByMonthDay: "27", OpensAt: "09:00", ClosesAt: "12:00"}}, at("2026-11-27 10:00"), OpenState{Known: true, Open: true, Until: "12:00"}},
		{"every other week, off week", []Schedule{{ID: "e", Freq: "WEEKLY", ByDay: "FR", Interval: f(2), DTStart: "2026-11-20", OpensAt: "09:00", ClosesAt: "17:00"}}, at("2026-11-27 10:00"), OpenState{Known: true}},
		{"every other week, on week", []Schedule{{ID: "e", Freq: "WEEKLY", ByDay: "FR", Interval: f(2), DTStart: "2026-11-13", OpensAt: "09:00", ClosesAt: "17:00"}}, at("2026-11-27 10:00"), OpenState{Known: true, Open: true, Until: "17:00"}},
		{"not yet valid", []Schedule{{ID: "v", Freq: "WEEKLY", ByDay: "FR", ValidFrom: "2027-01-01", OpensAt: "09:00", ClosesAt: "17:00"}}, at("2026-11-27 10:00"), OpenState{Known: true}},
		{"schedule's own utc offset", []Schedule{{ID: "z", Freq: "WEEKLY", ByDay: "FR", Timezone: f(-8), OpensAt: "09:00", ClosesAt: "17:00"}}, at("2026-11-27 11:30"), OpenState{Known: true}},
	}
	for _, tt := range tests {
		if got := OpenAt(tt.schedules, tt.at, ny); got != tt.want {
			t.Errorf("%s: OpenAt = %+v; want %+v", tt.name, got, tt.want)
		}
	}
}

func TestLocationTimeZone(t *testing.T) {
	l := &Location{Addresses: []Address{{StateProvince: "fl "}}}
	if z := l.TimeZone(time.UTC); z.String() != "America/New_York" {
		t.Errorf("FL → %v", z)
	}
	if z := (&Location{}).TimeZone(time.UTC); z != time.UTC {
		t.Errorf("no address → %v; want the default", z)
	}
}

func BenchmarkOpenAt(b *testing.B) {
	ny, _ := time.LoadLocation("America/New_York")
	s := []Schedule{
		{ID: "a", Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR", OpensAt: "09:00", ClosesAt: "17:00"},
		{ID: "b", Freq: "WEEKLY", ByDay: "SA", OpensAt: "10:00", ClosesAt: "14:00"},
	}
	at := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	b.Run("compiled", func(b *testing.B) {
		h := CompileHours(s)
		b.ReportAllocs()
		for b.Loop() {
			h.At(at, ny)
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			referenceOpenAt(s, at, ny)
		}
	})
}
