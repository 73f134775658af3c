package resources

import "time"

// The types below follow Open Referral HSDS 3.0 (schema/*.json at
// openreferral/specification@3.0): field names and JSON names are the
// specification's own, so a record marshals to HSDS JSON as it is.
//
// Seven kinds are records of their own in the store (see Kind). The rest —
// phones, schedules, addresses, languages, … — belong to exactly one owner
// and live inside it, as they do in HSDS's nested JSON; their foreign-key
// fields are kept so tabular files round-trip.
//
// Nested parents (a service's organization, a service_at_location's
// location) appear only in "full" views built for export and the API; the
// store keeps records flat and linked by id.

// Tracked holds what every stored record carries besides its HSDS fields.
type Tracked struct {
	// LastModified is when the record last changed in this directory, or the
	// source's own value when an import brought one.
	LastModified *time.Time `json:"last_modified,omitempty"`
	// AssuredDate is the day someone confirmed the record was correct
	// ("YYYY-MM-DD"): the "last verified" date case managers trust.
	AssuredDate string `json:"assured_date,omitempty"`
	// Version increases with every stored change; the API shows it as the
	// ETag. It is not part of HSDS.
	Version uint64 `json:"-"`
}

func (t *Tracked) tracked() *Tracked { return t }

// Organization is HSDS organization.
type Organization struct {
	ID                      string                   `json:"id"`
	Name                    string                   `json:"name"`
	AlternateName           string                   `json:"alternate_name,omitempty"`
	Description             string                   `json:"description"`
	Email                   string                   `json:"email,omitempty"`
	Website                 string                   `json:"website,omitempty"`
	TaxStatus               string                   `json:"tax_status,omitempty"`
	TaxID                   string                   `json:"tax_id,omitempty"`
	YearIncorporated        *float64                 `json:"year_incorporated,omitempty"`
	LegalStatus             string                   `json:"legal_status,omitempty"`
	Logo                    string                   `json:"logo,omitempty"`
	URI                     string                   `json:"uri,omitempty"`
	ParentOrganizationID    string                   `json:"parent_organization_id,omitempty"`
	Funding                 []Funding                `json:"funding,omitempty"`
	Contacts                []Contact                `json:"contacts,omitempty"`
	Phones                  []Phone                  `json:"phones,omitempty"`
	OrganizationIdentifiers []OrganizationIdentifier `json:"organization_identifiers,omitempty"`
	Attributes              []Attribute              `json:"attributes,omitempty"`
	Metadata                []Metadata               `json:"metadata,omitempty"`
	Tracked

	// Full views only.
	Locations []Location `json:"locations,omitempty"`
	Programs  []Program  `json:"programs,omitempty"`
	Services  []Service  `json:"services,omitempty"`
}

// Program is HSDS program.
type Program struct {
	ID             string      `json:"id"`
	OrganizationID string      `json:"organization_id,omitempty"`
	Name           string      `json:"name"`
	AlternateName  string      `json:"alternate_name,omitempty"`
	Description    string      `json:"description"`
	Attributes     []Attribute `json:"attributes,omitempty"`
	Metadata       []Metadata  `json:"metadata,omitempty"`
	Tracked
}

// Service statuses (HSDS 3.0 service.status enum).
const (
	StatusActive            = "active"
	StatusInactive          = "inactive"
	StatusDefunct           = "defunct"
	StatusTemporarilyClosed = "temporarily closed"
)

// Service is HSDS service.
type Service struct {
	ID                     string             `json:"id"`
	OrganizationID         string             `json:"organization_id,omitempty"`
	ProgramID              string             `json:"program_id,omitempty"`
	Name                   string             `json:"name"`
	AlternateName          string             `json:"alternate_name,omitempty"`
	Description            string             `json:"description,omitempty"`
	URL                    string             `json:"url,omitempty"`
	Email                  string             `json:"email,omitempty"`
	Status                 string             `json:"status"`
	InterpretationServices string             `json:"interpretation_services,omitempty"`
	ApplicationProcess     string             `json:"application_process,omitempty"`
	FeesDescription        string             `json:"fees_description,omitempty"`
	WaitTime               string             `json:"wait_time,omitempty"`
	Fees                   string             `json:"fees,omitempty"`
	Accreditations         string             `json:"accreditations,omitempty"`
	EligibilityDescription string             `json:"eligibility_description,omitempty"`
	MinimumAge             *float64           `json:"minimum_age,omitempty"`
	MaximumAge             *float64           `json:"maximum_age,omitempty"`
	AssurerEmail           string             `json:"assurer_email,omitempty"`
	Licenses               string             `json:"licenses,omitempty"`
	Alert                  string             `json:"alert,omitempty"`
	Phones                 []Phone            `json:"phones,omitempty"`
	Schedules              []Schedule         `json:"schedules,omitempty"`
	ServiceAreas           []ServiceArea      `json:"service_areas,omitempty"`
	Languages              []Language         `json:"languages,omitempty"`
	Funding                []Funding          `json:"funding,omitempty"`
	CostOptions            []CostOption       `json:"cost_options,omitempty"`
	RequiredDocuments      []RequiredDocument `json:"required_documents,omitempty"`
	Contacts               []Contact          `json:"contacts,omitempty"`
	Attributes             []Attribute        `json:"attributes,omitempty"`
	Metadata               []Metadata         `json:"metadata,omitempty"`
	Tracked

	// Full views only.
	Organization       *Organization       `json:"organization,omitempty"`
	Program            *Program            `json:"program,omitempty"`
	ServiceAtLocations []ServiceAtLocation `json:"service_at_locations,omitempty"`
}

