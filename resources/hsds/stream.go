package hsds

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/refer-project/refer/resources"
)

// ErrNotStreamable is LoadStream's answer for a source it cannot read a
// window at a time and store exactly as Read and Load would: the caller
// reads it whole instead. LoadStream may have written part of it by then,
// so it writes into a store the caller can throw away (refer import writes
// into a copy of its store).
var ErrNotStreamable = errors.New("the source must be read whole")

// notStreamable is ErrNotStreamable saying why.
func notStreamable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotStreamable, fmt.Sprintf(format, args...))
}

// StreamWindow is how many bytes of a JSON list LoadStream reads, decodes
// and stores at a time. Memory grows with it, not with the source.
var StreamWindow = 16 << 20

// LoadStream is Read followed by Load for HSDS JSON (p a .json file, or a
// folder of them such as `refer export --format hsds-json` and `refer gen`
// write) in memory that grows with StreamWindow, not with the source: each
// file's top-level list is read a window at a time, each window's records
// put in canonical form, checked, cleaned and stored before the next is
// read. Files are stored in the order their kinds are referred to
// (taxonomies, terms, organizations, … services), so that links point back;
// windows whose organizations or terms name a parent further on in their
// file wait for the end of the file. What carries from window to window is
// a hash per record and per child.
//
// The store ends as Load(Read(p)) leaves it and the report says the same,
// as long as no window needs what another holds. For these it returns
// ErrNotStreamable (saying which): a record or child met again in its file
// with different content (Read keeps the first and names the fields that
// differ), or in two files, differing, where Read's first is not the
// first stored here; a record the store rejects, or whose link Load would
// drop (it may name one a later window holds); objects whose kind their
// window's majority gave, where the whole list's majority is another; a
// file that is not one list or not valid JSON (whose error Read gives). A
// file or source over the limits is refused before anything is written,
// with Read's error (wrapping ErrOverLimit). Other errors are the store's.
func LoadStream(ctx context.Context, s resources.Store, p string, opts Options) (Report, error) {
	rep, _, err := loadStream(ctx, s, p, opts)
	return rep, err
}

// loadStream is LoadStream, also saying how many windows it read.
func loadStream(ctx context.Context, s resources.Store, p string, opts Options) (Report, int, error) {
	files, err := streamFiles(p, opts.Limits.orDefault())
	if err != nil {
		return Report{}, 0, err
	}
	st := &streamer{ctx: ctx, s: s, opts: opts, seed: maphash.MakeSeed(), stored: map[uint64]storedRecord{}}
	problems, err := st.readAll(files)
	if err != nil {
		return Report{}, st.windows, err
	}
	rep := st.rep
	// Problems as Merge gives them: file by file in name order.
	for _, f := range files {
		for _, p := range problems[f.name] {
			if p.Rejected {
				rep.Rejected = append(rep.Rejected, p.String())
			} else {
				rep.Warnings = append(rep.Warnings, p.String())
			}
		}
	}
	return rep, st.windows, nil
}

type streamFile struct {
	path, name string
}

// streamFiles lists the JSON files Read would read at p, in name order, or
// says ErrNotStreamable for any other source; one over the limits is
// refused with Read's error (wrapping ErrOverLimit).
func streamFiles(p string, lim Limits) ([]streamFile, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, ErrNotStreamable
	}
	var files []streamFile
	switch {
	case info.IsDir():
		fsys := os.DirFS(p)
		if root, err := findDatapackage(fsys); err != nil || root != "" || isOhana(fsys) {
			return nil, ErrNotStreamable
		}
		names, _ := filepath.Glob(filepath.Join(globEscape(p), "*.json"))
		for _, n := range names {
			files = append(files, streamFile{path: n, name: filepath.Base(n)})
		}
	case strings.EqualFold(filepath.Ext(p), ".json"):
		files = []streamFile{{path: p, name: filepath.Base(p)}}
	}
	if len(files) == 0 {
		return nil, ErrNotStreamable
	}
	slices.SortFunc(files, func(a, b streamFile) int { return cmp.Compare(a.name, b.name) })
	// The limits are Read's, said before anything is read: a source over
	// them is refused at once, not after reading its other files whole.
	var total int64
	for _, f := range files {
		fi, err := os.Stat(f.path)
		if err != nil || !fi.Mode().IsRegular() {
			return nil, ErrNotStreamable
		}
		if fi.Size() > lim.FileBytes {
			return nil, fmt.Errorf("import: %w", overLimit("%s is %d bytes, more than the limit of %d bytes for one file (--max-file-bytes)", f.name, fi.Size(), lim.FileBytes))
		}
		if total += fi.Size(); total > lim.TotalBytes {
			return nil, fmt.Errorf("import: %w", overLimit("the import is more than the limit of %d bytes in all, at %s (--max-import-bytes)", lim.TotalBytes, f.name))
		}
	}
	return files, nil
}

