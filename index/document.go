package index

import (
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/refer-project/refer/listing"
	"github.com/refer-project/refer/resources"
)

// Document is what the index knows of one place where a service is
// offered: enough to filter, rank and show a search result without going
// back to the store. Its Listing is what matching ranks by; a match's
// candidates point at it.
type Document struct {
	listing.Listing
	LocationID string

	Description string
	// Keywords are other words that describe the service: alternate names,
	// taxonomy term names, the location's name.
	Keywords string

	Status string
	// Taxonomy holds every code of every term and all the code's prefixes
	// ("BD", "BD-1800", "BD-1800.2000"), and the terms' ids, upper-cased
	// codes as given, so a prefix filter is a set lookup.
	Taxonomy     []string
	LanguageName []string // as the source wrote them, for display

	Approximate bool // the point is a ZIP centroid
	Areas       []orb.Geometry

	// Hours are the schedules that apply here, compiled.
	Hours resources.Hours
	// ZoneName is the place's time zone (IANA name); zone is it loaded.
	ZoneName string
	zone     *time.Location

	LastModified time.Time

	// Capacity is what the service's organization last said of its room
	// to take clients; nil if it never said. Callers read it with
	// Capacity.At(now): it goes stale.
	Capacity *resources.Capacity

	// CoreNeeds are the needs of Needs that one of the service's terms
	// serves at the need's core (Source.CoreNeedsOf): emergency shelter for
	// homelessness, prescription expense help for medical cost burden. A
	// match's candidates hold them even where nearer sites of the need's
	// wider crosswalk are many.
	CoreNeeds []string

	// Set by the catalog when the document is added.
	needMask uint64
	coreMask uint64 // the bits of CoreNeeds
	active   bool
}

// Term is a taxonomy term as results show it.
type Term = listing.Term

// NoLocationPrefix starts the id of the document of a service with no
// location.
const NoLocationPrefix = "service:"

// Source is everything one service's documents are built from.
type Source struct {
	Service      *resources.Service
	Organization *resources.Organization
	// Sites are the service's service_at_locations with their locations.
	Sites []Site
	// Terms holds the taxonomy terms the service's attributes name.
	Terms map[string]*resources.TaxonomyTerm
	// Capacity is the service's, if its organization set one.
	Capacity *resources.Capacity
	// AreaError, when set, is told of each service area whose extent
	// cannot be used (past resources.MaxAreaPoints, say, after the limit
	// was lowered): the service is indexed without it.
	AreaError func(areaID string, err error)
	// NeedsOfWords, when set, reads the needs that the service's own name
	// and description name (Config.NeedsOfWords: the lexicon that reads a
	// client's words), which join those of its terms when its terms are
	// free keywords with no codes: such a directory may say only in a
	// description that its free clinic gives dental care or its library
	// has public computers.
	NeedsOfWords func(text string) (needs, synonyms []string)
	// CoreNeedsOf, when set, says which needs a term serves at their core
	// (Config.CoreNeedsOf: the matcher's grades); they are the document's
	// CoreNeeds.
	CoreNeedsOf NeedsOf
}

// Site is one service_at_location with its location.
type Site struct {
	SAL      *resources.ServiceAtLocation
	Location *resources.Location
}

// NeedsOf says which needs a taxonomy term serves (the matcher's
// vocabulary, passed in so that the index does not depend on it).
type NeedsOf func(*resources.TaxonomyTerm) []string

// DefaultZone is the time zone of places whose address names no US state.
var DefaultZone = time.UTC

