package matcher

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/openreferral/refer/resources"
	"github.com/paulmach/orb"
)

// Candidate is one place where a service is offered, as the index finds
// it: what ranking and explaining need, nothing more.
type Candidate struct {
	ID                  string // the service_at_location id, or the service's for one with no location
	ServiceID           string
	ServiceAtLocationID string
	Name                string
	OrganizationID      string
	OrganizationName    string
	Address             string
	Phones              []string
	Needs               []string
	Terms               []Term
	DistanceKm          *float64
	// Point is the site's place ([lon, lat]) when it has one.
	Point    orb.Point
	HasPoint bool
	// Served: the service area holds the client's place.
	Served    bool
	Virtual   bool
	Open      resources.OpenState
	Languages []string // lower-cased names and codes
	Free      bool
	// Facts for eligibility.
	Eligibility    string
	MinAge, MaxAge *float64
	LastVerified   string // YYYY-MM-DD
	LastModified   time.Time
}

// Term is a taxonomy term on a candidate.
type Term struct{ Code, Name string }

// FindQuery asks for the candidates for the needs of one request.
type FindQuery struct {
	Needs          []string
	Near           orb.Point
	RadiusKm       float64
	IncludeVirtual bool
	At             time.Time
	// Limit caps the candidates of each need, nearest first.
	Limit int
}

// Finder finds candidates; the search index satisfies it.
type Finder interface {
	// Find returns each need's candidates, nearest first.
	Find(ctx context.Context, q FindQuery) (map[string][]Candidate, error)
	// TextScores scores candidates near a place by the client's own words
	// (BM25); candidates missing from the map did not match.
	TextScores(ctx context.Context, text string, near orb.Point, radiusKm float64) (map[string]float64, error)
}

// Request is an intake workflow's assessment.
type Request struct {
	Client    Client
	Place     orb.Point
	Needs     []NeedInput
	Screening *ScreeningInput
	// Preferences.
	MaxDistanceKm  float64
	OpenNow        bool
	FreeOnly       bool
	IncludeVirtual bool
	At             time.Time
	Limit          int
	Explain        bool
}

// NeedInput is one need as given: a code, or the client's words.
type NeedInput struct {
	Code string
	Text string
}

// ScreeningInput is a screening instrument's answers.
type ScreeningInput struct {
	Instrument string
	Answers    map[string][]string
}

// Response is the ranked referral options.
type Response struct {
	Needs      []FoundNeed         `json:"needs"`
	Options    []Option            `json:"options"`
	ByNeed     map[string][]string `json:"by_need"`
	UnmetNeeds []string            `json:"unmet_needs"`
	// Ineligible lists, with Explain, the options left out and why.
	Ineligible []Excluded `json:"ineligible,omitempty"`
	Notes      []string   `json:"notes,omitempty"`
}

// FoundNeed is a need the request was read to have.
type FoundNeed struct {
	Code   string `json:"code"`
	Label  string `json:"label"`
	Source string `json:"source"` // code, text or screening
	// Why says what made it, for text and screening needs.
	Why string `json:"why,omitempty"`
}

// Option is one referral option.
type Option struct {
	Rank                int        `json:"rank"`
	ServiceID           string     `json:"service_id"`
	ServiceAtLocationID string     `json:"service_at_location_id,omitempty"`
	Name                string     `json:"name"`
	Organization        OrgRef     `json:"organization"`
	Needs               []string   `json:"needs"`
	Score               float64    `json:"score"`
	DistanceKm          *float64   `json:"distance_km,omitempty"`
	Address             string     `json:"address,omitempty"`
	Phones              []string   `json:"phones"`
	OpenNow             *bool      `json:"open_now"`
	Eligibility         string     `json:"eligibility"`
	Reasons             []string   `json:"reasons"`
	ScoreParts          ScoreParts `json:"score_parts"`
	id                  string
	crisis              bool
	why                 *why // what reasons are written from, for the options shown
}

// why keeps what an option's reasons are written from: reasons are words
// for a case manager, written only for the options a response shows.
type why struct {
	cand    *Candidate
	need    string
	term    Term
	verdict Verdict
	spoken  string
}

