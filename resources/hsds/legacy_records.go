package hsds

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/refer-project/refer/resources"
)

// Readers of the tables HSDS 1.1 and 2.0 packages share: organizations,
// programs, services, locations and what hangs from them.

func (b *legacyBuild) addPhone(o legacyOwner, p resources.Phone) {
	switch {
	case o.contact != nil:
		o.contact.c.Phones = append(o.contact.c.Phones, p)
	case o.sal != nil:
		o.sal.Phones = append(o.sal.Phones, p)
	case o.svc != nil:
		o.svc.Phones = append(o.svc.Phones, p)
	case o.loc != nil:
		o.loc.Phones = append(o.loc.Phones, p)
	case o.org != nil:
		o.org.Phones = append(o.org.Phones, p)
	}
}

func (b *legacyBuild) addSchedule(o legacyOwner, s resources.Schedule) {
	switch {
	case o.sal != nil:
		s.ServiceAtLocationID = o.sal.ID
		o.sal.Schedules = append(o.sal.Schedules, s)
	case o.svc != nil:
		s.ServiceID = o.svc.ID
		o.svc.Schedules = append(o.svc.Schedules, s)
	case o.loc != nil:
		s.LocationID = o.loc.ID
		o.loc.Schedules = append(o.loc.Schedules, s)
	}
}

func (b *legacyBuild) addLanguage(o legacyOwner, l resources.Language) {
	switch {
	case o.svc != nil:
		l.ServiceID = o.svc.ID
		o.svc.Languages = append(o.svc.Languages, l)
	case o.loc != nil:
		l.LocationID = o.loc.ID
		o.loc.Languages = append(o.loc.Languages, l)
	}
}

// addContact queues a contact; flushContacts puts it into its owner once
// the phones are read.
func (b *legacyBuild) addContact(srcID string, o legacyOwner, c resources.Contact) *legacyContact {
	lc := &legacyContact{c: c, owner: o}
	if srcID != "" {
		if _, dup := b.contacts[srcID]; !dup {
			b.contacts[srcID] = lc
		}
	}
	b.contactList = append(b.contactList, lc)
	return lc
}

func (b *legacyBuild) flushContacts() {
	for _, lc := range b.contactList {
		o := lc.owner
		switch {
		case o.sal != nil:
			o.sal.Contacts = append(o.sal.Contacts, lc.c)
		case o.svc != nil:
			o.svc.Contacts = append(o.svc.Contacts, lc.c)
		case o.loc != nil:
			o.loc.Contacts = append(o.loc.Contacts, lc.c)
		case o.org != nil:
			o.org.Contacts = append(o.org.Contacts, lc.c)
		}
	}
	b.contactList = nil
	b.contacts = map[string]*legacyContact{}
}

// --- Taxonomies -----------------------------------------------------------

// taxonomy returns the Taxonomy for a vocabulary name, making it on first
// use; its id is derived from the name.
func (b *legacyBuild) taxonomy(name, description string) *resources.Taxonomy {
	if x, ok := b.taxonomies[name]; ok {
		return x
	}
	x := &resources.Taxonomy{ID: DerivedID("taxonomy", name), Name: name, Description: description}
	b.taxonomies[name] = x
	b.taxList = append(b.taxList, x)
	return x
}

// legacyNoVocabulary names the vocabulary of terms whose source names none.
const legacyNoVocabulary = "Local terms"

// addTerm adds a taxonomy term read from row i.
func (b *legacyBuild) addTerm(t *table, i int, src, code, name, parent, vocabulary, description, language string) {
	id := b.recordID(t, i, resources.KindTaxonomyTerm, src)
	if vocabulary == "" {
		vocabulary = legacyNoVocabulary
	}
	x := b.taxonomy(vocabulary, fmt.Sprintf("The %q vocabulary of the source's %s.", vocabulary, t.name))
	if name == "" {
		name = cmp.Or(code, src, id)
		b.warn(t.source(i), resources.KindTaxonomyTerm, id, "has no name; named %q", name)
	}
	term := &resources.TaxonomyTerm{
		ID: id, Code: code, Name: name, Description: description, ParentID: parent,
		Taxonomy: vocabulary, TaxonomyID: x.ID, Language: language,
	}
	if first, ok := b.terms.put(src, t.source(i), term); !ok {
		prev := b.terms.get(src)
		b.reject(t.source(i), resources.KindTaxonomyTerm, id, "repeats term id %q of %s (named %q there, %q here); the first is kept", src, first, prev.Name, name)
	}
}

// linkTermParents resolves each term's parent (a source id) to its record
// id; a parent the source lacks is dropped with a warning.
func (b *legacyBuild) linkTermParents(where string) {
	for _, term := range b.terms.list {
		if term.ParentID == "" {
			continue
		}
		p := b.terms.get(term.ParentID)
		switch {
		case p == nil:
			b.warn(where, resources.KindTaxonomyTerm, term.ID, "parent_id %q names no term in the file; the term is kept at the top level", term.ParentID)
			term.ParentID = ""
		case p == term:
			b.warn(where, resources.KindTaxonomyTerm, term.ID, "is its own parent; the term is kept at the top level")
			term.ParentID = ""
		default:
			term.ParentID = p.ID
		}
	}
}

