package hsds

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
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
	tabs, err := legacyOpenTables(fsys)
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
	b.geocode()
	return b.finish(), nil
}

// legacyOpenTables reads every table the package has, keyed as
// legacyTableFiles is. A table that is not there is nil.
func legacyOpenTables(fsys fs.FS) (map[string]*table, error) {
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
			t, err := parseTable(path.Base(p), b)
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

// legacyText turns the two-character sequence `\n`, which some exports
// write for a line break, into a real one.
func legacyText(s string) string {
	if !strings.Contains(s, `\n`) {
		return s
	}
	s = strings.ReplaceAll(s, `\r\n`, "\n")
	return strings.ReplaceAll(s, `\n`, "\n")
}

// legacyList splits a comma-separated list, dropping blank items.
func legacyList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// legacyURL adds the scheme that many directories leave out
// ("www.example.org"), so that the value works as a link.
func legacyURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.Contains(s, "://") || strings.ContainsAny(s, " @") || !strings.Contains(s, ".") {
		return s
	}
	if i := strings.IndexByte(s, ':'); i > 0 && !strings.ContainsAny(s[:i], "./") {
		return s // another scheme, e.g. tel:
	}
	return "http://" + s
}

// legacyStatus maps a source's service status to HSDS's enum; ok is false
// when the value had to be guessed.
func legacyStatus(s string) (string, bool) {
	v := strings.ToLower(strings.TrimSpace(s))
	v = strings.NewReplacer("_", " ", "-", " ").Replace(v)
	switch v {
	case "", "active", "open", "true", "yes", "1":
		return resources.StatusActive, true
	case "inactive", "closed", "false", "no", "0":
		return resources.StatusInactive, true
	case "defunct", "permanently closed":
		return resources.StatusDefunct, true
	case "temporarily closed", "temporarily inactive":
		return resources.StatusTemporarilyClosed, true
	}
	return resources.StatusActive, false
}

// legacyFloat parses a number, refusing NaN and infinities.
func legacyFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// legacyCoords reads a latitude and longitude. With reason set, the pair
// was given but unusable and is dropped.
func legacyCoords(latS, lonS string) (lat, lon *float64, reason string) {
	if latS == "" && lonS == "" {
		return nil, nil, ""
	}
	if latS == "" || lonS == "" {
		return nil, nil, fmt.Sprintf("has latitude %q and longitude %q: one without the other is no place; dropped", latS, lonS)
	}
	la, ok1 := legacyFloat(latS)
	lo, ok2 := legacyFloat(lonS)
	switch {
	case !ok1 || !ok2:
		return nil, nil, fmt.Sprintf("has latitude %q and longitude %q, which are not numbers; dropped", latS, lonS)
	case la < -90 || la > 90 || lo < -180 || lo > 180:
		return nil, nil, fmt.Sprintf("has latitude %q and longitude %q, outside -90..90 and -180..180; dropped", latS, lonS)
	case la == 0 && lo == 0:
		return nil, nil, "has latitude 0 and longitude 0, a placeholder rather than a place; dropped"
	}
	return &la, &lo, ""
}

// legacyUSStates holds US state, district and territory codes and names.
var legacyUSStates = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Split("AL,AK,AZ,AR,CA,CO,CT,DE,DC,FL,GA,HI,ID,IL,IN,IA,KS,KY,LA,ME,MD,MA,MI,MN,MS,MO,MT,NE,NV,NH,NJ,NM,NY,NC,ND,OH,OK,OR,PA,RI,SC,SD,TN,TX,UT,VT,VA,WA,WV,WI,WY,AS,GU,MP,PR,VI,UM,AA,AE,AP", ",") {
		m[s] = true
	}
	for _, s := range []string{"alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "district of columbia", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming", "american samoa", "guam", "northern mariana islands", "puerto rico", "u.s. virgin islands", "virgin islands"} {
		m[s] = true
	}
	return m
}()

// legacyCountry returns the address's country as an ISO code where it can
// tell: "US" for blanks in a US state and for the usual spellings of the US.
func legacyCountry(country, state string) string {
	switch strings.ToLower(strings.TrimSpace(country)) {
	case "":
		if legacyUSStates[strings.ToUpper(state)] || legacyUSStates[strings.ToLower(state)] {
			return "US"
		}
		return ""
	case "us", "usa", "u.s.", "u.s.a.", "united states", "united states of america":
		return "US"
	}
	return strings.TrimSpace(country)
}

// legacyZIP5 returns the first five digits of a US ZIP code, or "".
func legacyZIP5(postal string) string {
	p := strings.TrimSpace(postal)
	if len(p) < 5 {
		return ""
	}
	for i := 0; i < 5; i++ {
		if p[i] < '0' || p[i] > '9' {
			return ""
		}
	}
	if len(p) > 5 && p[5] >= '0' && p[5] <= '9' {
		return "" // more than five digits: not a ZIP
	}
	return p[:5]
}

// legacyExtension reads a phone extension: a number ("12", "x12",
// "ext. 12") goes to the extension field, anything else to a description.
func legacyExtension(s string) (*float64, string) {
	v := strings.TrimSpace(s)
	if v == "" {
		return nil, ""
	}
	n := strings.ToLower(v)
	for _, p := range []string{"extension", "ext.", "ext", "x"} {
		if strings.HasPrefix(n, p) {
			n = strings.TrimSpace(n[len(p):])
			break
		}
	}
	if n != "" && len(n) <= 15 && strings.Trim(n, "0123456789") == "" {
		f, err := strconv.ParseFloat(n, 64)
		if err == nil {
			return &f, ""
		}
	}
	return nil, "ext. " + v
}

// legacyPhoneType maps a source's phone type to HSDS's list (RFC 6350:
// text, voice, fax, cell, video, pager, textphone); note keeps what the list
// cannot say ("Hotline").
func legacyPhoneType(s string) (typ, note string) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "":
		return "", ""
	case "text", "voice", "fax", "cell", "video", "pager", "textphone":
		return v, ""
	case "sms":
		return "text", ""
	case "tty", "tdd", "teletype":
		return "textphone", ""
	case "mobile", "cellular":
		return "cell", ""
	case "phone", "main", "office", "landline", "telephone":
		return "voice", ""
	case "hotline", "crisis", "toll free", "toll-free", "tollfree":
		v = strings.TrimSpace(s)
		return "voice", strings.ToUpper(v[:1]) + v[1:]
	}
	return "", "Type: " + strings.TrimSpace(s)
}

