package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/resources"
)

// Listings: organizations, services and locations, created, replaced and
// deleted with HSDS 3.x bodies by admins and by each organization's own
// editors. What is decided here, and why:
//
//   - If-Match is honoured, not required. A PUT or DELETE with the ETag of
//     an older version gets 412 and changes nothing, so two editors who
//     both read before they write never overwrite each other silently.
//     Without If-Match the last writer wins: the contract lists no 428, and
//     a nonprofit's script that pushes its records from its own system
//     whole has no version to send. The OpenAPI document tells clients to
//     send it.
//   - A service body may carry service_at_locations, each naming a
//     location_id: when it does, they are the service's whole set (ones not
//     listed are removed, listed ones created or replaced, ids kept or
//     given); when the field is left out, they stay as they are. Locations
//     themselves are written through /locations. A service's answer always
//     carries its service_at_locations, so GET, edit, PUT round-trips.
//   - assured_date is set only by POST /services/{id}/verify, and a
//     service's assurer_email only by import: a body's are ignored, so "last verified"
//     always means that someone said so. last_modified is the store's
//     stamp of the write (resources.Store.Create).
//   - Deleting a service or a location deletes its service_at_locations in
//     the same transaction; an organization that still has services or
//     locations is not deleted (409).
//   - Every write is one store transaction that also reads what the
//     authorization and the If-Match check need, so neither can be raced;
//     its audit entries carry the key as actor. The answer waits for the
//     search index to take the change.

func (s *Server) listingRoutes(g *echo.Group) {
	g.POST("/organizations", s.createListing(resources.KindOrganization), admin)
	g.GET("/organizations/:id", s.getListing(resources.KindOrganization))
	g.PUT("/organizations/:id", s.replaceListing(resources.KindOrganization), mayEdit)
	g.DELETE("/organizations/:id", s.deleteListing(resources.KindOrganization), admin)

	g.POST("/services", s.createListing(resources.KindService), mayEdit)
	g.GET("/services/:id", s.getListing(resources.KindService))
	g.PUT("/services/:id", s.replaceListing(resources.KindService), mayEdit)
	g.DELETE("/services/:id", s.deleteListing(resources.KindService), mayEdit)
	g.POST("/services/:id/verify", s.verifyService, mayEdit)

	g.POST("/locations", s.createListing(resources.KindLocation), mayEdit)
	g.GET("/locations/:id", s.getListing(resources.KindLocation))
	g.PUT("/locations/:id", s.replaceListing(resources.KindLocation), mayEdit)
	g.DELETE("/locations/:id", s.deleteListing(resources.KindLocation), mayEdit)
}

func (s *Server) getListing(k resources.Kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		r, err := s.store.Get(ctx, k, c.Param("id"))
		if err != nil {
			return err
		}
		if svc, ok := r.(*resources.Service); ok {
			if svc.ServiceAtLocations, err = salsOf(s.store.List(ctx, resources.KindServiceAtLocation, ofService(svc.ID))); err != nil {
				return err
			}
		}
		return sendListing(c, http.StatusOK, r)
	}
}

func (s *Server) createListing(k resources.Kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		r, sals, err := readListing(c, k)
		if err != nil {
			return err
		}
		if r.RecordID() == "" {
			setID(r, uuid.NewString())
		}
		var out resources.Record
		err = s.store.Transact(c.Request().Context(), func(tx resources.Tx) error {
			if err := authorizeListing(tx, principal(c), nil, r); err != nil {
				return err
			}
			keepVerification(r, nil)
			if out, err = tx.Create(r); err != nil {
				return err
			}
			return writeSALs(tx, principal(c), out, sals)
		})
		if err != nil {
			return err
		}
		s.synced(c)
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/"+string(k)+"s/"+out.RecordID())
		return sendListing(c, http.StatusCreated, out)
	}
}

