package index

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// IDFilter selects services, or their service_at_locations, for the HSDS
// read API's lists. Every field that is set must hold (AND); the zero
// IDFilter selects everything. Unlike Search, it keeps services of every
// status: the HSDS API publishes the directory as it is.
type IDFilter struct {
	// Text keeps documents that match the words as Search matches them,
	// without a cap on their number.
	Text string
	// TermIDs keeps services whose attributes name at least one of these
	// taxonomy terms. Nil means no such condition; an empty, non-nil list
	// matches nothing (a taxonomy with no terms).
	TermIDs []string
	// AlsoTermIDs is a second, independent condition of the same kind, so
	// that "this term" AND "a term of that taxonomy" can both be asked.
	AlsoTermIDs []string
	// OrganizationID keeps the services of one organization.
	OrganizationID string
	// ModifiedSince keeps services whose last_modified is at or after it
	// (those with none are left out).
	ModifiedSince time.Time
	// Near and RadiusM keep the places within RadiusM metres of Near, and
	// every place of a service whose service area holds Near.
	Near    *orb.Point
	RadiusM float64
}

// IsZero reports whether f selects everything.
func (f IDFilter) IsZero() bool {
	return f.Text == "" && f.TermIDs == nil && f.AlsoTermIDs == nil && f.OrganizationID == "" &&
		f.ModifiedSince.IsZero() && f.Near == nil
}

// ServiceIDs returns the ids of the services that have a document f
// selects, in id order.
func (ix *Index) ServiceIDs(ctx context.Context, f IDFilter) ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []string
	if f.IsZero() {
		out = make([]string, 0, len(ix.cat.byService))
		for id := range ix.cat.byService {
			out = append(out, id)
		}
	} else {
		seen := map[string]bool{}
		err := ix.selectDocs(ctx, f, func(d *Document) {
			if !seen[d.ServiceID] {
				seen[d.ServiceID] = true
				out = append(out, d.ServiceID)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return out, nil
}

// ServiceAtLocationIDs returns the ids of the service_at_locations whose
// documents f selects, in id order.
func (ix *Index) ServiceAtLocationIDs(ctx context.Context, f IDFilter) ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []string
	err := ix.selectDocs(ctx, f, func(d *Document) {
		if d.ServiceAtLocationID != "" {
			out = append(out, d.ServiceAtLocationID)
		}
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

// selectDocs calls fn with every document f selects, in no order. The
// caller holds ix.mu.
func (ix *Index) selectDocs(ctx context.Context, f IDFilter, fn func(*Document)) error {
	if ix.bleve == nil {
		return fmt.Errorf("search index is closed")
	}
	var words map[string]bool
	if f.Text != "" {
		var err error
		if words, err = ix.allTextMatches(ctx, f.Text); err != nil {
			return err
		}
	}
	terms, alsoTerms := setOf(f.TermIDs), setOf(f.AlsoTermIDs)
	keep := func(d *Document) bool {
		return (words == nil || words[d.ID]) &&
			(terms == nil || namesAny(d, terms)) &&
			(alsoTerms == nil || namesAny(d, alsoTerms)) &&
			(f.OrganizationID == "" || d.OrganizationID == f.OrganizationID) &&
			(f.ModifiedSince.IsZero() || !d.LastModified.IsZero() && !d.LastModified.Before(f.ModifiedSince))
	}
	if f.Near == nil {
		for _, d := range ix.cat.docs {
			if keep(d) {
				fn(d)
			}
		}
		return nil
	}
	near := *f.Near
	seen := map[string]bool{}
	for _, d := range ix.cat.points.inBound(nil, geo.NewBoundAroundPoint(near, f.RadiusM)) {
		if geo.DistanceHaversine(near, d.Point) <= f.RadiusM {
			seen[d.ID] = true
			if keep(d) {
				fn(d)
			}
		}
	}
	for _, d := range ix.cat.areas.servedDocs(near, 0) {
		if !seen[d.ID] && keep(d) {
			fn(d)
		}
	}
	return nil
}

// allTextMatches returns the ids of every document that matches the words
// (Search keeps only the best maxTextHits; a list must not lose any).
func (ix *Index) allTextMatches(ctx context.Context, text string) (map[string]bool, error) {
	words := analyzeWords(text)
	if err := ix.checkWords(words); err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(allWordsQuery(words), max(len(ix.cat.docs), 1), 0, false)
	req.Score = "none"
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make(map[string]bool, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = true
	}
	return out, nil
}

func setOf(ids []string) map[string]bool {
	if ids == nil {
		return nil
	}
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// namesAny reports whether the document's service names one of the terms.
func namesAny(d *Document, terms map[string]bool) bool {
	for _, t := range d.Terms {
		if terms[t.ID] {
			return true
		}
	}
	return false
}

// OrganizationIDs returns the ids of the organizations whose services have
// a document f selects, in id order.
func (ix *Index) OrganizationIDs(ctx context.Context, f IDFilter) ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	seen := map[string]bool{}
	var out []string
	err := ix.selectDocs(ctx, f, func(d *Document) {
		if d.OrganizationID != "" && !seen[d.OrganizationID] {
			seen[d.OrganizationID] = true
			out = append(out, d.OrganizationID)
		}
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}
