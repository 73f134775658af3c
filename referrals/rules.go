package referrals

import (
	"slices"

	"github.com/refer-project/refer/resources"
)

// Side is the part someone plays in a referral.
type Side int

// The sides of a referral. An admin may act for either.
const (
	Nobody   Side = 0
	Sender   Side = 1 << iota // made the referral (or is of the organization that did)
	Receiver                  // is of the organization referred to
)

// setBy says which side sets each status, as the HL7 SDOH Clinical Care
// referral Task does: the receiving organization answers and reports
// progress; the sender withdraws a referral or says it was a mistake.
var setBy = map[resources.ReferralStatus]Side{
	resources.StatusAccepted:       Receiver,
	resources.StatusRejected:       Receiver,
	resources.StatusInProgress:     Receiver,
	resources.StatusOnHold:         Receiver,
	resources.StatusCompleted:      Receiver,
	resources.StatusFailed:         Receiver,
	resources.StatusCancelled:      Sender,
	resources.StatusEnteredInError: Sender,
}

// next holds, for each status, the statuses a referral may move to from
// it. Closed statuses lead nowhere but entered-in-error: a referral made by
// mistake can always be marked so, and one marked so is final.
var next = map[resources.ReferralStatus][]resources.ReferralStatus{
	resources.StatusRequested: {resources.StatusAccepted, resources.StatusRejected, resources.StatusInProgress,
		resources.StatusOnHold, resources.StatusCancelled, resources.StatusEnteredInError},
	resources.StatusAccepted: {resources.StatusInProgress, resources.StatusOnHold, resources.StatusCompleted,
		resources.StatusFailed, resources.StatusCancelled, resources.StatusEnteredInError},
	resources.StatusInProgress: {resources.StatusOnHold, resources.StatusCompleted, resources.StatusFailed,
		resources.StatusCancelled, resources.StatusEnteredInError},
	resources.StatusOnHold: {resources.StatusAccepted, resources.StatusInProgress, resources.StatusCompleted,
		resources.StatusFailed, resources.StatusCancelled, resources.StatusEnteredInError},
	resources.StatusRejected:  {resources.StatusEnteredInError},
	resources.StatusCompleted: {resources.StatusEnteredInError},
	resources.StatusFailed:    {resources.StatusEnteredInError},
	resources.StatusCancelled: {resources.StatusEnteredInError},
}

// needsReason lists the statuses that must say why (statusReason is
// required for them in the HL7 Task profile).
var needsReason = map[resources.ReferralStatus]bool{
	resources.StatusRejected:  true,
	resources.StatusOnHold:    true,
	resources.StatusFailed:    true,
	resources.StatusCancelled: true,
}

// NeedsReason reports whether moving a referral to status needs a reason.
func NeedsReason(status resources.ReferralStatus) bool { return needsReason[status] }

// TakesReferrals reports whether a service may be sent a referral: only
// an active one (a service with no status is taken as active, as HSDS
// imports often leave it out).
func TakesReferrals(svc *resources.Service) bool {
	return svc.Status == "" || svc.Status == "active"
}

// SideOf returns the sides a person or key plays in a referral; Nobody
// means the referral is not theirs to see.
func SideOf(a resources.Actor, r *resources.Referral) Side {
	if a.Role == resources.RoleAdmin {
		return Sender | Receiver
	}
	var s Side
	if resources.PartySender(a) == resources.PartySender(r.Sender) && (a.KeyID != "" || a.UserID != "") {
		s |= Sender
	}
	if a.OrganizationID != "" {
		if a.OrganizationID == r.Sender.OrganizationID {
			s |= Sender
		}
		if a.OrganizationID == r.OrganizationID {
			s |= Receiver
		}
	}
	return s
}

// May says whether someone playing side may move a referral from one
// status to another: nil if so, EFORBIDDEN if their side never sets that
// status, ECONFLICT if the referral's status does not allow it.
func May(side Side, from, to resources.ReferralStatus) error {
	by, ok := setBy[to]
	if !ok {
		return resources.Errorf(resources.EINVALID, "status %q cannot be set; use one of accepted, rejected, in-progress, on-hold, completed, failed, cancelled, entered-in-error", to)
	}
	if side&by == 0 {
		if by == Receiver {
			return resources.Errorf(resources.EFORBIDDEN, "only the organization the referral was sent to may set %s", to)
		}
		return resources.Errorf(resources.EFORBIDDEN, "only the sender of the referral may set %s", to)
	}
	if !slices.Contains(next[from], to) {
		return resources.Errorf(resources.ECONFLICT, "a referral that is %s cannot become %s", from, to)
	}
	return nil
}

// Allowed lists the statuses someone playing side may move a referral in
// status from to, for pages that offer only what will work.
func Allowed(side Side, from resources.ReferralStatus) []resources.ReferralStatus {
	var out []resources.ReferralStatus
	for _, to := range next[from] {
		if side&setBy[to] != 0 {
			out = append(out, to)
		}
	}
	return out
}

// partiesOf returns the party keys whose referrals someone may see: nil
// for an admin (all of them).
func partiesOf(a resources.Actor) []string {
	if a.Role == resources.RoleAdmin {
		return nil
	}
	out := []string{}
	if a.KeyID != "" || a.UserID != "" {
		out = append(out, resources.PartySender(a))
	}
	if a.OrganizationID != "" {
		out = append(out, resources.PartyOrganization(a.OrganizationID))
	}
	return out
}

// Receives says whether a subscription gets an event: an admin's gets
// every referral's; one made by a key or person of an organization gets
// the referrals sent to it or by it; anyone else's, the referrals they
// sent.
func Receives(s resources.Subscription, ev resources.OutboxEvent) bool {
	if !slices.Contains(s.Events, ev.Event) {
		return false
	}
	o := s.Owner
	switch {
	case o.Role == resources.RoleAdmin:
		return true
	case o.OrganizationID != "" && (o.OrganizationID == ev.OrganizationID || o.OrganizationID == ev.SenderOrganizationID):
		return true
	}
	return (o.KeyID != "" || o.UserID != "") && resources.PartySender(o) == ev.SenderID
}
