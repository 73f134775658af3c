package bolt

import (
	"errors"
	"fmt"
	"github.com/google/uuid"
	"io"
	"os"
	"time"

	"github.com/refer-project/refer/resources"
	bbolt "go.etcd.io/bbolt"
	bberrors "go.etcd.io/bbolt/errors"
)

// DB is a store in one bbolt file. It is safe for concurrent use: bbolt runs
// one writer at a time and any number of readers.
type DB struct {
	db  *bbolt.DB
	now func() time.Time
	// deferred, for a store opened WithDeferredRefs, holds the refs
	// index's changes not yet written.
	deferred *deferredRefs
	// file names the file as the system's memory maps do (ReleaseMapped).
	file fileID
}

var _ resources.Store = (*DB)(nil)

// Option changes how Open opens a store.
type Option func(*config)

type config struct {
	timeout   time.Duration
	now       func() time.Time
	maxSize   int
	deferRefs bool
}

// WithMaxSize caps the store's file at n bytes: a write that would grow it
// further fails with EFULL and changes nothing, as on a full disk.
func WithMaxSize(n int) Option {
	return func(c *config) { c.maxSize = n }
}

// WithTimeout sets how long Open waits for another process to let go of the
// file before it gives up (one second unless set). Zero would wait forever.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// WithClock sets the clock that stamps last_modified, so tests can know the
// time a write will carry.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

var (
	bucketRefs        = []byte("refs")
	bucketLog         = []byte("log")
	bucketMeta        = []byte("meta")
	keyIdentity       = []byte("identity")
	bucketAudit       = []byte("audit")
	bucketAuditRecord = []byte("audit_record")
	bucketKeys        = []byte("keys")

	keyFormat = []byte("format")
)

// format names the layout described in doc.go. Change it with any change to
// keys or values, so that an older binary refuses a newer file. Layout "2"
// stopped copying a record's new JSON into its audit entries; it reads
// layout "1" files as they are (their entries hold both), so Open marks
// them "2" and goes on.
const format = "2"

// olderFormats are the layouts this binary reads as they are.
var olderFormats = map[string]bool{"1": true}

// initialMmapSize maps this much of the file from the start. A writer that
// must grow the map waits for every open reader, so a backup or a long list
// would stall writes; mapping ahead (address space only, not memory) avoids
// that for any directory the size of a state's.
const initialMmapSize = 256 << 20

// Open opens the store at path, creating the file if there is none. A store
// is held by one process at a time: if another holds it, Open fails after
// the timeout (see WithTimeout) with a message saying so.
func Open(path string, opts ...Option) (*DB, error) {
	cfg := config{timeout: time.Second, now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	bdb, err := openFile(path, cfg)
	if errors.Is(err, bberrors.ErrTimeout) {
		return nil, resources.Errorf(resources.ECONFLICT,
			"store %s is in use by another process (is \"refer serve\" running?)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	err = bdb.Update(func(tx *bbolt.Tx) error {
		names := [][]byte{bucketRefs, bucketLog, bucketMeta, bucketAudit, bucketAuditRecord, bucketKeys}
		names = append(names, referralBuckets...)
		names = append(names, peopleBuckets...)
		for _, k := range resources.Kinds {
			names = append(names, []byte(k))
		}
		for _, name := range names {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keyIdentity) == nil {
			if err := meta.Put(keyIdentity, []byte(uuid.NewString())); err != nil {
				return err
			}
		}
		switch f := meta.Get(keyFormat); {
		case f == nil, olderFormats[string(f)]:
			return meta.Put(keyFormat, []byte(format))
		case string(f) != format:
			return fmt.Errorf("the file has layout %q; this refer reads layout %q", f, format)
		}
		return nil
	})
	if err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	file, err := fileIDOf(bdb.Path())
	if err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db := &DB{db: bdb, now: cfg.now, file: file}
	if cfg.deferRefs {
		db.deferred = &deferredRefs{pending: map[string]refChange{}}
	}
	return db, nil
}

// openFile opens the bbolt file at path. An import replaces the file by
// renaming a copy over it (see refer import); a process that was waiting
// for the lock of the file it replaced would get a file nobody else sees,
// so Open checks that path still names the file it locked, and opens the
// new one if not.
func openFile(path string, cfg config) (*bbolt.DB, error) {
	for {
		before, _ := os.Stat(path)
		bdb, err := bbolt.Open(path, 0o600, &bbolt.Options{
			Timeout: cfg.timeout,
			// The hashmap freelist stays fast when deletes fragment the file.
			FreelistType:    bbolt.FreelistMapType,
			InitialMmapSize: initialMmapSize,
			MaxSize:         cfg.maxSize,
		})
		if err != nil || before == nil {
			return bdb, err
		}
		if after, err := os.Stat(path); err == nil && !os.SameFile(before, after) {
			bdb.Close()
			continue
		}
		return bdb, nil
	}
}

// Close writes what a store opened WithDeferredRefs still holds of its
// refs index, and releases the file. Calls made after it fail.
func (db *DB) Close() error {
	err := db.FlushRefs()
	if cerr := db.db.Close(); err == nil {
		err = cerr
	}
	return err
}

// Path returns the file's path.
func (db *DB) Path() string {
	return db.db.Path()
}

// Backup writes a consistent copy of the whole file to w while reads and
// writes go on (a bbolt hot backup: one read transaction sees one state).
// The copy opens with Open like the original.
func (db *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := db.db.View(func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup of %s: %w", db.Path(), err)
	}
	return n, nil
}