// legacyJoinText joins non-blank parts with sep.
func legacyJoinText(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// --- Languages ---------------------------------------------------------

// legacyLanguageCodes maps common language names, as directories write
// them, to ISO 639-1 codes (ISO 639-3 where 639-1 has none).
var legacyLanguageCodes = map[string]string{
	"english": "en", "spanish": "es", "espanol": "es", "español": "es", "castellano": "es",
	"haitian creole": "ht", "creole": "ht", "kreyol": "ht", "kreyòl": "ht", "haitian": "ht",
	"french": "fr", "portuguese": "pt", "brazilian portuguese": "pt", "russian": "ru",
	"hebrew": "he", "arabic": "ar", "chinese": "zh", "mandarin": "zh", "mandarin chinese": "zh",
	"cantonese": "yue", "vietnamese": "vi", "tagalog": "tl", "filipino": "fil", "korean": "ko",
	"american sign language": "ase", "asl": "ase", "german": "de", "italian": "it",
	"japanese": "ja", "polish": "pl", "hindi": "hi", "urdu": "ur", "farsi": "fa", "persian": "fa",
	"yiddish": "yi", "greek": "el", "dutch": "nl", "romanian": "ro", "danish": "da",
	"swedish": "sv", "norwegian": "no", "icelandic": "is", "finnish": "fi", "thai": "th",
	"gujarati": "gu", "sindhi": "sd", "punjabi": "pa", "bengali": "bn", "bangla": "bn",
	"somali": "so", "amharic": "am", "turkish": "tr", "ukrainian": "uk", "hmong": "hmn",
	"khmer": "km", "cambodian": "km", "lao": "lo", "laotian": "lo", "burmese": "my",
	"nepali": "ne", "swahili": "sw", "tigrinya": "ti", "pashto": "ps", "dari": "prs",
	"armenian": "hy", "samoan": "sm", "tongan": "to", "indonesian": "id", "malay": "ms",
	"tamil": "ta", "telugu": "te", "marathi": "mr", "czech": "cs", "hungarian": "hu",
	"serbian": "sr", "croatian": "hr", "bosnian": "bs", "albanian": "sq", "bulgarian": "bg",
	"irish": "ga", "welsh": "cy", "navajo": "nv", "ilocano": "ilo", "mien": "ium",
}

// legacyLanguageNames gives the English name of each code above, for
// sources that write codes.
var legacyLanguageNames = func() map[string]string {
	m := map[string]string{}
	for name, code := range legacyLanguageCodes {
		if cur, ok := m[code]; !ok || len(name) < len(cur) || len(name) == len(cur) && name < cur {
			m[code] = name
		}
	}
	// Prefer the usual names where several spellings map to one code.
	for code, name := range map[string]string{"es": "spanish", "ht": "haitian creole", "zh": "chinese", "ase": "american sign language", "fa": "persian", "km": "khmer", "lo": "lao", "bn": "bengali", "pt": "portuguese"} {
		m[code] = name
	}
	for code, name := range m {
		words := strings.Fields(name)
		for i, w := range words {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
		m[code] = strings.Join(words, " ")
	}
	return m
}()

// legacyLanguageKey normalises a language name for the table.
func legacyLanguageKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Trim(s, " .,;:*")
	s = strings.ReplaceAll(s, "-", " ")
	return strings.Join(strings.Fields(s), " ")
}

// legacyLanguageCode returns the ISO code for a language name as a
// directory writes it ("Spanish (limited)" → "es", "Chinese (Cantonese)" →
// "yue"), or "" when unsure ("English and Spanish", "Language line").
func legacyLanguageCode(name string) string {
	k := legacyLanguageKey(name)
	if c, ok := legacyLanguageCodes[k]; ok {
		return c
	}
	if i := strings.IndexByte(k, '('); i >= 0 {
		inner := k[i+1:]
		if j := strings.IndexByte(inner, ')'); j >= 0 {
			inner = inner[:j]
		}
		if c, ok := legacyLanguageCodes[legacyLanguageKey(inner)]; ok {
			return c
		}
		if c, ok := legacyLanguageCodes[legacyLanguageKey(k[:i])]; ok {
			return c
		}
	}
	return ""
}

// legacyLanguage makes a Language from a source value: a name ("Spanish")
// keeps its name and gains a code where the table knows one; a bare code
// ("es") gains its name.
func legacyLanguage(value string) resources.Language {
	v := strings.TrimSpace(legacyText(value))
	if low := strings.ToLower(v); len(low) >= 2 && len(low) <= 3 && strings.Trim(low, "abcdefghijklmnopqrstuvwxyz") == "" {
		if name, ok := legacyLanguageNames[low]; ok {
			return resources.Language{Name: name, Code: low}
		}
	}
	return resources.Language{Name: v, Code: legacyLanguageCode(v)}
}

// --- Times and schedules -------------------------------------------------

// legacyClock is a time of day as a source wrote it.
type legacyClock struct {
	min      int    // minutes since midnight, 0..1439
	sec      int    // seconds, kept when the source gave them
	suffix   string // "Z" or "+hh:mm"/"-hh:mm", kept as given
	meridiem byte   // 'a', 'p', or 0 when the source wrote none
	// bare12 is true for a time with no am/pm that reads like a 12-hour
	// one ("5:00", "830"): its half of the day may come from its partner.
	bare12 bool
}

func (c legacyClock) String() string {
	s := fmt.Sprintf("%02d:%02d", c.min/60, c.min%60)
	if c.sec != 0 {
		s += fmt.Sprintf(":%02d", c.sec)
	}
	return s + c.suffix
}

// withMeridiem reads a bare 12-hour time in the given half of the day.
func (c legacyClock) withMeridiem(m byte) legacyClock {
	h := c.min / 60 % 12
	if m == 'p' {
		h += 12
	}
	c.min = h*60 + c.min%60
	c.meridiem, c.bare12 = m, false
	return c
}

func legacyDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// legacyParseClock reads a time of day as older directories write it:
// "9:00am", "12:30 PM", "9 a.m.", "9:00a", "noon", "midnight", "17:00",
// "08:00:00", "0900", "830am", "09:00-05:00", "24:00" (midnight).
func legacyParseClock(s string) (legacyClock, bool) {
	var c legacyClock
	var sb strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r == ' ' || r == '.' || r == '\t' {
			continue
		}
		sb.WriteRune(r)
	}
	v := sb.String()
	switch v {
	case "noon", "12noon", "midday":
		return legacyClock{min: 720, meridiem: 'p'}, true
	case "midnight", "12midnight":
		return legacyClock{min: 0, meridiem: 'a'}, true
	}
	switch {
	case strings.HasSuffix(v, "z"):
		c.suffix, v = "Z", v[:len(v)-1]
	case len(v) > 6 && (v[len(v)-6] == '+' || v[len(v)-6] == '-') && v[len(v)-3] == ':':
		tail := v[len(v)-6:]
		hh, mm := tail[1:3], tail[4:6]
		if !legacyDigits(hh) || !legacyDigits(mm) || hh > "14" || mm > "59" {
			return c, false
		}
		c.suffix, v = tail, v[:len(v)-6]
	}
	switch {
	case strings.HasSuffix(v, "am"):
		c.meridiem, v = 'a', v[:len(v)-2]
	case strings.HasSuffix(v, "pm"):
		c.meridiem, v = 'p', v[:len(v)-2]
	case strings.HasSuffix(v, "a"):
		c.meridiem, v = 'a', v[:len(v)-1]
	case strings.HasSuffix(v, "p"):
		c.meridiem, v = 'p', v[:len(v)-1]
	}
	if c.meridiem != 0 && c.suffix != "" {
		return c, false
	}
	var hs, ms, ss string
	parts := strings.Split(v, ":")
	switch len(parts) {
	case 1:
		d := parts[0]
		switch len(d) {
		case 1, 2:
			if c.meridiem == 0 {
				return c, false // "9" alone could be anything
			}
			hs, ms = d, "00"
		case 3:
			hs, ms = d[:1], d[1:]
		case 4:
			hs, ms = d[:2], d[2:]
		default:
			return c, false
		}
	case 2:
		hs, ms = parts[0], parts[1]
	case 3:
		hs, ms, ss = parts[0], parts[1], parts[2]
		if len(ss) != 2 || !legacyDigits(ss) {
			return c, false
		}
	default:
		return c, false
	}
	if ms == "0" {
		ms = "00" // "9:0am"
	}
	if len(hs) < 1 || len(hs) > 2 || !legacyDigits(hs) || len(ms) != 2 || !legacyDigits(ms) {
		return c, false
	}
	h, _ := strconv.Atoi(hs)
	m, _ := strconv.Atoi(ms)
	sec := 0
	if ss != "" {
		sec, _ = strconv.Atoi(ss)
	}
	if m > 59 || sec > 59 {
		return c, false
	}
	if c.meridiem != 0 {
		if h < 1 || h > 12 {
			return c, false
		}
		h %= 12
		if c.meridiem == 'p' {
			h += 12
		}
	} else {
		if h > 24 || h == 24 && (m != 0 || sec != 0) {
			return c, false
		}
		c.bare12 = h >= 1 && h <= 12 && hs[0] != '0' && len(parts[0]) != 4
		h %= 24
	}
	c.min, c.sec = h*60+m, sec
	return c, true
}

