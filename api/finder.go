package api

import (
	"context"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
)

// finder lets the matcher find candidates in the search index, which knows
// nothing of the matcher: the one place the two meet.
type finder struct{ ix *index.Index }

// NewFinder returns the matcher's view of the search index.
func NewFinder(ix *index.Index) matcher.Finder { return finder{ix} }

func (f finder) Find(ctx context.Context, q matcher.FindQuery) (map[string][]matcher.Candidate, error) {
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

// FindInto puts each document found once in one slab of candidates, and
// their terms in another: a match has hundreds of candidates, some found
// for several needs, and the matcher gives the same memory again to later
// matches.
func (f finder) FindInto(ctx context.Context, q matcher.FindQuery, into *matcher.Found) error {
	found, err := f.ix.Nearest(ctx, q.Needs, q.Near, q.RadiusKm, q.IncludeVirtual, q.At, q.Limit)
	if err != nil {
		return err
	}
	n, nTerms := 0, 0
	for _, need := range q.Needs {
		for _, h := range found[need] {
			n++
			nTerms += len(h.Doc.Terms)
		}
	}
	cands := slices.Grow(into.Cands[:0], n)
	terms := slices.Grow(into.Terms[:0], nTerms)[:nTerms]
	of, ends := slices.Grow(into.Of[:0], n), into.Ends[:0]
	docs := docIndexes.Get().(map[*index.Document]int32)
	t := 0
	for _, need := range q.Needs {
		for _, h := range found[need] {
			k, ok := docs[h.Doc]
			if !ok {
				// The same document is the same hit for every need: its
				// distance, area and hours do not depend on the need.
				k = int32(len(cands))
				docs[h.Doc] = k
				cands = cands[:k+1]
				nt := len(h.Doc.Terms)
				candidateOf(&cands[k], h, terms[t:t+nt:t+nt])
				t += nt
			}
			of = append(of, k)
		}
		ends = append(ends, len(of))
	}
	clear(docs)
	docIndexes.Put(docs)
	into.Cands, into.Of, into.Ends, into.Terms = cands, of, ends, terms
	return nil
}

// CandidateOf turns a search hit into what the matcher ranks.
func CandidateOf(h index.Hit) matcher.Candidate {
	var c matcher.Candidate
	candidateOf(&c, h, make([]matcher.Term, len(h.Doc.Terms)))
	return c
}

// candidateOf fills c from h, with terms (as long as the document's) for
// its terms.
func candidateOf(c *matcher.Candidate, h index.Hit, terms []matcher.Term) {
	d := h.Doc
	for j, t := range d.Terms {
		terms[j] = matcher.Term{Code: t.Code, Name: t.Name}
	}
	*c = matcher.Candidate{
		ID:                  d.ID,
		ServiceID:           d.ServiceID,
		ServiceAtLocationID: d.ServiceAtLocationID,
		Name:                d.Name,
		OrganizationID:      d.OrganizationID,
		OrganizationName:    d.OrganizationName,
		Address:             d.Address,
		Phones:              d.Phones,
		Needs:               d.Needs,
		Terms:               terms,
		DistanceKm:          h.DistanceKm,
		Point:               d.Point,
		HasPoint:            d.HasPoint,
		Served:              h.Served,
		Virtual:             d.Virtual,
		Open:                h.Open,
		Languages:           d.Languages,
		Free:                d.Free,
		Eligibility:         d.Eligibility,
		MinAge:              d.MinAge,
		MaxAge:              d.MaxAge,
		LastVerified:        d.LastVerified,
		Capacity:            d.Capacity,
	}
}

func (f finder) TextScores(ctx context.Context, text string, near orb.Point, radiusKm float64) (map[string]float64, error) {
	return f.ix.TextScores(ctx, text, &near, radiusKm)
}

// TextHits is the index's search by words near a place, best first.
func (f finder) TextHits(ctx context.Context, text string, near orb.Point, radiusKm float64, n int) ([]matcher.TextHit, error) {
	res, err := f.ix.Search(ctx, index.Query{Text: text, Near: &near, RadiusKm: radiusKm, IncludeVirtual: true, PerPage: n})
	if err != nil {
		return nil, err
	}
	out := make([]matcher.TextHit, len(res.Hits))
	for i, h := range res.Hits {
		terms := make([]matcher.Term, len(h.Doc.Terms))
		for j, t := range h.Doc.Terms {
			terms[j] = matcher.Term{Code: t.Code, Name: t.Name}
		}
		out[i] = matcher.TextHit{Name: h.Doc.Name, Needs: h.Doc.Needs, Terms: terms, Score: h.Score}
	}
	return out, nil
}
