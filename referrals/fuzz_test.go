package referrals_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources"
)

// FuzzCreate sends any JSON a client might as a referral, and any status
// change after it: the answer is a referral or an error that is the
// client's (invalid, not found, forbidden, conflict), never an internal
// one or a panic.
func FuzzCreate(f *testing.F) {
	valid, _ := json.Marshal(input())
	f.Add(valid, "accepted", "")
	f.Add([]byte(`{"service_id":"s-pantry","need":"food-insecurity","client":{"reference":"x"},"consent":{"obtained":true,"method":"written","date":"2026-02-30"}}`), "rejected", "full")
	f.Add([]byte(`{"service_id":"s-pantry","service_at_location_id":"sal-closed","need":"food-insecurity","client":{"reference":"\u0000"},"consent":{"obtained":true}}`), "cancelled", "\x7f")
	f.Add([]byte(`{}`), "", "")
	e := newEnv(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte, status, reason string) {
		var in referrals.Input
		if json.Unmarshal(body, &in) != nil {
			return // the API answers malformed JSON before it gets here
		}
		v, _, err := e.rs.Create(ctx, manager, in, "")
		if code := resources.ErrorCode(err); code == resources.EINTERNAL {
			t.Fatalf("create %s: internal error %v", body, err)
		}
		if err != nil {
			return
		}
		for _, a := range []resources.Actor{pantry, manager} {
			if _, err := e.rs.SetStatus(ctx, a, v.ID, resources.ReferralStatus(status), reason); resources.ErrorCode(err) == resources.EINTERNAL {
				t.Fatalf("status %q %q: internal error %v", status, reason, err)
			}
		}
	})
}
