package hsds

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
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