func (b *legacyBuild) readOrganizations(t *table) {
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
			Description:   legacyText(t.get(i, "description")),
			Email:         t.get(i, "email"),
			Website:       legacyURL(cmp.Or(t.get(i, "url"), t.get(i, "website"))),
			TaxStatus:     t.get(i, "tax_status"),
			TaxID:         t.get(i, "tax_id"),
			LegalStatus:   t.get(i, "legal_status"),
			Logo:          t.get(i, "logo"),
			URI:           t.get(i, "uri"),
		}
		b.nameOrganization(t.source(i), o)
		if y := t.get(i, "year_incorporated"); y != "" {
			b.yearIncorporated(t.source(i), o, y)
		}
		if first, ok := b.orgs.put(src, t.source(i), o); !ok {
			b.reject(t.source(i), resources.KindOrganization, id, "repeats organization id %q of %s; the first is kept", src, first)
		}
	}
}

// nameOrganization makes sure an organization has a name.
func (b *legacyBuild) nameOrganization(src string, o *resources.Organization) {
	if strings.TrimSpace(o.Name) != "" {
		return
	}
	o.Name = cmp.Or(strings.TrimSpace(o.AlternateName), "Organization "+o.ID)
	b.warn(src, resources.KindOrganization, o.ID, "has no name; named %q", o.Name)
}

// yearIncorporated reads a year ("1970", "1970-01-01", "January 01, 1970").
func (b *legacyBuild) yearIncorporated(src string, o *resources.Organization, v string) {
	y := 0
	if len(v) >= 4 && legacyDigits(v[:4]) {
		y, _ = strconv.Atoi(v[:4])
	} else if d, yearly, ok := legacyDate(v); ok && !yearly {
		y, _ = strconv.Atoi(d[:4])
	}
	if y < 1000 || y > 2999 {
		o.Description = legacyJoinText("\n\n", o.Description, "Incorporated: "+v)
		b.warn(src, resources.KindOrganization, o.ID, "year_incorporated %q is not a year; kept in the description", v)
		return
	}
	f := float64(y)
	o.YearIncorporated = &f
}

func (b *legacyBuild) readPrograms(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		id := b.recordID(t, i, resources.KindProgram, src)
		p := &resources.Program{
			ID: id, Name: t.get(i, "name"), AlternateName: t.get(i, "alternate_name"),
			Description: legacyText(t.get(i, "description")),
		}
		orgSrc := t.get(i, "organization_id")
		org := b.orgs.get(orgSrc)
		if org == nil {
			why := "names no organization (organization_id is blank)"
			if orgSrc != "" {
				why = fmt.Sprintf("names organization %q, which the source does not have", orgSrc)
			}
			b.reject(t.source(i), resources.KindProgram, id, "%s", why)
			continue
		}
		p.OrganizationID = org.ID
		if p.Name == "" {
			p.Name = cmp.Or(p.AlternateName, "Program "+id)
			b.warn(t.source(i), resources.KindProgram, id, "has no name; named %q", p.Name)
		}
		if first, ok := b.programs.put(src, t.source(i), p); !ok {
			b.reject(t.source(i), resources.KindProgram, id, "repeats program id %q of %s; the first is kept", src, first)
		}
	}
}

// readServices reads services.csv. A service naming an organization the
// source lacks is kept: placeholderOrganizations makes that organization.
func (b *legacyBuild) readServices(t *table) {
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
			URL:                    legacyURL(t.get(i, "url")),
			Email:                  t.get(i, "email"),
			InterpretationServices: legacyText(t.get(i, "interpretation_services")),
			ApplicationProcess:     legacyText(t.get(i, "application_process")),
			WaitTime:               legacyText(t.get(i, "wait_time")),
			FeesDescription:        fees,
			Fees:                   fees,
			Accreditations:         legacyText(cmp.Or(t.get(i, "accreditations"), t.get(i, "accrediations"))),
			Licenses:               legacyText(t.get(i, "licenses")),
		}
		b.serviceStatus(t.source(i), s, t.get(i, "status"))
		b.nameService(t.source(i), s)
		orgSrc := t.get(i, "organization_id")
		if orgSrc == "" {
			b.reject(t.source(i), resources.KindService, id, "names no organization (organization_id is blank)")
			continue
		}
		if first, ok := b.services.put(src, t.source(i), s); !ok {
			b.reject(t.source(i), resources.KindService, id, "repeats service id %q of %s; the first is kept", src, first)
			continue
		}
		b.svcOrgSrc[s] = orgSrc
		if org := b.orgs.get(orgSrc); org != nil {
			s.OrganizationID = org.ID
		} else {
			b.missingOrg(orgSrc, src)
		}
		if p := t.get(i, "program_id"); p != "" {
			if prog := b.programs.get(p); prog != nil {
				s.ProgramID = prog.ID
			} else {
				b.warn(t.source(i), resources.KindService, id, "program_id %q names no program in the source; left out", p)
			}
		}
		// 1.1's services.taxonomy_ids: a comma list of term ids.
		for _, term := range legacyList(t.get(i, "taxonomy_ids")) {
			b.addServiceTerm(t.source(i), s, "", term, "")
		}
	}
}

func (b *legacyBuild) serviceStatus(src string, s *resources.Service, v string) {
	st, ok := legacyStatus(v)
	s.Status = st
	if !ok {
		b.warn(src, resources.KindService, s.ID, "status %q is not an HSDS status; read as %q", v, st)
	}
}

func (b *legacyBuild) nameService(src string, s *resources.Service) {
	if strings.TrimSpace(s.Name) != "" {
		return
	}
	s.Name = cmp.Or(strings.TrimSpace(s.AlternateName), "Service "+s.ID)
	b.warn(src, resources.KindService, s.ID, "has no name; named %q", s.Name)
}

