// Package data holds what the refer binary ships, embedded with go:embed:
// US ZIP code centroids, the Open Eligibility taxonomy and the bundled
// sample directory. Each folder has a SOURCES.md with origin and licence.
package data

import (
	"bufio"
	"bytes"
	"embed"
	"io/fs"
	"strconv"
	"strings"
	"sync"
)

//go:embed zcta/centroids.csv
var centroidsCSV []byte

//go:embed taxonomy/open-eligibility-v2.csv
var openEligibilityCSV []byte

// OpenEligibility returns the Open Eligibility v2 taxonomy as CSV (facet, id,
// title, level, parent_id, parent_title, description), CC BY-SA 3.0.
func OpenEligibility() []byte { return openEligibilityCSV }

type latLon struct{ lat, lon float64 }

var (
	centroidsOnce sync.Once
	centroids     map[string]latLon
)

func loadCentroids() {
	centroids = make(map[string]latLon, 33200)
	sc := bufio.NewScanner(bytes.NewReader(centroidsCSV))
	sc.Scan() // header
	for sc.Scan() {
		zip, rest, _ := strings.Cut(sc.Text(), ",")
		lat, lon, _ := strings.Cut(rest, ",")
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		if err1 != nil || err2 != nil {
			panic("data: bad row in zcta/centroids.csv: " + sc.Text())
		}
		centroids[zip] = latLon{la, lo}
	}
}

// Centroid returns a point inside the US ZIP code area (its Census ZCTA
// internal point). It takes "33157" or "33157-1234"; ok is false for a ZIP
// that the table does not have.
func Centroid(zip string) (lat, lon float64, ok bool) {
	zip = strings.TrimSpace(zip)
	if len(zip) > 5 && (zip[5] == '-' || zip[5] == ' ') {
		zip = zip[:5]
	}
	if len(zip) != 5 {
		return 0, 0, false
	}
	centroidsOnce.Do(loadCentroids)
	c, ok := centroids[zip]
	return c.lat, c.lon, ok
}

//go:embed zcta/counties.csv
var countiesCSV []byte

var (
	countiesOnce sync.Once
	zipCounties  map[string][]string
	zipState     map[string]string
	countyNames  map[string]bool // state + "/" + CountyKey
)

func loadCounties() {
	zipCounties = make(map[string][]string, 34000)
	zipState = make(map[string]string, 34000)
	countyNames = make(map[string]bool, 3300)
	sc := bufio.NewScanner(bytes.NewReader(countiesCSV))
	sc.Scan() // header
	for sc.Scan() {
		parts := strings.Split(sc.Text(), ",")
		if len(parts) != 3 {
			panic("data: bad row in zcta/counties.csv: " + sc.Text())
		}
		name := CountyKey(parts[2])
		zipCounties[parts[0]] = append(zipCounties[parts[0]], name)
		zipState[parts[0]] = parts[1]
		countyNames[parts[1]+"/"+name] = true
	}
}

// CountyKey is the form county names are compared in: lower case, without
// "county", "parish" or "borough", words joined by "-" ("Miami-Dade
// County" → "miami-dade", "San Mateo" → "san-mateo").
func CountyKey(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, suffix := range []string{" county", " parish", " borough", " municipio", " city and borough", " census area"} {
		n = strings.TrimSuffix(n, suffix)
	}
	return strings.Join(strings.Fields(n), "-")
}

// Counties returns the counties a US ZIP code area touches (CountyKey
// form) and its state (USPS code); nil and "" for a ZIP the table does not
// have.
func Counties(zip string) (counties []string, state string) {
	zip = strings.TrimSpace(zip)
	if len(zip) > 5 && (zip[5] == '-' || zip[5] == ' ') {
		zip = zip[:5]
	}
	countiesOnce.Do(loadCounties)
	return zipCounties[zip], zipState[zip]
}

// IsCounty reports whether a name (CountyKey form) is a county of the state
// (USPS code): "miami-dade" is one of FL's; "miami" is a county in Ohio,
// not in Florida.
func IsCounty(state, key string) bool {
	countiesOnce.Do(loadCounties)
	return countyNames[state+"/"+key]
}

//go:embed needs/needs.json
var needsJSON []byte

// NeedsJSON returns refer's needs vocabulary (needs/needs.json): each need's
// code, label, description, Gravity code, and crosswalks to AIRS code
// prefixes and Open Eligibility terms.
func NeedsJSON() []byte { return needsJSON }

//go:embed sample/*.json
var sample embed.FS

// Sample returns the bundled sample directory (San Mateo County, CA, from
// Code for America's Ohana API, BSD-3) as HSDS 3.0 JSON files.
func Sample() fs.FS {
	sub, err := fs.Sub(sample, "sample")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}