// globEscape quotes the glob metacharacters in a folder's path.
func globEscape(p string) string {
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// kindRank orders files so that what records refer to is stored first.
func kindRank(name string) int {
	switch fileKind(name) {
	case "taxonomy":
		return 0
	case "taxonomy_term":
		return 1
	case "organization":
		return 2
	case "program":
		return 3
	}
	return 4
}

// storedRecord is what a later file needs of a record stored already.
type storedRecord struct {
	sum    uint64
	fileNo int
}

// seenRecord is what a later window needs of a record stored already.
type seenRecord struct {
	sum uint64 // hash of its canonical JSON
	// orgless: of a location, the hash with no organization_id.
	orgless uint64
	// inferredOrg: as recordEntry's, for every copy met so far.
	inferredOrg bool
}

type streamer struct {
	ctx  context.Context
	s    resources.Store
	opts Options
	seed maphash.Seed
	// Read keeps a record once in each file (seen, for the file being
	// read, by keySum of kind and id), validates each file's records, and
	// Merge keeps the first valid copy over the files (stored: the hash of
	// each record stored).
	seen   map[uint64]seenRecord
	stored map[uint64]storedRecord
	fileNo int // of the file being read, in name order
	// sums holds the hash of each record of the window being read.
	sums map[recordKey]uint64
	// kids holds, for the file being read, a hash per child (recordSet's
	// children, owner keys cleared): Read compares children file by file.
	kids    map[uint64]uint64
	rep     Report
	windows int
}

func (st *streamer) keySum(k recordKey) uint64 {
	return maphash.Comparable(st.seed, k) // the strings' bytes, not their addresses
}

// sum hashes a record or a child, v addressable (see hash.go): equal sums
// for values reflect.DeepEqual holds equal (as Read compares copies),
// different ones, all but surely, for others. Walking the value is a few
// times quicker than encoding it.
func (st *streamer) sum(v reflect.Value) uint64 {
	var h maphash.Hash
	h.SetSeed(st.seed)
	hasherOf(v.Type())(&h, v.Addr().UnsafePointer())
	return h.Sum64()
}

// withOrg is the sum of a location whose sum without its organization is
// orgless: one walk gives both.
func (st *streamer) withOrg(orgless uint64, org string) uint64 {
	var h maphash.Hash
	h.SetSeed(st.seed)
	hashNum(&h, orgless)
	h.WriteString(org)
	return h.Sum64()
}

// readAll reads the files (in the order of their kinds: parents first),
// a window at a time, stores each window's valid records, and returns
// each file's problems as Read gives them, by name.
//
// The store is written on a goroutine of its own, a window behind the
// reading: a window is decoded on every core while the one before it is
// written in the store's one write transaction. One goroutine writes the
// whole source, in the order the windows are read, so the next file is
// read while the last window of a file is written: a file of one window
// (a 20k directory's organizations) was otherwise read, then written,
// with a core idle each time.
func (st *streamer) readAll(files []streamFile) (map[string][]Problem, error) {
	windows := make(chan []resources.Record)
	written := make(chan error, 1)
	var failed atomic.Bool
	go func() {
		var err error
		for recs := range windows {
			if err == nil {
				if err = st.put(recs); err != nil {
					failed.Store(true)
				}
			}
		}
		written <- err
	}()
	store := func(d *Directory) error {
		if failed.Load() {
			return errStopped
		}
		recs, err := st.prepare(d)
		if err != nil {
			return err
		}
		windows <- recs
		return nil
	}
	order := slices.Clone(files)
	slices.SortStableFunc(order, func(a, b streamFile) int { return cmp.Compare(kindRank(a.name), kindRank(b.name)) })
	problems := map[string][]Problem{}
	var err error
	for _, f := range order {
		st.fileNo = slices.Index(files, f)
		var ps []Problem
		if ps, err = st.read(f, store); err != nil {
			break
		}
		problems[f.name] = ps
	}
	close(windows)
	// The writer's error first: it is why reading stopped.
	if werr := <-written; werr != nil {
		return nil, werr
	}
	return problems, err
}

// errStopped stops reading a source whose writing failed.
var errStopped = errors.New("stopped")

// read reads a file a window at a time, giving store each window's valid
// records, and returns the file's problems as Read gives them.
func (st *streamer) read(f streamFile, store func(*Directory) error) ([]Problem, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, ErrNotStreamable
	}
	defer fh.Close()
	st.kids, st.seen = map[uint64]uint64{}, map[uint64]seenRecord{}
	var reading, checking []Problem
	var pending *Directory
	kinds, hints := map[string]int{}, map[string]bool{}
	geocoded, geoSrc := 0, ""
	sc := &listScanner{r: fh}
	if err := sc.open(); err != nil {
		return nil, err
	}
	ahead, stop := readAhead(sc)
	defer stop()
	for {
		w := <-ahead
		window, elems, line, err := w.window, w.elems, w.line, w.err
		if err != nil {
			return nil, err
		}
		if window == nil {
			break
		}
		st.windows++
		// The scanner found where each element ends: parts need not again.
		jr := &jsonReader{rs: newRecordSet(), source: f.name, data: window, opts: st.opts, lineNo: line, isValid: true, checkEach: true}
		jr.list(elems, 0)
		if jr.invalid.Load() {
			return nil, notStreamable("%s is not valid JSON", f.name) // Read names where
		}
		for k, n := range jr.topCounts {
			kinds[k] += n
		}
		if jr.guessed.Load() {
			hints[jr.topHint] = true
		}
		rs := jr.rs
		if err := st.dedupe(rs); err != nil {
			return nil, err
		}
		n := len(rs.problems)
		d, g, gs := rs.validated(st.opts)
		if err := st.merge(d); err != nil {
			return nil, err
		}
		reading = append(reading, rs.problems[:n]...)
		checking = append(checking, rs.problems[n:]...)
		if g > 0 && geocoded == 0 {
			geoSrc = gs
		}
		geocoded += g
		// A window whose organizations or terms name a parent further on
		// waits, with every window after it in the file, until the file
		// is read; then they are stored together.
		if pending == nil {
			ahead, err := st.ahead(d)
			if err != nil {
				return nil, err
			}
			if !ahead {
				if err := store(d); err != nil {
					return nil, err
				}
				continue
			}
			pending = &Directory{}
		}
		pending.Records = append(pending.Records, d.Records...)
	}
	if pending != nil {
		if err := store(pending); err != nil {
			return nil, err
		}
	}
	// Objects whose keys do not say their kind take the kind most of the
	// list's objects have: the whole list's, which a window's must be.
	for h := range hints {
		if h != majority(kinds) {
			return nil, notStreamable("%s has objects whose kind the list's majority tells, and a window's majority is not the list's", f.name)
		}
	}
	rs := &recordSet{problems: append(reading, checking...)}
	if geocoded > 0 {
		rs.geocodeWarning(geocoded, geoSrc)
	}
	return sortProblems(rs.problems), nil
}

