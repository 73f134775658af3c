package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/refer-project/refer/listing"
	"github.com/refer-project/refer/resources"
)

// Index is the search index of a store: Bleve on disk plus the catalog in
// memory. It is safe for concurrent use.
type Index struct {
	dir     string
	store   resources.Store
	storeID string // the store's identity, recorded with the index
	needsOf NeedsOf
	// coreNeedsOf says which needs a term serves at their core (nil: none).
	coreNeedsOf NeedsOf
	// needsOfWords reads the needs a search's words name (nil: none).
	needsOfWords func(text string) (needs, synonyms []string)
	admits       Admits
	log          *slog.Logger

	syncMu sync.Mutex // one Sync or Rebuild at a time

	mu      sync.RWMutex // guards the fields below
	bleve   bleve.Index
	cat     *catalog
	applied uint64 // the store sequence number both reflect
	// snapped is the sequence number of the catalog snapshot on disk,
	// if snappedOK, so Close does not write the same snapshot again.
	snapped   uint64
	snappedOK bool

	skipMu  sync.Mutex
	maxText int
	// maxWord is the most letters one search word may have.
	maxWord int
	// skipped are the services left out of the index, by id, with why.
	skipped map[string]string
}

// Config is what Open needs.
type Config struct {
	// Dir is the folder of the Bleve index (created if missing).
	Dir     string
	Store   resources.Store
	NeedsOf NeedsOf
	// CoreNeedsOf says which of the needs a term serves (NeedsOf) it serves
	// at their core: the matcher's grades, passed in as NeedsOf is. A
	// match's candidates for a need hold its core services near the client
	// and by phone or online, not only its nearest sites of any grade,
	// which a need's wide crosswalk can fill (a hundred clinics nearer
	// than any prescription help). Nil: none.
	CoreNeedsOf NeedsOf
	// NeedsOfWords says which needs a search's words name, and the words
	// directories use for them (the matcher's lexicon, passed in as
	// NeedsOf is), so that services serving them match the words: "comida"
	// finds food pantries, "dentist" dental clinics. Nil: none.
	NeedsOfWords func(text string) (needs, synonyms []string)
	// Admits is the matcher's eligibility rule for a search's age and
	// gender; nil: only the structured minimum and maximum ages count.
	Admits Admits
	Logger *slog.Logger
	// MaxServiceText caps the text of one service that the index takes
	// (name, description, eligibility, keywords, organization name);
	// zero means DefaultMaxServiceText. A service past it is left out of
	// search, logged and listed by Skipped: one record never stops the
	// directory from opening.
	MaxServiceText int
	// MaxWordLetters caps the letters of one word of a search's text;
	// zero means DefaultMaxWordLetters. A longer word is refused (invalid,
	// naming the limit): each word becomes a fuzzy query whose work grows
	// with its length.
	MaxWordLetters int
}

// DefaultMaxWordLetters is far above any word a directory is searched
// with (English and Spanish words of social services stay under 25
// letters; "telecommunications" is 18).
const DefaultMaxWordLetters = 64

// DefaultMaxServiceText is far above any real listing (the Miami 211
// export's longest description is under 4,000 characters) and far below
// what would stop an index build (a 300 MB description ran it out of
// memory).
const DefaultMaxServiceText = 1 << 20

// Admits says whether a listing may serve a person of that age (nil:
// unknown) and gender ("": unknown): the rule that matching uses, read from
// the eligibility text, the ages and the target-population codes, so that
// age=34 leaves out a senior centre whose ages are only in its text.
type Admits func(l *listing.Listing, age *float64, gender string) bool

// batchDocs is the number of documents per Bleve batch in a rebuild (a
// variable, so that a test can cross batches with a few documents):
// maintainers advise against small batches and against huge ones (memory
// grows with the batch; tech.md 1.9).
var batchDocs = 2000

// batchIndexers is how many Bleve batches a rebuild indexes at once. Bleve
// analyses a batch's documents on every core, then builds its segment on
// one: with two batches, one's segment is built while the other is
// analysed. A 20k import's index took 1.7-1.9 of the 2 cores with one,
// over 2 with two; `refer reindex` at 20k took 2.10-2.50 s against
// 2.64-3.24, the import 4.37 s against 4.63 (medians of 4, alternated).
// The order of the batches does not matter: the build is swapped in only
// once all are indexed.
const batchIndexers = 2

