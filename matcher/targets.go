package matcher

import (
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/refer-project/refer/listing"
)

// parsed caches ParseEligibility by text: matching reads the same listings'
// eligibility again and again, and parsing costs tens of microseconds.
// Requirements are never changed after parsing, so sharing them is safe.
var (
	parsed      sync.Map // string → Requirements
	parsedCount atomic.Int64
)

// maxParsed bounds the cache; past it the cache starts afresh.
const maxParsed = 200_000

func parseCached(text string) Requirements {
	if r, ok := parsed.Load(text); ok {
		return r.(Requirements)
	}
	r := ParseEligibility(text)
	if parsedCount.Add(1) > maxParsed {
		parsed.Clear()
		parsedCount.Store(0)
	}
	parsed.Store(text, r)
	return r
}

// AIRS target-population codes (the Y branch) name who a service is meant
// for. Taken together they are a union ("preschool children, adults"), so
// they limit age and gender only when every one of them does.
var targetAudiences = []struct {
	prefix string
	a      Audience
}{
	{"YB-9500.6000", Audience{MaxAge: ptr(0.5)}},                    // newborns
	{"YB-9500.3300-330", Audience{MaxAge: ptr(1)}},                  // infants
	{"YB-9500.3300-800", Audience{MinAge: ptr(1), MaxAge: ptr(3)}},  // toddlers
	{"YB-9500.1500-650", Audience{MinAge: ptr(3), MaxAge: ptr(5)}},  // preschool age
	{"YB-9500.1500-680", Audience{MinAge: ptr(5), MaxAge: ptr(11)}}, // primary school age
	{"YB-9500.1500-630", Audience{MinAge: ptr(9), MaxAge: ptr(12)}}, // preadolescents
	{"YB-9500.0500", Audience{MinAge: ptr(13), MaxAge: ptr(17)}},    // adolescents
	{"YB-9500", Audience{MaxAge: ptr(17)}},                          // children and youth
	{"YG-8000.3500", Audience{MinAge: ptr(4), MaxAge: ptr(6)}},      // kindergarten students
	{"YG-8000.1900", Audience{MinAge: ptr(5), MaxAge: ptr(11)}},     // elementary students
	{"YG-8000.4900", Audience{MinAge: ptr(10), MaxAge: ptr(14)}},    // middle school students
	{"YG-8000.3000", Audience{MinAge: ptr(13), MaxAge: ptr(19)}},    // high school students
	{"YB-9000", Audience{MinAge: ptr(16), MaxAge: ptr(25)}},         // young adults
	{"YB-0500", Audience{MinAge: ptr(18)}},                          // adults
	{"YB-8000", Audience{MinAge: ptr(55)}},                          // older adults
	{"YF-2000", Audience{MinAge: ptr(55)}},                          // frail elderly
	{"YS-2000.9500", Audience{Gender: "female", MinAge: ptr(18)}},   // women
	{"YS-2000.2500", Audience{Gender: "female", MaxAge: ptr(17)}},   // girls
	{"YK-6500.6600", Audience{Gender: "female"}},                    // pregnant women
	{"YK-6500.6100", Audience{Gender: "female"}},                    // new mothers
	{"YS-2000.5000", Audience{Gender: "male", MinAge: ptr(18)}},     // men
	{"YS-2000.0500", Audience{Gender: "male", MaxAge: ptr(17)}},     // boys
}

// populationPrefixes are Y codes that name a group of people by age or
// gender. Other Y codes (veterans, people with disabilities, low income)
// describe a situation; a service listing both kinds still serves everyone
// of the ages named, so situation codes never narrow the audience.
// YF-2000 (frail elderly) is among them: it names older adults as YB-8000
// does (it was in the table but not here, so it never narrowed anything).
var populationPrefixes = []string{"YB-", "YG-8000", "YS-2000", "YK-6500.6600", "YK-6500.6100", "YF-2000"}

// audiencesFromCodes returns the audiences that a service's target
// population codes name, or nil when the codes say nothing about who by
// age or gender (or when one code names a group with no limit at all).
func audiencesFromCodes(codes []string) []Audience {
	var out []Audience
	for _, code := range codes {
		c := strings.ToUpper(code)
		if !hasPrefixAny(c, populationPrefixes) {
			continue
		}
		found := false
		for _, t := range targetAudiences {
			if c == t.prefix || strings.HasPrefix(c, t.prefix+".") || strings.HasPrefix(c, t.prefix+"-") {
				out = append(out, t.a)
				found = true
				break
			}
		}
		if !found {
			// A population code we do not know: it may widen the union, so
			// the codes cannot narrow anything.
			return nil
		}
	}
	return mergeAudiences(out)
}

func hasPrefixAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// ServiceRequirements puts together what a service asks of its clients:
// its eligibility text first, then its structured ages, then its target
// population codes for what the text leaves out.
func ServiceRequirements(eligibilityText string, minAge, maxAge *float64, codes []string) Requirements {
	r := parseCached(eligibilityText)
	if len(r.Audiences) == 0 && (minAge != nil || maxAge != nil) {
		r.Audiences = []Audience{{MinAge: minAge, MaxAge: maxAge}}
		r.Stated = true
	}
	if len(r.Audiences) == 0 {
		if as := audiencesFromCodes(codes); len(as) > 0 {
			r.Audiences = as
			r.SoftAudiences = true
			r.Stated = true
		}
	}
	for _, c := range codes {
		if strings.HasPrefix(strings.ToUpper(c), "YN-9000") && !r.Veterans && len(codes) > 0 && onlyVeteranCodes(codes) {
			r.Veterans = true
		}
	}
	return r
}

// onlyVeteranCodes: a service whose only target codes are veterans' is for
// veterans; one that also names other groups is not limited to them.
func onlyVeteranCodes(codes []string) bool {
	for _, c := range codes {
		c = strings.ToUpper(c)
		if strings.HasPrefix(c, "Y") && !strings.HasPrefix(c, "YN-9000") && !strings.HasPrefix(c, "YJ-2050.2090") {
			return false
		}
	}
	return true
}

// Admits says whether a listing may serve a person of an age (nil:
// unknown) and gender ("": unknown) by the rule matching uses (the
// eligibility text, the structured ages, the target-population codes): the
// index's search filter by age and gender.
func Admits(l *listing.Listing, age *float64, gender string) bool {
	var buf [16]string
	r := ServiceRequirements(l.Eligibility, l.MinAge, l.MaxAge, appendTermCodes(buf[:0], l.Terms))
	only := Requirements{Audiences: r.Audiences, SoftAudiences: r.SoftAudiences}
	return only.status(Client{Age: age, Gender: gender}, math.NaN()) != Ineligible
}
