package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
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
	Gender         string // "female", "male" or "" (any)
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
	rank   float64 // the best-match key (relevance), while sorting
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
	f, err := ix.newFilter(ctx, q)
	if err != nil {
		return nil, err
	}
	var hits []Hit
	ix.eachCandidate(q, f, func(h Hit) { hits = append(hits, h) })
	sortHits(hits, q.Sort, f.scores != nil)
	res := &Results{Total: len(hits), Facets: facets(hits)}
	from := (max(q.Page, 1) - 1) * q.PerPage
	if from < len(hits) {
		res.Hits = hits[from:min(from+q.PerPage, len(hits))]
		for i := range res.Hits {
			ix.setOpen(&res.Hits[i], f.at)
		}
	}
	return res, nil
}

// filter is a query made ready for checking documents fast.
type filter struct {
	q        Query
	scores   map[string]float64 // nil when the query has no words
	needMask uint64
	taxonomy []string
	language string
	at       time.Time
	none     bool // nothing can match (a need no document serves)
	admits   Admits
	// languageCode is the language's ISO 639 code ("Creole": ht), which
	// import gives every language it knows.
	languageCode string
}

func (ix *Index) newFilter(ctx context.Context, q Query) (*filter, error) {
	f := &filter{q: q, at: q.At, language: strings.ToLower(strings.TrimSpace(q.Language)), admits: ix.admits}
	f.languageCode = hsds.LanguageCode(f.language)
	if f.at.IsZero() {
		f.at = time.Now()
	}
	if len(q.Needs) > 0 {
		var ok bool
		f.needMask, ok = ix.cat.maskOf(q.Needs)
		f.none = !ok
	}
	for _, t := range q.Taxonomy {
		f.taxonomy = append(f.taxonomy, strings.ToUpper(strings.TrimSpace(t)))
	}
	if strings.TrimSpace(q.Text) != "" && !f.none {
		var err error
		if f.scores, err = ix.textScores(ctx, q.Text, nil, q.Near, q.RadiusKm); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// keep checks a document against everything but place, and scores it.
func (f *filter) keep(d *Document) (float64, bool) {
	if f.none || !d.active {
		return 0, false
	}
	if f.needMask != 0 && d.needMask&f.needMask == 0 {
		return 0, false
	}
	var score float64
	if f.scores != nil {
		s, ok := f.scores[d.ID]
		if !ok {
			return 0, false
		}
		score = s
	}
	if len(f.taxonomy) > 0 && !anyIn(f.taxonomy, d.Taxonomy) {
		return 0, false
	}
	if f.language != "" && !slices.Contains(d.Languages, f.language) && (f.languageCode == "" || !slices.Contains(d.Languages, f.languageCode)) {
		return 0, false
	}
	switch a := f.q.Age; {
	case f.admits != nil && (a != nil || f.q.Gender != ""):
		if !f.admits(&d.Listing, a, f.q.Gender) {
			return 0, false
		}
	case a != nil && (d.MinAge != nil && *a < *d.MinAge || d.MaxAge != nil && *a > *d.MaxAge):
		return 0, false
	}
	if f.q.Free && !d.Free {
		return 0, false
	}
	if f.q.OpenNow && !d.Hours.At(f.at, d.zone).Open {
		return 0, false
	}
	return score, true
}

// eachCandidate calls fn with every document the query keeps: near its
// place (in the radius, served by its area, or virtual), or anywhere.
func (ix *Index) eachCandidate(q Query, f *filter, fn func(Hit)) {
	if f.none {
		return
	}
	if q.Near == nil {
		for _, d := range ix.cat.docs {
			if s, ok := f.keep(d); ok {
				fn(Hit{Doc: d, Score: s})
			}
		}
		return
	}
	near := *q.Near
	radiusM := q.RadiusKm * 1000
	served := ix.cat.areas.servedDocs(near, f.needMask)
	if f.scores != nil {
		// Words: the documents Bleve found (already only those in the cells
		// around the place, or with no place) are fewer than the sites in
		// the radius, so they lead.
		for id := range f.scores {
			d := ix.cat.docs[id]
			switch {
			case d == nil:
			case served.has(d):
				if s, ok := f.keep(d); ok {
					fn(Hit{Doc: d, DistanceKm: distanceTo(near, d), Served: true, Score: s})
				}
			case d.HasPoint:
				if m := geo.DistanceHaversine(near, d.Point); m <= radiusM {
					if s, ok := f.keep(d); ok {
						km := math.Round(m/10) / 100
						fn(Hit{Doc: d, DistanceKm: &km, Score: s})
					}
				}
			case d.Virtual && q.IncludeVirtual:
				if s, ok := f.keep(d); ok {
					fn(Hit{Doc: d, Score: s})
				}
			}
		}
		return
	}
	bound := geo.NewBoundAroundPoint(near, radiusM)
	var inBound []*Document
	if len(q.Needs) == 0 {
		inBound = ix.cat.points.inBound(nil, bound)
	} else {
		for _, n := range q.Needs {
			if g := ix.cat.needPoints[n]; g != nil {
				inBound = g.inBound(inBound, bound)
			}
		}
	}
	var seen map[*Document]bool // a site serving two of the needs comes once
	if len(q.Needs) > 1 {
		seen = make(map[*Document]bool, len(inBound))
	}
	for _, d := range inBound {
		if served.has(d) || seen[d] {
			continue // served ones are counted below, once
		}
		if seen != nil {
			seen[d] = true
		}
		m := geo.DistanceHaversine(near, d.Point)
		if m > radiusM {
			continue
		}
		if s, ok := f.keep(d); ok {
			km := math.Round(m/10) / 100
			fn(Hit{Doc: d, DistanceKm: &km, Score: s})
		}
	}
	for _, d := range served {
		if s, ok := f.keep(d); ok {
			fn(Hit{Doc: d, DistanceKm: distanceTo(near, d), Served: true, Score: s})
		}
	}
	if !q.IncludeVirtual {
		return
	}
	virtual := func(d *Document) {
		if d.Virtual && !served.has(d) {
			if s, ok := f.keep(d); ok {
				fn(Hit{Doc: d, Score: s})
			}
		}
	}
	if len(q.Needs) == 0 {
		for _, d := range ix.cat.unplaced {
			virtual(d)
		}
		return
	}
	// With needs, only the virtual services that serve one (a few in a
	// hundred of all with no place), each once.
	var seenVirtual map[*Document]bool
	if len(q.Needs) > 1 {
		seenVirtual = map[*Document]bool{}
	}
	for _, n := range q.Needs {
		for _, d := range ix.cat.needVirtual[n] {
			if seenVirtual != nil {
				if seenVirtual[d] {
					continue
				}
				seenVirtual[d] = true
			}
			virtual(d)
		}
	}
}

func (ix *Index) setOpen(h *Hit, at time.Time) {
	h.Open = h.Doc.Hours.At(at, h.Doc.zone)
}

// moments reads one instant in the zones of many places, each zone once:
// most places of a search share one or two.
type moments struct {
	at   time.Time
	seen []resources.Moment
}

func (ms *moments) in(loc *time.Location) resources.Moment {
	if loc == nil {
		loc = time.UTC
	}
	for _, m := range ms.seen {
		if m.Zone() == loc {
			return m
		}
	}
	m := resources.MomentIn(ms.at, loc)
	ms.seen = append(ms.seen, m)
	return m
}

// Nearest returns, for each need, up to limit documents that serve it,
// nearest first: sites within the radius, then services whose area holds
// the place, then (includeVirtual) services with no place. It is the
// matcher's candidate search: per-need grids are read ring by ring outwards
// and stop at limit, so a match looks at hundreds of documents, not all in
// the radius. Besides those, up to a quarter of limit more of the need's
// core documents (Document.CoreNeeds) come after the served ones: the
// nearest core sites that the limit left out, then core services with no
// place. A need's crosswalk can be wide and its core rare (a hundred
// clinics nearer than any prescription help, which is by phone), and a
// candidate never found is never ranked, whatever its grade.
func (ix *Index) Nearest(ctx context.Context, needs []string, near orb.Point, radiusKm float64, includeVirtual bool, at time.Time, limit int) (map[string][]Hit, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if at.IsZero() {
		at = time.Now()
	}
	limit = min(limit, len(ix.cat.docs))
	coreLimit := limit / 4
	mask, _ := ix.cat.maskOf(needs)
	if mask == 0 {
		return map[string][]Hit{}, nil // no document serves any of them
	}
	served := ix.cat.areas.servedDocs(near, mask)
	// All needs' hits share one slab, and their distances another: a
	// match takes hundreds, and one allocation each beats hundreds.
	// (The core documents past limit, when there are any, grow them: a
	// hit already handed out keeps pointing into the old slab.)
	all := make([]Hit, 0, len(needs)*limit)
	kms := make([]float64, 0, len(needs)*limit+len(served))
	km := func(m float64) *float64 {
		kms = append(kms, math.Round(m/10)/100) // tens of metres, as shown
		return &kms[len(kms)-1]
	}
	// Served documents nearest first, once for all needs.
	servedHits := make([]Hit, 0, len(served))
	for _, d := range served {
		if d.active {
			h := Hit{Doc: d, Served: true}
			if d.HasPoint {
				h.DistanceKm = km(geo.DistanceHaversine(near, d.Point))
			}
			servedHits = append(servedHits, h)
		}
	}
	sortHits(servedHits, SortDistance, false)
	var skip func(*Document) bool // served sites come later, with the served
	if len(served) > 0 {
		skip = served.has
	}
	out := make(map[string][]Hit, len(needs))
	var found []nearDoc
	clock := moments{at: at}
	for _, need := range needs {
		bit := ix.cat.needBits[need]
		if bit == 0 {
			out[need] = nil
			continue
		}
		start := len(all)
		var beyond []nearDoc // core sites past the nearest limit
		if g := ix.cat.needPoints[need]; g != nil {
			found = g.nearest(found[:0], near, limit, radiusKm, skip)
			inFound := 0
			for _, n := range found {
				all = append(all, Hit{Doc: n.d, DistanceKm: km(n.m)})
				if n.d.coreMask&bit != 0 {
					inFound++
				}
			}
			sortNearlyByDistance(all[start:]) // equal distances by name
			if cg := ix.cat.needCorePoints[need]; cg != nil && len(found) == limit && coreLimit > 0 {
				// The core sites found are the first of the core grid's
				// own nearest (both in distance, then id, order): the
				// ones after them are the core sites the limit left out.
				beyond = cg.nearest(found[len(found):], near, inFound+coreLimit, radiusKm, skip)
				beyond = beyond[min(inFound, len(beyond)):]
			}
		}
		// Sites nearest first, then services whose area holds the place,
		// then those with no place (by name, then id).
		for _, h := range servedHits {
			if len(all)-start >= limit {
				break
			}
			if h.Doc.needMask&bit != 0 {
				all = append(all, h)
			}
		}
		for _, n := range beyond {
			all = append(all, Hit{Doc: n.d, DistanceKm: km(n.m)})
		}
		if includeVirtual {
			core := 0
			for _, d := range ix.cat.needCoreVirtual[need] {
				if core == coreLimit {
					break
				}
				if !served.has(d) {
					all = append(all, Hit{Doc: d})
					core++
				}
			}
			for _, d := range ix.cat.needVirtual[need] {
				if len(all)-start >= limit {
					break
				}
				if !served.has(d) && d.coreMask&bit == 0 {
					all = append(all, Hit{Doc: d})
				}
			}
		}
		hits := all[start:len(all):len(all)]
		for i := range hits {
			hits[i].Open = hits[i].Doc.Hours.AtMoment(clock.in(hits[i].Doc.zone))
		}
		out[need] = hits
	}
	return out, nil
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

// sortHits orders hits. Relevance ("best match") is, when there are
// words, how well they fit (the BM25 score over the best one's) weighed
// with nearness as matching weighs it; else nearness when there is a place,
// else the name. Every order ends with the document id, so the same query
// always gives the same order.
func sortHits(hits []Hit, by string, haveScores bool) {
	switch {
	case by == SortName:
		slices.SortFunc(hits, byName)
	case by == SortDistance || !haveScores:
		slices.SortFunc(hits, byDistance)
	default:
		top := 0.0
		for _, h := range hits {
			top = max(top, h.Score)
		}
		for i := range hits {
			hits[i].rank = relevance(hits[i], top)
		}
		slices.SortFunc(hits, func(a, b Hit) int {
			if c := cmp.Compare(b.rank, a.rank); c != 0 {
				return c
			}
			return byDistance(a, b)
		})
	}
}

// relevanceNearness is the share of nearness in a best-match order.
const relevanceNearness = 0.35

// relevance is a hit's best-match key: its words' fit, and its nearness
// as the matcher scores it (falling by e every 10 km; a service with no
// place, reached by phone or online, as one 12 km away), in thousandths so
// that near-equal ones fall back on distance.
func relevance(h Hit, top float64) float64 {
	fit := 0.0
	if top > 0 {
		fit = h.Score / top
	}
	near := 0.3
	switch {
	case h.DistanceKm != nil:
		near = math.Exp(-*h.DistanceKm / 10)
	case h.Served:
		near = 0.6
	}
	return math.Round(((1-relevanceNearness)*fit+relevanceNearness*near)*1000) / 1000
}

// cmp.Or evaluates every argument, so the fallbacks are written out: most
// comparisons are settled by the first key.
func byName(a, b Hit) int {
	if c := compareFold(a.Doc.Name, b.Doc.Name); c != 0 {
		return c
	}
	return cmp.Compare(a.Doc.ID, b.Doc.ID)
}

func byDistance(a, b Hit) int {
	if c := cmp.Compare(hitDistance(a), hitDistance(b)); c != 0 {
		return c
	}
	return byName(a, b)
}

func hitDistance(h Hit) float64 {
	if h.DistanceKm == nil {
		return math.Inf(1)
	}
	return *h.DistanceKm
}

// sortNearlyByDistance orders hits by distance, as sortHits does, when
// they come nearly in that order already (the grid's, by exact distance:
// rounding to tens of metres only ties a few): an insertion sort, a pass
// and a few moves.
func sortNearlyByDistance(hits []Hit) {
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && byDistance(hits[j-1], hits[j]) > 0; j-- {
			hits[j-1], hits[j] = hits[j], hits[j-1]
		}
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
// scores (the matcher weighs them in). needs are the needs the words were
// read as, whose documents score as serving what the words name; nil: those
// the index's own reading of words finds (Config.NeedsOfWords). The matcher
// reads more than words alone say (abuse from a client of 76 is elder
// abuse too), and passes what it read.
func (ix *Index) TextScores(ctx context.Context, text string, needs []string, near *orb.Point, radiusKm float64) (map[string]float64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bleve == nil {
		return nil, fmt.Errorf("search index is closed")
	}
	return ix.textScores(ctx, text, needs, near, radiusKm)
}

// textScores returns the documents that match the words, with their
// scores. The caller holds ix.mu.
//
// Every word is preferred, none required: the documents with all the words
// come first; when fewer than fewWordHits have them all ("shelter
// tonight"), those with any word count too, the more the better (BM25 adds
// up), and the needs' search words ("dental" for "dentist") with them. The
// documents that serve a need the words name ("comida": food) score as
// well, from the catalog rather than Bleve (a need's documents are
// thousands at 100k, which Bleve would score one by one): needShare of the
// best word score, added to their own.
func (ix *Index) textScores(ctx context.Context, text string, read []string, near *orb.Point, radiusKm float64) (map[string]float64, error) {
	words := analyzeWords(text)
	if err := ix.checkWords(words); err != nil {
		return nil, err
	}
	var needs, synonyms []string
	if ix.needsOfWords != nil {
		needs, synonyms = ix.needsOfWords(text)
	}
	if read != nil {
		needs = read
	}
	out, err := ix.bleveScores(ctx, allWordsQuery(words), near, radiusKm)
	if err != nil {
		return nil, err
	}
	if len(out) < fewWordHits && (len(words) > 1 || len(synonyms) > 0) {
		if out, err = ix.bleveScores(ctx, anyWordsQuery(words, synonyms), near, radiusKm); err != nil {
			return nil, err
		}
	}
	if mask, ok := ix.cat.maskOf(needs); ok {
		top := 0.0
		for _, v := range out {
			top = max(top, v)
		}
		bonus := 1.0
		if top > 0 {
			bonus = math.Round(needShare*top*1000) / 1000
		}
		ix.eachNeedDoc(mask, needs, near, radiusKm, func(d *Document) {
			out[d.ID] += bonus
		})
	}
	return out, nil
}

// Words' scoring.
const (
	// fewWordHits: fewer documents with every word than this, and those
	// with any of them count too.
	fewWordHits = 10
	// needShare is what serving a need the words name scores, as a share
	// of the best word score: the words' need is what they mean, so a
	// service serving it is as good as the best-worded one that does not,
	// and one that also has the words comes before both.
	needShare = 1.0
)

// bleveScores runs a words query, near a place if one is given, and
// returns the documents' BM25 scores.
func (ix *Index) bleveScores(ctx context.Context, q query.Query, near *orb.Point, radiusKm float64) (map[string]float64, error) {
	if near != nil {
		// Only documents in grid cells around the place, or with no place
		// (virtual, or served by an area: their cell is "none"), so the cap
		// on hits never cuts off the nearby ones.
		bq := bleve.NewBooleanQuery()
		bq.AddMust(q)
		bq.AddFilter(cellQuery(*near, radiusKm)) // a filter: it does not touch scores
		q = bq
	}
	req := bleve.NewSearchRequestOptions(q, maxTextHits, 0, false)
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

// eachNeedDoc calls fn with the active documents that serve one of the
// needs (mask): near a place, those in its radius, served by their area,
// or with no place; else all of them.
func (ix *Index) eachNeedDoc(mask uint64, needs []string, near *orb.Point, radiusKm float64, fn func(*Document)) {
	if near == nil {
		for _, d := range ix.cat.docs {
			if d.active && d.needMask&mask != 0 {
				fn(d)
			}
		}
		return
	}
	seen := map[*Document]bool{}
	once := func(d *Document) {
		if !seen[d] && d.active {
			seen[d] = true
			fn(d)
		}
	}
	for _, d := range ix.cat.areas.servedDocs(*near, mask) {
		once(d)
	}
	bound := geo.NewBoundAroundPoint(*near, radiusKm*1000)
	var inBound []*Document
	for _, n := range needs {
		if g := ix.cat.needPoints[n]; g != nil {
			inBound = g.inBound(inBound, bound)
		}
		for _, d := range ix.cat.needVirtual[n] {
			once(d)
		}
	}
	for _, d := range inBound {
		if geo.DistanceHaversine(*near, d.Point) <= radiusKm*1000 {
			once(d)
		}
	}
}

// checkWords refuses a search word longer than the index's word limit,
// naming the limit and the word (its start, when long).
func (ix *Index) checkWords(words []queryWord) error {
	for _, w := range words {
		if n := utf8.RuneCountInString(w.word); n > ix.maxWord {
			shown := w.word
			if r := []rune(shown); len(r) > 20 {
				shown = string(r[:20]) + "…"
			}
			return resources.Errorf(resources.EINVALID, "the search word %q has %d letters, more than the limit of %d for one word (--max-word-letters)", shown, n, ix.maxWord)
		}
	}
	return nil
}