// parseLegacyTime reads a time of day as older directories write it
// ("9:00am", "12:30 PM", "noon", "midnight", "17:00", "0900") and returns it
// as HSDS writes it: "HH:MM" (with seconds or a UTC offset when the source
// gave them). Midnight is "00:00". ok is false when s is not a time.
func parseLegacyTime(s string) (string, bool) {
	c, ok := legacyParseClock(s)
	if !ok {
		return "", false
	}
	return c.String(), true
}

// legacyClockPrefix reads a time that may be followed by words ("5:00pm
// (Counter closes at 4:30 pm)", "5:00pm Mon"): the longest leading part that
// is a time, and the rest.
func legacyClockPrefix(s string) (legacyClock, string, bool) {
	s = strings.TrimSpace(s)
	if c, ok := legacyParseClock(s); ok {
		return c, "", true
	}
	// No time, however written ("12:30:00 p.m.", "09:00-05:00"), is
	// longer than this; longer prefixes need not be tried.
	const longest = 24
	for k := min(len(s)-1, longest); k > 0; k-- {
		if ch := s[k]; ch != ' ' && ch != '(' && ch != ',' && ch != ';' && ch != '-' {
			continue
		}
		if c, ok := legacyParseClock(s[:k]); ok {
			return c, strings.TrimSpace(s[k:]), true
		}
	}
	return legacyClock{}, "", false
}

// legacyHours reads one row's opening and closing times. A time without
// am/pm next to one with it ("6:00-8:00pm", "9:00am-5:00") takes the half of
// the day that makes the hours end after they start, the partner's first, as
// people write them; two such times ("9:00-5:00") read the close as pm.
// Words after a time go to notes; a value that is no time goes to bad.
func legacyHours(opensRaw, closesRaw string) (opens, closes string, notes, bad []string) {
	var o, c legacyClock
	var okO, okC bool
	if opensRaw = strings.TrimSpace(opensRaw); opensRaw != "" {
		var rest string
		o, rest, okO = legacyClockPrefix(opensRaw)
		if !okO {
			bad = append(bad, fmt.Sprintf("opens_at %q", opensRaw))
		} else if rest != "" {
			notes = append(notes, "Opens: "+opensRaw)
		}
	}
	if closesRaw = strings.TrimSpace(closesRaw); closesRaw != "" {
		var rest string
		c, rest, okC = legacyClockPrefix(closesRaw)
		if !okC {
			bad = append(bad, fmt.Sprintf("closes_at %q", closesRaw))
		} else if rest != "" {
			notes = append(notes, "Closes: "+closesRaw)
		}
	}
	if okO && okC {
		ends := func(o, c legacyClock) bool { return c.min > o.min }
		switch {
		case o.bare12 && c.meridiem != 0:
			other := byte('a')
			if c.meridiem == 'a' {
				other = 'p'
			}
			if x := o.withMeridiem(c.meridiem); ends(x, c) {
				o = x
			} else if x := o.withMeridiem(other); ends(x, c) {
				o = x
			}
		case c.bare12 && o.meridiem != 0:
			other := byte('a')
			if o.meridiem == 'a' {
				other = 'p'
			}
			if x := c.withMeridiem(o.meridiem); ends(o, x) {
				c = x
			} else if x := c.withMeridiem(other); ends(o, x) {
				c = x
			}
		case o.bare12 && c.bare12 && !ends(o, c):
			if x := c.withMeridiem('p'); ends(o, x) {
				c = x
			}
		}
	}
	if okO {
		opens = o.String()
	}
	if okC {
		closes = c.String()
	}
	return opens, closes, notes, bad
}

