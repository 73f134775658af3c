package hsds

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/refer-project/refer/resources"
)

// Ohana API import folders (codeforamerica/ohana-api data/sample-csv) are
// the pre-HSDS shape organization → location → service: a service names its
// location, not its organization, and lists (languages, keywords, service
// areas, required documents, payments, funding, categories) are comma lists
// in one cell. They are read with the same builder as HSDS 1.1 packages.

// ohanaFiles are the tables of an Ohana import folder.
var ohanaFiles = []string{
	"taxonomy", "organizations", "programs", "locations", "services", "addresses",
	"mail_addresses", "contacts", "phones", "regular_schedules", "holiday_schedules",
}

// ohanaVocabulary is the vocabulary of Ohana's taxonomy.csv (Open
// Eligibility, as data/oe.json gives it).
const ohanaVocabulary = "Open Eligibility"

// ohanaKeywords is the vocabulary made for services' free-text keywords.
const ohanaKeywords = "Keywords"

// ohanaAccessibility gives Ohana's accessibility codes the labels Ohana
// shows for them (config/locales/en.yml).
var ohanaAccessibility = map[string]string{
	"cd":               "Information on CD",
	"deaf_interpreter": "Interpreter for the deaf",
	"disabled_parking": "Disabled parking",
	"elevator":         "Elevator",
	"ramp":             "Ramp",
	"restroom":         "Disabled restroom",
	"tape_braille":     "Information on tape or in Braille",
	"tty":              "TTY",
	"wheelchair":       "Wheelchair accessible",
	"wheelchair_van":   "Wheelchair-accessible van",
}

// readOhana reads an Ohana API import CSV folder at the root of fsys.
//
// Besides the mapping shared with HSDS 1.1 (see legacy.go), Ohana's own
// fields go where HSDS 3.0 keeps them: a service's organization is its
// location's; audience joins eligibility in eligibility_description;
// keywords become attributes linking a "Keywords" vocabulary's terms;
// service_areas become text service areas; accepted_payments join
// fees_description; a virtual location is location_type "virtual"; a
// location's e-mail becomes a contact; an organization's accreditations and
// licenses, which HSDS keeps only on services, go into its description.
// admin_emails, which say who may edit a record in Ohana's admin, are not
// directory content and are left out.
func readOhana(fsys fs.FS, opts Options) (*Directory, error) {
	tabs := map[string]*table{}
	for _, name := range ohanaFiles {
		t, err := readTable(fsys, name+".csv", opts.Limits)
		if errors.Is(err, errNoTable) {
			continue
		}
		if err != nil {
			return nil, err
		}
		tabs[name] = t
	}
	if tabs["organizations"] == nil && tabs["locations"] == nil && tabs["services"] == nil {
		return nil, fmt.Errorf("no organizations.csv, locations.csv or services.csv in the Ohana folder")
	}
	b := newLegacyBuild(opts)
	b.readOhanaTaxonomy(tabs["taxonomy"])
	b.readOhanaOrganizations(tabs["organizations"])
	b.readPrograms(tabs["programs"])
	b.readOhanaLocations(tabs["locations"])
	b.placeholderOrganizations("locations", "locations")
	b.readOhanaServices(tabs["services"])
	b.readAddresses(tabs["addresses"], resources.AddressPhysical)
	b.readAddresses(tabs["mail_addresses"], resources.AddressPostal)
	b.readContacts(tabs["contacts"])
	b.readPhones(tabs["phones"])
	b.readRegularSchedules(tabs["regular_schedules"])
	b.readHolidaySchedules(tabs["holiday_schedules"])
	b.flushContacts()
	b.flushPayments()
	b.geocode("addresses.csv")
	d := b.finish()
	d.Problems = append(tableProblems(tabs), d.Problems...)
	return d, nil
}

// readOhanaTaxonomy reads taxonomy.csv: taxonomy_id, name, parent_id,
// parent_name. The taxonomy_id is the Open Eligibility code ("101-01").
func (b *legacyBuild) readOhanaTaxonomy(t *table) {
	if t == nil {
		return
	}
	if len(t.rows) > 0 && !t.has("vocabulary") {
		b.taxonomy(ohanaVocabulary, "Open Eligibility, the human-services taxonomy that Ohana API uses, as its taxonomy.csv gives it.")
	}
	for i := range t.rows {
		src := cmp.Or(t.get(i, "taxonomy_id"), t.get(i, "id"))
		b.addTerm(t, i, src, src, t.get(i, "name"), t.get(i, "parent_id"),
			cmp.Or(t.get(i, "vocabulary"), ohanaVocabulary), "", "")
	}
	b.linkTermParents(t.name)
}

