package hsds

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/refer-project/refer/resources"
)

// Read reads a directory from path, whatever its format:
//   - a .json file: HSDS 3.x JSON (a service, a list, a Page, organizations);
//   - a folder holding datapackage.json, or a .zip of one: an HSDS tabular
//     datapackage, 1.1, 2.0 or 3.x (told apart by its table names);
//   - a folder of Ohana API import CSVs (organizations.csv, locations.csv,
//     services.csv, no datapackage.json).
//
// An error means the files could not be read at all; problems with single
// records are in Directory.Problems.
func Read(p string, opts Options) (*Directory, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if info.IsDir() {
		return readFS(bounded(os.DirFS(p), opts.Limits), p, opts)
	}
	switch strings.ToLower(filepath.Ext(p)) {
	case ".json":
		b, err := bounded(os.DirFS(filepath.Dir(p)), opts.Limits).(fs.ReadFileFS).ReadFile(filepath.Base(p))
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		return readJSONData(b, filepath.Base(p), opts)
	case ".zip":
		zr, err := zip.OpenReader(p)
		if err != nil {
			return nil, fmt.Errorf("import %s: not a readable zip file: %w", p, err)
		}
		defer zr.Close()
		return readFS(bounded(zr, opts.Limits), p, opts)
	}
	return nil, fmt.Errorf("import %s: unknown format: give a .json file, a .zip datapackage or a folder", p)
}

// readFS reads a folder (or an opened zip): a datapackage, possibly one
// folder down as zips often have it, or an Ohana CSV folder.
func readFS(fsys fs.FS, name string, opts Options) (*Directory, error) {
	root, err := findDatapackage(fsys)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	if root != "" {
		sub, err := fs.Sub(fsys, root)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", name, err)
		}
		fsys = sub
	}
	if root == "" {
		if isOhana(fsys) {
			return readOlder(readOhana, fsys, name, opts)
		}
		jsonFiles, _ := fs.Glob(fsys, "*.json")
		if len(jsonFiles) > 0 {
			return readJSONFiles(fsys, jsonFiles, opts)
		}
		return nil, fmt.Errorf("import %s: found no datapackage.json, no Ohana CSV files (services.csv with location_id) and no .json files", name)
	}
	legacy, err := isLegacyPackage(fsys)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	if legacy {
		return readOlder(readTabularLegacy, fsys, name, opts)
	}
	return readTabular3(fsys, opts)
}

// readOlder runs one of the readers of older formats (HSDS 1.1/2.0, Ohana)
// and puts what it made in the canonical form the HSDS 3 readers give
// (child lists in id order, links filled in), so that exporting and
// importing again changes nothing.
func readOlder(read func(fs.FS, Options) (*Directory, error), fsys fs.FS, name string, opts Options) (*Directory, error) {
	d, err := read(fsys, opts)
	if err != nil {
		return nil, err
	}
	return canonicalize(d, name, opts), nil
}

// findDatapackage returns the folder that holds datapackage.json: "." or one
// level down; "" if there is none.
func findDatapackage(fsys fs.FS) (string, error) {
	if _, err := fs.Stat(fsys, "datapackage.json"); err == nil {
		return ".", nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(e.Name(), "datapackage.json")); err == nil {
			return e.Name(), nil
		}
	}
	return "", nil
}

// isOhana reports whether fsys looks like an Ohana API import folder: its
// services.csv has a location_id column, which no HSDS version has.
func isOhana(fsys fs.FS) bool {
	b, err := fs.ReadFile(fsys, "services.csv")
	if err != nil {
		return false
	}
	head, _, _ := bytes.Cut(b, []byte("\n"))
	for _, col := range strings.Split(strings.ToLower(string(head)), ",") {
		if strings.Trim(col, " \r\"\ufeff") == "location_id" {
			return true
		}
	}
	return false
}

// legacyTables are tables that HSDS 1.1 and 2.0 have and 3.x does not.
var legacyTables = map[string]bool{
	"services_taxonomy": true, "service_taxonomy": true, "taxonomy": true,
	"regular_schedule": true, "regular_schedules": true, "holiday_schedule": true,
	"physical_address": true, "physical_addresses": true, "postal_address": true,
	"service_attribute": true, "service_attributes": true, "eligibility": true,
	"payment_accepted": true, "accessibility_for_disabilities": true,
}

// isLegacyPackage tells an HSDS 1.1/2.0 datapackage from a 3.x one by its
// table names (1.1 packages often still say "version": "1.0", and 3.x ones
// may say nothing).
func isLegacyPackage(fsys fs.FS) (bool, error) {
	b, err := fs.ReadFile(fsys, "datapackage.json")
	if err != nil {
		return false, err
	}
	var pkg struct {
		Resources []struct {
			Name string `json:"name"`
			Path string `json:"path"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return false, fmt.Errorf("datapackage.json is not valid JSON: %w", err)
	}
	// Table names come from the file names: resource names collide (HSDS
	// 3.0 calls its taxonomies resource "taxonomy", as 1.1 called its
	// terms' table).
	for _, r := range pkg.Resources {
		if legacyTables[strings.TrimSuffix(path.Base(r.Path), ".csv")] {
			return true, nil
		}
	}
	return false, nil
}

// ReadFS reads the HSDS JSON files at the root of fsys (a `refer export
// --format hsds-json` folder, or the embedded sample) as one directory.
// name is how errors name it.
func ReadFS(fsys fs.FS, name string, opts Options) (*Directory, error) {
	return readFS(bounded(fsys, opts.Limits), name, opts)
}

// readJSONFiles reads several JSON files as one directory: sorted by name
// ("organizations.json" before "services.json"), a record met twice kept once.
func readJSONFiles(fsys fs.FS, names []string, opts Options) (*Directory, error) {
	var dirs []*Directory
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		d, err := readJSONData(b, name, opts)
		if err != nil {
			return nil, err
		}
		dirs = append(dirs, d)
	}
	return Merge(dirs...), nil
}

// Merge joins directories read from several files into one. A record that
// more than one holds (an organization nested in services.json and listed in
// organizations.json) is kept once: the first copy.
func Merge(dirs ...*Directory) *Directory {
	out := &Directory{}
	type key struct {
		kind resources.Kind
		id   string
	}
	seen := map[key]bool{}
	for _, d := range dirs {
		for _, r := range d.Records {
			k := key{r.Kind(), r.RecordID()}
			if seen[k] {
				continue
			}
			seen[k] = true
			out.Records = append(out.Records, r)
		}
		out.Problems = append(out.Problems, d.Problems...)
	}
	return out
}
