package bolt_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
	bbolt "go.etcd.io/bbolt"
)

// damage writes bytes that do not decode in place of stored records, behind
// the store's back (a damaged disk, another program).
func damage(t *testing.T, path string, k resources.Kind, ids ...string) {
	t.Helper()
	raw, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.Update(func(tx *bbolt.Tx) error {
		for _, id := range ids {
			if err := tx.Bucket([]byte(k)).Put([]byte(id), []byte("\x00\x00\x00\x00\x00\x00\x00\x03{\"id\": tru")); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A record whose stored bytes do not decode: List fails naming it
// (ErrUndecodable), or, with ListOptions.Undecodable, reports it and goes on
// (a page still holds Limit good records); writing it again or deleting it
// repairs the store.
func TestUndecodableRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "refer.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	seed(t, db)
	mustCreate(t, db, svc("s2", "o1"), svc("s3", "o1"), svc("s4", "o1"))
	db.Close()
	damage(t, path, resources.KindService, "s1", "s2")
	if db, err = bolt.Open(path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	if _, err := db.List(ctx, resources.KindService, resources.ListOptions{}); !errors.Is(err, resources.ErrUndecodable) {
		t.Errorf("List without Undecodable: %v, want ErrUndecodable", err)
	}
	var met []string
	opts := resources.ListOptions{Limit: 1, Undecodable: func(k resources.Kind, id string, err error) {
		if k != resources.KindService || !errors.Is(err, resources.ErrUndecodable) {
			t.Errorf("told of %s %q: %v", k, id, err)
		}
		met = append(met, id)
	}}
	rs, err := db.List(ctx, resources.KindService, opts)
	if err != nil || len(rs) != 1 || rs[0].RecordID() != "s3" || len(met) != 2 || met[0] != "s1" || met[1] != "s2" {
		t.Fatalf("List with Undecodable, Limit 1: %v %v; told of %v", ids(rs), err, met)
	}
	if _, err := db.Get(ctx, resources.KindService, "s1"); !errors.Is(err, resources.ErrUndecodable) {
		t.Errorf("Get: %v", err)
	}

	// Written again (the damaged s1 pointed at o1, p1 and tt): the store
	// takes it, its version goes on from the damaged one, and its old
	// references go, so the program it no longer names can be deleted.
	s1 := svc("s1", "o1")
	got, err := db.Update(ctx, s1, 0)
	if err != nil {
		t.Fatalf("Update of a damaged record: %v", err)
	}
	if version(got) != 4 {
		t.Errorf("version %d after the damaged 3", version(got))
	}
	if err := db.Delete(ctx, resources.KindProgram, "p1", 0); err != nil {
		t.Errorf("the program the damaged service named: %v", err)
	}
	// Deleted: gone, and so are the references it held.
	if err := db.Delete(ctx, resources.KindService, "s2", 0); err != nil {
		t.Fatalf("Delete of a damaged record: %v", err)
	}
	if rs, err := db.List(ctx, resources.KindService, resources.ListOptions{}); err != nil || len(rs) != 3 {
		t.Errorf("after the repair: %v %v", ids(rs), err)
	}
}