func (b *legacyBuild) missingOrg(orgSrc, recordSrc string) {
	if _, ok := b.missingOrgs[orgSrc]; !ok {
		b.missingOrgOrder = append(b.missingOrgOrder, orgSrc)
	}
	b.missingOrgs[orgSrc] = append(b.missingOrgs[orgSrc], recordSrc)
}

func (b *legacyBuild) readLocations(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		id := b.recordID(t, i, resources.KindLocation, src)
		l := &resources.Location{
			ID:             id,
			LocationType:   resources.LocationPhysical,
			URL:            legacyURL(t.get(i, "url")),
			Name:           t.get(i, "name"),
			AlternateName:  t.get(i, "alternate_name"),
			Description:    legacyText(t.get(i, "description")),
			Transportation: legacyText(t.get(i, "transportation")),
		}
		switch lt := strings.ToLower(t.get(i, "location_type")); lt {
		case resources.LocationPhysical, resources.LocationPostal, resources.LocationVirtual:
			l.LocationType = lt
		case "":
		default:
			b.warn(t.source(i), resources.KindLocation, id, "location_type %q is not physical, postal or virtual; read as physical", lt)
		}
		b.coords(t.source(i), l, t.get(i, "latitude"), t.get(i, "longitude"))
		b.locOrgSrc[l] = t.get(i, "organization_id")
		if first, ok := b.locations.put(src, t.source(i), l); !ok {
			b.reject(t.source(i), resources.KindLocation, id, "repeats location id %q of %s; the first is kept", src, first)
		}
	}
}

func (b *legacyBuild) coords(src string, l *resources.Location, lat, lon string) {
	la, lo, why := legacyCoords(lat, lon)
	if why != "" {
		b.warn(src, resources.KindLocation, l.ID, "%s", why)
	}
	l.Latitude, l.Longitude = la, lo
}

// readServicesAtLocation reads services_at_location.csv; a row whose
// service or location the source lacks is rejected.
func (b *legacyBuild) readServicesAtLocation(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		id := b.recordID(t, i, resources.KindServiceAtLocation, src)
		r := b.refs(t, i, "service_id", "location_id")
		if r.svc == nil || r.loc == nil {
			why := r.why()
			if len(r.unknown) == 0 {
				why = "names no service and location (service_id or location_id is blank)"
			}
			b.reject(t.source(i), resources.KindServiceAtLocation, id, "%s", why)
			continue
		}
		sal := &resources.ServiceAtLocation{
			ID: id, ServiceID: r.svc.ID, LocationID: r.loc.ID,
			Description: legacyText(t.get(i, "description")),
		}
		if first, ok := b.sals.put(src, t.source(i), sal); !ok {
			b.reject(t.source(i), resources.KindServiceAtLocation, id, "repeats service_at_location id %q of %s; the first is kept", src, first)
			continue
		}
		svcSrc, locSrc := t.get(i, "service_id"), t.get(i, "location_id")
		b.svcLocs[svcSrc] = append(b.svcLocs[svcSrc], locSrc)
		b.locSvcs[locSrc] = append(b.locSvcs[locSrc], svcSrc)
	}
}

// placeholderOrganizations makes one organization for each organization
// id that records name but the source lacks, so that those records are
// kept. Its name is what the names of the locations involved share (cut at
// their last " - ": "M-DC CAHS - EDISON COMMUNITY RESOURCE CENTER - CARE TO
// SHARE" and "… - LIHEAP" give "M-DC CAHS - EDISON COMMUNITY RESOURCE
// CENTER"), else "Organization <id>". what names the records ("services");
// file the table ("services" → "services.csv").
func (b *legacyBuild) placeholderOrganizations(what, file string) {
	for _, orgSrc := range b.missingOrgOrder {
		var names []string
		for _, recSrc := range b.missingOrgs[orgSrc] {
			if what == "services" {
				for _, locSrc := range b.svcLocs[recSrc] {
					if l := b.locations.get(locSrc); l != nil {
						names = append(names, l.Name)
					}
				}
			} else if l := b.locations.get(recSrc); l != nil {
				names = append(names, l.Name)
			}
		}
		id := orgSrc
		if !legacyIDOK(id) {
			id = DerivedID("organizations", orgSrc)
		}
		o := &resources.Organization{
			ID:   id,
			Name: cmp.Or(legacyPlaceholderName(names), "Organization "+id),
			Description: fmt.Sprintf("Placeholder: %s in the source name organization %s, which its organizations.csv does not have.",
				what, orgSrc),
		}
		parent := ""
		if what == "services" {
			parent = b.placeholderParent(orgSrc, o)
		}
		b.orgs.put(orgSrc, "placeholder", o)
		b.placeholders[o] = true
		b.warn(file+".csv", resources.KindOrganization, id,
			"%d %s name organization %q, which organizations.csv does not have; made a placeholder organization named %q%s",
			len(b.missingOrgs[orgSrc]), what, orgSrc, o.Name, parent)
		for _, recSrc := range b.missingOrgs[orgSrc] {
			if what == "services" {
				if s := b.services.get(recSrc); s != nil && b.svcOrgSrc[s] == orgSrc {
					s.OrganizationID = id
				}
			} else if l := b.locations.get(recSrc); l != nil && b.locOrgSrc[l] == orgSrc {
				l.OrganizationID = id
			}
		}
	}
	// Records with no source id cannot be looked up; link them here.
	if what == "services" {
		for s, orgSrc := range b.svcOrgSrc {
			if o := b.orgs.get(orgSrc); o != nil && s.OrganizationID == "" {
				s.OrganizationID = o.ID
			}
		}
	} else {
		for l, orgSrc := range b.locOrgSrc {
			if o := b.orgs.get(orgSrc); o != nil && l.OrganizationID == "" {
				l.OrganizationID = o.ID
			}
		}
	}
	b.missingOrgs, b.missingOrgOrder = map[string][]string{}, nil
}

