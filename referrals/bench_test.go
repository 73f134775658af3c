package referrals_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
)

// BenchmarkCreate makes referrals with idempotency keys into a real store
// (each a committed bbolt write: the referral, its party entries, its
// outbox event and the sealed answer for retries).
func BenchmarkCreate(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	in := input()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, _, err := e.rs.Create(ctx, manager, in, fmt.Sprint("key-", i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSetStatus accepts referrals: read, check, re-seal the private
// part only when a reason is given, write with the event.
func BenchmarkSetStatus(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	var ids []string
	for range 2000 {
		v, _, err := e.rs.Create(ctx, manager, input(), "")
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, v.ID)
		e.clock.Add(time.Millisecond)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(ids) {
			b.StopTimer() // fresh referrals to accept
			ids = ids[:0]
			for range 2000 {
				v, _, _ := e.rs.Create(ctx, manager, input(), "")
				ids = append(ids, v.ID)
			}
			i = 0
			b.StartTimer()
		}
		if _, err := e.rs.SetStatus(ctx, pantry, ids[i], resources.StatusAccepted, ""); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
