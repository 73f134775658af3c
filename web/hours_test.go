package web

import (
	"slices"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
)

func TestHoursInWords(t *testing.T) {
	today := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	n := func(v float64) *float64 { return &v }
	weekly := func(byday, opens, closes string) resources.Schedule {
		return resources.Schedule{Freq: "WEEKLY", ByDay: byday, OpensAt: opens, ClosesAt: closes}
	}
	tests := []struct {
		name string
		in   []resources.Schedule
		want []string
		es   []string // in Spanish, where the test says
	}{
		{"none", nil, nil, nil},
		{"weekdays", []resources.Schedule{weekly("MO,TU,WE,TH,FR", "09:00", "17:00")}, []string{"Mon–Fri 9 AM–5 PM"}, []string{"lun–vie 9 a. m.–5 p. m."}},
		{"one row per day, grouped", []resources.Schedule{
			weekly("MO", "09:00", "17:00"), weekly("TU", "09:00", "17:00"), weekly("WE", "09:00", "17:00"),
			weekly("SA", "10:00", "14:00"), weekly("SU", "10:00", "14:00"),
		}, []string{"Mon–Wed 9 AM–5 PM", "Sat, Sun 10 AM–2 PM"}, nil},
		{"split day", []resources.Schedule{weekly("MO,WE", "13:00", "17:00"), weekly("MO,WE", "08:30", "12:00"), weekly("TU", "08:30", "12:00")},
			[]string{"Mon 8:30 AM–noon, 1 PM–5 PM", "Tue 8:30 AM–noon", "Wed 8:30 AM–noon, 1 PM–5 PM"}, nil},
		{"every day, to midnight", []resources.Schedule{{Freq: "WEEKLY", OpensAt: "06:00", ClosesAt: "00:00"}}, []string{"Every day 6 AM–midnight"}, []string{"Todos los días 6 a. m.–medianoche"}},
		{"seconds and order", []resources.Schedule{weekly("SU,MO", "09:00:00", "12:00:00")}, []string{"Mon 9 AM–noon", "Sun 9 AM–noon"}, nil},
		{"monthly by ordinal day", []resources.Schedule{{Freq: "MONTHLY", ByDay: "1TU,3TU", OpensAt: "10:00", ClosesAt: "12:00"}},
			[]string{"1st and 3rd Tue of the month 10 AM–noon"}, []string{"1.º y 3.º mar del mes 10 a. m.–mediodía"}},
		{"last friday", []resources.Schedule{{Freq: "MONTHLY", ByDay: "-1FR", OpensAt: "10:00", ClosesAt: "12:00"}},
			[]string{"Last Fri of the month 10 AM–noon"}, nil},
		{"month days", []resources.Schedule{{Freq: "MONTHLY", ByMonthDay: "1,15", OpensAt: "09:00", ClosesAt: "11:00"}},
			[]string{"Day 1 and day 15 of the month 9 AM–11 AM"}, []string{"El día 1 y el día 15 del mes 9 a. m.–11 a. m."}},
		{"every other week", []resources.Schedule{{Freq: "WEEKLY", Interval: n(2), ByDay: "TH", OpensAt: "09:00", ClosesAt: "11:00"}},
			[]string{"Every other week: Thu 9 AM–11 AM"}, nil},
		{"closure and description", []resources.Schedule{
			weekly("MO,TU,WE,TH,FR", "09:00", "17:00"),
			{ValidFrom: "2026-12-25", ValidTo: "2026-12-25", Description: "Christmas"},
			{ValidFrom: "2026-01-01", ValidTo: "2026-01-01", Description: "New Year (past)"},
			{Description: "Walk-ins until 16:00"},
		}, []string{"Mon–Fri 9 AM–5 PM", "Closed Dec 25, 2026: Christmas", "Walk-ins until 16:00"},
			[]string{"lun–vie 9 a. m.–5 p. m.", "Cerrado el 25 dic 2026: Christmas", "Walk-ins until 16:00"}},
		{"seasonal", []resources.Schedule{
			{Freq: "WEEKLY", ByDay: "SA", OpensAt: "08:00", ClosesAt: "12:00", ValidFrom: "2026-06-01", ValidTo: "2027-08-31"},
			{Freq: "WEEKLY", ByDay: "SA", OpensAt: "08:00", ClosesAt: "12:00", ValidTo: "2025-08-31"},
		}, []string{"Sat 8 AM–noon (Jun 1 – Aug 31, 2027)"}, []string{"sáb 8 a. m.–mediodía (1 jun – 31 ago 2027)"}},
		{"unreadable hours keep their words", []resources.Schedule{{OpensAt: "9am", ClosesAt: "5pm", Description: "9am-5pm weekdays"}},
			[]string{"9am-5pm weekdays"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hoursInWords(locales["en"], tt.in, today)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if tt.es != nil {
				if got := hoursInWords(locales["es"], tt.in, today); !slices.Equal(got, tt.es) {
					t.Errorf("es: got  %q\nwant %q", got, tt.es)
				}
			}
		})
	}
}