func (s *Server) replaceListing(k resources.Kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Param("id")
		r, sals, err := readListing(c, k)
		if err != nil {
			return err
		}
		switch r.RecordID() {
		case "":
			setID(r, id)
		case id:
		default:
			return invalidField("id", "is %q, but the URL names %q; a record's id does not change", r.RecordID(), id)
		}
		var out resources.Record
		err = s.store.Transact(c.Request().Context(), func(tx resources.Tx) error {
			old, err := current(tx, c, k, id, r)
			if err != nil {
				return err
			}
			keepVerification(r, old)
			if out, err = tx.Update(r, resources.TrackedOf(old).Version); err != nil {
				return err
			}
			return writeSALs(tx, principal(c), out, sals)
		})
		if err != nil {
			return err
		}
		s.synced(c)
		return sendListing(c, http.StatusOK, out)
	}
}

func (s *Server) deleteListing(k resources.Kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Param("id")
		err := s.store.Transact(c.Request().Context(), func(tx resources.Tx) error {
			old, err := current(tx, c, k, id, nil)
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
		if err != nil {
			return err
		}
		s.synced(c)
		return c.NoContent(http.StatusNoContent)
	}
}

// verifyService records that someone confirmed a listing is still right:
// assured_date becomes today (UTC). Search
// shows it as "last verified" and match counts it for freshness.
func (s *Server) verifyService(c echo.Context) error {
	var out resources.Record
	err := s.store.Transact(c.Request().Context(), func(tx resources.Tx) error {
		old, err := current(tx, c, resources.KindService, c.Param("id"), nil)
		if err != nil {
			return err
		}
		svc := old.(*resources.Service)
		// assurer_email is left as it is: the key's e-mail is its
		// holder's, not the listing's to publish. The audit trail names
		// the key that verified.
		svc.AssuredDate = s.now().UTC().Format(time.DateOnly)
		if out, err = tx.Update(svc, svc.Version); err != nil {
			return err
		}
		return writeSALs(tx, principal(c), out, nil)
	})
	if err != nil {
		return err
	}
	s.synced(c)
	return sendListing(c, http.StatusOK, out)
}

// current returns the stored record a change is about, read in the
// change's transaction, once it is known that the request's key may change
// it into new (nil: delete it, or only verify it) and that If-Match holds.
// Authorization comes first, so a key that may not touch a record learns
// nothing of its version.
func current(tx resources.Tx, c echo.Context, k resources.Kind, id string, new resources.Record) (resources.Record, error) {
	old, err := tx.Get(k, id)
	if err != nil {
		return nil, err
	}
	if err := authorizeListing(tx, principal(c), old, new); err != nil {
		return nil, err
	}
	return old, ifMatch(c).check(old)
}

// readListing reads a record of kind k from the body: strict HSDS JSON,
// flattened as the store keeps it. A service's service_at_locations come
// back apart: nil when the body has no such field, empty for [].
func readListing(c echo.Context, k resources.Kind) (resources.Record, []resources.ServiceAtLocation, error) {
	r, err := resources.NewRecord(k)
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return nil, nil, err
	}
	if err := decodeJSONBytes(withoutIgnored(body), r); err != nil {
		return nil, nil, err
	}
	var sals []resources.ServiceAtLocation
	if svc, ok := r.(*resources.Service); ok {
		sals = svc.ServiceAtLocations
	}
	return resources.Flat(r), sals, nil
}

// withoutIgnored drops the top-level fields of a listing that the store
// sets (last_modified), so that a client sending back what it read, an
// empty one included, is not refused over a field that is ignored anyway.
// A body that is not an object is left for the decoder to name.
func withoutIgnored(body []byte) []byte {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return body
	}
	if _, ok := fields["last_modified"]; !ok {
		return body
	}
	delete(fields, "last_modified")
	out, err := json.Marshal(fields)
	if err != nil {
		return body
	}
	return out
}

