package matcher

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/refer-project/refer/data"
)

// Client is what an assessment says of the person seeking help. Every field
// is optional; what is missing cannot rule a service out.
type Client struct {
	Age           *float64
	Gender        string // "female", "male", or other words (not checked then)
	Veteran       *bool
	Insurance     string // "medicaid", "medicare", "private", "uninsured", …
	HouseholdSize int
	AnnualIncome  *float64
	HasChildren   *bool
	// Languages the client speaks, by name or code ("Spanish", "es").
	Languages []string
	// Postcode is the client's US ZIP code, for residency: the counties
	// it touches (Census 2020) against the counties a service serves.
	Postcode string
}

// Eligibility of a client for a service.
const (
	Eligible   = "eligible"   // every requirement read is met
	Likely     = "likely"     // nothing rules it out; some could not be checked
	Unknown    = "unknown"    // the listing states nothing we can read
	Ineligible = "ineligible" // a requirement is not met
)

// Verdict is the outcome of a check, with reasons in plain words.
type Verdict struct {
	Status  string
	Reasons []string // why eligible or likely ("ages 18 and over")
	Because string   // why ineligible
	// ForChildren: the service's codes name only children and the client
	// is an adult who may have some: it may serve the client's children,
	// not the client.
	ForChildren bool
}

// Poverty guidelines (HHS, 2025, 48 contiguous states and DC): the first
// person, then each additional person. Alaska and Hawaii are higher;
// refer uses the contiguous figures everywhere, which errs towards
// counting a household as poorer there.
const (
	fplFirstPerson = 15650.0
	fplEachMore    = 5500.0
)

// PercentFPL returns household income as a percent of the federal poverty
// guideline.
func PercentFPL(annualIncome float64, householdSize int) float64 {
	size := max(householdSize, 1)
	return 100 * annualIncome / (fplFirstPerson + fplEachMore*float64(size-1))
}

// distanceForResidency is how far from a service's place a client can live
// and still plausibly be a resident of the county or city it serves;
// without a county table, refer cannot check residency more closely.
const distanceForResidency = 80.0 // km

// Check holds a client's facts against requirements. km is the client's
// distance to the service's place (NaN when unknown).
func (r Requirements) Check(c Client, km float64) Verdict { return r.check(c, km, true) }

// status is Check's status alone, without the words: ranking needs only
// the status of every candidate, and reasons only for the options shown.
func (r Requirements) status(c Client, km float64) string { return r.check(c, km, false).Status }

