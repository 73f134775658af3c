package bolt

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	bbolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// fileID names the store's file as /proc/self/maps does: the device
// (major:minor, in hex) and the inode.
type fileID struct {
	dev string
	ino uint64
}

func fileIDOf(path string) (fileID, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return fileID{}, err
	}
	return fileID{dev: fmt.Sprintf("%02x:%02x", unix.Major(st.Dev), unix.Minor(st.Dev)), ino: st.Ino}, nil
}

// KeepMappedUnder, until stop is called, looks ten times a second at how
// much of the process's resident memory maps files (RssFile) and releases
// the store's pages (ReleaseMapped) when it is over max bytes. It is for a
// bulk pass over the store (an import, an index build), which reads
// records here and there in the file while the kernel maps the pages
// around each one it faults in: an index build at 100k services had 0.4
// GB of the file mapped within one page of 5,000 services, and 0.7 GB in
// all. Releasing costs a fault for each page read again after it, so it
// happens only past max, not on every look. A release that fails only
// leaves memory as it was, so its error is dropped; one after Close finds
// the store closed, so the watcher may be stopped after Close (to cover
// what Close writes).
func (db *DB) KeepMappedUnder(max int64) (stop func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if n, err := rssFile(); err == nil && n > max {
					_ = db.ReleaseMapped()
				}
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}

// rssFile reads the process's resident file-backed memory, in bytes.
func rssFile() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	_, rest, ok := bytes.Cut(b, []byte("\nRssFile:"))
	if !ok {
		return 0, errors.New("no RssFile in /proc/self/status")
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(line), []byte(" kB"))), 10, 64)
	return kb << 10, err
}

// ReleaseMapped drops the pages of the store's file from the process's
// memory map (madvise MADV_DONTNEED on bbolt's read-only shared mapping):
// the next read maps them again from the file cache, so no data is lost,
// and what was read stops counting in the process's resident memory. At
// 100k services an index build otherwise maps 0.7 GB of the 0.74 GB file.
//
// It runs inside a read transaction, which holds bbolt's lock on its map:
// the map cannot move (a commit that grows the file waits) while its
// ranges are read and released. A write transaction may run meanwhile:
// it reads through the map as any reader does, and writes through the file.
func (db *DB) ReleaseMapped() error {
	return db.db.View(func(*bbolt.Tx) error { return releaseMapped(db.file) })
}

// releaseMapped madvises away every mapping of the file f.
func releaseMapped(f fileID) error {
	maps, err := os.Open("/proc/self/maps")
	if err != nil {
		return err
	}
	defer maps.Close()
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		// start-end perms offset dev inode path
		fields := bytes.Fields(sc.Bytes())
		// Only a shared mapping (perms "r--s"): its pages are the file's.
		if len(fields) < 5 || string(fields[3]) != f.dev || len(fields[1]) < 4 || fields[1][3] != 's' {
			continue
		}
		if ino, err := strconv.ParseUint(string(fields[4]), 10, 64); err != nil || ino != f.ino {
			continue
		}
		lo, hi, ok := bytes.Cut(fields[0], []byte("-"))
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(string(lo), 16, 64)
		end, err2 := strconv.ParseUint(string(hi), 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		// By address, not by a slice: the mapping is bbolt's.
		if _, _, e := unix.Syscall(unix.SYS_MADVISE, uintptr(start), uintptr(end-start), unix.MADV_DONTNEED); e != 0 {
			return fmt.Errorf("release the store's mapped pages: %w", e)
		}
	}
	return sc.Err()
}
