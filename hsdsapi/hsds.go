package hsdsapi

// The HSDS 3.0 read API, at /api/hsds (Open Referral's
// schema/openapi.json and docs/hsds/api_reference.md):
//
//	GET /                           {version, profile, openapi_url}
//	GET /services                   Page of compiled/service_list.json (full=true: compiled/service.json)
//	GET /services/{id}              compiled/service.json
//	GET /organizations              Page of compiled/organization_list.json (full, full_service: compiled/organization.json)
//	GET /organizations/{id}         compiled/organization.json (full_service=true nests the services)
//	GET /taxonomies, /{id}          taxonomy.json
//	GET /taxonomy_terms, /{id}      taxonomy_term.json, with taxonomy_detail
//	GET /service_at_locations       Page of compiled/service_at_location_list.json (full=true: compiled/service_at_location.json)
//	GET /service_at_locations/{id}  compiled/service_at_location.json
//
// Lists take page (from 1) and per_page (default 50, at most 100), and the
// parameters below; every parameter given must hold (AND), and items come
// in id order. An id that names nothing in a filter gives an empty page; a
// bad value is a 400 naming the field; an unknown record a 404.
//
//	services, service_at_locations: search, taxonomy_term_id, taxonomy_id, organization_id, modified_after, full
//	service_at_locations also:      postcode, proximity (metres from the ZIP's centroid, default 10000, at most 200000)
//	organizations:                  search, taxonomy_term_id, taxonomy_id, modified_after, full, full_service
//	taxonomies:                     search, modified_after
//	taxonomy_terms:                 search, taxonomy_id, parent_id, top_only, modified_after
//
// search on services and their places is the search index's word match
// (stemmed, misspellings forgiven); on the other kinds every word must
// begin a word of the record's names, code or description. modified_after
// keeps records whose last_modified is on or after it, as HSDS says (for a
// service_at_location, its service's). postcode keeps the places within
// proximity of the ZIP code's centroid and every place of a service whose
// service area holds the centroid (a ZIP's centroid stands for the ZIP: the
// directory has no ZIP shapes). taxonomy_term_id and taxonomy_id on
// organizations keep those whose own attributes, or whose services', name
// such a term. Not served: format=ndjson (format other than json is a 400)
// and minimal (ignored).

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/query"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// HSDS read API settings.
const (
	hsdsVersion = "3.0"
	// hsdsProfile is HSDS 3.0 itself: refer serves no profile of it.
	hsdsProfile          = "https://docs.openreferral.org/en/3.0/"
	hsdsDefaultPerPage   = 50
	hsdsMaxPerPage       = 100
	hsdsMaxPage          = 1_000_000
	hsdsDefaultProximity = 10_000  // metres: a ZIP code's neighbourhood
	hsdsMaxProximity     = 200_000 // metres, as the search's radius
)

// API serves the HSDS read API over a store and its search index.
type API struct {
	store   resources.Store
	index   *index.Index
	records *hsdsRecords
	// Every service's and every site's id, in order, as of an index
	// version: the unfiltered lists, which would otherwise sort them all
	// for every page.
	allServices, allSites hsdsIDCache
}

// hsdsIDCache holds one list of ids and the index version it reflects.
type hsdsIDCache struct {
	mu      sync.Mutex
	applied uint64
	ids     []string
}

// list returns list()'s ids. A list of everything (unfiltered) is the same
// for every request until the index changes, so it is kept, with the
// index version it reflects; the version is read before listing, so the
// ids are never older than the version they are kept under.
func (c *hsdsIDCache) list(ix *index.Index, unfiltered bool, list func() ([]string, error)) ([]string, error) {
	if !unfiltered {
		return list()
	}
	applied := ix.Applied()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids != nil && c.applied == applied {
		return c.ids, nil
	}
	ids, err := list()
	if err != nil {
		return nil, err
	}
	if ids == nil {
		ids = []string{}
	}
	c.ids, c.applied = ids, applied
	return ids, nil
}

