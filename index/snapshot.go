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

// snapshotFormat changes when Document's fields or the file's layout do.
const snapshotFormat = "6"

// snapshotHeader starts the file; the documents follow in chunks of
// snapshotChunk, ended by an empty one and then a snapshotEnd, so that
// reading can check the header before decoding anything and add one chunk
// to the catalog while the next is decoded, and a build can write each
// document as it makes it.
type snapshotHeader struct {
	Format  string
	Mapping string
	Store   string // the store's identity
	Seq     uint64
}

// snapshotEnd closes the file: how many documents it holds (a check that
// it was read whole) and what the index left out (Index.Skipped), so that
// a start-up from the snapshot reports it as a build does.
type snapshotEnd struct {
	Docs    int
	Skipped map[string]string
}

const snapshotChunk = 4096

func init() {
	// Service areas are kept as orb geometries behind an interface.
	gob.Register(orb.Polygon{})
	gob.Register(orb.MultiPolygon{})
}

func snapshotPath(dir string) string { return filepath.Clean(dir) + ".catalog" }

// snapshotWriter writes a catalog's snapshot document by document, into a
// temporary file that commit makes the snapshot, so a crash leaves the old
// snapshot or the new one, never half of one.
type snapshotWriter struct {
	path  string
	tmp   *os.File
	w     *bufio.Writer
	enc   *gob.Encoder
	chunk []*Document
	docs  int
	err   error // the first error, which every later call returns
}

// newSnapshotWriter starts the snapshot of the index in dir, of the store
// with that identity at seq.
func newSnapshotWriter(dir, store string, seq uint64) (*snapshotWriter, error) {
	path := snapshotPath(dir)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".catalog-*")
	if err != nil {
		return nil, err
	}
	sw := &snapshotWriter{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 1<<20), chunk: make([]*Document, 0, snapshotChunk)}
	sw.enc = gob.NewEncoder(sw.w)
	sw.encode(snapshotHeader{Format: snapshotFormat, Mapping: mappingVersion, Store: store, Seq: seq})
	if sw.err != nil {
		sw.abort()
		return nil, sw.err
	}
	return sw, nil
}

func (sw *snapshotWriter) encode(v any) {
	if sw.err == nil {
		if err := sw.enc.Encode(v); err != nil {
			sw.err = fmt.Errorf("catalog snapshot: %w", err)
		}
	}
}

// add writes d (with the next snapshotChunk-1 documents). It drops
// d.Keywords, which only Bleve needs (the catalog drops them too), so d
// must have gone to Bleve already.
func (sw *snapshotWriter) add(d *Document) error {
	d.Keywords = ""
	sw.docs++
	if sw.chunk = append(sw.chunk, d); len(sw.chunk) == snapshotChunk {
		sw.encode(sw.chunk)
		sw.chunk = sw.chunk[:0]
	}
	return sw.err
}

// commit ends the snapshot with what the index left out and puts it in
// place; on an error there is no new snapshot.
func (sw *snapshotWriter) commit(skipped map[string]string) error {
	if len(sw.chunk) > 0 {
		sw.encode(sw.chunk)
	}
	sw.encode([]*Document{}) // the last chunk
	sw.encode(snapshotEnd{Docs: sw.docs, Skipped: skipped})
	err := sw.err
	if err == nil {
		err = sw.w.Flush()
	}
	if err == nil {
		err = sw.tmp.Sync()
	}
	if cerr := sw.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(sw.tmp.Name(), sw.path)
	}
	if err != nil {
		os.Remove(sw.tmp.Name())
	}
	return err
}

// abort leaves the snapshot as it was.
func (sw *snapshotWriter) abort() {
	sw.tmp.Close()
	os.Remove(sw.tmp.Name())
}

// writeSnapshot writes the catalog at seq.
func writeSnapshot(dir, store string, seq uint64, cat *catalog, skipped map[string]string) error {
	sw, err := newSnapshotWriter(dir, store, seq)
	if err != nil {
		return err
	}
	for _, d := range cat.docs {
		if err := sw.add(d); err != nil {
			sw.abort()
			return err
		}
	}
	return sw.commit(skipped)
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
	end := snapshotEnd{Docs: -1}
	go func() {
		defer close(chunks)
		for {
			var chunk []*Document
			if decodeErr = dec.Decode(&chunk); decodeErr != nil {
				return
			}
			if len(chunk) == 0 {
				decodeErr = dec.Decode(&end)
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
	if end.Docs < 0 {
		return nil, 0, nil, fmt.Errorf("catalog snapshot cut short after %d documents (%v)", len(cat.docs), decodeErr)
	}
	if decodeErr != nil || len(cat.docs) != end.Docs {
		return nil, 0, nil, fmt.Errorf("catalog snapshot unreadable: %d of %d documents (%v)", len(cat.docs), end.Docs, decodeErr)
	}
	return cat, head.Seq, end.Skipped, nil
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
