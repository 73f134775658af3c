package api

import (
	"context"

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
	found, err := f.ix.Nearest(ctx, q.Needs, q.Near, q.RadiusKm, q.IncludeVirtual, q.At, q.Limit)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]matcher.Candidate, len(found))
	for need, hits := range found {
		cands := make([]matcher.Candidate, len(hits))
		for i, h := range hits {
			cands[i] = CandidateOf(h)
		}
		out[need] = cands
	}
	return out, nil
}

// CandidateOf turns a search hit into what the matcher ranks.
func CandidateOf(h index.Hit) matcher.Candidate {
	d := h.Doc
	terms := make([]matcher.Term, len(d.Terms))
	for j, t := range d.Terms {
		terms[j] = matcher.Term{Code: t.Code, Name: t.Name}
	}
	return matcher.Candidate{
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
