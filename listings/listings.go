// Package listings holds the rules for changing a directory's listings
// (organizations, services, locations, and a service's places): who may
// change what, If-Match versions, verification, a service's
// service_at_locations as a whole set. The contract API (package api) and
// the pages of organization staff (package web) both call it, so a rule is
// written once. Every change is one store transaction that also reads what
// the rules need, so none can be raced; its audit entries carry the
// actor of the context.
//
// The actor is a resources.Actor: an API key's or a signed-in person's.
// An admin changes anything; an org_editor key and an organization's staff
// (Role.ActsForOrganization) change only their organization's records.
package listings

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/refer-project/refer/resources"
)

// Stale is the error of a change that expected another version of the
// record (If-Match): someone changed it since it was read. It is a
// conflict (resources.ECONFLICT); the API answers it with 412.
type Stale struct {
	Kind     resources.Kind
	ID       string
	Expected string // what the change named, as sent
	Version  uint64 // the record's version now
}

func (e *Stale) Error() string {
	return fmt.Sprintf("%s %q has changed since it was read: If-Match is %s, its ETag is now %s; read it again, redo the change and send that ETag",
		e.Kind, e.ID, e.Expected, ETag(e.Version))
}

// Unwrap makes a Stale a conflict to resources.ErrorCode.
func (e *Stale) Unwrap() error { return resources.Errorf(resources.ECONFLICT, "%s", e.Error()) }

// ETag is a version as HTTP writes it.
func ETag(version uint64) string { return `"` + strconv.FormatUint(version, 10) + `"` }

// Expect is the version a change expects its record to be at: Any asks
// nothing. Read one with ParseETag.
type Expect struct {
	version uint64
	sent    string
	bad     bool
}

// Any is no expectation: the last writer wins.
var Any = Expect{}

// At expects version v.
func At(v uint64) Expect { return Expect{version: v, sent: ETag(v)} }

// ParseETag reads an If-Match value: "" or "*" asks nothing; "N" (an
// ETag) asks for version N; anything else can never match.
func ParseETag(h string) Expect {
	if h == "" || h == "*" {
		return Any
	}
	v := h
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return Expect{version: n, sent: h, bad: err != nil || n == 0}
}

func (e Expect) check(old resources.Record) error {
	v := resources.TrackedOf(old).Version
	if e.bad || (e.version != 0 && e.version != v) {
		return &Stale{Kind: old.Kind(), ID: old.RecordID(), Expected: e.sent, Version: v}
	}
	return nil
}

func forbidden(format string, args ...any) error {
	return resources.Errorf(resources.EFORBIDDEN, format, args...)
}

// Authorize says whether a may change old into new (nil old: a new
// record; nil new: a delete). One acting for an organization may touch only
// its records, may not move one to another, and may not change a location
// that another organization's service is offered at.
func Authorize(tx resources.Tx, a resources.Actor, old, new resources.Record) error {
	switch {
	case a.Role == "":
		return resources.Errorf(resources.EUNAUTHORIZED, "this needs an API key, or a person signed in")
	case a.Role == resources.RoleAdmin:
		return nil
	case !a.Role.ActsForOrganization():
		return forbidden("a %s may not change listings", a.Role)
	}
	own := a.OrganizationID
	if old != nil && resources.OwnerOrganization(old) != own {
		return forbidden("%s %q is not your organization's: you may change only the listings of organization %q", old.Kind(), old.RecordID(), own)
	}
	if new != nil && resources.OwnerOrganization(new) != own {
		if old != nil {
			return forbidden("%s %q may not be moved to another organization (organization_id %q)", new.Kind(), new.RecordID(), resources.OwnerOrganization(new))
		}
		return forbidden("you may add listings only to organization %q; the %s names organization_id %q", own, new.Kind(), resources.OwnerOrganization(new))
	}
	if loc, ok := old.(*resources.Location); ok {
		sals, err := tx.List(resources.KindServiceAtLocation, resources.ListOptions{Of: resources.Ref{Kind: resources.KindLocation, ID: loc.ID}})
		if err != nil {
			return err
		}
		for _, r := range sals {
			svc, err := tx.Get(resources.KindService, r.(*resources.ServiceAtLocation).ServiceID)
			if err != nil {
				return err
			}
			if org := resources.OwnerOrganization(svc); org != own {
				return forbidden("location %q is also where organization %q offers service %q; ask an admin to change it", loc.ID, org, svc.RecordID())
			}
		}
	}
	return nil
}

