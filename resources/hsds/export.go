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
	"reflect"
	"slices"

	"github.com/openreferral/refer/resources"
)

// exportIndex holds a directory's records by kind, sorted by id, and the
// links between them.
type exportIndex struct {
	orgs       []*resources.Organization
	programs   []*resources.Program
	locations  []*resources.Location
	services   []*resources.Service
	sals       []*resources.ServiceAtLocation
	taxonomies []*resources.Taxonomy
	terms      []*resources.TaxonomyTerm

	orgByID      map[string]*resources.Organization
	programByID  map[string]*resources.Program
	locationByID map[string]*resources.Location
	serviceByID  map[string]*resources.Service
	taxonomyByID map[string]*resources.Taxonomy
	termByID     map[string]*resources.TaxonomyTerm

	// Copies for export, with attributes' terms nested; made once each.
	fullTerms map[string]*resources.TaxonomyTerm
}

func byID[T resources.Record](a, b T) int { return cmp.Compare(a.RecordID(), b.RecordID()) }

func indexDirectory(d *Directory) *exportIndex {
	x := &exportIndex{
		orgByID: map[string]*resources.Organization{}, programByID: map[string]*resources.Program{},
		locationByID: map[string]*resources.Location{}, serviceByID: map[string]*resources.Service{},
		taxonomyByID: map[string]*resources.Taxonomy{}, termByID: map[string]*resources.TaxonomyTerm{},
		fullTerms: map[string]*resources.TaxonomyTerm{},
	}
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
	for _, r := range x.orgs {
		x.orgByID[r.ID] = r
	}
	for _, r := range x.programs {
		x.programByID[r.ID] = r
	}
	for _, r := range x.locations {
		x.locationByID[r.ID] = r
	}
	for _, r := range x.services {
		x.serviceByID[r.ID] = r
	}
	for _, r := range x.taxonomies {
		x.taxonomyByID[r.ID] = r
	}
	for _, r := range x.terms {
		x.termByID[r.ID] = r
	}
	return x
}

// fullTerm returns the term with its taxonomy_detail, or nil.
func (x *exportIndex) fullTerm(id string) *resources.TaxonomyTerm {
	if t, ok := x.fullTerms[id]; ok {
		return t
	}
	var out *resources.TaxonomyTerm
	if t := x.termByID[id]; t != nil {
		c := *t
		c.TaxonomyDetail = x.taxonomyByID[c.TaxonomyID]
		out = &c
	}
	x.fullTerms[id] = out
	return out
}

// withTerms replaces the child slices of v (an addressable row of a table)
// by copies in which every attribute carries its taxonomy term; the
// records v was copied from are left as they are.
func (x *exportIndex) withTerms(v reflect.Value) {
	ht := tableByType[v.Type()]
	for _, k := range ht.kids {
		f := v.FieldByIndex(k.index)
		n := f.Len()
		if n == 0 {
			continue
		}
		c := reflect.MakeSlice(f.Type(), n, n)
		reflect.Copy(c, f)
		for i := 0; i < n; i++ {
			e := c.Index(i)
			if a, ok := e.Addr().Interface().(*resources.Attribute); ok {
				a.TaxonomyTerm = x.fullTerm(a.TaxonomyTermID)
			}
			x.withTerms(e)
		}
		f.Set(c)
	}
}

func full[T any](x *exportIndex, r *T) *T {
	c := *r
	x.withTerms(reflect.ValueOf(&c).Elem())
	return &c
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

	orgs := map[string]*resources.Organization{} // for nesting in services
	for _, o := range x.orgs {
		c := full(x, o)
		c.Locations, c.Programs, c.Services = nil, nil, nil
		orgs[o.ID] = c
	}
	programs := map[string]*resources.Program{}
	programsByOrg := map[string][]resources.Program{}
	var orphanPrograms []*resources.Program
	for _, p := range x.programs {
		c := full(x, p)
		programs[p.ID] = c
		if x.orgByID[p.OrganizationID] != nil {
			programsByOrg[p.OrganizationID] = append(programsByOrg[p.OrganizationID], *c)
		} else {
			orphanPrograms = append(orphanPrograms, c)
		}
	}
	locations := map[string]*resources.Location{}
	locationsByOrg := map[string][]resources.Location{}
	var orphanLocations []*resources.Location
	for _, l := range x.locations {
		c := full(x, l)
		locations[l.ID] = c
		if x.orgByID[l.OrganizationID] != nil {
			locationsByOrg[l.OrganizationID] = append(locationsByOrg[l.OrganizationID], *c)
		} else {
			orphanLocations = append(orphanLocations, c)
		}
	}
	salsByService := map[string][]resources.ServiceAtLocation{}
	var orphanSALs []*resources.ServiceAtLocation
	for _, s := range x.sals {
		c := full(x, s)
		c.Service, c.Location = nil, locations[s.LocationID]
		if x.serviceByID[s.ServiceID] != nil {
			salsByService[s.ServiceID] = append(salsByService[s.ServiceID], *c)
		} else {
			orphanSALs = append(orphanSALs, c)
		}
	}

	err := writeJSONList(sink, "services.json", len(x.services), func(i int) any {
		s := full(x, x.services[i])
		s.Organization = orgs[s.OrganizationID]
		s.Program = programs[s.ProgramID]
		s.ServiceAtLocations = salsByService[s.ID]
		return s
	})
	if err != nil {
		return err
	}
	err = writeJSONList(sink, "organizations.json", len(x.orgs), func(i int) any {
		c := *orgs[x.orgs[i].ID]
		c.Programs = programsByOrg[c.ID]
		c.Locations = locationsByOrg[c.ID]
		return &c
	})
	if err != nil {
		return err
	}
	err = writeJSONList(sink, "taxonomies.json", len(x.taxonomies), func(i int) any {
		return x.taxonomies[i]
	})
	if err != nil {
		return err
	}
	err = writeJSONList(sink, "taxonomy_terms.json", len(x.terms), func(i int) any {
		return x.fullTerm(x.terms[i].ID)
	})
	if err != nil {
		return err
	}
	orphans := []struct {
		name string
		list []any
	}{
		{"locations.json", anySlice(orphanLocations)},
		{"programs.json", anySlice(orphanPrograms)},
		{"service_at_locations.json", anySlice(orphanSALs)},
	}
	for _, o := range orphans {
		if len(o.list) == 0 {
			if err := sink(o.name, nil); err != nil {
				return err
			}
			continue
		}
		if err := writeJSONList(sink, o.name, len(o.list), func(i int) any { return o.list[i] }); err != nil {
			return err
		}
	}
	return nil
}

func anySlice[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// writeJSONList writes a JSON list of n items, one at a time, indented by
// two spaces.
func writeJSONList(sink fileSink, name string, n int, item func(i int) any) error {
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
			if err := enc.Encode(item(i)); err != nil {
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
