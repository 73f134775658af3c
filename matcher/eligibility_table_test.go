package matcher

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
)

// TestEligibilityTable holds the reader to tables of real eligibility
// texts from the shared directories and what each means, written by reading
// the text (matcher/testdata/eligibility-*.tsv): Miami 211's eligibility.csv
// by record number, San Mateo's services.csv by service id. Rows marked
// "wrong" are known disagreements: the test fails if one of them starts
// agreeing, so the table says honestly how much the reader gets right.
func TestEligibilityTable(t *testing.T) {
	miami := readCSV(t, fixture.SharedData(t, "miami-211-hsds-1.1", "datapackage-1566177582", "data", "eligibility.csv"))
	texts := map[string]map[string]string{"miami": {}, "san-mateo": {}}
	for i, row := range miami[1:] {
		texts["miami"][strconv.Itoa(i+2)] = row[2] // header is record 1
	}
	sm := readCSV(t, fixture.SharedData(t, "san-mateo-ohana", "sample-csv", "services.csv"))
	col := slices.Index(sm[0], "eligibility")
	if col < 0 {
		t.Fatal("san mateo services.csv has no eligibility column")
	}
	for _, row := range sm[1:] {
		texts["san-mateo"][row[0]] = row[col]
	}
	total, agreed := 0, 0
	for _, dir := range []string{"miami", "san-mateo"} {
		n, a := eligibilityTable(t, "testdata/eligibility-"+dir+".tsv", texts[dir])
		total, agreed = total+n, agreed+a
	}
	if total < 100 {
		t.Errorf("the tables hold %d texts; want at least 100", total)
	}
	t.Logf("eligibility tables: the reader agrees on %d of %d real texts", agreed, total)
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// eligibilityTable checks one table against the texts by key.
func eligibilityTable(t *testing.T, path string, texts map[string]string) (n, agree int) {
	t.Helper()
	tf, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	sc := bufio.NewScanner(tf)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 6 {
			t.Fatalf("table line %q: want 6 tab-separated columns, have %d", line, len(c))
		}
		rec := c[0]
		text, ok := texts[rec]
		if !ok {
			t.Fatalf("%s line %q: %q names no text in the directory", path, line, rec)
		}
		want := strings.Join(c[1:5], " | ")
		got := readTableRow(ParseEligibility(text))
		n++
		same := got == want
		if same {
			agree++
		}
		switch {
		case c[5] == "ok" && !same:
			t.Errorf("%s %s %q:\n got  %s\n want %s", path, rec, text, got, want)
		case c[5] == "wrong" && same:
			t.Errorf("%s %s %q: now read right (%s); mark it ok", path, rec, text, got)
		case c[5] != "ok" && c[5] != "wrong":
			t.Fatalf("%s %s: status %q, want ok or wrong", path, rec, c[5])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: the reader agrees on %d of %d", path, agree, n)
	return n, agree
}

// readTableRow writes requirements in the table's columns.
func readTableRow(r Requirements) string {
	ages := aud(r.Audiences)
	if ages == "" {
		ages = "-"
	}
	vet := "-"
	if r.Veterans {
		vet = "vet"
		if r.VeteranFamilies {
			vet = "vet+fam"
		}
	}
	places := "-"
	if len(r.Places) > 0 {
		places = strings.Join(r.Places, ",")
	}
	income := "-"
	switch {
	case r.MaxIncomeFPL > 0:
		income = fmt.Sprintf("fpl%s", years(r.MaxIncomeFPL))
	case r.LowIncome:
		income = "low"
	}
	return strings.Join([]string{ages, vet, places, income}, " | ")
}
