package index

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/paulmach/orb"

	"github.com/openreferral/refer/resources"
)

// The catalog is kept on disk too, beside the Bleve index, written when
// the index closes and after a rebuild: a start-up then reads one file
// instead of reading and decoding every record of the store (seconds at
// 100k services, and it pulls the whole store file into memory). A missing,
// unreadable or outdated snapshot only means the catalog is built from the
// store, as before; a snapshot behind the store is caught up from the
// change log like the Bleve index.

// snapshotFormat changes when Document's fields do.
const snapshotFormat = "2"

type snapshot struct {
	Format  string
	Mapping string
	Store   string // the store's identity
	Seq     uint64
	Docs    []*Document
}

func init() {
	// Service areas are kept as orb geometries behind an interface.
	gob.Register(orb.Polygon{})
	gob.Register(orb.MultiPolygon{})
}

func snapshotPath(dir string) string { return filepath.Clean(dir) + ".catalog" }

// writeSnapshot writes the catalog at seq, through a temporary file so a
// crash leaves the old snapshot or the new one, never half of one.
func writeSnapshot(dir, store string, seq uint64, cat *catalog) (err error) {
	path := snapshotPath(dir)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".catalog-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	snap := snapshot{Format: snapshotFormat, Mapping: mappingVersion, Store: store, Seq: seq, Docs: make([]*Document, 0, len(cat.docs))}
	for _, d := range cat.docs {
		snap.Docs = append(snap.Docs, d)
	}
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := gob.NewEncoder(w).Encode(&snap); err != nil {
		tmp.Close()
		return fmt.Errorf("catalog snapshot: %w", err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// readSnapshot loads the catalog's snapshot if it is usable for the store
// (its identity) at storeSeq, and says why not otherwise.
func readSnapshot(dir, store string, storeSeq uint64) (*catalog, uint64, error) {
	f, err := os.Open(snapshotPath(dir))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, 0, errors.New("no catalog snapshot")
		}
		return nil, 0, err
	}
	defer f.Close()
	var snap snapshot
	if err := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&snap); err != nil {
		return nil, 0, fmt.Errorf("catalog snapshot unreadable: %v", err)
	}
	switch {
	case snap.Format != snapshotFormat || snap.Mapping != mappingVersion:
		return nil, 0, errors.New("catalog snapshot from another version")
	case snap.Store != store:
		return nil, 0, errors.New("catalog snapshot of another store")
	case snap.Seq > storeSeq:
		return nil, 0, fmt.Errorf("catalog snapshot (at change %d) is ahead of the store (at %d)", snap.Seq, storeSeq)
	}
	zones := map[string]*time.Location{}
	cat := newCatalog()
	// A service's sites share its name, description, organization and
	// eligibility text; decoding gives each its own copy, so share them
	// again (a third of the catalog's memory at 100k services).
	seen := map[string]string{}
	intern := func(s *string) {
		if v, ok := seen[*s]; ok {
			*s = v
		} else {
			seen[*s] = *s
		}
	}
	schedules := map[string][]resources.Schedule{} // by service, for sites that use the service's own
	for _, d := range snap.Docs {
		intern(&d.Name)
		intern(&d.Description)
		intern(&d.Eligibility)
		intern(&d.OrganizationName)
		if prev, ok := schedules[d.ServiceID]; ok && reflect.DeepEqual(prev, d.Schedules) {
			d.Schedules = prev
		} else if !ok {
			schedules[d.ServiceID] = d.Schedules
		}
		z, ok := zones[d.ZoneName]
		if !ok {
			if z, err = time.LoadLocation(d.ZoneName); err != nil {
				z = DefaultZone
			}
			zones[d.ZoneName] = z
		}
		d.zone = z
		cat.add(d)
	}
	return cat, snap.Seq, nil
}

// removeSnapshot deletes the snapshot (before a rebuild: it describes an
// index that is going away).
func removeSnapshot(dir string) error {
	err := os.Remove(snapshotPath(dir))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
