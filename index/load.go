package index

import (
	"context"

	"github.com/refer-project/refer/resources"
)

// servicePage is how many services a full build reads from the store at a
// time, so memory holds a page of services, not all of them.
const servicePage = 5000

// buildAll builds the documents of every service in the store into a new
// catalog, calling each (if not nil) with every document.
func (ix *Index) buildAll(ctx context.Context, each func(*Document) error) (*catalog, int, error) {
	// Every service is admitted again, and every undecodable record met
	// again, so what was left out before starts afresh.
	ix.skipMu.Lock()
	clear(ix.skipped)
	ix.skipMu.Unlock()
	terms, err := listMap[*resources.TaxonomyTerm](ctx, ix.store, resources.KindTaxonomyTerm, ix.undecodable)
	if err != nil {
		return nil, 0, err
	}
	orgs, err := listMap[*resources.Organization](ctx, ix.store, resources.KindOrganization, ix.undecodable)
	if err != nil {
		return nil, 0, err
	}
	locs, err := listMap[*resources.Location](ctx, ix.store, resources.KindLocation, ix.undecodable)
	if err != nil {
		return nil, 0, err
	}
	sals, err := ix.store.List(ctx, resources.KindServiceAtLocation, resources.ListOptions{Undecodable: ix.undecodable})
	if err != nil {
		return nil, 0, err
	}
	sites := map[string][]Site{}
	for _, r := range sals {
		sal := r.(*resources.ServiceAtLocation)
		if loc := locs[sal.LocationID]; loc != nil {
			sites[sal.ServiceID] = append(sites[sal.ServiceID], Site{SAL: sal, Location: loc})
		}
	}
	caps, err := capacities(ctx, ix.store)
	if err != nil {
		return nil, 0, err
	}
	cat := newCatalog()
	n := 0
	after := ""
	for {
		page, err := ix.store.List(ctx, resources.KindService, resources.ListOptions{After: after, Limit: servicePage, Undecodable: ix.undecodable})
		if err != nil {
			return nil, 0, err
		}
		for _, r := range page {
			svc := r.(*resources.Service)
			docs := ix.admit(svc.ID, Build(Source{Service: svc, Organization: orgs[svc.OrganizationID], Sites: sites[svc.ID], Terms: terms, Capacity: caps[svc.ID],
				AreaError: ix.areaError(svc.ID), NeedsOfWords: ix.needsOfWords, CoreNeedsOf: ix.coreNeedsOf}, ix.needsOf))
			for i := range docs {
				d := &docs[i]
				n++
				if each != nil {
					if err := each(d); err != nil {
						return nil, 0, err
					}
				}
				cat.add(d)
			}
			after = svc.ID
		}
		if len(page) < servicePage {
			return cat, n, nil
		}
	}
}

// docReader reads what services' documents need from the store, keeping
// the organizations and taxonomy terms it has read: services share them,
// and a replay after an import reads thousands of services at once.
type docReader struct {
	store        resources.Store
	needsOf      NeedsOf
	needsOfWords func(text string) (needs, synonyms []string)
	coreNeedsOf  NeedsOf
	// areaError, when set, hears of each service area left out
	// (Source.AreaError) for a service id.
	areaError func(serviceID string) func(areaID string, err error)
	orgs      map[string]*resources.Organization
	terms     map[string]*resources.TaxonomyTerm
}

func newDocReader(s resources.Store, needsOf, coreNeedsOf NeedsOf, needsOfWords func(string) ([]string, []string)) *docReader {
	return &docReader{store: s, needsOf: needsOf, coreNeedsOf: coreNeedsOf, needsOfWords: needsOfWords, orgs: map[string]*resources.Organization{}, terms: map[string]*resources.TaxonomyTerm{}}
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
	src := Source{Service: svc, Terms: map[string]*resources.TaxonomyTerm{}, NeedsOfWords: rd.needsOfWords, CoreNeedsOf: rd.coreNeedsOf}
	if rd.areaError != nil {
		src.AreaError = rd.areaError(id)
	}
	if org, ok := rd.orgs[svc.OrganizationID]; ok {
		src.Organization = org
	} else if org, err := resources.Get[*resources.Organization](ctx, rd.store, svc.OrganizationID); err == nil {
		src.Organization = org
		rd.orgs[org.ID] = org
	} else if resources.ErrorCode(err) != resources.ENOTFOUND {
		return nil, err
	}
	sals, err := rd.store.List(ctx, resources.KindServiceAtLocation, resources.ListOptions{Of: resources.Ref{Kind: resources.KindService, ID: id}})
	if err != nil {
		return nil, err
	}
	for _, r := range sals {
		sal := r.(*resources.ServiceAtLocation)
		loc, err := resources.Get[*resources.Location](ctx, rd.store, sal.LocationID)
		if err != nil {
			return nil, err
		}
		src.Sites = append(src.Sites, Site{SAL: sal, Location: loc})
	}
	for _, a := range svc.Attributes {
		if _, done := src.Terms[a.TaxonomyTermID]; done {
			continue
		}
		t, ok := rd.terms[a.TaxonomyTermID]
		if !ok {
			if t, err = resources.Get[*resources.TaxonomyTerm](ctx, rd.store, a.TaxonomyTermID); err != nil {
				return nil, err
			}
			rd.terms[t.ID] = t
		}
		src.Terms[t.ID] = t
	}
	if cr, ok := rd.store.(resources.CapacityReader); ok {
		c, set, err := cr.Capacity(ctx, id)
		if err != nil {
			return nil, err
		}
		if set {
			src.Capacity = &c
		}
	}
	return Build(src, rd.needsOf), nil
}

// capacities returns every service's capacity, when the store keeps them
// (a resources.CapacityReader; a bare directory store has none).
func capacities(ctx context.Context, s resources.Store) (map[string]*resources.Capacity, error) {
	cr, ok := s.(resources.CapacityReader)
	if !ok {
		return nil, nil
	}
	all, err := cr.Capacities(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*resources.Capacity, len(all))
	for id, c := range all {
		out[id] = &c
	}
	return out, nil
}

func listMap[T resources.Record](ctx context.Context, s resources.Store, k resources.Kind, undecodable func(resources.Kind, string, error)) (map[string]T, error) {
	rs, err := s.List(ctx, k, resources.ListOptions{Undecodable: undecodable})
	if err != nil {
		return nil, err
	}
	m := make(map[string]T, len(rs))
	for _, r := range rs {
		m[r.RecordID()] = r.(T)
	}
	return m, nil
}