// maxReplay is how far behind the store an index may be and still be
// caught up change by change at start-up; further behind (after a big
// import), a rebuild is faster.
const maxReplay = 20000

// Open opens the index of a store, making it whole: a missing, unreadable,
// or outdated index (built with another mapping, or ahead of the store) is
// rebuilt with progress in the log; an index behind the store replays the
// changes it missed. The catalog is built from the store.
func Open(ctx context.Context, cfg Config) (*Index, error) {
	ix, storeSeq, err := newIndex(ctx, cfg)
	if err != nil {
		return nil, err
	}
	b, seq, why := ix.openExisting(storeSeq)
	if b == nil {
		ix.log.Info("building the search index", "reason", why)
		if _, err := ix.rebuild(ctx, true); err != nil {
			return nil, err
		}
		return ix, nil
	}
	if err := ix.catchUp(ctx, b, seq, storeSeq); err != nil {
		return nil, err
	}
	return ix, nil
}

// catchUp opens the index on b, the Bleve index at seq, with the catalog,
// and catches both up with the store at storeSeq. On an error b is closed.
func (ix *Index) catchUp(ctx context.Context, b bleve.Index, seq, storeSeq uint64) error {
	log := ix.log
	// The catalog comes from its snapshot when there is a usable one
	// (reading and decoding the whole store takes seconds at 100k
	// services), else from the store. Then both catch up with the changes
	// either missed.
	cat, catSeq, skipped, err := readSnapshot(ix.dir, ix.storeID, storeSeq)
	if err == nil {
		ix.snapped, ix.snappedOK = catSeq, true
		if skipped != nil {
			ix.skipped = skipped
		}
	} else {
		log.Info("building the catalog from the store", "reason", err)
		cat = newCatalog()
		if _, err = ix.buildAll(ctx, func(d *Document) error { cat.add(d); return nil }); err != nil {
			b.Close()
			return err
		}
		catSeq = storeSeq
	}
	ix.bleve, ix.cat, ix.applied = b, cat, min(seq, catSeq)
	if ix.applied < storeSeq {
		log.Info("search index is behind the store; catching up", "index_seq", seq, "catalog_seq", catSeq, "store_seq", storeSeq)
		if err := ix.replay(ctx, true); err != nil {
			ix.Close()
			return err
		}
	}
	ix.applied = storeSeq
	return nil
}

// newIndex makes the Index of cfg, not yet open, and reads the store's
// sequence number.
func newIndex(ctx context.Context, cfg Config) (*Index, uint64, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ix := &Index{dir: cfg.Dir, store: cfg.Store, needsOf: cfg.NeedsOf, coreNeedsOf: cfg.CoreNeedsOf, needsOfWords: cfg.NeedsOfWords, admits: cfg.Admits, log: log,
		maxText: cmp.Or(cfg.MaxServiceText, DefaultMaxServiceText), maxWord: cmp.Or(cfg.MaxWordLetters, DefaultMaxWordLetters), skipped: map[string]string{}}
	storeSeq, err := cfg.Store.LastSeq(ctx)
	if err != nil {
		return nil, 0, err
	}
	if ix.storeID, err = cfg.Store.Identity(ctx); err != nil {
		return nil, 0, err
	}
	return ix, storeSeq, nil
}

// Refreshed is what Refresh did: the documents the index holds, and the
// records it left out (as Index.Skipped says them).
type Refreshed struct {
	Documents int
	Skipped   []string
}

