package referrals

import (
	"context"
	"time"

	"github.com/refer-project/refer/resources"
)

// DefaultRetention is how long a closed referral keeps its client data.
const DefaultRetention = 90 * 24 * time.Hour

// Purge removes the client data of referrals closed for longer than
// retention, keeping their anonymous history for the figures, and forgets
// idempotency keys past their window. It returns how many referrals it
// purged.
func (rs *Referrals) Purge(ctx context.Context, retention time.Duration) (int, error) {
	now := rs.now()
	cutoff := now.Add(-retention)
	expired := func(r *resources.Referral) bool {
		closed := r.Closed()
		return r.Sealed != nil && !closed.IsZero() && closed.Before(cutoff)
	}
	n, err := rs.rewriteEach(ctx, expired, func(r *resources.Referral) error {
		at := now.UTC().Truncate(time.Second)
		r.Sealed, r.Purged = nil, &at
		return nil
	})
	if err != nil {
		return n, err
	}
	if _, err := rs.store.DeleteIdempotencyBefore(ctx, now.Add(-IdempotencyWindow)); err != nil {
		return n, err
	}
	return n, nil
}

// Reseal seals again, under the current key, every referral's client data
// and every subscription's secret that was sealed under another key (or
// stored unsealed by an insecure server). It returns how many it sealed.
// Run it after rotating REFER_SECRET_KEY, with the old key given as
// REFER_SECRET_KEY_PREVIOUS, before dropping the old key.
func (rs *Referrals) Reseal(ctx context.Context) (int, error) {
	if rs.sealer == nil || !rs.sealer.Secure() {
		return 0, resources.Errorf(resources.EUNAVAILABLE, "there is no secret key to seal with (set REFER_SECRET_KEY)")
	}
	current := rs.sealer.Current()
	n, err := rs.rewriteEach(ctx, func(r *resources.Referral) bool {
		return r.Sealed != nil && r.Sealed.KeyID != current
	}, func(r *resources.Referral) error {
		p, err := rs.unseal(r)
		if err != nil {
			return err
		}
		return rs.seal(r, p)
	})
	if err != nil {
		return n, err
	}
	subs, err := rs.store.ListSubscriptions(ctx)
	if err != nil {
		return n, err
	}
	for _, s := range subs {
		if s.Secret == nil || s.Secret.KeyID == current {
			continue
		}
		secret, err := rs.sealer.Open(s.Secret, "subscription:"+s.ID)
		if err != nil {
			return n, err
		}
		if s.Secret, err = rs.sealer.Seal(secret, "subscription:"+s.ID); err != nil {
			return n, err
		}
		if err := rs.store.PutSubscription(ctx, s); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// rewriteEach changes every referral that wants says should change, each in
// a transaction of its own (a scan finds them; the transaction asks wants
// again, since the referral may have changed since), and returns how many
// it changed.
func (rs *Referrals) rewriteEach(ctx context.Context, wants func(*resources.Referral) bool, change func(*resources.Referral) error) (int, error) {
	var ids []string
	err := rs.store.ScanReferrals(ctx, nil, time.Time{}, func(r *resources.Referral) bool {
		if wants(r) {
			ids = append(ids, r.ID)
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		_, err := rs.store.UpdateReferral(ctx, id, func(r *resources.Referral) (*resources.OutboxEvent, error) {
			if !wants(r) {
				return nil, nil
			}
			if err := change(r); err != nil {
				return nil, err
			}
			n++
			return nil, nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