// scannedWindow is a window listScanner.next gave (nil after the last, or
// err).
type scannedWindow struct {
	window []byte
	elems  []jsonPart
	line   int
	err    error
}

// readAhead cuts sc's windows on a goroutine of its own, one window ahead
// of their reading: on the reading goroutine, this was a tenth of a
// window's time with a core idle. The last window given is nil or has an
// error. stop, once the reader is done with the windows, waits for the
// goroutine to end.
func readAhead(sc *listScanner) (windows <-chan scannedWindow, stop func()) {
	ch := make(chan scannedWindow)
	quit := make(chan struct{})
	go func() {
		defer close(ch)
		for {
			var w scannedWindow
			w.window, w.elems, w.line, w.err = sc.next(StreamWindow)
			select {
			case ch <- w:
			case <-quit:
				return
			}
			if w.err != nil || w.window == nil {
				return
			}
		}
	}()
	return ch, func() {
		close(quit)
		for range ch {
		}
	}
}

// dedupe drops from a window's records those an earlier window held, as
// Read keeps a record once, and checks that children met before are the
// same; a copy that differs needs the first, which is stored, not here.
// The hashes are taken on every core (inOrder), the checks in order.
func (st *streamer) dedupe(rs *recordSet) error {
	keys := slices.Clone(rs.order)
	type sums struct{ key, sum, orgless uint64 }
	recSums := make([]sums, len(keys))
	kept := rs.order[:0]
	st.sums = make(map[recordKey]uint64, len(keys))
	var err error
	inOrder(len(keys), func(i int) {
		rec := rs.entries[keys[i]].rec
		recSums[i].key = st.keySum(keys[i])
		if l, ok := rec.(*resources.Location); ok {
			c := *l
			c.OrganizationID = ""
			recSums[i].orgless = st.sum(reflect.ValueOf(&c).Elem())
			recSums[i].sum = st.withOrg(recSums[i].orgless, l.OrganizationID)
		} else {
			recSums[i].sum = st.sum(reflect.ValueOf(rec).Elem())
		}
	}, func(i int) {
		k, e := keys[i], rs.entries[keys[i]]
		ks, sum, orgless := recSums[i].key, recSums[i].sum, recSums[i].orgless
		st.sums[k] = sum
		prev, ok := st.seen[ks]
		switch {
		case err != nil:
		case !ok:
			st.seen[ks] = seenRecord{sum: sum, orgless: orgless, inferredOrg: e.inferredOrg}
			kept = append(kept, k)
		case prev.sum == sum:
			prev.inferredOrg = prev.inferredOrg && e.inferredOrg
			st.seen[ks] = prev
		case (prev.inferredOrg || e.inferredOrg) && prev.orgless == orgless && !(prev.inferredOrg && !e.inferredOrg):
			// A location whose organization one copy only inferred: the
			// first is kept (recordSet.add); the copy that says it would
			// take the first's place, which is stored already.
		default:
			err = notStreamable("%s %q is met again with different content", k.kind, k.id)
		}
	})
	if err != nil {
		return err
	}
	rs.order = kept
	kids := slices.Collect(maps.Keys(rs.children))
	kidSums := make([][2]uint64, len(kids)) // key and content
	inOrder(len(kids), func(i int) {
		kidSums[i] = [2]uint64{st.keySum(kids[i]), st.sum(rs.children[kids[i]])}
	}, func(i int) {
		ks, sum := kidSums[i][0], kidSums[i][1]
		if prev, ok := st.kids[ks]; ok && prev != sum && err == nil {
			err = notStreamable("%s %q is met again with different content", kids[i].kind, kids[i].id)
		}
		st.kids[ks] = sum
	})
	return err
}