// ServiceAtLocation is HSDS service_at_location: a service offered at a place.
type ServiceAtLocation struct {
	ID          string      `json:"id"`
	ServiceID   string      `json:"service_id,omitempty"`
	LocationID  string      `json:"location_id,omitempty"`
	Description string      `json:"description,omitempty"`
	Contacts    []Contact   `json:"contacts,omitempty"`
	Phones      []Phone     `json:"phones,omitempty"`
	Schedules   []Schedule  `json:"schedules,omitempty"`
	Attributes  []Attribute `json:"attributes,omitempty"`
	Metadata    []Metadata  `json:"metadata,omitempty"`
	Tracked

	// Full views only.
	Location *Location `json:"location,omitempty"`
	Service  *Service  `json:"service,omitempty"`
}

// Location types (HSDS 3.0 location.location_type enum).
const (
	LocationPhysical = "physical"
	LocationPostal   = "postal"
	LocationVirtual  = "virtual"
)

// Location is HSDS location. Latitude and longitude are WGS84 degrees; nil
// means the source gave none.
type Location struct {
	ID                     string   `json:"id"`
	LocationType           string   `json:"location_type"`
	URL                    string   `json:"url,omitempty"`
	OrganizationID         string   `json:"organization_id,omitempty"`
	Name                   string   `json:"name,omitempty"`
	AlternateName          string   `json:"alternate_name,omitempty"`
	Description            string   `json:"description,omitempty"`
	Transportation         string   `json:"transportation,omitempty"`
	Latitude               *float64 `json:"latitude,omitempty"`
	Longitude              *float64 `json:"longitude,omitempty"`
	ExternalIdentifier     string   `json:"external_identifier,omitempty"`
	ExternalIdentifierType string   `json:"external_identifier_type,omitempty"`
	// GeocodeSource says where the coordinates came from when the source had
	// none: GeocodeZIPCentroid marks them approximate. An extension to HSDS.
	GeocodeSource string          `json:"geocode_source,omitempty"`
	Languages     []Language      `json:"languages,omitempty"`
	Addresses     []Address       `json:"addresses,omitempty"`
	Contacts      []Contact       `json:"contacts,omitempty"`
	Accessibility []Accessibility `json:"accessibility,omitempty"`
	Phones        []Phone         `json:"phones,omitempty"`
	Schedules     []Schedule      `json:"schedules,omitempty"`
	Attributes    []Attribute     `json:"attributes,omitempty"`
	Metadata      []Metadata      `json:"metadata,omitempty"`
	Tracked
}

// GeocodeZIPCentroid marks coordinates taken from the centroid of the
// location's ZIP code (US Census ZCTA internal point): approximate.
const GeocodeZIPCentroid = "zip_centroid"

// Address types (HSDS 3.0 address.address_type enum).
const (
	AddressPhysical = "physical"
	AddressPostal   = "postal"
	AddressVirtual  = "virtual"
)

// Address is HSDS address.
type Address struct {
	ID            string      `json:"id"`
	LocationID    string      `json:"location_id,omitempty"`
	Attention     string      `json:"attention,omitempty"`
	Address1      string      `json:"address_1"`
	Address2      string      `json:"address_2,omitempty"`
	City          string      `json:"city"`
	Region        string      `json:"region,omitempty"`
	StateProvince string      `json:"state_province"`
	PostalCode    string      `json:"postal_code"`
	Country       string      `json:"country"`
	AddressType   string      `json:"address_type"`
	Attributes    []Attribute `json:"attributes,omitempty"`
	Metadata      []Metadata  `json:"metadata,omitempty"`
}

