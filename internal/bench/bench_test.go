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
	"github.com/openreferral/refer/data"
	"github.com/openreferral/refer/gen"
	"github.com/openreferral/refer/index"
	"github.com/openreferral/refer/matcher"
	"github.com/openreferral/refer/resources/bolt"
	"github.com/openreferral/refer/resources/hsds"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
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

// Places clients search from: the metros the generator puts sites around.
var places = func() []orb.Point {
	var out []orb.Point
	for _, zip := range []string{"33130", "10001", "60601", "90012", "77002", "85004", "19107", "98101", "80202", "94103"} {
		lat, lon, _ := data.Centroid(zip)
		out = append(out, orb.Point{lon, lat})
	}
	return out
}()

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

// threeNeeds is the match the targets are set for.
func threeNeeds(i int) matcher.Request {
	age := 34.0
	return matcher.Request{
		Client: matcher.Client{Age: &age, Gender: "female", Languages: []string{"Spanish"}, HouseholdSize: 3},
		Place:  places[i%len(places)],
		Needs: []matcher.NeedInput{
			{Code: "food-insecurity"}, {Code: "housing-instability"}, {Code: "utility-insecurity"},
		},
		IncludeVirtual: true, At: at, Limit: 10,
	}
}

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
			m := &matcher.Matcher{Vocab: vocab, Finder: newBruteForce(b, ix)}
			latency(b, func(i int) {
				if _, err := m.Match(context.Background(), threeNeeds(i)); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// bruteForce is what a naive matcher does: every candidate of the whole
// directory in a slice, scanned for each need, distances computed for all.
type bruteForce struct {
	all  []matcher.Candidate
	text matcher.Finder
}

func newBruteForce(b *testing.B, ix *index.Index) *bruteForce {
	res, err := ix.Search(context.Background(), index.Query{At: at, PerPage: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	all := make([]matcher.Candidate, len(res.Hits))
	for i, h := range res.Hits {
		all[i] = api.CandidateOf(h)
	}
	return &bruteForce{all: all, text: api.NewFinder(ix)}
}

func (bf *bruteForce) Find(ctx context.Context, q matcher.FindQuery) (map[string][]matcher.Candidate, error) {
	out := map[string][]matcher.Candidate{}
	for _, need := range q.Needs {
		out[need] = bf.find(need, q)
	}
	return out, nil
}

func (bf *bruteForce) find(need string, q matcher.FindQuery) []matcher.Candidate {
	type scored struct {
		c matcher.Candidate
		d float64
	}
	var hits []scored
	for _, c := range bf.all {
		has := false
		for _, n := range c.Needs {
			if n == need {
				has = true
				break
			}
		}
		if !has {
			continue
		}
		d := math.Inf(1)
		if c.HasPoint {
			d = geo.DistanceHaversine(q.Near, c.Point) / 1000
		}
		if d <= q.RadiusKm || c.Virtual && q.IncludeVirtual {
			hits = append(hits, scored{c, d})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		return hits[i].d < hits[j].d || hits[i].d == hits[j].d && hits[i].c.ID < hits[j].c.ID
	})
	out := make([]matcher.Candidate, 0, min(len(hits), q.Limit))
	for _, h := range hits[:min(len(hits), q.Limit)] {
		c := h.c // open-now was worked out when the slice was built, for the same time
		if !math.IsInf(h.d, 1) {
			d := math.Round(h.d*100) / 100
			c.DistanceKm = &d
		}
		out = append(out, c)
	}
	return out
}

func (bf *bruteForce) TextScores(ctx context.Context, text string, near orb.Point, radiusKm float64) (map[string]float64, error) {
	return bf.text.TextScores(ctx, text, near, radiusKm)
}
