package index

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/paulmach/orb"
)

// The catalog is kept on disk too, beside the Bleve index, written when
// the index closes and after a rebuild: a start-up then reads one file
// instead of reading and decoding every record of the store (seconds at
// 100k services, and it pulls the whole store file into memory). A missing,
// unreadable or outdated snapshot only means the catalog is built from the
// store, as before; a snapshot behind the store is caught up from the
// change log like the Bleve index.

// snapshotFormat changes when Document's fields do.
const snapshotFormat = "5"

// snapshotHeader starts the file; the documents follow in chunks of
// snapshotChunk, ended by an empty one, so that reading can check the
// header before decoding anything and add one chunk to the catalog while
// the next is decoded.
type snapshotHeader struct {
	Format  string
	Mapping string
	Store   string // the store's identity
	Seq     uint64
	Docs    int
	// Skipped is what the index left out (Index.Skipped), so that a
	// start-up from the snapshot reports it as a build does.
	Skipped map[string]string
}

const snapshotChunk = 4096

func init() {
	// Service areas are kept as orb geometries behind an interface.
	gob.Register(orb.Polygon{})
	gob.Register(orb.MultiPolygon{})
}

func snapshotPath(dir string) string { return filepath.Clean(dir) + ".catalog" }

// writeSnapshot writes the catalog at seq, through a temporary file so a
// crash leaves the old snapshot or the new one, never half of one.
func writeSnapshot(dir, store string, seq uint64, cat *catalog, skipped map[string]string) (err error) {
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
	w := bufio.NewWriterSize(tmp, 1<<20)
	enc := gob.NewEncoder(w)
	err = enc.Encode(snapshotHeader{Format: snapshotFormat, Mapping: mappingVersion, Store: store, Seq: seq, Docs: len(cat.docs), Skipped: skipped})
	chunk := make([]*Document, 0, snapshotChunk)
	for _, d := range cat.docs {
		if err != nil {
			break
		}
		if chunk = append(chunk, d); len(chunk) == snapshotChunk {
			err, chunk = enc.Encode(chunk), chunk[:0]
		}
	}
	if err == nil && len(chunk) > 0 {
		err = enc.Encode(chunk)
	}
	if err == nil {
		err = enc.Encode([]*Document{}) // the end
	}
	if err != nil {
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
// (its identity) at storeSeq, with what the index left out, and says why
// not otherwise.
func readSnapshot(dir, store string, storeSeq uint64) (*catalog, uint64, map[string]string, error) {
	f, err := os.Open(snapshotPath(dir))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, 0, nil, errors.New("no catalog snapshot")
		}
		return nil, 0, nil, err
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	var head snapshotHeader
	if err := dec.Decode(&head); err != nil {
		return nil, 0, nil, fmt.Errorf("catalog snapshot unreadable: %v", err)
	}
	switch {
	case head.Format != snapshotFormat || head.Mapping != mappingVersion:
		return nil, 0, nil, errors.New("catalog snapshot from another version")
	case head.Store != store:
		return nil, 0, nil, errors.New("catalog snapshot of another store")
	case head.Seq > storeSeq:
		return nil, 0, nil, fmt.Errorf("catalog snapshot (at change %d) is ahead of the store (at %d)", head.Seq, storeSeq)
	}
	// Decoding takes about as long as adding to the catalog: one goroutine
	// decodes the next chunk while this one adds the last.
	chunks := make(chan []*Document, 2)
	var decodeErr error
	go func() {
		defer close(chunks)
		for {
			var chunk []*Document
			if decodeErr = dec.Decode(&chunk); decodeErr != nil || len(chunk) == 0 {
				return
			}
			chunks <- chunk
		}
	}()
	zones := map[string]*time.Location{}
	cat := newCatalog()
	for chunk := range chunks {
		for _, d := range chunk {
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
	}
	if decodeErr != nil || len(cat.docs) != head.Docs {
		return nil, 0, nil, fmt.Errorf("catalog snapshot unreadable: %d of %d documents (%v)", len(cat.docs), head.Docs, decodeErr)
	}
	return cat, head.Seq, head.Skipped, nil
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
