package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/listings"
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
//
// The rules themselves are package listings', which the pages of
// organization staff call too; here are only HTTP's parts.

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
			if svc.ServiceAtLocations, err = listings.SALs(s.store.List(ctx, resources.KindServiceAtLocation, listings.OfService(svc.ID))); err != nil {
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
		out, err := listings.Create(c.Request().Context(), s.store, r, sals)
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
			listings.SetID(r, id)
		case id:
		default:
			return invalidField("id", "is %q, but the URL names %q; a record's id does not change", r.RecordID(), id)
		}
		out, err := listings.Replace(c.Request().Context(), s.store, k, id, r, sals, ifMatch(c))
		if err != nil {
			return stale(err)
		}
		s.synced(c)
		return sendListing(c, http.StatusOK, out)
	}
}

func (s *Server) deleteListing(k resources.Kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := listings.Delete(c.Request().Context(), s.store, k, c.Param("id"), ifMatch(c)); err != nil {
			return stale(err)
		}
		s.synced(c)
		return c.NoContent(http.StatusNoContent)
	}
}

// verifyService records that someone confirmed a listing is still right.
func (s *Server) verifyService(c echo.Context) error {
	out, err := listings.Verify(c.Request().Context(), s.store, c.Param("id"), ifMatch(c), s.now())
	if err != nil {
		return stale(err)
	}
	s.synced(c)
	return sendListing(c, http.StatusOK, out)
}

// stale answers a change made to an older version with 412.
func stale(err error) error {
	var st *listings.Stale
	if errors.As(err, &st) {
		return &statusError{status: http.StatusPreconditionFailed, err: err}
	}
	return err
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
	if err := decodeJSONBytes(c, withoutIgnored(body), r); err != nil {
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

func invalidField(field, format string, args ...any) error {
	f := resources.FieldErrors{}
	f.Add(field, format, args...)
	return f.Err("the request")
}

// sendListing answers with a record and its version as the ETag.
func sendListing(c echo.Context, status int, r resources.Record) error {
	c.Response().Header().Set("ETag", listings.ETag(resources.TrackedOf(r).Version))
	return c.JSON(status, r)
}

// ifMatch reads If-Match: absent or "*" asks nothing; "N" (the ETag of a
// GET) asks that the record still be at version N.
func ifMatch(c echo.Context) listings.Expect {
	return listings.ParseETag(strings.TrimSpace(c.Request().Header.Get("If-Match")))
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