// OrgRef names an organization.
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Excluded is an option left out, with the reason.
type Excluded struct {
	ServiceID           string `json:"service_id"`
	ServiceAtLocationID string `json:"service_at_location_id,omitempty"`
	Name                string `json:"name"`
	Reason              string `json:"reason"`
}

// ScoreParts are the parts of an option's score, each from 0 to 1.
type ScoreParts struct {
	Need        float64 `json:"need"`
	Text        float64 `json:"text"`
	Distance    float64 `json:"distance"`
	Eligibility float64 `json:"eligibility"`
	Language    float64 `json:"language"`
	Open        float64 `json:"open"`
	Cost        float64 `json:"cost"`
	Freshness   float64 `json:"freshness"`
	Coverage    float64 `json:"coverage"`
}

// weights of the score parts; they add up to 1, so a score is 0 to 1.
var weights = ScoreParts{
	Need: 0.28, Text: 0.08, Distance: 0.20, Eligibility: 0.15, Language: 0.08,
	Open: 0.05, Cost: 0.04, Freshness: 0.05, Coverage: 0.07,
}

func (p ScoreParts) total() float64 {
	return p.Need*weights.Need + p.Text*weights.Text + p.Distance*weights.Distance +
		p.Eligibility*weights.Eligibility + p.Language*weights.Language + p.Open*weights.Open +
		p.Cost*weights.Cost + p.Freshness*weights.Freshness + p.Coverage*weights.Coverage
}

// Matching limits.
const (
	DefaultLimit    = 10
	MaxLimit        = 50
	DefaultRadiusKm = 25
	// minCandidates is how many nearest candidates each need brings at
	// least (three times the options asked for, if more): ranking needs a
	// pool well beyond the options shown, and candidates far down a
	// nearest-first list rarely outrank the near ones.
	minCandidates = 100
	// perOrganization caps options from one organization among the first
	// ones shown, so ten options are not ten sites of one agency.
	perOrganization = 2
)

// Matcher ranks referral options.
type Matcher struct {
	Vocab  *Vocabulary
	Finder Finder
}

// Match answers a request. The same request always gives the same answer.
func (m *Matcher) Match(ctx context.Context, req Request) (*Response, error) {
	needs, notes, err := m.resolveNeeds(req)
	if err != nil {
		return nil, err
	}
	if len(needs) == 0 {
		return nil, &resources.Error{Code: resources.EINVALID, Message: "no need could be read from the request",
			Fields: map[string]string{"needs": "none of the needs given is a known code, and no words matched a need; GET /api/v1/needs lists the codes"}}
	}
	limit := cmp.Or(req.Limit, DefaultLimit)
	radius := cmp.Or(req.MaxDistanceKm, DefaultRadiusKm)
	at := req.At
	if at.IsZero() {
		at = time.Now()
	}
	var text []string
	for _, n := range req.Needs {
		if strings.TrimSpace(n.Text) != "" {
			text = append(text, n.Text)
		}
	}
	var textScores map[string]float64
	if len(text) > 0 {
		if textScores, err = m.Finder.TextScores(ctx, strings.Join(text, " "), req.Place, radius); err != nil {
			return nil, err
		}
	}
	maxText := 0.0
	for _, s := range textScores {
		maxText = max(maxText, s)
	}

	resp := &Response{Needs: needs, ByNeed: map[string][]string{}, UnmetNeeds: []string{}, Notes: notes}
	wanted := make([]string, len(needs))
	for i, n := range needs {
		wanted[i] = n.Code
	}
	options := map[string]*Option{}
	perNeed := map[string][]*Option{}
	excluded := map[string]Excluded{}
	found, err := m.Finder.Find(ctx, FindQuery{Needs: wanted, Near: req.Place, RadiusKm: radius, IncludeVirtual: req.IncludeVirtual, At: at, Limit: max(minCandidates, 3*limit)})
	if err != nil {
		return nil, err
	}
	for _, need := range needs {
		cands := found[need.Code]
		for i := range cands {
			c := &cands[i]
			if o := options[c.ID]; o != nil {
				perNeed[need.Code] = append(perNeed[need.Code], o)
				continue
			}
			if _, out := excluded[c.ID]; out {
				continue
			}
			if req.OpenNow && !c.Open.Open || req.FreeOnly && !c.Free {
				continue
			}
			o, why := m.option(c, need.Code, wanted, req, at, textScores, maxText)
			if o == nil {
				excluded[c.ID] = Excluded{c.ServiceID, c.ServiceAtLocationID, c.Name, why}
				continue
			}
			options[c.ID] = o
			perNeed[need.Code] = append(perNeed[need.Code], o)
		}
	}
	ranked := make([]*Option, 0, len(options))
	for _, o := range options {
		ranked = append(ranked, o)
	}
	sortOptions(ranked)
	for _, need := range needs {
		list := perNeed[need.Code]
		sortOptions(list)
		ids := []string{}
		for _, o := range diverse(list, limit) {
			ids = append(ids, o.id)
		}
		resp.ByNeed[need.Code] = ids
		if len(ids) == 0 {
			resp.UnmetNeeds = append(resp.UnmetNeeds, need.Code)
		}
	}
	for i, o := range diverse(ranked, limit) {
		o.Rank = i + 1
		m.explain(o)
		resp.Options = append(resp.Options, *o)
	}
	if resp.Options == nil {
		resp.Options = []Option{}
	}
	if req.Explain {
		for _, e := range excluded {
			resp.Ineligible = append(resp.Ineligible, e)
		}
		slices.SortFunc(resp.Ineligible, func(a, b Excluded) int {
			return cmp.Or(cmp.Compare(a.ServiceID, b.ServiceID), cmp.Compare(a.ServiceAtLocationID, b.ServiceAtLocationID))
		})
	}
	return resp, nil
}

