package matcher

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
)

// TestEligibilityTable holds the reader to tables of eligibility texts and
// what each means, written by reading the text (matcher/testdata/
// eligibility-*.tsv): texts the project wrote itself, in the shapes real
// directories' texts take (keyed by the text), and San Mateo's real
// services.csv by service id, read from the shared directories. Rows
// marked "wrong" are known disagreements: the test fails if one of them
// starts agreeing, so the tables say honestly how much the reader gets
// right.
func TestEligibilityTable(t *testing.T) {
	own := map[string]string{}
	for _, text := range tableKeys(t, "testdata/eligibility-own.tsv") {
		own[text] = text
	}
	texts := map[string]map[string]string{"own": own, "san-mateo": {}}
	sm := readCSV(t, fixture.SharedData(t, "san-mateo-ohana", "sample-csv", "services.csv"))
	col := slices.Index(sm[0], "eligibility")
	if col < 0 {
		t.Fatal("san mateo services.csv has no eligibility column")
	}
	for _, row := range sm[1:] {
		texts["san-mateo"][row[0]] = row[col]
	}
	total, agreed := 0, 0
	for _, dir := range []string{"own", "san-mateo"} {
		n, a := eligibilityTable(t, "testdata/eligibility-"+dir+".tsv", texts[dir])
		total, agreed = total+n, agreed+a
	}
	if total < 40 {
		t.Errorf("the tables hold %d texts; want at least 40", total)
	}
	t.Logf("eligibility tables: the reader agrees on %d of %d texts", agreed, total)
}

// tableKeys returns the first column of a table's rows.
func tableKeys(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for line := range strings.SplitSeq(string(b), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			keys = append(keys, strings.Split(line, "\t")[0])
		}
	}
	return keys
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
