package matcher

import (
	"fmt"
	"time"

	"github.com/refer-project/refer/resources"
)

// capacityFactor scales an option's score by what its organization says of
// its room to take clients now: a service that says it is full goes below
// comparable ones that may have room (it is still offered: a case manager
// may know better, and capacity changes by the day); a waitlist costs
// less. Unknown, available and "assessment required" leave the score as
// it is.
func capacityFactor(c *resources.Capacity, now time.Time) float64 {
	if c == nil {
		return 1
	}
	switch c.At(now).Status {
	case resources.CapacityFull:
		return 0.6
	case resources.CapacityWaitlist:
		return 0.85
	}
	return 1
}

// capacityReason says what a case manager should know of the service's
// capacity, with the day it was said; "" when there is nothing to say.
func capacityReason(c *resources.Capacity, now time.Time) string {
	if c == nil {
		return ""
	}
	cur := c.At(now)
	day := cur.AsOf.Format("Jan 2")
	switch cur.Status {
	case resources.CapacityAvailable:
		return "Taking new clients (said " + day + ")"
	case resources.CapacityFull:
		return "No capacity now (said " + day + "): ranked lower; call before referring"
	case resources.CapacityWaitlist:
		if w := cur.ExpectedWaitDays; w != nil {
			return fmt.Sprintf("Waitlist, about %d days (said %s)", *w, day)
		}
		return "Waitlist (said " + day + ")"
	case resources.CapacityAssessmentRequired:
		return "Assessment needed before intake (said " + day + ")"
	}
	return ""
}
