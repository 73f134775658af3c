package resources

import (
	"strings"
	"time"
	"unicode/utf8"
)

// CapacityStatus says whether a service can take a referral now: the
// Gravity Project's capacity statuses (HL7 SDOH Clinical Care STU3), with
// names a case manager reads at a glance.
type CapacityStatus string

// Capacity statuses. CapacityUnknown is never stored: it is what a
// capacity reads as when none was set or it is too old to trust.
const (
	CapacityAvailable          CapacityStatus = "available"
	CapacityFull               CapacityStatus = "full"
	CapacityWaitlist           CapacityStatus = "waitlist"
	CapacityAssessmentRequired CapacityStatus = "assessment-required"
	CapacityUnknown            CapacityStatus = "unknown"
)

// GravityCode is the status's code in the Gravity capacity value set.
func (s CapacityStatus) GravityCode() string {
	switch s {
	case CapacityAvailable:
		return "capacity"
	case CapacityFull:
		return "no-capacity"
	case CapacityWaitlist:
		return "waitlist"
	case CapacityAssessmentRequired:
		return "additional-assessment-required"
	}
	return ""
}

// CapacityMaxAge is how long a capacity is believed: an organization that
// said "full" six weeks ago may well have room now.
const CapacityMaxAge = 30 * 24 * time.Hour

// Capacity is what a service's organization said of its room to take
// clients, and when.
type Capacity struct {
	Status           CapacityStatus `json:"status"`
	ExpectedWaitDays *int           `json:"expected_wait_days,omitempty"`
	Note             string         `json:"note,omitempty"`
	AsOf             time.Time      `json:"as_of"`
	// SetBy names who said so (a key's or a person's name).
	SetBy string `json:"set_by,omitempty"`
}

// At returns the capacity as it stands at now: unknown when it was never
// set (the zero Capacity) or is older than CapacityMaxAge.
func (c Capacity) At(now time.Time) Capacity {
	if c.Status == "" || now.Sub(c.AsOf) > CapacityMaxAge {
		return Capacity{Status: CapacityUnknown}
	}
	return c
}

// CapacityView is a capacity as search results, match options and the
// capacity routes show it: without who set it.
type CapacityView struct {
	Status           CapacityStatus `json:"status"`
	GravityCode      string         `json:"gravity_code,omitempty"`
	AsOf             *time.Time     `json:"as_of,omitempty"`
	ExpectedWaitDays *int           `json:"expected_wait_days,omitempty"`
	Note             string         `json:"note,omitempty"`
}

// ViewAt returns how a capacity (nil: never set) is shown at now.
func ViewAt(c *Capacity, now time.Time) CapacityView {
	var cur Capacity
	if c != nil {
		cur = *c
	}
	cur = cur.At(now)
	v := CapacityView{Status: cur.Status, GravityCode: cur.Status.GravityCode(), ExpectedWaitDays: cur.ExpectedWaitDays, Note: cur.Note}
	if !cur.AsOf.IsZero() {
		at := cur.AsOf
		v.AsOf = &at
	}
	return v
}

// NewCapacity checks what an organization says of a service's capacity
// and stamps it with the time. EINVALID names each bad field.
func NewCapacity(status string, expectedWaitDays *int, note string, by string, now time.Time) (Capacity, error) {
	f := FieldErrors{}
	c := Capacity{Status: CapacityStatus(status), ExpectedWaitDays: expectedWaitDays,
		Note: strings.TrimSpace(note), AsOf: now.UTC().Truncate(time.Second), SetBy: by}
	switch c.Status {
	case CapacityAvailable, CapacityFull, CapacityWaitlist, CapacityAssessmentRequired:
	case "":
		f.Add("status", "is required: one of available, full, waitlist, assessment-required")
	default:
		f.Add("status", "is %q; use one of available, full, waitlist, assessment-required", status)
	}
	if d := expectedWaitDays; d != nil {
		switch {
		case c.Status != CapacityWaitlist:
			f.Add("expected_wait_days", "is only for a waitlist")
		case *d < 0 || *d > 730:
			f.Add("expected_wait_days", "is %d; give 0 to 730 days", *d)
		}
	}
	if n := utf8.RuneCountInString(c.Note); n > 500 {
		f.Add("note", "has %d characters; at most 500", n)
	}
	if HasControl(c.Note) {
		f.Add("note", "holds control characters")
	}
	return c, f.Err("the capacity")
}

// HasControl reports whether text people typed holds a control character
// other than a line break or a tab: such text is refused, not stored, since
// it would be shown on terminals and pages.
func HasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return true
		}
	}
	return false
}