// Refresh brings the index on disk up to date with the store and closes
// it, for a command that ends there (import, reindex): it does what Open
// and Close do, but a build sends each document to Bleve and to the
// catalog's snapshot as it makes it, never holding the catalog, so its
// memory grows with a page of services, not with the directory (the
// catalog of a million services takes over a gigabyte).
func Refresh(ctx context.Context, cfg Config) (Refreshed, error) {
	ix, storeSeq, err := newIndex(ctx, cfg)
	if err != nil {
		return Refreshed{}, err
	}
	b, seq, why := ix.openExisting(storeSeq)
	if b != nil {
		// Caught up change by change, which needs the catalog.
		if err := ix.catchUp(ctx, b, seq, storeSeq); err != nil {
			return Refreshed{}, err
		}
		done := Refreshed{Documents: ix.Len(), Skipped: ix.Skipped()}
		return done, ix.Close()
	}
	ix.log.Info("building the search index", "reason", why)
	n, err := ix.rebuild(ctx, false)
	return Refreshed{Documents: n, Skipped: ix.Skipped()}, err
}

// openExisting opens the Bleve index if it is there, readable, built with
// this mapping, and not ahead of the store. Otherwise it returns nil and why.
func (ix *Index) openExisting(storeSeq uint64) (bleve.Index, uint64, string) {
	if _, err := os.Stat(ix.dir); errors.Is(err, os.ErrNotExist) {
		return nil, 0, "no index yet"
	}
	b, err := openBleve(ix.dir, false)
	if err != nil {
		return nil, 0, fmt.Sprintf("index unreadable: %v", err)
	}
	store, seq, ok, err := readSeq(b)
	switch {
	case err != nil:
		b.Close()
		return nil, 0, fmt.Sprintf("index unreadable: %v", err)
	case !ok:
		b.Close()
		return nil, 0, "index built by another version"
	case store != ix.storeID:
		b.Close()
		return nil, 0, "index was built from another store"
	case seq > storeSeq:
		b.Close()
		return nil, 0, fmt.Sprintf("index (at change %d) is ahead of the store (at %d): the store was replaced", seq, storeSeq)
	case storeSeq-seq > maxReplay:
		b.Close()
		return nil, 0, fmt.Sprintf("index is %d changes behind the store (an import): building afresh is faster than replaying", storeSeq-seq)
	}
	return b, seq, ""
}

// Close writes the catalog's snapshot (so the next start-up need not read
// the whole store) and closes the Bleve index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bleve == nil {
		return nil
	}
	var serr error
	if !ix.snappedOK || ix.applied != ix.snapped {
		serr = writeSnapshot(ix.dir, ix.storeID, ix.applied, ix.cat, ix.skippedCopy())
	}
	err := ix.bleve.Close()
	ix.bleve = nil
	if serr != nil {
		ix.snapshotFailed(serr)
	}
	return err
}

// snapshotFailed logs a catalog snapshot that could not be written: no
// failure, as the next start-up reads the store instead.
func (ix *Index) snapshotFailed(err error) {
	ix.log.Error("could not write the catalog snapshot; the next start-up reads the store", "err", err)
}

// Applied returns the store sequence number the index reflects.
func (ix *Index) Applied() uint64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.applied
}

// Len returns the number of documents.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.cat.docs)
}

// Rebuild builds the index again from the store, in a new folder, and swaps
// it in; searches go on against the old one meanwhile.
func (ix *Index) Rebuild(ctx context.Context) error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	_, err := ix.rebuild(ctx, true)
	return err
}

