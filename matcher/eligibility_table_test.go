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
	sm := readCSV(t, fixture.SharedData(t, "san-mateo-ohana", "sample-csv", "services.csv"))
	col := slices.Index(sm[0], "eligibility")
	if col < 0 {
		t.Fatal("san mateo services.csv has no eligibility column")
	}
	sanMateo := map[string]string{}
	for _, row := range sm[1:] {
		sanMateo[row[0]] = row[col]
	}
	// The project's own rows are keyed by their text.
	own := func(key string) (string, bool) { return key, true }
	byID := func(key string) (string, bool) { text, ok := sanMateo[key]; return text, ok }
	total, agreed := 0, 0
	for path, textOf := range map[string]func(string) (string, bool){
		"testdata/eligibility-own.tsv":       own,
		"testdata/eligibility-san-mateo.tsv": byID,
	} {
		n, a := eligibilityTable(t, path, textOf)
		total, agreed = total+n, agreed+a
	}
	if total < 40 {
		t.Errorf("the tables hold %d texts; want at least 40", total)
	}
	t.Logf("eligibility tables: the reader agrees on %d of %d texts", agreed, total)
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

// eligibilityTable checks one table against the texts its keys name.
func eligibilityTable(t *testing.T, path string, textOf func(key string) (string, bool)) (n, agree int) {
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
		text, ok := textOf(rec)
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
