package bolt_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// mappedKB reads from /proc/self/smaps how much of the file at path the
// process has resident in its memory maps, in kB.
func mappedKB(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kb, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = len(fields) >= 6 && fields[5] == path
			continue
		}
		if in && len(fields) == 3 && fields[0] == "Rss:" {
			n, _ := strconv.Atoi(fields[1])
			kb += n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return kb
}

// storeOfSites is a store of 30,000 records shaped like an import's, and
// a count of them read back whole.
func storeOfSites(t *testing.T) (*bolt.DB, func() int) {
	db := MustOpen(t)
	mustPut(t, db, []resources.Record{org("o1")})
	all := sites("m", "o1", 30000)
	for start := 0; start < len(all); start += 6000 {
		mustPut(t, db, all[start:start+6000])
	}
	count := func() int {
		n := 0
		for _, k := range []resources.Kind{resources.KindLocation, resources.KindService, resources.KindServiceAtLocation} {
			rs, err := db.List(ctx, k, resources.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			n += len(rs)
		}
		return n
	}
	return db, count
}

// Reading the whole store maps its pages into the process; ReleaseMapped
// gives them back, and the records read the same afterwards.
func TestReleaseMapped(t *testing.T) {
	db, count := storeOfSites(t)
	if n := count(); n != 30000 {
		t.Fatalf("read %d records, want 30000", n)
	}
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	read := mappedKB(t, db.Path())
	if read < int(fi.Size()/1024/4) {
		t.Fatalf("after reading every record, %d kB of the %d kB file are mapped: the test reads too little to show a release", read, fi.Size()/1024)
	}
	if err := db.ReleaseMapped(); err != nil {
		t.Fatal(err)
	}
	if after := mappedKB(t, db.Path()); after > 256 {
		t.Errorf("after ReleaseMapped %d kB of the file are still mapped (%d kB before)", after, read)
	}
	if n := count(); n != 30000 {
		t.Fatalf("after the release, read %d records, want 30000", n)
	}
	t.Logf("file %d kB; mapped after reading it all %d kB", fi.Size()/1024, read)
}

// KeepMappedUnder releases the store's pages once the process maps more
// files than it allows (here: any), and stops when told.
func TestKeepMappedUnder(t *testing.T) {
	db, count := storeOfSites(t)
	stop := db.KeepMappedUnder(1)
	count()
	deadline := time.Now().Add(5 * time.Second)
	for mappedKB(t, db.Path()) > 256 {
		if time.Now().After(deadline) {
			t.Fatalf("5 s after reading, %d kB of the store are still mapped", mappedKB(t, db.Path()))
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	count()
	time.Sleep(300 * time.Millisecond)
	if kb := mappedKB(t, db.Path()); kb < 1024 {
		t.Errorf("after stop, reading the store maps %d kB: still released", kb)
	}
}

// A watcher may outlive the store's Close (refer import keeps it over the
// last flush of the refs index, which sweeps the whole index): a release
// then finds the store closed and says so, and the watcher goes on
// looking without harm until stopped.
func TestKeepMappedUnderOutlivesClose(t *testing.T) {
	db, count := storeOfSites(t)
	stop := db.KeepMappedUnder(1)
	count()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(350 * time.Millisecond) // three looks at least
	stop()
	if err := db.ReleaseMapped(); err == nil {
		t.Error("ReleaseMapped on a closed store: no error")
	}
}
