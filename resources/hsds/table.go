package hsds

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// table is one CSV file of a tabular package, read whole. Column names are
// lower-cased; values are trimmed of surrounding spaces (real exports pad
// fixed-width columns: "FL ", "   ").
type table struct {
	name   string
	header map[string]int
	rows   [][]string
	lines  []int // the line each row starts on, for problem reports
}

// errNoTable is returned by readTable when the file does not exist.
var errNoTable = errors.New("no such table")

// readTable reads the CSV file name from fsys. A missing file gives
// errNoTable; a malformed one an error naming the file and line.
func readTable(fsys fs.FS, name string) (*table, error) {
	b, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoTable
	}
	if err != nil {
		return nil, err
	}
	return parseTable(name, b)
}

func parseTable(name string, b []byte) (*table, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	head, err := r.Read()
	if err == io.EOF {
		return &table{name: name, header: map[string]int{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t := &table{name: name, header: make(map[string]int, len(head))}
	for i, h := range head {
		t.header[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0) // the line the record just read starts on
		if blank(rec) {
			continue
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	return t, nil
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// has reports whether the table has the column.
func (t *table) has(col string) bool {
	_, ok := t.header[col]
	return ok
}

// get returns row i's value in column col, trimmed; "" if the column or the
// cell is missing.
func (t *table) get(i int, col string) string {
	j, ok := t.header[col]
	if !ok || i < 0 || i >= len(t.rows) || j >= len(t.rows[i]) {
		return ""
	}
	return strings.TrimSpace(t.rows[i][j])
}

// source names row i for problem reports: "services.csv:12".
func (t *table) source(i int) string {
	return fmt.Sprintf("%s:%d", t.name, t.lines[i])
}
