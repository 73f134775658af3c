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
func (r Requirements) Check(c Client, km float64) Verdict {
	var met, unchecked []string
	fail := func(format string, args ...any) Verdict {
		return Verdict{Status: Ineligible, Because: fmt.Sprintf(format, args...)}
	}
	if len(r.Audiences) > 0 {
		fits, unsure := false, false
		for _, a := range r.Audiences {
			switch fitsAudience(a, c) {
			case yes:
				fits = true
			case maybe:
				unsure = true
			}
		}
		desc := describeAudiences(r.Audiences)
		switch {
		case fits:
			met = append(met, "serves "+desc)
		case unsure:
			unchecked = append(unchecked, "serves "+desc)
		case r.SoftAudiences:
			unchecked = append(unchecked, "meant for "+desc)
		default:
			return fail("serves %s", desc)
		}
	}
	if r.Veterans {
		switch {
		case c.Veteran == nil:
			unchecked = append(unchecked, "for veterans")
		case *c.Veteran:
			met = append(met, "for veterans")
		case r.VeteranFamilies:
			unchecked = append(unchecked, "for veterans and their families")
		default:
			return fail("for veterans only")
		}
	}
	if r.ParentsOnly {
		switch {
		case c.HasChildren == nil && c.HouseholdSize <= 1 && c.HouseholdSize != 0:
			return fail("for parents and families with children; the client lives alone")
		case c.HasChildren == nil:
			unchecked = append(unchecked, "for families with children")
		case *c.HasChildren:
			met = append(met, "for families with children")
		default:
			return fail("for families with children")
		}
	}
	if r.MaxIncomeFPL > 0 {
		if c.AnnualIncome == nil {
			unchecked = append(unchecked, fmt.Sprintf("income at or below %g%% of the poverty guideline", r.MaxIncomeFPL))
		} else if p := PercentFPL(*c.AnnualIncome, c.HouseholdSize); p > r.MaxIncomeFPL {
			return fail("income limit %g%% of the poverty guideline; the household is at %.0f%%", r.MaxIncomeFPL, p)
		} else {
			met = append(met, fmt.Sprintf("income under the limit (%.0f%% of %g%% allowed)", p, r.MaxIncomeFPL))
		}
	} else if r.LowIncome {
		unchecked = append(unchecked, "for people with low income")
	}
	if len(r.Insurance) > 0 {
		ins := strings.ToLower(strings.TrimSpace(c.Insurance))
		switch {
		case ins == "":
			unchecked = append(unchecked, "insurance: "+strings.Join(r.Insurance, " or "))
		case slicesContains(r.Insurance, ins) || ins == "none" && slicesContains(r.Insurance, "uninsured"):
			met = append(met, "takes "+ins)
		default:
			// Listings name insurance they take as often as insurance they
			// require; a mismatch is not a firm no.
			unchecked = append(unchecked, "insurance: "+strings.Join(r.Insurance, " or "))
		}
	}
	if len(r.Places) > 0 {
		where := strings.Join(r.Places, ", ")
		switch {
		case math.IsNaN(km):
			unchecked = append(unchecked, "residents of "+where)
		case km > distanceForResidency:
			return fail("serves residents of %s; the client is %.0f km away", where, km)
		default:
			unchecked = append(unchecked, "residents of "+where)
		}
	}
	switch {
	case len(unchecked) > 0:
		return Verdict{Status: Likely, Reasons: append(met, unchecked...)}
	case len(met) > 0:
		return Verdict{Status: Eligible, Reasons: met}
	case r.OpenToAll:
		return Verdict{Status: Eligible, Reasons: []string{"open to all"}}
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