// legacyDayCodes are iCalendar day codes, Monday first.
var legacyDayCodes = [7]string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

var legacyDayNames = [7]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// legacyWeekday reads a weekday: a name or its abbreviation ("Monday",
// "Tues", "TH"), or a number as Ohana stores it (1 = Monday … 7 = Sunday,
// ISO 8601; 0 is Sunday too). It returns 0 for Monday … 6 for Sunday.
func legacyWeekday(s string) (int, bool) {
	v := strings.Trim(strings.ToLower(strings.TrimSpace(s)), ".")
	if legacyDigits(v) && len(v) == 1 {
		n := int(v[0] - '0')
		if n == 0 {
			return 6, true
		}
		if n <= 7 {
			return n - 1, true
		}
		return 0, false
	}
	switch v {
	case "weds":
		return 2, true
	case "thur", "thurs":
		return 3, true
	}
	if len(v) < 2 {
		return 0, false
	}
	for d, name := range legacyDayNames {
		if strings.HasPrefix(name, v) {
			return d, true
		}
	}
	return 0, false
}

// legacyDayHours is one weekday row of a regular schedule, read.
type legacyDayHours struct {
	Day         int    // 0 = Monday … 6 = Sunday
	Opens       string // "HH:MM", or "" when the source gave none
	Closes      string
	Description string
	Notes       string
}

// legacyWeek merges the weekday rows of one owner into weekly schedules:
// rows with the same hours, description and notes become one schedule with
// their days in BYDAY ("MO,TU,WE,TH,FR"). Rows with neither opening nor
// closing time keep just their description (and notes). Schedules come out
// ordered by their first day, then hours: the same whatever the row order.
// Ids and owner fields are left to the caller.
func legacyWeek(rows []legacyDayHours) []resources.Schedule {
	type key struct{ opens, closes, desc, notes string }
	days := map[key]*[7]bool{}
	var keys []key
	for _, r := range rows {
		k := key{r.Opens, r.Closes, r.Description, r.Notes}
		if k.opens == "" && k.closes == "" {
			k.notes = r.Notes
		}
		d, ok := days[k]
		if !ok {
			d = &[7]bool{}
			days[k] = d
			keys = append(keys, k)
		}
		if r.Day >= 0 && r.Day < 7 {
			d[r.Day] = true
		}
	}
	first := func(k key) int {
		for i, on := range days[k] {
			if on {
				return i
			}
		}
		return 7
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(first(a), first(b)), cmp.Compare(a.opens, b.opens),
			cmp.Compare(a.closes, b.closes), cmp.Compare(a.desc, b.desc), cmp.Compare(a.notes, b.notes))
	})
	var out []resources.Schedule
	for _, k := range keys {
		s := resources.Schedule{Description: k.desc, Notes: k.notes}
		if k.opens == "" && k.closes == "" {
			if s.Description == "" && s.Notes == "" {
				continue
			}
			out = append(out, s)
			continue
		}
		var by []string
		for i, on := range days[k] {
			if on {
				by = append(by, legacyDayCodes[i])
			}
		}
		s.Freq, s.ByDay = "WEEKLY", strings.Join(by, ",")
		s.OpensAt, s.ClosesAt = k.opens, k.closes
		out = append(out, s)
	}
	return out
}

// legacySplitOvernight splits a schedule whose hours run past midnight
// (opens 19:00, closes 07:00), which HSDS cannot say in one row, into the
// hours until midnight and the next day's hours after it; notes say so. A
// schedule that is not overnight comes back alone. The second part's id is
// derived from the first's.
func legacySplitOvernight(s resources.Schedule) []resources.Schedule {
	o, err1 := resources.ParseClock(s.OpensAt)
	c, err2 := resources.ParseClock(s.ClosesAt)
	if s.OpensAt == "" || s.ClosesAt == "" || err1 != nil || err2 != nil || c == 0 || o <= c {
		return []resources.Schedule{s}
	}
	note := fmt.Sprintf("Open overnight, %s until %s the next day", s.OpensAt, s.ClosesAt)
	before, after := s, s
	before.ClosesAt = "00:00"
	before.Notes = legacyJoinText("\n", s.Notes, note+"; this schedule holds the hours until midnight.")
	after.ID = DerivedID(s.ID, "after midnight")
	after.OpensAt = "00:00"
	after.Notes = legacyJoinText("\n", s.Notes, note+"; this schedule holds the next day's hours after midnight.")
	if s.ByDay != "" {
		var next []string
		for _, part := range strings.Split(s.ByDay, ",") {
			p := strings.ToUpper(strings.TrimSpace(part))
			if len(p) < 2 {
				continue
			}
			ord, day := p[:len(p)-2], p[len(p)-2:]
			for i, code := range legacyDayCodes {
				if code == day {
					next = append(next, ord+legacyDayCodes[(i+1)%7])
				}
			}
		}
		// Keep the days in week order, Monday first.
		slices.SortStableFunc(next, func(a, b string) int {
			return cmp.Compare(slices.Index(legacyDayCodes[:], a[len(a)-2:]), slices.Index(legacyDayCodes[:], b[len(b)-2:]))
		})
		after.ByDay = strings.Join(next, ",")
	}
	shift := func(d string) string {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil || t.Year() >= 9999 && t.YearDay() >= 365 {
			return d // the last day HSDS can write: stay on it
		}
		return t.AddDate(0, 0, 1).Format(time.DateOnly)
	}
	if s.ValidFrom != "" {
		after.ValidFrom = shift(s.ValidFrom)
	}
	if s.ValidTo != "" {
		after.ValidTo = shift(s.ValidTo)
	}
	return []resources.Schedule{before, after}
}

