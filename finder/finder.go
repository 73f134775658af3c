// Package finder is where the matcher and the search index meet: it finds
// a match's candidates in the index. The server, the tests, the evaluation
// and the benchmarks all match through it, so what they measure is what
// the server does.
package finder

import (
	"context"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
)

// Finder lets the matcher find candidates in the search index, which knows
// nothing of the matcher. A candidate points at its document's listing:
// nothing is copied from the document but the pointer.
type Finder struct{ ix *index.Index }

// New returns the matcher's view of the search index.
func New(ix *index.Index) *Finder { return &Finder{ix} }

var _ matcher.CandidateFinder = (*Finder)(nil)

// Find returns each need's candidates, nearest first.
func (f *Finder) Find(ctx context.Context, q matcher.FindQuery) (map[string][]matcher.Candidate, error) {
	var found matcher.Found
	if err := f.FindInto(ctx, q, &found); err != nil {
		return nil, err
	}
	out := make(map[string][]matcher.Candidate, len(q.Needs))
	start := 0
	for i, need := range q.Needs {
		end := found.Ends[i]
		list := make([]matcher.Candidate, end-start)
		for j, k := range found.Of[start:end] {
			list[j] = found.Cands[k]
		}
		out[need] = list
		start = end
	}
	return out, nil
}

// docIndexes are FindInto's maps from a document to its candidate.
var docIndexes = sync.Pool{New: func() any { return map[*index.Document]int32{} }}

// FindInto puts each document found once in one slab of candidates: a
// match has hundreds of candidates, some found for several needs, and the
// matcher gives the same memory again to later matches.
func (f *Finder) FindInto(ctx context.Context, q matcher.FindQuery, into *matcher.Found) error {
	found, err := f.ix.Nearest(ctx, q.Needs, q.Near, q.RadiusKm, q.IncludeVirtual, q.At, q.Limit)
	if err != nil {
		return err
	}
	n := 0
	for _, need := range q.Needs {
		n += len(found[need])
	}
	cands := slices.Grow(into.Cands[:0], n)
	of, ends := slices.Grow(into.Of[:0], n), into.Ends[:0]
	docs := docIndexes.Get().(map[*index.Document]int32)
	for _, need := range q.Needs {
		for _, h := range found[need] {
			k, ok := docs[h.Doc]
			if !ok {
				// The same document is the same hit for every need: its
				// distance, area and hours do not depend on the need.
				k = int32(len(cands))
				docs[h.Doc] = k
				cands = append(cands, CandidateOf(h))
			}
			of = append(of, k)
		}
		ends = append(ends, len(of))
	}
	clear(docs)
	docIndexes.Put(docs)
	into.Cands, into.Of, into.Ends = cands, of, ends
	return nil
}

// CandidateOf is what the matcher ranks of a search hit: the document's
// listing and what the hit says of it for this request.
func CandidateOf(h index.Hit) matcher.Candidate {
	return matcher.Candidate{Listing: &h.Doc.Listing, DistanceKm: h.DistanceKm, Served: h.Served, Open: h.Open, Capacity: h.Doc.Capacity}
}

// TextScores scores the documents near a place by the client's words, and
// those serving the needs the words were read as.
func (f *Finder) TextScores(ctx context.Context, text string, needs []string, near orb.Point, radiusKm float64) (map[string]float64, error) {
	return f.ix.TextScores(ctx, text, needs, &near, radiusKm)
}

// TextHits is the index's search by words near a place, best first.
func (f *Finder) TextHits(ctx context.Context, text string, near orb.Point, radiusKm float64, n int) ([]matcher.TextHit, error) {
	res, err := f.ix.Search(ctx, index.Query{Text: text, Near: &near, RadiusKm: radiusKm, IncludeVirtual: true, PerPage: n})
	if err != nil {
		return nil, err
	}
	out := make([]matcher.TextHit, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = matcher.TextHit{Listing: &h.Doc.Listing, Score: h.Score}
	}
	return out, nil
}
