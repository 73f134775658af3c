package matcher

import (
	"fmt"
	"math"
	"strings"
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
		desc := ""
		if say {
			desc = describeAudiences(r.Audiences)
		}
		switch {
		case fits:
			meet("serves ", desc)
		case maybeFits:
			unsure("serves ", desc)
		case r.SoftAudiences && childrenOnly(r.Audiences) && mayHaveChildren(c):
			// Codes for children on a service an adult asks about: it may
			// serve the client's children.
			unsure("meant for ", desc, ", perhaps the client's children")
		default:
			// Codes for older adults do not serve a client of 34, and codes
			// for children do not serve an adult who has none.
			return fail("serves %s; %s", desc, clientWords(c))
		}
	}
	if r.Veterans {
		switch {
		case c.Veteran == nil:
			unsure("for veterans")
		case *c.Veteran:
			meet("for veterans")
		case r.VeteranFamilies:
			unsure("for veterans and their families")
		default:
			return fail("for veterans only")
		}
	}
	if r.ParentsOnly {
		switch {
		case c.HasChildren == nil && c.HouseholdSize <= 1 && c.HouseholdSize != 0:
			return fail("for parents and families with children; the client lives alone")
		case c.HasChildren == nil:
			unsure("for families with children")
		case *c.HasChildren:
			meet("for families with children")
		default:
			return fail("for families with children")
		}
	}
	if r.MaxIncomeFPL > 0 {
		if c.AnnualIncome == nil {
			nUnchecked++
			if say {
				unchecked = append(unchecked, fmt.Sprintf("income at or below %g%% of the poverty guideline", r.MaxIncomeFPL))
			}
		} else if p := PercentFPL(*c.AnnualIncome, c.HouseholdSize); p > r.MaxIncomeFPL {
			return fail("income limit %g%% of the poverty guideline; the household is at %.0f%%", r.MaxIncomeFPL, p)
		} else {
			nMet++
			if say {
				met = append(met, fmt.Sprintf("income under the limit (%.0f%% of %g%% allowed)", p, r.MaxIncomeFPL))
			}
		}
	} else if r.LowIncome {
		unsure("for people with low income")
	}
	if len(r.Insurance) > 0 {
		ins := strings.ToLower(strings.TrimSpace(c.Insurance))
		if ins != "" && (slicesContains(r.Insurance, ins) || ins == "none" && slicesContains(r.Insurance, "uninsured")) {
			meet("takes ", ins)
		} else {
			// Not said, or a mismatch: listings name insurance they take as
			// often as insurance they require, so it is not a firm no.
			nUnchecked++
			if say {
				unchecked = append(unchecked, "insurance: "+strings.Join(r.Insurance, " or "))
			}
		}
	}
	if len(r.Places) > 0 {
		if !math.IsNaN(km) && km > distanceForResidency {
			return fail("serves residents of %s; the client is %.0f km away", strings.Join(r.Places, ", "), km)
		}
		nUnchecked++
		if say {
			unchecked = append(unchecked, "residents of "+strings.Join(r.Places, ", "))
		}
	}
	switch {
	case nUnchecked > 0:
		return Verdict{Status: Likely, Reasons: append(met, unchecked...)}
	case nMet > 0:
		return Verdict{Status: Eligible, Reasons: met}
	case r.OpenToAll:
		v := Verdict{Status: Eligible}
		if say {
			v.Reasons = []string{"open to all"}
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

// clientWords says what of the client an audience was checked against.
func clientWords(c Client) string {
	var parts []string
	if c.Age != nil {
		parts = append(parts, "the client is "+years(*c.Age))
	}
	if g := normalGender(c.Gender); g != "" {
		parts = append(parts, "the client is "+g)
	}
	if c.HasChildren != nil && !*c.HasChildren || c.HouseholdSize == 1 {
		parts = append(parts, "the client has no children at home")
	}
	if len(parts) == 0 {
		return "the client is not among them"
	}
	return strings.Join(parts, " and ")
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
