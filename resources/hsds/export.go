package hsds

// Export: the whole directory as HSDS 3.x JSON (this file) or as an HSDS 3.x
// tabular datapackage (export_csv.go), for `refer export`. Both take the
// flat records the store keeps, write deterministic files (the same
// directory gives byte-identical files) and write each file atomically
// (a temporary file renamed into place), so an interrupted export never
// leaves half a file. Reading either back (readJSON on each file, or
// readTabular3) gives the same records.
//
// The JSON layout. Every record has one home file where it is always
// written; some are nested elsewhere as well, as HSDS's full views nest them
// (readers keep one copy):
//
//	services.json              every service, full: its organization (without
//	                           the organization's services, locations and
//	                           programs), program, service_at_locations each
//	                           with its location, and attributes with their
//	                           taxonomy_term and its taxonomy_detail
//	organizations.json         every organization, with its programs and
//	                           locations nested
//	taxonomies.json            every taxonomy
//	taxonomy_terms.json        every taxonomy term, with its taxonomy_detail
//	locations.json             locations with no organization in the directory
//	programs.json              programs whose organization is not in it
//	service_at_locations.json  service_at_locations whose service is not in
//	                           it, with their location
//
// The last three are written only when they have records (and removed when
// an earlier export left them), so a directory as the store keeps it, where
// every reference holds, gives the first four. Every list is sorted by id;
// attributes everywhere carry their taxonomy_term.

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/refer-project/refer/resources"
)

// exportIndex holds a directory's records by kind, sorted by id, and the
// links between them. It is the Lookup that full views are built from.
type exportIndex struct {
	orgs       []*resources.Organization
	programs   []*resources.Program
	locations  []*resources.Location
	services   []*resources.Service
	sals       []*resources.ServiceAtLocation
	taxonomies []*resources.Taxonomy
	terms      []*resources.TaxonomyTerm

	byID     map[resources.Ref]resources.Record
	children map[childKey][]resources.Record
}

// childKey names the records of one kind that point at one parent.
type childKey struct {
	parent resources.Ref
	kind   resources.Kind
}

func byID[T resources.Record](a, b T) int { return cmp.Compare(a.RecordID(), b.RecordID()) }

func indexDirectory(d *Directory) *exportIndex {
	x := &exportIndex{byID: map[resources.Ref]resources.Record{}, children: map[childKey][]resources.Record{}}
	for _, r := range d.Records {
		switch r := r.(type) {
		case *resources.Organization:
			x.orgs = append(x.orgs, r)
		case *resources.Program:
			x.programs = append(x.programs, r)
		case *resources.Location:
			x.locations = append(x.locations, r)
		case *resources.Service:
			x.services = append(x.services, r)
		case *resources.ServiceAtLocation:
			x.sals = append(x.sals, r)
		case *resources.Taxonomy:
			x.taxonomies = append(x.taxonomies, r)
		case *resources.TaxonomyTerm:
			x.terms = append(x.terms, r)
		}
	}
	slices.SortStableFunc(x.orgs, byID)
	slices.SortStableFunc(x.programs, byID)
	slices.SortStableFunc(x.locations, byID)
	slices.SortStableFunc(x.services, byID)
	slices.SortStableFunc(x.sals, byID)
	slices.SortStableFunc(x.taxonomies, byID)
	slices.SortStableFunc(x.terms, byID)
	// In id order, so that of two records with one id the later wins, and
	// children lists are sorted.
	addAll(x, x.taxonomies)
	addAll(x, x.terms)
	addAll(x, x.orgs)
	addAll(x, x.programs)
	addAll(x, x.locations)
	addAll(x, x.services)
	addAll(x, x.sals)
	return x
}

func addAll[T resources.Record](x *exportIndex, rs []T) {
	for _, r := range rs {
		x.byID[resources.Ref{Kind: r.Kind(), ID: r.RecordID()}] = r
		var parents []resources.Ref
		switch r := resources.Record(r).(type) {
		case *resources.Program:
			parents = []resources.Ref{{Kind: resources.KindOrganization, ID: r.OrganizationID}}
		case *resources.Location:
			parents = []resources.Ref{{Kind: resources.KindOrganization, ID: r.OrganizationID}}
		case *resources.Service:
			parents = []resources.Ref{{Kind: resources.KindOrganization, ID: r.OrganizationID}}
		case *resources.ServiceAtLocation:
			parents = []resources.Ref{{Kind: resources.KindService, ID: r.ServiceID}, {Kind: resources.KindLocation, ID: r.LocationID}}
		}
		for _, p := range parents {
			if p.ID != "" {
				k := childKey{p, r.Kind()}
				x.children[k] = append(x.children[k], r)
			}
		}
	}
}

