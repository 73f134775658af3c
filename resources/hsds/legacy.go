package hsds

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/refer-project/refer/resources"
)

// Older tabular directories — HSDS 1.1 and 2.0 datapackages here, Ohana API
// import folders in ohana.go — are read into HSDS 3.0 records by one builder,
// legacyBuild. The readers fill it table by table; it keeps records indexed
// by their source ids, so every reference is a map lookup, and it reports a
// row that points at nothing instead of dropping it silently.
// legacyTableFiles names each table an HSDS 1.1 or 2.0 package may hold: its
// datapackage resource names, then the conventional file names.
var legacyTableFiles = map[string]struct{ resources, files []string }{
	"organizations":        {[]string{"organization", "organizations"}, []string{"organizations.csv", "organization.csv"}},
	"programs":             {[]string{"program", "programs"}, []string{"programs.csv", "program.csv"}},
	"services":             {[]string{"service", "services"}, []string{"services.csv", "service.csv"}},
	"services_taxonomy":    {[]string{"service_taxonomy", "services_taxonomy"}, []string{"services_taxonomy.csv", "service_taxonomy.csv"}},
	"service_attributes":   {[]string{"service_attribute", "service_attributes"}, []string{"service_attributes.csv", "service_attribute.csv"}},
	"other_attributes":     {[]string{"other_attribute", "other_attributes"}, []string{"other_attributes.csv", "other_attribute.csv"}},
	"services_at_location": {[]string{"service_at_location", "services_at_location"}, []string{"services_at_location.csv", "service_at_location.csv"}},
	"locations":            {[]string{"location", "locations"}, []string{"locations.csv", "location.csv"}},
	"phones":               {[]string{"phone", "phones"}, []string{"phones.csv", "phone.csv"}},
	"contacts":             {[]string{"contact", "contacts"}, []string{"contacts.csv", "contact.csv"}},
	"physical_addresses":   {[]string{"physical_address", "physical_addresses"}, []string{"physical_addresses.csv", "physical_address.csv"}},
	"postal_addresses":     {[]string{"postal_address", "postal_addresses"}, []string{"postal_addresses.csv", "postal_address.csv"}},
	"regular_schedules":    {[]string{"regular_schedule", "regular_schedules"}, []string{"regular_schedules.csv", "regular_schedule.csv"}},
	"holiday_schedules":    {[]string{"holiday_schedule", "holiday_schedules"}, []string{"holiday_schedules.csv", "holiday_schedule.csv"}},
	"schedules":            {[]string{"schedule", "schedules"}, []string{"schedules.csv", "schedule.csv"}},
	"funding":              {[]string{"funding"}, []string{"funding.csv"}},
	"eligibility":          {[]string{"eligibility"}, []string{"eligibility.csv"}},
	"service_areas":        {[]string{"service_area", "service_areas"}, []string{"service_areas.csv", "service_area.csv"}},
	"required_documents":   {[]string{"required_document", "required_documents"}, []string{"required_documents.csv", "required_document.csv"}},
	"payments_accepted":    {[]string{"payment_accepted", "payments_accepted"}, []string{"payments_accepted.csv", "payment_accepted.csv"}},
	"languages":            {[]string{"language", "languages"}, []string{"languages.csv", "language.csv"}},
	"accessibility":        {[]string{"accessibility_for_disabilities"}, []string{"accessibility_for_disabilities.csv"}},
	"taxonomy":             {[]string{"taxonomy"}, []string{"taxonomy.csv"}},
	"taxonomy_terms":       {[]string{"taxonomy_term", "taxonomy_terms"}, []string{"taxonomy_terms.csv", "taxonomy_term.csv"}},
	"metadata":             {[]string{"metadata"}, []string{"metadata.csv"}},
}

