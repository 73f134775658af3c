// Package eval measures how well refer's matching ranks referral options
// against a plain keyword baseline, over two real directories (Miami 211
// and the San Mateo Ohana sample), by need codes and from a client's own
// words in English and Spanish.
// Run it with `make eval`.
package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/finder"
	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
	"github.com/refer-project/refer/resources/hsds"
)

type evalCase struct {
	// Dir is the directory the case is matched over: miami or san-mateo.
	Dir      string         `json:"dir"`
	Name     string         `json:"name"`
	Postcode string         `json:"postcode"`
	Client   map[string]any `json:"client"`
	// Needs, for a case by codes: the need codes given.
	Needs []string `json:"needs,omitempty"`
	// Text, for a case from words: what the client or case manager said,
	// in Lang (en or es), and Need, the need a specialist reads in it.
	Text     string  `json:"text,omitempty"`
	Lang     string  `json:"lang,omitempty"`
	Need     string  `json:"need,omitempty"`
	WithinKm float64 `json:"within_km"`
}

func (c evalCase) mode() string {
	if c.Text != "" {
		return "words"
	}
	return "codes"
}

type casesFile struct {
	About string     `json:"about"`
	Cases []evalCase `json:"cases"`
}

func readCases(t *testing.T, path string, jf *judgmentsFile, vocab *matcher.Vocabulary) []evalCase {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cf casesFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cf); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for i, c := range cf.Cases {
		where := fmt.Sprintf("%s: case %d (%s)", path, i+1, c.Name)
		if c.Dir != "miami" && c.Dir != "san-mateo" {
			t.Fatalf("%s: dir %q is neither miami nor san-mateo", where, c.Dir)
		}
		if c.Text != "" && (c.Need == "" || len(c.Needs) > 0 || c.Lang != "en" && c.Lang != "es") {
			t.Fatalf("%s: a case from words has one need and a language, en or es", where)
		}
		if c.Text == "" && (len(c.Needs) == 0 || c.Need != "" || c.Lang != "") {
			t.Fatalf("%s: a case by codes has needs and no words", where)
		}
		if c.WithinKm <= 0 {
			t.Fatalf("%s: within_km", where)
		}
		for _, n := range c.needs() {
			if _, ok := vocab.Need(n); !ok {
				t.Fatalf("%s: %q is not a need code", where, n)
			}
			if c.Dir == "miami" && jf.Miami[n].Primary.Why == "" || c.Dir == "san-mateo" && len(jf.SanMateo[n]) == 0 {
				t.Fatalf("%s: no judgment of %s in %s", where, n, c.Dir)
			}
		}
	}
	return cf.Cases
}