// Get and Children make exportIndex a Lookup.
func (x *exportIndex) Get(k resources.Kind, id string) (resources.Record, error) {
	return x.byID[resources.Ref{Kind: k, ID: id}], nil
}

func (x *exportIndex) Children(k resources.Kind, parent resources.Ref) ([]resources.Record, error) {
	return x.children[childKey{parent, k}], nil
}

// fileSink writes the file name (in the export folder) with write, or
// removes it when write is nil.
type fileSink func(name string, write func(w io.Writer) error) error

// folderSink writes files atomically into dir, making it if need be.
func folderSink(dir string) (fileSink, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return func(name string, write func(io.Writer) error) error {
		p := filepath.Join(dir, name)
		if write == nil {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return nil
		}
		return writeAtomic(p, write)
	}, nil
}

// WriteJSON writes d as HSDS 3.x JSON files into dir (made if need be): see
// the layout at the top of this file.
func WriteJSON(dir string, d *Directory) error {
	sink, err := folderSink(dir)
	if err != nil {
		return err
	}
	return writeJSONFiles(sink, d)
}

func writeJSONFiles(sink fileSink, d *Directory) error {
	x := indexDirectory(d)
	a := NewAssembler(x)

	var orphanPrograms, orphanLocations, orphanSALs []func() (any, error)
	for _, p := range x.programs {
		if x.byID[resources.Ref{Kind: resources.KindOrganization, ID: p.OrganizationID}] == nil {
			orphanPrograms = append(orphanPrograms, func() (any, error) { return a.Program(p) })
		}
	}
	for _, l := range x.locations {
		if x.byID[resources.Ref{Kind: resources.KindOrganization, ID: l.OrganizationID}] == nil {
			orphanLocations = append(orphanLocations, func() (any, error) { return a.Location(l) })
		}
	}
	for _, s := range x.sals {
		if x.byID[resources.Ref{Kind: resources.KindService, ID: s.ServiceID}] == nil {
			orphanSALs = append(orphanSALs, func() (any, error) { return a.ServiceAtLocation(s, false) })
		}
	}

	err := writeJSONList(sink, "services.json", len(x.services), func(i int) (any, error) {
		return a.Service(x.services[i])
	})
	if err != nil {
		return err
	}
	err = writeJSONList(sink, "organizations.json", len(x.orgs), func(i int) (any, error) {
		return a.Organization(x.orgs[i], false)
	})
	if err != nil {
		return err
	}
	err = writeJSONList(sink, "taxonomies.json", len(x.taxonomies), func(i int) (any, error) {
		return x.taxonomies[i], nil
	})
	if err != nil {
		return err
	}
	err = writeJSONList(sink, "taxonomy_terms.json", len(x.terms), func(i int) (any, error) {
		return a.Term(x.terms[i].ID)
	})
	if err != nil {
		return err
	}
	orphans := []struct {
		name string
		list []func() (any, error)
	}{
		{"locations.json", orphanLocations},
		{"programs.json", orphanPrograms},
		{"service_at_locations.json", orphanSALs},
	}
	for _, o := range orphans {
		if len(o.list) == 0 {
			if err := sink(o.name, nil); err != nil {
				return err
			}
			continue
		}
		if err := writeJSONList(sink, o.name, len(o.list), func(i int) (any, error) { return o.list[i]() }); err != nil {
			return err
		}
	}
	return nil
}

// writeJSONList writes a JSON list of n items, one at a time, indented by
// two spaces.
func writeJSONList(sink fileSink, name string, n int, item func(i int) (any, error)) error {
	return sink(name, func(w io.Writer) error {
		if n == 0 {
			_, err := io.WriteString(w, "[]\n")
			return err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("  ", "  ")
		if _, err := io.WriteString(w, "["); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			buf.Reset()
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString("\n  ")
			v, err := item(i)
			if err == nil {
				err = enc.Encode(v)
			}
			if err != nil {
				return fmt.Errorf("%s: item %d: %w", name, i, err)
			}
			buf.Truncate(buf.Len() - 1) // Encode's newline
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "\n]\n")
		return err
	})
}

// writeAtomic writes a file through a temporary file in the same folder,
// synced and renamed into place: readers see the old file or the new one,
// never part of one.
func writeAtomic(path string, write func(w io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		d.Sync() // make the rename durable; not every system can
		d.Close()
	}
	return nil
}
