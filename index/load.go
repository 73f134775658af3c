package index

import (
	"context"
	"errors"

	"github.com/refer-project/refer/resources"
)

// servicePage is how many services a full build reads from the store at a
// time, so memory holds a page of services, not all of them (a variable
// so a test can cross pages with a few services).
var servicePage = 5000

// buildAll builds the documents of every service in the store, calling
// each with every document, and returns how many it built. It reads a page
// of services at a time, with their sites and organizations, so memory
// holds a page's records, not the directory's: at 100k services, holding
// every location, site and organization decoded took 140 MB more, and at
// a million it would take 1.4 GB.
func (ix *Index) buildAll(ctx context.Context, each func(*Document) error) (int, error) {
	// Every service is admitted again, and every undecodable record met
	// again, so what was left out before starts afresh.
	ix.skipMu.Lock()
	clear(ix.skipped)
	ix.skipMu.Unlock()
	rd := newDocReader(ix.store, ix.needsOf, ix.coreNeedsOf, ix.needsOfWords)
	rd.areaError = ix.areaError
	rd.undecodable = ix.undecodable
	n := 0
	after := ""
	for {
		page, err := ix.store.List(ctx, resources.KindService, resources.ListOptions{After: after, Limit: servicePage, Undecodable: ix.undecodable})
		if err != nil {
			return 0, err
		}
		// What the page's services share, not what the next page's do.
		clear(rd.orgs)
		clear(rd.locations)
		for _, r := range page {
			svc := r.(*resources.Service)
			docs, err := rd.documents(ctx, svc)
			if err != nil {
				return 0, err
			}
			docs = ix.admit(svc.ID, docs)
			for i := range docs {
				d := &docs[i]
				n++
				if err := each(d); err != nil {
					return 0, err
				}
			}
			after = svc.ID
		}
		if len(page) < servicePage {
			return n, nil
		}
	}
}

// docReader reads what services' documents need from the store, keeping
// the organizations, locations and taxonomy terms it has read: services
// share them (a full build clears the first two after each page).
type docReader struct {
	store        resources.Store
	needsOf      NeedsOf
	needsOfWords func(text string) (needs, synonyms []string)
	coreNeedsOf  NeedsOf
	// areaError, when set, hears of each service area left out
	// (Source.AreaError) for a service id.
	areaError func(serviceID string) func(areaID string, err error)
	// undecodable, when set, hears of each site, location or organization
	// whose stored bytes cannot be decoded, which the documents then leave
	// out; unset, such a record is an error wrapping resources.ErrUndecodable.
	undecodable func(k resources.Kind, id string, err error)
	orgs        map[string]*resources.Organization
	locations   map[string]*resources.Location
	terms       map[string]*resources.TaxonomyTerm
}

func newDocReader(s resources.Store, needsOf, coreNeedsOf NeedsOf, needsOfWords func(string) ([]string, []string)) *docReader {
	return &docReader{store: s, needsOf: needsOf, coreNeedsOf: coreNeedsOf, needsOfWords: needsOfWords, orgs: map[string]*resources.Organization{},
		locations: map[string]*resources.Location{}, terms: map[string]*resources.TaxonomyTerm{}}
}

// serviceDocuments reads one service and what its documents need from the
// store and builds them; none if the service is gone.
func (rd *docReader) serviceDocuments(ctx context.Context, id string) ([]Document, error) {
	svc, err := resources.Get[*resources.Service](ctx, rd.store, id)
	if resources.ErrorCode(err) == resources.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return rd.documents(ctx, svc)
}

// documents reads what a service's documents need from the store, in
// one view of it where the store has views, and builds them.
func (rd *docReader) documents(ctx context.Context, svc *resources.Service) ([]Document, error) {
	v, ok := rd.store.(resources.Viewer)
	if !ok {
		return rd.documentsFrom(ctx, rd.store, svc)
	}
	var docs []Document
	err := v.View(ctx, func(r resources.Reader) error {
		var err error
		docs, err = rd.documentsFrom(ctx, r, svc)
		return err
	})
	return docs, err
}

// documentsFrom is documents reading from r.
func (rd *docReader) documentsFrom(ctx context.Context, r resources.Reader, svc *resources.Service) ([]Document, error) {
	src := Source{Service: svc, Terms: map[string]*resources.TaxonomyTerm{}, NeedsOfWords: rd.needsOfWords, CoreNeedsOf: rd.coreNeedsOf}
	if rd.areaError != nil {
		src.AreaError = rd.areaError(svc.ID)
	}
	org, err := cached(ctx, rd, r, rd.orgs, resources.KindOrganization, svc.OrganizationID)
	if err != nil {
		return nil, err
	}
	src.Organization = org
	sals, err := r.List(ctx, resources.KindServiceAtLocation, resources.ListOptions{Of: resources.Ref{Kind: resources.KindService, ID: svc.ID}, Undecodable: rd.undecodable})
	if err != nil {
		return nil, err
	}
	for _, rec := range sals {
		sal := rec.(*resources.ServiceAtLocation)
		loc, err := cached(ctx, rd, r, rd.locations, resources.KindLocation, sal.LocationID)
		if err != nil {
			return nil, err
		}
		if loc != nil {
			src.Sites = append(src.Sites, Site{SAL: sal, Location: loc})
		}
	}
	for _, a := range svc.Attributes {
		if _, done := src.Terms[a.TaxonomyTermID]; done {
			continue
		}
		t, err := cached(ctx, rd, r, rd.terms, resources.KindTaxonomyTerm, a.TaxonomyTermID)
		if err != nil {
			return nil, err
		}
		if t != nil {
			src.Terms[t.ID] = t
		}
	}
	if cr, ok := r.(resources.CapacityReader); ok {
		c, set, err := cr.Capacity(ctx, svc.ID)
		if err != nil {
			return nil, err
		}
		if set {
			src.Capacity = &c
		}
	}
	return Build(src, rd.needsOf), nil
}

// cached returns the record of kind k with id from seen or r, keeping it
// in seen; nil (kept too) for an empty id, a record that is not stored,
// or one that cannot be decoded when rd.undecodable hears of it.
func cached[T resources.Record](ctx context.Context, rd *docReader, r resources.Reader, seen map[string]T, k resources.Kind, id string) (T, error) {
	if rec, ok := seen[id]; ok || id == "" {
		return rec, nil
	}
	rec, err := resources.Get[T](ctx, r, id)
	switch {
	case err == nil:
	case resources.ErrorCode(err) == resources.ENOTFOUND:
	case rd.undecodable != nil && errors.Is(err, resources.ErrUndecodable):
		rd.undecodable(k, id, err)
	default:
		return rec, err
	}
	seen[id] = rec
	return rec, nil
}
