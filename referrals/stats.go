package referrals

import (
	"cmp"
	"context"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/refer-project/refer/resources"
)

// Stats are the figures of referrals made in a period: what 211s and
// health systems report.
type Stats struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Total int       `json:"total"`
	// By status (as they stand now), need and receiving organization.
	ByStatus       map[resources.ReferralStatus]int `json:"by_status"`
	ByNeed         map[string]int                   `json:"by_need"`
	ByOrganization map[string]int                   `json:"by_organization"`
	// AcceptanceRate is the share of referrals the receiver answered
	// (accepted, or rejected) that it accepted; null when none was
	// answered.
	AcceptanceRate *float64 `json:"acceptance_rate"`
	// CompletionRate is the share of referrals whose loop closed (completed,
	// failed, rejected or cancelled) that were completed: the client got
	// help. Referrals entered in error count in neither.
	CompletionRate *float64 `json:"completion_rate"`
	// MedianFirstResponseHours is the median time from a referral to the
	// receiver's first answer, over the referrals answered.
	MedianFirstResponseHours *float64 `json:"median_first_response_hours"`
	Responded                int      `json:"responded"`
}

// StatsFilter selects the referrals counted.
type StatsFilter struct {
	From, To       time.Time // To exclusive; default: the 30 days before now
	OrganizationID string
	Need           string
}

// DefaultPeriod is the period figures cover when none is given.
const DefaultPeriod = 30 * 24 * time.Hour

// Period fills in a period's missing ends: to defaults to now, from to
// DefaultPeriod before to.
func Period(from, to, now time.Time) (time.Time, time.Time, error) {
	if to.IsZero() {
		to = now
	}
	if from.IsZero() {
		from = to.Add(-DefaultPeriod)
	}
	if !from.Before(to) {
		return from, to, invalidField("from", "must be before to")
	}
	return from, to, nil
}

// Stats counts the referrals someone may see figures of: an admin, all; an
// organization's staff, those sent to it; anyone else, those they sent.
func (rs *Referrals) Stats(ctx context.Context, a resources.Actor, f StatsFilter) (*Stats, error) {
	from, to, err := Period(f.From, f.To, rs.now())
	if err != nil {
		return nil, err
	}
	st := &Stats{From: from.UTC(), To: to.UTC(), ByStatus: map[resources.ReferralStatus]int{},
		ByNeed: map[string]int{}, ByOrganization: map[string]int{}}
	var parties []string
	switch {
	case a.Role == resources.RoleAdmin:
	case a.OrganizationID != "":
		parties = []string{resources.PartyOrganization(a.OrganizationID)}
	default:
		parties = []string{resources.PartySender(a)}
	}
	var answered, accepted, closed, completed int
	var waits []float64
	err = rs.store.ScanReferrals(ctx, parties, from, func(r *resources.Referral) bool {
		if !r.Created.Before(to) || r.Created.Before(from) ||
			a.Role != resources.RoleAdmin && a.OrganizationID != "" && r.OrganizationID != a.OrganizationID ||
			f.OrganizationID != "" && r.OrganizationID != f.OrganizationID ||
			f.Need != "" && r.Need != f.Need {
			return true
		}
		st.Total++
		st.ByStatus[r.Status]++
		st.ByNeed[r.Need]++
		st.ByOrganization[r.OrganizationID]++
		wasAccepted, wasRejected := false, false
		for _, e := range r.History {
			switch e.Status {
			case resources.StatusAccepted, resources.StatusInProgress, resources.StatusCompleted:
				wasAccepted = true
			case resources.StatusRejected:
				wasRejected = true
			}
		}
		if wasAccepted || wasRejected {
			answered++
			if wasAccepted {
				accepted++
			}
		}
		switch r.Status {
		case resources.StatusCompleted:
			completed++
			closed++
		case resources.StatusFailed, resources.StatusRejected, resources.StatusCancelled:
			closed++
		}
		if t := r.FirstResponse(); !t.IsZero() {
			waits = append(waits, t.Sub(r.Created).Hours())
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	st.AcceptanceRate = ratio(accepted, answered)
	st.CompletionRate = ratio(completed, closed)
	st.Responded = len(waits)
	if len(waits) > 0 {
		slices.Sort(waits)
		m := waits[len(waits)/2]
		if len(waits)%2 == 0 {
			m = (waits[len(waits)/2-1] + m) / 2
		}
		m = math.Round(m*100) / 100
		st.MedianFirstResponseHours = &m
	}
	return st, nil
}

func ratio(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	r := math.Round(float64(n)/float64(of)*1000) / 1000
	return &r
}

// Unmet is one row of the community-need report.
type Unmet struct {
	Need     string `json:"need"`
	Postcode string `json:"postcode"`
	Count    int    `json:"count"`
}

// UnmetReport returns, for each need and postcode, how many matches in the
// period found no option for the need within their own distance; most
// first. Only admins see it: it covers the whole community.
func (rs *Referrals) UnmetReport(ctx context.Context, a resources.Actor, from, to time.Time) ([]Unmet, error) {
	if a.Role != resources.RoleAdmin {
		return nil, resources.Errorf(resources.EFORBIDDEN, "the community-need report is for admins")
	}
	from, to, err := Period(from, to, rs.now())
	if err != nil {
		return nil, err
	}
	counts, err := rs.store.Unmet(ctx, from, to)
	if err != nil {
		return nil, err
	}
	sum := map[[2]string]int{}
	for k, n := range counts {
		sum[[2]string{k.Need, k.Postcode}] += n
	}
	out := make([]Unmet, 0, len(sum))
	for k, n := range sum {
		out = append(out, Unmet{Need: k[0], Postcode: k[1], Count: n})
	}
	slices.SortFunc(out, func(a, b Unmet) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Need, b.Need), cmp.Compare(a.Postcode, b.Postcode))
	})
	return out, nil
}

