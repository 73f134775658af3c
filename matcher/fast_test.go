package matcher

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// TestStatusIsCheck: the status ranking uses, worked out without words,
// is Check's, for the Miami 211 eligibility texts (when present) and a few
// written here, held against clients of every kind.
func TestStatusIsCheck(t *testing.T) {
	texts := []string{"", "Open to all", "Ages 18-64", "Women and children", "Veterans and their families",
		"Must have children under 18", "Income at or below 200% of the federal poverty level", "Medicaid or uninsured",
		"Residents of Miami-Dade County", "Men 18 and over, low income", "Seniors 60+ living in Hialeah"}
	if f, err := os.Open(filepath.Join("..", "..", "shared", "data", "miami-211-hsds-1.1", "datapackage-1566177582", "data", "eligibility.csv")); err == nil {
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[1:] {
			texts = append(texts, r[len(r)-1])
		}
	}
	yes, no := true, false
	income := 20000.0
	clients := []Client{{}, {Age: ptr(34), Gender: "female", HouseholdSize: 3},
		{Age: ptr(70), Gender: "male", Veteran: &yes, HasChildren: &no, HouseholdSize: 1, AnnualIncome: &income, Insurance: "Medicaid"},
		{Age: ptr(8), HasChildren: &no, Veteran: &no, Insurance: "none"}, {HouseholdSize: 1}}
	for _, text := range texts {
		for _, codes := range [][]string{nil, {"YB-9500"}, {"YN-9000"}} {
			r := ServiceRequirements(text, nil, nil, codes)
			for _, c := range clients {
				for _, km := range []float64{math.NaN(), 5, 200} {
					if got, want := r.status(c, km), r.Check(c, km).Status; got != want {
						t.Errorf("%q %v, client %+v, %g km: status %s, Check %s", text, codes, c, km, got, want)
					}
				}
			}
		}
	}
}

// TestRankScored: rankScored orders as sortScored does, ties, crisis
// and scores that are not thousandths (the fallback) included.
func TestRankScored(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for n := range 300 {
		all := make([]scored, n)
		for i := range all {
			all[i] = scored{id: fmt.Sprintf("s%d", r.Intn(400)), crisis: r.Intn(10) == 0, score: float64(r.Intn(30)) / 1000 * 33}
			all[i].score = round(all[i].score)
			if n%7 == 3 && i == n/2 {
				all[i].score = 0.12345 // not thousandths
			}
		}
		want, got := make([]*scored, n), make([]*scored, n)
		for i := range all {
			want[i], got[i] = &all[i], &all[i]
		}
		sortScored(want)
		rankScored(got, nil, nil)
		for i := range want {
			if want[i].crisis != got[i].crisis || want[i].score != got[i].score || want[i].id != got[i].id {
				t.Fatalf("n=%d, at %d: sortScored %+v, rankScored %+v", n, i, *want[i], *got[i])
			}
		}
	}
}
