package hsds

// Full and list views. HSDS's full views nest what a record points at and
// what points at it: a service with its organization, program,
// service_at_locations and their locations, and every attribute with its
// taxonomy term and the term's taxonomy. Its list views keep a record's
// one-to-one fields. The export (services.json, organizations.json, …) and
// the HSDS read API (/api/hsds/…) both build them here, from a Lookup: the
// export's over a Directory in memory, the API's over the store
// (StoreLookup), so the two can never disagree on a record's shape.

import (
	"context"
	"fmt"
	"reflect"

	"github.com/refer-project/refer/resources"
)

// Lookup finds the records that views are built from.
type Lookup interface {
	// Get returns the record of kind k with that id, or nil if there is
	// none.
	Get(k resources.Kind, id string) (resources.Record, error)
	// Children returns the records of kind k that point at parent, in id
	// order: an organization's programs, locations or services, a
	// service's service_at_locations.
	Children(k resources.Kind, parent resources.Ref) ([]resources.Record, error)
}

// StoreLookup returns a Lookup that reads the store: one Get per record,
// and the store's index of references for children.
func StoreLookup(ctx context.Context, s resources.Store) Lookup { return storeLookup{ctx, s} }

type storeLookup struct {
	ctx context.Context
	s   resources.Store
}

func (l storeLookup) Get(k resources.Kind, id string) (resources.Record, error) {
	if id == "" {
		return nil, nil
	}
	r, err := l.s.Get(l.ctx, k, id)
	if resources.ErrorCode(err) == resources.ENOTFOUND {
		return nil, nil
	}
	return r, err
}

func (l storeLookup) Children(k resources.Kind, parent resources.Ref) ([]resources.Record, error) {
	if parent.ID == "" {
		return nil, nil // the zero Ref would list every record
	}
	return l.s.List(l.ctx, k, resources.ListOptions{Of: parent})
}

// Assembler builds views from a Lookup. It reads each term, organization,
// program and location once and shares the copy it made among the views
// that nest it, so make one per export or per request (what it keeps is
// not refreshed). It is not safe for concurrent use.
type Assembler struct {
	src       Lookup
	terms     map[string]*resources.TaxonomyTerm
	orgs      map[string]*resources.Organization
	programs  map[string]*resources.Program
	locations map[string]*resources.Location
}

// NewAssembler returns an Assembler reading src.
func NewAssembler(src Lookup) *Assembler {
	return &Assembler{
		src:       src,
		terms:     map[string]*resources.TaxonomyTerm{},
		orgs:      map[string]*resources.Organization{},
		programs:  map[string]*resources.Program{},
		locations: map[string]*resources.Location{},
	}
}

// get returns the record of type T with that id, or nil.
func get[T resources.Record](a *Assembler, id string) (T, error) {
	var zero T
	r, err := a.src.Get(zero.Kind(), id)
	if err != nil || r == nil {
		return zero, err
	}
	t, ok := r.(T)
	if !ok {
		return zero, fmt.Errorf("hsds: %s %q is a %T", zero.Kind(), id, r)
	}
	return t, nil
}

// memo returns m[id], making it with make the first time.
func memo[T any](m map[string]*T, id string, make func() (*T, error)) (*T, error) {
	if v, ok := m[id]; ok {
		return v, nil
	}
	v, err := make()
	if err != nil {
		return nil, err
	}
	m[id] = v
	return v, nil
}

// Term returns the taxonomy term with its taxonomy_detail, or nil if there
// is none.
func (a *Assembler) Term(id string) (*resources.TaxonomyTerm, error) {
	return memo(a.terms, id, func() (*resources.TaxonomyTerm, error) {
		t, err := get[*resources.TaxonomyTerm](a, id)
		if err != nil || t == nil {
			return nil, err
		}
		c := *t
		if c.TaxonomyDetail, err = get[*resources.Taxonomy](a, c.TaxonomyID); err != nil {
			return nil, err
		}
		return &c, nil
	})
}

