package resources

import (
	"context"
	"errors"
)

// Kind names a kind of stored record. The names are HSDS's table names.
type Kind string

// The kinds the store keeps, in the order an import writes them so that
// every record's references are stored before it.
const (
	KindTaxonomy          Kind = "taxonomy"
	KindTaxonomyTerm      Kind = "taxonomy_term"
	KindOrganization      Kind = "organization"
	KindProgram           Kind = "program"
	KindLocation          Kind = "location"
	KindService           Kind = "service"
	KindServiceAtLocation Kind = "service_at_location"
)

// Kinds lists every stored kind, parents before children.
var Kinds = []Kind{
	KindTaxonomy, KindTaxonomyTerm, KindOrganization, KindProgram,
	KindLocation, KindService, KindServiceAtLocation,
}

// ParseKind returns the Kind named s, or EINVALID.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", Errorf(EINVALID, "unknown record kind %q", s)
}

// Record is one stored HSDS record: an *Organization, *Program, *Service,
// *Location, *ServiceAtLocation, *Taxonomy or *TaxonomyTerm.
type Record interface {
	Kind() Kind
	RecordID() string
	// Validate checks the record on its own (not its references) and
	// returns EINVALID naming every bad field.
	Validate() error
	tracked() *Tracked
}

func (*Organization) Kind() Kind      { return KindOrganization }
func (*Program) Kind() Kind           { return KindProgram }
func (*Service) Kind() Kind           { return KindService }
func (*Location) Kind() Kind          { return KindLocation }
func (*ServiceAtLocation) Kind() Kind { return KindServiceAtLocation }
func (*Taxonomy) Kind() Kind          { return KindTaxonomy }
func (*TaxonomyTerm) Kind() Kind      { return KindTaxonomyTerm }

func (r *Organization) RecordID() string      { return r.ID }
func (r *Program) RecordID() string           { return r.ID }
func (r *Service) RecordID() string           { return r.ID }
func (r *Location) RecordID() string          { return r.ID }
func (r *ServiceAtLocation) RecordID() string { return r.ID }
func (r *Taxonomy) RecordID() string          { return r.ID }
func (r *TaxonomyTerm) RecordID() string      { return r.ID }

// TrackedOf gives access to a record's version, last_modified and
// assured_date.
func TrackedOf(r Record) *Tracked { return r.tracked() }

// NewRecord returns an empty record of kind k, ready to unmarshal into.
func NewRecord(k Kind) (Record, error) {
	switch k {
	case KindOrganization:
		return &Organization{}, nil
	case KindProgram:
		return &Program{}, nil
	case KindService:
		return &Service{}, nil
	case KindLocation:
		return &Location{}, nil
	case KindServiceAtLocation:
		return &ServiceAtLocation{}, nil
	case KindTaxonomy:
		return &Taxonomy{}, nil
	case KindTaxonomyTerm:
		return &TaxonomyTerm{}, nil
	}
	return nil, Errorf(EINVALID, "unknown record kind %q", k)
}

// Flat returns a copy of r as the store keeps it: without the nested parents
// and children that only full views carry. A link given only by a nested
// parent (a service's organization as an object, an attribute's taxonomy
// term) keeps the parent's id, so flattening never loses it.
func Flat(r Record) Record {
	switch r := r.(type) {
	case *Organization:
		c := *r
		c.Locations, c.Programs, c.Services = nil, nil, nil
		c.Attributes = flatAttributes(c.Attributes)
		return &c
	case *Program:
		c := *r
		c.Attributes = flatAttributes(c.Attributes)
		return &c
	case *Service:
		c := *r
		if c.OrganizationID == "" && c.Organization != nil {
			c.OrganizationID = c.Organization.ID
		}
		if c.ProgramID == "" && c.Program != nil {
			c.ProgramID = c.Program.ID
		}
		c.Organization, c.Program, c.ServiceAtLocations = nil, nil, nil
		c.Attributes = flatAttributes(c.Attributes)
		return &c
	case *Location:
		c := *r
		c.Attributes = flatAttributes(c.Attributes)
		return &c
	case *ServiceAtLocation:
		c := *r
		if c.ServiceID == "" && c.Service != nil {
			c.ServiceID = c.Service.ID
		}
		if c.LocationID == "" && c.Location != nil {
			c.LocationID = c.Location.ID
		}
		c.Location, c.Service = nil, nil
		c.Attributes = flatAttributes(c.Attributes)
		return &c
	case *Taxonomy:
		c := *r
		return &c
	case *TaxonomyTerm:
		c := *r
		if c.TaxonomyID == "" && c.TaxonomyDetail != nil {
			c.TaxonomyID = c.TaxonomyDetail.ID
		}
		c.TaxonomyDetail = nil
		return &c
	}
	return r
}

