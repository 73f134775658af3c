package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	json "github.com/go-json-experiment/json/v1" // as in read.go
	"github.com/refer-project/refer/resources"
	bbolt "go.etcd.io/bbolt"
)

var _ resources.ReferralStore = (*DB)(nil)

// The buckets of referrals, their events and deliveries, and capacity
// (doc.go describes each).
var (
	bucketReferrals     = []byte("referrals")
	bucketParties       = []byte("referral_parties")
	bucketIdempotency   = []byte("idempotency")
	bucketCapacity      = []byte("capacity")
	bucketSubscriptions = []byte("subscriptions")
	bucketOutbox        = []byte("outbox")
	bucketDeliveries    = []byte("deliveries")
	bucketDue           = []byte("deliveries_due")
	bucketBySub         = []byte("deliveries_by_subscription")
	bucketUnmet         = []byte("unmet_needs")
)

var referralBuckets = [][]byte{bucketReferrals, bucketParties, bucketIdempotency, bucketCapacity,
	bucketSubscriptions, bucketOutbox, bucketDeliveries, bucketDue, bucketBySub, bucketUnmet}

// CreateReferral stores a new referral, its party index entries, its event
// in the outbox and, with an idempotency key, the answer to give a retry,
// all in one transaction. See resources.ReferralStore.
func (db *DB) CreateReferral(ctx context.Context, r *resources.Referral, ev resources.OutboxEvent,
	idem resources.IdempotencyKey, rec *resources.Idempotent) (*resources.Idempotent, error) {
	var first *resources.Idempotent
	err := db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		var ikey []byte
		if idem.Key != "" {
			ikey = idempotencyKey(idem)
			if v := w.tx.Bucket(bucketIdempotency).Get(ikey); v != nil {
				var old resources.Idempotent
				if err := json.Unmarshal(v, &old); err != nil {
					return fmt.Errorf("store: idempotency record: %w", err)
				}
				if !old.At.Before(idem.NotBefore) {
					first = &old
					return nil
				}
			}
		}
		b := w.tx.Bucket(bucketReferrals)
		if b.Get([]byte(r.ID)) != nil {
			return resources.Errorf(resources.ECONFLICT, "referral %q already exists", r.ID)
		}
		if err := putReferral(w.tx, r); err != nil {
			return err
		}
		for _, p := range resources.ReferralParties(r) {
			if err := w.tx.Bucket(bucketParties).Put(partyKey(p, r.ID), nil); err != nil {
				return fmt.Errorf("store: referral %q: %w", r.ID, err)
			}
		}
		if err := appendOutbox(w.tx, ev); err != nil {
			return err
		}
		if ikey != nil && rec != nil {
			v, err := json.Marshal(rec)
			if err != nil {
				return err
			}
			if err := w.tx.Bucket(bucketIdempotency).Put(ikey, v); err != nil {
				return fmt.Errorf("store: idempotency record: %w", err)
			}
		}
		return nil
	})
	return first, err
}

