// Package listing holds what the search index knows of one place where a
// service is offered and the matcher ranks by: one struct that both share,
// so that a match's candidates point at the index's documents instead of
// copying them field by field.
package listing

import "github.com/paulmach/orb"

// Listing is one place where a service is offered (a service_at_location),
// or a service with no place, as search results show it and matching ranks
// it. It is read-only once the index holds it: documents are replaced, not
// changed.
type Listing struct {
	// ID is the service_at_location id, or "service:" + the service id for
	// a service with no location.
	ID                  string
	ServiceID           string
	ServiceAtLocationID string
	Name                string
	OrganizationID      string
	OrganizationName    string
	Address             string
	Phones              []string
	// Needs are the needs the service's taxonomy terms serve.
	Needs []string
	Terms []Term
	// Point is the site's place ([lon, lat]) when HasPoint.
	Point    orb.Point
	HasPoint bool
	// Virtual: online or by phone, with no place to go to.
	Virtual bool
	// Languages are lower-cased names and codes ("spanish", "es").
	Languages []string
	Free      bool
	// Eligibility is the service's eligibility text; MinAge and MaxAge its
	// structured ages.
	Eligibility    string
	MinAge, MaxAge *float64
	// LastVerified is the source's own date of the listing's last check
	// (YYYY-MM-DD), or "" when the source does not say; never the day of
	// an import.
	LastVerified string
}

// Term is a taxonomy term on a listing.
type Term struct {
	ID   string `json:"-"`
	Code string `json:"code,omitempty"`
	Name string `json:"name"`
}