// readTabularLegacy reads an HSDS 1.1 or 2.0 tabular datapackage at the root
// of fsys. Tables are found by datapackage.json's resource paths (also under
// data/, where 1.1 exports such as Miami's keep their CSVs while the paths
// say "organizations.csv"), else by their conventional names.
func readTabularLegacy(fsys fs.FS, opts Options) (*Directory, error) {
	tabs, err := legacyOpenTables(fsys, opts.Limits)
	if err != nil {
		return nil, err
	}
	if tabs["services"] == nil && tabs["organizations"] == nil && tabs["locations"] == nil {
		return nil, fmt.Errorf("no organizations.csv, services.csv or locations.csv in the datapackage")
	}
	b := newLegacyBuild(opts)
	b.readTaxonomy11(tabs["taxonomy"])
	b.readTaxonomyTerms20(tabs["taxonomy_terms"])
	b.readOrganizations(tabs["organizations"])
	b.readPrograms(tabs["programs"])
	b.readServices(tabs["services"])
	b.readLocations(tabs["locations"])
	b.readServicesAtLocation(tabs["services_at_location"])
	b.placeholderOrganizations("services", "services")
	b.repairLocationOrganizations(tabs["locations"])
	b.readAddresses(tabs["physical_addresses"], resources.AddressPhysical)
	b.readAddresses(tabs["postal_addresses"], resources.AddressPostal)
	b.readContacts(tabs["contacts"])
	b.readPhones(tabs["phones"])
	b.readLanguages(tabs["languages"])
	b.readAccessibility(tabs["accessibility"])
	b.readRegularSchedules(tabs["regular_schedules"])
	b.readHolidaySchedules(tabs["holiday_schedules"])
	b.readSchedules20(tabs["schedules"])
	b.readEligibility(tabs["eligibility"])
	b.readServiceTaxonomy(tabs["services_taxonomy"], "taxonomy_id")
	b.readServiceTaxonomy(tabs["service_attributes"], "taxonomy_term_id")
	b.readFunding(tabs["funding"])
	b.readRequiredDocuments(tabs["required_documents"])
	b.readPayments(tabs["payments_accepted"])
	b.readServiceAreas(tabs["service_areas"])
	b.flushContacts()
	b.readOtherAttributes(tabs["other_attributes"])
	b.readMetadata(tabs["metadata"])
	b.geocode("physical_addresses.csv")
	d := b.finish()
	d.Problems = append(tableProblems(tabs), d.Problems...)
	return d, nil
}

