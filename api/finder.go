package api

import (
	"context"
	"slices"

	"github.com/paulmach/orb"

	"github.com/openreferral/refer/index"
	"github.com/openreferral/refer/matcher"
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
		out[need] = found.Cands[start:end:end]
		start = end
	}
	return out, nil
}

// FindInto puts the candidates of all needs in one slab, and their terms
// in another: a match has hundreds of candidates, and the matcher gives
// the same memory again to later matches.
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
	cands := slices.Grow(into.Cands[:0], n)[:n]
	terms := slices.Grow(into.Terms[:0], nTerms)[:nTerms]
	ends := into.Ends[:0]
	k, t := 0, 0
	for _, need := range q.Needs {
		for _, h := range found[need] {
			nt := len(h.Doc.Terms)
			candidateOf(&cands[k], h, terms[t:t+nt:t+nt])
			k, t = k+1, t+nt
		}
		ends = append(ends, k)
	}
	into.Cands, into.Terms, into.Ends = cands, terms, ends
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
		LastModified:        d.LastModified,
	}
}

func (f finder) TextScores(ctx context.Context, text string, near orb.Point, radiusKm float64) (map[string]float64, error) {
	return f.ix.TextScores(ctx, text, &near, radiusKm)
}