func (b *legacyBuild) readOhanaOrganizations(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		id := b.recordID(t, i, resources.KindOrganization, src)
		o := &resources.Organization{
			ID:            id,
			Name:          t.get(i, "name"),
			AlternateName: t.get(i, "alternate_name"),
			Email:         t.get(i, "email"),
			Website:       legacyURL(t.get(i, "website")),
			LegalStatus:   t.get(i, "legal_status"),
			TaxID:         t.get(i, "tax_id"),
			TaxStatus:     t.get(i, "tax_status"),
		}
		var accr, lic string
		if v := t.get(i, "accreditations"); v != "" {
			accr = "Accreditations: " + v
		}
		if v := t.get(i, "licenses"); v != "" {
			lic = "Licenses: " + v
		}
		o.Description = legacyJoinText("\n\n", legacyText(t.get(i, "description")), legacyJoinText("\n", accr, lic))
		b.nameOrganization(t.source(i), o)
		if y := t.get(i, "date_incorporated"); y != "" {
			b.yearIncorporated(t.source(i), o, y)
		}
		if first, ok := b.orgs.put(src, t.source(i), o); !ok {
			b.reject(t.source(i), resources.KindOrganization, id, "repeats organization id %q of %s; the first is kept", src, first)
			continue
		}
		for _, f := range legacyList(t.get(i, "funding_sources")) {
			o.Funding = append(o.Funding, resources.Funding{
				ID: b.derivedChildID("funding", t.name, "organization", o.ID, f), OrganizationID: o.ID, Source: f,
			})
		}
	}
}

func (b *legacyBuild) readOhanaLocations(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		id := b.recordID(t, i, resources.KindLocation, src)
		l := &resources.Location{
			ID:             id,
			LocationType:   resources.LocationPhysical,
			Name:           t.get(i, "name"),
			AlternateName:  t.get(i, "alternate_name"),
			Transportation: legacyText(t.get(i, "transportation")),
			URL:            legacyURL(t.get(i, "website")),
		}
		// Ohana's short_desc is a summary that the description usually
		// repeats; it is kept in front when it does not.
		desc, short := legacyText(t.get(i, "description")), legacyText(t.get(i, "short_desc"))
		if strings.Contains(desc, short) {
			l.Description = desc
		} else {
			l.Description = legacyJoinText("\n\n", short, desc)
		}
		if v, ok := legacyBool(t.get(i, "virtual")); ok && v {
			l.LocationType = resources.LocationVirtual
		} else if !ok && t.get(i, "virtual") != "" {
			b.warn(t.source(i), resources.KindLocation, id, "virtual is %q, which is not true or false; read as false", t.get(i, "virtual"))
		}
		b.coords(t.source(i), l, t.get(i, "latitude"), t.get(i, "longitude"))
		if first, ok := b.locations.put(src, t.source(i), l); !ok {
			b.reject(t.source(i), resources.KindLocation, id, "repeats location id %q of %s; the first is kept", src, first)
			continue
		}
		orgSrc := t.get(i, "organization_id")
		b.locOrgSrc[l] = orgSrc
		switch o := b.orgs.get(orgSrc); {
		case o != nil:
			l.OrganizationID = o.ID
		case orgSrc != "":
			b.missingOrg(orgSrc, src)
		default:
			b.warn(t.source(i), resources.KindLocation, id, "names no organization (organization_id is blank); its services cannot be kept")
		}
		for _, name := range legacyList(t.get(i, "languages")) {
			lang := legacyLanguage(name)
			if lang.Name == "" && lang.Code == "" {
				continue
			}
			lang.ID = b.derivedChildID("languages", t.name, l.ID, name)
			lang.LocationID = l.ID
			l.Languages = append(l.Languages, lang)
		}
		for _, code := range legacyList(t.get(i, "accessibility")) {
			l.Accessibility = append(l.Accessibility, resources.Accessibility{
				ID:          b.derivedChildID("accessibility", t.name, l.ID, code),
				LocationID:  l.ID,
				Description: cmp.Or(ohanaAccessibility[strings.ToLower(code)], code),
			})
		}
		if email := t.get(i, "email"); email != "" {
			l.Contacts = append(l.Contacts, resources.Contact{
				ID: b.derivedChildID("contacts", t.name, l.ID, "email"), LocationID: l.ID, Email: email,
			})
		}
	}
}

// keywordTerm returns the term of the Keywords vocabulary for a keyword,
// made on first use; keywords differing only in case share one term.
func (b *legacyBuild) keywordTerm(k string) *resources.TaxonomyTerm {
	key := "keyword\x00" + strings.ToLower(k)
	if term := b.terms.get(key); term != nil {
		return term
	}
	x := b.taxonomy(ohanaKeywords, "Free-text keywords that the source gives its services.")
	term := &resources.TaxonomyTerm{
		ID: DerivedID("keyword", strings.ToLower(k)), Name: k, Taxonomy: ohanaKeywords, TaxonomyID: x.ID,
	}
	b.terms.put(key, "keywords", term)
	return term
}