// current returns the stored record a change is about, read in the
// change's transaction, once it is known that a may change it into new
// (nil: delete it, or only verify it) and that the version is the one
// expected. Authorization comes first, so one who may not touch a record
// learns nothing of its version.
func current(tx resources.Tx, a resources.Actor, k resources.Kind, id string, new resources.Record, want Expect) (resources.Record, error) {
	old, err := tx.Get(k, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(tx, a, old, new); err != nil {
		return nil, err
	}
	return old, want.check(old)
}

// Create stores a new record (an id is made if it has none) and, for a
// service, its service_at_locations. A location without coordinates is
// placed from its address (Place).
func Create(ctx context.Context, store resources.Store, r resources.Record, sals []resources.ServiceAtLocation) (resources.Record, error) {
	a := resources.ActorFrom(ctx, resources.Actor{})
	if r.RecordID() == "" {
		SetID(r, uuid.NewString())
	}
	var out resources.Record
	err := store.Transact(ctx, func(tx resources.Tx) error {
		if err := Authorize(tx, a, nil, r); err != nil {
			return err
		}
		if err := checkForm(r, nil); err != nil {
			return err
		}
		if loc, ok := r.(*resources.Location); ok {
			Place(loc, nil)
		}
		keepVerification(r, nil)
		var err error
		if out, err = tx.Create(r); err != nil {
			return err
		}
		return writeSALs(tx, a, out, sals)
	})
	return out, err
}

// Replace replaces the record id of kind k with r (and, for a service
// with sals not nil, its whole set of service_at_locations), if it is at
// the version expected. Verification is kept as it was: only Verify
// changes it. A location is placed from its address (Place) when it comes
// without coordinates, or with those of another address. A new or changed
// e-mail, web address or phone must look like one (EINVALID names it).
func Replace(ctx context.Context, store resources.Store, k resources.Kind, id string, r resources.Record, sals []resources.ServiceAtLocation, want Expect) (resources.Record, error) {
	a := resources.ActorFrom(ctx, resources.Actor{})
	var out resources.Record
	err := store.Transact(ctx, func(tx resources.Tx) error {
		old, err := current(tx, a, k, id, r, want)
		if err != nil {
			return err
		}
		if err := checkForm(r, old); err != nil {
			return err
		}
		if loc, ok := r.(*resources.Location); ok {
			if was, ok := old.(*resources.Location); ok {
				Place(loc, was)
			}
		}
		keepVerification(r, old)
		if out, err = tx.Update(r, resources.TrackedOf(old).Version); err != nil {
			return err
		}
		return writeSALs(tx, a, out, sals)
	})
	return out, err
}

// Change reads the service id, lets change alter it, and stores it, in
// one transaction, if it is at the version expected: what a form that
// edits part of a listing (its hours) does. Verification is kept.
func Change(ctx context.Context, store resources.Store, id string, want Expect, change func(*resources.Service) error) (*resources.Service, error) {
	a := resources.ActorFrom(ctx, resources.Actor{})
	var out resources.Record
	err := store.Transact(ctx, func(tx resources.Tx) error {
		old, err := current(tx, a, resources.KindService, id, nil, want)
		if err != nil {
			return err
		}
		// A copy of its own to change (read again, not copied: a copy
		// would share its lists), so old stays as stored for the rules
		// that look at what changed: a phone edited in place is checked.
		r, err := tx.Get(resources.KindService, id)
		if err != nil {
			return err
		}
		svc := r.(*resources.Service)
		if err := change(svc); err != nil {
			return err
		}
		if err := Authorize(tx, a, old, svc); err != nil {
			return err
		}
		if err := checkForm(svc, old); err != nil {
			return err
		}
		keepVerification(svc, old)
		if out, err = tx.Update(svc, svc.Version); err != nil {
			return err
		}
		return writeSALs(tx, a, out, nil)
	})
	if err != nil {
		return nil, err
	}
	return out.(*resources.Service), nil
}

// Delete removes a record (a service's or location's service_at_locations
// with it), if it is at the version expected.
func Delete(ctx context.Context, store resources.Store, k resources.Kind, id string, want Expect) error {
	a := resources.ActorFrom(ctx, resources.Actor{})
	return store.Transact(ctx, func(tx resources.Tx) error {
		old, err := current(tx, a, k, id, nil, want)
		if err != nil {
			return err
		}
		if k == resources.KindService || k == resources.KindLocation {
			sals, err := tx.List(resources.KindServiceAtLocation, resources.ListOptions{Of: resources.Ref{Kind: k, ID: id}})
			if err != nil {
				return err
			}
			for _, sal := range sals {
				if err := tx.Delete(resources.KindServiceAtLocation, sal.RecordID(), 0); err != nil {
					return err
				}
			}
		}
		return tx.Delete(k, id, resources.TrackedOf(old).Version)
	})
}

// Verify records that someone confirmed a service is still right:
// assured_date becomes today (UTC). Search shows it as "last verified";
// match counts it for freshness. assurer_email is left as it is: a
// person's or key's e-mail is theirs, not the listing's to publish; the
// audit trail names who verified.
func Verify(ctx context.Context, store resources.Store, id string, want Expect, now time.Time) (*resources.Service, error) {
	a := resources.ActorFrom(ctx, resources.Actor{})
	var out resources.Record
	err := store.Transact(ctx, func(tx resources.Tx) error {
		old, err := current(tx, a, resources.KindService, id, nil, want)
		if err != nil {
			return err
		}
		svc := old.(*resources.Service)
		svc.AssuredDate = now.UTC().Format(time.DateOnly)
		if out, err = tx.Update(svc, svc.Version); err != nil {
			return err
		}
		return writeSALs(tx, a, out, nil)
	})
	if err != nil {
		return nil, err
	}
	return out.(*resources.Service), nil
}

// StaleAfter is how long a listing may go unconfirmed before its staff and
// the admins are told to check it.
const StaleAfter = 180 * 24 * time.Hour

// NeedsReview reports whether a service was last confirmed (or, never
// confirmed, last changed) more than StaleAfter before now.
func NeedsReview(svc *resources.Service, now time.Time) bool {
	if d, ok := resources.ParseDay(svc.AssuredDate); ok {
		return now.Sub(d) > StaleAfter
	}
	if svc.LastModified != nil {
		return now.Sub(*svc.LastModified) > StaleAfter
	}
	return true
}

// SetID gives a record the id.
func SetID(r resources.Record, id string) {
	switch r := r.(type) {
	case *resources.Organization:
		r.ID = id
	case *resources.Service:
		r.ID = id
	case *resources.Location:
		r.ID = id
	}
}

// keepVerification gives r the verification that old has (none for a new
// record): only Verify changes it.
func keepVerification(r, old resources.Record) {
	t := resources.TrackedOf(r)
	t.LastModified = nil
	t.AssuredDate = ""
	if old != nil {
		t.AssuredDate = resources.TrackedOf(old).AssuredDate
	}
	if svc, ok := r.(*resources.Service); ok {
		svc.AssurerEmail = ""
		if old != nil {
			svc.AssurerEmail = old.(*resources.Service).AssurerEmail
		}
	}
}

// OfService lists the records that point at a service.
func OfService(id string) resources.ListOptions {
	return resources.ListOptions{Of: resources.Ref{Kind: resources.KindService, ID: id}}
}

// SALs takes what a List of service_at_locations returns.
func SALs(rs []resources.Record, err error) ([]resources.ServiceAtLocation, error) {
	if err != nil {
		return nil, err
	}
	out := make([]resources.ServiceAtLocation, len(rs))
	for i, r := range rs {
		out[i] = *r.(*resources.ServiceAtLocation)
	}
	return out, nil
}

// writeSALs makes sals the service's whole set of service_at_locations (when
// r is a service and sals is not nil), and sets them on the service for its
// answer. One acting for an organization may place its services only at
// its own organization's locations.
func writeSALs(tx resources.Tx, a resources.Actor, r resources.Record, sals []resources.ServiceAtLocation) error {
	svc, ok := r.(*resources.Service)
	if !ok {
		return nil
	}
	stored, err := SALs(tx.List(resources.KindServiceAtLocation, OfService(svc.ID)))
	if err != nil || sals == nil {
		svc.ServiceAtLocations = stored
		return err
	}
	old := map[string]*resources.ServiceAtLocation{}
	for i := range stored {
		old[stored[i].ID] = &stored[i]
	}
	f := resources.FieldErrors{}
	want := make([]*resources.ServiceAtLocation, len(sals))
	seen := map[string]bool{}
	for i := range sals {
		sal := resources.Flat(&sals[i]).(*resources.ServiceAtLocation)
		name := fmt.Sprintf("service_at_locations[%d]", i)
		switch sal.ServiceID {
		case "":
			sal.ServiceID = svc.ID
		case svc.ID:
		default:
			f.Add(name+".service_id", "is %q; a service's service_at_locations are its own (%q)", sal.ServiceID, svc.ID)
		}
		if sal.LocationID == "" {
			f.Add(name+".location_id", "is required: the id of a location (POST /api/v1/locations makes one)")
		}
		if sal.ID == "" {
			sal.ID = uuid.NewString()
		}
		if seen[sal.ID] {
			f.Add(name+".id", "%q appears twice", sal.ID)
		}
		seen[sal.ID] = true
		if old[sal.ID] == nil {
			switch _, err := tx.Get(resources.KindServiceAtLocation, sal.ID); resources.ErrorCode(err) {
			case "":
				f.Add(name+".id", "%q is another service's service_at_location", sal.ID)
			case resources.ENOTFOUND:
			default:
				return err
			}
		}
		want[i] = sal
	}
	if err := f.Err("the service's service_at_locations"); err != nil {
		return err
	}
	if a.Role != resources.RoleAdmin {
		for i, sal := range want {
			if prev := old[sal.ID]; prev != nil && prev.LocationID == sal.LocationID {
				continue // already there: an admin or an import put it there
			}
			loc, err := tx.Get(resources.KindLocation, sal.LocationID)
			if resources.ErrorCode(err) == resources.ENOTFOUND {
				continue // the store names it below
			} else if err != nil {
				return err
			}
			if org := resources.OwnerOrganization(loc); org != a.OrganizationID {
				return forbidden("service_at_locations[%d]: location %q is not your organization's (organization_id %q)", i, loc.RecordID(), org)
			}
		}
	}
	for id := range old {
		if !seen[id] {
			if err := tx.Delete(resources.KindServiceAtLocation, id, 0); err != nil {
				return err
			}
		}
	}
	svc.ServiceAtLocations = make([]resources.ServiceAtLocation, 0, len(want))
	for i, sal := range want {
		var res resources.Record
		var err error
		if prev := old[sal.ID]; prev == nil {
			res, err = tx.Create(sal)
		} else if sal.Tracked = prev.Tracked; sameJSON(sal, prev) {
			res = prev // unchanged: no new version, no audit entry
		} else {
			res, err = tx.Update(sal, prev.Version)
		}
		if err != nil {
			return withFieldPrefix(err, fmt.Sprintf("service_at_locations[%d].", i))
		}
		svc.ServiceAtLocations = append(svc.ServiceAtLocations, *res.(*resources.ServiceAtLocation))
	}
	return nil
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// withFieldPrefix returns err with its fields named inside a body: the
// store says "location_id", the client sent "service_at_locations[0].location_id".
func withFieldPrefix(err error, prefix string) error {
	fields := resources.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	named := make(map[string]string, len(fields))
	for k, v := range fields {
		named[prefix+k] = v
	}
	return &resources.Error{Code: resources.ErrorCode(err), Message: resources.ErrorMessage(err), Fields: named}
}

// Unconfirmed lists every service NeedsReview flags at now, the longest
// unconfirmed first: what admins are shown to chase.
func Unconfirmed(ctx context.Context, store resources.Store, now time.Time) ([]*resources.Service, error) {
	rs, err := store.List(ctx, resources.KindService, resources.ListOptions{})
	if err != nil {
		return nil, err
	}
	var out []*resources.Service
	for _, r := range rs {
		if svc := r.(*resources.Service); NeedsReview(svc, now) {
			out = append(out, svc)
		}
	}
	slices.SortStableFunc(out, func(a, b *resources.Service) int {
		if c := confirmedAt(a).Compare(confirmedAt(b)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// confirmedAt is when a service was last confirmed (or, never confirmed,
// last changed); the zero time when neither is known.
func confirmedAt(svc *resources.Service) time.Time {
	if d, ok := resources.ParseDay(svc.AssuredDate); ok {
		return d
	}
	if svc.LastModified != nil {
		return *svc.LastModified
	}
	return time.Time{}
}