// Phone is HSDS phone.
type Phone struct {
	ID                  string      `json:"id"`
	LocationID          string      `json:"location_id,omitempty"`
	ServiceID           string      `json:"service_id,omitempty"`
	OrganizationID      string      `json:"organization_id,omitempty"`
	ContactID           string      `json:"contact_id,omitempty"`
	ServiceAtLocationID string      `json:"service_at_location_id,omitempty"`
	Number              string      `json:"number"`
	Extension           *float64    `json:"extension,omitempty"`
	Type                string      `json:"type,omitempty"`
	Description         string      `json:"description,omitempty"`
	Languages           []Language  `json:"languages,omitempty"`
	Attributes          []Attribute `json:"attributes,omitempty"`
	Metadata            []Metadata  `json:"metadata,omitempty"`
}

// Contact is HSDS contact.
type Contact struct {
	ID                  string      `json:"id"`
	OrganizationID      string      `json:"organization_id,omitempty"`
	ServiceID           string      `json:"service_id,omitempty"`
	ServiceAtLocationID string      `json:"service_at_location_id,omitempty"`
	LocationID          string      `json:"location_id,omitempty"`
	Name                string      `json:"name,omitempty"`
	Title               string      `json:"title,omitempty"`
	Department          string      `json:"department,omitempty"`
	Email               string      `json:"email,omitempty"`
	Phones              []Phone     `json:"phones,omitempty"`
	Attributes          []Attribute `json:"attributes,omitempty"`
	Metadata            []Metadata  `json:"metadata,omitempty"`
}

// Schedule is HSDS schedule: iCalendar recurrence fields plus opening times.
// Timezone is a UTC offset in hours, as HSDS 3.0 defines it.
type Schedule struct {
	ID                  string      `json:"id"`
	ServiceID           string      `json:"service_id,omitempty"`
	LocationID          string      `json:"location_id,omitempty"`
	ServiceAtLocationID string      `json:"service_at_location_id,omitempty"`
	ValidFrom           string      `json:"valid_from,omitempty"`
	ValidTo             string      `json:"valid_to,omitempty"`
	DTStart             string      `json:"dtstart,omitempty"`
	Timezone            *float64    `json:"timezone,omitempty"`
	Until               string      `json:"until,omitempty"`
	Count               *float64    `json:"count,omitempty"`
	WKST                string      `json:"wkst,omitempty"`
	Freq                string      `json:"freq,omitempty"`
	Interval            *float64    `json:"interval,omitempty"`
	ByDay               string      `json:"byday,omitempty"`
	ByWeekNo            string      `json:"byweekno,omitempty"`
	ByMonthDay          string      `json:"bymonthday,omitempty"`
	ByYearDay           string      `json:"byyearday,omitempty"`
	Description         string      `json:"description,omitempty"`
	OpensAt             string      `json:"opens_at,omitempty"`
	ClosesAt            string      `json:"closes_at,omitempty"`
	ScheduleLink        string      `json:"schedule_link,omitempty"`
	AttendingType       string      `json:"attending_type,omitempty"`
	Notes               string      `json:"notes,omitempty"`
	Attributes          []Attribute `json:"attributes,omitempty"`
	Metadata            []Metadata  `json:"metadata,omitempty"`
}

// ServiceArea is HSDS service_area. With ExtentType "geojson", Extent holds a
// GeoJSON Polygon or MultiPolygon (or a Feature of one).
type ServiceArea struct {
	ID          string      `json:"id"`
	ServiceID   string      `json:"service_id,omitempty"`
	Name        string      `json:"name,omitempty"`
	Description string      `json:"description,omitempty"`
	Extent      string      `json:"extent,omitempty"`
	ExtentType  string      `json:"extent_type,omitempty"`
	URI         string      `json:"uri,omitempty"`
	Attributes  []Attribute `json:"attributes,omitempty"`
	Metadata    []Metadata  `json:"metadata,omitempty"`
}

// Language is HSDS language.
type Language struct {
	ID         string      `json:"id"`
	ServiceID  string      `json:"service_id,omitempty"`
	LocationID string      `json:"location_id,omitempty"`
	PhoneID    string      `json:"phone_id,omitempty"`
	Name       string      `json:"name,omitempty"`
	Code       string      `json:"code,omitempty"`
	Note       string      `json:"note,omitempty"`
	Attributes []Attribute `json:"attributes,omitempty"`
	Metadata   []Metadata  `json:"metadata,omitempty"`
}

