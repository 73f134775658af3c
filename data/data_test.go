package data

import (
	"bytes"
	"encoding/csv"
	"math"
	"strings"
	"testing"
)

func TestCentroid(t *testing.T) {
	tests := []struct {
		zip      string
		lat, lon float64
		ok       bool
	}{
		{"33157", 25.606126, -80.343496, true},
		{"94063", 37.493297, -122.195525, true}, // longitude comes first in the Census file: not here
		{"33157-1234", 25.606126, -80.343496, true},
		{" 94063 ", 37.493297, -122.195525, true},
		{"00000", 0, 0, false},
		{"3315", 0, 0, false},
		{"", 0, 0, false},
		{"abcde", 0, 0, false},
	}
	for _, tt := range tests {
		lat, lon, ok := Centroid(tt.zip)
		if ok != tt.ok || math.Abs(lat-tt.lat) > 1e-9 || math.Abs(lon-tt.lon) > 1e-9 {
			t.Errorf("Centroid(%q) = %v, %v, %v; want %v, %v, %v", tt.zip, lat, lon, ok, tt.lat, tt.lon, tt.ok)
		}
	}
	if n := len(centroids); n != 33120 {
		t.Errorf("table has %d ZIPs, want 33,120 (the 2010 ZCTA set)", n)
	}
}

func TestOpenEligibility(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(OpenEligibility())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 386 || rows[0][1] != "id" || rows[1][2] != "Emergency" {
		t.Errorf("open eligibility: %d rows, first %v", len(rows), rows[:2])
	}
}

func BenchmarkCentroid(b *testing.B) {
	Centroid("33157")
	for b.Loop() {
		Centroid("94063")
	}
}

func TestNearestZIP(t *testing.T) {
	lat, lon, _ := Centroid("33157")
	if got := NearestZIP(lat+0.001, lon-0.001, 10); got != "33157" {
		t.Errorf("near 33157's centroid: %q", got)
	}
	if got := NearestZIP(0, -30, 50); got != "" {
		t.Errorf("in the Atlantic: %q", got)
	}
}

func TestCounties(t *testing.T) {
	if got, st := Counties("33135"); len(got) != 1 || got[0] != "miami-dade" || st != "FL" {
		t.Errorf("33135: %v %s", got, st)
	}
	if got, st := Counties("94063-1234"); len(got) == 0 || got[0] != "san-mateo" || st != "CA" {
		t.Errorf("94063: %v %s", got, st)
	}
	if got, _ := Counties("00000"); got != nil {
		t.Errorf("00000: %v", got)
	}
	for _, c := range []string{"FL/broward", "FL/monroe", "CA/san-mateo", "FL/miami-dade", "OH/miami"} {
		st, name, _ := strings.Cut(c, "/")
		if !IsCounty(st, name) {
			t.Errorf("%s is a county", c)
		}
	}
	if IsCounty("FL", "miami") || IsCounty("FL", "the-city") {
		t.Error("Miami is a city in Florida, not a county")
	}
	if got := CountyKey("Miami-Dade County"); got != "miami-dade" {
		t.Errorf("CountyKey: %q", got)
	}
}
