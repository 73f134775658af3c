package hsds

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/refer-project/refer/resources"
)

// Report counts what Load did. Rejected holds a line per record that was not
// stored, from reading (Directory.Problems) and from the store (a record
// that failed validation or points at nothing); Warnings the repairs.
type Report struct {
	Created   int
	Updated   int
	Unchanged int
	Rejected  []string
	Warnings  []string
	// Cleaned counts the text repairs made before storing (Clean).
	Cleaned Cleaned
}

// Imported reports whether at least one record is in the store as the files
// say: created, updated, or already there unchanged.
func (r Report) Imported() bool { return r.Created+r.Updated+r.Unchanged > 0 }

// BatchSize is the number of records written in one store transaction: big
// enough that an import is not bound by fsync and that pages of buckets
// written all over (refs, the audit index) are rewritten seldom (8000 took
// a third less commit time than 2000 at 100k services), small enough that
// a transaction's dirty pages stay some tens of megabytes.
const BatchSize = 8000

// Load writes a directory's records into the store, parents before children
// and in batches, so that each record's references exist when it is checked.
// A directory of at most BatchSize records is written in one transaction,
// whole or not at all; a bigger one in several, so a caller that wants it
// whole writes it into a copy of the store (as refer import does).
// Loading the same directory twice leaves the store as it was (all records
// unchanged). Text is cleaned first (Clean), whichever reader read it. The error is for a store that cannot be written at all.
func Load(ctx context.Context, s resources.Store, d *Directory) (Report, error) {
	rep := Report{Cleaned: Clean(d)}
	for _, p := range d.Problems {
		if p.Rejected {
			rep.Rejected = append(rep.Rejected, p.String())
		} else {
			rep.Warnings = append(rep.Warnings, p.String())
		}
	}
	warnings, err := dropDanglingLinks(ctx, s, d.Records, nil)
	if err != nil {
		return rep, err
	}
	rep.Warnings = append(rep.Warnings, warnings...)
	ordered := storeOrder(d.Records)
	for start := 0; start < len(ordered); start += BatchSize {
		end := min(start+BatchSize, len(ordered))
		res, err := s.PutBatch(ctx, ordered[start:end])
		if err != nil {
			return rep, err
		}
		rep.Created += res.Created
		rep.Updated += res.Updated
		rep.Unchanged += res.Unchanged
		for _, e := range res.Rejected {
			rep.Rejected = append(rep.Rejected, e.Error())
		}
	}
	return rep, nil
}

// dropDanglingLinks clears optional links to records that are neither in
// the directory nor in the store (a parent organization, a term's parent or
// taxonomy, a service's program, a location's organization), with a warning
// each: the record is still worth having. Required links (a service's
// organization, a site's service and location) are left for the store to
// reject, since the record means nothing without them.
//
// known, if not nil, says of records the store surely holds, sparing a
// look there.
func dropDanglingLinks(ctx context.Context, s resources.Store, recs []resources.Record, known func(resources.Kind, string) bool) ([]string, error) {
	have := map[resources.Ref]bool{}
	for _, r := range recs {
		have[resources.Ref{Kind: r.Kind(), ID: r.RecordID()}] = true
	}
	exists := func(k resources.Kind, id string) (bool, error) {
		if have[resources.Ref{Kind: k, ID: id}] || known != nil && known(k, id) {
			return true, nil
		}
		_, err := s.Get(ctx, k, id)
		switch resources.ErrorCode(err) {
		case "":
			return true, nil
		case resources.ENOTFOUND:
			return false, nil
		}
		return false, err
	}
	var warnings []string
	check := func(r resources.Record, field string, k resources.Kind, link *string) error {
		if *link == "" {
			return nil
		}
		ok, err := exists(k, *link)
		if err != nil || ok {
			return err
		}
		warnings = append(warnings, fmt.Sprintf("%s %q: %s %q names no %s; link dropped", r.Kind(), r.RecordID(), field, *link, k))
		*link = ""
		return nil
	}
	for _, r := range recs {
		var err error
		switch r := r.(type) {
		case *resources.Organization:
			err = check(r, "parent_organization_id", resources.KindOrganization, &r.ParentOrganizationID)
		case *resources.TaxonomyTerm:
			if err = check(r, "parent_id", resources.KindTaxonomyTerm, &r.ParentID); err == nil {
				err = check(r, "taxonomy_id", resources.KindTaxonomy, &r.TaxonomyID)
			}
		case *resources.Service:
			err = check(r, "program_id", resources.KindProgram, &r.ProgramID)
		case *resources.Location:
			err = check(r, "organization_id", resources.KindOrganization, &r.OrganizationID)
		}
		if err != nil {
			return nil, err
		}
	}
	return warnings, nil
}

// storeOrder sorts records by kind (parents first, as resources.Kinds lists
// them), then by id; within organizations and taxonomy terms, which can
// point at their own kind, a parent comes before its children.
func storeOrder(recs []resources.Record) []resources.Record {
	rank := make(map[resources.Kind]int, len(resources.Kinds))
	for i, k := range resources.Kinds {
		rank[k] = i
	}
	// Depth of each self-referencing record, so parents sort first.
	parentOf := map[resources.Kind]map[string]string{
		resources.KindOrganization: {},
		resources.KindTaxonomyTerm: {},
	}
	for _, r := range recs {
		switch r := r.(type) {
		case *resources.Organization:
			parentOf[resources.KindOrganization][r.ID] = r.ParentOrganizationID
		case *resources.TaxonomyTerm:
			parentOf[resources.KindTaxonomyTerm][r.ID] = r.ParentID
		}
	}
	depth := func(k resources.Kind, id string) int {
		parents := parentOf[k]
		if parents == nil {
			return 0
		}
		d := 0
		for seen := map[string]bool{id: true}; ; d++ {
			p, ok := parents[id]
			if !ok || p == "" || seen[p] {
				return d
			}
			seen[p] = true
			id = p
		}
	}
	// The sort keys are worked out once per record, not per comparison.
	type keyed struct {
		rank, depth int
		id          string
		r           resources.Record
	}
	ks := make([]keyed, len(recs))
	for i, r := range recs {
		k := r.Kind()
		ks[i] = keyed{rank[k], depth(k, r.RecordID()), r.RecordID(), r}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		if c := cmp.Compare(a.depth, b.depth); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]resources.Record, len(ks))
	for i, k := range ks {
		out[i] = k.r
	}
	return out
}
