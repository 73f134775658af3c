package api

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/refer-project/refer/resources"
)

// params reads query parameters and collects every problem, so one 400
// names all the fields at fault.
type params struct {
	q    url.Values
	errs resources.FieldErrors
}

func newParams(q url.Values) *params { return &params{q: q, errs: resources.FieldErrors{}} }

func (p *params) str(name string, maxLen int) string {
	v := strings.TrimSpace(p.q.Get(name))
	if len(v) > maxLen {
		p.errs.Add(name, "is longer than %d characters", maxLen)
		return ""
	}
	return v
}

// DefaultMaxQueryLength is the most characters the words of a search (q,
// and the HSDS API's search) may have: far above what anyone types (a
// match's need text, read apart, may have 1,000).
const DefaultMaxQueryLength = 500

// maxQueryLength is the limit in force: Config.MaxQueryLength, set by New
// for the whole process, since the pages read a search through
// SearchQuery too.
var maxQueryLength atomic.Int64

func init() { maxQueryLength.Store(DefaultMaxQueryLength) }

// MaxQueryLength returns the most characters a search's words may have.
func MaxQueryLength() int { return int(maxQueryLength.Load()) }

func setMaxQueryLength(n int) {
	if n <= 0 {
		n = DefaultMaxQueryLength
	}
	maxQueryLength.Store(int64(n))
}

// text reads a search's words, bounded by MaxQueryLength.
func (p *params) text(name string) string {
	v := strings.TrimSpace(p.q.Get(name))
	if n, most := utf8.RuneCountInString(v), MaxQueryLength(); n > most {
		p.errs.Add(name, "has %d characters, more than the limit of %d for a search (--max-query-length)", n, most)
		return ""
	}
	return v
}

func (p *params) list(name string, maxItems int) []string {
	var out []string
	for _, v := range p.q[name] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	if len(out) > maxItems {
		p.errs.Add(name, "has %d values; at most %d are allowed", len(out), maxItems)
		return nil
	}
	return out
}

// float reads a number in [lo, hi]; ok is false when absent or wrong.
func (p *params) float(name string, lo, hi float64) (float64, bool) {
	v := strings.TrimSpace(p.q.Get(name))
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.errs.Add(name, "is %q, not a number", v)
		return 0, false
	}
	if f < lo || f > hi {
		p.errs.Add(name, "is %s; it must be between %g and %g", v, lo, hi)
		return 0, false
	}
	return f, true
}

func (p *params) int(name string, def, lo, hi int) int {
	v := strings.TrimSpace(p.q.Get(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.errs.Add(name, "is %q, not a whole number", v)
		return def
	}
	if n < lo || n > hi {
		p.errs.Add(name, "is %d; it must be between %d and %d", n, lo, hi)
		return def
	}
	return n
}

func (p *params) bool(name string, def bool) bool {
	v := strings.TrimSpace(p.q.Get(name))
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.errs.Add(name, "is %q; use true or false", v)
		return def
	}
	return b
}

func (p *params) time(name string) time.Time {
	v := strings.TrimSpace(p.q.Get(name))
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		p.errs.Add(name, "is %q; use an RFC 3339 time such as 2026-11-27T15:00:00-05:00", v)
	}
	return t
}

func (p *params) oneOf(name, def string, allowed ...string) string {
	v := strings.TrimSpace(p.q.Get(name))
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.errs.Add(name, "is %q; use one of %s", v, strings.Join(allowed, ", "))
	return def
}

func (p *params) err() error { return p.errs.Err("the request") }