// legacyDate reads a date as directories write it ("2015-12-24",
// "12/24/2015", "12/24/15", "January 01, 2015", an RFC 3339 time) and
// returns it as YYYY-MM-DD. Year 1 ("January 01, 0001") is Ohana's way of
// saying "every year": yearly is true and date is the month and day.
func legacyDate(s string) (date string, yearly bool, ok bool) {
	v := strings.TrimSpace(s)
	if v == "" {
		return "", false, false
	}
	var t time.Time
	var err error
	for _, layout := range []string{time.DateOnly, time.RFC3339, "January 2, 2006", "Jan 2, 2006", "January 2 2006", "Jan 2 2006", "2 January 2006"} {
		if t, err = time.Parse(layout, v); err == nil {
			break
		}
	}
	if err != nil {
		parts := strings.Split(v, "/")
		if len(parts) != 3 || !legacyDigits(parts[0]) || !legacyDigits(parts[1]) || !legacyDigits(parts[2]) || len(parts[0]) > 2 || len(parts[1]) > 2 {
			return "", false, false
		}
		mo, _ := strconv.Atoi(parts[0])
		d, _ := strconv.Atoi(parts[1])
		y, _ := strconv.Atoi(parts[2])
		switch len(parts[2]) {
		case 2:
			if y < 70 {
				y += 2000
			} else {
				y += 1900
			}
		case 4:
		default:
			return "", false, false
		}
		t = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Month() != time.Month(mo) || t.Day() != d {
			return "", false, false
		}
	}
	if t.Year() == 1 {
		return t.Format("01-02"), true, true
	}
	if t.Year() < 1000 || t.Year() > 9999 {
		return "", false, false
	}
	return t.Format(time.DateOnly), false, true
}

// legacyBool reads a yes/no value; ok is false for anything else.
func legacyBool(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "yes", "y", "1", "closed":
		return true, true
	case "false", "f", "no", "n", "0", "open":
		return false, true
	}
	return false, false
}

// legacyMonthDay writes "01-02" as "January 2".
func legacyMonthDay(md string) string {
	t, err := time.Parse("01-02", md)
	if err != nil {
		return md
	}
	return t.Format("January 2")
}

// holiday turns a holiday schedule row (closed, opens, closes, start and
// end dates) into schedules. Closed days say "Closed"; days with hours say
// "Special hours". Dates in year 1 (Ohana's yearly holidays) go into the
// description ("every year on January 1"), not valid_from/valid_to.
func (b *legacyBuild) holiday(src string, closedS, opensS, closesS, startS, endS string) resources.Schedule {
	var s resources.Schedule
	var notes []string
	opens, closes, hnotes, bad := legacyHours(opensS, closesS)
	notes = append(notes, hnotes...)
	closed, ok := legacyBool(closedS)
	if !ok {
		closed = opens == "" && closes == ""
		if strings.TrimSpace(closedS) != "" {
			notes = append(notes, fmt.Sprintf("Closed: %s", closedS))
			b.warn(src, "", "", "closed is %q, which is not true or false; read as %t", closedS, closed)
		}
	}
	if closed {
		s.Description = "Closed"
		if opens != "" || closes != "" {
			notes = append(notes, fmt.Sprintf("The source also gives hours %s–%s", opens, closes))
		}
	} else {
		s.Description = "Special hours"
		s.OpensAt, s.ClosesAt = opens, closes
	}
	for _, v := range bad {
		notes = append(notes, "Unreadable "+v)
		b.warn(src, "", "", "%s is not a time of day; kept in the schedule's notes", v)
	}
	from, fromYearly, okFrom := legacyDate(startS)
	to, toYearly, okTo := legacyDate(endS)
	switch {
	case okFrom && okTo && fromYearly && toYearly:
		if from == to {
			s.Description += " every year on " + legacyMonthDay(from)
		} else {
			s.Description += fmt.Sprintf(" every year from %s to %s", legacyMonthDay(from), legacyMonthDay(to))
		}
	default:
		if okFrom && !fromYearly {
			s.ValidFrom = from
		} else if strings.TrimSpace(startS) != "" {
			notes = append(notes, "Starts: "+startS)
			b.warn(src, "", "", "start_date %q is not a date this reader can place; kept in the schedule's notes", startS)
		}
		if okTo && !toYearly {
			s.ValidTo = to
		} else if strings.TrimSpace(endS) != "" {
			notes = append(notes, "Ends: "+endS)
			b.warn(src, "", "", "end_date %q is not a date this reader can place; kept in the schedule's notes", endS)
		}
		if s.ValidFrom != "" && s.ValidTo != "" && s.ValidTo < s.ValidFrom {
			notes = append(notes, fmt.Sprintf("The source gives dates %s to %s", startS, endS))
			b.warn(src, "", "", "end_date %q is before start_date %q; the dates are swapped", endS, startS)
			s.ValidFrom, s.ValidTo = s.ValidTo, s.ValidFrom
		}
	}
	if !closed {
		legacyNoFalseClosure(&s, &notes, strings.TrimSpace(opensS+closesS) != "")
	}
	s.Notes = strings.Join(notes, "\n")
	return s
}

// legacyHoursToNotes moves a schedule's hours into its notes, for a
// schedule whose days could not be kept: hours without days mean every day.
func legacyHoursToNotes(s *resources.Schedule, notes *[]string) {
	if s.OpensAt == "" && s.ClosesAt == "" {
		return
	}
	*notes = append(*notes, fmt.Sprintf("Hours: %s–%s", cmp.Or(s.OpensAt, "?"), cmp.Or(s.ClosesAt, "?")))
	s.OpensAt, s.ClosesAt = "", ""
}

// legacyNoFalseClosure keeps a schedule that is not a closure from reading
// as one: a validity window with neither hours nor days means "closed then".
// When the source gave hours that could not be read, the dates go to the
// notes instead.
func legacyNoFalseClosure(s *resources.Schedule, notes *[]string, hadHours bool) {
	if !hadHours || s.OpensAt != "" || s.ClosesAt != "" || s.ByDay != "" || s.ByMonthDay != "" || s.ValidFrom == "" && s.ValidTo == "" {
		return
	}
	*notes = append(*notes, fmt.Sprintf("Dates: %s to %s", cmp.Or(s.ValidFrom, "?"), cmp.Or(s.ValidTo, "?")))
	s.ValidFrom, s.ValidTo = "", ""
}

