package matcher

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/listing"
	"github.com/refer-project/refer/resources"
)

// Candidate is one place where a service is offered, as the index finds
// it for one request: the index's listing (shared, never changed) and what
// depends on the client's place and the moment.
type Candidate struct {
	*listing.Listing
	DistanceKm *float64
	// Served: the service area holds the client's place.
	Served bool
	Open   resources.OpenState
	// Capacity is what the organization last said of its room to take
	// clients (nil: never said).
	Capacity *resources.Capacity
}

// Term is a taxonomy term on a candidate.
type Term = listing.Term

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
	// (BM25), and those serving needs the words were read as (nil: the
	// finder reads them); candidates missing from the map did not match.
	TextScores(ctx context.Context, text string, needs []string, near orb.Point, radiusKm float64) (map[string]float64, error)
	// TextHits returns the n listings near a place that the words fit
	// best, best first.
	TextHits(ctx context.Context, text string, near orb.Point, radiusKm float64, n int) ([]TextHit, error)
}

// TextHit is a listing that a client's words found in the directory.
type TextHit struct {
	*listing.Listing
	Score float64 // BM25
}

// CandidateFinder is a Finder that can also put candidates in memory the
// matcher gives it and uses again for the next match, so that the hundreds
// of candidates of each match are not garbage for the collector.
type CandidateFinder interface {
	Finder
	// FindInto is Find into f. What f held before is overwritten.
	FindInto(ctx context.Context, q FindQuery, f *Found) error
}

// Found is what FindInto fills: each need's candidates, nearest first,
// need after need in the order of q.Needs. A candidate found for several
// needs is in Cands once, so it is neither copied nor looked up by id again.
type Found struct {
	// Cands are the candidates, each once.
	Cands []Candidate
	// Of lists each need's candidates by their index in Cands; the i-th
	// need's end at Ends[i].
	Of   []int32
	Ends []int
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
	// sure is how surely the request names the need, from 0 to 1: 1 for
	// a code or a screening; for words, how strongly they name it beside
	// the need they name most strongly (NeedsFromText's scores). An
	// option's need part is its grade times it, so the need the words
	// are about comes before one they name in passing ("mold in the
	// bathroom, it makes my son sick").
	sure float64
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
	// Capacity is the service's room to take clients now.
	Capacity resources.CapacityView `json:"capacity"`
}

// scored is a candidate scored for the need it was first found for: what
// ranking needs. Options, with their words, are made only for those shown.
type scored struct {
	c        *Candidate
	id       string // the option's id: its service_at_location's, or its service's
	need     string
	term     Term // the term that best serves need
	spoken   string
	status   string // eligibility
	parts    ScoreParts
	score    float64
	crisis   bool
	excluded bool  // the client cannot use it
	pos      int32 // where it stands in the ranking
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

// forChildrenOnly is the eligibility part of a service whose codes name
// only children, for an adult who may have some, for a need of the adult's
// own (not child care): under a service's that says nothing of its
// clients (0.5), above none.
const forChildrenOnly = 0.3

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
	limit := cmp.Or(req.Limit, DefaultLimit)
	radius := cmp.Or(req.MaxDistanceKm, DefaultRadiusKm)
	needs, notes, err := m.resolveNeeds(ctx, req, radius)
	if err != nil {
		return nil, err
	}
	if len(needs) == 0 {
		return nil, &resources.Error{Code: resources.EINVALID, Message: "no need could be read from the request",
			Fields: map[string]string{"needs": "none of the needs given is a known code, and neither the needs' words nor the directory's listings near the client matched the words; GET /api/v1/needs lists the codes"}}
	}
	resp, err := m.rank(ctx, req, needs, notes, limit, radius)
	if err != nil {
		return nil, err
	}
	// Words whose needs nothing near the client serves: the directory's
	// own listings that the words fit say what it offers instead (a
	// directory without the need's codes may still have services that
	// fit: 'limpieza dental' where dental care is only in a description).
	if unmet := unmetFromWords(resp); len(unmet) > 0 {
		inferred, err := m.needsFromDirectory(ctx, wordsOf(req), req.Place, radius)
		if err != nil {
			return nil, err
		}
		more := needs
		for _, in := range inferred {
			if !slices.ContainsFunc(more, func(n FoundNeed) bool { return n.Code == in.Code }) {
				n, _ := m.Vocab.Need(in.Code)
				why := fmt.Sprintf("nothing near the client serves %s; %s", strings.Join(unmet, ", "), in.Why)
				more = append(more[:len(more):len(more)], FoundNeed{Code: in.Code, Label: n.Label, Source: "directory", Why: why, sure: in.Vote / inferred[0].Vote})
			}
		}
		if len(more) > len(needs) {
			return m.rank(ctx, req, more, notes, limit, radius)
		}
	}
	return resp, nil
}

