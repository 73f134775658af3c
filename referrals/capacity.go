package referrals

import (
	"context"
	"fmt"
	"time"

	"github.com/refer-project/refer/resources"
)

// SetCapacity records what a service's organization says of its room to
// take clients now. An admin may set any service's; anyone acting for an
// organization (its org_editor keys, its staff), its own services'.
func (rs *Referrals) SetCapacity(ctx context.Context, a resources.Actor, serviceID, status string, expectedWaitDays *int, note string) (resources.Capacity, error) {
	return rs.setCapacity(ctx, a, serviceID, status, expectedWaitDays, note, nil)
}

// SetCapacityFrom is SetCapacity for a change made from the capacity set at
// seen (the zero time: none was set), as a form shows it: ECONFLICT when
// another has been set since, so the form does not undo it.
func (rs *Referrals) SetCapacityFrom(ctx context.Context, a resources.Actor, serviceID string, seen time.Time, status string, expectedWaitDays *int, note string) (resources.Capacity, error) {
	return rs.setCapacity(ctx, a, serviceID, status, expectedWaitDays, note, &seen)
}

// CapacitySet returns a service's capacity as it was set (not judged at
// now); the zero Capacity when none was.
func (rs *Referrals) CapacitySet(ctx context.Context, serviceID string) (resources.Capacity, error) {
	if _, err := resources.Get[*resources.Service](ctx, rs.dir, serviceID); err != nil {
		return resources.Capacity{}, err
	}
	c, _, err := rs.store.Capacity(ctx, serviceID)
	return c, err
}

func (rs *Referrals) setCapacity(ctx context.Context, a resources.Actor, serviceID, status string, expectedWaitDays *int, note string, seen *time.Time) (resources.Capacity, error) {
	svc, err := resources.Get[*resources.Service](ctx, rs.dir, serviceID)
	if err != nil {
		return resources.Capacity{}, err
	}
	if err := MayChangeService(a, svc); err != nil {
		return resources.Capacity{}, err
	}
	c, err := resources.NewCapacity(status, expectedWaitDays, note, a.Name, rs.now())
	if err != nil {
		return resources.Capacity{}, err
	}
	if err := rs.store.PutCapacity(resources.WithActor(ctx, a), svc.ID, c, seen); err != nil {
		return resources.Capacity{}, err
	}
	return c, nil
}

// Capacity returns a service's capacity as it stands now (unknown when
// never set or too old).
func (rs *Referrals) Capacity(ctx context.Context, serviceID string) (resources.Capacity, error) {
	if _, err := resources.Get[*resources.Service](ctx, rs.dir, serviceID); err != nil {
		return resources.Capacity{}, err
	}
	c, _, err := rs.store.Capacity(ctx, serviceID)
	return c.At(rs.now()), err
}

// MayChangeService says whether someone may change what a service's
// organization says of it (its capacity): an admin, or someone acting for
// that organization.
func MayChangeService(a resources.Actor, svc *resources.Service) error {
	switch {
	case a.Role == resources.RoleAdmin:
		return nil
	case a.OrganizationID == "":
		return resources.Errorf(resources.EFORBIDDEN, "only the service's organization or an admin may change its capacity")
	case a.OrganizationID != svc.OrganizationID:
		return resources.Errorf(resources.EFORBIDDEN, "service %q is not your organization's", svc.ID)
	}
	return nil
}

// capacityWarning is what a sender is told when the service they refer to
// says it cannot take the client now; a referral is still made, since the
// organization may yet find room.
func capacityWarning(c resources.Capacity) string {
	day := c.AsOf.Format("2 January 2006")
	switch c.Status {
	case resources.CapacityFull:
		return fmt.Sprintf("The service reported no capacity on %s; the referral was sent all the same.", day)
	case resources.CapacityWaitlist:
		if c.ExpectedWaitDays != nil {
			return fmt.Sprintf("The service has a waitlist (about %d days, reported %s).", *c.ExpectedWaitDays, day)
		}
		return fmt.Sprintf("The service has a waitlist (reported %s).", day)
	case resources.CapacityAssessmentRequired:
		return "The service asks for an assessment before it can take the client."
	}
	return ""
}
