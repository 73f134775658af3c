package bolt

import "github.com/openreferral/refer/resources"

// flatten returns a copy of r as the store keeps it, which put may stamp
// without touching the caller's record (resources.Flat returns programs,
// locations and taxonomies themselves, not copies).
//
// Before resources.Flat drops a full view's nested parents, a link given only
// by its nested parent takes the parent's id: Service.Validate accepts a
// service whose organization is an object with no organization_id, and
// storing it flat would otherwise lose its organization. For the same
// reason attributes that carry their taxonomy term as an object keep its id;
// resources.Flat does that for services only.
func flatten(r resources.Record) resources.Record {
	switch r := r.(type) {
	case *resources.Organization:
		c := *r
		c.Attributes = linkAttributes(c.Attributes)
		return resources.Flat(&c)
	case *resources.Program:
		c := *r
		c.Attributes = linkAttributes(c.Attributes)
		return resources.Flat(&c)
	case *resources.Service:
		c := *r
		if c.OrganizationID == "" && c.Organization != nil {
			c.OrganizationID = c.Organization.ID
		}
		if c.ProgramID == "" && c.Program != nil {
			c.ProgramID = c.Program.ID
		}
		return resources.Flat(&c)
	case *resources.Location:
		c := *r
		c.Attributes = linkAttributes(c.Attributes)
		return resources.Flat(&c)
	case *resources.ServiceAtLocation:
		c := *r
		if c.ServiceID == "" && c.Service != nil {
			c.ServiceID = c.Service.ID
		}
		if c.LocationID == "" && c.Location != nil {
			c.LocationID = c.Location.ID
		}
		c.Attributes = linkAttributes(c.Attributes)
		return resources.Flat(&c)
	case *resources.Taxonomy:
		c := *r
		return resources.Flat(&c)
	case *resources.TaxonomyTerm:
		c := *r
		if c.TaxonomyID == "" && c.TaxonomyDetail != nil {
			c.TaxonomyID = c.TaxonomyDetail.ID
		}
		return resources.Flat(&c)
	}
	return resources.Flat(r)
}

// linkAttributes returns attrs with each nested taxonomy term replaced by its
// id, in a new slice, as resources.Flat does for a service's.
func linkAttributes(attrs []resources.Attribute) []resources.Attribute {
	if len(attrs) == 0 {
		return attrs
	}
	out := make([]resources.Attribute, len(attrs))
	for i, a := range attrs {
		if a.TaxonomyTermID == "" && a.TaxonomyTerm != nil {
			a.TaxonomyTermID = a.TaxonomyTerm.ID
		}
		a.TaxonomyTerm = nil
		out[i] = a
	}
	return out
}