// unmetFromWords lists the needs read from words that found no option.
func unmetFromWords(resp *Response) []string {
	var out []string
	for _, n := range resp.Needs {
		if n.Source == "text" && slices.Contains(resp.UnmetNeeds, n.Code) {
			out = append(out, n.Code)
		}
	}
	return out
}

// wordsOf is the request's words, all together.
func wordsOf(req Request) string {
	var text []string
	for _, n := range req.Needs {
		if strings.TrimSpace(n.Text) != "" {
			text = append(text, n.Text)
		}
	}
	return strings.Join(text, " ")
}

// rank ranks the options for the needs read.
func (m *Matcher) rank(ctx context.Context, req Request, needs []FoundNeed, notes []string, limit int, radius float64) (*Response, error) {
	var err error
	at := req.At
	if at.IsZero() {
		at = time.Now()
	}
	sc := scoring{m: m, client: req.Client, langs: lowerAll(req.Client.Languages), at: at}
	if text := wordsOf(req); text != "" {
		// The needs read from the words, as the matcher read them (with
		// what the client's age adds), score their services as the words'.
		var read []string
		for _, n := range needs {
			if n.Source == "text" {
				read = append(read, n.Code)
			}
		}
		if sc.textScores, err = m.Finder.TextScores(ctx, text, read, req.Place, radius); err != nil {
			return nil, err
		}
	}
	for _, s := range sc.textScores {
		sc.maxText = max(sc.maxText, s)
	}

	resp := &Response{Needs: needs, ByNeed: make(map[string][]string, len(needs)), UnmetNeeds: []string{}, Notes: notes}
	sc.wanted = make([]string, len(needs))
	for i, n := range needs {
		sc.wanted[i] = n.Code
	}
	buf := scratches.Get().(*scratch)
	defer buf.release()
	cands, of, ends, err := m.find(ctx, FindQuery{Needs: sc.wanted, Near: req.Place, RadiusKm: radius, IncludeVirtual: req.IncludeVirtual, At: at, Limit: max(minCandidates, 3*limit)}, buf)
	if err != nil {
		return nil, err
	}
	// One slab for every candidate's score and one for the needs' lists:
	// pointers into them stay valid, as neither grows past its size.
	all := slices.Grow(buf.all[:0], len(cands))
	buf.lists = slices.Grow(buf.lists[:0], len(of))[:len(of)]
	lists := buf.lists
	byCand := slices.Grow(buf.byCand[:0], len(cands))[:len(cands)] // all nil
	buf.byCand = byCand
	perNeed := buf.perNeed[:0]
	start := 0
	for i, need := range needs {
		ks := of[start:ends[i]]
		start = ends[i]
		list := lists[:0:len(ks)]
		lists = lists[len(ks):]
		vn, _ := m.Vocab.Need(need.Code) // nil for a code not in the vocabulary
		for _, k := range ks {
			if s := byCand[k]; s != nil {
				if !s.excluded {
					list = append(list, s)
				}
				continue
			}
			c := cands[k]
			if req.OpenNow && !c.Open.Open || req.FreeOnly && !c.Free {
				continue
			}
			all = append(all, scored{})
			s := &all[len(all)-1]
			sc.score(s, c, need.Code, vn, need.sure)
			byCand[k] = s
			if !s.excluded {
				list = append(list, s)
			}
		}
		perNeed = append(perNeed, list)
	}
	buf.all, buf.perNeed = all, perNeed
	ranked := slices.Grow(buf.ranked[:0], len(all))
	for i := range all {
		if !all[i].excluded {
			ranked = append(ranked, &all[i])
		}
	}
	buf.keys, buf.tmp = rankScored(ranked, buf.keys, buf.tmp)
	buf.ranked = ranked
	// Each need's list in the same order, from the ranking rather than a
	// sort of its own: count where its entries stand in it.
	for i, s := range ranked {
		s.pos = int32(i)
	}
	counts := slices.Grow(buf.counts[:0], len(ranked))[:len(ranked)]
	buf.counts = counts
	for i, need := range needs {
		list := inRankOrder(perNeed[i], ranked, counts)
		shown := diverse(list, limit)
		ids := make([]string, len(shown))
		for j, s := range shown {
			ids[j] = s.id
		}
		resp.ByNeed[need.Code] = ids
		if len(ids) == 0 {
			resp.UnmetNeeds = append(resp.UnmetNeeds, need.Code)
		}
	}
	shown := diverse(ranked, limit)
	resp.Options = make([]Option, len(shown))
	for i, s := range shown {
		resp.Options[i] = sc.option(s, i+1)
	}
	if req.Explain {
		for i := range all {
			if s := &all[i]; s.excluded {
				c := s.c
				resp.Ineligible = append(resp.Ineligible, Excluded{c.ServiceID, c.ServiceAtLocationID, c.Name, sc.verdict(c).Because})
			}
		}
		slices.SortFunc(resp.Ineligible, func(a, b Excluded) int {
			return cmp.Or(cmp.Compare(a.ServiceID, b.ServiceID), cmp.Compare(a.ServiceAtLocationID, b.ServiceAtLocationID))
		})
	}
	return resp, nil
}

