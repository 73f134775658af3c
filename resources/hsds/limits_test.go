package hsds

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/refer-project/refer/resources"
)

// legacyPackage11 is the smallest HSDS 1.1 package: an organization and
// its services, with services.csv as given.
func legacyPackage11(services string) fstest.MapFS {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(strings.TrimLeft(s, "\n"))} }
	return fstest.MapFS{
		"datapackage.json": file(`{"resources":[{"name":"organizations","path":"organizations.csv"},
			{"name":"services","path":"services.csv"},{"name":"services_taxonomy","path":"services_taxonomy.csv"}]}`),
		"organizations.csv":     file("id,name,description\no1,Food Bank,Feeds people\n"),
		"services.csv":          file(services),
		"services_taxonomy.csv": file("id,service_id,taxonomy_id\n"),
	}
}

func TestCSVRowsThatDoNotFit(t *testing.T) {
	services := "id,organization_id,name,description,status\n" +
		"s1,o1,Pantry,Food,active\n" +
		"s2,o1,Too many,Food,active,extra\n" +
		"s3,o1,Too few\n" +
		"s4,o1,Big," + strings.Repeat("x", 200) + ",active\n" +
		"s5,o1,Shelter,Beds,active\n"
	d, err := readFS(legacyPackage11(services), "test", Options{Limits: Limits{CellBytes: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range d.Records {
		if r.Kind() == "service" {
			names = append(names, r.RecordID())
		}
	}
	if strings.Join(names, ",") != "s1,s5" {
		t.Errorf("services read: %v, want s1 and s5 only", names)
	}
	want := map[string]string{
		"services.csv:3": "6 fields where the header has 5",
		"services.csv:4": "3 fields where the header has 5",
		"services.csv:5": "column description is 200 bytes, more than the limit of 100",
	}
	for _, p := range d.Problems {
		if w, ok := want[p.Source]; ok && p.Rejected && strings.Contains(p.Reason, w) {
			delete(want, p.Source)
		}
	}
	if len(want) != 0 {
		t.Errorf("not reported: %v; problems %v", want, d.Problems)
	}
}

func TestEmptyTableIsAnError(t *testing.T) {
	_, err := readFS(legacyPackage11(""), "test", Options{})
	if err == nil || !strings.Contains(err.Error(), "services.csv is empty") {
		t.Errorf("an empty services.csv: %v", err)
	}
}

// A zip entry's header says how big it is; nothing is allocated on its word.
func TestZipEntriesThatLie(t *testing.T) {
	dir := t.TempDir()
	raw := func(name string, data []byte, claimed uint64) string {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for fname, content := range legacyPackage11("id,organization_id,name,description,status\ns1,o1,Pantry,Food,active\n") {
			if fname == "services.csv" {
				continue
			}
			w, _ := zw.Create(fname)
			w.Write(content.Data)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "services.csv", Method: zip.Store,
			CRC32: crc32.ChecksumIEEE(data), CompressedSize64: uint64(len(data)), UncompressedSize64: claimed})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		zw.Close()
		p := filepath.Join(dir, name)
		os.WriteFile(p, b.Bytes(), 0o600)
		return p
	}
	data := []byte("id,organization_id,name,description,status\ns1,o1,Pantry,Food,active\n")
	_, err := Read(raw("huge.zip", data, 1<<40), Options{})
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("an entry claiming a terabyte: %v", err)
	}

	// A bomb: 64 MB of one byte deflates to about 64 KB.
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for fname, content := range legacyPackage11("id,organization_id,name,description,status\n") {
		w, _ := zw.Create(fname)
		w.Write(content.Data)
		if fname == "services.csv" {
			w.Write(bytes.Repeat([]byte("s,o1,x,y,active\n"), 4<<20))
		}
	}
	zw.Close()
	p := filepath.Join(dir, "bomb.zip")
	os.WriteFile(p, b.Bytes(), 0o600)
	_, err = Read(p, Options{})
	if err == nil || !strings.Contains(err.Error(), "zip bomb") {
		t.Errorf("a zip bomb: %v", err)
	}

	// The limit of one file holds whatever the header says.
	_, err = Read(raw("small.zip", data, uint64(len(data))), Options{Limits: Limits{FileBytes: 10}})
	if err == nil || !strings.Contains(err.Error(), "limit of 10 bytes") {
		t.Errorf("a file over --max-file-bytes: %v", err)
	}
	if d, err := Read(raw("fine.zip", data, uint64(len(data))), Options{}); err != nil || len(d.Records) == 0 {
		t.Errorf("a good zip: %v", err)
	}
}

// A site is placed at its ZIP's centroid from its physical address only,
// and the report counts every placement (the Ohana import said 21 where 133
// happened, and placed a site from its mailing address).
func TestZIPCentroidPlacement(t *testing.T) {
	fsys := legacyPackage11("id,organization_id,name,description,status\ns1,o1,Pantry,Food,active\n")
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	fsys["datapackage.json"] = file(`{"resources":[{"name":"organizations","path":"organizations.csv"},
		{"name":"services","path":"services.csv"},{"name":"services_taxonomy","path":"services_taxonomy.csv"},
		{"name":"locations","path":"locations.csv"},{"name":"physical_address","path":"physical_addresses.csv"},
		{"name":"postal_address","path":"postal_addresses.csv"}]}`)
	fsys["locations.csv"] = file("id,organization_id,name,latitude,longitude\nl1,o1,Main St,,\nl2,o1,PO Box only,,\nl3,o1,Both,,\n")
	fsys["physical_addresses.csv"] = file("id,location_id,address_1,city,state_province,postal_code,country\npa1,l1,1 Main St,Miami,FL,33130,US\npa3,l3,3 Elm St,Miami,FL,33131,US\n")
	fsys["postal_addresses.csv"] = file("id,location_id,address_1,city,state_province,postal_code,country\nma2,l2,PO Box 5,Miami,FL,33125,US\nma3,l3,PO Box 6,Miami,FL,33125,US\n")
	centroid := func(zip string) (float64, float64, bool) {
		return map[string]float64{"33130": 25.77, "33131": 25.76, "33125": 25.78}[zip], -80.2, true
	}
	d, err := readFS(fsys, "test", Options{Centroid: centroid})
	if err != nil {
		t.Fatal(err)
	}
	placed := map[string]float64{}
	for _, r := range d.Records {
		if l, ok := r.(*resources.Location); ok && l.Latitude != nil {
			placed[l.ID] = *l.Latitude
		}
	}
	if len(placed) != 2 || placed["l1"] != 25.77 || placed["l3"] != 25.76 {
		t.Errorf("placed %v; want l1 at 33130 and l3 at its physical 33131, l2 (a mailing address only) nowhere", placed)
	}
	said := ""
	for _, p := range d.Problems {
		if strings.Contains(p.Reason, "centroid") {
			said += p.Reason
		}
	}
	if !strings.Contains(said, "2 location(s)") {
		t.Errorf("the report says %q; want 2 placements", said)
	}
}

// A CSV export is a faithful copy, formulas included; the spreadsheet-safe
// copy shows them as text and leaves numbers be.
func TestSpreadsheetSafeExport(t *testing.T) {
	lat, lon := 25.77, -80.19
	d := &Directory{Records: []resources.Record{
		&resources.Organization{ID: "o1", Name: `=HYPERLINK("http://evil.example","Click")`, Description: "+1 helps; -not a number; @sum"},
		&resources.Location{ID: "l1", OrganizationID: "o1", LocationType: "physical", Name: "Main", Latitude: &lat, Longitude: &lon},
	}}
	read := func(dir, file string) string {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	faithful, safe := t.TempDir(), t.TempDir()
	if err := WriteCSV(faithful, d); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSVSpreadsheetSafe(safe, d); err != nil {
		t.Fatal(err)
	}
	if s := read(faithful, "organizations.csv"); !strings.Contains(s, `"=HYPERLINK(""http://evil.example"",""Click"")"`) || !strings.Contains(s, ",+1 helps") {
		t.Errorf("the faithful export changed a value:\n%s", s)
	}
	s := read(safe, "organizations.csv")
	if !strings.Contains(s, `"'=HYPERLINK(`) || !strings.Contains(s, ",'+1 helps") || strings.Contains(s, `,"=`) {
		t.Errorf("the spreadsheet-safe export:\n%s", s)
	}
	if s := read(safe, "locations.csv"); !strings.Contains(s, ",-80.19") {
		t.Errorf("a negative longitude was changed:\n%s", s)
	}
}

// FuzzParseTable: any bytes give a table or an error, never a panic; every
// row kept lines up with the header and is within the limits; every row
// left out says why.
func FuzzParseTable(f *testing.F) {
	for _, s := range []string{
		"id,name\n1,a\n",
		"id,name\n1,a,extra\n2\n",
		"\xef\xbb\xbfid,\"na\"\"me\"\n\"1\n2\",b\n",
		"",
		"a\n" + strings.Repeat("x", 300) + "\n",
		"id,name\r\n1,\"unterminated\r\n",
	} {
		f.Add([]byte(s))
	}
	lim := Limits{CellBytes: 64, RowBytes: 128}
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := parseTable("x.csv", b, lim)
		if err != nil {
			return
		}
		for i, row := range tab.rows {
			if n := headerFields(b); len(row) != n {
				t.Fatalf("row %d has %d fields, header %d", i, len(row), n)
			}
			total := 0
			for _, c := range row {
				if len(c) > lim.CellBytes {
					t.Fatalf("row %d keeps a cell of %d bytes", i, len(c))
				}
				total += len(c)
			}
			if total > lim.RowBytes {
				t.Fatalf("row %d keeps %d bytes", i, total)
			}
		}
		for _, p := range tab.bad {
			if !p.Rejected || p.Reason == "" || !strings.HasPrefix(p.Source, "x.csv:") {
				t.Fatalf("a row left out without a reason: %+v", p)
			}
		}
	})
}

// headerFields is how many fields the header row has.
func headerFields(b []byte) int {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	head, _ := r.Read()
	return len(head)
}

// FuzzReadZip: any bytes in a .zip give a directory or an error, never a
// panic, and never more than the limits allow.
func FuzzReadZip(f *testing.F) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, file := range legacyPackage11("id,organization_id,name,description,status\ns1,o1,Pantry,Food,active\n") {
		w, _ := zw.Create(name)
		w.Write(file.Data)
	}
	zw.Close()
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:len(b.Bytes())/2])
	f.Add([]byte("PK\x03\x04"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "f.zip")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		Read(p, Options{Limits: Limits{FileBytes: 1 << 20, TotalBytes: 4 << 20}})
	})
}