// resolveNeeds turns codes, words and screening answers into needs, each
// once, in the order given.
func (m *Matcher) resolveNeeds(req Request) ([]FoundNeed, []string, error) {
	var out []FoundNeed
	var notes []string
	seen := map[string]bool{}
	add := func(code, source, why string) {
		if seen[code] {
			return
		}
		seen[code] = true
		n, _ := m.Vocab.Need(code)
		out = append(out, FoundNeed{Code: code, Label: n.Label, Source: source, Why: why})
	}
	bad := resources.FieldErrors{}
	for i, n := range req.Needs {
		switch {
		case n.Code != "":
			if _, ok := m.Vocab.Need(n.Code); !ok {
				bad.Add(fmt.Sprintf("needs[%d].code", i), "%q is not a need code; GET /api/v1/needs lists them", n.Code)
				continue
			}
			add(n.Code, "code", "")
		case strings.TrimSpace(n.Text) != "":
			matches := m.Vocab.NeedsFromText(n.Text)
			if len(matches) == 0 {
				notes = append(notes, fmt.Sprintf("No need was recognised in %q; add a need code.", n.Text))
			}
			for _, tm := range matches {
				add(tm.Code, "text", "words: "+strings.Join(tm.Evidence, ", "))
			}
		default:
			bad.Add(fmt.Sprintf("needs[%d]", i), "give a code or text")
		}
	}
	if err := bad.Err("the needs"); err != nil {
		return nil, nil, err
	}
	if req.Screening != nil {
		res, err := m.Vocab.Screen(req.Screening.Instrument, req.Screening.Answers)
		if err != nil {
			return nil, nil, err
		}
		for _, n := range res.Needs {
			add(n.Code, "screening", n.Reason)
		}
		notes = append(notes, res.Notes...)
	}
	return out, notes, nil
}