// Build returns the documents of one service: one per site, or one for the
// service itself when it has none.
func Build(src Source, needsOf NeedsOf) []Document {
	svc := src.Service
	base := Document{
		Listing: listing.Listing{
			ServiceID:      svc.ID,
			OrganizationID: svc.OrganizationID,
			Name:           svc.Name,
			Eligibility:    svc.EligibilityDescription,
			MinAge:         svc.MinimumAge,
			MaxAge:         svc.MaximumAge,
			Free:           isFree(svc),
			LastVerified:   VerifiedDate(svc),
		},
		Description: svc.Description,
		Status:      svc.Status,
		Capacity:    src.Capacity,
	}
	if src.Organization != nil {
		base.OrganizationName = src.Organization.Name
	}
	if svc.LastModified != nil {
		base.LastModified = *svc.LastModified
	}
	keywords := []string{svc.AlternateName}
	needs := map[string]bool{}
	core := map[string]bool{}
	taxonomy := map[string]bool{}
	coded := false   // a term with a code: the directory classified the service
	uncoded := false // a term with a name and no code: a free keyword
	for _, a := range svc.Attributes {
		t := src.Terms[a.TaxonomyTermID]
		if t == nil {
			continue
		}
		coded = coded || t.Code != ""
		uncoded = uncoded || t.Code == "" && t.Name != ""
		taxonomy[strings.ToUpper(t.ID)] = true
		for _, p := range codePrefixes(t.Code) {
			taxonomy[p] = true
		}
		if t.Code != "" || t.Name != "" {
			base.Terms = append(base.Terms, Term{ID: t.ID, Code: t.Code, Name: t.Name})
		}
		keywords = append(keywords, t.Name)
		if needsOf != nil {
			for _, n := range needsOf(t) {
				needs[n] = true
			}
		}
		if src.CoreNeedsOf != nil {
			for _, n := range src.CoreNeedsOf(t) {
				core[n] = true
			}
		}
	}
	// A service that a directory describes by free keywords alone (no
	// taxonomy codes: the Ohana sample's "Community Clinics") often says
	// what it does only in its description ("free medical and dental
	// care"), so its own name and description are read as a client's words
	// are. A coded service is not: its codes are the directory's own
	// classification, and its description names needs in passing ("food
	// for the homeless").
	if src.NeedsOfWords != nil && uncoded && !coded {
		own, _ := src.NeedsOfWords(svc.Name + ". " + svc.Description)
		for _, n := range own {
			needs[n] = true
		}
	}
	base.Needs = sortedKeys(needs)
	for n := range core {
		if !needs[n] {
			delete(core, n) // a need the term does not serve is no core of it
		}
	}
	base.CoreNeeds = sortedKeys(core)
	base.Taxonomy = sortedKeys(taxonomy)
	slices.SortFunc(base.Terms, func(a, b Term) int { return strings.Compare(a.Code+a.Name, b.Code+b.Name) })
	for _, a := range svc.ServiceAreas {
		if g, ok, err := a.Geometry(); err == nil && ok {
			base.Areas = append(base.Areas, g)
		} else if err != nil && src.AreaError != nil {
			src.AreaError(a.ID, err)
		}
	}
	svcPhones := phoneNumbers(svc.Phones)

	if len(src.Sites) == 0 {
		d := base
		d.ID = NoLocationPrefix + svc.ID
		d.Virtual = true
		d.Keywords = joinWords(keywords)
		d.Phones = svcPhones
		d.Hours = resources.CompileHours(svc.Schedules)
		d.setZone(DefaultZone)
		d.setLanguages(svc.Languages, nil)
		return []Document{d}
	}
	docs := make([]Document, 0, len(src.Sites))
	for _, site := range src.Sites {
		d := base
		d.ID = site.SAL.ID
		d.ServiceAtLocationID = site.SAL.ID
		loc := site.Location
		d.LocationID = loc.ID
		d.Keywords = joinWords(append(slices.Clone(keywords), loc.Name))
		d.Virtual = loc.LocationType == resources.LocationVirtual
		if p, ok := loc.Point(); ok {
			d.Point, d.HasPoint = p, true
			d.Approximate = loc.GeocodeSource == resources.GeocodeZIPCentroid
		}
		d.Address = formatAddress(loc.Addresses)
		d.Phones = dedupe(append(append(phoneNumbers(site.SAL.Phones), svcPhones...), phoneNumbers(loc.Phones)...))
		// The most specific schedules win: the service at this place, then
		// the service, then the place.
		switch {
		case len(site.SAL.Schedules) > 0:
			d.Hours = resources.CompileHours(site.SAL.Schedules)
		case len(svc.Schedules) > 0:
			d.Hours = resources.CompileHours(svc.Schedules)
		default:
			d.Hours = resources.CompileHours(loc.Schedules)
		}
		d.setZone(loc.TimeZone(DefaultZone))
		d.setLanguages(svc.Languages, loc.Languages)
		docs = append(docs, d)
	}
	return docs
}