func setID(r resources.Record, id string) {
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
// record): only verify changes it.
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

// authorizeListing says whether key may change old into new (nil old: a
// new record; nil new: a delete). An org_editor may touch only records of
// its own organization, may not move one to another, and may not change a
// location that another organization's service is offered at.
func authorizeListing(tx resources.Tx, key *resources.Key, old, new resources.Record) error {
	switch {
	case key == nil:
		return resources.Errorf(resources.EUNAUTHORIZED, "this needs an API key")
	case key.Role == resources.RoleAdmin:
		return nil
	case key.Role != resources.RoleOrgEditor:
		return forbidden("a key of role %s may not change listings", key.Role)
	}
	own := key.OrganizationID
	if old != nil && resources.OwnerOrganization(old) != own {
		return forbidden("%s %q is not your organization's: this key may change only the listings of organization %q", old.Kind(), old.RecordID(), own)
	}
	if new != nil && resources.OwnerOrganization(new) != own {
		if old != nil {
			return forbidden("%s %q may not be moved to another organization (organization_id %q)", new.Kind(), new.RecordID(), resources.OwnerOrganization(new))
		}
		return forbidden("this key may add listings only to organization %q; the %s names organization_id %q", own, new.Kind(), resources.OwnerOrganization(new))
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

// writeSALs makes sals the service's whole set of service_at_locations (when
// r is a service and sals is not nil), and sets them on the service for its
// answer. An org_editor may place its services only at its own
// organization's locations.
func writeSALs(tx resources.Tx, key *resources.Key, r resources.Record, sals []resources.ServiceAtLocation) error {
	svc, ok := r.(*resources.Service)
	if !ok {
		return nil
	}
	stored, err := salsOf(tx.List(resources.KindServiceAtLocation, ofService(svc.ID)))
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
	if key.Role != resources.RoleAdmin {
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
			if org := resources.OwnerOrganization(loc); org != key.OrganizationID {
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

// ofService lists the records that point at a service.
func ofService(id string) resources.ListOptions {
	return resources.ListOptions{Of: resources.Ref{Kind: resources.KindService, ID: id}}
}

// salsOf takes what a List of service_at_locations returns.
func salsOf(rs []resources.Record, err error) ([]resources.ServiceAtLocation, error) {
	if err != nil {
		return nil, err
	}
	out := make([]resources.ServiceAtLocation, len(rs))
	for i, r := range rs {
		out[i] = *r.(*resources.ServiceAtLocation)
	}
	return out, nil
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

func invalidField(field, format string, args ...any) error {
	f := resources.FieldErrors{}
	f.Add(field, format, args...)
	return f.Err("the request")
}

// sendListing answers with a record and its version as the ETag.
func sendListing(c echo.Context, status int, r resources.Record) error {
	c.Response().Header().Set("ETag", etag(resources.TrackedOf(r).Version))
	return c.JSON(status, r)
}

func etag(version uint64) string { return `"` + strconv.FormatUint(version, 10) + `"` }

// precondition is a request's If-Match.
type precondition struct {
	header  string
	version uint64 // 0: none, or "*"
	bad     bool
}

// ifMatch reads If-Match: absent or "*" asks nothing; "N" (the ETag of a
// GET) asks that the record still be at version N.
func ifMatch(c echo.Context) precondition {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	p := precondition{header: h}
	if h == "" || h == "*" {
		return p
	}
	v, err := strconv.ParseUint(strings.Trim(h, `"`), 10, 64)
	p.version, p.bad = v, err != nil || v == 0
	return p
}

// check returns 412 (code conflict) unless old is the version asked for.
func (p precondition) check(old resources.Record) error {
	v := resources.TrackedOf(old).Version
	if p.bad || (p.version != 0 && p.version != v) {
		return &statusError{status: http.StatusPreconditionFailed, err: resources.Errorf(resources.ECONFLICT,
			"%s %q has changed since it was read: If-Match is %s, its ETag is now %s; GET it again, redo the change and send that ETag",
			old.Kind(), old.RecordID(), p.header, etag(v))}
	}
	return nil
}

// synced brings the search index up to the store, so that a search made
// once the answer arrives sees the change. The write is committed either
// way: an index that cannot follow is logged, not blamed on the client, and
// catches up at the next write or start-up. It does not stop for a client
// that hung up: the next searcher needs the index current.
func (s *Server) synced(c echo.Context) {
	if s.index == nil {
		return
	}
	if err := s.index.Sync(context.WithoutCancel(c.Request().Context())); err != nil {
		s.log.Error("search index did not take a change", "path", c.Request().URL.Path, "err", err)
	}
}
