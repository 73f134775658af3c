// Package eval measures how well refer's matching ranks referral options
// against a plain keyword baseline, over the real Miami 211 directory.
// Run it with `make eval`.
package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/finder"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/resources/hsds"
)

type accept struct {
	Primary   []string `json:"primary"`
	Secondary []string `json:"secondary"`
}

type evalCase struct {
	Name     string         `json:"name"`
	Postcode string         `json:"postcode"`
	Client   map[string]any `json:"client"`
	Needs    []string       `json:"needs"`
	WithinKm float64        `json:"within_km"`
}

type casesFile struct {
	Accept map[string]accept `json:"accept"`
	Cases  []evalCase        `json:"cases"`
}

// site is what relevance judging needs of one option.
type site struct {
	codes  []string
	point  orb.Point
	placed bool
	active bool
}

type judge struct {
	sites map[string]site // by option id: service_at_location id, or service id when it has no site
}

func newJudge(d *hsds.Directory) *judge {
	terms := map[string]string{}
	locs := map[string]*resources.Location{}
	svcs := map[string]*resources.Service{}
	var sals []*resources.ServiceAtLocation
	for _, r := range d.Records {
		switch r := r.(type) {
		case *resources.TaxonomyTerm:
			terms[r.ID] = r.Code
		case *resources.Location:
			locs[r.ID] = r
		case *resources.Service:
			svcs[r.ID] = r
		case *resources.ServiceAtLocation:
			sals = append(sals, r)
		}
	}
	j := &judge{sites: map[string]site{}}
	codesOf := func(s *resources.Service) []string {
		var out []string
		for _, a := range s.Attributes {
			if c := terms[a.TaxonomyTermID]; c != "" {
				out = append(out, strings.ToUpper(c))
			}
		}
		return out
	}
	withSite := map[string]bool{}
	for _, sal := range sals {
		s, l := svcs[sal.ServiceID], locs[sal.LocationID]
		if s == nil || l == nil {
			continue
		}
		withSite[s.ID] = true
		p, ok := l.Point()
		j.sites[sal.ID] = site{codes: codesOf(s), point: p, placed: ok, active: s.Status == resources.StatusActive}
	}
	for id, s := range svcs {
		if !withSite[id] {
			j.sites[id] = site{codes: codesOf(s), active: s.Status == resources.StatusActive}
		}
	}
	return j
}

// grade says how a 211 specialist would judge an option for a case's need:
// 2 squarely right, 1 acceptable, 0 not.
func (j *judge) grade(id string, need string, a accept, c evalCase, client orb.Point) int {
	s, ok := j.sites[id]
	if !ok || !s.active {
		return 0
	}
	if s.placed && geo.DistanceHaversine(client, s.point)/1000 > c.WithinKm {
		return 0
	}
	if reservedForOthers(s.codes, c, need) {
		return 0
	}
	best := 0
	for _, code := range s.codes {
		if hasPrefix(code, a.Primary) {
			return 2
		}
		if hasPrefix(code, a.Secondary) {
			best = 1
		}
	}
	return best
}