// New returns the HSDS read API over store and the index that follows it.
func New(store resources.Store, ix *index.Index) *API {
	return &API{store: store, index: ix, records: newHSDSRecords(store)}
}

// Routes registers the HSDS read API on g (served at /api/hsds). Its
// errors are domain errors (resources.Error): the server's one error
// handler gives them the contract's shape, and its middleware keys, closed
// reads and rate limits, as for every route.
func (h *API) Routes(g *echo.Group) {
	g.GET("", h.info)
	g.GET("/", h.info)
	g.GET("/services", h.services)
	g.GET("/services/:id", h.service)
	g.GET("/organizations", h.organizations)
	g.GET("/organizations/:id", h.organization)
	g.GET("/taxonomies", h.taxonomies)
	g.GET("/taxonomies/:id", h.taxonomy)
	g.GET("/taxonomy_terms", h.terms)
	g.GET("/taxonomy_terms/:id", h.term)
	g.GET("/service_at_locations", h.serviceAtLocations)
	g.GET("/service_at_locations/:id", h.serviceAtLocation)
}

// hsdsInfo is GET /api/hsds/.
type hsdsInfo struct {
	Version    string `json:"version"`
	Profile    string `json:"profile"`
	OpenAPIURL string `json:"openapi_url"`
}

func (h *API) info(c echo.Context) error {
	base := c.Scheme() + "://" + c.Request().Host
	return c.JSON(http.StatusOK, hsdsInfo{Version: hsdsVersion, Profile: hsdsProfile, OpenAPIURL: base + "/api/openapi.json"})
}

// hsdsPage is HSDS's Page. Size is the number of items on this page, as
// HSDS defines it; Empty says whether this page has none.
type hsdsPage struct {
	TotalItems int   `json:"total_items"`
	TotalPages int   `json:"total_pages"`
	PageNumber int   `json:"page_number"`
	Size       int   `json:"size"`
	FirstPage  bool  `json:"first_page"`
	LastPage   bool  `json:"last_page"`
	Empty      bool  `json:"empty"`
	Contents   []any `json:"contents"`
}

// hsdsPageReq is a list's page and page size.
type hsdsPageReq struct{ page, perPage int }

func hsdsPaging(p *query.Params) hsdsPageReq {
	return hsdsPageReq{page: p.Int("page", 1, 1, hsdsMaxPage), perPage: p.Int("per_page", hsdsDefaultPerPage, 1, hsdsMaxPerPage)}
}

// hsdsRespondPage answers with the page of ids that pg names, each made into
// an item by item; an item whose record went since the ids were taken is
// left out.
func hsdsRespondPage(c echo.Context, ids []string, pg hsdsPageReq, item func(id string) (any, error)) error {
	total := len(ids)
	out := hsdsPage{
		TotalItems: total,
		TotalPages: (total + pg.perPage - 1) / pg.perPage,
		PageNumber: pg.page,
		Contents:   []any{},
	}
	from := (pg.page - 1) * pg.perPage
	if from < total {
		for _, id := range ids[from:min(from+pg.perPage, total)] {
			v, err := item(id)
			if resources.ErrorCode(err) == resources.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			out.Contents = append(out.Contents, v)
		}
	}
	out.Size = len(out.Contents)
	out.FirstPage = pg.page == 1
	out.LastPage = pg.page >= out.TotalPages
	out.Empty = out.Size == 0
	return c.JSON(http.StatusOK, out)
}

// hsdsSince reads a time given as RFC 3339 or as a date (midnight UTC).
func hsdsSince(p *query.Params, name string) time.Time {
	v := strings.TrimSpace(p.Q.Get(name))
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t
	}
	p.Errs.Add(name, "is %q; use an RFC 3339 time such as 2026-11-27T15:00:00-05:00, or a date such as 2026-11-27", v)
	return time.Time{}
}