// merge drops from a window's valid records those an earlier file stored,
// as Merge keeps the first copy, silently. Merge's first is the first in
// name order, and files are stored here in the order of their kinds: a
// copy that differs from one stored from a file later by name is left to
// Read.
func (st *streamer) merge(d *Directory) error {
	kept := d.Records[:0]
	for _, r := range d.Records {
		k := recordKey{r.Kind(), r.RecordID()}
		ks, sum := st.keySum(k), st.sums[k]
		prev, ok := st.stored[ks]
		switch {
		case !ok:
			st.stored[ks] = storedRecord{sum, st.fileNo}
			kept = append(kept, r)
		case prev.sum != sum && prev.fileNo > st.fileNo:
			return notStreamable("%s %q is in two files with different content", k.kind, k.id)
		}
	}
	d.Records = kept
	return nil
}

// known reports whether this import stored the record (a hash may err
// only the other way: a link it keeps wrongly, the store rejects).
func (st *streamer) known(k resources.Kind, id string) bool {
	_, ok := st.stored[st.keySum(recordKey{k, id})]
	return ok
}

// ahead reports whether an organization or a taxonomy term of d names a
// parent that neither d nor the store holds: one further on in the file.
func (st *streamer) ahead(d *Directory) (bool, error) {
	have := map[recordKey]bool{}
	for _, r := range d.Records {
		have[recordKey{r.Kind(), r.RecordID()}] = true
	}
	for _, r := range d.Records {
		var k recordKey
		switch r := r.(type) {
		case *resources.Organization:
			k = recordKey{resources.KindOrganization, r.ParentOrganizationID}
		case *resources.TaxonomyTerm:
			k = recordKey{resources.KindTaxonomyTerm, r.ParentID}
		}
		if k.id == "" || have[k] || st.known(k.kind, k.id) {
			continue
		}
		_, err := st.s.Get(st.ctx, k.kind, k.id)
		switch resources.ErrorCode(err) {
		case "":
		case resources.ENOTFOUND:
			return true, nil
		default:
			return false, err
		}
	}
	return false, nil
}

