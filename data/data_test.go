package data

import (
	"bytes"
	"encoding/csv"
	"math"
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
