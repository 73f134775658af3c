package bolt

import (
	"cmp"
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	json "github.com/go-json-experiment/json/v1" // as in read.go
	"github.com/refer-project/refer/resources"
	bbolt "go.etcd.io/bbolt"
)

var _ resources.KeyStore = (*DB)(nil)

// storedKey is a key as the keys bucket holds it: resources.Key keeps its
// hash out of JSON so that no answer can carry it by mistake; here it is
// written on purpose.
type storedKey struct {
	resources.Key
	HashHex string `json:"hash"`
}

func encodeKey(k resources.Key) ([]byte, error) {
	return json.Marshal(storedKey{Key: k, HashHex: hex.EncodeToString(k.Hash)})
}

func decodeKey(v []byte) (resources.Key, error) {
	var sk storedKey
	if err := json.Unmarshal(v, &sk); err != nil {
		return resources.Key{}, fmt.Errorf("store: key: %w", err)
	}
	h, err := hex.DecodeString(sk.HashHex)
	if err != nil {
		return resources.Key{}, fmt.Errorf("store: key %q: hash: %w", sk.ID, err)
	}
	sk.Key.Hash = h
	return sk.Key, nil
}

// putKey writes k into the keys bucket b.
func putKey(b *bbolt.Bucket, k resources.Key) error {
	v, err := encodeKey(k)
	if err != nil {
		return err
	}
	if err := b.Put([]byte(k.ID), v); err != nil {
		return fmt.Errorf("store: key %q: %w", k.ID, err)
	}
	return nil
}

// keyJSON is what the audit trail compares for a key: everything but its hash.
func keyJSON(k resources.Key) []byte {
	b, _ := json.Marshal(k) // a Key always marshals
	return b
}

// CreateKey stores a new key. EINVALID if an org_editor key names an
// organization that is not stored; ECONFLICT if the id is taken.
func (db *DB) CreateKey(ctx context.Context, k resources.Key) error {
	return db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		if k.OrganizationID != "" && w.tx.Bucket([]byte(resources.KindOrganization)).Get([]byte(k.OrganizationID)) == nil {
			return &resources.Error{Code: resources.EINVALID, Message: "the key is invalid",
				Fields: map[string]string{"organization_id": fmt.Sprintf("names no organization %q", k.OrganizationID)}}
		}
		b := w.tx.Bucket(bucketKeys)
		if b.Get([]byte(k.ID)) != nil {
			return resources.Errorf(resources.ECONFLICT, "key %q already exists", k.ID)
		}
		v, err := encodeKey(k)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(k.ID), v); err != nil {
			return fmt.Errorf("store: key %q: %w", k.ID, err)
		}
		return w.audit(resources.ActionCreate, resources.AuditKindKey, k.ID, 0, nil, keyJSON(k))
	})
}

// GetKey returns the key with that id; ENOTFOUND if none.
func (db *DB) GetKey(ctx context.Context, id string) (resources.Key, error) {
	if err := ctx.Err(); err != nil {
		return resources.Key{}, err
	}
	var k resources.Key
	err := db.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketKeys).Get([]byte(id))
		if v == nil {
			return resources.Errorf(resources.ENOTFOUND, "there is no key %q", id)
		}
		var err error
		k, err = decodeKey(v)
		return err
	})
	return k, err
}

// ListKeys returns every key, oldest first.
func (db *DB) ListKeys(ctx context.Context) ([]resources.Key, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []resources.Key
	err := db.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketKeys).ForEach(func(_, v []byte) error {
			k, err := decodeKey(v)
			if err == nil {
				out = append(out, k)
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b resources.Key) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// RevokeKey marks a key revoked and returns it. Revoking it again changes
// nothing and writes no audit entry. ENOTFOUND if there is no such key.
func (db *DB) RevokeKey(ctx context.Context, id string) (resources.Key, error) {
	var k resources.Key
	err := db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		b := w.tx.Bucket(bucketKeys)
		v := b.Get([]byte(id))
		if v == nil {
			return resources.Errorf(resources.ENOTFOUND, "there is no key %q", id)
		}
		var err error
		if k, err = decodeKey(v); err != nil || !k.Active() {
			return err
		}
		before := keyJSON(k)
		at := w.at.Truncate(time.Second)
		k.Revoked = &at
		if err := putKey(b, k); err != nil {
			return err
		}
		return w.audit(resources.ActionRevoke, resources.AuditKindKey, id, 0, before, keyJSON(k))
	})
	return k, err
}

// RotateKey stores next and makes key id end at oldExpires (or keeps its
// earlier end), in one transaction, so there is never a moment when
// neither key works nor one when the old key runs on without an end.
func (db *DB) RotateKey(ctx context.Context, id string, next resources.Key, oldExpires time.Time) (resources.Key, error) {
	var k resources.Key
	err := db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		b := w.tx.Bucket(bucketKeys)
		v := b.Get([]byte(id))
		if v == nil {
			return resources.Errorf(resources.ENOTFOUND, "there is no key %q", id)
		}
		var err error
		if k, err = decodeKey(v); err != nil {
			return err
		}
		if !k.Active() {
			return resources.Errorf(resources.ECONFLICT, "key %q was revoked: create a new key instead", id)
		}
		before := keyJSON(k)
		if k.Expires == nil || oldExpires.Before(*k.Expires) {
			at := oldExpires.UTC().Truncate(time.Second)
			k.Expires = &at
		}
		if err := putKey(b, k); err != nil {
			return err
		}
		if err := w.audit(resources.ActionUpdate, resources.AuditKindKey, id, 0, before, keyJSON(k)); err != nil {
			return err
		}
		if b.Get([]byte(next.ID)) != nil {
			return resources.Errorf(resources.ECONFLICT, "key %q already exists", next.ID)
		}
		if err := putKey(b, next); err != nil {
			return err
		}
		return w.audit(resources.ActionCreate, resources.AuditKindKey, next.ID, 0, nil, keyJSON(next))
	})
	return k, err
}

// revokeOrganizationKeys revokes the keys bound to organization org, in the
// transaction that deletes it: an org_editor key of an organization that is
// gone must not go on working (nor come back if the id is used again).
func (w *writer) revokeOrganizationKeys(org string) error {
	b := w.tx.Bucket(bucketKeys)
	type revoked struct {
		id     string
		before []byte
		k      resources.Key
	}
	var todo []revoked
	err := b.ForEach(func(id, v []byte) error {
		k, err := decodeKey(v)
		if err != nil || k.OrganizationID != org || !k.Active() {
			return err
		}
		before := keyJSON(k)
		at := w.at.Truncate(time.Second)
		k.Revoked = &at
		todo = append(todo, revoked{string(id), before, k})
		return nil
	})
	if err != nil {
		return err
	}
	// Written after the walk: a bucket must not change under ForEach.
	for _, r := range todo {
		if err := putKey(b, r.k); err != nil {
			return err
		}
		if err := w.audit(resources.ActionRevoke, resources.AuditKindKey, r.id, 0, r.before, keyJSON(r.k)); err != nil {
			return err
		}
	}
	return nil
}