// prepare does what Load does with a window's records before writing
// them, and gives them in the order to write them; a link it would drop
// may be to a record a later window holds.
func (st *streamer) prepare(d *Directory) ([]resources.Record, error) {
	c := Clean(d)
	st.rep.Cleaned.Languages += c.Languages
	st.rep.Cleaned.Mojibake += c.Mojibake
	st.rep.Cleaned.Phones += c.Phones
	warnings, err := dropDanglingLinks(st.ctx, st.s, d.Records, st.known)
	if err != nil {
		return nil, err
	}
	if len(warnings) > 0 {
		return nil, notStreamable("a link names a record not met yet: %s", warnings[0])
	}
	return storeOrder(d.Records), nil
}

// put writes a window's records as Load does; a record the store rejects
// may name one a later window holds.
func (st *streamer) put(recs []resources.Record) error {
	for start := 0; start < len(recs); start += BatchSize {
		res, err := st.s.PutBatch(st.ctx, recs[start:min(start+BatchSize, len(recs))])
		if err != nil {
			return err
		}
		if len(res.Rejected) > 0 {
			return notStreamable("the store rejects a record: %v", res.Rejected[0])
		}
		st.rep.Created += res.Created
		st.rep.Updated += res.Updated
		st.rep.Unchanged += res.Unchanged
	}
	return nil
}

// listScanner cuts a file that holds one JSON list into windows of whole
// elements, each made a list of its own ("[e1, e2, …]"), without holding
// more of the file than a window. Only the bytes between windows (a comma
// and white space) are checked here; each window is checked whole after.
type listScanner struct {
	r     io.Reader
	chunk int    // bytes read at a time; 0 is 1 MiB
	buf   []byte // unread bytes of the file, a part of back
	back  []byte // the array buf is read into, reused window after window
	eof   bool
	line  int // line of buf[0]
	first bool
	done  bool
}

// fill reads more of the file into buf; false at its end. When back has
// no room after buf, buf's bytes move to its front, and back grows only
// when they and a chunk do not fit: reading a file allocates about twice
// its biggest window, not the file over again (appending each chunk
// allocated 2.8 GB for a 0.6 GB file).
func (sc *listScanner) fill() (bool, error) {
	if sc.eof {
		return false, nil
	}
	chunk := cmp.Or(sc.chunk, 1<<20)
	if cap(sc.buf)-len(sc.buf) < chunk {
		if len(sc.buf)+chunk > cap(sc.back) {
			sc.back = make([]byte, 0, 2*len(sc.buf)+chunk)
		}
		sc.buf = append(sc.back[:0], sc.buf...) // copy handles the overlap
	}
	n, err := io.ReadFull(sc.r, sc.buf[len(sc.buf):len(sc.buf)+chunk])
	sc.buf = sc.buf[:len(sc.buf)+n]
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		sc.eof = true
	default:
		return false, err
	}
	return n > 0, nil
}

// at returns buf[i], reading on as needed; false past the file's end.
func (sc *listScanner) at(i int) (byte, bool, error) {
	for i >= len(sc.buf) {
		more, err := sc.fill()
		if err != nil || !more {
			return 0, false, err
		}
	}
	return sc.buf[i], true, nil
}