// Accessibility is HSDS accessibility.
type Accessibility struct {
	ID          string      `json:"id"`
	LocationID  string      `json:"location_id,omitempty"`
	Description string      `json:"description,omitempty"`
	Details     string      `json:"details,omitempty"`
	URL         string      `json:"url,omitempty"`
	Attributes  []Attribute `json:"attributes,omitempty"`
	Metadata    []Metadata  `json:"metadata,omitempty"`
}

// CostOption is HSDS cost_option.
type CostOption struct {
	ID                string      `json:"id"`
	ServiceID         string      `json:"service_id,omitempty"`
	ValidFrom         string      `json:"valid_from,omitempty"`
	ValidTo           string      `json:"valid_to,omitempty"`
	Option            string      `json:"option,omitempty"`
	Currency          string      `json:"currency,omitempty"`
	Amount            *float64    `json:"amount,omitempty"`
	AmountDescription string      `json:"amount_description,omitempty"`
	Attributes        []Attribute `json:"attributes,omitempty"`
	Metadata          []Metadata  `json:"metadata,omitempty"`
}

// RequiredDocument is HSDS required_document.
type RequiredDocument struct {
	ID         string      `json:"id"`
	ServiceID  string      `json:"service_id,omitempty"`
	Document   string      `json:"document,omitempty"`
	URI        string      `json:"uri,omitempty"`
	Attributes []Attribute `json:"attributes,omitempty"`
	Metadata   []Metadata  `json:"metadata,omitempty"`
}

// Funding is HSDS funding.
type Funding struct {
	ID             string      `json:"id"`
	OrganizationID string      `json:"organization_id,omitempty"`
	ServiceID      string      `json:"service_id,omitempty"`
	Source         string      `json:"source,omitempty"`
	Attributes     []Attribute `json:"attributes,omitempty"`
	Metadata       []Metadata  `json:"metadata,omitempty"`
}

// OrganizationIdentifier is HSDS organization_identifier.
type OrganizationIdentifier struct {
	ID               string      `json:"id"`
	OrganizationID   string      `json:"organization_id,omitempty"`
	IdentifierScheme string      `json:"identifier_scheme,omitempty"`
	IdentifierType   string      `json:"identifier_type"`
	Identifier       string      `json:"identifier"`
	Attributes       []Attribute `json:"attributes,omitempty"`
	Metadata         []Metadata  `json:"metadata,omitempty"`
}

// Attribute is HSDS attribute: links a taxonomy term to a record. LinkType
// says what the term describes (a service's category, its eligibility, …).
type Attribute struct {
	ID             string        `json:"id"`
	LinkID         string        `json:"link_id,omitempty"`
	TaxonomyTermID string        `json:"taxonomy_term_id"`
	LinkType       string        `json:"link_type,omitempty"`
	LinkEntity     string        `json:"link_entity,omitempty"`
	Value          string        `json:"value,omitempty"`
	TaxonomyTerm   *TaxonomyTerm `json:"taxonomy_term,omitempty"` // full views only
	Metadata       []Metadata    `json:"metadata,omitempty"`
}

// Metadata is HSDS metadata: one recorded change of one field.
type Metadata struct {
	ID               string `json:"id"`
	ResourceID       string `json:"resource_id,omitempty"`
	ResourceType     string `json:"resource_type,omitempty"`
	LastActionDate   string `json:"last_action_date"`
	LastActionType   string `json:"last_action_type"`
	FieldName        string `json:"field_name"`
	PreviousValue    string `json:"previous_value"`
	ReplacementValue string `json:"replacement_value"`
	UpdatedBy        string `json:"updated_by"`
}

// Taxonomy is HSDS taxonomy: a vocabulary of terms.
type Taxonomy struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	URI         string     `json:"uri,omitempty"`
	Version     string     `json:"version,omitempty"`
	Metadata    []Metadata `json:"metadata,omitempty"`
	Tracked
}

// TaxonomyTerm is HSDS taxonomy_term. Code holds the vocabulary's own code
// (an AIRS-style "BD-1800.2000", an Open Eligibility id).
type TaxonomyTerm struct {
	ID             string     `json:"id"`
	Code           string     `json:"code,omitempty"`
	Name           string     `json:"name"`
	Description    string     `json:"description"`
	ParentID       string     `json:"parent_id,omitempty"`
	Taxonomy       string     `json:"taxonomy,omitempty"`
	TaxonomyDetail *Taxonomy  `json:"taxonomy_detail,omitempty"` // full views only
	Language       string     `json:"language,omitempty"`
	TaxonomyID     string     `json:"taxonomy_id,omitempty"`
	TermURI        string     `json:"term_uri,omitempty"`
	Metadata       []Metadata `json:"metadata,omitempty"`
	Tracked
}