func (c evalCase) needs() []string {
	if c.Text != "" {
		return []string{c.Need}
	}
	return c.Needs
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

// evalAt is the moment every case is matched at (a Wednesday, 10:00 in
// Miami), so open-now and freshness, and so the figures, do not depend on
// when the evaluation runs.
var evalAt = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

// score is one case need's figures, refer's and the keyword baseline's.
type score struct {
	c                    evalCase
	need                 string
	ndcg, p5, bndcg, bp5 float64
	refused              bool     // no need could be read from the words
	read                 []string // the needs read from the words, and how
}

// TestEval prints NDCG@10 and precision@5 of refer's matching and of the
// keyword baseline, per need, per directory, by codes and by words, in
// English and Spanish, and fails unless refer clearly beats the baseline.
// EVAL_CASES=1 prints each case's row too; EVAL_DEBUG=name each option of
// the cases whose name holds it, with its grade and why, and the relevant
// options those cases missed (debugMissed).
func TestEval(t *testing.T) {
	jf, err := readJudgments(filepath.Join("testdata", "judgments.json"))
	if err != nil {
		t.Fatal(err)
	}
	vocab, err := matcher.LoadVocabulary()
	if err != nil {
		t.Fatal(err)
	}
	cases := readCases(t, filepath.Join("testdata", "cases.json"), jf, vocab)
	ctx := context.Background()
	dirs := map[string]*directory{"miami": openMiami(t), "san-mateo": openSanMateo(t)}
	judges := map[string]*judge{}
	for name, d := range dirs {
		judges[name] = newJudge(name, d.d, jf)
	}
	var scores []score
	for _, c := range cases {
		d, j := dirs[c.Dir], judges[c.Dir]
		lat, lon, ok := data.Centroid(c.Postcode)
		if !ok {
			t.Fatalf("%s: unknown ZIP %s", c.Name, c.Postcode)
		}
		client := orb.Point{lon, lat}
		cl := toClient(c.Client)
		cl.Postcode = c.Postcode
		// The client goes as far as the case says, by either ranking.
		req := matcher.Request{Client: cl, Place: client, MaxDistanceKm: c.WithinKm, IncludeVirtual: true, Limit: 10, At: evalAt}
		if c.Text != "" {
			req.Needs = []matcher.NeedInput{{Text: c.Text}}
		}
		for _, n := range c.Needs {
			req.Needs = append(req.Needs, matcher.NeedInput{Code: n})
		}
		res, err := d.m.Match(ctx, req)
		refused := false
		if err != nil {
			if c.Text == "" || resources.ErrorCode(err) != resources.EINVALID {
				t.Fatalf("%s: %v", c.Name, err)
			}
			refused, res = true, &matcher.Response{}
		}
		var read []string
		for _, n := range res.Needs {
			read = append(read, n.Code+" ("+n.Source+")")
		}
		byID := map[string]matcher.Option{}
		for _, o := range res.Options {
			byID[cmpOr(o.ServiceAtLocationID, o.ServiceID)] = o
		}
		for _, need := range c.needs() {
			gradeOf := func(id string) int { g, _ := j.grade(id, need, c, client); return g }
			// The ideal ranking: every relevant option in the directory.
			var ideal []int
			for id := range j.sites {
				if g := gradeOf(id); g > 0 {
					ideal = append(ideal, g)
				}
			}
			if len(ideal) == 0 {
				t.Fatalf("%s: nothing in %s within %g km is relevant to %s: the case measures nothing", c.Name, c.Dir, c.WithinKm, need)
			}
			sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
			// By codes, the need's own list; from words, the options the
			// client is shown, whatever needs were read.
			ids := res.ByNeed[need]
			if c.Text != "" {
				ids = nil
				for _, o := range res.Options {
					ids = append(ids, cmpOr(o.ServiceAtLocationID, o.ServiceID))
				}
			}
			var rg []int
			for _, id := range ids {
				rg = append(rg, gradeOf(id))
			}
			debugCase(t, c.Name, need, ids, func(id string) string {
				g, why := j.grade(id, need, c, client)
				o := byID[id]
				return fmt.Sprintf("%d %.3f %v %s | %v | %s", g, o.Score, o.ScoreParts, o.Name, j.sites[id].codes, why)
			})
			debugMissed(t, d, j, c, need, req, ids, client)
			words := c.Text
			if words == "" {
				label, _ := vocab.Need(need)
				words = label.Label
			}
			bres, err := d.plain.Search(ctx, index.Query{Text: words, Near: &client, RadiusKm: c.WithinKm, IncludeVirtual: true, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			var bg []int
			for _, h := range bres.Hits {
				bg = append(bg, gradeOf(cmpOr(h.Doc.ServiceAtLocationID, h.Doc.ServiceID)))
			}
			scores = append(scores, score{c: c, need: need, ndcg: ndcg(rg, ideal, 10), p5: precision(rg, 5), bndcg: ndcg(bg, ideal, 10), bp5: precision(bg, 5), refused: refused, read: read})
		}
	}
	report(t, scores)
}

// report logs the tables and fails unless refer clearly beats the baseline.
func report(t *testing.T, scores []score) {
	if os.Getenv("EVAL_CASES") != "" {
		t.Logf("%-9s %-5s %-2s %-56s %-26s %7s %7s %5s %5s", "dir", "mode", "", "case", "need", "NDCG@10", "base", "P@5", "base")
		for _, s := range scores {
			name := s.c.Name
			if s.c.Text != "" {
				name = strconv.Quote(s.c.Text)
			}
			if s.refused {
				name = "REFUSED " + name
			}
			read := ""
			if s.c.Text != "" {
				read = strings.Join(s.read, ", ")
			}
			t.Logf("%-9s %-5s %-2s %-56s %-26s %7.3f %7.3f %5.2f %5.2f %s", s.c.Dir, s.c.mode(), s.c.Lang, trunc(name, 56), trunc(s.need, 26), s.ndcg, s.bndcg, s.p5, s.bp5, read)
		}
	}
	type agg struct {
		n                    int
		ndcg, p5, bndcg, bp5 float64
	}
	sum := func(keep func(score) bool) agg {
		var a agg
		for _, s := range scores {
			if keep(s) {
				a.n++
				a.ndcg += s.ndcg
				a.p5 += s.p5
				a.bndcg += s.bndcg
				a.bp5 += s.bp5
			}
		}
		if a.n > 0 {
			f := float64(a.n)
			a.ndcg, a.p5, a.bndcg, a.bp5 = a.ndcg/f, a.p5/f, a.bndcg/f, a.bp5/f
		}
		return a
	}
	cell := func(a agg) string {
		if a.n == 0 {
			return fmt.Sprintf("%4s %5s %5s %5s %5s", "-", "", "", "", "")
		}
		return fmt.Sprintf("%4d %5.3f %5.3f %5.2f %5.2f", a.n, a.ndcg, a.bndcg, a.p5, a.bp5)
	}
	head := fmt.Sprintf("%4s %5s %5s %5s %5s", "n", "NDCG", "base", "P@5", "base")
	mode := func(m string) func(score) bool { return func(s score) bool { return s.c.mode() == m } }
	and := func(a, b func(score) bool) func(score) bool { return func(s score) bool { return a(s) && b(s) } }

	var needs []string
	seen := map[string]bool{}
	for _, s := range scores {
		if !seen[s.need] {
			seen[s.need] = true
			needs = append(needs, s.need)
		}
	}
	sort.Strings(needs)
	t.Logf("per need: refer beside the keyword baseline (NDCG@10, P@5); n is case needs")
	t.Logf("%-33s | %-28s | %-28s | %-28s", "need", "by codes", "from words", "all")
	t.Logf("%-33s | %s | %s | %s", "", head, head, head)
	var low []string
	for _, n := range needs {
		isN := func(s score) bool { return s.need == n }
		c, w, a := sum(and(isN, mode("codes"))), sum(and(isN, mode("words"))), sum(isN)
		t.Logf("%-33s | %s | %s | %s", n, cell(c), cell(w), cell(a))
		for _, x := range []struct {
			m string
			a agg
		}{{"codes", c}, {"words", w}} {
			if x.a.n > 0 && x.a.ndcg < 0.60 {
				low = append(low, fmt.Sprintf("%s by %s %.3f", n, x.m, x.a.ndcg))
			}
		}
	}
	t.Logf("per directory and language")
	t.Logf("%-33s | %-28s | %-28s | %-28s", "", "by codes", "from words", "all")
	for _, dir := range []string{"miami", "san-mateo"} {
		isD := func(s score) bool { return s.c.Dir == dir }
		t.Logf("%-33s | %s | %s | %s", dir, cell(sum(and(isD, mode("codes")))), cell(sum(and(isD, mode("words")))), cell(sum(isD)))
		for _, lang := range []string{"en", "es"} {
			isL := func(s score) bool { return s.c.Dir == dir && s.c.Lang == lang }
			t.Logf("%-33s | %s | %s | %s", "  "+dir+" "+lang, cell(sum(and(isL, mode("codes")))), cell(sum(and(isL, mode("words")))), cell(sum(isL)))
		}
	}
	for _, lang := range []string{"en", "es"} {
		isL := func(s score) bool { return s.c.Lang == lang }
		t.Logf("%-33s | %s | %s | %s", "words in "+lang, cell(sum(and(isL, mode("codes")))), cell(sum(and(isL, mode("words")))), cell(sum(isL)))
	}
	all := func(score) bool { return true }
	c, w, a := sum(mode("codes")), sum(mode("words")), sum(all)
	t.Logf("%-33s | %s | %s | %s", "overall", cell(c), cell(w), cell(a))
	refused := 0
	for _, s := range scores {
		if s.refused {
			refused++
			t.Logf("refused (no need read): %q (%s, %s)", s.c.Text, s.c.Dir, s.need)
		}
	}
	cases := map[string]int{}
	for _, s := range scores {
		cases[s.c.Dir+" "+s.c.mode()+" "+cmpOr(s.c.Lang, "-")]++
	}
	var keys []string
	for k := range cases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var counts []string
	for _, k := range keys {
		counts = append(counts, fmt.Sprintf("%s %d", k, cases[k]))
	}
	t.Logf("case needs by directory, mode and language: %s", strings.Join(counts, "; "))
	aim := func(ok bool) string {
		if ok {
			return "met"
		}
		return "not met"
	}
	t.Logf("aim (issue 12): by codes NDCG@10 %.3f ≥ 0.85 %s; from words %.3f ≥ 0.80 %s; needs under 0.60: %d %v; words refused: %d",
		c.ndcg, aim(c.ndcg >= 0.85), w.ndcg, aim(w.ndcg >= 0.80), len(low), low, refused)
	summary := fmt.Sprintf("over %d case needs (%d by codes, %d from words): refer NDCG@10 %.3f, P@5 %.3f; keyword baseline NDCG@10 %.3f, P@5 %.3f",
		a.n, c.n, w.n, a.ndcg, a.p5, a.bndcg, a.bp5)
	t.Log(summary)
	fmt.Println(summary)
	if a.ndcg < a.bndcg+0.15 || a.p5 < a.bp5+0.15 {
		t.Errorf("refer does not clearly beat the keyword baseline: %s", summary)
	}
}

// directory is a real directory imported into a real store and indexed.
type directory struct {
	d     *hsds.Directory
	vocab *matcher.Vocabulary
	ix    *index.Index
	plain *index.Index // words only: the keyword baseline's
	m     *matcher.Matcher
}

// openMiami is the Miami 211 directory.
func openMiami(t *testing.T) *directory {
	t.Helper()
	if testing.Short() {
		t.Skip("imports and indexes the whole Miami directory")
	}
	return openDirectory(t, fixture.SharedData(t, "miami-211-hsds-1.1", "datapackage-1566177582"))
}

// openSanMateo is the San Mateo Ohana sample.
func openSanMateo(t *testing.T) *directory {
	t.Helper()
	return openDirectory(t, fixture.SharedData(t, "san-mateo-ohana", "sample-csv"))
}

func openDirectory(t *testing.T, src string) *directory {
	t.Helper()
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
	ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm, CoreNeedsOf: vocab.CoreNeedsOfTerm, NeedsOfWords: vocab.NeedsOfWords, Admits: matcher.Admits})
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
	return &directory{d: d, vocab: vocab, ix: ix, plain: plain, m: &matcher.Matcher{Vocab: vocab, Finder: finder.New(ix)}}
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