// weekRow reads a regular-schedule row's hours, reporting what it cannot
// read.
func (b *legacyBuild) weekRow(src string, day int, opensS, closesS, desc string) legacyDayHours {
	opens, closes, notes, bad := legacyHours(opensS, closesS)
	for _, v := range bad {
		notes = append(notes, "Unreadable "+v)
		b.warn(src, "", "", "%s is not a time of day; kept in the schedule's notes", v)
	}
	if len(bad) > 0 && desc == "" {
		// No original text to carry the hours: say them as given.
		desc = fmt.Sprintf("Hours as given: %s–%s", cmp.Or(strings.TrimSpace(opensS), "?"), cmp.Or(strings.TrimSpace(closesS), "?"))
	}
	return legacyDayHours{Day: day, Opens: opens, Closes: closes, Description: desc, Notes: strings.Join(notes, "\n")}
}

// legacyWeekRows collects weekday rows per owner, in the order owners first
// appear.
type legacyWeekRows struct {
	owners []legacyOwner
	rows   map[string][]legacyDayHours
	odd    []resources.Schedule // rows whose weekday could not be read
	oddOf  []legacyOwner
}

func (w *legacyWeekRows) add(o legacyOwner, r legacyDayHours) {
	if w.rows == nil {
		w.rows = map[string][]legacyDayHours{}
	}
	k := o.key()
	if _, ok := w.rows[k]; !ok {
		w.owners = append(w.owners, o)
	}
	w.rows[k] = append(w.rows[k], r)
}

// flushWeek merges each owner's rows into schedules and attaches them.
func (b *legacyBuild) flushWeek(table string, w *legacyWeekRows) {
	for _, o := range w.owners {
		for _, s := range legacyWeek(w.rows[o.key()]) {
			s.ID = b.derivedChildID("schedules", table, o.key(), s.OpensAt, s.ClosesAt, s.Description, s.Notes)
			for _, part := range legacySplitOvernight(s) {
				b.addSchedule(o, part)
			}
		}
	}
	for i, s := range w.odd {
		for _, part := range legacySplitOvernight(s) {
			b.addSchedule(w.oddOf[i], part)
		}
	}
}

// --- Attaching children ---------------------------------------------------

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

// readTaxonomy11 reads HSDS 1.1 taxonomy.csv: id, name, parent_id,
// parent_name, vocabulary (and Miami's taxonomy_facet). The id is the
// vocabulary's code (AIRS "BD-1800.2000").
func (b *legacyBuild) readTaxonomy11(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		desc := ""
		if f := t.get(i, "taxonomy_facet"); f != "" {
			desc = "Facet: " + f
		}
		b.addTerm(t, i, src, src, t.get(i, "name"), t.get(i, "parent_id"), t.get(i, "vocabulary"), desc, "")
	}
	b.linkTermParents(t.name)
}

// readTaxonomyTerms20 reads HSDS 2.0 taxonomy_terms.csv: id, term,
// description, parent_id, taxonomy, language. Ids that are not uuids are
// taken to be the vocabulary's own codes.
func (b *legacyBuild) readTaxonomyTerms20(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		src := t.get(i, "id")
		code := t.get(i, "code")
		if code == "" && !legacyUUID(src) {
			code = src
		}
		name := cmp.Or(t.get(i, "term"), t.get(i, "name"))
		b.addTerm(t, i, src, code, name, t.get(i, "parent_id"), cmp.Or(t.get(i, "taxonomy"), t.get(i, "vocabulary")),
			legacyText(t.get(i, "description")), t.get(i, "language"))
	}
	b.linkTermParents(t.name)
}

func legacyUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !unicode.Is(unicode.ASCII_Hex_Digit, r) {
				return false
			}
		}
	}
	return true
}

// --- Organizations, programs, services, locations ---------------------------

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

// legacyDigitsOf returns the digits of a phone number before any extension
// ("305-646-7220 x5427" → "3056467220"), without a leading US 1.
func legacyDigitsOf(n string) string {
	n = legacyNumberPart(n)
	var d []byte
	for i := 0; i < len(n); i++ {
		if n[i] >= '0' && n[i] <= '9' {
			d = append(d, n[i])
		}
	}
	s := string(d)
	if len(s) == 11 && s[0] == '1' {
		s = s[1:]
	}
	return s
}

// legacyNumberPart returns a phone number without a written extension.
func legacyNumberPart(n string) string {
	low := strings.ToLower(n)
	for _, mark := range []string{" x", "x", "ext"} {
		if i := strings.Index(low, mark); i > 0 {
			return strings.TrimSpace(n[:i])
		}
	}
	return strings.TrimSpace(n)
}

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

// scheduleOwner resolves a schedule row's owner: its service_at_location,
// else its service, else its location.
func (b *legacyBuild) scheduleOwner(t *table, i int) (legacyOwner, bool) {
	r := b.refs(t, i, "service_at_location_id", "service_id", "location_id")
	o := r.owner("service_at_location", "service", "location")
	if o.none() {
		b.reject(t.source(i), "", "", "%s", r.why())
		return o, false
	}
	b.warnUnknown(t.source(i), r, o)
	return o, true
}

// readRegularSchedules reads 1.1 regular_schedules.csv (and Ohana's): one
// row per weekday, merged per owner by legacyWeek. Miami's original_text is
// kept as the description, line breaks restored.
func (b *legacyBuild) readRegularSchedules(t *table) {
	if t == nil {
		return
	}
	var w legacyWeekRows
	for i := range t.rows {
		o, ok := b.scheduleOwner(t, i)
		if !ok {
			continue
		}
		desc := legacyText(cmp.Or(t.get(i, "original_text"), t.get(i, "description")))
		dayS := t.get(i, "weekday")
		day, ok := legacyWeekday(dayS)
		row := b.weekRow(t.source(i), day, t.get(i, "opens_at"), t.get(i, "closes_at"), desc)
		if ok {
			w.add(o, row)
			continue
		}
		hours := ""
		if row.Opens != "" || row.Closes != "" {
			hours = fmt.Sprintf("Hours: %s–%s", cmp.Or(row.Opens, "?"), cmp.Or(row.Closes, "?"))
		}
		s := resources.Schedule{
			Description: desc,
			Notes:       legacyJoinText("\n", "Day: "+cmp.Or(dayS, "(none given)"), hours, row.Notes),
		}
		b.warn(t.source(i), "", "", "weekday %q is not a day of the week; the hours are kept in the schedule's notes", dayS)
		s.ID = b.childID("schedules", t, i, "", nil, o.key())
		w.odd, w.oddOf = append(w.odd, s), append(w.oddOf, o)
	}
	b.flushWeek(t.name, &w)
}