func (b *legacyBuild) readOhanaServices(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		id := b.recordID(t, i, resources.KindService, src)
		fees := legacyText(t.get(i, "fees"))
		s := &resources.Service{
			ID:                     id,
			Name:                   t.get(i, "name"),
			AlternateName:          t.get(i, "alternate_name"),
			Description:            legacyText(t.get(i, "description")),
			URL:                    legacyURL(t.get(i, "website")),
			Email:                  t.get(i, "email"),
			InterpretationServices: legacyText(t.get(i, "interpretation_services")),
			ApplicationProcess:     legacyText(t.get(i, "application_process")),
			WaitTime:               legacyText(t.get(i, "wait_time")),
			FeesDescription:        fees,
			Fees:                   fees,
		}
		var audience string
		if a := legacyText(t.get(i, "audience")); a != "" {
			audience = "Audience: " + a
		}
		s.EligibilityDescription = legacyJoinText("\n\n", legacyText(t.get(i, "eligibility")), audience)
		b.serviceStatus(t.source(i), s, t.get(i, "status"))
		b.nameService(t.source(i), s)

		locSrc := t.get(i, "location_id")
		l := b.locations.get(locSrc)
		switch {
		case l == nil && locSrc == "":
			b.reject(t.source(i), resources.KindService, id, "names no location (location_id is blank), so its organization is unknown")
			continue
		case l == nil:
			b.reject(t.source(i), resources.KindService, id, "names location %q, which locations.csv does not have, so its organization is unknown", locSrc)
			continue
		case l.OrganizationID == "":
			b.reject(t.source(i), resources.KindService, id, "its location %q names no organization", locSrc)
			continue
		}
		s.OrganizationID = l.OrganizationID
		if p := t.get(i, "program_id"); p != "" {
			if prog := b.programs.get(p); prog != nil && prog.OrganizationID == s.OrganizationID {
				s.ProgramID = prog.ID
			} else {
				b.warn(t.source(i), resources.KindService, id, "program_id %q names no program of its organization; left out", p)
			}
		}
		if first, ok := b.services.put(src, t.source(i), s); !ok {
			b.reject(t.source(i), resources.KindService, id, "repeats service id %q of %s; the first is kept", src, first)
			continue
		}
		b.sals.put("", t.source(i), &resources.ServiceAtLocation{
			ID: DerivedID("services_at_location", s.ID, l.ID), ServiceID: s.ID, LocationID: l.ID,
		})
		b.ohanaServiceLists(t, i, s)
	}
}

// ohanaServiceLists reads a service's comma lists.
func (b *legacyBuild) ohanaServiceLists(t *table, i int, s *resources.Service) {
	for _, name := range legacyList(t.get(i, "languages")) {
		l := legacyLanguage(name)
		if l.Name == "" && l.Code == "" {
			continue
		}
		l.ID = b.derivedChildID("languages", t.name, s.ID, name)
		l.ServiceID = s.ID
		s.Languages = append(s.Languages, l)
	}
	for _, k := range legacyList(t.get(i, "keywords")) {
		term := b.keywordTerm(k)
		if !b.link(s, term.ID, "keyword", "") {
			continue
		}
		s.Attributes = append(s.Attributes, resources.Attribute{
			ID: b.derivedChildID("attributes", "keyword", s.ID, term.ID), LinkID: s.ID,
			TaxonomyTermID: term.ID, LinkType: "keyword", LinkEntity: "service",
		})
	}
	for _, area := range legacyList(t.get(i, "service_areas")) {
		s.ServiceAreas = append(s.ServiceAreas, resources.ServiceArea{
			ID: b.derivedChildID("service_areas", t.name, s.ID, area), ServiceID: s.ID, Name: area, ExtentType: "text",
		})
	}
	for _, doc := range legacyList(t.get(i, "required_documents")) {
		s.RequiredDocuments = append(s.RequiredDocuments, resources.RequiredDocument{
			ID: b.derivedChildID("required_documents", t.name, s.ID, doc), ServiceID: s.ID, Document: doc,
		})
	}
	for _, f := range legacyList(t.get(i, "funding_sources")) {
		s.Funding = append(s.Funding, resources.Funding{
			ID: b.derivedChildID("funding", t.name, "service", s.ID, f), ServiceID: s.ID, Source: f,
		})
	}
	if pays := legacyList(t.get(i, "accepted_payments")); len(pays) > 0 {
		b.addPayments(s, pays...)
	}
	for _, term := range legacyList(t.get(i, "taxonomy_ids")) {
		b.addServiceTerm(t.source(i), s, "", term, "")
	}
}
