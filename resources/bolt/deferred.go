package bolt

import (
	"bytes"
	"errors"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

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
// Close writes them (FlushRefsBehind too, on a goroutine of its own, while
// listing a record's children reads through them);
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
	// flushing holds, while a flush started by FlushRefsBehind runs, the
	// refs changes it writes, through which List reads the refs index.
	flushing atomic.Pointer[refsOverlay]
}

// refsOverlay is a flush's refs changes, read but never changed while it
// writes them: the refs index is the bucket with these changes over it,
// however much of them the bucket holds yet.
type refsOverlay struct {
	keys    []string // sorted
	changes map[string]refChange
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
	return db.flushRefsLocked(slices.Sorted(maps.Keys(d.pending)))
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
	return storageError(db.flushRefsLocked(slices.Sorted(maps.Keys(db.deferred.pending))))
}

// FlushRefsBehind starts FlushRefs on a goroutine of its own, and returns
// what waits for it and says how it went. Meanwhile List reads the refs
// index with the changes being written (a build of the search index, say,
// while the last flush of an import writes), and writes wait.
func (db *DB) FlushRefsBehind() (wait func() error) {
	if db.deferred == nil {
		return func() error { return nil }
	}
	d := db.deferred
	d.mu.Lock()
	ov := &refsOverlay{keys: slices.Sorted(maps.Keys(d.pending)), changes: d.pending}
	d.flushing.Store(ov)
	done := make(chan error, 1)
	go func() {
		defer d.mu.Unlock()
		err := db.flushRefsLocked(ov.keys)
		d.flushing.Store(nil)
		done <- storageError(err)
	}()
	return sync.OnceValue(func() error { return <-done })
}

// flushRefsLocked writes the audit_record keys, then the refs changes,
// pending's keys in order (refKeys). A flush that fails keeps them all, to
// be written again: putting a key again, or deleting one gone, changes
// nothing.
func (db *DB) flushRefsLocked(refKeys []string) error {
	d := db.deferred
	slices.SortFunc(d.audit, bytes.Compare)
	err := writeInOrder(db, bucketAuditRecord, d.audit, func(b *bbolt.Bucket, k []byte) error { return b.Put(k, nil) })
	if err != nil {
		return err
	}
	d.audit = nil
	err = writeInOrder(db, bucketRefs, refKeys, func(b *bbolt.Bucket, k string) error {
		if c := d.pending[k]; !c.del {
			return b.Put([]byte(k), []byte(c.field))
		}
		return b.Delete([]byte(k))
	})
	if err != nil {
		return err
	}
	// A new map, not the one cleared: List may still read the old one
	// through the overlay it loaded.
	d.pending = map[string]refChange{}
	return nil
}

// writeInOrder writes keys, sorted, into bucket, refsChunk of them to a
// transaction, each with write.
func writeInOrder[K string | []byte](db *DB, bucket []byte, keys []K, write func(*bbolt.Bucket, K) error) error {
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
		chunkWritten()
	}
	return nil
}

// chunkWritten hears of each chunk writeInOrder has committed: a test's
// way in between two.
var chunkWritten = func() {}

// childIDs yields the ids under prefix in the refs index, after after, in
// order: those of the bucket's cursor c, with the changes of ov (nil:
// none) over them.
func childIDs(c *bbolt.Cursor, prefix []byte, after string, ov *refsOverlay) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		from := append(slices.Clip(prefix), after...)
		key, _ := c.Seek(from)
		var keys []string
		if ov != nil {
			i, _ := slices.BinarySearch(ov.keys, string(from))
			keys = ov.keys[i:]
		}
		for {
			inBucket := bytes.HasPrefix(key, prefix)
			inOverlay := len(keys) > 0 && strings.HasPrefix(keys[0], string(prefix))
			var next []byte
			switch {
			case !inBucket && !inOverlay:
				return
			case inOverlay && (!inBucket || keys[0] <= string(key)):
				if inBucket && keys[0] == string(key) {
					key, _ = c.Next() // the change is the key's last word
				}
				k := keys[0]
				keys = keys[1:]
				if ov.changes[k].del {
					continue
				}
				next = []byte(k)
			default:
				next = key
				key, _ = c.Next()
			}
			if id := next[len(prefix):]; string(id) != after && !yield(id) {
				return
			}
		}
	}
}

// refsDeferred reports whether the refs index lacks committed changes.
func (db *DB) refsDeferred() bool {
	return db.waiting(func(d *deferredRefs) bool { return len(d.pending) > 0 })
}

// flushing returns the changes a flush started by FlushRefsBehind writes
// now, or nil.
func (db *DB) flushing() *refsOverlay {
	if db.deferred == nil {
		return nil
	}
	return db.deferred.flushing.Load()
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
