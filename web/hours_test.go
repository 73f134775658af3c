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
	}{
		{"none", nil, nil},
		{"weekdays", []resources.Schedule{weekly("MO,TU,WE,TH,FR", "09:00", "17:00")}, []string{"Mon–Fri 9:00–17:00"}},
		{"one row per day, grouped", []resources.Schedule{
			weekly("MO", "09:00", "17:00"), weekly("TU", "09:00", "17:00"), weekly("WE", "09:00", "17:00"),
			weekly("SA", "10:00", "14:00"), weekly("SU", "10:00", "14:00"),
		}, []string{"Mon–Wed 9:00–17:00", "Sat, Sun 10:00–14:00"}},
		{"split day", []resources.Schedule{weekly("MO,WE", "13:00", "17:00"), weekly("MO,WE", "08:30", "12:00"), weekly("TU", "08:30", "12:00")},
			[]string{"Mon 8:30–12:00, 13:00–17:00", "Tue 8:30–12:00", "Wed 8:30–12:00, 13:00–17:00"}},
		{"every day, to midnight", []resources.Schedule{{Freq: "WEEKLY", OpensAt: "06:00", ClosesAt: "00:00"}}, []string{"Every day 6:00–24:00"}},
		{"seconds and order", []resources.Schedule{weekly("SU,MO", "09:00:00", "12:00:00")}, []string{"Mon 9:00–12:00", "Sun 9:00–12:00"}},
		{"monthly by ordinal day", []resources.Schedule{{Freq: "MONTHLY", ByDay: "1TU,3TU", OpensAt: "10:00", ClosesAt: "12:00"}},
			[]string{"1st and 3rd Tue of the month 10:00–12:00"}},
		{"last friday", []resources.Schedule{{Freq: "MONTHLY", ByDay: "-1FR", OpensAt: "10:00", ClosesAt: "12:00"}},
			[]string{"Last Fri of the month 10:00–12:00"}},
		{"month days", []resources.Schedule{{Freq: "MONTHLY", ByMonthDay: "1,15", OpensAt: "09:00", ClosesAt: "11:00"}},
			[]string{"Day 1 and day 15 of the month 9:00–11:00"}},
		{"every other week", []resources.Schedule{{Freq: "WEEKLY", Interval: n(2), ByDay: "TH", OpensAt: "09:00", ClosesAt: "11:00"}},
			[]string{"Every other week: Thu 9:00–11:00"}},
		{"closure and description", []resources.Schedule{
			weekly("MO,TU,WE,TH,FR", "09:00", "17:00"),
			{ValidFrom: "2026-12-25", ValidTo: "2026-12-25", Description: "Christmas"},
			{ValidFrom: "2026-01-01", ValidTo: "2026-01-01", Description: "New Year (past)"},
			{Description: "Walk-ins until 16:00"},
		}, []string{"Mon–Fri 9:00–17:00", "Closed Dec 25, 2026: Christmas", "Walk-ins until 16:00"}},
		{"seasonal", []resources.Schedule{
			{Freq: "WEEKLY", ByDay: "SA", OpensAt: "08:00", ClosesAt: "12:00", ValidFrom: "2026-06-01", ValidTo: "2027-08-31"},
			{Freq: "WEEKLY", ByDay: "SA", OpensAt: "08:00", ClosesAt: "12:00", ValidTo: "2025-08-31"},
		}, []string{"Sat 8:00–12:00 (Jun 1 – Aug 31, 2027)"}},
		{"unreadable hours keep their words", []resources.Schedule{{OpensAt: "9am", ClosesAt: "5pm", Description: "9am-5pm weekdays"}},
			[]string{"9am-5pm weekdays"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hoursInWords(tt.in, today)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
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