// flatAttributes returns attrs with each nested taxonomy term replaced by
// its id, in a new slice.
func flatAttributes(attrs []Attribute) []Attribute {
	if len(attrs) == 0 {
		return attrs
	}
	out := make([]Attribute, len(attrs))
	for i, a := range attrs {
		if a.TaxonomyTermID == "" && a.TaxonomyTerm != nil {
			a.TaxonomyTermID = a.TaxonomyTerm.ID
		}
		a.TaxonomyTerm = nil
		out[i] = a
	}
	return out
}

// Ref names a stored record.
type Ref struct {
	Kind Kind
	ID   string
}

// Parent names a record that another record refers to.
type Parent struct {
	Field string // the referring field, e.g. "organization_id"
	Kind  Kind
	ID    string
}

// References returns the stored records that r points at and that must exist
// for r to be stored. Taxonomy terms named by attributes are included, so an
// attribute never points at nothing.
func References(r Record) []Parent {
	var refs []Parent
	add := func(field string, k Kind, id string) {
		if id != "" {
			refs = append(refs, Parent{field, k, id})
		}
	}
	addAttrs := func(prefix string, attrs []Attribute) {
		for i, a := range attrs {
			add(indexed(prefix, i)+".taxonomy_term_id", KindTaxonomyTerm, a.TaxonomyTermID)
		}
	}
	switch r := r.(type) {
	case *Organization:
		add("parent_organization_id", KindOrganization, r.ParentOrganizationID)
		addAttrs("attributes", r.Attributes)
	case *Program:
		add("organization_id", KindOrganization, r.OrganizationID)
		addAttrs("attributes", r.Attributes)
	case *Service:
		add("organization_id", KindOrganization, r.OrganizationID)
		add("program_id", KindProgram, r.ProgramID)
		addAttrs("attributes", r.Attributes)
	case *Location:
		add("organization_id", KindOrganization, r.OrganizationID)
		addAttrs("attributes", r.Attributes)
	case *ServiceAtLocation:
		add("service_id", KindService, r.ServiceID)
		add("location_id", KindLocation, r.LocationID)
		addAttrs("attributes", r.Attributes)
	case *TaxonomyTerm:
		add("taxonomy_id", KindTaxonomy, r.TaxonomyID)
		add("parent_id", KindTaxonomyTerm, r.ParentID)
	}
	return refs
}

// OwnerOrganization returns the id of the organization a record belongs to,
// where the record itself says ("" for taxonomy records and for a
// service_at_location, whose owner is its service's).
func OwnerOrganization(r Record) string {
	switch r := r.(type) {
	case *Organization:
		return r.ID
	case *Program:
		return r.OrganizationID
	case *Service:
		return r.OrganizationID
	case *Location:
		return r.OrganizationID
	}
	return ""
}

// Change is one entry of the store's change log. Followers (the search
// index, later the webhook outbox) apply changes in Seq order.
type Change struct {
	Seq     uint64 `json:"seq"`
	Kind    Kind   `json:"kind"`
	ID      string `json:"id"`
	Deleted bool   `json:"deleted,omitempty"`
	Version uint64 `json:"version"`
}

// ListOptions selects records for Store.List.
type ListOptions struct {
	// After returns records whose id sorts after this one (for paging).
	After string
	// Limit caps the number returned; 0 means no cap.
	Limit int
	// Of keeps only the records that point at this one: an
	// organization's services, locations or programs; a service's or a
	// location's service_at_locations; a taxonomy's terms. The zero Ref
	// means all records.
	Of Ref
	// Undecodable, when set, is told of each record whose stored bytes
	// cannot be decoded (damaged on disk, or written by something else),
	// which List then leaves out instead of failing: a build of the index
	// skips one bad record rather than stopping the directory. Without
	// it, List fails with an error wrapping ErrUndecodable.
	Undecodable func(k Kind, id string, err error)
}