// UpdateReferral reads, changes and writes back a referral in one
// transaction, with the event change returns.
func (db *DB) UpdateReferral(ctx context.Context, id string, change func(*resources.Referral) (*resources.OutboxEvent, error)) (*resources.Referral, error) {
	var out *resources.Referral
	err := db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		r, err := getReferral(w.tx, id)
		if err != nil {
			return err
		}
		ev, err := change(r)
		if err != nil {
			return err
		}
		if err := putReferral(w.tx, r); err != nil {
			return err
		}
		if ev != nil {
			if err := appendOutbox(w.tx, *ev); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetReferral returns the referral with that id; ENOTFOUND if none.
func (db *DB) GetReferral(ctx context.Context, id string) (*resources.Referral, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var r *resources.Referral
	err := db.db.View(func(tx *bbolt.Tx) error {
		var err error
		r, err = getReferral(tx, id)
		return err
	})
	return r, err
}

// ScanReferrals walks referrals newest first (their ids are UUIDv7, which
// sort by time); see resources.ReferralStore.
func (db *DB) ScanReferrals(ctx context.Context, parties []string, since time.Time, fn func(*resources.Referral) bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	floor := ""
	if !since.IsZero() {
		floor = uuidV7Floor(since)
	}
	return db.db.View(func(tx *bbolt.Tx) error {
		refs := tx.Bucket(bucketReferrals)
		var next func() string
		if parties == nil {
			c := refs.Cursor()
			k, _ := c.Last()
			next = func() string {
				id := string(k)
				k, _ = c.Prev()
				return id
			}
		} else {
			next = mergeParties(tx.Bucket(bucketParties), parties)
		}
		n := 0
		for id := next(); id != "" && id >= floor; id = next() {
			if n++; n%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			r, err := getReferral(tx, id)
			if err != nil {
				return err
			}
			if !fn(r) {
				return nil
			}
		}
		return nil
	})
}

// partyCursor walks one party's referral ids backwards.
type partyCursor struct {
	c      *bbolt.Cursor
	prefix []byte
	id     string // the current id; "" when done
}

func (p *partyCursor) set(k []byte) {
	if k == nil || !bytes.HasPrefix(k, p.prefix) {
		p.id = ""
		return
	}
	p.id = string(k[len(p.prefix):])
}

// mergeParties returns a function giving the referral ids filed under any
// of the parties, newest first, each once: one reverse cursor per party,
// merged.
func mergeParties(b *bbolt.Bucket, parties []string) func() string {
	heads := make([]*partyCursor, 0, len(parties))
	for _, p := range parties {
		h := &partyCursor{c: b.Cursor(), prefix: []byte(p + "/")}
		// The last key under the prefix: seek just past it, step back.
		end := append(bytes.Clone(h.prefix[:len(h.prefix)-1]), '/'+1)
		k, _ := h.c.Seek(end)
		if k == nil {
			k, _ = h.c.Last()
		} else {
			k, _ = h.c.Prev()
		}
		h.set(k)
		heads = append(heads, h)
	}
	last := ""
	return func() string {
		for {
			var best *partyCursor
			for _, h := range heads {
				if h.id != "" && (best == nil || h.id > best.id) {
					best = h
				}
			}
			if best == nil {
				return ""
			}
			id := best.id
			k, _ := best.c.Prev()
			best.set(k)
			if id != last {
				last = id
				return id
			}
		}
	}
}

// uuidV7Floor is the smallest UUIDv7 string of a time's millisecond: ids
// at or above it were made then or later.
func uuidV7Floor(t time.Time) string {
	ms := uint64(max(t.UnixMilli(), 0))
	return fmt.Sprintf("%08x-%04x", ms>>16, ms&0xffff)
}

func partyKey(party, id string) []byte { return []byte(party + "/" + id) }

func idempotencyKey(k resources.IdempotencyKey) []byte {
	return []byte(k.Holder + "\x00" + k.Key)
}

func getReferral(tx *bbolt.Tx, id string) (*resources.Referral, error) {
	v := tx.Bucket(bucketReferrals).Get([]byte(id))
	if v == nil {
		return nil, resources.Errorf(resources.ENOTFOUND, "there is no referral %q", id)
	}
	var r resources.Referral
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("store: referral %q: %w", id, err)
	}
	return &r, nil
}

func putReferral(tx *bbolt.Tx, r *resources.Referral) error {
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("store: referral %q: %w", r.ID, err)
	}
	if err := tx.Bucket(bucketReferrals).Put([]byte(r.ID), v); err != nil {
		return fmt.Errorf("store: referral %q: %w", r.ID, err)
	}
	return nil
}

func appendOutbox(tx *bbolt.Tx, ev resources.OutboxEvent) error {
	b := tx.Bucket(bucketOutbox)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	v, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	if err := b.Put(u64(seq), v); err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	return nil
}

// DeleteIdempotencyBefore removes the idempotency records made before t:
// a retry is expected within hours, not days.
func (db *DB) DeleteIdempotencyBefore(ctx context.Context, t time.Time) (int, error) {
	n := 0
	err := db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		c := w.tx.Bucket(bucketIdempotency).Cursor()
		for k, v := c.First(); k != nil; {
			var rec resources.Idempotent
			if err := json.Unmarshal(v, &rec); err != nil || rec.At.Before(t) {
				if err := c.Delete(); err != nil {
					return err
				}
				n++
				k, v = c.Seek(k)
				continue
			}
			k, v = c.Next()
		}
		return nil
	})
	return n, err
}

// PutCapacity sets a service's capacity, with an audit entry and a change
// of the service in the log, so the index shows it at once.
func (db *DB) PutCapacity(ctx context.Context, serviceID string, c resources.Capacity, ifAsOf *time.Time) error {
	return db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		sv := w.tx.Bucket([]byte(resources.KindService)).Get([]byte(serviceID))
		if len(sv) < 8 {
			return notFound(resources.KindService, serviceID)
		}
		b := w.tx.Bucket(bucketCapacity)
		old := bytes.Clone(b.Get([]byte(serviceID)))
		if ifAsOf != nil {
			var was resources.Capacity
			if old != nil {
				if err := json.Unmarshal(old, &was); err != nil {
					return fmt.Errorf("store: capacity of %q: %w", serviceID, err)
				}
			}
			if !was.AsOf.Equal(*ifAsOf) {
				return resources.Errorf(resources.ECONFLICT, "the capacity of service %q was set again since it was read", serviceID)
			}
		}
		v, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(serviceID), v); err != nil {
			return fmt.Errorf("store: capacity of %q: %w", serviceID, err)
		}
		version := binary.BigEndian.Uint64(sv)
		if err := appendChange(w.tx, resources.Change{Kind: resources.KindService, ID: serviceID, Version: version}); err != nil {
			return err
		}
		return w.audit(resources.ActionUpdate, resources.AuditKindCapacity, serviceID, 0, old, v)
	})
}

