package people

import (
	"sync"
	"time"
)

// Sign-in limits: failures counted in a window, per account (a guessed
// password for one person) and per address (one machine trying many
// people). A success clears its account's count, not its address's.
const (
	limitWindow     = 15 * time.Minute
	accountFailures = 5
	addressFailures = 20
	// maxTracked bounds the memory the counts take; past it, windows that
	// ended are dropped, and if none has, the oldest is.
	maxTracked = 10000
)

type window struct {
	start    time.Time
	failures int
}

type limits struct {
	mu       sync.Mutex
	now      func() time.Time
	accounts map[string]*window
	address  map[string]*window
}

func newLimits(now func() time.Time) *limits {
	return &limits{now: now, accounts: map[string]*window{}, address: map[string]*window{}}
}

// wait returns how long the account or the address must wait before it
// may try again; zero when it may now.
func (l *limits) wait(account, address string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	return max(blocked(l.accounts[account], accountFailures, now), blocked(l.address[address], addressFailures, now))
}

func blocked(w *window, limit int, now time.Time) time.Duration {
	if w == nil || w.failures < limit {
		return 0
	}
	return max(0, w.start.Add(limitWindow).Sub(now))
}

func (l *limits) failed(account, address string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	count(l.accounts, account, now)
	count(l.address, address, now)
}

func (l *limits) succeeded(account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.accounts, account)
}

func count(m map[string]*window, key string, now time.Time) {
	w := m[key]
	if w == nil || now.Sub(w.start) >= limitWindow {
		if len(m) >= maxTracked {
			prune(m, now)
		}
		w = &window{start: now}
		m[key] = w
	}
	w.failures++
}

func prune(m map[string]*window, now time.Time) {
	var oldest string
	for k, w := range m {
		if now.Sub(w.start) >= limitWindow {
			delete(m, k)
		} else if oldest == "" || w.start.Before(m[oldest].start) {
			oldest = k
		}
	}
	if len(m) >= maxTracked {
		delete(m, oldest)
	}
}