// ErrUndecodable is wrapped by the store's errors for a record whose stored
// bytes cannot be decoded.
var ErrUndecodable = errors.New("the stored record cannot be decoded")

// BatchResult counts what a PutBatch did.
type BatchResult struct {
	Created   int
	Updated   int
	Unchanged int
	// Rejected holds one error per record that was not written, with the
	// record's kind and id in its message; the rest of the batch is written.
	Rejected []error
}

// Reader reads records: a Store, or one view of it (Viewer).
type Reader interface {
	// Get returns the record of kind k with that id; ENOTFOUND if none.
	Get(ctx context.Context, k Kind, id string) (Record, error)
	// List returns records of kind k in id order.
	List(ctx context.Context, k Kind, opts ListOptions) ([]Record, error)
}

// Viewer is a store that reads in views: the reads of one call of read
// see the store as it was when the call began, in one read transaction
// instead of one each (a service's documents for the index read its
// sites, their locations and its capacity: four transactions cost 0.1 of
// the 4 CPU s of a 20k index build). read must not write, nor keep r.
type Viewer interface {
	View(ctx context.Context, read func(r Reader) error) error
}

// Store is the record of truth. Every method is safe for concurrent use.
type Store interface {
	// Get returns the record of kind k with that id; ENOTFOUND if none.
	Get(ctx context.Context, k Kind, id string) (Record, error)

	// Create stores a new record. EINVALID if it fails validation or
	// points at a record that does not exist; ECONFLICT if the id is taken.
	// The stored record, with its version, is returned. Its last_modified
	// is the time of the write, whatever r says: an edit is a change in
	// this directory (only PutBatch keeps a source's own value).
	Create(ctx context.Context, r Record) (Record, error)

	// Update replaces a record, stamping last_modified as Create does.
	// With ifVersion > 0 the write happens only if the stored version is
	// still ifVersion (else ECONFLICT). ENOTFOUND if there is no such
	// record; EINVALID as for Create.
	Update(ctx context.Context, r Record, ifVersion uint64) (Record, error)

	// Delete removes a record, with ifVersion as for Update. ECONFLICT if
	// other records still point at it; ENOTFOUND if there is none.
	Delete(ctx context.Context, k Kind, id string, ifVersion uint64) error

	// List returns records of kind k in id order.
	List(ctx context.Context, k Kind, opts ListOptions) ([]Record, error)

	// Count returns how many records of kind k there are.
	Count(ctx context.Context, k Kind) (int, error)

	// PutBatch creates or replaces many records in one transaction, in the
	// order given, skipping those whose content did not change. A record
	// that is invalid or points at nothing is rejected, not fatal.
	PutBatch(ctx context.Context, rs []Record) (BatchResult, error)

	// Transact runs fn in one write transaction: everything fn writes
	// commits together, or nothing does when fn returns an error (which
	// Transact returns). Writers wait for each other, so fn must be quick
	// and must not keep tx.
	Transact(ctx context.Context, fn func(tx Tx) error) error

	// Changes returns up to limit change-log entries after seq, in order.
	Changes(ctx context.Context, after uint64, limit int) ([]Change, error)

	// LastSeq returns the sequence number of the newest change (0 if none).
	LastSeq(ctx context.Context) (uint64, error)

	// Identity returns a random id the store was given when it was made;
	// a copy (a backup) keeps it. Followers check it so that an index of
	// one store is never taken for an index of another.
	Identity(ctx context.Context) (string, error)
}

// Tx reads and writes inside one transaction of the store: its reads see
// its own writes. Its methods behave as the Store's of the same name.
// Every write made through a Store or a Tx records in the audit trail the
// Actor of the context given (see WithActor).
type Tx interface {
	Get(k Kind, id string) (Record, error)
	List(k Kind, opts ListOptions) ([]Record, error)
	Create(r Record) (Record, error)
	Update(r Record, ifVersion uint64) (Record, error)
	Delete(k Kind, id string, ifVersion uint64) error
}

// Get returns the record of type T with that id; ENOTFOUND if none.
func Get[T Record](ctx context.Context, s Reader, id string) (T, error) {
	var zero T
	r, err := s.Get(ctx, zero.Kind(), id)
	if err != nil {
		return zero, err
	}
	return r.(T), nil
}