func TestShortenAndPhones(t *testing.T) {
	if got := shorten("Adults 18 and older who live in Miami-Dade County and have a referral", 40); got != "Adults 18 and older who live in…" {
		t.Errorf("shorten: %q", got)
	}
	if got := shorten("short", 40); got != "short" {
		t.Errorf("shorten: %q", got)
	}
	ext := 12.0
	p := newPhoneLink("(305) 555-0100", &ext, "voice", "", "Spanish")
	if p.Href != "tel:3055550100,12" || p.Number != "(305) 555-0100 ext. 12" || p.Note != "voice, Spanish" {
		t.Errorf("phone: %+v", p)
	}
	if p := newPhoneLink("javascript:alert(1)", nil); p.Href != "tel:1" {
		t.Errorf("a hostile number keeps only digits: %+v", p)
	}
}

func TestNextOpening(t *testing.T) {
	zone, _ := time.LoadLocation("America/New_York")
	weekdays := []resources.Schedule{{Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR", OpensAt: "09:00", ClosesAt: "17:00"}}
	for _, tt := range []struct {
		at     time.Time
		en, es string
	}{
		{time.Date(2026, 11, 27, 7, 0, 0, 0, zone), "opens today at 9 AM", "abre hoy a las 9 a. m."},     // Friday early
		{time.Date(2026, 11, 27, 18, 0, 0, 0, zone), "opens Monday at 9 AM", "abre lunes a las 9 a. m."}, // Friday evening
		{time.Date(2026, 11, 29, 18, 0, 0, 0, zone), "opens tomorrow at 9 AM", "abre mañana a las 9 a. m."},
	} {
		if got := nextOpening(locales["en"], weekdays, tt.at, zone); got != tt.en {
			t.Errorf("%s: %q, want %q", tt.at, got, tt.en)
		}
		if got := nextOpening(locales["es"], weekdays, tt.at, zone); got != tt.es {
			t.Errorf("%s: %q, want %q", tt.at, got, tt.es)
		}
	}
	if got := nextOpening(locales["en"], nil, time.Now(), zone); got != "" {
		t.Errorf("no hours: %q", got)
	}
}

func TestLocaleFormats(t *testing.T) {
	en, es := locales["en"], locales["es"]
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ got, want string }{
		{en.Date(day), "November 27, 2026"}, {es.Date(day), "27 de noviembre de 2026"},
		{en.Clock(13*time.Hour + 30*time.Minute), "1:30 PM"}, {es.Clock(13*time.Hour + 30*time.Minute), "1:30 p. m."},
		{en.Clock(0), "midnight"}, {en.Clock(12 * time.Hour), "noon"}, {en.Clock(9 * time.Hour), "9 AM"},
		{en.Miles(1.609344 * 2.25), "2.2 mi"}, {es.Miles(1.609344 * 2.25), "2.2 mi"}, {en.Miles(1.609344 * 1234.4), "1,234 mi"},
		{en.T("search.many", 1234), "1,234 services"}, {es.T("search.many", 1234), "1,234 servicios"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
		}
	}
}