// placeholderParent links a placeholder organization to its parent where
// the source shows one. In 211 exports such as Miami's, one id space covers
// agencies, programs and sites: the missing organization "2293" is the id of
// service and location 2293 ("NEW JERUSALEM … - AFTER SCHOOL PROGRAM"), a
// program listing whose own organization (2292) is in organizations.csv, and
// services under that program name 2293 as their organization. When such a
// listing exists and its name begins like the placeholder's (same agency
// before the first " - "), the placeholder's parent_organization_id is that
// listing's organization. It returns a note for the warning.
func (b *legacyBuild) placeholderParent(orgSrc string, o *resources.Organization) string {
	s := b.services.get(orgSrc)
	if s == nil {
		return ""
	}
	parent := b.orgs.get(b.svcOrgSrc[s])
	if parent == nil || b.placeholders[parent] || parent.ID == o.ID {
		return ""
	}
	agency := func(n string) string {
		n = strings.ToUpper(strings.Join(strings.Fields(n), " "))
		a, _, _ := strings.Cut(n, " - ")
		return a
	}
	name := s.Name
	if l := b.locations.get(orgSrc); l != nil && l.Name != "" {
		name = l.Name
	}
	if a := agency(o.Name); a == "" || a != agency(name) {
		return ""
	}
	o.ParentOrganizationID = parent.ID
	return fmt.Sprintf("; its parent is organization %q, which runs service %q of the same id", parent.ID, s.ID)
}

// legacyPlaceholderName returns the longest common prefix of names (runs
// of spaces made one), cut at its last " - " separator; with no separator,
// cut at the last whole word. "" when they share nothing.
func legacyPlaceholderName(names []string) string {
	if len(names) == 0 {
		return ""
	}
	norm := make([]string, len(names))
	for i, n := range names {
		norm[i] = strings.Join(strings.Fields(n), " ")
	}
	p := norm[0]
	for _, n := range norm[1:] {
		k := 0
		for k < len(p) && k < len(n) && p[k] == n[k] {
			k++
		}
		p = p[:k]
	}
	if i := strings.LastIndex(p, " - "); i >= 0 {
		p = p[:i]
	} else {
		whole := true // does p end where a word ends, in every name?
		for _, n := range norm {
			if len(n) > len(p) && n[len(p)] != ' ' && (len(p) == 0 || p[len(p)-1] != ' ') {
				whole = false
			}
		}
		if !whole {
			if i := strings.LastIndexByte(p, ' '); i >= 0 {
				p = p[:i]
			} else {
				p = ""
			}
		}
	}
	// A prefix may end inside a multi-byte rune; drop the broken bytes.
	p = strings.ToValidUTF8(p, "")
	return strings.TrimRight(p, " -,;:/&")
}

// repairLocationOrganizations gives each location whose organization_id
// names no organization the organization of a service offered there, or
// none.
func (b *legacyBuild) repairLocationOrganizations(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		l := b.locations.get(src)
		if l == nil || b.locations.where[src] != t.source(i) {
			continue
		}
		b.repairLocationOrganization(t.source(i), src, l)
	}
	for _, l := range b.locations.list {
		// Locations with no source id: no service can name them.
		if l.OrganizationID == "" {
			if o := b.orgs.get(b.locOrgSrc[l]); o != nil {
				l.OrganizationID = o.ID
			}
		}
	}
}

func (b *legacyBuild) repairLocationOrganization(where, src string, l *resources.Location) {
	orgSrc := b.locOrgSrc[l]
	if o := b.orgs.get(orgSrc); o != nil && !b.placeholders[o] {
		l.OrganizationID = o.ID
		return
	}
	for _, svcSrc := range b.locSvcs[src] {
		if s := b.services.get(svcSrc); s != nil && s.OrganizationID != "" {
			l.OrganizationID = s.OrganizationID
			if orgSrc == "" {
				b.warn(where, resources.KindLocation, l.ID, "names no organization; set to %q, the organization of service %q offered there", s.OrganizationID, s.ID)
			} else {
				b.warn(where, resources.KindLocation, l.ID, "organization_id %q names no organization; set to %q, the organization of service %q offered there", orgSrc, s.OrganizationID, s.ID)
			}
			return
		}
	}
	if orgSrc != "" {
		b.warn(where, resources.KindLocation, l.ID, "organization_id %q names no organization, and no service is offered there; left out", orgSrc)
	}
}

// --- Children of locations --------------------------------------------------

