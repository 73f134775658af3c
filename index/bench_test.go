package index_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/resources/hsds"
)

// generated holds one generated, stored and indexed directory per size,
// shared by the benchmarks of a run.
var generated sync.Map // int → *genDir

type genDir struct {
	once sync.Once
	ix   *index.Index
	dir  *hsds.Directory
	err  error
}

func generatedIndex(b *testing.B, services int) (*index.Index, *hsds.Directory) {
	b.Helper()
	v, _ := generated.LoadOrStore(services, &genDir{})
	g := v.(*genDir)
	g.once.Do(func() {
		dir, err := osTempDir(fmt.Sprintf("refer-bench-%d", services))
		if err != nil {
			g.err = err
			return
		}
		db, err := bolt.Open(filepath.Join(dir, "refer.db"))
		if err != nil {
			g.err = err
			return
		}
		g.dir = gen.Generate(services, 1)
		if _, err := hsds.Load(context.Background(), db, g.dir); err != nil {
			g.err = err
			return
		}
		vocab, _ := matcher.LoadVocabulary()
		g.ix, g.err = index.Open(context.Background(), index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm})
	})
	if g.err != nil {
		b.Fatal(g.err)
	}
	return g.ix, g.dir
}

// metroPoints are client places: the centroids of the ZIPs the generator
// clusters sites around, so searches land where services are.
func metroPoints() []orb.Point {
	var out []orb.Point
	for _, zip := range []string{"33130", "10001", "60601", "90012", "77002", "85004", "19107", "98101", "80202", "94103"} {
		lat, lon, _ := data.Centroid(zip)
		out = append(out, orb.Point{lon, lat})
	}
	return out
}

// reportLatency runs fn n times and reports p50 and p99 in ms.
func reportLatency(b *testing.B, fn func(i int)) {
	var lat []time.Duration
	i := 0
	for b.Loop() {
		t := time.Now()
		fn(i)
		lat = append(lat, time.Since(t))
		i++
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkAreaContains compares ways to answer "which service areas hold
// this point" over the generated areas of 10k services: Bleve's classic
// geoshape, Bleve's geoshape_v2, and the catalog's grid (what search uses).
func BenchmarkAreaContains(b *testing.B) {
	_, dir := generatedIndex(b, 10_000)
	var areas []orb.Geometry
	for _, r := range dir.Records {
		if s, ok := r.(*resources.Service); ok {
			for _, a := range s.ServiceAreas {
				if g, ok, err := a.Geometry(); err == nil && ok {
					areas = append(areas, g)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	points := metroPoints()
	probe := func(i int) orb.Point {
		p := points[i%len(points)]
		return orb.Point{p[0] + rng.NormFloat64()*0.1, p[1] + rng.NormFloat64()*0.1}
	}
	for _, typ := range []string{"geoshape", "geoshape_v2"} {
		b.Run(typ, func(b *testing.B) {
			m := bleve.NewIndexMapping()
			doc := bleve.NewDocumentStaticMapping()
			f := mapping.NewGeoShapeFieldMapping()
			if typ == "geoshape_v2" {
				f = mapping.NewGeoShapeV2FieldMapping()
			}
			doc.AddFieldMappingsAt("area", f)
			m.DefaultMapping = doc
			bi, err := bleve.NewUsing(filepath.Join(b.TempDir(), "areas"), m, scorch.Name, scorch.Name, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer bi.Close()
			batch := bi.NewBatch()
			for i, g := range areas {
				raw, _ := json.Marshal(geojson.NewGeometry(g))
				var shape map[string]any
				json.Unmarshal(raw, &shape)
				batch.Index(fmt.Sprint(i), map[string]any{"area": shape})
			}
			if err := bi.Batch(batch); err != nil {
				b.Fatal(err)
			}
			reportLatency(b, func(i int) {
				p := probe(i)
				var q query.Query
				if typ == "geoshape_v2" {
					sq, _ := query.NewGeoShapeV2Query([][][][]float64{{{{p[0], p[1]}}}}, "point", "contains")
					sq.SetField("area")
					q = sq
				} else {
					sq, _ := query.NewGeoShapeQuery([][][][]float64{{{{p[0], p[1]}}}}, "point", "contains")
					sq.SetField("area")
					q = sq
				}
				if _, err := bi.Search(bleve.NewSearchRequestOptions(q, 1000, 0, false)); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(len(areas)), "areas")
		})
	}
	b.Run("catalog-grid", func(b *testing.B) {
		ix, _ := generatedIndex(b, 10_000)
		reportLatency(b, func(i int) {
			p := probe(i)
			// A search with only a place, in a tiny radius, is dominated by
			// the area lookup.
			if _, err := ix.Search(context.Background(), index.Query{Near: &p, RadiusKm: 0.001, PerPage: 1}); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(len(areas)), "areas")
	})
}

// BenchmarkBuild measures building the documents of generated services
// (what a rebuild and every write do for each service before Bleve).
func BenchmarkBuild(b *testing.B) {
	dir := gen.Generate(2000, 1)
	services := map[string]*resources.Service{}
	orgs := map[string]*resources.Organization{}
	locs := map[string]*resources.Location{}
	terms := map[string]*resources.TaxonomyTerm{}
	var sals []*resources.ServiceAtLocation
	for _, r := range dir.Records {
		switch r := r.(type) {
		case *resources.Service:
			services[r.ID] = r
		case *resources.Organization:
			orgs[r.ID] = r
		case *resources.Location:
			locs[r.ID] = r
		case *resources.TaxonomyTerm:
			terms[r.ID] = r
		case *resources.ServiceAtLocation:
			sals = append(sals, r)
		}
	}
	sources := map[string]*index.Source{}
	for id, s := range services {
		sources[id] = &index.Source{Service: s, Organization: orgs[s.OrganizationID], Terms: terms}
	}
	for _, sal := range sals {
		if src := sources[sal.ServiceID]; src != nil && locs[sal.LocationID] != nil {
			src.Sites = append(src.Sites, index.Site{SAL: sal, Location: locs[sal.LocationID]})
		}
	}
	vocab, err := matcher.LoadVocabulary()
	if err != nil {
		b.Fatal(err)
	}
	for _, src := range sources {
		src.NeedsOfWords = vocab.NeedsOfWords // as the index builds them
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range sources {
			index.Build(*src, vocab.NeedsOfTerm)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(sources))/1000, "µs/service")
}