// UnmetCounter counts unmet needs as matches run, in memory, and writes
// the counts to the store every so often: a match must not wait for a
// disk write, and a crash loses at most the last interval's counts of a
// report that is a tally. It keeps no client data: a day, a need code and
// a postcode.
type UnmetCounter struct {
	Store resources.ReferralStore
	Now   func() time.Time
	Log   *slog.Logger

	mu     sync.Mutex
	counts map[resources.UnmetKey]int
}

// Add counts one match's unmet needs for a postcode.
func (u *UnmetCounter) Add(needs []string, postcode string) {
	if len(needs) == 0 {
		return
	}
	if !postcodeLike(postcode) {
		postcode = ""
	}
	day := u.Now().UTC().Format(time.DateOnly)
	u.mu.Lock()
	if u.counts == nil {
		u.counts = map[resources.UnmetKey]int{}
	}
	for _, n := range needs {
		u.counts[resources.UnmetKey{Day: day, Need: n, Postcode: postcode}]++
	}
	u.mu.Unlock()
}

// Flush writes the counts kept so far.
func (u *UnmetCounter) Flush(ctx context.Context) error {
	u.mu.Lock()
	counts := u.counts
	u.counts = nil
	u.mu.Unlock()
	if err := u.Store.AddUnmet(ctx, counts); err != nil {
		// Put them back for the next flush.
		u.mu.Lock()
		if u.counts == nil {
			u.counts = map[resources.UnmetKey]int{}
		}
		for k, n := range counts {
			u.counts[k] += n
		}
		u.mu.Unlock()
		return err
	}
	return nil
}

// Run flushes every interval until ctx ends, and once more then.
func (u *UnmetCounter) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := u.Flush(context.WithoutCancel(ctx)); err != nil && u.Log != nil {
				u.Log.Error("unmet needs: flush failed", "err", err)
			}
			return
		case <-t.C:
			if err := u.Flush(ctx); err != nil && u.Log != nil && ctx.Err() == nil {
				u.Log.Error("unmet needs: flush failed", "err", err)
			}
		}
	}
}

// postcodeLike accepts postcodes of up to ten letters, digits, spaces and
// dashes, so a count's key holds nothing else.
func postcodeLike(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == ' ' || r == '-') {
			return false
		}
	}
	return true
}
