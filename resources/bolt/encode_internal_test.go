package bolt

import (
	"bytes"
	stdjson "encoding/json"
	"testing"
	"time"

	json "github.com/go-json-experiment/json/v1"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// TestStoredBytesAreEncodingJSONs: the store writes records, change-log and
// audit entries with the mirror of Go 1.27's encoding/json, which must
// give the bytes Go 1.26's encoding/json gave, so that a record written
// again compares equal (unchanged) with what an older binary stored. Every
// record of the real directories and of the project's fixtures is checked.
func TestStoredBytesAreEncodingJSONs(t *testing.T) {
	sources := []string{
		fixture.Own(t, "hsds-1.1"), fixture.Own(t, "ohana"), fixture.Own(t, "hsds-3.0"),
		fixture.SharedData(t, "miami-211-hsds-1.1", "datapackage-1566177582"),
		fixture.SharedData(t, "san-mateo-ohana", "sample-csv"),
		fixture.SharedData(t, "hsds-3.0-examples", "examples"),
	}
	checked := 0
	for _, src := range sources {
		d, err := hsds.Read(src, hsds.Options{Centroid: data.Centroid})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		hsds.Clean(d)
		for _, r := range d.Records {
			r = resources.Flat(r)
			stamp := time.Date(2026, 12, 6, 4, 5, 6, 0, time.UTC)
			if resources.TrackedOf(r).LastModified == nil {
				resources.TrackedOf(r).LastModified = &stamp
			}
			sameBytes(t, r, string(r.Kind())+" "+r.RecordID())
			checked++
		}
	}
	sameBytes(t, resources.Change{Seq: 7, Kind: resources.KindService, ID: "s-1", Deleted: true, Version: 3}, "change")
	sameBytes(t, storedAudit{Seq: 9, At: time.Date(2026, 12, 6, 4, 5, 6, 789, time.UTC), Actor: resources.Actor{Name: "Ana <ana@example.org>", Role: resources.RoleAdmin},
		Action: resources.ActionUpdate, Kind: "service", RecordID: "s-1&2", Version: 4}, "audit entry")
	if checked < 10000 {
		t.Fatalf("only %d records checked", checked)
	}
}

func sameBytes(t *testing.T, v any, what string) {
	t.Helper()
	want, err := stdjson.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}