// legacyOpenTables reads every table the package has, keyed as
// legacyTableFiles is. A table that is not there is nil.
func legacyOpenTables(fsys fs.FS, lim Limits) (map[string]*table, error) {
	paths := map[string]string{}
	if b, err := fs.ReadFile(fsys, "datapackage.json"); err == nil {
		var pkg struct {
			Resources []struct {
				Name string          `json:"name"`
				Path json.RawMessage `json:"path"`
			} `json:"resources"`
		}
		if err := json.Unmarshal(b, &pkg); err != nil {
			return nil, fmt.Errorf("datapackage.json is not valid JSON: %w", err)
		}
		for _, r := range pkg.Resources {
			var p string
			if json.Unmarshal(r.Path, &p) == nil && p != "" {
				paths[strings.ToLower(r.Name)] = strings.TrimPrefix(p, "./")
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	tabs := map[string]*table{}
	for key, names := range legacyTableFiles {
		var candidates []string
		for _, res := range names.resources {
			if p, ok := paths[res]; ok {
				candidates = append(candidates, p, path.Join("data", p))
			}
		}
		for _, f := range names.files {
			candidates = append(candidates, f, path.Join("data", f))
		}
		for _, p := range candidates {
			if !fs.ValidPath(p) {
				continue
			}
			b, err := fs.ReadFile(fsys, p)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			t, err := parseTable(path.Base(p), b, lim)
			if err != nil {
				return nil, err
			}
			tabs[key] = t
			break
		}
	}
	return tabs, nil
}

// legacySet indexes records of one kind by source id, in file order.
type legacySet[T any] struct {
	byID  map[string]*T
	where map[string]string // source id → "file:line" of the row that made it
	list  []*T
}

func (s *legacySet[T]) get(id string) *T {
	if id == "" || s.byID == nil {
		return nil
	}
	return s.byID[id]
}

// put adds r under the source id; a repeated id is refused and the place of
// the first is returned.
func (s *legacySet[T]) put(id, where string, r *T) (first string, ok bool) {
	if s.byID == nil {
		s.byID, s.where = map[string]*T{}, map[string]string{}
	}
	if id != "" {
		if w, dup := s.where[id]; dup {
			return w, false
		}
		s.byID[id], s.where[id] = r, where
	}
	s.list = append(s.list, r)
	return "", true
}

// legacyContact is a contact waiting for its phones before it is put into
// its owner.
type legacyContact struct {
	c     resources.Contact
	owner legacyOwner
}

// legacyOwner is the record a child row (phone, contact, schedule, …)
// belongs to: exactly one field is set.
type legacyOwner struct {
	contact *legacyContact
	sal     *resources.ServiceAtLocation
	svc     *resources.Service
	loc     *resources.Location
	org     *resources.Organization
}

func (o legacyOwner) none() bool {
	return o.contact == nil && o.sal == nil && o.svc == nil && o.loc == nil && o.org == nil
}

// key names the owner for derived ids.
func (o legacyOwner) key() string {
	switch {
	case o.contact != nil:
		return "contact:" + o.contact.c.ID
	case o.sal != nil:
		return "service_at_location:" + o.sal.ID
	case o.svc != nil:
		return "service:" + o.svc.ID
	case o.loc != nil:
		return "location:" + o.loc.ID
	case o.org != nil:
		return "organization:" + o.org.ID
	}
	return ""
}

// legacyRefs is what a child row's reference columns resolved to.
type legacyRefs struct {
	contact *legacyContact
	sal     *resources.ServiceAtLocation
	svc     *resources.Service
	loc     *resources.Location
	org     *resources.Organization
	unknown []string // "service_id 12": references to rows the source lacks
	cols    []string // the reference columns asked for
}

// owner returns the first resolved reference in order ("contact",
// "service_at_location", "service", "location", "organization").
func (r legacyRefs) owner(order ...string) legacyOwner {
	for _, k := range order {
		switch {
		case k == "contact" && r.contact != nil:
			return legacyOwner{contact: r.contact}
		case k == "service_at_location" && r.sal != nil:
			return legacyOwner{sal: r.sal}
		case k == "service" && r.svc != nil:
			return legacyOwner{svc: r.svc}
		case k == "location" && r.loc != nil:
			return legacyOwner{loc: r.loc}
		case k == "organization" && r.org != nil:
			return legacyOwner{org: r.org}
		}
	}
	return legacyOwner{}
}

// why says why a row has no owner: the references that point at nothing, or
// that it gives none.
func (r legacyRefs) why() string {
	if len(r.unknown) > 0 {
		return "names " + legacyJoin(r.unknown) + ", which the source does not have"
	}
	nouns := make([]string, len(r.cols))
	for i, c := range r.cols {
		nouns[i] = strings.ReplaceAll(strings.TrimSuffix(c, "_id"), "_", " ")
	}
	verb := "is"
	if len(r.cols) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("names no %s (%s %s blank)", legacyJoinOr(nouns), legacyJoin(r.cols), verb)
}

func (r legacyRefs) orgID() string {
	if r.org != nil {
		return r.org.ID
	}
	return ""
}
func (r legacyRefs) svcID() string {
	if r.svc != nil {
		return r.svc.ID
	}
	return ""
}
func (r legacyRefs) locID() string {
	if r.loc != nil {
		return r.loc.ID
	}
	return ""
}
func (r legacyRefs) salID() string {
	if r.sal != nil {
		return r.sal.ID
	}
	return ""
}
func (r legacyRefs) contactID() string {
	if r.contact != nil {
		return r.contact.c.ID
	}
	return ""
}

func legacyJoin(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func legacyJoinOr(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// legacyBuild collects what the readers make.
type legacyBuild struct {
	opts     Options
	problems []Problem

	taxonomies map[string]*resources.Taxonomy // by vocabulary name
	taxList    []*resources.Taxonomy
	terms      legacySet[resources.TaxonomyTerm]
	orgs       legacySet[resources.Organization]
	programs   legacySet[resources.Program]
	locations  legacySet[resources.Location]
	services   legacySet[resources.Service]
	sals       legacySet[resources.ServiceAtLocation]

	contacts    map[string]*legacyContact // by source id
	contactList []*legacyContact

	// used holds the child ids given out per HSDS 3.0 table ("phones",
	// "addresses", …), so that two children never share one.
	used map[string]map[string]bool
	// repeats counts repeated derived ids, for derivedChildID.
	repeats map[string]int

	// missingOrgs lists organization ids that records name but the source
	// lacks, with the source ids of the records naming them.
	missingOrgs     map[string][]string
	missingOrgOrder []string
	// linked holds the attribute links made (record, term, link type,
	// value), so that a repeated link is found without a scan.
	linked map[legacyLink]bool
	// placeholders are the organizations made for missing ids.
	placeholders map[*resources.Organization]bool
	// svcLocs and locSvcs link services and locations by source id, through
	// services_at_location.
	svcLocs map[string][]string
	locSvcs map[string][]string
	// svcOrgSrc keeps each service's organization id as the source gave it.
	svcOrgSrc map[*resources.Service]string
	// locOrgSrc keeps each location's organization id as the source gave it.
	locOrgSrc map[*resources.Location]string
	// contactPhones are contact phones waiting for phones.csv to complete
	// their numbers.
	contactPhones []legacyContactPhone
	// payments collects payment methods per service, for fees_description.
	payments     map[*resources.Service][]string
	paymentOrder []*resources.Service
	// eligibilityOf and paymentOf map 2.0 eligibility and payment rows to
	// their services, for other_attributes.
	eligibilityOf map[string]*resources.Service
	paymentOf     map[string]*resources.Service
}

func newLegacyBuild(opts Options) *legacyBuild {
	return &legacyBuild{
		opts:          opts,
		taxonomies:    map[string]*resources.Taxonomy{},
		contacts:      map[string]*legacyContact{},
		used:          map[string]map[string]bool{},
		repeats:       map[string]int{},
		missingOrgs:   map[string][]string{},
		svcLocs:       map[string][]string{},
		locSvcs:       map[string][]string{},
		svcOrgSrc:     map[*resources.Service]string{},
		locOrgSrc:     map[*resources.Location]string{},
		eligibilityOf: map[string]*resources.Service{},
		paymentOf:     map[string]*resources.Service{},
		payments:      map[*resources.Service][]string{},
		placeholders:  map[*resources.Organization]bool{},
		linked:        map[legacyLink]bool{},
	}
}

func (b *legacyBuild) problem(rejected bool, src string, kind resources.Kind, id, format string, args ...any) {
	b.problems = append(b.problems, Problem{
		Source: src, Kind: kind, ID: id, Reason: fmt.Sprintf(format, args...), Rejected: rejected,
	})
}

func (b *legacyBuild) warn(src string, kind resources.Kind, id, format string, args ...any) {
	b.problem(false, src, kind, id, format, args...)
}

func (b *legacyBuild) reject(src string, kind resources.Kind, id, format string, args ...any) {
	b.problem(true, src, kind, id, format, args...)
}

// legacyIDOK reports whether the store accepts id as it is (the rules of
// resources' checkID).
func legacyIDOK(id string) bool {
	if id == "" || len(id) > 256 || strings.TrimSpace(id) != id {
		return false
	}
	for _, r := range id {
		if unicode.IsControl(r) || r == '/' {
			return false
		}
	}
	return true
}

// recordID returns the id a record gets: the source's own id when the store
// can use it, else one derived from it (with a warning); a row with no id
// gets one derived from its table and row.
func (b *legacyBuild) recordID(t *table, i int, kind resources.Kind, src string) string {
	if src == "" {
		return DerivedID(t.name, "row", strconv.Itoa(i))
	}
	if legacyIDOK(src) {
		return src
	}
	id := DerivedID(t.name, src)
	b.warn(t.source(i), kind, id, "id %q cannot be used as an id (too long, or a slash or control character); the record gets id %s", src, id)
	return id
}

// childID returns the id of a child (phone, address, schedule, …): the
// source's id when it is usable, unique in its source table (repeated holds
// those that are not) and not yet given to another child of the same HSDS
// 3.0 table; else one derived from the table, the owner and the row.
func (b *legacyBuild) childID(table3 string, t *table, i int, src string, repeated map[string]bool, owner string) string {
	used := b.used[table3]
	if used == nil {
		used = map[string]bool{}
		b.used[table3] = used
	}
	id := src
	if id == "" || repeated[id] || !legacyIDOK(id) || used[id] {
		id = DerivedID(t.name, owner, src, strconv.Itoa(i))
	}
	used[id] = true
	return id
}

// derivedChildID returns a derived id for a child that its source gives no
// row of its own (an item of an Ohana comma list, a Miami contact's phone).
func (b *legacyBuild) derivedChildID(table3 string, parts ...string) string {
	used := b.used[table3]
	if used == nil {
		used = map[string]bool{}
		b.used[table3] = used
	}
	id := DerivedID(parts...)
	if used[id] {
		// A repeated item ("X, X"): number the repeats, resuming where the
		// last repeat of the same parts stopped.
		key := table3 + "\x00" + strings.Join(parts, "\x00")
		n := max(b.repeats[key], 2)
		for ; used[id]; n++ {
			id = DerivedID(append(parts, strconv.Itoa(n))...)
		}
		b.repeats[key] = n
	}
	used[id] = true
	return id
}

// legacyRepeated returns the values of column col that occur on more than
// one row.
func legacyRepeated(t *table, col string) map[string]bool {
	if !t.has(col) {
		return nil
	}
	seen := make(map[string]bool, len(t.rows))
	rep := map[string]bool{}
	for i := range t.rows {
		v := t.get(i, col)
		if v == "" {
			continue
		}
		if seen[v] {
			rep[v] = true
		}
		seen[v] = true
	}
	return rep
}

// refs resolves a row's reference columns: "contact_id",
// "service_at_location_id", "service_id", "location_id", "organization_id".
func (b *legacyBuild) refs(t *table, i int, cols ...string) legacyRefs {
	r := legacyRefs{cols: cols}
	for _, col := range cols {
		v := t.get(i, col)
		if v == "" {
			continue
		}
		found := false
		switch col {
		case "contact_id":
			r.contact = b.contacts[v]
			found = r.contact != nil
		case "service_at_location_id":
			r.sal = b.sals.get(v)
			found = r.sal != nil
		case "service_id":
			r.svc = b.services.get(v)
			found = r.svc != nil
		case "location_id":
			r.loc = b.locations.get(v)
			found = r.loc != nil
		case "organization_id":
			r.org = b.orgs.get(v)
			found = r.org != nil
		}
		if !found {
			r.unknown = append(r.unknown, fmt.Sprintf("%s %q", col, v))
		}
	}
	return r
}

// geocode places each location that has no coordinates at its ZIP code's
// centroid, by the rule of every reader (PlaceAtCentroid), and says how
// many it placed.
func (b *legacyBuild) geocode(file string) {
	if b.opts.Centroid == nil {
		return
	}
	placed := 0
	for _, l := range b.locations.list {
		if l.Latitude == nil && PlaceAtCentroid(l, b.opts.Centroid) {
			placed++
		}
	}
	if placed > 0 {
		b.warn(file, "", "", "%d location(s) had no coordinates and were placed at their ZIP code's centroid (geocode_source %q)", placed, resources.GeocodeZIPCentroid)
	}
}

// finish returns the directory: records parents first, each kind in file
// order. A record that fails validation here is a bug in this reader; it is
// reported (and left out) rather than handed to the store.
func (b *legacyBuild) finish() *Directory {
	d := &Directory{Problems: b.problems}
	add := func(r resources.Record) {
		if err := r.Validate(); err != nil {
			d.Problems = append(d.Problems, Problem{
				Source: "reader", Kind: r.Kind(), ID: r.RecordID(), Rejected: true,
				Reason: "internal: the reader made an invalid record: " + err.Error(),
			})
			return
		}
		d.Records = append(d.Records, r)
	}
	for _, x := range b.taxList {
		add(x)
	}
	for _, x := range b.terms.list {
		add(x)
	}
	for _, x := range b.orgs.list {
		add(x)
	}
	for _, x := range b.programs.list {
		add(x)
	}
	for _, x := range b.locations.list {
		add(x)
	}
	for _, x := range b.services.list {
		add(x)
	}
	for _, x := range b.sals.list {
		add(x)
	}
	return d
}
