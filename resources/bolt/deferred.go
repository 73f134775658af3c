package bolt

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"sync"

	bbolt "go.etcd.io/bbolt"
)

// The refs index (parent/child keys) of a bulk load costs more than the
// records: an import names its parents in no order (a service's
// organization, a site's location), so each transaction of 8,000 records
// put its 15,000 refs keys all over the index, and bbolt wrote again
// nearly every page of it at every commit. At 100k services the store's
// one writer spent 19 of the import's 40 s writing the services file, 9 s
// without the refs. A store opened WithDeferredRefs keeps a transaction's
// refs changes, once it has committed, in memory, and writes them in key
// order, in transactions of refsChunk keys, when maxDeferredRefs are
// waiting and when it is flushed or closed: each page of the index is
// then written about once per flush. The audit trail's index by record
// (audit_record: "<id>/<seq>") is put all over in the same way, and is
// deferred alongside: alternated at 100k services, an import without it
// took 29.0 s against 30.2.

// WithDeferredRefs defers the refs index's changes (see above), for a bulk
// load into a store nobody else reads while it runs (refer import's copy).
// The audit trail's index by record is deferred too. Until they are
// written, what needs either index refuses (ErrRefsDeferred): listing a
// record's children, deleting, reading the audit trail. FlushRefs or
// Close writes them;
// a store closed by a crash instead lacks them, so the file must be thrown
// away unless it was closed (refer import renames its copy into place
// only after).
func WithDeferredRefs() Option {
	return func(c *config) { c.deferRefs = true }
}

// ErrRefsDeferred is the answer of what needs the refs index or the audit
// trail's index by record while a store opened WithDeferredRefs has
// changes to it unwritten.
var ErrRefsDeferred = errors.New("store: the refs or audit index has changes not yet written (a bulk load); flush it first")

// Variables, so that a test can cross their bounds with a few records.
var (
	// maxDeferredRefs is how many refs changes and audit_record keys wait
	// before they are written: about 40 MB of keys, so a 100k import
	// writes them three or four times, a million's over thirty.
	maxDeferredRefs = 250_000
	// refsChunk is how many keys one transaction of a flush writes: a
	// range of the index, so memory holds its pages, not the index's.
	refsChunk = 25_000
)

// deferredRefs holds what a store opened WithDeferredRefs has not yet
// written of its refs index.
type deferredRefs struct {
	// mu is held by each write transaction, from its start until its
	// changes are in pending, and by a flush.
	mu      sync.Mutex
	pending map[string]refChange // by key: the last change committed
	// audit holds the audit_record keys committed: each is new (it ends in
	// its entry's sequence number), so there is nothing to replace.
	audit [][]byte
}

// refChange is a change to one refs key: its field, or its deletion.
type refChange struct {
	field string
	del   bool
}

type stagedRef struct {
	key string
	refChange
}

// stage keeps the refs changes of the writer's transaction (from's keys
// to to's), to be added to pending once it commits.
func (w *writer) stage(from, to map[string]string) {
	for key := range from {
		if _, ok := to[key]; !ok {
			w.staged = append(w.staged, stagedRef{key, refChange{del: true}})
		}
	}
	for key, field := range to {
		if from[key] != field {
			w.staged = append(w.staged, stagedRef{key, refChange{field: field}})
		}
	}
}

// refsPending reports whether the refs index lacks changes: those of a
// committed transaction or of the writer's own.
func (w *writer) refsPending() bool {
	return w.deferred != nil && (len(w.deferred.pending) > 0 || len(w.staged) > 0)
}

// committed adds a committed transaction's staged changes to pending, and
// writes them all once there are maxDeferredRefs. d.mu is held.
func (db *DB) committed(staged []stagedRef, audit [][]byte) error {
	d := db.deferred
	for _, s := range staged {
		d.pending[s.key] = s.refChange
	}
	d.audit = append(d.audit, audit...)
	if len(d.pending)+len(d.audit) < maxDeferredRefs {
		return nil
	}
	return db.flushRefsLocked()
}

// FlushRefs writes the refs changes and audit_record keys a store opened
// WithDeferredRefs has kept, each in key order; nothing for any other
// store.
func (db *DB) FlushRefs() error {
	if db.deferred == nil {
		return nil
	}
	db.deferred.mu.Lock()
	defer db.deferred.mu.Unlock()
	return storageError(db.flushRefsLocked())
}

func (db *DB) flushRefsLocked() error {
	d := db.deferred
	slices.SortFunc(d.audit, bytes.Compare)
	err := writeInOrder(db, bucketAuditRecord, d.audit,
		func(b *bbolt.Bucket, k []byte) error { return b.Put(k, nil) },
		func(chunk [][]byte) { d.audit = d.audit[len(chunk):] })
	if err != nil {
		return err
	}
	d.audit = nil
	return writeInOrder(db, bucketRefs, slices.Sorted(maps.Keys(d.pending)),
		func(b *bbolt.Bucket, k string) error {
			if c := d.pending[k]; !c.del {
				return b.Put([]byte(k), []byte(c.field))
			}
			return b.Delete([]byte(k))
		},
		func(chunk []string) {
			for _, k := range chunk {
				delete(d.pending, k)
			}
		})
}

// writeInOrder writes keys, sorted, into bucket, refsChunk of them to a
// transaction, each with write, and tells written of each chunk once it
// has committed: on an error, what written has not heard of is still the
// caller's to keep.
func writeInOrder[K string | []byte](db *DB, bucket []byte, keys []K, write func(*bbolt.Bucket, K) error, written func([]K)) error {
	for chunk := range slices.Chunk(keys, refsChunk) {
		err := db.db.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket(bucket)
			for _, k := range chunk {
				if err := write(b, k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		written(chunk)
	}
	return nil
}

// refsDeferred reports whether the refs index lacks committed changes.
func (db *DB) refsDeferred() bool {
	return db.waiting(func(d *deferredRefs) bool { return len(d.pending) > 0 })
}

// auditDeferred reports whether the audit trail's index by record lacks
// committed keys.
func (db *DB) auditDeferred() bool {
	return db.waiting(func(d *deferredRefs) bool { return len(d.audit) > 0 })
}

// waiting asks f, under the lock, about what the store has deferred;
// false for a store that defers nothing.
func (db *DB) waiting(f func(*deferredRefs) bool) bool {
	if db.deferred == nil {
		return false
	}
	db.deferred.mu.Lock()
	defer db.deferred.mu.Unlock()
	return f(db.deferred)
}