// space returns the first offset from i that is not white space, and the
// byte there; false past the file's end.
func (sc *listScanner) space(i int) (int, byte, bool, error) {
	for {
		c, ok, err := sc.at(i)
		if err != nil || !ok || !isSpace(c) {
			return i, c, ok, err
		}
		i++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// open reads up to the list's "[": a file that holds anything else is not
// streamed.
func (sc *listScanner) open() error {
	sc.line, sc.first = 1, true
	if _, _, err := sc.at(2); err != nil { // enough to see a byte order mark
		return err
	}
	sc.buf = bytes.TrimPrefix(sc.buf, []byte("\xef\xbb\xbf"))
	i, c, ok, err := sc.space(0)
	if err != nil {
		return err
	}
	if !ok || c != '[' {
		return ErrNotStreamable
	}
	sc.drop(i + 1)
	return nil
}

// drop lets go of the first n bytes of buf, counting their lines.
func (sc *listScanner) drop(n int) {
	sc.line += bytes.Count(sc.buf[:n], []byte{'\n'})
	sc.buf = sc.buf[n:]
}

// next returns the next window of at least size bytes (fewer at the end)
// as a list, its elements as jsonReader.parts would find them, and the
// line of the file it starts on; nil after the last.
func (sc *listScanner) next(size int) ([]byte, []jsonPart, int, error) {
	if sc.done {
		return nil, nil, 0, nil
	}
	// Between windows: white space, a comma unless first, white space.
	i, c, ok, err := sc.space(0)
	if err != nil {
		return nil, nil, 0, err
	}
	if ok && c == ']' {
		return nil, nil, 0, sc.close(i)
	}
	if !sc.first {
		if !ok || c != ',' {
			return nil, nil, 0, ErrNotStreamable
		}
		if i, c, ok, err = sc.space(i + 1); err != nil {
			return nil, nil, 0, err
		}
	}
	if !ok || c == ']' || c == ',' {
		return nil, nil, 0, ErrNotStreamable
	}
	sc.first = false
	sc.drop(i)
	line := sc.line
	pos, end := 0, 0
	var spans [][2]int
	for {
		for {
			e, whole := valueEnd(sc.buf, pos)
			if whole {
				end = e
				break
			}
			more, err := sc.fill()
			if err != nil {
				return nil, nil, 0, err
			}
			if !more {
				return nil, nil, 0, ErrNotStreamable // the list never ends
			}
		}
		spans = append(spans, [2]int{pos, end})
		i, c, ok, err := sc.space(end)
		if err != nil {
			return nil, nil, 0, err
		}
		if !ok || c != ',' && c != ']' {
			return nil, nil, 0, ErrNotStreamable
		}
		if c == ']' {
			w, elems := sc.window(end, spans)
			return w, elems, line, sc.close(i - end)
		}
		if end >= size {
			break // the comma is left for the next window
		}
		if pos, c, ok, err = sc.space(i + 1); err != nil {
			return nil, nil, 0, err
		}
		if !ok || c == ']' || c == ',' {
			return nil, nil, 0, ErrNotStreamable
		}
	}
	w, elems := sc.window(end, spans)
	return w, elems, line, nil
}

// window makes buf[:end] a list and lets it go from buf, and returns it
// with its elements (at spans of buf) as jsonReader.parts gives them.
func (sc *listScanner) window(end int, spans [][2]int) ([]byte, []jsonPart) {
	w := make([]byte, 0, end+2)
	w = append(append(append(w, '['), sc.buf[:end]...), ']')
	sc.drop(end)
	elems := make([]jsonPart, len(spans))
	for k, sp := range spans {
		elems[k] = jsonPart{off: sp[0] + 1, raw: w[sp[0]+1 : sp[1]+1]}
	}
	return w, elems
}

// close reads past the list's "]" at buf[i]: only white space may follow.
func (sc *listScanner) close(i int) error {
	sc.done = true
	sc.drop(i + 1)
	for {
		if len(bytes.TrimLeft(sc.buf, " \t\r\n")) > 0 {
			return ErrNotStreamable // more values (JSON Lines), or a mistake
		}
		sc.buf = sc.buf[:0]
		more, err := sc.fill()
		if err != nil || !more {
			return err
		}
	}
}

// valueEnd returns the end of the JSON value that starts at data[i], and
// whether data holds all of it (for a string or a number, also the byte
// after it). Like jsonValueEnd it trusts the value to be valid: each window
// is checked after.
func valueEnd(data []byte, i int) (int, bool) {
	switch data[i] {
	case '"':
		e := jsonStringEnd(data, i)
		return e, e < len(data)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				e := jsonStringEnd(data, j)
				if e >= len(data) {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(data) && !strings.ContainsRune(" \t\r\n,]}", rune(data[j])) {
		j++
	}
	return j, j < len(data)
}
