package listings

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// A service's sites are the locations it is offered at (its
// service_at_locations). Organization staff add, change and remove them in
// the pages; each change is placed from its address as an import places a
// site, so search by distance finds it as soon as it is saved.

// Place gives a site coordinates from its address when it has none, by the
// import's rule (hsds.PlaceAtCentroid over the bundled ZIP centroids):
// approximate, and marked so. Coordinates that old (the site as stored; nil
// for a new one) had for another physical address describe that address,
// not this one, so they are dropped first. It reports whether the site was
// placed at a ZIP centroid.
func Place(loc, old *resources.Location) bool {
	if old != nil && loc.Latitude != nil && old.Latitude != nil && loc.Longitude != nil && old.Longitude != nil &&
		*loc.Latitude == *old.Latitude && *loc.Longitude == *old.Longitude && !samePlace(PhysicalAddress(loc), PhysicalAddress(old)) {
		loc.Latitude, loc.Longitude, loc.GeocodeSource = nil, nil, ""
	}
	if loc.Latitude != nil || loc.Longitude != nil {
		return false
	}
	loc.GeocodeSource = ""
	return hsds.PlaceAtCentroid(loc, data.Centroid)
}

// PhysicalAddress is a site's first physical address (where people go), or
// nil.
func PhysicalAddress(loc *resources.Location) *resources.Address {
	for i := range loc.Addresses {
		if loc.Addresses[i].AddressType == resources.AddressPhysical {
			return &loc.Addresses[i]
		}
	}
	return nil
}

// samePlace reports whether two physical addresses name the same place,
// ignoring case and spacing.
func samePlace(a, b *resources.Address) bool {
	if a == nil || b == nil {
		return a == b
	}
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return norm(a.Address1) == norm(b.Address1) && norm(a.Address2) == norm(b.Address2) && norm(a.City) == norm(b.City) &&
		norm(a.StateProvince) == norm(b.StateProvince) && norm(a.PostalCode) == norm(b.PostalCode) && norm(a.Country) == norm(b.Country)
}

// Site is what a person says of a place where a service is offered.
type Site struct {
	Name                                      string
	Address1, City, StateProvince, PostalCode string
}

// checkSite names each field of a site that is missing or wrong: a site
// needs a street, a city, a state and a ZIP code that the directory knows,
// so that it can be found on a map; its name may be left empty.
func checkSite(s *Site) error {
	f := resources.FieldErrors{}
	for _, p := range []*string{&s.Name, &s.Address1, &s.City, &s.StateProvince, &s.PostalCode} {
		*p = strings.Join(strings.Fields(*p), " ")
	}
	for field, v := range map[string]string{"name": s.Name, "address_1": s.Address1, "city": s.City, "state_province": s.StateProvince, "postal_code": s.PostalCode} {
		switch {
		case v == "" && field != "name": // HSDS leaves a site's name optional
			f.Add(field, "is required")
		case resources.HasControl(v) || len(v) > 200:
			f.Add(field, "is not a line of text of at most 200 characters")
		}
	}
	if s.PostalCode != "" {
		if _, _, ok := data.Centroid(s.PostalCode); !ok {
			f.Add("postal_code", "is %q, not a US ZIP code the directory knows", s.PostalCode)
		}
	}
	return f.Err("the site")
}

