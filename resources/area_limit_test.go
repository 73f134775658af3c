package resources

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"
)

// zigzag is a closed ring of n points whose edges all span the same
// longitudes: the worst case of the self-crossing sweep.
func zigzag(n int) string {
	pts := make([][2]float64, 0, n+1)
	for i := range n {
		x := -80.3
		if i%2 == 1 {
			x = -80.1
		}
		pts = append(pts, [2]float64{x, 25.7 + float64(i)*1e-6})
	}
	pts = append(pts, pts[0])
	b, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{pts}})
	return string(b)
}

// A service area's polygons are bounded in points (MaxAreaPoints), so no
// extent makes validation work for minutes; the error names the limit.
func TestServiceAreaPointLimit(t *testing.T) {
	a := ServiceArea{ID: "a", ExtentType: "geojson", Extent: zigzag(MaxAreaPoints() + 2)}
	start := time.Now()
	_, _, err := a.Geometry()
	if err == nil || !strings.Contains(err.Error(), "limit of 10000") || !strings.Contains(err.Error(), "--max-area-points") {
		t.Errorf("a polygon of %d points: %v", MaxAreaPoints()+2, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing it took %s", d)
	}
}

// The limit is a setting (refer --max-area-points): a lower one refuses an
// area the default takes, and the error names the service, the field, the
// limit and its flag; back at the default, the area is taken again.
func TestServiceAreaPointLimitIsASetting(t *testing.T) {
	t.Cleanup(func() { SetMaxAreaPoints(0) })
	svc := &Service{ID: "s1", OrganizationID: "o", Name: "Lights", Status: StatusActive,
		ServiceAreas: []ServiceArea{{ID: "a", ExtentType: "geojson", Extent: `{"type":"Polygon","coordinates":[[[-80.9,25.1],[-80.1,25.1],[-80.1,26.0],[-80.5,26.2],[-80.9,26.0],[-80.9,25.1]]]}`}}}
	if err := svc.Validate(); err != nil {
		t.Fatalf("6 points under the default: %v", err)
	}
	SetMaxAreaPoints(5)
	if MaxAreaPoints() != 5 {
		t.Fatalf("MaxAreaPoints() = %d after SetMaxAreaPoints(5)", MaxAreaPoints())
	}
	err := svc.Validate()
	why := ErrorFields(err)["service_areas[0].extent"]
	if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), `"s1"`) ||
		!strings.Contains(why, "6 points") || !strings.Contains(why, "limit of 5") || !strings.Contains(why, "--max-area-points") {
		t.Errorf("6 points over a limit of 5: %v %q", err, why)
	}
	SetMaxAreaPoints(0)
	if err := svc.Validate(); err != nil || MaxAreaPoints() != DefaultMaxAreaPoints {
		t.Errorf("back at the default (%d): %v", MaxAreaPoints(), err)
	}
}

// TestExtentsReadAsEncodingJSONReadsThem: orb's geojson decodes extents
// with the mirror of Go 1.27's encoding/json (validate.go's init); each
// shape, and each mistake, reads as it did with Go 1.26's.
func TestExtentsReadAsEncodingJSONReadsThem(t *testing.T) {
	extents := []string{
		`{"type":"Polygon","coordinates":[[[-80.3,25.7],[-80.1,25.7],[-80.1,25.9],[-80.3,25.7]]]}`,
		`{"type":"MultiPolygon","coordinates":[[[[-80.3,25.7],[-80.1,25.7],[-80.1,25.9],[-80.3,25.7]]],[[[1e1,2.5e-1],[11,0.25],[11,1],[1e1,2.5e-1]]]]}`,
		`{"type":"Feature","properties":{"name":"Dade \u00e9"},"geometry":{"type":"Polygon","coordinates":[[[-80.3,25.7],[-80.1,25.7],[-80.1,25.9],[-80.3,25.7]]]}}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
		` { "type" : "Polygon" , "coordinates" : [ [ [ 0 , 0 ] , [ 1 , 0 ] , [ 1 , 1 ] , [ 0 , 0 ] ] ] } `,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}`,
		`{"type":"Point","coordinates":[0,0]}`,
		`{"type":"Polygon","coordinates":"no"}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]],}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]} trailing`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`,
		`not json`,
	}
	for _, e := range extents {
		area := ServiceArea{Extent: e, ExtentType: "geojson"}
		got, gotOK, gotErr := area.Geometry()
		saved := geojson.CustomJSONUnmarshaler
		geojson.CustomJSONUnmarshaler = nil // orb's default: encoding/json
		want, wantOK, wantErr := area.Geometry()
		geojson.CustomJSONUnmarshaler = saved
		if !reflect.DeepEqual(got, want) || gotOK != wantOK || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%s: got %v, %v, %v; encoding/json read %v, %v, %v", e, got, gotOK, gotErr, want, wantOK, wantErr)
		}
	}
}