// hsdsCheckFormat accepts format=json, the only one served.
func hsdsCheckFormat(p *query.Params) {
	if v := p.Str("format", 20); v != "" && v != "json" {
		p.Errs.Add("format", "is %q; only json is served", v)
	}
}

// serviceFilter reads the parameters that select services and their
// places.
func (h *API) serviceFilter(ctx context.Context, p *query.Params) (index.IDFilter, error) {
	f := index.IDFilter{
		Text:           p.Text("search"),
		OrganizationID: p.Str("organization_id", 200),
		ModifiedSince:  hsdsSince(p, "modified_after"),
	}
	if t := p.Str("taxonomy_term_id", 200); t != "" {
		f.TermIDs = []string{t}
	}
	var err error
	if tax := p.Str("taxonomy_id", 200); tax != "" {
		f.AlsoTermIDs, err = h.termsOf(ctx, tax)
	}
	return f, err
}

// termsOf returns the ids of a taxonomy's terms: none (not nil) for an
// unknown taxonomy.
func (h *API) termsOf(ctx context.Context, taxonomyID string) ([]string, error) {
	out := []string{}
	err := h.records.query(ctx, func(kinds map[resources.Kind]*hsdsKindList) error {
		out = append(out, kinds[resources.KindTaxonomyTerm].where(func(e *hsdsEntry) bool { return e.taxonomyID == taxonomyID })...)
		return nil
	})
	return out, err
}

func (h *API) services(c echo.Context) error {
	ctx := c.Request().Context()
	p := query.New(c.QueryParams())
	pg, full := hsdsPaging(p), p.Bool("full", false)
	hsdsCheckFormat(p)
	f, err := h.serviceFilter(ctx, p)
	if err != nil {
		return err
	}
	if err := p.Err(); err != nil {
		return err
	}
	ids, err := h.allServices.list(h.index, f.IsZero(), func() ([]string, error) { return h.index.ServiceIDs(ctx, f) })
	if err != nil {
		return err
	}
	a := hsds.NewAssembler(hsds.StoreLookup(ctx, h.store))
	return hsdsRespondPage(c, ids, pg, func(id string) (any, error) {
		svc, err := resources.Get[*resources.Service](ctx, h.store, id)
		if err != nil {
			return nil, err
		}
		if full {
			return a.Service(svc)
		}
		return a.ServiceItem(svc)
	})
}

func (h *API) service(c echo.Context) error {
	ctx := c.Request().Context()
	svc, err := resources.Get[*resources.Service](ctx, h.store, c.Param("id"))
	if err != nil {
		return err
	}
	full, err := hsds.NewAssembler(hsds.StoreLookup(ctx, h.store)).Service(svc)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, full)
}

func (h *API) serviceAtLocations(c echo.Context) error {
	ctx := c.Request().Context()
	p := query.New(c.QueryParams())
	pg, full := hsdsPaging(p), p.Bool("full", false)
	hsdsCheckFormat(p)
	f, err := h.serviceFilter(ctx, p)
	if err != nil {
		return err
	}
	var nowhere bool
	f.Near, f.RadiusM, nowhere = hsdsPostcodePlace(p)
	if err := p.Err(); err != nil {
		return err
	}
	if nowhere {
		return hsdsRespondPage(c, nil, pg, nil)
	}
	ids, err := h.allSites.list(h.index, f.IsZero(), func() ([]string, error) { return h.index.ServiceAtLocationIDs(ctx, f) })
	if err != nil {
		return err
	}
	a := hsds.NewAssembler(hsds.StoreLookup(ctx, h.store))
	return hsdsRespondPage(c, ids, pg, func(id string) (any, error) {
		sal, err := resources.Get[*resources.ServiceAtLocation](ctx, h.store, id)
		if err != nil {
			return nil, err
		}
		if full {
			return a.ServiceAtLocation(sal, true)
		}
		return a.ServiceAtLocationItem(sal)
	})
}