// SaveSite adds a site to the service serviceID (locationID "") or changes
// the site locationID of it, if the site is at the version expected: its
// name and physical address, placed from the address (Place). Returns the
// location as stored. EINVALID names each bad field of s; ENOTFOUND when
// locationID is not one of the service's sites.
func SaveSite(ctx context.Context, store resources.Store, serviceID, locationID string, s Site, want Expect) (*resources.Location, error) {
	a := resources.ActorFrom(ctx, resources.Actor{})
	if err := checkSite(&s); err != nil {
		return nil, err
	}
	var out resources.Record
	err := store.Transact(ctx, func(tx resources.Tx) error {
		svcRec, err := tx.Get(resources.KindService, serviceID)
		if err != nil {
			return err
		}
		if err := Authorize(tx, a, svcRec, svcRec); err != nil {
			return err
		}
		svc := svcRec.(*resources.Service)
		if locationID == "" {
			loc := &resources.Location{ID: uuid.NewString(), LocationType: resources.LocationPhysical, OrganizationID: svc.OrganizationID}
			setSite(loc, s)
			if err := Authorize(tx, a, nil, loc); err != nil {
				return err
			}
			Place(loc, nil)
			if out, err = tx.Create(loc); err != nil {
				return err
			}
			_, err = tx.Create(&resources.ServiceAtLocation{ID: uuid.NewString(), ServiceID: svc.ID, LocationID: loc.ID})
			return err
		}
		if _, err := siteOf(tx, svc.ID, locationID); err != nil {
			return err
		}
		stored, err := tx.Get(resources.KindLocation, locationID)
		if err != nil {
			return err
		}
		old := stored.(*resources.Location)
		loc := *old
		loc.Addresses = append([]resources.Address(nil), old.Addresses...)
		setSite(&loc, s)
		if _, err := current(tx, a, resources.KindLocation, locationID, &loc, want); err != nil {
			return err
		}
		Place(&loc, old)
		keepVerification(&loc, old)
		out, err = tx.Update(&loc, old.Version)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out.(*resources.Location), nil
}

// setSite writes s into loc: its name, and its first physical address (made
// when it has none).
func setSite(loc *resources.Location, s Site) {
	loc.Name = s.Name
	addr := PhysicalAddress(loc)
	if addr == nil {
		loc.Addresses = append(loc.Addresses, resources.Address{ID: uuid.NewString(), LocationID: loc.ID, AddressType: resources.AddressPhysical, Country: "US"})
		addr = &loc.Addresses[len(loc.Addresses)-1]
	}
	addr.Address1, addr.City, addr.StateProvince, addr.PostalCode = s.Address1, s.City, s.StateProvince, s.PostalCode
	if addr.Country == "" {
		addr.Country = "US"
	}
}

// siteOf returns the service_at_location that offers the service at the
// location; ENOTFOUND when there is none.
func siteOf(tx resources.Tx, serviceID, locationID string) (*resources.ServiceAtLocation, error) {
	sals, err := SALs(tx.List(resources.KindServiceAtLocation, OfService(serviceID)))
	if err != nil {
		return nil, err
	}
	for i := range sals {
		if sals[i].LocationID == locationID {
			return &sals[i], nil
		}
	}
	return nil, resources.Errorf(resources.ENOTFOUND, "location %q is not one of service %q's sites", locationID, serviceID)
}

// RemoveSite stops offering the service serviceID at the location
// locationID, if the location is at the version expected. A location that
// then offers no service, and is the organization's own, is removed with
// it, so it is not left on the map.
func RemoveSite(ctx context.Context, store resources.Store, serviceID, locationID string, want Expect) error {
	a := resources.ActorFrom(ctx, resources.Actor{})
	return store.Transact(ctx, func(tx resources.Tx) error {
		svc, err := tx.Get(resources.KindService, serviceID)
		if err != nil {
			return err
		}
		if err := Authorize(tx, a, svc, svc); err != nil {
			return err
		}
		sal, err := siteOf(tx, serviceID, locationID)
		if err != nil {
			return err
		}
		loc, err := tx.Get(resources.KindLocation, locationID)
		if err != nil {
			return err
		}
		if err := want.check(loc); err != nil {
			return err
		}
		if err := tx.Delete(resources.KindServiceAtLocation, sal.ID, 0); err != nil {
			return err
		}
		rest, err := tx.List(resources.KindServiceAtLocation, resources.ListOptions{Of: resources.Ref{Kind: resources.KindLocation, ID: locationID}})
		if err != nil || len(rest) > 0 || Authorize(tx, a, loc, nil) != nil {
			return err
		}
		return tx.Delete(resources.KindLocation, locationID, resources.TrackedOf(loc).Version)
	})
}
