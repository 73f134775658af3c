package hsds

import (
	"hash/maphash"
	"reflect"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
)

// sumsOf hashes v (addressable) by its planned valueHasher and by
// hashValue's reflection.
func sumsOf(seed maphash.Seed, v reflect.Value) (planned, walked uint64) {
	var a, b maphash.Hash
	a.SetSeed(seed)
	b.SetSeed(seed)
	hasherOf(v.Type())(&a, v.Addr().UnsafePointer())
	hashValue(&b, v)
	return a.Sum64(), b.Sum64()
}

// Every record and child of generated directories (each kind, children
// nested two deep, nil and empty lists, times) hashes the same by its
// planned hasher as by reflection.
func TestHasherAsReflection(t *testing.T) {
	seed := maphash.MakeSeed()
	var n int
	var check func(v reflect.Value)
	check = func(v reflect.Value) {
		if p, w := sumsOf(seed, v); p != w {
			t.Fatalf("%s %+v: planned sum %x, by reflection %x", v.Type(), v.Interface(), p, w)
		}
		n++
		// Each child on its own, as dedupe hashes them.
		if v.Kind() == reflect.Struct {
			for i := range v.NumField() {
				if f := v.Field(i); f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Struct {
					for j := range f.Len() {
						check(f.Index(j))
					}
				}
			}
		}
	}
	for s := uint64(1); s <= 20; s++ {
		for _, r := range genDirectory(s, 10).Records {
			check(reflect.ValueOf(r).Elem())
		}
	}
	when := time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("EST", -5*3600))
	for _, r := range []resources.Record{
		&resources.Service{ID: "s1"},
		&resources.Service{ID: "s1", Languages: []resources.Language{}},
		&resources.Location{ID: "l1", Latitude: new(float64), Tracked: resources.Tracked{LastModified: &when}},
	} {
		check(reflect.ValueOf(r).Elem())
	}
	if n < 1000 {
		t.Errorf("checked %d values, want the generated directories' thousands", n)
	}
}

// A sum tells apart what DeepEqual does: one field, a nil list from an
// empty one, a time's zone.
func TestHasherTellsApart(t *testing.T) {
	seed := maphash.MakeSeed()
	sum := func(r resources.Record) uint64 {
		p, _ := sumsOf(seed, reflect.ValueOf(r).Elem())
		return p
	}
	utc := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	est := utc.In(time.FixedZone("EST", -5*3600))
	pairs := [][2]resources.Record{
		{&resources.Service{ID: "s1", Name: "a"}, &resources.Service{ID: "s1", Name: "b"}},
		{&resources.Service{ID: "s1"}, &resources.Service{ID: "s1", Languages: []resources.Language{}}},
		{&resources.Service{ID: "s1", Name: "ab"}, &resources.Service{ID: "s1", AlternateName: "ab"}},
		{&resources.Service{ID: "s1", Phones: []resources.Phone{{ID: "p1", Number: "1"}}}, &resources.Service{ID: "s1", Phones: []resources.Phone{{ID: "p1", Number: "2"}}}},
		{&resources.Location{ID: "l1", Tracked: resources.Tracked{LastModified: &utc}}, &resources.Location{ID: "l1", Tracked: resources.Tracked{LastModified: &est}}},
		{&resources.Location{ID: "l1"}, &resources.Location{ID: "l1", Latitude: new(float64)}},
	}
	for _, p := range pairs {
		if sum(p[0]) == sum(p[1]) {
			t.Errorf("%+v and %+v have one sum", p[0], p[1])
		}
	}
	if a, b := sum(&resources.Service{ID: "s1", Name: "a"}), sum(&resources.Service{ID: "s1", Name: "a"}); a != b {
		t.Errorf("equal services: sums %x and %x", a, b)
	}
}

// FuzzHasher: any service, location or organization JSON decodes to a
// value whose planned sum is its sum by reflection.
func FuzzHasher(f *testing.F) {
	f.Add([]byte(`{"id": "s1", "name": "Pantry", "phones": [{"id": "p1", "number": "1", "languages": []}], "minimum_age": 3}`))
	f.Add([]byte(`{"id": "l1", "latitude": 25.7, "longitude": -80.2, "addresses": [{"id": "a1"}], "last_modified": "2024-05-01T12:00:00-05:00"}`))
	f.Add([]byte(`{"id": "o1", "services": [{"id": "s1", "organization": {"id": "o1"}}], "metadata": [{"id": "m1"}]}`))
	seed := maphash.MakeSeed()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, r := range []resources.Record{&resources.Service{}, &resources.Location{}, &resources.Organization{}} {
			if resources.UnmarshalJSON(data, r) != nil {
				continue
			}
			if p, w := sumsOf(seed, reflect.ValueOf(r).Elem()); p != w {
				t.Fatalf("%s %+v: planned sum %x, by reflection %x", r.Kind(), r, p, w)
			}
		}
	})
}