// rebuild builds the index afresh into a new folder, writing the catalog's
// snapshot as it goes, and swaps it in. With serve it keeps the catalog and
// the new index open; without, it leaves both on disk only (Refresh) and
// returns the number of documents.
func (ix *Index) rebuild(ctx context.Context, serve bool) (int, error) {
	start := time.Now()
	seq, err := ix.store.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	tmp := ix.dir + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, err
	}
	if err := removeSnapshot(ix.dir); err != nil {
		return 0, err
	}
	ix.mu.Lock()
	ix.snappedOK = false
	ix.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(tmp), 0o750); err != nil {
		return 0, err
	}
	b, err := openBleve(tmp, true)
	if err != nil {
		return 0, fmt.Errorf("search index: %w", err)
	}
	// The snapshot is written as the documents are made; without it the
	// next start-up reads the store, so failing to write it is no failure.
	snap, err := newSnapshotWriter(ix.dir, ix.storeID, seq)
	if err != nil {
		ix.snapshotFailed(err)
	}
	// Bleve indexes batches on batchIndexers goroutines of their own while
	// the next is read from the store and built, so that the cores take
	// turns instead of waiting for each other.
	batches := make(chan *bleve.Batch, 1)
	indexed := make(chan error, batchIndexers)
	for range batchIndexers {
		go func() {
			var err error
			for batch := range batches {
				if err == nil {
					if err = b.Batch(batch); err != nil {
						err = fmt.Errorf("search index: %w", err)
					}
				}
			}
			indexed <- err
		}()
	}
	var cat *catalog
	if serve {
		cat = newCatalog()
	}
	batch := b.NewBatch()
	built := 0
	n, err := ix.buildAll(ctx, func(d *Document) error {
		if err := batch.IndexAdvanced(bleveDocument(d)); err != nil {
			return err
		}
		built++
		if snap != nil {
			if err := snap.add(d); err != nil {
				ix.snapshotFailed(err)
				snap.abort()
				snap = nil
			}
		}
		if cat != nil {
			cat.add(d)
		}
		if batch.Size() >= batchDocs {
			if built%20000 < batchDocs {
				ix.log.Info("indexing", "documents", built)
			}
			batches <- batch
			batch = b.NewBatch()
		}
		return nil
	})
	if err == nil {
		setSeq(batch, ix.storeID, seq)
		batches <- batch
	}
	close(batches)
	for range batchIndexers {
		if berr := <-indexed; err == nil {
			err = berr
		}
	}
	if err != nil {
		if snap != nil {
			snap.abort()
		}
		b.Close()
		os.RemoveAll(tmp)
		return 0, err
	}
	// Swap: the old index goes, the new one takes its folder.
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bleve != nil {
		ix.bleve.Close()
		ix.bleve = nil
	}
	if err := b.Close(); err != nil {
		return 0, err
	}
	if err := os.RemoveAll(ix.dir); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, ix.dir); err != nil {
		return 0, err
	}
	if serve {
		if ix.bleve, err = openBleve(ix.dir, false); err != nil {
			return 0, fmt.Errorf("search index: %w", err)
		}
		ix.cat, ix.applied, ix.snappedOK = cat, seq, false
	}
	if snap != nil {
		if err := snap.commit(ix.skippedCopy()); err != nil {
			ix.snapshotFailed(err)
		} else {
			ix.snapped, ix.snappedOK = seq, true
		}
	}
	ix.log.Info("search index built", "documents", n, "took", time.Since(start).Round(time.Millisecond))
	return n, nil
}

// Sync applies the store's changes since the index's sequence number, so
// that a search sees every committed write. An API write calls it before it
// answers.
func (ix *Index) Sync(ctx context.Context) error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	return ix.replay(ctx, false)
}

// replayPage is how many changes replay reads and applies at a time (one
// Bleve batch): large enough that an import being followed (Follow) makes
// batches of a useful size, small enough that memory holds one page.
const replayPage = 2000

// replay applies changes after ix.applied. At start-up (catchUp) the
// catalog and Bleve may each have seen some of the changes already, so a
// service's old documents are found in Bleve by its id rather than taken
// from the catalog; applying a change twice is harmless, since documents
// are always rebuilt from the store as it is.
func (ix *Index) replay(ctx context.Context, catchUp bool) error {
	for {
		ix.mu.RLock()
		after := ix.applied
		ix.mu.RUnlock()
		changes, err := ix.store.Changes(ctx, after, replayPage)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
		}
		if err := ix.apply(ctx, changes, catchUp); err != nil {
			return err
		}
	}
}

