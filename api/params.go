package api

import (
	"net/url"
	"time"

	"github.com/refer-project/refer/internal/query"
	"github.com/refer-project/refer/resources"
)

// params reads query parameters with query.Params, the reader the HSDS read
// API shares, under the names api's handlers use.
type params struct {
	*query.Params
	q    url.Values
	errs resources.FieldErrors
}

func newParams(q url.Values) *params {
	p := query.New(q)
	return &params{Params: p, q: p.Q, errs: p.Errs}
}

func (p *params) text(name string) string                    { return p.Text(name) }
func (p *params) str(name string, maxLen int) string         { return p.Str(name, maxLen) }
func (p *params) list(name string, maxItems int) []string    { return p.List(name, maxItems) }
func (p *params) int(name string, def, lo, hi int) int       { return p.Int(name, def, lo, hi) }
func (p *params) bool(name string, def bool) bool            { return p.Bool(name, def) }
func (p *params) time(name string) time.Time                 { return p.Time(name) }
func (p *params) oneOf(name, def string, a ...string) string { return p.OneOf(name, def, a...) }
func (p *params) err() error                                 { return p.Err() }

// float reads a number in [lo, hi]; ok is false when absent or wrong.
func (p *params) float(name string, lo, hi float64) (float64, bool) { return p.Float(name, lo, hi) }
