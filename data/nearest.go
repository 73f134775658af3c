package data

import "math"

// NearestZIP returns the US ZIP code whose Census centroid is nearest to a
// place (within maxKm), or "" when none is: the unmet-needs report counts
// by postcode, and a match may give only coordinates. It scans every
// centroid (33,000; about 0.1 ms), which is cheap for what calls it: only
// matches that left a need unmet and gave no postcode.
func NearestZIP(lat, lon, maxKm float64) string {
	centroidsOnce.Do(loadCentroids)
	// An equirectangular distance is exact enough to rank points a few
	// kilometres apart.
	cos := math.Cos(lat * math.Pi / 180)
	best, bestD := "", math.Inf(1)
	for zip, c := range centroids {
		dx := (c.lon - lon) * cos
		dy := c.lat - lat
		if d := dx*dx + dy*dy; d < bestD || d == bestD && zip < best {
			best, bestD = zip, d
		}
	}
	if math.Sqrt(bestD)*111.2 > maxKm {
		return ""
	}
	return best
}
