package bolt

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/refer-project/refer/resources"
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