// readHolidaySchedules reads 1.1 holiday_schedules.csv (and Ohana's).
func (b *legacyBuild) readHolidaySchedules(t *table) {
	if t == nil {
		return
	}
	for i := range t.rows {
		o, ok := b.scheduleOwner(t, i)
		if !ok {
			continue
		}
		s := b.holiday(t.source(i), t.get(i, "closed"), t.get(i, "opens_at"), t.get(i, "closes_at"),
			t.get(i, "start_date"), t.get(i, "end_date"))
		s.ID = b.childID("schedules", t, i, "", nil, o.key()+"\x00"+t.get(i, "id"))
		for _, part := range legacySplitOvernight(s) {
			b.addSchedule(o, part)
		}
	}
}

// readSchedules20 reads 2.0 schedules.csv, whose rows are already iCalendar
// rules: values are checked, the unusable moved to notes with a warning.
func (b *legacyBuild) readSchedules20(t *table) {
	if t == nil {
		return
	}
	rep := legacyRepeated(t, "id")
	for i := range t.rows {
		o, ok := b.scheduleOwner(t, i)
		if !ok {
			continue
		}
		src := t.source(i)
		var notes []string
		drop := func(field, v, why string) {
			notes = append(notes, fmt.Sprintf("%s: %s", field, v))
			b.warn(src, "", "", "%s %q %s; kept in the schedule's notes", field, v, why)
		}
		s := resources.Schedule{
			Description: legacyText(t.get(i, "description")),
			ByWeekNo:    t.get(i, "byweekno"),
			ByMonthDay:  t.get(i, "bymonthday"),
			ByYearDay:   t.get(i, "byyearday"),
		}
		opens, closes, hnotes, bad := legacyHours(t.get(i, "opens_at"), t.get(i, "closes_at"))
		s.OpensAt, s.ClosesAt = opens, closes
		notes = append(notes, hnotes...)
		for _, v := range bad {
			notes = append(notes, "Unreadable "+v)
			b.warn(src, "", "", "%s is not a time of day; kept in the schedule's notes", v)
		}
		for _, f := range []struct {
			col string
			dst *string
		}{{"valid_from", &s.ValidFrom}, {"valid_to", &s.ValidTo}, {"dtstart", &s.DTStart}, {"until", &s.Until}} {
			v := t.get(i, f.col)
			if v == "" {
				continue
			}
			if d, yearly, ok := legacyDate(v); ok && !yearly {
				*f.dst = d
			} else {
				drop(f.col, v, "is not a date")
			}
		}
		if v := t.get(i, "timezone"); v != "" {
			if tz, ok := legacyFloat(v); ok && tz >= -12 && tz <= 14 {
				s.Timezone = &tz
			} else {
				drop("timezone", v, "is not a UTC offset in hours")
			}
		}
		for _, f := range []struct {
			col string
			dst **float64
		}{{"count", &s.Count}, {"interval", &s.Interval}} {
			v := t.get(i, f.col)
			if v == "" {
				continue
			}
			if n, ok := legacyFloat(v); ok && n >= 0 && n == math.Trunc(n) {
				*f.dst = &n
			} else {
				drop(f.col, v, "is not a whole number")
			}
		}
		if v := strings.ToUpper(t.get(i, "wkst")); v != "" {
			if slices.Contains(legacyDayCodes[:], v) {
				s.WKST = v
			} else {
				drop("wkst", v, "is not a day code such as MO")
			}
		}
		// A rule that cannot be kept whole must not be read as another:
		// hours without their days would read as every day.
		ruleLost := false
		byday := strings.ToUpper(strings.ReplaceAll(t.get(i, "byday"), " ", ""))
		if byday != "" {
			if _, err := resources.ParseByDay(byday); err == nil {
				s.ByDay = byday
			} else if codes := legacyDayList(t.get(i, "byday")); codes != "" {
				s.ByDay = codes
			} else {
				drop("byday", t.get(i, "byday"), "is not a list of day codes such as MO,TU")
				ruleLost = true
			}
		}
		switch freq := strings.ToUpper(t.get(i, "freq")); freq {
		case "", "WEEKLY", "MONTHLY":
			s.Freq = freq
		case "DAILY":
			s.Freq = "WEEKLY"
			if s.ByDay == "" {
				s.ByDay = strings.Join(legacyDayCodes[:], ",")
			}
		default:
			drop("freq", t.get(i, "freq"), "is not WEEKLY or MONTHLY, which HSDS 3.0 allows")
			ruleLost = true
		}
		if ruleLost {
			legacyHoursToNotes(&s, &notes)
		}
		legacyNoFalseClosure(&s, &notes, t.get(i, "opens_at")+t.get(i, "closes_at") != "")
		s.Notes = legacyJoinText("\n", legacyText(t.get(i, "notes")), strings.Join(notes, "\n"))
		s.ID = b.childID("schedules", t, i, t.get(i, "id"), rep, o.key())
		for _, part := range legacySplitOvernight(s) {
			b.addSchedule(o, part)
		}
	}
}

// legacyDayList reads a list of weekday names ("Monday, Tuesday") as BYDAY
// codes; "" if any item is not a day.
func legacyDayList(s string) string {
	var codes []string
	for _, item := range legacyList(s) {
		d, ok := legacyWeekday(item)
		if !ok {
			return ""
		}
		codes = append(codes, legacyDayCodes[d])
	}
	return strings.Join(codes, ",")
}

// --- Children of services ---------------------------------------------------

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

// legacyEntity30 maps 2.0 link types to HSDS 3.0 table names.
var legacyEntity30 = map[string]string{
	"physical_address": "address", "postal_address": "address",
	"accessibility_for_disabilities": "accessibility",
}

