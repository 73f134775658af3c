package hsdsapi

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/refer-project/refer/resources"
)

// hsdsVocabKinds are the kinds that the HSDS lists page through without the
// search index, which holds services and their places only.
var hsdsVocabKinds = []resources.Kind{resources.KindOrganization, resources.KindTaxonomy, resources.KindTaxonomyTerm}

// hsdsRecords keeps in memory, for organizations, taxonomies and taxonomy
// terms, what the HSDS lists filter and page by: ids in order, words,
// parents, last_modified. Pages then read only their own records from the
// store. It follows the store's change log, as the search index does, so a
// request reads the changes since the last one and never lists a whole
// kind; the first request (or one after a big import) reads the three
// kinds once. It is safe for concurrent use.
type hsdsRecords struct {
	store resources.Store

	mu    sync.Mutex
	seq   uint64 // the store change the lists reflect
	ready bool
	kinds map[resources.Kind]*hsdsKindList
}

// hsdsKindList holds the entries of one kind.
type hsdsKindList struct {
	ids     []string // sorted
	entries map[string]*hsdsEntry
}

// hsdsEntry is what a list needs of one record.
type hsdsEntry struct {
	id           string
	parentID     string   // a term's parent
	taxonomyID   string   // a term's taxonomy
	terms        []string // an organization's own attributes' terms
	words        []string // lower-cased words of its names, code and description
	lastModified time.Time
}

// hsdsMaxCatchUp is how many changes behind the store the lists may be and
// still catch up change by change; further behind, they are read afresh.
const hsdsMaxCatchUp = 20000

func newHSDSRecords(store resources.Store) *hsdsRecords {
	return &hsdsRecords{store: store}
}

// query brings the lists up to date with the store and calls fn with them,
// under the lock (fn must not keep them).
func (l *hsdsRecords) query(ctx context.Context, fn func(map[resources.Kind]*hsdsKindList) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.refresh(ctx); err != nil {
		return err
	}
	return fn(l.kinds)
}

func (l *hsdsRecords) refresh(ctx context.Context) error {
	last, err := l.store.LastSeq(ctx)
	if err != nil {
		return err
	}
	if l.ready && last == l.seq {
		return nil
	}
	if !l.ready || last < l.seq || last-l.seq > hsdsMaxCatchUp {
		return l.reload(ctx, last)
	}
	for l.seq < last {
		changes, err := l.store.Changes(ctx, l.seq, 1000)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			break
		}
		for _, ch := range changes {
			if kl := l.kinds[ch.Kind]; kl != nil {
				r, err := l.store.Get(ctx, ch.Kind, ch.ID)
				switch {
				case resources.ErrorCode(err) == resources.ENOTFOUND:
					kl.remove(ch.ID)
				case err != nil:
					return err
				default:
					kl.put(hsdsEntryOf(r))
				}
			}
			l.seq = ch.Seq
		}
	}
	return nil
}

// reload reads the kinds afresh. The sequence number is read first: a
// change made while reading is then applied again by the next refresh,
// which does no harm.
func (l *hsdsRecords) reload(ctx context.Context, seq uint64) error {
	kinds := map[resources.Kind]*hsdsKindList{}
	for _, k := range hsdsVocabKinds {
		rs, err := l.store.List(ctx, k, resources.ListOptions{})
		if err != nil {
			return err
		}
		kl := &hsdsKindList{ids: make([]string, 0, len(rs)), entries: make(map[string]*hsdsEntry, len(rs))}
		for _, r := range rs { // in id order
			e := hsdsEntryOf(r)
			kl.ids = append(kl.ids, e.id)
			kl.entries[e.id] = e
		}
		kinds[k] = kl
	}
	l.kinds, l.seq, l.ready = kinds, seq, true
	return nil
}

func (kl *hsdsKindList) put(e *hsdsEntry) {
	if _, ok := kl.entries[e.id]; !ok {
		i, _ := slices.BinarySearch(kl.ids, e.id)
		kl.ids = slices.Insert(kl.ids, i, e.id)
	}
	kl.entries[e.id] = e
}

func (kl *hsdsKindList) remove(id string) {
	if _, ok := kl.entries[id]; !ok {
		return
	}
	delete(kl.entries, id)
	if i, found := slices.BinarySearch(kl.ids, id); found {
		kl.ids = slices.Delete(kl.ids, i, i+1)
	}
}

// where returns the ids, in order, of the entries keep keeps.
func (kl *hsdsKindList) where(keep func(*hsdsEntry) bool) []string {
	var out []string
	for _, id := range kl.ids {
		if keep(kl.entries[id]) {
			out = append(out, id)
		}
	}
	return out
}

func hsdsEntryOf(r resources.Record) *hsdsEntry {
	e := &hsdsEntry{id: r.RecordID()}
	if t := resources.TrackedOf(r).LastModified; t != nil {
		e.lastModified = *t
	}
	var text []string
	switch r := r.(type) {
	case *resources.Organization:
		text = []string{r.Name, r.AlternateName, r.Description}
		for _, a := range r.Attributes {
			e.terms = append(e.terms, a.TaxonomyTermID)
		}
	case *resources.Taxonomy:
		text = []string{r.Name, r.Description}
	case *resources.TaxonomyTerm:
		text = []string{r.Name, r.Code, r.Description}
		e.parentID, e.taxonomyID = r.ParentID, r.TaxonomyID
	}
	e.words = hsdsWords(strings.Join(text, " "))
	return e
}

// hsdsWords splits text into lower-cased words of letters and digits.
func hsdsWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}

// matchesWords reports whether every query word begins some word of the
// entry: "food pant" finds "Food Pantries".
func (e *hsdsEntry) matchesWords(query []string) bool {
	for _, q := range query {
		found := false
		for _, w := range e.words {
			if strings.HasPrefix(w, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