// readAddresses reads physical_addresses.csv or postal_addresses.csv (and
// Ohana's addresses.csv and mail_addresses.csv).
func (b *legacyBuild) readAddresses(t *table, typ string) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		a := resources.Address{
			Attention: t.get(i, "attention"),
			Address1:  t.get(i, "address_1"),
			Address2: legacyJoinText(", ", t.get(i, "address_2"), t.get(i, "address_3"),
				t.get(i, "address_4")),
			City:          t.get(i, "city"),
			Region:        t.get(i, "region"),
			StateProvince: t.get(i, "state_province"),
			PostalCode:    t.get(i, "postal_code"),
			AddressType:   typ,
		}
		if a.Attention == "" && a.Address1 == "" && a.Address2 == "" && a.City == "" && a.Region == "" && a.StateProvince == "" && a.PostalCode == "" {
			continue // nothing to keep
		}
		a.Country = legacyCountry(t.get(i, "country"), a.StateProvince)
		r := b.refs(t, i, "location_id")
		if r.loc == nil {
			b.reject(t.source(i), "", "", "%s", r.why())
			continue
		}
		a.LocationID = r.loc.ID
		a.ID = b.childID("addresses", t, i, t.get(i, "id"), rep, r.loc.ID)
		r.loc.Addresses = append(r.loc.Addresses, a)
	}
}

func (b *legacyBuild) readAccessibility(t *table) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		desc := legacyText(cmp.Or(t.get(i, "accessibility"), t.get(i, "description")))
		details := legacyText(t.get(i, "details"))
		if desc == "" && details == "" {
			continue
		}
		r := b.refs(t, i, "location_id")
		if r.loc == nil {
			b.reject(t.source(i), "", "", "%s", r.why())
			continue
		}
		r.loc.Accessibility = append(r.loc.Accessibility, resources.Accessibility{
			ID:          b.childID("accessibility", t, i, t.get(i, "id"), rep, r.loc.ID),
			LocationID:  r.loc.ID,
			Description: desc,
			Details:     details,
			URL:         legacyURL(t.get(i, "url")),
		})
	}
}

// --- Contacts and phones ------------------------------------------------------

// legacyContactPhone is a contact's phone as Miami-style columns give it,
// waiting for phones.csv.
type legacyContactPhone struct {
	src            string // "contacts.csv:12"
	table          string
	lc             *legacyContact
	refs           legacyRefs
	area, num, ext string
}

// readContacts reads contacts.csv. Miami's adds phone_areacode,
// phone_number and phone_extension: see completeContactPhones.
func (b *legacyBuild) readContacts(t *table) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		c := resources.Contact{
			Name:       t.get(i, "name"),
			Title:      t.get(i, "title"),
			Department: t.get(i, "department"),
			Email:      t.get(i, "email"),
		}
		area, num, ext := t.get(i, "phone_areacode"), t.get(i, "phone_number"), t.get(i, "phone_extension")
		if c.Name == "" && c.Title == "" && c.Department == "" && c.Email == "" && num == "" {
			continue
		}
		r := b.refs(t, i, "service_at_location_id", "service_id", "location_id", "organization_id")
		o := r.owner("service_at_location", "service", "location", "organization")
		if o.none() {
			b.reject(t.source(i), "", "", "%s", r.why())
			continue
		}
		b.warnUnknown(t.source(i), r, o)
		src := t.get(i, "id")
		c.ID = b.childID("contacts", t, i, src, rep, o.key())
		c.OrganizationID, c.ServiceID, c.ServiceAtLocationID, c.LocationID = r.orgID(), r.svcID(), r.salID(), r.locID()
		if rep[src] {
			src = "" // phones could not tell the repeated contacts apart
		}
		lc := b.addContact(src, o, c)
		if num != "" {
			b.contactPhones = append(b.contactPhones, legacyContactPhone{
				src: t.source(i), table: t.name, lc: lc, refs: r, area: area, num: num, ext: ext,
			})
		}
	}
}

// warnUnknown reports references of a kept row that point at nothing.
func (b *legacyBuild) warnUnknown(src string, r legacyRefs, o legacyOwner) {
	if len(r.unknown) > 0 {
		b.warn(src, "", "", "names %s, which the source does not have; kept on %s", legacyJoin(r.unknown), strings.ReplaceAll(o.key(), ":", " "))
	}
}

// legacyPhoneKey is a ten-digit US number's area code and last four
// digits.
type legacyPhoneKey struct{ area, last4 string }

// completeContactPhones gives contacts the phones their rows describe.
// Miami's contacts.csv holds only an area code and the last four digits
// ("305", "4841"), which no one can dial: the whole number is taken from the
// phones of the contact's own service, location or organization when exactly
// one has that area code and those last digits (2,831 of Miami's 4,005).
// When none does, no phone is made — a number that cannot be dialled is
// worse than none — and a warning keeps what the source said.
func (b *legacyBuild) completeContactPhones() {
	if len(b.contactPhones) == 0 {
		return
	}
	byOrg := map[string]map[legacyPhoneKey][]string{}
	index := func(org string, phones []resources.Phone) {
		if org == "" || len(phones) == 0 {
			return
		}
		m := byOrg[org]
		if m == nil {
			m = map[legacyPhoneKey][]string{}
			byOrg[org] = m
		}
		legacyIndexPhones(m, phones)
	}
	own := map[any]map[legacyPhoneKey][]string{}
	svcOrg := map[string]string{}
	for _, o := range b.orgs.list {
		index(o.ID, o.Phones)
	}
	for _, s := range b.services.list {
		index(s.OrganizationID, s.Phones)
		svcOrg[s.ID] = s.OrganizationID
	}
	for _, l := range b.locations.list {
		index(l.OrganizationID, l.Phones)
	}
	for _, sal := range b.sals.list {
		index(svcOrg[sal.ServiceID], sal.Phones)
	}
	for _, cp := range b.contactPhones {
		p := resources.Phone{ContactID: cp.lc.c.ID}
		p.Extension, p.Description = legacyExtension(cp.ext)
		switch {
		case len(legacyDigitsOf(cp.num)) >= 10:
			p.Number = cp.num
		case len(legacyDigitsOf(cp.area+cp.num)) >= 10:
			p.Number = cp.area + " " + cp.num
		default:
			p.Number = b.completeNumber(cp, byOrg, svcOrg, own)
			if p.Number == "" {
				b.warn(cp.src, "", "", "contact %q: the phone gives area code %q and number %q, not a whole number, and no phone of its service, location or organization ends so; no phone kept", cp.lc.c.ID, cp.area, cp.num)
				continue
			}
		}
		p.ID = b.derivedChildID("phones", cp.table, "contact", cp.lc.c.ID)
		cp.lc.c.Phones = append(cp.lc.c.Phones, p)
	}
	b.contactPhones = nil
}