// hsdsPostcodePlace reads postcode and proximity: the ZIP code's centroid and
// the radius in metres, or nil. A ZIP code we do not know (a new one, or
// one with no people) is nowhere: nothing is near it, which the
// specification answers with an empty page, not an error. Only a postcode
// that cannot be a ZIP code is one.
func hsdsPostcodePlace(p *query.Params) (near *orb.Point, radius float64, nowhere bool) {
	radius = float64(hsdsDefaultProximity)
	if v, ok := p.Float("proximity", 0, hsdsMaxProximity); ok {
		if v == 0 {
			p.Errs.Add("proximity", "is 0; it must be more than 0 and at most %d metres", hsdsMaxProximity)
		}
		radius = v
	}
	zip := p.Str("postcode", 10)
	if zip == "" {
		if p.Q.Get("proximity") != "" {
			p.Errs.Add("proximity", "needs a postcode: it is measured from the postcode's centre")
		}
		return nil, 0, false
	}
	lat, lon, ok := data.Centroid(zip)
	switch {
	case ok:
		return &orb.Point{lon, lat}, radius, false
	case zipShaped(zip):
		return nil, 0, true
	}
	p.Errs.Add("postcode", "%q is not a US ZIP code (5 digits, or ZIP+4)", zip)
	return nil, 0, false
}

// zipShaped says whether s has the shape of a US ZIP code: 12345 or
// 12345-6789.
func zipShaped(s string) bool {
	digits := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	five, four, plus4 := strings.Cut(s, "-")
	return len(five) == 5 && digits(five) && (!plus4 || len(four) == 4 && digits(four))
}

func (h *API) serviceAtLocation(c echo.Context) error {
	ctx := c.Request().Context()
	sal, err := resources.Get[*resources.ServiceAtLocation](ctx, h.store, c.Param("id"))
	if err != nil {
		return err
	}
	full, err := hsds.NewAssembler(hsds.StoreLookup(ctx, h.store)).ServiceAtLocation(sal, true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, full)
}

func (h *API) organizations(c echo.Context) error {
	ctx := c.Request().Context()
	p := query.New(c.QueryParams())
	pg := hsdsPaging(p)
	full, fullService := p.Bool("full", false), p.Bool("full_service", false)
	hsdsCheckFormat(p)
	query := hsdsWords(p.Text("search"))
	since := hsdsSince(p, "modified_after")
	termID, taxonomyID := p.Str("taxonomy_term_id", 200), p.Str("taxonomy_id", 200)
	if err := p.Err(); err != nil {
		return err
	}
	// Organizations whose services name the term, from the search index.
	var byService map[string]bool
	var taxonomyTerms map[string]bool
	if termID != "" || taxonomyID != "" {
		f := index.IDFilter{}
		if termID != "" {
			f.TermIDs = []string{termID}
		}
		if taxonomyID != "" {
			terms, err := h.termsOf(ctx, taxonomyID)
			if err != nil {
				return err
			}
			f.AlsoTermIDs, taxonomyTerms = terms, hsdsSet(terms)
		}
		orgs, err := h.index.OrganizationIDs(ctx, f)
		if err != nil {
			return err
		}
		byService = hsdsSet(orgs)
	}
	var ids []string
	err := h.records.query(ctx, func(kinds map[resources.Kind]*hsdsKindList) error {
		ids = kinds[resources.KindOrganization].where(func(e *hsdsEntry) bool {
			if termID != "" || taxonomyID != "" {
				own := (termID == "" || slices.Contains(e.terms, termID)) && (taxonomyID == "" || hsdsAnyIn(e.terms, taxonomyTerms))
				if !own && !byService[e.id] {
					return false
				}
			}
			return e.matchesWords(query) && (since.IsZero() || !e.lastModified.Before(since))
		})
		return nil
	})
	if err != nil {
		return err
	}
	a := hsds.NewAssembler(hsds.StoreLookup(ctx, h.store))
	return hsdsRespondPage(c, ids, pg, func(id string) (any, error) {
		o, err := resources.Get[*resources.Organization](ctx, h.store, id)
		if err != nil {
			return nil, err
		}
		if full || fullService {
			return a.Organization(o, fullService)
		}
		return hsds.OrganizationItem(o), nil
	})
}