// withTerms replaces the child slices of v (an addressable row of a table)
// by copies in which every attribute carries its taxonomy term; the
// records v was copied from are left as they are.
func (a *Assembler) withTerms(v reflect.Value) error {
	ht := tableByType[v.Type()]
	for _, k := range ht.kids {
		f := v.FieldByIndex(k.index)
		n := f.Len()
		if n == 0 {
			continue
		}
		c := reflect.MakeSlice(f.Type(), n, n)
		reflect.Copy(c, f)
		for i := 0; i < n; i++ {
			e := c.Index(i)
			if attr, ok := e.Addr().Interface().(*resources.Attribute); ok {
				t, err := a.Term(attr.TaxonomyTermID)
				if err != nil {
					return err
				}
				attr.TaxonomyTerm = t
			}
			if err := a.withTerms(e); err != nil {
				return err
			}
		}
		f.Set(c)
	}
	return nil
}

// full returns a copy of r whose attributes, at every depth, carry their
// taxonomy terms.
func full[T any](a *Assembler, r *T) (*T, error) {
	c := *r
	if err := a.withTerms(reflect.ValueOf(&c).Elem()); err != nil {
		return nil, err
	}
	return &c, nil
}

// oneToOne returns a copy of r without its children (phones, schedules,
// attributes, …): what HSDS's list views show of a record.
func oneToOne[T any](r *T) *T {
	c := *r
	v := reflect.ValueOf(&c).Elem()
	for _, k := range tableByType[v.Type()].kids {
		v.FieldByIndex(k.index).SetZero()
	}
	return &c
}

// organization returns the organization with that id as services nest it
// (without its own programs, locations and services), or nil.
func (a *Assembler) organization(id string, known *resources.Organization) (*resources.Organization, error) {
	return memo(a.orgs, id, func() (*resources.Organization, error) {
		o, err := orGet(a, id, known)
		if err != nil || o == nil {
			return nil, err
		}
		c, err := full(a, o)
		if err != nil {
			return nil, err
		}
		c.Locations, c.Programs, c.Services = nil, nil, nil
		return c, nil
	})
}

// program and location return the record with that id in full, or nil;
// known, if not nil, is that record, already read.
func (a *Assembler) program(id string, known *resources.Program) (*resources.Program, error) {
	return memo(a.programs, id, func() (*resources.Program, error) {
		p, err := orGet(a, id, known)
		if err != nil || p == nil {
			return nil, err
		}
		return a.Program(p)
	})
}

func (a *Assembler) location(id string, known *resources.Location) (*resources.Location, error) {
	return memo(a.locations, id, func() (*resources.Location, error) {
		l, err := orGet(a, id, known)
		if err != nil || l == nil {
			return nil, err
		}
		return a.Location(l)
	})
}

// orGet returns known if it is not nil, else the record with that id.
func orGet[T resources.Record](a *Assembler, id string, known T) (T, error) {
	if !reflect.ValueOf(known).IsNil() {
		return known, nil
	}
	return get[T](a, id)
}

// Program returns the program in full (attributes with their terms).
func (a *Assembler) Program(p *resources.Program) (*resources.Program, error) { return full(a, p) }

// Location returns the location in full (attributes with their terms).
func (a *Assembler) Location(l *resources.Location) (*resources.Location, error) { return full(a, l) }

// Service returns the full service (compiled/service.json): its
// organization (without the organization's programs, locations and
// services), its program, its service_at_locations in id order each with
// its location, and attributes with their taxonomy_term and its
// taxonomy_detail.
func (a *Assembler) Service(s *resources.Service) (*resources.Service, error) {
	return a.service(s, true)
}

// service is Service, without the service_at_locations unless withSites.
func (a *Assembler) service(s *resources.Service, withSites bool) (*resources.Service, error) {
	c, err := full(a, s)
	if err != nil {
		return nil, err
	}
	if c.Organization, err = a.organization(c.OrganizationID, nil); err != nil {
		return nil, err
	}
	if c.Program, err = a.program(c.ProgramID, nil); err != nil {
		return nil, err
	}
	c.ServiceAtLocations = nil
	if !withSites {
		return c, nil
	}
	sals, err := a.src.Children(resources.KindServiceAtLocation, resources.Ref{Kind: resources.KindService, ID: s.ID})
	if err != nil {
		return nil, err
	}
	for _, r := range sals {
		sal, err := a.ServiceAtLocation(r.(*resources.ServiceAtLocation), false)
		if err != nil {
			return nil, err
		}
		c.ServiceAtLocations = append(c.ServiceAtLocations, *sal)
	}
	return c, nil
}

