package hsds

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/refer-project/refer/resources"
)

// Directory is what a reader got out of a set of files: records ready for
// the store, and what it could not use or had to repair.
type Directory struct {
	// Records in any order; Load writes them parents first.
	Records []resources.Record
	// Problems found while reading, in file order.
	Problems []Problem
}

// Problem is one thing a reader could not use (Rejected) or had to repair
// (a warning): a row that points at nothing, a value it could not parse.
type Problem struct {
	Source   string // file and row, e.g. "services.csv:12"
	Kind     resources.Kind
	ID       string
	Reason   string
	Rejected bool
}

func (p Problem) String() string {
	what := "warning"
	if p.Rejected {
		what = "rejected"
	}
	rec := ""
	if p.Kind != "" {
		rec = fmt.Sprintf(" %s %q", p.Kind, p.ID)
	}
	return fmt.Sprintf("%s: %s%s: %s", p.Source, what, rec, p.Reason)
}

// Options tune reading.
type Options struct {
	// Centroid returns the centroid of a US ZIP code, for locations that
	// have an address but no coordinates. Nil turns the fallback off.
	Centroid func(zip string) (lat, lon float64, ok bool)
	// Limits bound what is read; zero fields take DefaultLimits'.
	Limits Limits
}

// idSpace is the namespace for ids derived from a source's own keys.
var idSpace = uuid.MustParse("5b0c3f5e-5a43-4f0e-9a52-6f1c7d0d2a11")

// DerivedID returns a stable uuid for a record that its source gave no id
// (a 1.1 schedule row, a phone nested without one), made from the parts that
// identify it there, so that reading the same files twice gives the same ids.
func DerivedID(parts ...string) string {
	key := ""
	for _, p := range parts {
		key += p + "\x00"
	}
	return uuid.NewSHA1(idSpace, []byte(key)).String()
}