// apply brings the documents of every service the changes touch up to
// date, in the catalog and in Bleve, and records the last sequence number
// in the same Bleve batch.
func (ix *Index) apply(ctx context.Context, changes []resources.Change, catchUp bool) error {
	affected, err := ix.affectedServices(ctx, changes, catchUp)
	if err != nil {
		return err
	}
	// In change order, so that the batch (and a test) sees the same
	// documents in the same order every time.
	fresh := make(map[string][]Document, len(affected))
	rd := newDocReader(ix.store, ix.needsOf, ix.coreNeedsOf, ix.needsOfWords)
	rd.areaError = ix.areaError
	for _, id := range affected {
		ix.forgetAreas(id)
		docs, err := rd.serviceDocuments(ctx, id)
		if errors.Is(err, resources.ErrUndecodable) {
			// The service, or a record its documents need, cannot be
			// read: out of search, named, until it is written again.
			ix.admit(id, nil)
			ix.leaveOut(id, "service "+id, err)
			fresh[id] = nil
			continue
		}
		if err != nil {
			return err
		}
		fresh[id] = ix.admit(id, docs)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	batch := ix.bleve.NewBatch()
	for _, id := range affected {
		docs := fresh[id]
		// Out with the service's old documents: the catalog knows them,
		// except when catching up at start-up, where only Bleve knows what
		// it holds.
		old := ix.cat.removeService(id)
		if catchUp {
			if err := ix.deleteServiceFromBleve(batch, id); err != nil {
				return err
			}
		} else {
			for _, docID := range old {
				batch.Delete(docID)
			}
		}
		for i := range docs {
			d := &docs[i]
			if err := batch.IndexAdvanced(bleveDocument(d)); err != nil {
				return fmt.Errorf("search index: %w", err)
			}
			ix.cat.add(d)
		}
	}
	last := changes[len(changes)-1].Seq
	setSeq(batch, ix.storeID, last)
	if err := ix.bleve.Batch(batch); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	ix.applied = last
	return nil
}

// deleteServiceFromBleve deletes every Bleve document of a service, found
// by its service_id keyword (used when the catalog no longer knows them).
func (ix *Index) deleteServiceFromBleve(batch *bleve.Batch, serviceID string) error {
	q := bleve.NewTermQuery(serviceID)
	q.SetField(fieldServiceID)
	req := bleve.NewSearchRequestOptions(q, 10000, 0, false)
	res, err := ix.bleve.Search(req)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	for _, h := range res.Hits {
		batch.Delete(h.ID)
	}
	return nil
}

// bleveServiceOf returns the service of a document that Bleve holds ("" if
// it holds none by that id): in a replay, Bleve remembers a deleted site
// that the new catalog never saw.
func (ix *Index) bleveServiceOf(docID string) (string, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{docID}), 1, 0, false)
	req.Fields = []string{fieldServiceID}
	res, err := ix.bleve.Search(req)
	if err != nil {
		return "", fmt.Errorf("search index: %w", err)
	}
	if len(res.Hits) == 0 {
		return "", nil
	}
	svc, _ := res.Hits[0].Fields[fieldServiceID].(string)
	return svc, nil
}

// affectedServices returns the services whose documents the changes
// alter, each once, in the order the changes name them. Changed locations,
// organizations and taxonomy terms are looked up in the catalog in one
// pass over it, not one per change: an import changes thousands at a time.
func (ix *Index) affectedServices(ctx context.Context, changes []resources.Change, catchUp bool) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	locs, orgs, terms := map[string]bool{}, map[string]bool{}, map[string]bool{}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, ch := range changes {
		switch ch.Kind {
		case resources.KindService:
			add(ch.ID)
		case resources.KindServiceAtLocation:
			if d := ix.cat.docs[ch.ID]; d != nil {
				add(d.ServiceID)
			} else if catchUp {
				// Only when catching up can Bleve hold a site the
				// catalog does not know.
				svc, err := ix.bleveServiceOf(ch.ID)
				if err != nil {
					return nil, err
				}
				if svc != "" {
					add(svc)
				}
			}
			if !ch.Deleted {
				sal, err := resources.Get[*resources.ServiceAtLocation](ctx, ix.store, ch.ID)
				if err == nil {
					add(sal.ServiceID)
				} else if errors.Is(err, resources.ErrUndecodable) {
					ix.undecodable(resources.KindServiceAtLocation, ch.ID, err)
				} else if resources.ErrorCode(err) != resources.ENOTFOUND {
					return nil, err
				}
			}
		case resources.KindLocation:
			locs[ch.ID] = true
		case resources.KindOrganization:
			orgs[ch.ID] = true
		case resources.KindTaxonomyTerm:
			terms[ch.ID] = true
		}
	}
	if len(locs)+len(orgs)+len(terms) == 0 || len(ix.cat.docs) == 0 {
		return out, nil
	}
	for _, s := range ix.cat.servicesWhere(func(d *Document) bool {
		if locs[d.LocationID] || orgs[d.OrganizationID] {
			return true
		}
		for _, t := range d.Terms {
			if terms[t.ID] {
				return true
			}
		}
		return false
	}) {
		add(s)
	}
	return out, nil
}