// scratch is a match's working memory, used again by later matches.
type scratch struct {
	found   Found
	cands   []*Candidate
	of      []int32
	ends    []int
	ids     map[string]int32
	byCand  []*scored // each candidate's score, once scored
	all     []scored
	lists   []*scored
	perNeed [][]*scored
	ranked  []*scored
	counts  []int32
	keys    []uint64
	tmp     []*scored
}

var scratches = sync.Pool{New: func() any { return &scratch{ids: map[string]int32{}} }}

// maxPooled is the most candidates a scratch is kept for; a rare huge
// match (many needs, a high limit) leaves its memory to the collector.
const maxPooled = 4096

// release gives the scratch back. What it holds is not cleared, which
// would cost more than it saves: it is overwritten by the next match, and
// the pool lets go of scratches unused for two collections.
func (b *scratch) release() {
	if cap(b.found.Cands) > maxPooled || cap(b.all) > maxPooled {
		return
	}
	clear(b.ids)
	clear(b.byCand) // for the next match, which counts on nil
	b.found.Cands, b.found.Of, b.found.Ends = b.found.Cands[:0], b.found.Of[:0], b.found.Ends[:0]
	b.cands, b.of, b.ends, b.byCand = b.cands[:0], b.of[:0], b.ends[:0], b.byCand[:0]
	b.all, b.perNeed, b.ranked = b.all[:0], b.perNeed[:0], b.ranked[:0]
	scratches.Put(b)
}

// find returns the candidates (each once) and, for each of q.Needs, its
// candidates by index (the i-th need's in of[ends[i-1]:ends[i]]), in b's
// memory when the finder can use it.
func (m *Matcher) find(ctx context.Context, q FindQuery, b *scratch) (cands []*Candidate, of []int32, ends []int, err error) {
	if cf, ok := m.Finder.(CandidateFinder); ok {
		if err := cf.FindInto(ctx, q, &b.found); err != nil {
			return nil, nil, nil, err
		}
		for i := range b.found.Cands {
			b.cands = append(b.cands, &b.found.Cands[i])
		}
		return b.cands, b.found.Of, b.found.Ends, nil
	}
	found, err := m.Finder.Find(ctx, q)
	if err != nil {
		return nil, nil, nil, err
	}
	// The same candidate is the one with the same id.
	for _, need := range q.Needs {
		list := found[need]
		for j := range list {
			c := &list[j]
			k, ok := b.ids[c.ID]
			if !ok {
				k = int32(len(b.cands))
				b.ids[c.ID] = k
				b.cands = append(b.cands, c)
			}
			b.of = append(b.of, k)
		}
		b.ends = append(b.ends, len(b.of))
	}
	return b.cands, b.of, b.ends, nil
}

