package referrals_test

import (
	"testing"

	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources"
)

// TestTransitionsByRole walks every status a referral can be in, every
// status someone could ask for, and every kind of person: the sender's
// case manager, the receiving organization's editor, an unrelated
// organization's editor, another case manager and an admin. Each answer is
// what the contract says: the receiver answers and reports progress, the
// sender cancels or says it was a mistake, closed referrals stay closed,
// and strangers see nothing.
func TestTransitionsByRole(t *testing.T) {
	r := &resources.Referral{OrganizationID: "receiver",
		Sender: resources.Actor{KeyID: "cm", Role: resources.RoleCaseManager}}
	people := map[string]resources.Actor{
		"sender":        {KeyID: "cm", Role: resources.RoleCaseManager},
		"receiver":      {KeyID: "rx", Role: resources.RoleOrgEditor, OrganizationID: "receiver"},
		"admin":         {KeyID: "ad", Role: resources.RoleAdmin},
		"other org":     {KeyID: "ox", Role: resources.RoleOrgEditor, OrganizationID: "elsewhere"},
		"other manager": {KeyID: "cm2", Role: resources.RoleCaseManager},
	}
	receiverSets := map[resources.ReferralStatus]bool{resources.StatusAccepted: true, resources.StatusRejected: true,
		resources.StatusInProgress: true, resources.StatusOnHold: true, resources.StatusCompleted: true, resources.StatusFailed: true}
	senderSets := map[resources.ReferralStatus]bool{resources.StatusCancelled: true, resources.StatusEnteredInError: true}
	// What each status may become, whoever asks.
	open := func(s ...resources.ReferralStatus) map[resources.ReferralStatus]bool {
		m := map[resources.ReferralStatus]bool{}
		for _, x := range s {
			m[x] = true
		}
		return m
	}
	const (
		acc, rej, inp, hold, done, fail, canc, eie = resources.StatusAccepted, resources.StatusRejected, resources.StatusInProgress,
			resources.StatusOnHold, resources.StatusCompleted, resources.StatusFailed, resources.StatusCancelled, resources.StatusEnteredInError
	)
	leadsTo := map[resources.ReferralStatus]map[resources.ReferralStatus]bool{
		resources.StatusRequested: open(acc, rej, inp, hold, canc, eie),
		acc:                       open(inp, hold, done, fail, canc, eie),
		inp:                       open(hold, done, fail, canc, eie),
		hold:                      open(acc, inp, done, fail, canc, eie),
		rej:                       open(eie), done: open(eie), fail: open(eie), canc: open(eie),
		eie: open(),
	}
	cases := 0
	for who, a := range people {
		side := referrals.SideOf(a, r)
		if who == "other org" || who == "other manager" {
			if side != referrals.Nobody {
				t.Errorf("%s: side %v, want Nobody (the referral is not theirs)", who, side)
			}
			continue
		}
		for _, from := range resources.ReferralStatuses {
			for _, to := range resources.ReferralStatuses {
				cases++
				err := referrals.May(side, from, to)
				var want string
				switch {
				case to == resources.StatusRequested:
					want = resources.EINVALID
				case who == "receiver" && !receiverSets[to], who == "sender" && !senderSets[to]:
					want = resources.EFORBIDDEN
				case !leadsTo[from][to]:
					want = resources.ECONFLICT
				}
				if got := resources.ErrorCode(err); got != want {
					t.Errorf("%s moving %s to %s: code %q, want %q (%v)", who, from, to, got, want, err)
				}
			}
		}
	}
	if cases != 3*len(resources.ReferralStatuses)*len(resources.ReferralStatuses) {
		t.Fatalf("ran %d cases", cases)
	}
}

func TestSideOf(t *testing.T) {
	r := &resources.Referral{OrganizationID: "food-bank",
		Sender: resources.Actor{UserID: "u1", Role: resources.RoleCaseManager, OrganizationID: "clinic"}}
	for _, c := range []struct {
		name string
		a    resources.Actor
		want referrals.Side
	}{
		{"the person who sent it", resources.Actor{UserID: "u1", Role: resources.RoleCaseManager, OrganizationID: "clinic"}, referrals.Sender},
		{"a colleague at the sending clinic", resources.Actor{UserID: "u2", OrganizationID: "clinic"}, referrals.Sender},
		{"the food bank's staff", resources.Actor{UserID: "u3", OrganizationID: "food-bank"}, referrals.Receiver},
		{"a key with the sender's user id as key id", resources.Actor{KeyID: "u1"}, referrals.Nobody},
		{"no one at all", resources.Actor{}, referrals.Nobody},
		{"an admin", resources.Actor{KeyID: "k", Role: resources.RoleAdmin}, referrals.Sender | referrals.Receiver},
	} {
		if got := referrals.SideOf(c.a, r); got != c.want {
			t.Errorf("%s: side %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNeedsReason(t *testing.T) {
	for _, s := range resources.ReferralStatuses {
		want := s == resources.StatusRejected || s == resources.StatusOnHold || s == resources.StatusFailed || s == resources.StatusCancelled
		if referrals.NeedsReason(s) != want {
			t.Errorf("NeedsReason(%s) = %v", s, !want)
		}
	}
}