func (b *legacyBuild) completeNumber(cp legacyContactPhone, byOrg map[string]map[legacyPhoneKey][]string, svcOrg map[string]string, own map[any]map[legacyPhoneKey][]string) string {
	area, last := legacyDigitsOf(cp.area), legacyDigitsOf(cp.num)
	if len(area) != 3 || len(last) != 4 {
		return ""
	}
	k := legacyPhoneKey{area, last}
	// numbers indexes an owner's phones once, however many contacts ask.
	numbers := func(owner any, phones []resources.Phone) []string {
		m, ok := own[owner]
		if !ok {
			m = map[legacyPhoneKey][]string{}
			legacyIndexPhones(m, phones)
			own[owner] = m
		}
		return m[k]
	}
	var found []string
	add := func(ns []string) {
		for _, n := range ns {
			if !slices.Contains(found, n) {
				found = append(found, n)
			}
		}
	}
	r := cp.refs
	if r.sal != nil {
		add(numbers(r.sal, r.sal.Phones))
	}
	if r.svc != nil {
		add(numbers(r.svc, r.svc.Phones))
	}
	if r.loc != nil {
		add(numbers(r.loc, r.loc.Phones))
	}
	if r.org != nil {
		add(numbers(r.org, r.org.Phones))
	}
	if len(found) == 1 {
		return found[0]
	}
	if len(found) > 1 {
		return ""
	}
	org := r.orgID()
	switch {
	case org != "":
	case r.svc != nil:
		org = r.svc.OrganizationID
	case r.sal != nil:
		org = svcOrg[r.sal.ServiceID]
	case r.loc != nil:
		org = r.loc.OrganizationID
	}
	if c := byOrg[org][k]; len(c) == 1 {
		return c[0]
	}
	return ""
}

// legacyIndexPhones adds the ten-digit numbers of phones to m, by area code
// and last four digits, each number once.
func legacyIndexPhones(m map[legacyPhoneKey][]string, phones []resources.Phone) {
	for _, p := range phones {
		d := legacyDigitsOf(p.Number)
		if len(d) != 10 {
			continue
		}
		k := legacyPhoneKey{d[:3], d[6:]}
		if n := legacyNumberPart(p.Number); !slices.Contains(m[k], n) {
			m[k] = append(m[k], n)
		}
	}
}

// readPhones reads phones.csv (HSDS 1.1/2.0, and Ohana's, which adds
// country_prefix, number_type, department and vanity_number). A phone goes
// to its contact, else its service_at_location, service, location or
// organization, in that order.
func (b *legacyBuild) readPhones(t *table) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		number := t.get(i, "number")
		if number == "" {
			b.warn(t.source(i), "", "", "phone has no number; not kept")
			continue
		}
		r := b.refs(t, i, "contact_id", "service_at_location_id", "service_id", "location_id", "organization_id")
		o := r.owner("contact", "service_at_location", "service", "location", "organization")
		if o.none() {
			b.reject(t.source(i), "", "", "%s", r.why())
			continue
		}
		b.warnUnknown(t.source(i), r, o)
		p := resources.Phone{
			Number: number, ContactID: r.contactID(), ServiceAtLocationID: r.salID(),
			ServiceID: r.svcID(), LocationID: r.locID(), OrganizationID: r.orgID(),
		}
		if cp := t.get(i, "country_prefix"); cp != "" && !strings.HasPrefix(number, "+") {
			p.Number = cp + " " + number
		}
		var extNote string
		p.Extension, extNote = legacyExtension(t.get(i, "extension"))
		var typeNote string
		p.Type, typeNote = legacyPhoneType(cmp.Or(t.get(i, "type"), t.get(i, "number_type")))
		var dept, vanity string
		if d := t.get(i, "department"); d != "" {
			dept = "Department: " + d
		}
		if v := t.get(i, "vanity_number"); v != "" {
			vanity = "Vanity number: " + v
		}
		p.Description = legacyJoinText("\n", legacyText(t.get(i, "description")), typeNote, dept, extNote, vanity)
		p.ID = b.childID("phones", t, i, t.get(i, "id"), rep, o.key())
		for k, code := range legacyList(t.get(i, "language")) {
			l := legacyLanguage(code)
			if l.Name == "" && l.Code == "" {
				continue
			}
			l.ID = b.derivedChildID("languages", t.name, "phone", p.ID, strconv.Itoa(k))
			l.PhoneID = p.ID
			p.Languages = append(p.Languages, l)
		}
		b.addPhone(o, p)
	}
	b.completeContactPhones()
}

