package matcher

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
)

// TestEligibilityTable holds the reader to a table of real Miami 211
// eligibility texts and what each means, written by reading the text
// (matcher/testdata/eligibility-miami.tsv). Rows marked "wrong" are known
// disagreements: the test fails if one of them starts agreeing, so the
// table says honestly how much the reader gets right.
func TestEligibilityTable(t *testing.T) {
	f, err := os.Open(fixture.SharedData(t, "miami-211-hsds-1.1", "datapackage-1566177582", "data", "eligibility.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tf, err := os.Open("testdata/eligibility-miami.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	sc := bufio.NewScanner(tf)
	n, agree := 0, 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 6 {
			t.Fatalf("table line %q: want 6 tab-separated columns, have %d", line, len(c))
		}
		rec, err := strconv.Atoi(c[0])
		if err != nil || rec < 2 || rec > len(rows) {
			t.Fatalf("table line %q: record %q is not a data record of eligibility.csv", line, c[0])
		}
		text := rows[rec-1][2]
		want := strings.Join(c[1:5], " | ")
		got := readTableRow(ParseEligibility(text))
		n++
		same := got == want
		if same {
			agree++
		}
		switch {
		case c[5] == "ok" && !same:
			t.Errorf("record %d %q:\n got  %s\n want %s", rec, text, got, want)
		case c[5] == "wrong" && same:
			t.Errorf("record %d %q: now read right (%s); mark it ok", rec, text, got)
		case c[5] != "ok" && c[5] != "wrong":
			t.Fatalf("record %d: status %q, want ok or wrong", rec, c[5])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("eligibility table: the reader agrees on %d of %d real texts", agree, n)
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
