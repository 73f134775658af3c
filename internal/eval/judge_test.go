package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// A rule grades the services whose codes fall under its prefixes, and says
// why a 211 specialist would grade them so.
type rule struct {
	Codes []string `json:"codes"`
	Why   string   `json:"why"`
}

// codeRules are a need's grades in a directory that uses AIRS codes:
// primary (2, squarely right), secondary (1, acceptable).
type codeRules struct {
	Primary   rule `json:"primary"`
	Secondary rule `json:"secondary"`
}

// serviceGrade is a need's grade of one service in a directory judged
// service by service from its own keywords and description (San Mateo's
// Ohana sample has no taxonomy codes), with the ages its own eligibility
// text names.
type serviceGrade struct {
	Service string   `json:"service"`
	Grade   int      `json:"grade"`
	MinAge  *float64 `json:"min_age,omitempty"`
	MaxAge  *float64 `json:"max_age,omitempty"`
	Why     string   `json:"why"`
}

type judgmentsFile struct {
	About    string                    `json:"about"`
	Miami    map[string]codeRules      `json:"miami"`
	SanMateo map[string][]serviceGrade `json:"san-mateo"`
}

func readJudgments(path string) (*judgmentsFile, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var j judgmentsFile
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for need, r := range j.Miami {
		if len(r.Primary.Codes) == 0 || r.Primary.Why == "" || len(r.Secondary.Codes) > 0 && r.Secondary.Why == "" {
			return nil, fmt.Errorf("%s: miami %s: every grade needs codes and a reason", path, need)
		}
	}
	for need, gs := range j.SanMateo {
		for _, g := range gs {
			if g.Grade < 1 || g.Grade > 2 || g.Why == "" || g.Service == "" {
				return nil, fmt.Errorf("%s: san-mateo %s: service %q needs a grade of 1 or 2 and a reason", path, need, g.Service)
			}
		}
	}
	return &j, nil
}

// site is what relevance judging needs of one option.
type site struct {
	service string
	codes   []string // upper-cased AIRS codes
	point   orb.Point
	placed  bool
	active  bool
}

// judge grades options for one directory.
type judge struct {
	dir   string
	sites map[string]site // by option id: service_at_location id, or service id when it has no site
	codes map[string]codeRules
	each  map[string][]serviceGrade
}

func newJudge(dir string, d *hsds.Directory, j *judgmentsFile) *judge {
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
	jd := &judge{dir: dir, sites: map[string]site{}, codes: j.Miami, each: j.SanMateo}
	if dir != "miami" {
		jd.codes = nil
	} else {
		jd.each = nil
	}
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
		jd.sites[sal.ID] = site{service: s.ID, codes: codesOf(s), point: p, placed: ok, active: s.Status == resources.StatusActive}
	}
	for id, s := range svcs {
		if !withSite[id] {
			jd.sites[id] = site{service: s.ID, codes: codesOf(s), active: s.Status == resources.StatusActive}
		}
	}
	return jd
}

// judges reports whether the judge has a rule for the need.
func (j *judge) judges(need string) bool {
	if j.codes != nil {
		_, ok := j.codes[need]
		return ok
	}
	_, ok := j.each[need]
	return ok
}

// grade says how a 211 specialist would judge an option for a case's need:
// 2 squarely right, 1 acceptable, 0 not, and why.
func (j *judge) grade(id string, need string, c evalCase, client orb.Point) (int, string) {
	s, ok := j.sites[id]
	if !ok || !s.active {
		return 0, "not an active service"
	}
	if s.placed && geo.DistanceHaversine(client, s.point)/1000 > c.WithinKm {
		return 0, "too far"
	}
	if j.codes != nil {
		a := j.codes[need]
		if reservedForOthers(s.codes, c, need) {
			return 0, "its population codes reserve it for another age group"
		}
		best, why := 0, ""
		for _, code := range s.codes {
			if hasPrefix(code, a.Primary.Codes) {
				return 2, a.Primary.Why
			}
			if hasPrefix(code, a.Secondary.Codes) {
				best, why = 1, a.Secondary.Why
			}
		}
		return best, why
	}
	i := slices.IndexFunc(j.each[need], func(g serviceGrade) bool { return g.Service == s.service })
	if i < 0 {
		return 0, ""
	}
	g := j.each[need][i]
	if age, ok := c.Client["age"].(float64); ok && (g.MinAge != nil && age < *g.MinAge || g.MaxAge != nil && age > *g.MaxAge) {
		return 0, "its eligibility names ages the client is not"
	}
	return g.Grade, g.Why
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
