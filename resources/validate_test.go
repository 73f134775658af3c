package resources

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestValidate(t *testing.T) {
	okService := func() *Service {
		return &Service{ID: "s1", OrganizationID: "o1", Name: "Pantry", Status: StatusActive}
	}
	square := `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`
	tests := []struct {
		name  string
		rec   Record
		field string // "" means valid
	}{
		{"valid service", okService(), ""},
		{"service with no organization", func() Record { s := okService(); s.OrganizationID = ""; return s }(), "organization_id"},
		{"unknown status", func() Record { s := okService(); s.Status = "open"; return s }(), "status"},
		{"no status", func() Record { s := okService(); s.Status = ""; return s }(), "status"},
		{"no name", func() Record { s := okService(); s.Name = " "; return s }(), "name"},
		{"ages reversed", func() Record { s := okService(); s.MinimumAge, s.MaximumAge = f(18), f(5); return s }(), "minimum_age"},
		{"negative age", func() Record { s := okService(); s.MinimumAge = f(-1); return s }(), "minimum_age"},
		{"opens after closes", func() Record {
			s := okService()
			s.Schedules = []Schedule{{ID: "x", Freq: "WEEKLY", ByDay: "MO", OpensAt: "17:00", ClosesAt: "09:00"}}
			return s
		}(), "schedules[0].opens_at"},
		{"closes at midnight", func() Record {
			s := okService()
			s.Schedules = []Schedule{{ID: "x", Freq: "WEEKLY", ByDay: "MO", OpensAt: "17:00", ClosesAt: "00:00"}}
			return s
		}(), ""},
		{"bad time", func() Record { s := okService(); s.Schedules = []Schedule{{ID: "x", OpensAt: "9am"}}; return s }(), "schedules[0].opens_at"},
		{"bad byday", func() Record { s := okService(); s.Schedules = []Schedule{{ID: "x", ByDay: "MON"}}; return s }(), "schedules[0].byday"},
		{"bad freq", func() Record { s := okService(); s.Schedules = []Schedule{{ID: "x", Freq: "DAILY"}}; return s }(), "schedules[0].freq"},
		{"valid polygon", func() Record {
			s := okService()
			s.ServiceAreas = []ServiceArea{{ID: "a", Extent: square, ExtentType: "geojson"}}
			return s
		}(), ""},
		{"unclosed polygon", func() Record {
			s := okService()
			s.ServiceAreas = []ServiceArea{{ID: "a", ExtentType: "geojson", Extent: `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0.5]]]}`}}
			return s
		}(), "service_areas[0].extent"},
		{"self-crossing polygon", func() Record {
			s := okService()
			s.ServiceAreas = []ServiceArea{{ID: "a", ExtentType: "geojson", Extent: `{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`}}
			return s
		}(), "service_areas[0].extent"},
		{"point is not an area", func() Record {
			s := okService()
			s.ServiceAreas = []ServiceArea{{ID: "a", ExtentType: "geojson", Extent: `{"type":"Point","coordinates":[0,0]}`}}
			return s
		}(), "service_areas[0].extent"},
		{"not json", func() Record {
			s := okService()
			s.ServiceAreas = []ServiceArea{{ID: "a", ExtentType: "geojson", Extent: `{"type":`}}
			return s
		}(), "service_areas[0].extent"},
		{"text area", func() Record {
			s := okService()
			s.ServiceAreas = []ServiceArea{{ID: "a", ExtentType: "text", Extent: "Miami-Dade County"}}
			return s
		}(), ""},
		{"latitude 91", &Location{ID: "l", LocationType: LocationPhysical, Latitude: f(91), Longitude: f(0)}, "latitude"},
		{"longitude -181", &Location{ID: "l", LocationType: LocationPhysical, Latitude: f(0), Longitude: f(-181)}, "longitude"},
		{"latitude alone", &Location{ID: "l", LocationType: LocationPhysical, Latitude: f(25)}, "latitude"},
		{"unknown location type", &Location{ID: "l", LocationType: "building"}, "location_type"},
		{"valid location", &Location{ID: "l", LocationType: LocationPhysical, Latitude: f(25.7), Longitude: f(-80.2)}, ""},
		{"id with slash", &Organization{ID: "a/b", Name: "x"}, "id"},
		{"no id", &Organization{Name: "x"}, "id"},
		{"own parent", &Organization{ID: "a", Name: "x", ParentOrganizationID: "a"}, "parent_organization_id"},
		{"sal without location", &ServiceAtLocation{ID: "x", ServiceID: "s"}, "location_id"},
		{"phone without number", &Organization{ID: "o", Name: "x", Phones: []Phone{{ID: "p"}}}, "phones[0].number"},
		{"attribute without term", &Service{ID: "s", OrganizationID: "o", Name: "x", Status: StatusActive, Attributes: []Attribute{{ID: "a"}}}, "attributes[0].taxonomy_term_id"},
		{"NaN year", &Organization{ID: "o", Name: "x", YearIncorporated: f(math.NaN())}, "year_incorporated"},
		{"infinite interval", func() Record {
			s := okService()
			s.Schedules = []Schedule{{ID: "x", Interval: f(math.Inf(1))}}
			return s
		}(), "schedules[0].interval"},
		{"bad assured date", &Organization{ID: "o", Name: "x", Tracked: Tracked{AssuredDate: "last week"}}, "assured_date"},
	}
	for _, tt := range tests {
		err := tt.rec.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: unexpected error %v", tt.name, err)
			}
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("%s: code %q; want invalid (%v)", tt.name, ErrorCode(err), err)
			continue
		}
		if _, ok := ErrorFields(err)[tt.field]; !ok {
			t.Errorf("%s: fields %v do not name %q", tt.name, ErrorFields(err), tt.field)
		}
	}
}

