package bolt_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// batchSize is what an import sends PutBatch at a time.
const batchSize = 8000

// sites returns n records shaped like an import's: for each site a location,
// its service and the service_at_location joining them, with the nested
// phones, schedules and addresses real listings carry.
func sites(prefix, orgID string, n int) []resources.Record {
	rs := make([]resources.Record, 0, n+2)
	for i := 0; len(rs) < n; i++ {
		id := fmt.Sprintf("%s-%06d", prefix, i)
		lat, lon := 25.7+float64(i%100)/1000, -80.2-float64(i%97)/1000
		l := loc("l"+id, orgID)
		l.Name = "Site " + id
		l.Latitude, l.Longitude = &lat, &lon
		l.Addresses = []resources.Address{{
			ID: "ad" + id, Address1: fmt.Sprintf("%d NW 7th Ave", 100+i), City: "Miami",
			StateProvince: "FL", PostalCode: "33136", Country: "US", AddressType: resources.AddressPhysical,
		}}
		s := svc("s"+id, orgID)
		s.Description = "Emergency food boxes for families in Miami-Dade. Bring a photo ID and proof of address."
		s.EligibilityDescription = "Residents of Miami-Dade County, ages 18 and older"
		s.Phones = []resources.Phone{{ID: "ph" + id, Number: "305-555-0100"}}
		s.Schedules = []resources.Schedule{{ID: "sc" + id, Freq: "WEEKLY", ByDay: "MO,WE,FR", OpensAt: "09:00", ClosesAt: "17:00"}}
		rs = append(rs, l, s, sal("sl"+id, "s"+id, "l"+id))
	}
	return rs[:n]
}

func mustPut(tb testing.TB, db *bolt.DB, rs []resources.Record) resources.BatchResult {
	tb.Helper()
	res, err := db.PutBatch(ctx, rs)
	if err != nil {
		tb.Fatal(err)
	}
	if len(res.Rejected) > 0 {
		tb.Fatal(res.Rejected[0])
	}
	return res
}

// BenchmarkPutBatch writes batches of 2,000 records: new ones (a first
// import) and the same ones again (a re-import, which compares and skips).
func BenchmarkPutBatch(b *testing.B) {
	b.Run("create", func(b *testing.B) {
		db := MustOpen(b)
		mustPut(b, db, []resources.Record{org("o1")})
		n := 0
		for b.Loop() {
			b.StopTimer()
			rs := sites(fmt.Sprint("b", n), "o1", batchSize)
			b.StartTimer()
			if res := mustPut(b, db, rs); res.Created != batchSize {
				b.Fatalf("%+v", res)
			}
			n++
		}
		b.ReportMetric(float64(n*batchSize)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("unchanged", func(b *testing.B) {
		db := MustOpen(b)
		mustPut(b, db, []resources.Record{org("o1")})
		rs := sites("b", "o1", batchSize)
		mustPut(b, db, rs)
		n := 0
		for b.Loop() {
			if res := mustPut(b, db, rs); res.Unchanged != batchSize {
				b.Fatalf("%+v", res)
			}
			n++
		}
		b.ReportMetric(float64(n*batchSize)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkGet reads random services out of 10,000 sites.
func BenchmarkGet(b *testing.B) {
	db := MustOpen(b)
	mustPut(b, db, []resources.Record{org("o1")})
	const total = 30000
	for i := 0; i < total; i += batchSize {
		mustPut(b, db, sites(fmt.Sprint("b", i/batchSize), "o1", batchSize))
	}
	svcs, err := db.List(ctx, resources.KindService, resources.ListOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, len(svcs))
	for i, s := range svcs {
		ids[i] = s.RecordID()
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Get(ctx, resources.KindService, ids[rand.IntN(len(ids))]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := db.Get(ctx, resources.KindService, ids[rand.IntN(len(ids))]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