// Capacity returns a service's capacity; ok is false if none was set.
func (db *DB) Capacity(ctx context.Context, serviceID string) (resources.Capacity, bool, error) {
	var c resources.Capacity
	var ok bool
	if err := ctx.Err(); err != nil {
		return c, false, err
	}
	err := db.db.View(func(tx *bbolt.Tx) error {
		var err error
		c, ok, err = capacity(tx, serviceID)
		return err
	})
	return c, ok, err
}

func capacity(tx *bbolt.Tx, serviceID string) (c resources.Capacity, ok bool, err error) {
	v := tx.Bucket(bucketCapacity).Get([]byte(serviceID))
	if v == nil {
		return c, false, nil
	}
	return c, true, json.Unmarshal(v, &c)
}

// CreateSubscription stores a new subscription. ECONFLICT if the id is
// taken.
func (db *DB) CreateSubscription(ctx context.Context, s resources.Subscription) error {
	return db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		b := w.tx.Bucket(bucketSubscriptions)
		if b.Get([]byte(s.ID)) != nil {
			return resources.Errorf(resources.ECONFLICT, "subscription %q already exists", s.ID)
		}
		v, err := json.Marshal(s)
		if err != nil {
			return err
		}
		return b.Put([]byte(s.ID), v)
	})
}

// PutSubscription replaces a stored subscription; ENOTFOUND if none.
func (db *DB) PutSubscription(ctx context.Context, s resources.Subscription) error {
	return db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		b := w.tx.Bucket(bucketSubscriptions)
		if b.Get([]byte(s.ID)) == nil {
			return resources.Errorf(resources.ENOTFOUND, "there is no subscription %q", s.ID)
		}
		v, err := json.Marshal(s)
		if err != nil {
			return err
		}
		return b.Put([]byte(s.ID), v)
	})
}

// GetSubscription returns a subscription; ENOTFOUND if none.
func (db *DB) GetSubscription(ctx context.Context, id string) (resources.Subscription, error) {
	var s resources.Subscription
	if err := ctx.Err(); err != nil {
		return s, err
	}
	err := db.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketSubscriptions).Get([]byte(id))
		if v == nil {
			return resources.Errorf(resources.ENOTFOUND, "there is no subscription %q", id)
		}
		return json.Unmarshal(v, &s)
	})
	return s, err
}

// ListSubscriptions returns every subscription, in id order (oldest
// first: ids are UUIDv7).
func (db *DB) ListSubscriptions(ctx context.Context) ([]resources.Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []resources.Subscription
	err := db.db.View(func(tx *bbolt.Tx) error {
		var err error
		out, err = listSubscriptions(tx)
		return err
	})
	return out, err
}

