// Package bench holds the benchmarks of refer's hot paths at state scale:
// search and three-need matching over generated directories of 10k and
// 100k services, and the brute-force baseline matching is measured
// against. `make bench` runs them.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/finder"
	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/resources/hsds"
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
	dir   string // removed when the run ends (TestMain)
	db    *bolt.DB
	ix    *index.Index
	vocab *matcher.Vocabulary
	err   error
}

var cache sync.Map // size → *built

// TestMain removes the benchmarks' directories when the run ends (1.3 GB
// each at 100k services), after closing what holds them open.
func TestMain(m *testing.M) {
	code := m.Run()
	cache.Range(func(_, v any) bool {
		d := v.(*built)
		if d.ix != nil {
			d.ix.Close()
		}
		if d.db != nil {
			d.db.Close()
		}
		if d.dir != "" {
			os.RemoveAll(d.dir)
		}
		return true
	})
	os.Exit(code)
}

// directory returns the index and vocabulary of n services.
func directory(b *testing.B, n int) (*index.Index, *matcher.Vocabulary) {
	d := build(b, n)
	return d.ix, d.vocab
}

// build generates, stores and indexes n services once per run.
func build(b *testing.B, n int) *built {
	b.Helper()
	v, _ := cache.LoadOrStore(n, &built{})
	d := v.(*built)
	d.once.Do(func() {
		dir, err := os.MkdirTemp("", fmt.Sprintf("refer-bench-%d-*", n))
		if err != nil {
			d.err = err
			return
		}
		d.dir = dir
		db, err := bolt.Open(filepath.Join(dir, "refer.db"))
		if err != nil {
			d.err = err
			return
		}
		d.db = db
		if _, err := hsds.Load(context.Background(), db, gen.Generate(n, 1)); err != nil {
			d.err = err
			return
		}
		if d.vocab, err = matcher.LoadVocabulary(); err != nil {
			d.err = err
			return
		}
		d.ix, d.err = index.Open(context.Background(), index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: d.vocab.NeedsOfTerm, CoreNeedsOf: d.vocab.CoreNeedsOfTerm, NeedsOfWords: d.vocab.NeedsOfWords, Admits: matcher.Admits})
	})
	if d.err != nil {
		b.Fatal(d.err)
	}
	return d
}

var places = Places()

var at = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

// latency runs fn in the benchmark loop and reports p50 and p99 in ms,
// and the process's CPU time per call (garbage collection included), which
// other work on the machine disturbs less than time does.
func latency(b *testing.B, fn func(i int)) {
	b.ReportAllocs()
	var lat []time.Duration
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		t := time.Now()
		fn(i)
		lat = append(lat, time.Since(t))
		i++
	}
	cpu = cpuTime() - cpu
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
	b.ReportMetric(ms(cpu)/float64(i), "cpu-ms/op")
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
			m := &matcher.Matcher{Vocab: vocab, Finder: finder.New(ix)}
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

// BenchmarkMatchHTTP is the three-need match over real HTTP on 127.0.0.1,
// 16 clients at once as in make bench: what a request costs beyond the
// match itself (decoding, auth, middleware, JSON). It reports requests/s.
func BenchmarkMatchHTTP(b *testing.B) {
	for _, n := range sizes() {
		b.Run(fmt.Sprintf("three-needs-16/%dk", n/1000), func(b *testing.B) {
			d := build(b, n)
			k, token, err := resources.NewKey("bench", resources.RoleCaseManager, "", "", time.Now())
			if err != nil {
				b.Fatal(err)
			}
			if err := d.db.CreateKey(context.Background(), k); err != nil {
				b.Fatal(err)
			}
			srv := api.New(api.Config{Store: d.db, Index: d.ix, Vocabulary: d.vocab, Keys: d.db,
				Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
				AddressLimit: api.Limit{Rate: -1}, KeyLimit: api.Limit{Rate: -1}})
			srv.SetReady(true)
			ts := httptest.NewServer(srv)
			defer ts.Close()
			bodies := make([][]byte, len(places))
			for i, p := range places {
				bodies[i], _ = json.Marshal(map[string]any{
					"client": map[string]any{"latitude": p.Lat(), "longitude": p.Lon(), "age": 34, "gender": "female", "languages": []string{"Spanish"}, "household_size": 3},
					"needs":  []map[string]string{{"code": "food-insecurity"}, {"code": "housing-instability"}, {"code": "utility-insecurity"}},
					"at":     "2026-11-27T15:00:00Z", "limit": 10,
				})
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var next atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
			start, cpu := time.Now(), cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := int(next.Add(1))
					req, _ := http.NewRequest("POST", ts.URL+"/api/v1/match", bytes.NewReader(bodies[i%len(bodies)]))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
			// cpu-ms/op counts the clients' side too (they run in this process).
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
			b.ReportMetric(ms(cpuTime()-cpu)/float64(b.N), "cpu-ms/op")
		})
	}
}
