package resources

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
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
	a := ServiceArea{ID: "a", ExtentType: "geojson", Extent: zigzag(MaxAreaPoints + 2)}
	start := time.Now()
	_, _, err := a.Geometry()
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("a polygon of %d points: %v", MaxAreaPoints+2, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing it took %s", d)
	}
}
