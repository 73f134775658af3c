// Package bench holds the benchmarks of refer's hot paths at state scale:
// search and three-need matching over generated directories of 10k and
// 100k services, and the brute-force baseline matching is measured
// against. `make bench` runs them.
package bench

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/openreferral/refer/api"
	"github.com/openreferral/refer/gen"
	"github.com/openreferral/refer/index"
	"github.com/openreferral/refer/matcher"
	"github.com/openreferral/refer/resources/bolt"
	"github.com/openreferral/refer/resources/hsds"
	"github.com/paulmach/orb"
)

// sizes to benchmark; REFER_BENCH_1M=1 adds a million services.
func sizes() []int {
	s := []int{10_000, 100_000}
	if os.Getenv("REFER_BENCH_1M") != "" {
		s = append(s, 1_000_000)
	}
	return s
}

type built struct {
	once  sync.Once
	ix    *index.Index
	vocab *matcher.Vocabulary
	err   error
}

var cache sync.Map // size → *built

// directory generates, stores and indexes n services once per run.
func directory(b *testing.B, n int) (*index.Index, *matcher.Vocabulary) {
	b.Helper()
	v, _ := cache.LoadOrStore(n, &built{})
	d := v.(*built)
	d.once.Do(func() {
		dir, err := os.MkdirTemp("", fmt.Sprintf("refer-bench-%d-*", n))
		if err != nil {
			d.err = err
			return
		}
		db, err := bolt.Open(filepath.Join(dir, "refer.db"))
		if err != nil {
			d.err = err
			return
		}
		if _, err := hsds.Load(context.Background(), db, gen.Generate(n, 1)); err != nil {
			d.err = err
			return
		}
		if d.vocab, err = matcher.LoadVocabulary(); err != nil {
			d.err = err
			return
		}
		d.ix, d.err = index.Open(context.Background(), index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: d.vocab.NeedsOfTerm})
	})
	if d.err != nil {
		b.Fatal(d.err)
	}
	return d.ix, d.vocab
}

var places = Places()

var at = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

// latency runs fn in the benchmark loop and reports p50 and p99 in ms.
func latency(b *testing.B, fn func(i int)) {
	b.ReportAllocs()
	var lat []time.Duration
	i := 0
	for b.Loop() {
		t := time.Now()
		fn(i)
		lat = append(lat, time.Since(t))
		i++
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
}

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())) / 1000 }

func BenchmarkSearch(b *testing.B) {
	queries := []struct {
		name string
		q    func(p *orb.Point) index.Query
	}{
		{"need-near", func(p *orb.Point) index.Query {
			return index.Query{Needs: []string{"food-insecurity"}, Near: p, RadiusKm: 25, IncludeVirtual: true, At: at, PerPage: 20}
		}},
		{"words-near", func(p *orb.Point) index.Query {
			return index.Query{Text: "rent assistance", Near: p, RadiusKm: 25, At: at, PerPage: 20}
		}},
		{"prefix-filters-open", func(p *orb.Point) index.Query {
			return index.Query{Taxonomy: []string{"BH-1800"}, Near: p, RadiusKm: 40, Language: "spanish", OpenNow: true, At: at, PerPage: 20}
		}},
	}
	for _, n := range sizes() {
		for _, q := range queries {
			b.Run(fmt.Sprintf("%s/%dk", q.name, n/1000), func(b *testing.B) {
				ix, _ := directory(b, n)
				latency(b, func(i int) {
					p := places[i%len(places)]
					if _, err := ix.Search(context.Background(), q.q(&p)); err != nil {
						b.Fatal(err)
					}
				})
			})
		}
	}
}

func threeNeeds(i int) matcher.Request { return ThreeNeeds(places[i%len(places)], at) }

func BenchmarkMatch(b *testing.B) {
	for _, n := range sizes() {
		b.Run(fmt.Sprintf("three-needs/%dk", n/1000), func(b *testing.B) {
			ix, vocab := directory(b, n)
			m := &matcher.Matcher{Vocab: vocab, Finder: api.NewFinder(ix)}
			latency(b, func(i int) {
				if _, err := m.Match(context.Background(), threeNeeds(i)); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(fmt.Sprintf("three-needs-brute-force/%dk", n/1000), func(b *testing.B) {
			ix, vocab := directory(b, n)
			bf, err := NewBruteForce(ix, at)
			if err != nil {
				b.Fatal(err)
			}
			m := &matcher.Matcher{Vocab: vocab, Finder: bf}
			latency(b, func(i int) {
				if _, err := m.Match(context.Background(), threeNeeds(i)); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