// check is Check; say false leaves out Reasons and Because (and the work of
// writing them), never changing the Status.
func (r Requirements) check(c Client, km float64, say bool) Verdict {
	var met, unchecked []string
	nMet, nUnchecked := 0, 0
	forChildren := false
	// meet and unsure count a requirement met or not checked; the words
	// are written only when asked for.
	meet := func(words ...string) {
		nMet++
		if say {
			met = append(met, strings.Join(words, ""))
		}
	}
	unsure := func(words ...string) {
		nUnchecked++
		if say {
			unchecked = append(unchecked, strings.Join(words, ""))
		}
	}
	fail := func(format string, args ...any) Verdict {
		if !say {
			return Verdict{Status: Ineligible}
		}
		return Verdict{Status: Ineligible, Because: fmt.Sprintf(format, args...)}
	}
	if len(r.Audiences) > 0 {
		fits, maybeFits := false, false
		for _, a := range r.Audiences {
			switch fitsAudience(a, c) {
			case yes:
				fits = true
			case maybe:
				maybeFits = true
			}
		}
		desc, who := "", ""
		if say {
			desc, who = describeAudiences(r.Audiences), clientWords(c)
		}
		switch {
		case fits:
			meet("Serves ", desc, "; ", who)
		case maybeFits:
			unsure("Serves ", desc, "; ", who)
		case r.SoftAudiences && childrenOnly(r.Audiences) && mayHaveChildren(c):
			// Codes for children on a service an adult asks about: it may
			// serve the client's children.
			unsure("Meant for ", desc, "; it may serve the client's children")
			forChildren = true
		default:
			// Codes for older adults do not serve a client of 34, and codes
			// for children do not serve an adult who has none.
			return fail("Serves %s; %s", desc, who)
		}
	}
	if r.Veterans {
		switch {
		case c.Veteran == nil:
			unsure("For veterans; whether the client is one is not known")
		case *c.Veteran:
			meet("For veterans; the client is a veteran")
		case r.VeteranFamilies:
			unsure("For veterans and their families; the client is not a veteran, but may be family of one")
		default:
			return fail("For veterans only; the client is not a veteran")
		}
	}
	if r.ParentsOnly {
		switch {
		case c.HasChildren == nil && c.HouseholdSize <= 1 && c.HouseholdSize != 0:
			return fail("For parents and families with children; the client lives alone")
		case c.HasChildren == nil:
			unsure("For families with children; whether the client has children is not known")
		case *c.HasChildren:
			meet("For families with children; the client has children")
		default:
			return fail("For families with children; the client has none")
		}
	}
	if r.MaxIncomeFPL > 0 {
		if c.AnnualIncome == nil {
			nUnchecked++
			if say {
				unchecked = append(unchecked, fmt.Sprintf("For households at or below %g%% of the poverty guideline; the client's income is not known", r.MaxIncomeFPL))
			}
		} else if p := PercentFPL(*c.AnnualIncome, c.HouseholdSize); p > r.MaxIncomeFPL {
			return fail("For households at or below %g%% of the poverty guideline; the client's household is at %.0f%%", r.MaxIncomeFPL, p)
		} else {
			nMet++
			if say {
				met = append(met, fmt.Sprintf("For households at or below %g%% of the poverty guideline; the client's household is at %.0f%%", r.MaxIncomeFPL, p))
			}
		}
	} else if r.LowIncome {
		unsure("For people with low income; the client's income is not known")
	}
	if len(r.Insurance) > 0 {
		ins := strings.ToLower(strings.TrimSpace(c.Insurance))
		if ins != "" && (slicesContains(r.Insurance, ins) || ins == "none" && slicesContains(r.Insurance, "uninsured")) {
			meet("Takes ", ins, "; the client has ", ins)
		} else {
			// Not said, or a mismatch: listings name insurance they take as
			// often as insurance they require, so it is not a firm no.
			nUnchecked++
			if say {
				unchecked = append(unchecked, "Asks about insurance ("+strings.Join(r.Insurance, " or ")+"); check the client's")
			}
		}
	}
	if len(r.Places) > 0 {
		places := ""
		if say {
			places = placeWords(r.Places)
		}
		switch res, in := residence(r.Places, c.Postcode); res {
		case yes:
			meet("Serves residents of ", places, "; the client's ZIP code is in ", in)
		case no:
			return fail("Serves residents of %s; the client's ZIP code is in %s", places, in)
		default:
			if !math.IsNaN(km) && km > distanceForResidency {
				return fail("Serves residents of %s; the client is %.0f km away", places, km)
			}
			nUnchecked++
			if say {
				if in != "" {
					unchecked = append(unchecked, "Serves residents of "+places+"; the client's ZIP code touches "+in+": check where the client lives")
				} else {
					unchecked = append(unchecked, "Serves residents of "+places+"; check where the client lives")
				}
			}
		}
	}
	switch {
	case nUnchecked > 0:
		return Verdict{Status: Likely, Reasons: append(met, unchecked...), ForChildren: forChildren}
	case nMet > 0:
		return Verdict{Status: Eligible, Reasons: met}
	case r.OpenToAll:
		v := Verdict{Status: Eligible}
		if say {
			v.Reasons = []string{"Open to all"}
		}
		return v
	}
	return Verdict{Status: Unknown}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

type tri int

const (
	no tri = iota
	maybe
	yes
)

func fitsAudience(a Audience, c Client) tri {
	res := yes
	if a.Gender != "" {
		switch g := normalGender(c.Gender); {
		case g == "":
			res = maybe
		case g != a.Gender:
			return no
		}
	}
	if a.MinAge != nil || a.MaxAge != nil {
		switch {
		case c.Age == nil:
			res = maybe
		case a.MinAge != nil && *c.Age < *a.MinAge, a.MaxAge != nil && *c.Age >= *a.MaxAge+1:
			return no
		}
	}
	return res
}

// childrenOnly: every audience is under 18.
func childrenOnly(as []Audience) bool {
	for _, a := range as {
		if a.MaxAge == nil || *a.MaxAge >= 18 {
			return false
		}
	}
	return true
}

// mayHaveChildren: nothing says the client has no children.
func mayHaveChildren(c Client) bool {
	if c.HasChildren != nil {
		return *c.HasChildren
	}
	return c.HouseholdSize != 1
}

// clientWords says what of the client an audience was checked against:
// "the client is 34", "the client is a woman of 34", "the client's age is
// not known".
func clientWords(c Client) string {
	g := normalGender(c.Gender)
	var s string
	switch {
	case c.Age != nil && g != "":
		noun := map[string]string{"female": "a woman", "male": "a man"}[g]
		if *c.Age < 18 {
			noun = map[string]string{"female": "a girl", "male": "a boy"}[g]
		}
		s = "the client is " + noun + " of " + years(*c.Age)
	case c.Age != nil:
		s = "the client is " + years(*c.Age)
	case g != "":
		s = "the client is " + map[string]string{"female": "a woman or girl", "male": "a man or boy"}[g] + "; the client's age is not known"
	default:
		s = "the client's age is not known"
	}
	if c.HasChildren != nil && !*c.HasChildren || c.HouseholdSize == 1 {
		s += ", with no children at home"
	}
	return s
}

// residence checks the client's county, from the ZIP code, against the
// places a service serves that are counties of the client's state: yes
// when the ZIP lies in one of them, no when it lies in none and every
// place is such a county, maybe otherwise (a city named, a ZIP across
// counties, a ZIP not known). in names the ZIP's counties.
func residence(places []string, postcode string) (res tri, in string) {
	counties, state := data.Counties(postcode)
	if len(counties) == 0 {
		return maybe, ""
	}
	in = placeWords(counties)
	allCounties, served := true, false
	for _, p := range places {
		if !data.IsCounty(state, p) {
			allCounties = false
			continue
		}
		if slices.Contains(counties, p) {
			served = true
		}
	}
	switch {
	case served && len(counties) == 1:
		return yes, in
	case served, !allCounties:
		return maybe, in
	}
	return no, in
}

// placeWords names places as a case manager would say them: "Miami-Dade
// County", "Broward and Monroe counties".
func placeWords(places []string) string {
	names := make([]string, len(places))
	for i, p := range places {
		words := strings.Split(p, "-")
		for j, w := range words {
			if w != "" {
				words[j] = strings.ToUpper(w[:1]) + w[1:]
			}
		}
		names[i] = strings.Join(words, " ")
		if strings.Contains(p, "-") && len(words) == 2 && (words[0] == "Miami" || words[1] == "Dade") {
			names[i] = strings.Join(words, "-") // Miami-Dade is written with a hyphen
		}
	}
	switch len(names) {
	case 1:
		return names[0] + " County"
	case 2:
		return names[0] + " and " + names[1] + " counties"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " counties"
}

func normalGender(g string) string {
	switch strings.ToLower(strings.TrimSpace(g)) {
	case "female", "f", "woman", "girl":
		return "female"
	case "male", "m", "man", "boy":
		return "male"
	}
	return ""
}

func describeAudiences(as []Audience) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.String()
	}
	return strings.Join(parts, " or ")
}