func TestErrorCodesSurviveWrapping(t *testing.T) {
	err := fmt.Errorf("importing: %w", fmt.Errorf("store: %w", Errorf(ECONFLICT, "service %q changed", "s1")))
	if ErrorCode(err) != ECONFLICT || ErrorMessage(err) != `service "s1" changed` {
		t.Errorf("code %q message %q", ErrorCode(err), ErrorMessage(err))
	}
	plain := errors.New("disk on fire")
	if ErrorCode(plain) != EINTERNAL || ErrorMessage(plain) != "internal error" {
		t.Errorf("a plain error must read as internal, without its text: %q %q", ErrorCode(plain), ErrorMessage(plain))
	}
	if ErrorCode(nil) != "" {
		t.Error("nil error has a code")
	}
}

func TestServiceAreaNormalizesWinding(t *testing.T) {
	// Clockwise outer ring: Bleve would read it as the rest of the world.
	a := ServiceArea{ExtentType: "geojson", Extent: `{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}`}
	g, ok, err := a.Geometry()
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if o := g.(orb.Polygon)[0].Orientation(); o != orb.CCW {
		t.Errorf("outer ring orientation %v; want counter-clockwise", o)
	}
}

func TestParseByDay(t *testing.T) {
	for _, ok := range []string{"MO", "mo,tu", "1MO", "-1FR", "+2SA"} {
		if _, err := ParseByDay(ok); err != nil {
			t.Errorf("ParseByDay(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "MON", "6MO", "0MO", "xMO", "MO,,TU"} {
		if _, err := ParseByDay(bad); err == nil {
			t.Errorf("ParseByDay(%q) accepted", bad)
		}
	}
}

func FuzzServiceAreaExtent(f *testing.F) {
	f.Add(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`)
	f.Add(`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}`)
	f.Add(`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[]}}`)
	f.Add(`{"type":"FeatureCollection","features":[]}`)
	f.Fuzz(func(t *testing.T, extent string) {
		a := ServiceArea{ID: "a", ExtentType: "geojson", Extent: extent}
		g, ok, err := a.Geometry()
		if err == nil && ok && g == nil {
			t.Fatal("no error and no geometry")
		}
	})
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"09:00", "17:30:00", "24:00", "09:00Z", "09:00+05:00", "9", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseClock(s)
		if err == nil && (d < 0 || d > 24*60*60*1e9) {
			t.Fatalf("ParseClock(%q) = %v", s, d)
		}
	})
}
