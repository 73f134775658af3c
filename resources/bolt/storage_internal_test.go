package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/refer-project/refer/resources"
	bbolt "go.etcd.io/bbolt"
)

// TestStorageErrorNamesTheDisk: each way a disk refuses a write becomes
// storage_full naming why, however deep the file system's error is
// wrapped; any other error is passed on as it is.
func TestStorageErrorNamesTheDisk(t *testing.T) {
	for errno, want := range map[syscall.Errno]string{
		syscall.ENOSPC: "its disk is full",
		syscall.EDQUOT: "its disk is full",
		syscall.EROFS:  "its disk is read-only",
	} {
		err := storageError(fmt.Errorf("commit: %w", &os.PathError{Op: "write", Path: "refer.db", Err: errno}))
		if resources.ErrorCode(err) != resources.EFULL || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: %v, want %s naming %q", errno, err, resources.EFULL, want)
		}
	}
	other := errors.New("some other failure")
	if err := storageError(other); err != other {
		t.Errorf("another error became %v", err)
	}
}

// TestAppendOnlyPagesAreFull: the change log and the audit trail, whose
// keys only grow, fill their pages (appendOnly) instead of leaving each
// half empty, as bbolt's default split does.
func TestAppendOnlyPagesAreFull(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var recs []resources.Record
	for i := range 3000 {
		recs = append(recs, &resources.Organization{ID: fmt.Sprintf("org-%04d", i), Name: fmt.Sprintf("Organization %d", i)})
	}
	if _, err := db.PutBatch(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	err = db.db.View(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketLog, bucketAudit} {
			s := tx.Bucket(name).Stats()
			fill := float64(s.LeafInuse) / float64(s.LeafAlloc)
			if s.LeafPageN < 10 || fill < 0.85 {
				t.Errorf("%s: %d leaf pages, %.0f%% full; want at least 10, 85%% full", name, s.LeafPageN, 100*fill)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
