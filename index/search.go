package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/openreferral/refer/resources"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDistance  = "distance"
	SortName      = "name"
)

// Query is a case manager's search. The API checks ranges; the index
// takes what it is given.
type Query struct {
	Text     string
	Needs    []string // any of these
	Taxonomy []string // any of these codes, code prefixes or term ids
	// Near and RadiusKm limit results to places within the radius, plus
	// services whose service area holds Near, plus (IncludeVirtual)
	// services with no place.
	Near           *orb.Point
	RadiusKm       float64
	IncludeVirtual bool
	Language       string
	Age            *float64
	Free           bool
	OpenNow        bool
	At             time.Time
	Sort           string
	Page, PerPage  int
}

// Hit is one search result.
type Hit struct {
	Doc *Document
	// DistanceKm is set when the query has a place and the document a point.
	DistanceKm *float64
	// Served is true when the service area holds the query's place.
	Served bool
	Open   resources.OpenState
	Score  float64
}

// Results is a page of hits with the total and facet counts over all
// matching documents.
type Results struct {
	Total  int
	Hits   []Hit
	Facets map[string]map[string]int
}

// maxTextHits caps the documents taken from Bleve for the words of one
// search: more than any case manager pages through, and a bound on work.
const maxTextHits = 10000

// Search runs a query.
func (ix *Index) Search(ctx context.Context, q Query) (*Results, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bleve == nil {
		return nil, fmt.Errorf("search index is closed")
	}
	var scores map[string]float64
	if strings.TrimSpace(q.Text) != "" {
		var err error
		if scores, err = ix.textScores(ctx, q.Text); err != nil {
			return nil, err
		}
	}
	var served map[string]bool
	if q.Near != nil {
		served = ix.cat.areas.containing(*q.Near)
	}
	at := q.At
	if at.IsZero() {
		at = time.Now()
	}
	taxonomy := make([]string, len(q.Taxonomy))
	for i, t := range q.Taxonomy {
		taxonomy[i] = strings.ToUpper(strings.TrimSpace(t))
	}
	language := strings.ToLower(strings.TrimSpace(q.Language))

	var hits []Hit
	consider := func(d *Document, dist *float64, isServed bool) {
		if !active(d) {
			return
		}
		var h Hit
		if scores != nil {
			s, ok := scores[d.ID]
			if !ok {
				return
			}
			h.Score = s
		}
		if len(q.Needs) > 0 && !anyIn(q.Needs, d.Needs) {
			return
		}
		if len(taxonomy) > 0 && !anyIn(taxonomy, d.Taxonomy) {
			return
		}
		if language != "" && !slices.Contains(d.Languages, language) {
			return
		}
		if q.Age != nil && (d.MinAge != nil && *q.Age < *d.MinAge || d.MaxAge != nil && *q.Age > *d.MaxAge) {
			return
		}
		if q.Free && !d.Free {
			return
		}
		h.Open = resources.OpenAt(d.Schedules, at, d.Zone)
		if q.OpenNow && !h.Open.Open {
			return
		}
		h.Doc, h.DistanceKm, h.Served = d, dist, isServed
		hits = append(hits, h)
	}
	if q.Near == nil {
		for _, d := range ix.cat.docs {
			consider(d, nil, false)
		}
	} else {
		near := *q.Near
		seen := map[string]bool{}
		radiusM := q.RadiusKm * 1000
		for _, p := range ix.cat.points.InBound(nil, geo.NewBoundAroundPoint(near, radiusM)) {
			d := p.(placed).d
			m := geo.DistanceHaversine(near, d.Point)
			if m > radiusM {
				continue
			}
			seen[d.ID] = true
			km := math.Round(m/10) / 100
			consider(d, &km, served[d.ID])
		}
		for id := range served {
			if d := ix.cat.docs[id]; d != nil && !seen[id] {
				seen[id] = true
				consider(d, distanceTo(near, d), true)
			}
		}
		if q.IncludeVirtual {
			for _, d := range ix.cat.docs {
				if !seen[d.ID] && d.Virtual && !d.HasPoint {
					consider(d, nil, false)
				}
			}
		}
	}

	sortHits(hits, q.Sort, scores != nil)
	res := &Results{Total: len(hits), Facets: facets(hits)}
	from := (max(q.Page, 1) - 1) * q.PerPage
	if from < len(hits) {
		res.Hits = hits[from:min(from+q.PerPage, len(hits))]
	}
	return res, nil
}

func active(d *Document) bool {
	return d.Status == resources.StatusActive || d.Status == ""
}

func anyIn(want, have []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

func distanceTo(p orb.Point, d *Document) *float64 {
	if !d.HasPoint {
		return nil
	}
	km := math.Round(geo.DistanceHaversine(p, d.Point)/10) / 100
	return &km
}

// sortHits orders hits. Relevance is the words' score when there are words,
// else nearness when there is a place, else the name; every order ends with
// the document id, so the same query always gives the same order.
func sortHits(hits []Hit, by string, haveScores bool) {
	dist := func(h Hit) float64 {
		if h.DistanceKm == nil {
			return math.Inf(1)
		}
		return *h.DistanceKm
	}
	byName := func(a, b Hit) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Doc.Name), strings.ToLower(b.Doc.Name)), cmp.Compare(a.Doc.ID, b.Doc.ID))
	}
	byDistance := func(a, b Hit) int { return cmp.Or(cmp.Compare(dist(a), dist(b)), byName(a, b)) }
	switch {
	case by == SortName:
		slices.SortFunc(hits, byName)
	case by == SortDistance || !haveScores:
		slices.SortFunc(hits, byDistance)
	default:
		slices.SortFunc(hits, func(a, b Hit) int { return cmp.Or(cmp.Compare(b.Score, a.Score), byDistance(a, b)) })
	}
}

func facets(hits []Hit) map[string]map[string]int {
	needs, langs := map[string]int{}, map[string]int{}
	for _, h := range hits {
		for _, n := range h.Doc.Needs {
			needs[n]++
		}
		for _, l := range h.Doc.LanguageName {
			langs[l]++
		}
	}
	return map[string]map[string]int{"needs": needs, "languages": langs}
}

// TextScores returns the documents that match the words, with their BM25
// scores (the matcher weighs them in).
func (ix *Index) TextScores(ctx context.Context, text string) (map[string]float64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bleve == nil {
		return nil, fmt.Errorf("search index is closed")
	}
	return ix.textScores(ctx, text)
}

// textScores returns the documents that match the words, with their BM25
// scores. The caller holds ix.mu.
func (ix *Index) textScores(ctx context.Context, text string) (map[string]float64, error) {
	req := bleve.NewSearchRequestOptions(textQuery(text), maxTextHits, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make(map[string]float64, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = math.Round(h.Score*1000) / 1000
	}
	return out, nil
}