// option scores a candidate for a need, or says why the client cannot use it.
func (m *Matcher) option(c *Candidate, need string, wanted []string, req Request, at time.Time, textScores map[string]float64, maxText float64) (*Option, string) {
	km := math.NaN()
	if c.DistanceKm != nil {
		km = *c.DistanceKm
	}
	reqs := ServiceRequirements(c.Eligibility, c.MinAge, c.MaxAge, termCodes(c.Terms))
	verdict := reqs.Check(req.Client, km)
	if verdict.Status == Ineligible {
		return nil, verdict.Because
	}
	o := &Option{
		id:                  cmp.Or(c.ServiceAtLocationID, c.ServiceID),
		ServiceID:           c.ServiceID,
		ServiceAtLocationID: c.ServiceAtLocationID,
		Name:                c.Name,
		Organization:        OrgRef{c.OrganizationID, c.OrganizationName},
		DistanceKm:          c.DistanceKm,
		Address:             c.Address,
		Phones:              nonNil(c.Phones),
		Eligibility:         verdict.Status,
	}
	var covered []string
	for _, n := range wanted {
		if slices.Contains(c.Needs, n) {
			covered = append(covered, n)
		}
	}
	if !slices.Contains(covered, need) {
		covered = append(covered, need)
	}
	o.Needs = covered
	if c.Open.Known {
		open := c.Open.Open
		o.OpenNow = &open
	}
	p := &o.ScoreParts
	term, fit := m.needFit(c, need)
	p.Need = fit
	if s, ok := textScores[c.ID]; ok && maxText > 0 {
		p.Text = round(s / maxText)
	}
	switch {
	case c.DistanceKm != nil:
		p.Distance = round(math.Exp(-*c.DistanceKm / 10))
	case c.Served:
		p.Distance = 0.6
	default:
		// By phone or online: reachable, but a place near the client is
		// usually the better referral (what a site 12 km away scores).
		p.Distance = 0.3
	}
	switch verdict.Status {
	case Eligible:
		p.Eligibility = 1
	case Likely:
		p.Eligibility = 0.7
	default:
		p.Eligibility = 0.5
	}
	p.Language = 0.5
	spoken := ""
	if langs := lowerAll(req.Client.Languages); len(langs) > 0 && len(c.Languages) > 0 {
		p.Language = 0
		for _, l := range langs {
			if slices.Contains(c.Languages, l) {
				p.Language, spoken = 1, l
				break
			}
		}
	}
	switch {
	case c.Open.Open:
		p.Open = 1
	case c.Open.Known:
		p.Open = 0.3
	default:
		p.Open = 0.5
	}
	p.Cost = 0.5
	if c.Free {
		p.Cost = 1
	}
	p.Freshness = freshness(c, at)
	if len(wanted) > 1 {
		p.Coverage = round(float64(len(covered)-1) / float64(len(wanted)-1))
	}
	o.why = &why{cand: c, need: need, term: term, verdict: verdict, spoken: spoken}
	o.Score = round(p.total())
	if n, ok := m.Vocab.Need(need); ok && n.Safety {
		o.crisis = isCrisis(c)
	}
	return o, ""
}

// explain writes an option's reasons in plain words.
func (m *Matcher) explain(o *Option) {
	w, c := o.why, o.why.cand
	var reasons []string
	if w.term.Code != "" {
		reasons = append(reasons, fmt.Sprintf("%s (%s)", w.term.Name, w.term.Code))
	} else if w.term.Name != "" {
		reasons = append(reasons, w.term.Name)
	}
	switch {
	case c.DistanceKm != nil:
		reasons = append(reasons, trimFloat(*c.DistanceKm)+" km away")
		if c.Served {
			reasons = append(reasons, "Serves the client's area")
		}
	case c.Served:
		reasons = append(reasons, "Serves the client's area")
	default:
		reasons = append(reasons, "By phone or online")
	}
	switch w.verdict.Status {
	case Eligible:
		reasons = append(reasons, "Eligible: "+strings.Join(w.verdict.Reasons, "; "))
	case Likely:
		reasons = append(reasons, "Check eligibility: "+strings.Join(w.verdict.Reasons, "; "))
	}
	if w.spoken != "" {
		reasons = append(reasons, titleCase(w.spoken)+" spoken")
	}
	switch {
	case c.Open.Open:
		reasons = append(reasons, "Open now until "+c.Open.Until)
	case c.Open.Known:
		reasons = append(reasons, "Closed now")
	}
	if c.Free {
		reasons = append(reasons, "Free")
	}
	if c.LastVerified != "" {
		reasons = append(reasons, "Last verified "+c.LastVerified)
	}
	var others []string
	for _, n := range o.Needs {
		if n != w.need {
			nd, _ := m.Vocab.Need(n)
			others = append(others, strings.ToLower(nd.Label))
		}
	}
	if len(others) > 0 {
		reasons = append(reasons, "Also helps with "+strings.Join(others, ", "))
	}
	o.Reasons = reasons
}