func (d *Document) setZone(z *time.Location) {
	d.zone, d.ZoneName = z, z.String()
}

func (d *Document) setLanguages(svc, loc []resources.Language) {
	langs := svc
	if len(langs) == 0 {
		langs = loc
	}
	keys := map[string]bool{}
	var names []string
	for _, l := range langs {
		if l.Name != "" {
			keys[strings.ToLower(strings.TrimSpace(l.Name))] = true
			names = append(names, l.Name)
		}
		if l.Code != "" {
			keys[strings.ToLower(strings.TrimSpace(l.Code))] = true
		}
	}
	d.Languages = sortedKeys(keys)
	d.LanguageName = dedupe(names)
}

// codePrefixes returns an upper-cased taxonomy code and its ancestors, cut
// at "-" and "." (AIRS style: BD, BD-1800, BD-1800.2000, …) and at the
// two-letter section; other schemes' codes cut the same way harmlessly.
func codePrefixes(code string) []string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return nil
	}
	out := []string{code}
	for i := 1; i < len(code); i++ {
		if code[i] == '-' || code[i] == '.' {
			out = append(out, code[:i])
		}
	}
	if len(code) > 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z' {
		out = append(out, code[:2], code[:1])
	}
	return out
}

// isFree reports whether a service says it costs nothing: a cost option of
// amount 0, or fees text that says free / no fee / no cost.
func isFree(s *resources.Service) bool {
	for _, c := range s.CostOptions {
		if c.Amount != nil && *c.Amount == 0 {
			return true
		}
	}
	for _, text := range []string{s.FeesDescription, s.Fees} {
		t := strings.ToLower(text)
		for _, w := range []string{"free", "no fee", "no cost", "no charge", "none"} {
			if strings.HasPrefix(strings.TrimSpace(t), w) || strings.Contains(t, " "+w) {
				return true
			}
		}
	}
	return false
}

func formatAddress(addrs []resources.Address) string {
	if len(addrs) == 0 {
		return ""
	}
	a := addrs[0]
	for _, b := range addrs {
		if b.AddressType == resources.AddressPhysical {
			a = b
			break
		}
	}
	var parts []string
	for _, p := range []string{a.Address1, a.Address2, a.City, strings.TrimSpace(a.StateProvince + " " + a.PostalCode)} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

func phoneNumbers(phones []resources.Phone) []string {
	var out []string
	for _, p := range phones {
		if n := strings.TrimSpace(p.Number); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// VerifiedDate is the day the source last confirmed a service's listing
// (YYYY-MM-DD): its assured_date, or else the latest day of an action its
// metadata records (reviewed, verified, updated). It is "" when the source
// says neither: last_modified is not used, as the store sets it to the day
// of the import when the source brings none, and an import is not a check.
func VerifiedDate(svc *resources.Service) string {
	if d := dateOnly(svc.AssuredDate); d != "" {
		if _, ok := resources.ParseDay(d); ok {
			return d
		}
	}
	best := ""
	for _, m := range svc.Metadata {
		if d := dateOnly(strings.TrimSpace(m.LastActionDate)); d > best {
			if _, ok := resources.ParseDay(d); ok {
				best = d
			}
		}
	}
	return best
}

func dateOnly(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

func joinWords(ws []string) string {
	var out []string
	for _, w := range ws {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(dedupe(out), " · ")
}

func dedupe(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil // as a snapshot gives it back
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