// readLanguages reads languages.csv: one Language per row, on its service,
// or on its location when the row names no service. Miami's ids repeat (they
// are the service's id), so repeated ids are derived.
func (b *legacyBuild) readLanguages(t *table) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		v := cmp.Or(t.get(i, "language"), t.get(i, "name"), t.get(i, "code"))
		if v == "" {
			continue
		}
		r := b.refs(t, i, "service_id", "location_id")
		o := r.owner("service", "location")
		if o.none() {
			b.reject(t.source(i), "", "", "%s", r.why())
			continue
		}
		b.warnUnknown(t.source(i), r, o)
		l := legacyLanguage(v)
		if l.Name == "" && l.Code == "" {
			continue // only escaped line breaks
		}
		if n := t.get(i, "note"); n != "" {
			l.Note = legacyText(n)
		}
		l.ID = b.childID("languages", t, i, t.get(i, "id"), rep, o.key())
		b.addLanguage(o, l)
	}
}

// readEligibility reads eligibility.csv: 1.1's eligibility text goes to the
// service's eligibility_description (several rows joined by a blank line);
// 2.0's rows (id, service_id) are kept for other_attributes. A row naming no
// service is rejected, never guessed by row order.
func (b *legacyBuild) readEligibility(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		r := b.refs(t, i, "service_id")
		if r.svc == nil {
			b.reject(t.source(i), "", "", "%s", r.why())
			continue
		}
		if id := t.get(i, "id"); id != "" {
			b.eligibilityOf[id] = r.svc
		}
		if text := legacyText(t.get(i, "eligibility")); text != "" {
			r.svc.EligibilityDescription = legacyJoinText("\n\n", r.svc.EligibilityDescription, text)
		}
	}
}

// legacyLink identifies an attribute link of a service.
type legacyLink struct {
	svc                   *resources.Service
	term, linkType, value string
}

// link records a service's link to a term; false if it was made already.
func (b *legacyBuild) link(s *resources.Service, termID, linkType, value string) bool {
	k := legacyLink{s, termID, linkType, value}
	if b.linked[k] {
		return false
	}
	b.linked[k] = true
	return true
}

// addServiceTerm links a service to a taxonomy term with an attribute
// (link_type "service"); a link made already is not made twice.
func (b *legacyBuild) addServiceTerm(src string, s *resources.Service, attrID, termSrc, value string) (added bool) {
	term := b.terms.get(termSrc)
	if term == nil {
		b.reject(src, resources.KindService, s.ID, "names taxonomy term %q, which the source does not have", termSrc)
		return false
	}
	if !b.link(s, term.ID, "service", value) {
		return false
	}
	used := b.used["attributes"]
	if used == nil {
		used = map[string]bool{}
		b.used["attributes"] = used
	}
	if attrID == "" || !legacyIDOK(attrID) || used[attrID] {
		attrID = b.derivedChildID("attributes", "service", s.ID, term.ID, value)
	} else {
		used[attrID] = true
	}
	s.Attributes = append(s.Attributes, resources.Attribute{
		ID: attrID, LinkID: s.ID, TaxonomyTermID: term.ID, LinkType: "service", LinkEntity: "service", Value: value,
	})
	return true
}

// readServiceTaxonomy reads 1.1 services_taxonomy.csv (termCol
// "taxonomy_id") or 2.0 service_attributes.csv ("taxonomy_term_id").
func (b *legacyBuild) readServiceTaxonomy(t *table, termCol string) {
	if t == nil {
		return
	}
	repeats := 0
	for i := range t.rows {
		r := b.refs(t, i, "service_id")
		if r.svc == nil {
			b.reject(t.source(i), "", "", "%s", r.why())
			continue
		}
		termSrc := t.get(i, termCol)
		if termSrc == "" {
			b.reject(t.source(i), resources.KindService, r.svc.ID, "names no taxonomy term (%s is blank)", termCol)
			continue
		}
		if b.terms.get(termSrc) == nil {
			b.reject(t.source(i), resources.KindService, r.svc.ID, "names taxonomy term %q, which the source does not have", termSrc)
			continue
		}
		if !b.addServiceTerm(t.source(i), r.svc, t.get(i, "id"), termSrc, legacyText(t.get(i, "taxonomy_detail"))) {
			repeats++
		}
	}
	if repeats > 0 {
		b.warn(t.name, "", "", "%d rows repeat a link between a service and a term that an earlier row made; each link is kept once", repeats)
	}
}

func (b *legacyBuild) readFunding(t *table) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		source := legacyText(t.get(i, "source"))
		if source == "" {
			continue
		}
		r := b.refs(t, i, "service_id", "organization_id")
		o := r.owner("service", "organization")
		if o.none() {
			b.reject(t.source(i), "", "", "%s", r.why())
			continue
		}
		b.warnUnknown(t.source(i), r, o)
		f := resources.Funding{ID: b.childID("funding", t, i, t.get(i, "id"), rep, o.key()), Source: source}
		if o.svc != nil {
			f.ServiceID = o.svc.ID
			o.svc.Funding = append(o.svc.Funding, f)
		} else {
			f.OrganizationID = o.org.ID
			o.org.Funding = append(o.org.Funding, f)
		}
	}
}