func hasPrefix(code string, prefixes []string) bool {
	for _, p := range prefixes {
		if code == p || strings.HasPrefix(code, p+"-") || strings.HasPrefix(code, p+".") || len(p) <= 2 && strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}

// reservedForOthers: the service's age-group codes are all children's and
// the client an adult (unless the need is child care), or all older adults'
// and the client under 55.
func reservedForOthers(codes []string, c evalCase, need string) bool {
	age, ok := c.Client["age"].(float64)
	if !ok {
		return false
	}
	var groups []string
	for _, code := range codes {
		if strings.HasPrefix(code, "YB-") || strings.HasPrefix(code, "YG-8000") || strings.HasPrefix(code, "YF-2000") {
			groups = append(groups, code)
		}
	}
	if len(groups) == 0 {
		return false
	}
	all := func(pred func(string) bool) bool {
		for _, g := range groups {
			if !pred(g) {
				return false
			}
		}
		return true
	}
	children := func(g string) bool { return strings.HasPrefix(g, "YB-9500") || strings.HasPrefix(g, "YG-8000") }
	seniors := func(g string) bool { return strings.HasPrefix(g, "YB-8000") || strings.HasPrefix(g, "YF-2000") }
	return age >= 18 && need != "childcare" && all(children) || age < 55 && all(seniors)
}

func ndcg(grades []int, ideal []int, k int) float64 {
	dcg := func(gs []int) float64 {
		sum := 0.0
		for i, g := range gs {
			if i == k {
				break
			}
			sum += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
		}
		return sum
	}
	best := dcg(ideal)
	if best == 0 {
		return 0
	}
	return dcg(grades) / best
}

func precision(grades []int, k int) float64 {
	hits := 0
	for i := 0; i < k && i < len(grades); i++ {
		if grades[i] > 0 {
			hits++
		}
	}
	return float64(hits) / float64(k)
}

func toClient(m map[string]any) matcher.Client {
	b, _ := json.Marshal(m)
	var c struct {
		Age           *float64 `json:"age"`
		Gender        string   `json:"gender"`
		HouseholdSize int      `json:"household_size"`
		Languages     []string `json:"languages"`
		Insurance     string   `json:"insurance"`
		Veteran       *bool    `json:"veteran"`
	}
	json.Unmarshal(b, &c)
	return matcher.Client{Age: c.Age, Gender: c.Gender, HouseholdSize: c.HouseholdSize, Languages: c.Languages, Insurance: c.Insurance, Veteran: c.Veteran}
}

// TestEval prints NDCG@10 and precision@5 of refer's matching and of the
// keyword baseline, and fails unless refer clearly beats the baseline.
// evalAt is the moment every case is matched at (a Wednesday, 10:00 in
// Miami), so open-now and freshness, and so the figures, do not depend on
// when the evaluation runs.
var evalAt = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

func TestEval(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cf casesFile
	if err := json.Unmarshal(raw, &cf); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mi := openMiami(t)
	d, vocab, plain, m := mi.d, mi.vocab, mi.plain, mi.m
	j := newJudge(d)

	type score struct{ ndcg, p5 float64 }
	var refer, base []score
	perNeed := map[string][][2]score{}
	t.Logf("%-48s %-28s %8s %8s %8s %8s", "case", "need", "refer", "base", "refer", "base")
	t.Logf("%-48s %-28s %8s %8s %8s %8s", "", "", "NDCG@10", "NDCG@10", "P@5", "P@5")
	for _, c := range cf.Cases {
		lat, lon, ok := data.Centroid(c.Postcode)
		if !ok {
			t.Fatalf("%s: unknown ZIP %s", c.Name, c.Postcode)
		}
		client := orb.Point{lon, lat}
		cl := toClient(c.Client)
		cl.Postcode = c.Postcode
		req := matcher.Request{Client: cl, Place: client, IncludeVirtual: true, Limit: 10, At: evalAt}
		for _, n := range c.Needs {
			req.Needs = append(req.Needs, matcher.NeedInput{Code: n})
		}
		res, err := m.Match(ctx, req)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		for _, need := range c.Needs {
			a, ok := cf.Accept[need]
			if !ok {
				t.Fatalf("%s: no accept rule for %s", c.Name, need)
			}
			// The ideal ranking: every relevant option in the directory.
			var ideal []int
			for id := range j.sites {
				if g := j.grade(id, need, a, c, client); g > 0 {
					ideal = append(ideal, g)
				}
			}
			sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
			var rg []int
			for _, id := range res.ByNeed[need] {
				rg = append(rg, j.grade(id, need, a, c, client))
			}
			byID := map[string]matcher.Option{}
			for _, o := range res.Options {
				byID[cmpOr(o.ServiceAtLocationID, o.ServiceID)] = o
			}
			debugCase(t, c.Name, need, res.ByNeed[need], func(id string) int { return j.grade(id, need, a, c, client) },
				func(id string) []string { return j.sites[id].codes }, func(id string) string {
					o := byID[id]
					return fmt.Sprintf("%.3f %v %s", o.Score, o.ScoreParts, o.Name)
				})
			label, _ := vocab.Need(need)
			bres, err := plain.Search(ctx, index.Query{Text: label.Label, Near: &client, RadiusKm: matcher.DefaultRadiusKm, IncludeVirtual: true, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			var bg []int
			for _, h := range bres.Hits {
				id := h.Doc.ServiceAtLocationID
				if id == "" {
					id = h.Doc.ServiceID
				}
				bg = append(bg, j.grade(id, need, a, c, client))
			}
			r := score{ndcg(rg, ideal, 10), precision(rg, 5)}
			b := score{ndcg(bg, ideal, 10), precision(bg, 5)}
			refer, base = append(refer, r), append(base, b)
			perNeed[need] = append(perNeed[need], [2]score{r, b})
			t.Logf("%-48s %-28s %8.3f %8.3f %8.2f %8.2f", trunc(c.Name, 48), need, r.ndcg, b.ndcg, r.p5, b.p5)
		}
	}
	mean := func(ss []score) score {
		var s score
		for _, x := range ss {
			s.ndcg += x.ndcg
			s.p5 += x.p5
		}
		return score{s.ndcg / float64(len(ss)), s.p5 / float64(len(ss))}
	}
	t.Logf("per need (mean over its cases):")
	t.Logf("%-34s %5s %8s %8s %8s %8s", "need", "cases", "refer", "base", "refer", "base")
	var needCodes []string
	for n := range perNeed {
		needCodes = append(needCodes, n)
	}
	sort.Strings(needCodes)
	for _, n := range needCodes {
		var rs, bs []score
		for _, x := range perNeed[n] {
			rs, bs = append(rs, x[0]), append(bs, x[1])
		}
		r, b := mean(rs), mean(bs)
		t.Logf("%-34s %5d %8.3f %8.3f %8.2f %8.2f", n, len(rs), r.ndcg, b.ndcg, r.p5, b.p5)
	}
	r, b := mean(refer), mean(base)
	summary := fmt.Sprintf("over %d case needs: refer NDCG@10 %.3f, P@5 %.3f; keyword baseline NDCG@10 %.3f, P@5 %.3f", len(refer), r.ndcg, r.p5, b.ndcg, b.p5)
	t.Log(summary)
	fmt.Println(summary)
	if r.ndcg < b.ndcg+0.15 || r.p5 < b.p5+0.15 {
		t.Errorf("refer does not clearly beat the keyword baseline: %s", summary)
	}
}

// miami is the Miami 211 directory imported into a real store and indexed.
type miami struct {
	d     *hsds.Directory
	vocab *matcher.Vocabulary
	ix    *index.Index
	plain *index.Index // words only: the keyword baseline's
	m     *matcher.Matcher
}

func openMiami(t *testing.T) *miami {
	t.Helper()
	if testing.Short() {
		t.Skip("imports and indexes the whole Miami directory")
	}
	src := fixture.SharedData(t, "miami-211-hsds-1.1", "datapackage-1566177582")
	ctx := context.Background()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d, err := hsds.Read(src, hsds.Options{Centroid: data.Centroid})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hsds.Load(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	vocab, err := matcher.LoadVocabulary()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm, NeedsOfWords: vocab.NeedsOfWords, Admits: matcher.Admits})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	// The keyword baseline searches an index of plain words: no needs'
	// words or synonyms.
	plain, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "plain"), Store: db, NeedsOf: vocab.NeedsOfTerm})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { plain.Close() })
	return &miami{d: d, vocab: vocab, ix: ix, plain: plain, m: &matcher.Matcher{Vocab: vocab, Finder: finder.New(ix)}}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