// readOtherAttributes reads 2.0 other_attributes.csv (link_id, link_type,
// taxonomy_term_id) onto the records and children it names.
func (b *legacyBuild) readOtherAttributes(t *table) {
	if t == nil {
		return
	}
	type pending struct {
		src  string
		attr resources.Attribute
	}
	nested := map[string]map[string][]pending{} // 3.0 entity → child id → attributes
	for i := range t.rows {
		termSrc, linkSrc := t.get(i, "taxonomy_term_id"), t.get(i, "link_id")
		lt := strings.ToLower(t.get(i, "link_type"))
		term := b.terms.get(termSrc)
		if term == nil {
			b.reject(t.source(i), "", "", "names taxonomy term %q, which the source does not have", termSrc)
			continue
		}
		entity := cmp.Or(legacyEntity30[lt], lt)
		a := resources.Attribute{
			LinkID: linkSrc, TaxonomyTermID: term.ID, LinkType: lt, LinkEntity: entity,
			Value: legacyText(t.get(i, "value")),
		}
		a.ID = b.childID("attributes", t, i, t.get(i, "id"), nil, entity+":"+linkSrc)
		var attrs *[]resources.Attribute
		switch lt {
		case "organization":
			if o := b.orgs.get(linkSrc); o != nil {
				a.LinkID, attrs = o.ID, &o.Attributes
			}
		case "program":
			if p := b.programs.get(linkSrc); p != nil {
				a.LinkID, attrs = p.ID, &p.Attributes
			}
		case "service":
			if s := b.services.get(linkSrc); s != nil {
				a.LinkID, attrs = s.ID, &s.Attributes
			}
		case "service_at_location":
			if s := b.sals.get(linkSrc); s != nil {
				a.LinkID, attrs = s.ID, &s.Attributes
			}
		case "location":
			if l := b.locations.get(linkSrc); l != nil {
				a.LinkID, attrs = l.ID, &l.Attributes
			}
		case "eligibility", "payment_accepted":
			// HSDS 3.0 has neither table: the term describes the service.
			s := b.eligibilityOf[linkSrc]
			if lt == "payment_accepted" {
				s = b.paymentOf[linkSrc]
			}
			if s != nil {
				a.LinkID, a.LinkEntity, attrs = s.ID, "service", &s.Attributes
			}
		default:
			if linkSrc != "" {
				if nested[entity] == nil {
					nested[entity] = map[string][]pending{}
				}
				nested[entity][linkSrc] = append(nested[entity][linkSrc], pending{t.source(i), a})
				continue
			}
		}
		if attrs == nil {
			b.reject(t.source(i), "", "", "names %s %q, which the source does not have", cmp.Or(lt, "(no link_type)"), linkSrc)
			continue
		}
		*attrs = append(*attrs, a)
	}
	if len(nested) == 0 {
		return
	}
	b.eachChild(func(entity, id string, attrs *[]resources.Attribute) {
		if ps, ok := nested[entity][id]; ok {
			for _, p := range ps {
				*attrs = append(*attrs, p.attr)
			}
			delete(nested[entity], id)
		}
	})
	var left []pending
	for _, byID := range nested {
		for _, ps := range byID {
			left = append(left, ps...)
		}
	}
	slices.SortFunc(left, func(x, y pending) int { return cmp.Compare(x.attr.ID, y.attr.ID) })
	for _, p := range left {
		b.reject(p.src, "", "", "names %s %q, which the source does not have", p.attr.LinkType, p.attr.LinkID)
	}
}

// eachChild calls f for every child that can carry attributes, with its
// HSDS 3.0 table name and id.
func (b *legacyBuild) eachChild(f func(entity, id string, attrs *[]resources.Attribute)) {
	phones := func(ps []resources.Phone) {
		for i := range ps {
			f("phone", ps[i].ID, &ps[i].Attributes)
			for j := range ps[i].Languages {
				f("language", ps[i].Languages[j].ID, &ps[i].Languages[j].Attributes)
			}
		}
	}
	contacts := func(cs []resources.Contact) {
		for i := range cs {
			f("contact", cs[i].ID, &cs[i].Attributes)
			phones(cs[i].Phones)
		}
	}
	schedules := func(ss []resources.Schedule) {
		for i := range ss {
			f("schedule", ss[i].ID, &ss[i].Attributes)
		}
	}
	languages := func(ls []resources.Language) {
		for i := range ls {
			f("language", ls[i].ID, &ls[i].Attributes)
		}
	}
	funding := func(fs []resources.Funding) {
		for i := range fs {
			f("funding", fs[i].ID, &fs[i].Attributes)
		}
	}
	for _, o := range b.orgs.list {
		phones(o.Phones)
		contacts(o.Contacts)
		funding(o.Funding)
	}
	for _, s := range b.services.list {
		phones(s.Phones)
		contacts(s.Contacts)
		schedules(s.Schedules)
		languages(s.Languages)
		funding(s.Funding)
		for i := range s.ServiceAreas {
			f("service_area", s.ServiceAreas[i].ID, &s.ServiceAreas[i].Attributes)
		}
		for i := range s.RequiredDocuments {
			f("required_document", s.RequiredDocuments[i].ID, &s.RequiredDocuments[i].Attributes)
		}
	}
	for _, l := range b.locations.list {
		phones(l.Phones)
		contacts(l.Contacts)
		schedules(l.Schedules)
		languages(l.Languages)
		for i := range l.Addresses {
			f("address", l.Addresses[i].ID, &l.Addresses[i].Attributes)
		}
		for i := range l.Accessibility {
			f("accessibility", l.Accessibility[i].ID, &l.Accessibility[i].Attributes)
		}
	}
	for _, s := range b.sals.list {
		phones(s.Phones)
		contacts(s.Contacts)
		schedules(s.Schedules)
	}
}

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

// geocode gives each physical location that has no coordinates the centroid
// of its physical address's ZIP code, when Options.Centroid is set, marked
// approximate (GeocodeZIPCentroid). A mailing address is not used: it is
// often a PO box or a head office elsewhere.
func (b *legacyBuild) geocode() {
	if b.opts.Centroid == nil {
		return
	}
	for _, l := range b.locations.list {
		if l.Latitude != nil || l.LocationType == resources.LocationVirtual {
			continue
		}
		for _, a := range l.Addresses {
			if a.AddressType != resources.AddressPhysical || a.Country != "" && a.Country != "US" {
				continue
			}
			zip := legacyZIP5(a.PostalCode)
			if zip == "" {
				continue
			}
			lat, lon, ok := b.opts.Centroid(zip)
			if !ok || !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || lat == 0 && lon == 0 {
				continue
			}
			l.Latitude, l.Longitude = &lat, &lon
			l.GeocodeSource = resources.GeocodeZIPCentroid
			break
		}
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