// admit returns a service's documents, or none when the service cannot be
// indexed (its text passes maxText), which it logs and keeps in Skipped.
func (ix *Index) admit(serviceID string, docs []Document) []Document {
	ix.skipMu.Lock()
	defer ix.skipMu.Unlock()
	delete(ix.skipped, serviceID)
	if len(docs) == 0 {
		return docs
	}
	d := &docs[0] // a service's documents share its text
	n := len(d.Name) + len(d.Description) + len(d.Eligibility) + len(d.Keywords) + len(d.OrganizationName)
	if n <= ix.maxText {
		return docs
	}
	why := fmt.Sprintf("its text is %d bytes, more than the index's limit of %d (MaxServiceText); fix the listing", n, ix.maxText)
	ix.skipped[serviceID] = why
	ix.log.Warn("service left out of search", "service", serviceID, "reason", why)
	return nil
}

// undecodable leaves out a record whose stored bytes cannot be decoded
// (resources.ListOptions.Undecodable): a service's id names it, as for a
// service too big to index; another kind's record is named "kind id".
func (ix *Index) undecodable(k resources.Kind, id string, err error) {
	key := id
	if k != resources.KindService {
		key = string(k) + " " + id
	}
	ix.leaveOut(key, string(k)+" "+id, err)
}

// areaKey names in Skipped a service area left out of a service's
// documents; store ids have no "/".
func areaKey(serviceID, areaID string) string { return "service_area " + serviceID + "/" + areaID }

// areaError returns what a build tells of a service's areas it leaves out
// (Source.AreaError): each is logged and listed in Skipped, as the service
// is searchable but not found by that area.
func (ix *Index) areaError(serviceID string) func(areaID string, err error) {
	return func(areaID string, err error) {
		why := fmt.Sprintf("its extent %v; the service is searchable, but not by this area", err)
		ix.skipMu.Lock()
		ix.skipped[areaKey(serviceID, areaID)] = why
		ix.skipMu.Unlock()
		ix.log.Warn("service area left out of search", "service", serviceID, "service_area", areaID, "reason", why)
	}
}

// forgetAreas drops what Skipped says of a service's areas, before its
// documents are built again.
func (ix *Index) forgetAreas(serviceID string) {
	prefix := areaKey(serviceID, "")
	ix.skipMu.Lock()
	defer ix.skipMu.Unlock()
	for k := range ix.skipped {
		if strings.HasPrefix(k, prefix) {
			delete(ix.skipped, k)
		}
	}
}

// leaveOut records and logs that what key names is left out of search
// because a record (what) cannot be decoded.
func (ix *Index) leaveOut(key, what string, err error) {
	why := fmt.Sprintf("the store holds bytes that do not decode (%v); write the record again or delete it", err)
	ix.skipMu.Lock()
	ix.skipped[key] = why
	ix.skipMu.Unlock()
	ix.log.Warn("record left out of search", "record", what, "reason", why)
}

func (ix *Index) skippedCopy() map[string]string {
	ix.skipMu.Lock()
	defer ix.skipMu.Unlock()
	return maps.Clone(ix.skipped)
}

// Skipped lists what the index left out, "id: why", sorted: services by
// their id (too big to index, or undecodable), other records that cannot
// be decoded as "kind id", and service areas it could not use as
// "service_area serviceID/areaID".
func (ix *Index) Skipped() []string {
	ix.skipMu.Lock()
	defer ix.skipMu.Unlock()
	out := make([]string, 0, len(ix.skipped))
	for id, why := range ix.skipped {
		out = append(out, id+": "+why)
	}
	slices.Sort(out)
	return out
}
