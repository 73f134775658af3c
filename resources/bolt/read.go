package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	// encoding/json as Go 1.27 has it (built on encoding/json/v2), from the
	// module that mirrors it: records decode in half the time of Go 1.26's,
	// which was a sixth of an index build.
	json "github.com/go-json-experiment/json/v1"
	bbolt "go.etcd.io/bbolt"

	"github.com/refer-project/refer/resources"
)

// Get returns the record of kind k with that id: ENOTFOUND if there is none,
// EINVALID if k is not a kind.
func (db *DB) Get(ctx context.Context, k resources.Kind, id string) (resources.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var r resources.Record
	err := db.db.View(func(tx *bbolt.Tx) error {
		var err error
		r, err = get(tx, k, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func get(tx *bbolt.Tx, k resources.Kind, id string) (resources.Record, error) {
	b, err := kindBucket(tx, k)
	if err != nil {
		return nil, err
	}
	v := b.Get([]byte(id))
	if v == nil {
		return nil, notFound(k, id)
	}
	return decodeValue(k, id, v)
}

// List returns records of kind k in id order (bytewise). With opts.Of it
// reads the refs index under that parent instead of scanning the kind.
func (db *DB) List(ctx context.Context, k resources.Kind, opts resources.ListOptions) ([]resources.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Taken before the transaction begins: a flush that ends meanwhile
	// has written all its changes into what the transaction sees.
	var ov *refsOverlay
	if opts.Of != (resources.Ref{}) {
		var err error
		if ov, err = db.refsOverlay(); err != nil {
			return nil, err
		}
	}
	var out []resources.Record
	err := db.db.View(func(tx *bbolt.Tx) error {
		var err error
		out, err = list(tx, k, opts, ov)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// refsOverlay is the refs changes a List with Of reads over the refs
// bucket: while a flush writes them, they are read with it (childIDs);
// once it has, or before one starts, refsDeferred says whether any wait
// (it waits for a flush under way): ErrRefsDeferred.
func (db *DB) refsOverlay() (*refsOverlay, error) {
	ov := db.flushing()
	if ov == nil && db.refsDeferred() {
		return nil, ErrRefsDeferred
	}
	return ov, nil
}

// View reads the store in one read transaction (resources.Viewer); its
// reader also reads capacity (resources.CapacityReader).
func (db *DB) View(ctx context.Context, read func(resources.Reader) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// As in List, before the transaction begins (a List with Of in the
	// view reads with them, or is refused with ovErr).
	ov, ovErr := db.refsOverlay()
	return db.db.View(func(tx *bbolt.Tx) error { return read(&view{tx, ov, ovErr}) })
}

// view is a DB's reader within one read transaction.
type view struct {
	tx    *bbolt.Tx
	ov    *refsOverlay
	ovErr error
}

func (v *view) Get(ctx context.Context, k resources.Kind, id string) (resources.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return get(v.tx, k, id)
}

func (v *view) List(ctx context.Context, k resources.Kind, opts resources.ListOptions) ([]resources.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Of == (resources.Ref{}) {
		return list(v.tx, k, opts, nil)
	}
	if v.ovErr != nil {
		return nil, v.ovErr
	}
	return list(v.tx, k, opts, v.ov)
}

func (v *view) Capacity(ctx context.Context, serviceID string) (resources.Capacity, bool, error) {
	if err := ctx.Err(); err != nil {
		return resources.Capacity{}, false, err
	}
	return capacity(v.tx, serviceID)
}

// list lists as List does, reading the refs index with ov's changes over
// it (nil: none).
func list(tx *bbolt.Tx, k resources.Kind, opts resources.ListOptions, ov *refsOverlay) ([]resources.Record, error) {
	if opts.Of.ID != "" {
		if _, err := resources.ParseKind(string(opts.Of.Kind)); err != nil {
			return nil, err
		}
		if strings.Contains(opts.Of.ID, "/") {
			return nil, nil // no stored id has one, and it would cut the prefix short
		}
	}
	var out []resources.Record
	full := func() bool { return opts.Limit > 0 && len(out) >= opts.Limit }
	b, err := kindBucket(tx, k)
	if err != nil {
		return nil, err
	}
	add := func(id, v []byte) error {
		r, err := decodeValue(k, string(id), v)
		if err == nil {
			out = append(out, r)
		} else if opts.Undecodable != nil && errors.Is(err, resources.ErrUndecodable) {
			opts.Undecodable(k, string(id), err) // left out; it does not count toward Limit
			return nil
		}
		return err
	}
	after := []byte(opts.After)
	if opts.Of.ID == "" {
		c := b.Cursor()
		id, v := c.Seek(after)
		for ; id != nil && !full(); id, v = c.Next() {
			if bytes.Equal(id, after) {
				continue
			}
			if err := add(id, v); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	prefix := refPrefix(opts.Of.Kind, opts.Of.ID, k)
	for id := range childIDs(tx.Bucket(bucketRefs).Cursor(), prefix, opts.After, ov) {
		if full() {
			break
		}
		v := b.Get(id)
		if v == nil {
			return nil, fmt.Errorf("store: refs index names %s %q of %s %q, which is not stored", k, id, opts.Of.Kind, opts.Of.ID)
		}
		if err := add(id, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Count returns how many records of kind k there are. bbolt keeps no count,
// so this walks the bucket's pages (not its values): milliseconds for a
// state's directory.
func (db *DB) Count(ctx context.Context, k resources.Kind) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int
	err := db.db.View(func(tx *bbolt.Tx) error {
		b, err := kindBucket(tx, k)
		if err != nil {
			return err
		}
		n = b.Stats().KeyN
		return nil
	})
	return n, err
}

// Changes returns up to limit change-log entries after seq, oldest first;
// limit <= 0 returns all of them.
func (db *DB) Changes(ctx context.Context, after uint64, limit int) ([]resources.Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if after == ^uint64(0) {
		return nil, nil
	}
	var out []resources.Change
	err := db.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketLog).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
			var ch resources.Change
			if err := json.Unmarshal(v, &ch); err != nil {
				return fmt.Errorf("store: change %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, ch)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LastSeq returns the sequence number of the newest change, 0 if none.
func (db *DB) LastSeq(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var seq uint64
	err := db.db.View(func(tx *bbolt.Tx) error {
		seq = tx.Bucket(bucketLog).Sequence()
		return nil
	})
	return seq, err
}

// Identity returns the store's random id, made when the file was created.
func (db *DB) Identity(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var id string
	err := db.db.View(func(tx *bbolt.Tx) error {
		id = string(tx.Bucket(bucketMeta).Get(keyIdentity))
		return nil
	})
	return id, err
}

// kindBucket returns the bucket of kind k. Checking k first keeps a caller
// from reading the refs or log buckets as if they held records.
func kindBucket(tx *bbolt.Tx, k resources.Kind) (*bbolt.Bucket, error) {
	if _, err := resources.ParseKind(string(k)); err != nil {
		return nil, err
	}
	b := tx.Bucket([]byte(k))
	if b == nil {
		return nil, fmt.Errorf("store: no bucket for %s", k)
	}
	return b, nil
}

// decodeValue reads a stored value: the version, then the record's JSON. It
// copies what it keeps, so the record outlives the transaction.
func decodeValue(k resources.Kind, id string, v []byte) (resources.Record, error) {
	if len(v) < 8 {
		return nil, fmt.Errorf("store: %s %q: %w: its value of %d bytes has no version", k, id, resources.ErrUndecodable, len(v))
	}
	r, err := resources.NewRecord(k)
	if err != nil {
		return nil, err
	}
	if err := resources.UnmarshalJSON(v[8:], r); err != nil {
		return nil, fmt.Errorf("store: %s %q: %w: %w", k, id, resources.ErrUndecodable, err)
	}
	resources.TrackedOf(r).Version = binary.BigEndian.Uint64(v[:8])
	return r, nil
}

func notFound(k resources.Kind, id string) error {
	return resources.Errorf(resources.ENOTFOUND, "there is no %s %q", k, id)
}

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

// refPrefix returns the refs keys' prefix for a parent, or, given a child
// kind, for the parent's children of that kind.
func refPrefix(parent resources.Kind, parentID string, child ...resources.Kind) []byte {
	p := string(parent) + "/" + parentID + "/"
	for _, c := range child {
		p += string(c) + "/"
	}
	return []byte(p)
}

// refKey returns the refs key recording that child points at parent.
func refKey(parent resources.Kind, parentID string, child resources.Kind, childID string) string {
	return string(parent) + "/" + parentID + "/" + string(child) + "/" + childID
}