// ServiceAtLocation returns the service_at_location in full
// (compiled/service_at_location.json): with its location, and with
// withService its service in full but for the service's own
// service_at_locations.
func (a *Assembler) ServiceAtLocation(sal *resources.ServiceAtLocation, withService bool) (*resources.ServiceAtLocation, error) {
	c, err := full(a, sal)
	if err != nil {
		return nil, err
	}
	c.Service = nil
	if c.Location, err = a.location(sal.LocationID, nil); err != nil {
		return nil, err
	}
	if withService {
		svc, err := get[*resources.Service](a, sal.ServiceID)
		if err != nil {
			return nil, err
		}
		if svc != nil {
			if c.Service, err = a.service(svc, false); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// Organization returns the full organization (compiled/organization.json):
// with its programs and locations, and with withServices its services in
// full, each without the organization again.
func (a *Assembler) Organization(o *resources.Organization, withServices bool) (*resources.Organization, error) {
	nested, err := a.organization(o.ID, o)
	if err != nil {
		return nil, err
	}
	c := *nested
	ref := resources.Ref{Kind: resources.KindOrganization, ID: o.ID}
	programs, err := a.src.Children(resources.KindProgram, ref)
	if err != nil {
		return nil, err
	}
	for _, r := range programs {
		p, err := a.program(r.RecordID(), r.(*resources.Program))
		if err != nil {
			return nil, err
		}
		c.Programs = append(c.Programs, *p)
	}
	locations, err := a.src.Children(resources.KindLocation, ref)
	if err != nil {
		return nil, err
	}
	for _, r := range locations {
		l, err := a.location(r.RecordID(), r.(*resources.Location))
		if err != nil {
			return nil, err
		}
		c.Locations = append(c.Locations, *l)
	}
	if withServices {
		services, err := a.src.Children(resources.KindService, ref)
		if err != nil {
			return nil, err
		}
		for _, r := range services {
			s, err := a.Service(r.(*resources.Service))
			if err != nil {
				return nil, err
			}
			s.Organization = nil
			c.Services = append(c.Services, *s)
		}
	}
	return &c, nil
}

// ServiceItem returns the service as HSDS lists show it
// (compiled/service_list.json): its one-to-one fields, with its
// organization's and program's.
func (a *Assembler) ServiceItem(s *resources.Service) (*resources.Service, error) {
	c := oneToOne(s)
	c.Organization, c.Program, c.ServiceAtLocations = nil, nil, nil
	if org, err := a.organization(s.OrganizationID, nil); err != nil {
		return nil, err
	} else if org != nil {
		c.Organization = OrganizationItem(org)
	}
	if p, err := a.program(s.ProgramID, nil); err != nil {
		return nil, err
	} else if p != nil {
		c.Program = oneToOne(p)
	}
	return c, nil
}

func (a *Assembler) serviceItemByID(id string) (*resources.Service, error) {
	s, err := get[*resources.Service](a, id)
	if err != nil || s == nil {
		return nil, err
	}
	return a.ServiceItem(s)
}

// ServiceAtLocationItem returns the service_at_location as HSDS lists show
// it (compiled/service_at_location_list.json): its one-to-one fields, its
// location's, and its service as ServiceItem.
func (a *Assembler) ServiceAtLocationItem(sal *resources.ServiceAtLocation) (*resources.ServiceAtLocation, error) {
	c := oneToOne(sal)
	c.Location, c.Service = nil, nil
	if l, err := a.location(sal.LocationID, nil); err != nil {
		return nil, err
	} else if l != nil {
		c.Location = oneToOne(l)
	}
	var err error
	if c.Service, err = a.serviceItemByID(sal.ServiceID); err != nil {
		return nil, err
	}
	return c, nil
}

// OrganizationItem returns the organization as HSDS lists show it
// (compiled/organization_list.json): its one-to-one fields.
func OrganizationItem(o *resources.Organization) *resources.Organization {
	c := oneToOne(o)
	c.Locations, c.Programs, c.Services = nil, nil, nil
	return c
}