func (b *legacyBuild) readRequiredDocuments(t *table) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		doc := legacyText(t.get(i, "document"))
		uri := legacyURL(t.get(i, "uri"))
		if doc == "" && uri == "" {
			continue
		}
		r := b.refs(t, i, "service_id")
		if r.svc == nil {
			b.reject(t.source(i), "", "", "%s", r.why())
			continue
		}
		r.svc.RequiredDocuments = append(r.svc.RequiredDocuments, resources.RequiredDocument{
			ID:        b.childID("required_documents", t, i, t.get(i, "id"), rep, r.svc.ID),
			ServiceID: r.svc.ID, Document: doc, URI: uri,
		})
	}
}

// readPayments reads payments_accepted.csv. HSDS 3.0 has no such table;
// the methods go to the service's fees_description ("Payment accepted:
// Cash, Check").
func (b *legacyBuild) readPayments(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		pay := legacyText(t.get(i, "payment"))
		r := b.refs(t, i, "service_id")
		if r.svc == nil {
			if pay != "" {
				b.reject(t.source(i), "", "", "%s", r.why())
			}
			continue
		}
		if id := t.get(i, "id"); id != "" {
			b.paymentOf[id] = r.svc
		}
		if pay != "" {
			b.addPayments(r.svc, pay)
		}
	}
	b.flushPayments()
}

func (b *legacyBuild) addPayments(s *resources.Service, methods ...string) {
	if _, ok := b.payments[s]; !ok {
		b.paymentOrder = append(b.paymentOrder, s)
	}
	for _, m := range methods {
		if b.link(s, "", "payment", m) {
			b.payments[s] = append(b.payments[s], m)
		}
	}
}

func (b *legacyBuild) flushPayments() {
	for _, s := range b.paymentOrder {
		s.FeesDescription = legacyJoinText("\n\n", s.FeesDescription, "Payment accepted: "+strings.Join(b.payments[s], ", "))
	}
	b.payments, b.paymentOrder = map[*resources.Service][]string{}, nil
}

// readServiceAreas reads service_areas.csv: a text area (ExtentType
// "text"), or a GeoJSON extent when the row has a valid one.
func (b *legacyBuild) readServiceAreas(t *table) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		a := resources.ServiceArea{
			Name:        legacyText(cmp.Or(t.get(i, "service_area"), t.get(i, "name"))),
			Description: legacyText(t.get(i, "description")),
			URI:         t.get(i, "uri"),
			ExtentType:  "text",
		}
		extent, et := t.get(i, "extent"), strings.ToLower(t.get(i, "extent_type"))
		if a.Name == "" && a.Description == "" && extent == "" {
			continue
		}
		r := b.refs(t, i, "service_id")
		if r.svc == nil {
			b.reject(t.source(i), "", "", "%s", r.why())
			continue
		}
		if extent != "" {
			probe := resources.ServiceArea{Extent: extent, ExtentType: cmp.Or(et, "geojson")}
			if _, ok, err := probe.Geometry(); err == nil && ok {
				a.Extent, a.ExtentType = extent, probe.ExtentType
			} else {
				a.Description = legacyJoinText("\n\n", a.Description, "Extent: "+extent)
				b.warn(t.source(i), resources.KindService, r.svc.ID, "service area extent is not a usable GeoJSON polygon; kept in its description")
			}
		}
		a.ID = b.childID("service_areas", t, i, t.get(i, "id"), rep, r.svc.ID)
		a.ServiceID = r.svc.ID
		r.svc.ServiceAreas = append(r.svc.ServiceAreas, a)
	}
}

// --- 2.0 other_attributes and metadata ----------------------------------------

// readMetadata reads metadata.csv onto the records it names (by
// resource_type when given, else the first kind with that id).
func (b *legacyBuild) readMetadata(t *table) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		res, typ := t.get(i, "resource_id"), strings.ToLower(t.get(i, "resource_type"))
		var meta *[]resources.Metadata
		var kind resources.Kind
		try := func(k resources.Kind, m *[]resources.Metadata) bool {
			if meta == nil && (typ == "" || typ == string(k)) && m != nil {
				meta, kind = m, k
			}
			return meta != nil
		}
		if s := b.services.get(res); s != nil && try(resources.KindService, &s.Metadata) {
		} else if o := b.orgs.get(res); o != nil && try(resources.KindOrganization, &o.Metadata) {
		} else if l := b.locations.get(res); l != nil && try(resources.KindLocation, &l.Metadata) {
		} else if p := b.programs.get(res); p != nil && try(resources.KindProgram, &p.Metadata) {
		} else if s := b.sals.get(res); s != nil && try(resources.KindServiceAtLocation, &s.Metadata) {
		} else if x := b.terms.get(res); x != nil {
			try(resources.KindTaxonomyTerm, &x.Metadata)
		}
		if meta == nil {
			b.reject(t.source(i), "", "", "names resource %q, which the source does not have", res)
			continue
		}
		m := resources.Metadata{
			ResourceID:       res,
			ResourceType:     string(kind),
			LastActionDate:   t.get(i, "last_action_date"),
			LastActionType:   t.get(i, "last_action_type"),
			FieldName:        t.get(i, "field_name"),
			PreviousValue:    t.get(i, "previous_value"),
			ReplacementValue: t.get(i, "replacement_value"),
			UpdatedBy:        t.get(i, "updated_by"),
		}
		m.ID = b.childID("metadata", t, i, t.get(i, "id"), rep, string(kind)+":"+res)
		*meta = append(*meta, m)
	}
}

// --- Finishing ------------------------------------------------------------