func listSubscriptions(tx *bbolt.Tx) ([]resources.Subscription, error) {
	var out []resources.Subscription
	err := tx.Bucket(bucketSubscriptions).ForEach(func(k, v []byte) error {
		var s resources.Subscription
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("store: subscription %q: %w", k, err)
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// DeleteSubscription removes a subscription; its deliveries still pending
// are given up (kept, for the log, as failed). ENOTFOUND if none.
func (db *DB) DeleteSubscription(ctx context.Context, id string) error {
	return db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		b := w.tx.Bucket(bucketSubscriptions)
		if b.Get([]byte(id)) == nil {
			return resources.Errorf(resources.ENOTFOUND, "there is no subscription %q", id)
		}
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
		prefix := []byte(id + "/")
		c := w.tx.Bucket(bucketBySub).Cursor()
		for k, _ := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			d, err := getDelivery(w.tx, string(k[len(prefix):]))
			if err != nil {
				return err
			}
			if d.State != resources.DeliveryPending {
				continue
			}
			d.State, d.LastError = resources.DeliveryFailed, "the subscription was deleted"
			if err := putDelivery(w.tx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// FanOut turns outbox events into deliveries; see resources.ReferralStore.
func (db *DB) FanOut(ctx context.Context, limit int, deliveries func(resources.OutboxEvent, []resources.Subscription) []resources.Delivery) (int, error) {
	n := 0
	err := db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		ob := w.tx.Bucket(bucketOutbox)
		c := ob.Cursor()
		k, v := c.First()
		if k == nil {
			return nil
		}
		subs, err := listSubscriptions(w.tx)
		if err != nil {
			return err
		}
		for ; k != nil && n < limit; k, v = c.First() {
			var ev resources.OutboxEvent
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("store: outbox event %x: %w", k, err)
			}
			for _, d := range deliveries(ev, subs) {
				if err := putDelivery(w.tx, &d); err != nil {
					return err
				}
				if err := w.tx.Bucket(bucketBySub).Put([]byte(d.SubscriptionID+"/"+d.ID), nil); err != nil {
					return err
				}
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// DueDeliveries returns pending deliveries due at or before now.
func (db *DB) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]resources.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []resources.Delivery
	err := db.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketDue).Cursor()
		for k, _ := c.First(); k != nil && len(out) < limit; k, _ = c.Next() {
			if len(k) < 8 || int64(binary.BigEndian.Uint64(k)) > now.UnixNano() {
				break
			}
			d, err := getDelivery(tx, string(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, *d)
		}
		return nil
	})
	return out, err
}

// SaveDelivery stores a delivery after an attempt, keeping the due index
// to its pending ones.
func (db *DB) SaveDelivery(ctx context.Context, d resources.Delivery) error {
	return db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		if _, err := getDelivery(w.tx, d.ID); err != nil {
			return err // deleted, or never made: nothing to save
		}
		return putDelivery(w.tx, &d)
	})
}

// Deliveries returns a subscription's deliveries, newest first.
func (db *DB) Deliveries(ctx context.Context, subscriptionID string, limit int) ([]resources.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []resources.Delivery
	err := db.db.View(func(tx *bbolt.Tx) error {
		next := mergeParties(tx.Bucket(bucketBySub), []string{subscriptionID})
		for id := next(); id != "" && len(out) < limit; id = next() {
			d, err := getDelivery(tx, id)
			if err != nil {
				return err
			}
			out = append(out, *d)
		}
		return nil
	})
	return out, err
}

func getDelivery(tx *bbolt.Tx, id string) (*resources.Delivery, error) {
	v := tx.Bucket(bucketDeliveries).Get([]byte(id))
	if v == nil {
		return nil, resources.Errorf(resources.ENOTFOUND, "there is no delivery %q", id)
	}
	var d resources.Delivery
	if err := json.Unmarshal(v, &d); err != nil {
		return nil, fmt.Errorf("store: delivery %q: %w", id, err)
	}
	return &d, nil
}

// putDelivery writes a delivery and moves its key in the due index: out
// from under its old time, in under its next one while pending.
func putDelivery(tx *bbolt.Tx, d *resources.Delivery) error {
	b, due := tx.Bucket(bucketDeliveries), tx.Bucket(bucketDue)
	if v := b.Get([]byte(d.ID)); v != nil {
		var old resources.Delivery
		if err := json.Unmarshal(v, &old); err == nil && old.State == resources.DeliveryPending {
			if err := due.Delete(dueKey(old)); err != nil {
				return err
			}
		}
	}
	v, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if err := b.Put([]byte(d.ID), v); err != nil {
		return fmt.Errorf("store: delivery %q: %w", d.ID, err)
	}
	if d.State == resources.DeliveryPending {
		return due.Put(dueKey(*d), nil)
	}
	return nil
}

func dueKey(d resources.Delivery) []byte {
	k := make([]byte, 8, 8+len(d.ID))
	binary.BigEndian.PutUint64(k, uint64(max(d.NextAttempt.UnixNano(), 0)))
	return append(k, d.ID...)
}

// AddUnmet adds to the counts of unmet needs, kept as
// "<day>/<need>/<postcode>" -> count.
func (db *DB) AddUnmet(ctx context.Context, counts map[resources.UnmetKey]int) error {
	if len(counts) == 0 {
		return nil
	}
	return db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		b := w.tx.Bucket(bucketUnmet)
		for k, n := range counts {
			key := []byte(k.Day + "/" + k.Need + "/" + k.Postcode)
			var have uint64
			if v := b.Get(key); len(v) == 8 {
				have = binary.BigEndian.Uint64(v)
			}
			if err := b.Put(key, u64(have+uint64(n))); err != nil {
				return err
			}
		}
		return nil
	})
}

// Unmet returns the counts of unmet needs of the days from from to to.
func (db *DB) Unmet(ctx context.Context, from, to time.Time) (map[resources.UnmetKey]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := map[resources.UnmetKey]int{}
	first, last := from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly)
	err := db.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketUnmet).Cursor()
		for k, v := c.Seek([]byte(first)); k != nil && string(k[:min(len(k), 10)]) <= last; k, v = c.Next() {
			parts := bytes.SplitN(k, []byte("/"), 3)
			if len(parts) != 3 || len(v) != 8 {
				continue
			}
			out[resources.UnmetKey{Day: string(parts[0]), Need: string(parts[1]), Postcode: string(parts[2])}] += int(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return out, err
}