func (h *API) organization(c echo.Context) error {
	ctx := c.Request().Context()
	p := query.New(c.QueryParams())
	fullService := p.Bool("full_service", false)
	if err := p.Err(); err != nil {
		return err
	}
	o, err := resources.Get[*resources.Organization](ctx, h.store, c.Param("id"))
	if err != nil {
		return err
	}
	full, err := hsds.NewAssembler(hsds.StoreLookup(ctx, h.store)).Organization(o, fullService)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, full)
}

func (h *API) taxonomies(c echo.Context) error {
	ctx := c.Request().Context()
	p := query.New(c.QueryParams())
	pg := hsdsPaging(p)
	hsdsCheckFormat(p)
	query := hsdsWords(p.Text("search"))
	since := hsdsSince(p, "modified_after")
	if err := p.Err(); err != nil {
		return err
	}
	var ids []string
	err := h.records.query(ctx, func(kinds map[resources.Kind]*hsdsKindList) error {
		ids = kinds[resources.KindTaxonomy].where(func(e *hsdsEntry) bool {
			return e.matchesWords(query) && (since.IsZero() || !e.lastModified.Before(since))
		})
		return nil
	})
	if err != nil {
		return err
	}
	return hsdsRespondPage(c, ids, pg, func(id string) (any, error) {
		return h.store.Get(ctx, resources.KindTaxonomy, id)
	})
}

func (h *API) taxonomy(c echo.Context) error {
	t, err := h.store.Get(c.Request().Context(), resources.KindTaxonomy, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (h *API) terms(c echo.Context) error {
	ctx := c.Request().Context()
	p := query.New(c.QueryParams())
	pg := hsdsPaging(p)
	hsdsCheckFormat(p)
	query := hsdsWords(p.Text("search"))
	since := hsdsSince(p, "modified_after")
	taxonomyID, parentID := p.Str("taxonomy_id", 200), p.Str("parent_id", 200)
	topOnly := p.Bool("top_only", false)
	if err := p.Err(); err != nil {
		return err
	}
	var ids []string
	err := h.records.query(ctx, func(kinds map[resources.Kind]*hsdsKindList) error {
		ids = kinds[resources.KindTaxonomyTerm].where(func(e *hsdsEntry) bool {
			return (taxonomyID == "" || e.taxonomyID == taxonomyID) &&
				(parentID == "" || e.parentID == parentID) &&
				(!topOnly || e.parentID == "") &&
				e.matchesWords(query) && (since.IsZero() || !e.lastModified.Before(since))
		})
		return nil
	})
	if err != nil {
		return err
	}
	a := hsds.NewAssembler(hsds.StoreLookup(ctx, h.store))
	return hsdsRespondPage(c, ids, pg, func(id string) (any, error) {
		t, err := a.Term(id)
		if err == nil && t == nil {
			err = resources.Errorf(resources.ENOTFOUND, "there is no taxonomy_term %q", id)
		}
		return t, err
	})
}

func (h *API) term(c echo.Context) error {
	id := c.Param("id")
	t, err := hsds.NewAssembler(hsds.StoreLookup(c.Request().Context(), h.store)).Term(id)
	if err != nil {
		return err
	}
	if t == nil {
		return resources.Errorf(resources.ENOTFOUND, "there is no taxonomy_term %q", id)
	}
	return c.JSON(http.StatusOK, t)
}

func hsdsSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func hsdsAnyIn(list []string, set map[string]bool) bool {
	for _, v := range list {
		if set[v] {
			return true
		}
	}
	return false
}
