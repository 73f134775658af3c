package listings_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/listings"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

func openStore(tb testing.TB) *bolt.DB {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(tb.TempDir(), "refer.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	fixture.Seed(tb, db)
	return db
}

var staff = resources.Actor{UserID: "u-ana", Name: "ana@example.org", Role: resources.RoleOrgStaff, OrganizationID: "org"}

func f(v float64) *float64 { return &v }

func site(zip string) *resources.Location {
	return &resources.Location{ID: "l", LocationType: resources.LocationPhysical,
		Addresses: []resources.Address{{ID: "a", Address1: "1 Main St", City: "Miami", StateProvince: "FL", PostalCode: zip, AddressType: resources.AddressPhysical}}}
}

// TestPlace: a site is placed at its ZIP's centroid when it has no
// coordinates or keeps those of another address; its own are kept; a
// mailing address places nothing.
func TestPlace(t *testing.T) {
	lat, lon, ok := data.Centroid("33139")
	if !ok {
		t.Fatal("the bundled ZIP data has no 33139")
	}
	loc := site("33139")
	if !listings.Place(loc, nil) || *loc.Latitude != lat || *loc.Longitude != lon || loc.GeocodeSource != resources.GeocodeZIPCentroid {
		t.Errorf("not placed at 33139's centroid: %v %v %q", loc.Latitude, loc.Longitude, loc.GeocodeSource)
	}
	// Its own coordinates, same address: kept.
	old := site("33130")
	old.Latitude, old.Longitude = f(25.7617), f(-80.1918)
	same := site("33130")
	same.Latitude, same.Longitude = f(25.7617), f(-80.1918)
	if listings.Place(same, old) || *same.Latitude != 25.7617 || same.GeocodeSource != "" {
		t.Errorf("own coordinates moved: %v %q", *same.Latitude, same.GeocodeSource)
	}
	// Moved to another ZIP with the old coordinates: they are the old
	// address's, so it is placed again.
	moved := site("33139")
	moved.Latitude, moved.Longitude = f(25.7617), f(-80.1918)
	if !listings.Place(moved, old) || *moved.Latitude != lat {
		t.Errorf("moved site kept the old place: %v", *moved.Latitude)
	}
	// New coordinates with the move: they are the caller's, kept.
	given := site("33139")
	given.Latitude, given.Longitude = f(25.79), f(-80.13)
	if listings.Place(given, old) || *given.Latitude != 25.79 {
		t.Errorf("given coordinates replaced: %v", *given.Latitude)
	}
	po := site("33139")
	po.Addresses[0].AddressType = resources.AddressPostal
	if listings.Place(po, nil) || po.Latitude != nil {
		t.Error("a mailing address placed the site")
	}
}

// TestSites: staff add a site to their service (placed, owned by their
// organization, audited with them), move one (placed again; a stale
// version refused), and remove them (a location no service is offered at
// any more goes with it); bad fields are named; another organization's
// service and a location that is not the service's are refused.
func TestSites(t *testing.T) {
	db := openStore(t)
	ctx := resources.WithActor(context.Background(), staff)
	loc, err := listings.SaveSite(ctx, db, "s-pantry", "", listings.Site{Name: "Beach", Address1: " 1 Ocean  Dr ", City: "Miami Beach", StateProvince: "FL", PostalCode: "33139"}, listings.Any)
	if err != nil {
		t.Fatal(err)
	}
	lat, _, _ := data.Centroid("33139")
	if loc.OrganizationID != "org" || loc.Latitude == nil || *loc.Latitude != lat || loc.GeocodeSource != resources.GeocodeZIPCentroid ||
		listings.PhysicalAddress(loc).Address1 != "1 Ocean Dr" {
		t.Errorf("new site: %+v", loc)
	}
	sals, _ := listings.SALs(db.List(context.Background(), resources.KindServiceAtLocation, listings.OfService("s-pantry")))
	if len(sals) != 3 {
		t.Errorf("s-pantry has %d sites, want 3", len(sals))
	}
	entries, _ := db.Audit(context.Background(), resources.AuditQuery{RecordID: loc.ID})
	if len(entries) != 1 || entries[0].Actor.UserID != "u-ana" {
		t.Errorf("audit: %+v", entries)
	}

	// Move downtown to 33139: placed again, at the version read.
	down, _ := resources.Get[*resources.Location](context.Background(), db, "l-downtown")
	moved, err := listings.SaveSite(ctx, db, "s-pantry", "l-downtown", listings.Site{Name: "Downtown", Address1: "2 Ocean Dr", City: "Miami Beach", StateProvince: "FL", PostalCode: "33139"}, listings.At(down.Version))
	if err != nil {
		t.Fatal(err)
	}
	if *moved.Latitude != lat || moved.GeocodeSource != resources.GeocodeZIPCentroid || moved.Name != "Downtown" {
		t.Errorf("moved: %+v", moved)
	}
	_, err = listings.SaveSite(ctx, db, "s-pantry", "l-downtown", listings.Site{Name: "Again", Address1: "2 Ocean Dr", City: "Miami Beach", StateProvince: "FL", PostalCode: "33139"}, listings.At(down.Version))
	var st *listings.Stale
	if !errors.As(err, &st) || resources.ErrorCode(err) != resources.ECONFLICT {
		t.Errorf("stale change: %v", err)
	}

	// Bad fields, each named.
	_, err = listings.SaveSite(ctx, db, "s-pantry", "", listings.Site{Name: "X", Address1: "1 Main", City: " ", StateProvince: "FL", PostalCode: "00000"}, listings.Any)
	if fields := resources.ErrorFields(err); resources.ErrorCode(err) != resources.EINVALID || fields["city"] == "" || fields["postal_code"] == "" || len(fields) != 2 {
		t.Errorf("bad site: %v %v", err, fields)
	}
	// Not theirs; not the service's.
	other := resources.WithActor(context.Background(), resources.Actor{UserID: "u-bo", Role: resources.RoleOrgStaff, OrganizationID: "other"})
	if _, err := listings.SaveSite(other, db, "s-pantry", "", listings.Site{Name: "Mine", Address1: "1 Main", City: "Miami", StateProvince: "FL", PostalCode: "33130"}, listings.Any); resources.ErrorCode(err) != resources.EFORBIDDEN {
		t.Errorf("another organization's service: %v", err)
	}
	if _, err := listings.SaveSite(ctx, db, "s-pantry", "l-hialeah", listings.Site{Name: "H", Address1: "1 Main", City: "Miami", StateProvince: "FL", PostalCode: "33130"}, listings.Any); resources.ErrorCode(err) != resources.ENOTFOUND {
		t.Errorf("a location not the service's: %v", err)
	}

	// Remove: homestead stays (the lights are offered there); the new
	// beach site goes.
	home, _ := resources.Get[*resources.Location](context.Background(), db, "l-homestead")
	if err := listings.RemoveSite(ctx, db, "s-pantry", "l-homestead", listings.At(home.Version+1)); resources.ErrorCode(err) != resources.ECONFLICT {
		t.Errorf("stale remove: %v", err)
	}
	if err := listings.RemoveSite(ctx, db, "s-pantry", "l-homestead", listings.At(home.Version)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Get(context.Background(), resources.KindLocation, "l-homestead"); err != nil {
		t.Errorf("a location still in use was removed: %v", err)
	}
	if err := listings.RemoveSite(ctx, db, "s-pantry", loc.ID, listings.At(loc.Version)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Get(context.Background(), resources.KindLocation, loc.ID); resources.ErrorCode(err) != resources.ENOTFOUND {
		t.Errorf("a location offering nothing was kept: %v", err)
	}
	sals, _ = listings.SALs(db.List(context.Background(), resources.KindServiceAtLocation, listings.OfService("s-pantry")))
	if len(sals) != 1 || sals[0].LocationID != "l-downtown" {
		t.Errorf("s-pantry's sites: %+v", sals)
	}
}