// resolveNeeds turns codes, words and screening answers into needs, each
// once, in the order given. Words the needs' lexicon does not know are
// looked for in the directory's own listings near the client, and the
// needs those listings serve are taken (source "directory").
func (m *Matcher) resolveNeeds(ctx context.Context, req Request, radiusKm float64) ([]FoundNeed, []string, error) {
	var out []FoundNeed
	var notes []string
	seen := map[string]bool{}
	add := func(code, source, why string, sure float64) {
		if seen[code] {
			return
		}
		seen[code] = true
		n, _ := m.Vocab.Need(code)
		out = append(out, FoundNeed{Code: code, Label: n.Label, Source: source, Why: why, sure: sure})
	}
	bad := resources.FieldErrors{}
	for i, n := range req.Needs {
		switch {
		case n.Code != "":
			if _, ok := m.Vocab.Need(n.Code); !ok {
				bad.Add(fmt.Sprintf("needs[%d].code", i), "%q is not a need code; GET /api/v1/needs lists them", n.Code)
				continue
			}
			add(n.Code, "code", "", 1)
		case strings.TrimSpace(n.Text) != "":
			matches := m.Vocab.NeedsFromText(n.Text)
			for _, tm := range matches {
				add(tm.Code, "text", "words: "+strings.Join(tm.Evidence, ", "), tm.Score/matches[0].Score)
			}
			for _, tm := range matches {
				for _, also := range m.Vocab.alsoRead(tm.Code, req.Client.Age) {
					add(also.Code, "text", "words: "+strings.Join(tm.Evidence, ", ")+"; "+also.Why, tm.Score/matches[0].Score)
				}
			}
			if len(matches) > 0 {
				break
			}
			inferred, err := m.needsFromDirectory(ctx, n.Text, req.Place, radiusKm)
			if err != nil {
				return nil, nil, err
			}
			if len(inferred) == 0 {
				notes = append(notes, fmt.Sprintf("No need was recognised in %q, and no listing near the client fits those words; add a need code.", n.Text))
			}
			for _, in := range inferred {
				add(in.Code, "directory", in.Why, in.Vote/inferred[0].Vote)
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
			add(n.Code, "screening", n.Reason, 1)
		}
		notes = append(notes, res.Notes...)
	}
	return out, notes, nil
}

// scoring is what scoring needs of one request, worked out once.
type scoring struct {
	m          *Matcher
	client     Client
	langs      []string // the client's languages, lower-cased
	wanted     []string // the needs' codes
	at         time.Time
	textScores map[string]float64
	maxText    float64
}

// requirements reads what a candidate asks of its clients.
func requirements(c *Candidate) Requirements {
	var buf [16]string
	return ServiceRequirements(c.Eligibility, c.MinAge, c.MaxAge, appendTermCodes(buf[:0], c.Terms))
}

func distanceOf(c *Candidate) float64 {
	if c.DistanceKm != nil {
		return *c.DistanceKm
	}
	return math.NaN()
}

// verdict is the client's eligibility for a candidate, with its words.
func (sc *scoring) verdict(c *Candidate) Verdict {
	return requirements(c).Check(sc.client, distanceOf(c))
}

// score scores a candidate for a need, or marks it excluded when the
// client cannot use it.
func (sc *scoring) score(s *scored, c *Candidate, need string, vn *Need, sure float64) {
	s.c, s.id, s.need = c, cmp.Or(c.ServiceAtLocationID, c.ServiceID), need
	v := requirements(c).check(sc.client, distanceOf(c), false)
	s.status = v.Status
	if s.status == Ineligible {
		s.excluded = true
		return
	}
	p := &s.parts
	var fit float64
	s.term, fit = needFit(sc.m.Vocab, c, vn)
	p.Need = fit
	if sure > 0 && sure < 1 {
		p.Need = round(fit * sure)
	}
	if t, ok := sc.textScores[c.ID]; ok && sc.maxText > 0 {
		p.Text = round(t / sc.maxText)
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
	switch s.status {
	case Eligible:
		p.Eligibility = 1
	case Likely:
		p.Eligibility = 0.7
		if v.ForChildren && (vn == nil || !vn.ForChildren) {
			// Meant for children, asked about by an adult whose need
			// is their own: it may serve the client's children, which
			// is less than a service that says nothing of its clients.
			p.Eligibility = forChildrenOnly
		}
	default:
		p.Eligibility = 0.5
	}
	p.Language = 0.5
	if len(sc.langs) > 0 && len(c.Languages) > 0 {
		p.Language = 0
		for _, l := range sc.langs {
			if slices.Contains(c.Languages, l) {
				p.Language, s.spoken = 1, l
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
	p.Freshness = freshness(c, sc.at)
	if len(sc.wanted) > 1 {
		covered, has := 0, false
		for _, n := range sc.wanted {
			if slices.Contains(c.Needs, n) {
				covered++
				has = has || n == need
			}
		}
		if !has {
			covered++
		}
		p.Coverage = round(float64(covered-1) / float64(len(sc.wanted)-1))
	}
	s.score = round(p.total() * capacityFactor(c.Capacity, sc.at))
	// For a safety need the services at its core (domestic-violence
	// hotlines and shelters; crisis lines) come before all others, when
	// the need is the client's for sure: given, or the words' best reading.
	// A safety need read second from the words ('needs therapy' for an
	// autistic son: mental health, after disability support) ranks by score.
	s.crisis = vn != nil && vn.Safety && fit == GradeCore && !(sure > 0 && sure < 1)
}

// covered lists the needs asked for that a candidate serves, in the order
// asked, and the need it was found for last if not among them.
func (sc *scoring) covered(c *Candidate, need string) []string {
	var out []string
	for _, n := range sc.wanted {
		if slices.Contains(c.Needs, n) {
			out = append(out, n)
		}
	}
	if !slices.Contains(out, need) {
		out = append(out, need)
	}
	return out
}

// option makes the option shown at rank, with its reasons.
func (sc *scoring) option(s *scored, rank int) Option {
	c := s.c
	o := Option{
		Rank:                rank,
		ServiceID:           c.ServiceID,
		ServiceAtLocationID: c.ServiceAtLocationID,
		Name:                c.Name,
		Organization:        OrgRef{c.OrganizationID, c.OrganizationName},
		Needs:               sc.covered(c, s.need),
		Score:               s.score,
		DistanceKm:          c.DistanceKm,
		Address:             c.Address,
		Phones:              nonNil(c.Phones),
		Eligibility:         s.status,
		ScoreParts:          s.parts,
		Capacity:            resources.ViewAt(c.Capacity, sc.at),
	}
	if c.Open.Known {
		open := c.Open.Open
		o.OpenNow = &open
	}
	o.Reasons = sc.reasons(s, o.Needs)
	return o
}

// reasons says in plain words why an option is offered.
func (sc *scoring) reasons(s *scored, covered []string) []string {
	c := s.c
	reasons := make([]string, 0, 10)
	if s.term.Code != "" {
		reasons = append(reasons, s.term.Name+" ("+s.term.Code+")")
	} else if s.term.Name != "" {
		reasons = append(reasons, s.term.Name)
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
	switch v := sc.verdict(c); v.Status {
	case Eligible:
		reasons = append(reasons, "Eligible. "+strings.Join(v.Reasons, ". ")+".")
	case Likely:
		reasons = append(reasons, "Check eligibility. "+strings.Join(v.Reasons, ". ")+".")
	}
	if s.spoken != "" {
		reasons = append(reasons, titleCase(s.spoken)+" spoken")
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
	if r := capacityReason(c.Capacity, sc.at); r != "" {
		reasons = append(reasons, r)
	}
	if c.LastVerified != "" {
		reasons = append(reasons, "Last verified "+c.LastVerified)
	}
	var others []string
	for _, n := range covered {
		if n != s.need {
			nd, _ := sc.m.Vocab.Need(n)
			others = append(others, strings.ToLower(nd.Label))
		}
	}
	if len(others) > 0 {
		reasons = append(reasons, "Also helps with "+strings.Join(others, ", "))
	}
	return reasons
}

// needFit is the grade of the candidate's term that best serves the need
// (Vocabulary.TermGrade), and that term.
func needFit(v *Vocabulary, c *Candidate, n *Need) (Term, float64) {
	if n == nil {
		return Term{}, 0
	}
	best, fit := Term{}, 0.0
	for _, t := range c.Terms {
		if g := v.TermGrade(n, t); g > fit || g == fit && g > 0 && t.Code < best.Code {
			best, fit = t, g
		}
	}
	if fit == 0 && slices.Contains(c.Needs, n.Code) {
		// No term serves the need: the service's own name or description
		// names it (index.Source.NeedsOfWords).
		fit = GradeDescribed
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

// freshness is 1 for a listing its source verified within a year, falling
// to 0 at three years; unknownFreshness when the source gives no date.
// last_modified does not count: for an import that brings none it is the
// day of the import, which says nothing of the listing.
func freshness(c *Candidate, now time.Time) float64 {
	if t, ok := resources.ParseDay(c.LastVerified); ok && c.LastVerified != "" {
		years := now.Sub(t).Hours() / (24 * 365)
		return round(math.Max(0, math.Min(1, 1-(years-1)/2)))
	}
	return unknownFreshness
}

// unknownFreshness is the freshness of a listing with no verified date:
// that of one checked about two and a half years ago.
const unknownFreshness = 0.2

// sortScored orders by crisis first (safety needs), then score, then id.
func sortScored(ss []*scored) {
	slices.SortFunc(ss, func(a, b *scored) int {
		if a.crisis != b.crisis {
			if a.crisis {
				return -1
			}
			return 1
		}
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		if c := cmp.Compare(b.score, a.score); c != 0 { // NaN
			return c
		}
		return strings.Compare(a.id, b.id)
	})
}

// rankScored sorts as sortScored does, faster: scores are thousandths
// (round), so crisis and score fit in a number with the entry's index
// below them, and numbers sort without a comparison function; runs of
// equal crisis and score are then put in id order. A score that is not a
// whole number of thousandths from 0 to 1 falls back on sortScored. keys
// and tmp are scratch memory, returned for use again.
func rankScored(ss []*scored, keys []uint64, tmp []*scored) ([]uint64, []*scored) {
	const idxBits = 20
	if len(ss) >= 1<<idxBits {
		sortScored(ss)
		return keys, tmp
	}
	keys = keys[:0]
	for i, s := range ss {
		milli := math.Round(s.score * 1000)
		if !(milli >= 0 && milli <= 1000) || milli/1000 != s.score {
			sortScored(ss)
			return keys, tmp
		}
		k := uint64(1000-milli) << idxBits // higher scores first
		if !s.crisis {
			k |= 1 << 62 // crisis first
		}
		keys = append(keys, k|uint64(i))
	}
	slices.Sort(keys)
	tmp = append(tmp[:0], ss...)
	for i, k := range keys {
		ss[i] = tmp[k&(1<<idxBits-1)]
	}
	for i := 0; i < len(ss); {
		j := i + 1
		for j < len(ss) && keys[j]>>idxBits == keys[i]>>idxBits {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(ss[i:j], func(a, b *scored) int { return strings.Compare(a.id, b.id) })
		}
		i = j
	}
	return keys, tmp
}

// inRankOrder puts list (entries of ranked, some perhaps twice) in the
// order of ranked, as sortScored would, in place; counts is as long as
// ranked and all zero, and is left so.
func inRankOrder(list, ranked []*scored, counts []int32) []*scored {
	if len(list) < 2 {
		return list
	}
	for _, s := range list {
		counts[s.pos]++
	}
	k := 0
	for i, s := range ranked {
		for ; counts[i] > 0; counts[i]-- {
			list[k] = s
			k++
		}
	}
	return list
}

// diverse takes the first n, at most perOrganization from one
// organization, filling up from the rest only when there are too few.
func diverse(ss []*scored, n int) []*scored {
	var out, held []*scored
	type org struct {
		id string
		n  int
	}
	orgs := make([]org, 0, n) // n is at most MaxLimit: a scan beats a map
	for _, s := range ss {
		if len(out) == n {
			break
		}
		k := slices.IndexFunc(orgs, func(o org) bool { return o.id == s.c.OrganizationID })
		if k < 0 {
			orgs = append(orgs, org{s.c.OrganizationID, 0})
			k = len(orgs) - 1
		}
		if orgs[k].n >= perOrganization {
			held = append(held, s)
			continue
		}
		orgs[k].n++
		out = append(out, s)
	}
	for _, s := range held {
		if len(out) == n {
			break
		}
		out = append(out, s)
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

// appendTermCodes appends the terms' codes (those that have one) to out.
func appendTermCodes(out []string, ts []Term) []string {
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
