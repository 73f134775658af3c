package api

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
)

// Search limits, as the contract says.
const (
	DefaultRadiusKm = 25
	maxRadiusKm     = 200
	defaultPerPage  = 20
	maxPerPage      = 100
)

type searchResponse struct {
	Total   int                       `json:"total"`
	Page    int                       `json:"page"`
	PerPage int                       `json:"per_page"`
	Results []SearchResult            `json:"results"`
	Facets  map[string]map[string]int `json:"facets"`
}

type orgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SearchResult is one result of a search as the contract gives it; the
// web pages show the same fields.
type SearchResult struct {
	ServiceID           string   `json:"service_id"`
	ServiceAtLocationID string   `json:"service_at_location_id,omitempty"`
	LocationID          string   `json:"location_id,omitempty"`
	Name                string   `json:"name"`
	Organization        orgRef   `json:"organization"`
	Description         string   `json:"description,omitempty"`
	DistanceKm          *float64 `json:"distance_km,omitempty"`
	// Served is true when the service covers the client's place by its
	// service area (it may be far away).
	Served      bool     `json:"served_in_area,omitempty"`
	Latitude    *float64 `json:"latitude,omitempty"`
	Longitude   *float64 `json:"longitude,omitempty"`
	Approximate bool     `json:"location_approximate,omitempty"`
	Address     string   `json:"address,omitempty"`
	Phones      []string `json:"phones"`
	Languages   []string `json:"languages"`
	// OpenNow is null when the listing gives no hours.
	OpenNow       *bool        `json:"open_now"`
	OpenUntil     string       `json:"open_until,omitempty"`
	Needs         []string     `json:"needs"`
	TaxonomyTerms []index.Term `json:"taxonomy_terms"`
	Score         float64      `json:"score"`
	LastVerified  string       `json:"last_verified,omitempty"`
	// Capacity is what the organization last said of its room to take
	// clients ("unknown" when never said or older than 30 days).
	Capacity resources.CapacityView `json:"capacity"`
}

// searchQuery reads and checks the search parameters.
func (s *Server) searchQuery(c echo.Context) (index.Query, error) {
	return SearchQuery(s.vocab, c.QueryParams())
}

// SearchQuery reads and checks a search's parameters: the one reading of
// them, which the API and the search page share.
func SearchQuery(vocab *matcher.Vocabulary, values url.Values) (index.Query, error) {
	p := newParams(values)
	q := index.Query{
		Text:           p.text("q"),
		Needs:          p.list("need", 30),
		Taxonomy:       p.list("taxonomy_term", 30),
		Language:       p.str("language", 100),
		OpenNow:        p.bool("open_now", false),
		At:             p.time("at"),
		Free:           p.bool("free", false),
		IncludeVirtual: p.bool("include_virtual", true),
		Sort:           p.oneOf("sort", index.SortRelevance, index.SortRelevance, index.SortDistance, index.SortName),
		Page:           p.int("page", 1, 1, 10000),
		PerPage:        p.int("per_page", defaultPerPage, 1, maxPerPage),
	}
	for _, n := range q.Needs {
		if _, ok := vocab.Need(n); !ok {
			p.errs.Add("need", "%q is not a need code; GET /api/v1/needs lists them", n)
		}
	}
	if age, ok := p.float("age", 0, 150); ok {
		q.Age = &age
	}
	q.Gender = p.oneOf("gender", "", "female", "male")
	q.Near = place(p)
	q.RadiusKm = DefaultRadiusKm
	if r, ok := p.float("radius_km", 0, maxRadiusKm); ok {
		if r == 0 {
			p.errs.Add("radius_km", "is 0; it must be more than 0 and at most %d", maxRadiusKm)
		}
		q.RadiusKm = r
	}
	if q.Sort == index.SortDistance && q.Near == nil {
		p.errs.Add("sort", "is distance, which needs latitude and longitude or a postcode")
	}
	return q, p.err()
}

// place reads latitude+longitude or a postcode (its ZIP centroid).
func place(p *params) *orb.Point {
	lat, okLat := p.float("latitude", -90, 90)
	lon, okLon := p.float("longitude", -180, 180)
	hasLat, hasLon := p.q.Get("latitude") != "", p.q.Get("longitude") != ""
	switch {
	case hasLat != hasLon:
		p.errs.Add("latitude", "and longitude must be given together")
	case okLat && okLon:
		return &orb.Point{lon, lat}
	case hasLat:
		return nil // already reported
	}
	if zip := p.str("postcode", 10); zip != "" {
		lat, lon, ok := data.Centroid(zip)
		if !ok {
			p.errs.Add("postcode", "%q is not a US ZIP code we know", zip)
			return nil
		}
		return &orb.Point{lon, lat}
	}
	return nil
}

func (s *Server) search(c echo.Context) error {
	q, err := s.searchQuery(c)
	if err != nil {
		return err
	}
	res, err := s.index.Search(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := searchResponse{Total: res.Total, Page: q.Page, PerPage: q.PerPage, Results: make([]SearchResult, 0, len(res.Hits)), Facets: res.Facets}
	at := q.At
	if at.IsZero() {
		at = s.now()
	}
	for _, h := range res.Hits {
		out.Results = append(out.Results, ResultOf(h, at))
	}
	return c.JSON(http.StatusOK, out)
}

// listDescriptionChars is how much of a description a search answer
// carries: enough to tell services apart; the record carries it all (a
// page of 100 whole descriptions was 4.7 MB).
const listDescriptionChars = 300

// ResultOf is the contract's form of a hit, its capacity judged at at.
func ResultOf(h index.Hit, at time.Time) SearchResult {
	d := h.Doc
	r := SearchResult{
		ServiceID:           d.ServiceID,
		ServiceAtLocationID: d.ServiceAtLocationID,
		LocationID:          d.LocationID,
		Name:                d.Name,
		Organization:        orgRef{d.OrganizationID, d.OrganizationName},
		Description:         Shorten(d.Description, listDescriptionChars),
		DistanceKm:          h.DistanceKm,
		Served:              h.Served,
		Approximate:         d.Approximate,
		Address:             d.Address,
		Phones:              nonNil(d.Phones),
		Languages:           nonNil(d.LanguageName),
		Needs:               nonNil(d.Needs),
		TaxonomyTerms:       nonNil(d.Terms),
		Score:               h.Score,
		LastVerified:        d.LastVerified,
		Capacity:            resources.ViewAt(d.Capacity, at),
	}
	if d.HasPoint {
		lat, lon := d.Point.Lat(), d.Point.Lon()
		r.Latitude, r.Longitude = &lat, &lon
	}
	if h.Open.Known {
		open := h.Open.Open
		r.OpenNow = &open
		r.OpenUntil = h.Open.Until
	}
	return r
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// needsResponse is GET /api/v1/needs.
type needsResponse struct {
	Needs []needOut `json:"needs"`
}

type needOut struct {
	Code        string `json:"code"`
	Label       string `json:"label"`
	Description string `json:"description"`
	GravityCode string `json:"gravity_code,omitempty"`
}

func (s *Server) needs(c echo.Context) error {
	out := needsResponse{Needs: make([]needOut, 0, len(s.vocab.Needs))}
	for _, n := range s.vocab.Needs {
		out.Needs = append(out.Needs, needOut{n.Code, n.Label, n.Description, n.GravityCode})
	}
	return c.JSON(http.StatusOK, out)
}

// Shorten cuts text to about n characters at a word, with an ellipsis.
func Shorten(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
