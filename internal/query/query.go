// Package query reads a request's query parameters and collects every
// problem, so one 400 names all the fields at fault. The faces that read
// query strings (the contract API in api/ and the HSDS read API in
// hsdsapi/) read them with it, so a parameter's rules are written once.
package query

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

// Params reads the parameters of Q; what is wrong goes into Errs.
type Params struct {
	Q    url.Values
	Errs resources.FieldErrors
}

// New returns a reader of q.
func New(q url.Values) *Params { return &Params{Q: q, Errs: resources.FieldErrors{}} }

// Get returns the parameter, trimmed; "" when absent.
func (p *Params) Get(name string) string { return strings.TrimSpace(p.Q.Get(name)) }

// Str returns the parameter, at most maxLen bytes long.
func (p *Params) Str(name string, maxLen int) string {
	v := p.Get(name)
	if len(v) > maxLen {
		p.Errs.Add(name, "is longer than %d characters", maxLen)
		return ""
	}
	return v
}

// DefaultMaxQueryLength is the most characters the words of a search (q,
// and the HSDS API's search) may have: far above what anyone types (a
// match's need text, read apart, may have 1,000).
const DefaultMaxQueryLength = 500

// maxQueryLength is the limit in force, for the whole process: every face
// and the pages read a search's words through Text.
var maxQueryLength atomic.Int64

func init() { maxQueryLength.Store(DefaultMaxQueryLength) }

// MaxQueryLength returns the most characters a search's words may have.
func MaxQueryLength() int { return int(maxQueryLength.Load()) }

// SetMaxQueryLength sets it (--max-query-length); 0 or less restores the
// default.
func SetMaxQueryLength(n int) {
	if n <= 0 {
		n = DefaultMaxQueryLength
	}
	maxQueryLength.Store(int64(n))
}

// Text reads a search's words, bounded by MaxQueryLength in characters.
func (p *Params) Text(name string) string {
	v := p.Get(name)
	if n, most := utf8.RuneCountInString(v), MaxQueryLength(); n > most {
		p.Errs.Add(name, "has %d characters, more than the limit of %d for a search (--max-query-length)", n, most)
		return ""
	}
	return v
}

// List returns the parameter's values, repeated or comma-separated, at
// most maxItems of them.
func (p *Params) List(name string, maxItems int) []string {
	var out []string
	for _, v := range p.Q[name] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	if len(out) > maxItems {
		p.Errs.Add(name, "has %d values; at most %d are allowed", len(out), maxItems)
		return nil
	}
	return out
}

// Float reads a number in [lo, hi]; ok is false when absent or wrong.
func (p *Params) Float(name string, lo, hi float64) (float64, bool) {
	v := p.Get(name)
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.Errs.Add(name, "is %q, not a number", v)
		return 0, false
	}
	if f < lo || f > hi {
		p.Errs.Add(name, "is %s; it must be between %g and %g", v, lo, hi)
		return 0, false
	}
	return f, true
}

// Int reads a whole number in [lo, hi]; def when absent or wrong.
func (p *Params) Int(name string, def, lo, hi int) int {
	v := p.Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.Errs.Add(name, "is %q, not a whole number", v)
		return def
	}
	if n < lo || n > hi {
		p.Errs.Add(name, "is %d; it must be between %d and %d", n, lo, hi)
		return def
	}
	return n
}

// Bool reads true or false; def when absent or wrong.
func (p *Params) Bool(name string, def bool) bool {
	v := p.Get(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.Errs.Add(name, "is %q; use true or false", v)
		return def
	}
	return b
}

// Time reads an RFC 3339 time; zero when absent.
func (p *Params) Time(name string) time.Time {
	v := p.Get(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		p.Errs.Add(name, "is %q; use an RFC 3339 time such as 2026-11-27T15:00:00-05:00", v)
	}
	return t
}

// OneOf reads one of allowed; def when absent or wrong.
func (p *Params) OneOf(name, def string, allowed ...string) string {
	v := p.Get(name)
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.Errs.Add(name, "is %q; use one of %s", v, strings.Join(allowed, ", "))
	return def
}

// Err is the 400 naming every field at fault, or nil.
func (p *Params) Err() error { return p.Errs.Err("the request") }