// needFit says how squarely the service serves the need: 1 when one of its
// terms falls under a program-level code of the need's crosswalk
// ("NL-6000", "BH-3800"), 0.8 under a whole section ("BD", "BV"), 0.6 when
// only an Open Eligibility name matched. (Grading by the term's own
// specificity instead was tried: it lifted phone lines of far-away cities
// above nearby places in the golden answers and lowered precision@5 in
// make eval from 0.827 to 0.795.)
func (m *Matcher) needFit(c *Candidate, need string) (Term, float64) {
	n, ok := m.Vocab.Need(need)
	if !ok {
		return Term{}, 0
	}
	best, fit := Term{}, 0.0
	for _, t := range c.Terms {
		code := strings.ToUpper(t.Code)
		for _, p := range n.AIRS {
			if !underCode(code, p) {
				continue
			}
			f := 0.8
			if len(p) > 2 {
				f = 1
			}
			if f > fit || f == fit && t.Code < best.Code {
				best, fit = t, f
			}
		}
		if fit == 0 && slices.ContainsFunc(n.OpenEligibility, func(s string) bool { return strings.EqualFold(s, t.Name) }) {
			best, fit = t, 0.6
		}
	}
	return best, fit
}

// underCode reports whether an AIRS code falls under a prefix: the same
// code, or the prefix followed by a "-" or "." (one or two letters, a whole
// section: "B", "BD"). It is AIRSPrefixes without the allocations.
func underCode(code, prefix string) bool {
	if !strings.HasPrefix(code, prefix) {
		return false
	}
	if len(code) == len(prefix) || len(prefix) <= 2 && !strings.ContainsAny(prefix, "-.") {
		return true
	}
	next := code[len(prefix)]
	return next == '-' || next == '.'
}

// crisisPrefixes are AIRS codes of crisis lines and emergency services,
// which come first for safety needs.
var crisisPrefixes = []string{"RP-1500", "BH-1800.1500-100", "BH-1800.1500-080", "FN-1900", "PH-6500", "JR-8200"}

func isCrisis(c *Candidate) bool {
	for _, t := range c.Terms {
		for _, p := range crisisPrefixes {
			if strings.HasPrefix(strings.ToUpper(t.Code), p) {
				return true
			}
		}
	}
	return false
}

// freshness is 1 for a listing verified within a year, falling to 0 at
// three years; last_modified counts for less when nobody verified it.
func freshness(c *Candidate, now time.Time) float64 {
	age := func(t time.Time) float64 {
		years := now.Sub(t).Hours() / (24 * 365)
		return math.Max(0, math.Min(1, 1-(years-1)/2))
	}
	if c.LastVerified != "" {
		if t, err := time.Parse(time.DateOnly, c.LastVerified); err == nil {
			return round(age(t))
		}
	}
	if !c.LastModified.IsZero() {
		return round(0.5 * age(c.LastModified))
	}
	return 0.2
}

// sortOptions orders by crisis first (safety needs), then score, then id.
func sortOptions(os []*Option) {
	slices.SortFunc(os, func(a, b *Option) int {
		if a.crisis != b.crisis {
			if a.crisis {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
}

// diverse takes the first n options, at most perOrganization from one
// organization, filling up from the rest only when there are too few.
func diverse(os []*Option, n int) []*Option {
	var out, held []*Option
	count := map[string]int{}
	for _, o := range os {
		if len(out) == n {
			break
		}
		if count[o.Organization.ID] >= perOrganization {
			held = append(held, o)
			continue
		}
		count[o.Organization.ID]++
		out = append(out, o)
	}
	for _, o := range held {
		if len(out) == n {
			break
		}
		out = append(out, o)
	}
	return out
}

func lowerAll(ss []string) []string {
	var out []string
	for _, l := range ss {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func termCodes(ts []Term) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		if t.Code != "" {
			out = append(out, t.Code)
		}
	}
	return out
}

func round(v float64) float64 { return math.Round(v*1000) / 1000 }

func trimFloat(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") }

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
