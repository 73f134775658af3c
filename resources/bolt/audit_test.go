package bolt_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
)

func TestAuditTrail(t *testing.T) {
	db := MustOpen(t, withClock())
	seed(t, db) // a batch, by "import"
	imported, _ := db.Audit(ctx, resources.AuditQuery{})
	seed(t, db) // the same again changes nothing and adds nothing
	if again, _ := db.Audit(ctx, resources.AuditQuery{}); len(again) != len(imported) || len(imported) != 7 {
		t.Errorf("an import of 7 records added %d entries, and the same again %d more", len(imported), len(again)-len(imported))
	}
	ana := resources.Actor{KeyID: "k1", Name: "Ana", Role: resources.RoleOrgEditor}
	actx := resources.WithActor(ctx, ana)

	s, _ := resources.Get[*resources.Service](ctx, db, "s1")
	s.Name = "Renamed"
	s.URL = "https://example.org"
	if _, err := db.Update(actx, s, 0); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(actx, resources.KindServiceAtLocation, "sl1", 0); err != nil {
		t.Fatal(err)
	}

	got, err := db.Audit(ctx, resources.AuditQuery{RecordID: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("s1 has %d entries, want its import and its update: %+v", len(got), got)
	}
	up, imp := got[0], got[1]
	if up.Action != resources.ActionUpdate || up.Actor != ana || up.Kind != "service" || up.Version != 2 || !up.At.Equal(clock) {
		t.Errorf("update entry %+v", up)
	}
	if imp.Action != resources.ActionCreate || imp.Actor != resources.ActorImport || up.Seq <= imp.Seq {
		t.Errorf("import entry %+v", imp)
	}
	changed := map[string]string{}
	for _, c := range up.Changes {
		changed[c.Field] = string(c.Old) + " -> " + string(c.New)
	}
	// last_modified changed too: the import stamped the same clock, so it
	// did not.
	if len(changed) != 2 || changed["name"] != `"Service s1" -> "Renamed"` || changed["url"] != ` -> "https://example.org"` {
		t.Errorf("changes %v", changed)
	}

	del, _ := db.Audit(ctx, resources.AuditQuery{RecordID: "sl1", Kind: "service_at_location"})
	if len(del) != 2 || del[0].Action != resources.ActionDelete || del[0].Changes[0].New != nil || del[0].Actor != ana {
		t.Errorf("delete entries %+v", del)
	}

	// The whole trail, newest first, by kind, in pages.
	all, _ := db.Audit(ctx, resources.AuditQuery{})
	if len(all) != 9 || all[0].RecordID != "sl1" || all[0].Action != resources.ActionDelete {
		t.Fatalf("trail of %d entries, first %+v", len(all), all[0])
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq >= all[i-1].Seq {
			t.Errorf("entry %d (seq %d) is not older than the one before (%d)", i, all[i].Seq, all[i-1].Seq)
		}
	}
	page, _ := db.Audit(ctx, resources.AuditQuery{Limit: 3, Before: all[2].Seq})
	if len(page) != 3 || page[0].Seq != all[3].Seq {
		t.Errorf("page after seq %d: %+v", all[2].Seq, page)
	}
	svcs, _ := db.Audit(ctx, resources.AuditQuery{Kind: "service"})
	if len(svcs) != 2 {
		t.Errorf("%d service entries, want 2", len(svcs))
	}
	if none, _ := db.Audit(ctx, resources.AuditQuery{RecordID: "s1", Kind: "organization"}); len(none) != 0 {
		t.Errorf("s1 as an organization: %+v", none)
	}
	if none, _ := db.Audit(ctx, resources.AuditQuery{RecordID: "s"}); len(none) != 0 {
		t.Errorf("a prefix of an id found %+v", none)
	}
	if none, _ := db.Audit(ctx, resources.AuditQuery{RecordID: "s1/"}); len(none) != 0 {
		t.Errorf("an id with a slash found %+v", none)
	}
}

func TestEditsStampLastModified(t *testing.T) {
	db := MustOpen(t, withClock())
	given := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	o := org("o1")
	o.LastModified = &given
	created, err := db.Create(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if lm := resources.TrackedOf(created).LastModified; !lm.Equal(stamp) {
		t.Errorf("Create kept last_modified %v; an edit is stamped %v", lm, stamp)
	}
	o.LastModified = &given
	updated, err := db.Update(ctx, o, 0)
	if err != nil {
		t.Fatal(err)
	}
	if lm := resources.TrackedOf(updated).LastModified; !lm.Equal(stamp) {
		t.Errorf("Update kept last_modified %v; an edit is stamped %v", lm, stamp)
	}
}

func TestTransact(t *testing.T) {
	db := MustOpen(t)
	seed(t, db)
	before, _ := db.LastSeq(ctx)
	trail, _ := db.Audit(ctx, resources.AuditQuery{})

	// A failure part-way keeps nothing that came before it.
	boom := errors.New("boom")
	err := db.Transact(ctx, func(tx resources.Tx) error {
		if _, err := tx.Create(svc("s2", "o1")); err != nil {
			return err
		}
		// Reads see the transaction's own writes.
		if _, err := tx.Get(resources.KindService, "s2"); err != nil {
			return err
		}
		if rs, err := tx.List(resources.KindService, resources.ListOptions{Of: resources.Ref{Kind: resources.KindOrganization, ID: "o1"}}); err != nil || len(rs) != 2 {
			t.Errorf("List in the transaction: %d, %v", len(rs), err)
		}
		if err := tx.Delete(resources.KindServiceAtLocation, "sl1", 0); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Transact = %v, want the function's error", err)
	}
	if _, err := db.Get(ctx, resources.KindService, "s2"); resources.ErrorCode(err) != resources.ENOTFOUND {
		t.Errorf("s2 survived a failed transaction: %v", err)
	}
	if _, err := db.Get(ctx, resources.KindServiceAtLocation, "sl1"); err != nil {
		t.Errorf("sl1 was deleted by a failed transaction: %v", err)
	}
	if after, _ := db.LastSeq(ctx); after != before {
		t.Errorf("the change log moved from %d to %d", before, after)
	}
	if again, _ := db.Audit(ctx, resources.AuditQuery{}); len(again) != len(trail) {
		t.Errorf("the audit trail grew by %d", len(again)-len(trail))
	}

	// A service and its place, replaced together, as one change each.
	err = db.Transact(resources.WithActor(ctx, resources.Actor{Name: "Ana"}), func(tx resources.Tx) error {
		if err := tx.Delete(resources.KindServiceAtLocation, "sl1", 0); err != nil {
			return err
		}
		if _, err := tx.Create(svc("s2", "o1")); err != nil {
			return err
		}
		_, err := tx.Create(sal("sl2", "s2", "l1"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := db.LastSeq(ctx); after != before+3 {
		t.Errorf("the change log moved from %d to %d, want 3 changes", before, after)
	}
	last, _ := db.Audit(ctx, resources.AuditQuery{Limit: 3})
	if len(last) != 3 || last[0].RecordID != "sl2" || last[0].Actor.Name != "Ana" {
		t.Errorf("audit %+v", last)
	}
}

func TestKeys(t *testing.T) {
	db := MustOpen(t, withClock())
	seed(t, db)
	admin, adminToken, err := resources.NewKey("Root", resources.RoleAdmin, "", "", clock)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateKey(ctx, admin); err != nil {
		t.Fatal(err)
	}
	ed, _, _ := resources.NewKey("Ana", resources.RoleOrgEditor, "o1", "", clock.Add(time.Second))
	if err := db.CreateKey(ctx, ed); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "same id", db.CreateKey(ctx, ed), resources.ECONFLICT)
	stray, _, _ := resources.NewKey("Bo", resources.RoleOrgEditor, "nowhere", "", clock)
	err = db.CreateKey(ctx, stray)
	wantCode(t, "unknown organization", err, resources.EINVALID)
	if resources.ErrorFields(err)["organization_id"] == "" {
		t.Errorf("%v does not name organization_id", err)
	}

	got, err := db.GetKey(ctx, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, secret, _ := resources.ParseKeyToken(adminToken)
	if !got.Matches(secret) || got.Name != "Root" || !got.Active() {
		t.Errorf("stored key %+v does not match its secret", got)
	}
	_, err = db.GetKey(ctx, "nope")
	wantCode(t, "get unknown", err, resources.ENOTFOUND)

	list, _ := db.ListKeys(ctx)
	if len(list) != 2 || list[0].ID != admin.ID || list[1].ID != ed.ID {
		t.Errorf("list %+v", list)
	}

	revoked, err := db.RevokeKey(resources.WithActor(ctx, resources.Actor{KeyID: admin.ID, Name: "Root"}), ed.ID)
	if err != nil || revoked.Active() || !revoked.Revoked.Equal(stamp) {
		t.Fatalf("revoke: %+v %v", revoked, err)
	}
	if again, err := db.RevokeKey(ctx, ed.ID); err != nil || !again.Revoked.Equal(stamp) {
		t.Errorf("revoking again: %+v %v", again, err)
	}
	_, err = db.RevokeKey(ctx, "nope")
	wantCode(t, "revoke unknown", err, resources.ENOTFOUND)
	if g, _ := db.GetKey(ctx, ed.ID); g.Active() {
		t.Error("a revoked key is active")
	}

	trail, _ := db.Audit(ctx, resources.AuditQuery{RecordID: ed.ID, Kind: resources.AuditKindKey})
	if len(trail) != 2 || trail[0].Action != resources.ActionRevoke || trail[0].Actor.Name != "Root" || trail[1].Action != resources.ActionCreate {
		t.Fatalf("key trail %+v", trail)
	}
	for _, e := range trail {
		for _, c := range e.Changes {
			if c.Field == "hash" {
				t.Errorf("the audit trail holds the key's hash: %+v", c)
			}
		}
	}

	// Only the hash is in the file: no secret, not even in free pages.
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), secret) {
		t.Error("the key's secret is in the store's file")
	}
}

// TestAuditHistoryOneImage follows a record through several edits: each
// entry keeps only the record as it was, and the trail still shows every
// field from what to what, also when a record of another kind has the same
// id and its entries sit between.
func TestAuditHistoryOneImage(t *testing.T) {
	db := MustOpen(t, withClock())
	seed(t, db)
	mustCreate(t, db, org("s1")) // an organization with the service's id
	for _, name := range []string{"A", "B", "C"} {
		s, _ := resources.Get[*resources.Service](ctx, db, "s1")
		s.Name = name
		if _, err := db.Update(ctx, s, 0); err != nil {
			t.Fatal(err)
		}
		o, _ := resources.Get[*resources.Organization](ctx, db, "s1")
		o.Name = "Org " + name
		if _, err := db.Update(ctx, o, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Delete(ctx, resources.KindOrganization, "s1", 0); err != nil {
		t.Fatal(err)
	}
	names := func(kind string) []string {
		t.Helper()
		es, err := db.Audit(ctx, resources.AuditQuery{RecordID: "s1", Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			for _, c := range e.Changes {
				if c.Field == "name" {
					out = append(out, e.Action+" "+string(c.Old)+" -> "+string(c.New))
				}
			}
		}
		return out
	}
	want := []string{`update "B" -> "C"`, `update "A" -> "B"`, `update "Service s1" -> "A"`, `create  -> "Service s1"`}
	if got := names("service"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("service s1's trail:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	want = []string{`delete "Org C" -> `, `update "Org B" -> "Org C"`, `update "Org A" -> "Org B"`, `update "Org s1" -> "Org A"`, `create  -> "Org s1"`}
	if got := names("organization"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("organization s1's trail:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTransactChecksAParentDeletedInIt: a parent deleted earlier in a
// transaction is gone for the rest of it: a record that names it
// afterwards is refused.
func TestTransactChecksAParentDeletedInIt(t *testing.T) {
	db := MustOpen(t)
	if _, err := db.PutBatch(ctx, []resources.Record{org("o9")}); err != nil {
		t.Fatal(err)
	}
	err := db.Transact(ctx, func(tx resources.Tx) error {
		if _, err := tx.Create(svc("s9", "o9")); err != nil {
			return err
		}
		if err := tx.Delete(resources.KindService, "s9", 0); err != nil {
			return err
		}
		if err := tx.Delete(resources.KindOrganization, "o9", 0); err != nil {
			return err
		}
		_, err := tx.Create(svc("s10", "o9"))
		return err
	})
	if resources.ErrorCode(err) != resources.EINVALID || !strings.Contains(err.Error(), `names no organization "o9"`) {
		t.Fatalf("a service naming an organization deleted earlier in the transaction: %v, want %s naming it", err, resources.EINVALID)
	}
}
