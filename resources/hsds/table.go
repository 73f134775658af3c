package hsds

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
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
	// bad are the rows left out, each with why: a row whose fields do not
	// match the header, or that passes the import's Limits.
	bad []Problem
}

// errNoTable is returned by readTable when the file does not exist.
var errNoTable = errors.New("no such table")

// readTable reads the CSV file name from fsys. A missing file gives
// errNoTable; a malformed one an error naming the file and line.
func readTable(fsys fs.FS, name string, lim Limits) (*table, error) {
	b, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoTable
	}
	if err != nil {
		return nil, err
	}
	return parseTable(name, b, lim)
}

// parseTable reads a CSV file. A file with no header at all is an error
// (an export cut short, which imported as nothing would look like
// success); a row that does not fit is left out and said in t.bad.
func parseTable(name string, b []byte, lim Limits) (*table, error) {
	lim = lim.orDefault()
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	head, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s is empty: it has no header row (was the export cut short?)", name)
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
		if why := rowMisfit(rec, head, lim); why != "" {
			t.bad = append(t.bad, Problem{Source: fmt.Sprintf("%s:%d", name, line), Rejected: true, Reason: why})
			continue
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	return t, nil
}

// rowMisfit says why a row cannot be read, or "": its fields do not line
// up with the header's columns (a value would land in the wrong one), or
// it passes the limits of a cell or a row.
func rowMisfit(rec, head []string, lim Limits) string {
	if len(rec) != len(head) {
		return fmt.Sprintf("the row has %d fields where the header has %d columns: a quote or comma is missing or extra, so its values cannot be matched to their columns", len(rec), len(head))
	}
	total := 0
	for i, v := range rec {
		if len(v) > lim.CellBytes {
			return fmt.Sprintf("column %s is %d bytes, more than the limit of %d for one cell (--max-cell-bytes)", strings.TrimSpace(head[i]), len(v), lim.CellBytes)
		}
		total += len(v)
	}
	if total > lim.RowBytes {
		return fmt.Sprintf("the row is %d bytes, more than the limit of %d for one row (--max-row-bytes)", total, lim.RowBytes)
	}
	return ""
}

// tableProblems are the rows every table left out.
func tableProblems(tabs map[string]*table) []Problem {
	var out []Problem
	for _, t := range tabs {
		if t != nil {
			out = append(out, t.bad...)
		}
	}
	slices.SortFunc(out, func(a, b Problem) int { return strings.Compare(a.Source, b.Source) })
	return out
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
