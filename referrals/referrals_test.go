package referrals_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	rs    *referrals.Referrals
	db    *bolt.DB
	path  string
	clock *clock
	key   []byte
}

func newKey(tb testing.TB) []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		tb.Fatal(err)
	}
	return k
}

// newEnv opens a real store in a temporary folder with the fixture
// directory, and Referrals over it sealing with a fresh key.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "refer.db")
	db, err := bolt.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	fixture.Seed(tb, db)
	e := &env{db: db, path: path, clock: &clock{t: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)}, key: newKey(tb)}
	sealer, err := referrals.NewSealer(e.key)
	if err != nil {
		tb.Fatal(err)
	}
	e.rs = referrals.New(referrals.Config{Directory: db, Store: db, Sealer: sealer, Now: e.clock.Now,
		KnownNeed: func(c string) bool {
			return c == "food-insecurity" || c == "housing-instability" || c == "utility-insecurity"
		}})
	return e
}

var (
	manager  = resources.Actor{KeyID: "k-cm", Name: "Maria at the clinic", Role: resources.RoleCaseManager}
	manager2 = resources.Actor{KeyID: "k-cm2", Name: "Another manager", Role: resources.RoleCaseManager}
	pantry   = resources.Actor{KeyID: "k-org", Name: "Ana at the pantry", Role: resources.RoleOrgEditor, OrganizationID: "org"}
	stranger = resources.Actor{KeyID: "k-x", Name: "Someone else", Role: resources.RoleOrgEditor, OrganizationID: "elsewhere"}
	admin    = resources.Actor{KeyID: "k-ad", Name: "Admin", Role: resources.RoleAdmin}
)

// secretName is a client name no other text in the store holds.
const secretName = "Zenobia Quartermaine"

func input() referrals.Input {
	return referrals.Input{ServiceID: "s-pantry", ServiceAtLocationID: "sal-pantry-downtown", Need: "food-insecurity",
		Client:  resources.ReferralClient{Reference: "MRN-0042", Name: secretName, Phone: "(305) 555-0100", Email: "zq@example.org"},
		Consent: resources.Consent{Obtained: true, Method: "verbal", Date: "2026-11-27"},
		Notes:   "Prefers mornings; " + secretName + " has no car."}
}

func TestReferralLoop(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v, replayed, err := e.rs.Create(ctx, manager, input(), "")
	if err != nil || replayed {
		t.Fatalf("create: %v (replayed %v)", err, replayed)
	}
	if v.Status != resources.StatusRequested || v.OrganizationID != "org" || v.ServiceName != "Downtown Food Pantry" ||
		v.Client == nil || v.Client.Name != secretName || len(v.History) != 1 || v.History[0].By != manager.Name {
		t.Fatalf("created %+v", v)
	}
	// The receiving organization sees it; a stranger and another case
	// manager do not, and cannot tell it exists.
	if _, err := e.rs.Get(ctx, pantry, v.ID); err != nil {
		t.Fatalf("receiver get: %v", err)
	}
	for _, a := range []resources.Actor{stranger, manager2} {
		if _, err := e.rs.Get(ctx, a, v.ID); resources.ErrorCode(err) != resources.ENOTFOUND {
			t.Errorf("%s get: %v, want not_found", a.Name, err)
		}
		if _, err := e.rs.SetStatus(ctx, a, v.ID, resources.StatusAccepted, ""); resources.ErrorCode(err) != resources.ENOTFOUND {
			t.Errorf("%s accept: %v, want not_found", a.Name, err)
		}
	}
	// The sender may not accept; a rejection needs a reason.
	if _, err := e.rs.SetStatus(ctx, manager, v.ID, resources.StatusAccepted, ""); resources.ErrorCode(err) != resources.EFORBIDDEN {
		t.Errorf("sender accepts: %v, want forbidden", err)
	}
	if _, err := e.rs.SetStatus(ctx, pantry, v.ID, resources.StatusRejected, " "); resources.ErrorCode(err) != resources.EINVALID {
		t.Errorf("reject without reason: %v, want invalid", err)
	}
	e.clock.Add(90 * time.Minute)
	if _, err := e.rs.SetStatus(ctx, pantry, v.ID, resources.StatusAccepted, ""); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(24 * time.Hour)
	if _, err := e.rs.SetStatus(ctx, pantry, v.ID, resources.StatusOnHold, "Waiting for "+secretName+"'s ID"); err != nil {
		t.Fatal(err)
	}
	got, err := e.rs.SetStatus(ctx, pantry, v.ID, resources.StatusCompleted, "")
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, h := range got.History {
		steps = append(steps, string(h.Status)+"/"+h.By+"/"+h.Reason)
	}
	want := "requested/Maria at the clinic/ accepted/Ana at the pantry/ on-hold/Ana at the pantry/Waiting for " + secretName + "'s ID completed/Ana at the pantry/"
	if strings.Join(steps, " ") != want {
		t.Errorf("history:\n %s\nwant\n %s", strings.Join(steps, " "), want)
	}
	// Closed: only entered-in-error is left, and only for the sender.
	if _, err := e.rs.SetStatus(ctx, manager, v.ID, resources.StatusCancelled, "no longer needed"); resources.ErrorCode(err) != resources.ECONFLICT {
		t.Errorf("cancel a completed referral: %v, want conflict", err)
	}
	if _, err := e.rs.SetStatus(ctx, manager, v.ID, resources.StatusEnteredInError, ""); err != nil {
		t.Errorf("entered-in-error: %v", err)
	}
}

func TestCreateIsChecked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, c := range []struct {
		change func(*referrals.Input)
		field  string
	}{
		{func(in *referrals.Input) { in.Consent.Obtained = false }, "consent.obtained"},
		{func(in *referrals.Input) { in.Consent.Method = "telepathy" }, "consent.method"},
		{func(in *referrals.Input) { in.Consent.Date = "" }, "consent.date"},
		{func(in *referrals.Input) { in.Consent.Date = "27/11/2026" }, "consent.date"},
		{func(in *referrals.Input) { in.Consent.Date = "2027-01-01" }, "consent.date"},
		{func(in *referrals.Input) { in.Need = "" }, "need"},
		{func(in *referrals.Input) { in.Need = "world-peace" }, "need"},
		{func(in *referrals.Input) { in.ServiceID = "" }, "service_id"},
		{func(in *referrals.Input) { in.ServiceID = "nope" }, "service_id"},
		{func(in *referrals.Input) { in.ServiceID, in.ServiceAtLocationID = "s-closed", "" }, "service_id"},
		{func(in *referrals.Input) { in.ServiceAtLocationID = "sal-rent-hialeah" }, "service_at_location_id"},
		{func(in *referrals.Input) { in.Client.Reference = "" }, "client.reference"},
		{func(in *referrals.Input) { in.Client.Email = "not an address" }, "client.email"},
		{func(in *referrals.Input) { in.Client.Phone = "call me maybe" }, "client.phone"},
		{func(in *referrals.Input) { in.Client.Name = strings.Repeat("n", 201) }, "client.name"},
		{func(in *referrals.Input) { in.Client.Name = "bell\x07" }, "client.name"},
		{func(in *referrals.Input) { in.Notes = strings.Repeat("n", 2001) }, "notes"},
	} {
		in := input()
		c.change(&in)
		_, _, err := e.rs.Create(ctx, manager, in, "")
		if resources.ErrorCode(err) != resources.EINVALID || resources.ErrorFields(err)[c.field] == "" {
			t.Errorf("%s: %v, want invalid naming %s", c.field, err, c.field)
			continue
		}
		if strings.Contains(err.Error(), secretName) {
			t.Errorf("%s: the error repeats the client's name: %v", c.field, err)
		}
	}
	page, err := e.rs.List(ctx, admin, referrals.Filter{})
	if err != nil || page.Total != 0 {
		t.Errorf("after refused creates: %d referrals, %v", page.Total, err)
	}
}

func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	first, replayed, err := e.rs.Create(ctx, manager, input(), "intake-7781")
	if err != nil || replayed {
		t.Fatal(err, replayed)
	}
	e.clock.Add(time.Hour)
	again, replayed, err := e.rs.Create(ctx, manager, input(), "intake-7781")
	if err != nil || !replayed || again.ID != first.ID || !again.Created.Equal(first.Created) {
		t.Fatalf("retry: %v, replayed %v, id %s (first %s)", err, replayed, again.ID, first.ID)
	}
	other := input()
	other.Need = "housing-instability"
	if _, _, err := e.rs.Create(ctx, manager, other, "intake-7781"); resources.ErrorCode(err) != resources.ECONFLICT {
		t.Errorf("same key, another referral: %v, want conflict", err)
	}
	// Keys are per holder: another sender's same key is another referral.
	if v, replayed, err := e.rs.Create(ctx, manager2, input(), "intake-7781"); err != nil || replayed || v.ID == first.ID {
		t.Errorf("another holder's key: %v, replayed %v", err, replayed)
	}
	// After 24 hours the key is forgotten.
	e.clock.Add(24 * time.Hour)
	if v, replayed, err := e.rs.Create(ctx, manager, input(), "intake-7781"); err != nil || replayed || v.ID == first.ID {
		t.Errorf("a day later: %v, replayed %v", err, replayed)
	}
	page, _ := e.rs.List(ctx, admin, referrals.Filter{})
	if page.Total != 3 {
		t.Errorf("%d referrals, want 3", page.Total)
	}
}

// TestConcurrentRetries sends the same create with the same key from many
// goroutines at once, as an intake system whose first try timed out does:
// one referral is made, and every answer names it.
func TestConcurrentRetries(t *testing.T) {
	e := newEnv(t)
	ids := make(chan string, 16)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			v, _, err := e.rs.Create(context.Background(), manager, input(), "same-key")
			if err != nil {
				t.Error(err)
				return
			}
			ids <- v.ID
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != 1 {
		t.Errorf("%d different referrals from one key: %v", len(seen), seen)
	}
}

func TestListFiltersAndPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var ids []string
	for i := range 7 {
		in := input()
		if i%2 == 1 {
			in.ServiceID, in.ServiceAtLocationID, in.Need = "s-rent", "", "housing-instability"
		}
		sender := manager
		if i == 6 {
			sender = manager2
		}
		v, _, err := e.rs.Create(ctx, sender, in, "")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, v.ID)
		e.clock.Add(time.Hour)
	}
	if _, err := e.rs.SetStatus(ctx, pantry, ids[0], resources.StatusAccepted, ""); err != nil {
		t.Fatal(err)
	}
	idsOf := func(p *referrals.Page) string {
		var out []string
		for _, v := range p.Results {
			for i, id := range ids {
				if id == v.ID {
					out = append(out, string(rune('0'+i)))
				}
			}
		}
		return strings.Join(out, "")
	}
	for _, c := range []struct {
		who  resources.Actor
		f    referrals.Filter
		want string
		tot  int
	}{
		{admin, referrals.Filter{}, "6543210", 7},
		{manager, referrals.Filter{}, "543210", 6},
		{manager2, referrals.Filter{}, "6", 1},
		{pantry, referrals.Filter{}, "6543210", 7},
		{stranger, referrals.Filter{}, "", 0},
		{admin, referrals.Filter{Need: "housing-instability"}, "531", 3},
		{admin, referrals.Filter{Status: resources.StatusAccepted}, "0", 1},
		{admin, referrals.Filter{PerPage: 3, Page: 2}, "321", 7},
		{admin, referrals.Filter{PerPage: 3, Page: 4}, "", 7},
		{admin, referrals.Filter{From: e.clock.Now().Add(-3 * time.Hour)}, "654", 3},
		{admin, referrals.Filter{To: e.clock.Now().Add(-5 * time.Hour)}, "10", 2},
		{admin, referrals.Filter{OrganizationID: "elsewhere"}, "", 0},
	} {
		p, err := e.rs.List(ctx, c.who, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := idsOf(p); got != c.want || p.Total != c.tot {
			t.Errorf("%s %+v: %q of %d, want %q of %d", c.who.Name, c.f, got, p.Total, c.want, c.tot)
		}
	}
	if _, err := e.rs.List(ctx, admin, referrals.Filter{Status: "done"}); resources.ErrorCode(err) != resources.EINVALID {
		t.Errorf("unknown status filter: %v", err)
	}
}

// TestNoClientDataInClear makes referrals with a name, a note and a reason
// that name the client, then reads the store's file as bytes: the name
// must not be there, in any referral, history, outbox event or
// idempotency record.
func TestNoClientDataInClear(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v, _, err := e.rs.Create(ctx, manager, input(), "retry-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.rs.SetStatus(ctx, pantry, v.ID, resources.StatusRejected, secretName+" lives outside our area"); err != nil {
		t.Fatal(err)
	}
	e.db.Close()
	raw, err := os.ReadFile(e.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secretName, "Quartermaine", "MRN-0042", "555-0100", "zq@example.org", "no car"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the store file holds %q in clear text", s)
		}
	}
	if !bytes.Contains(raw, []byte(v.ID)) {
		t.Fatal("the store file does not hold the referral at all: the check above proves nothing")
	}
}

func TestWithoutSecretKey(t *testing.T) {
	e := newEnv(t)
	rs := referrals.New(referrals.Config{Directory: e.db, Store: e.db})
	if _, _, err := rs.Create(context.Background(), manager, input(), ""); resources.ErrorCode(err) != resources.EUNAVAILABLE {
		t.Errorf("create with no key: %v, want unavailable", err)
	}
	// A server started with --insecure-no-secret-key stores it unsealed,
	// and re-sealing under a key later seals it.
	plain, _ := referrals.NewSealer(nil)
	rs = referrals.New(referrals.Config{Directory: e.db, Store: e.db, Sealer: plain, Now: e.clock.Now})
	v, _, err := rs.Create(context.Background(), manager, input(), "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := e.rs.Reseal(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("reseal: %d, %v", n, err)
	}
	if got, err := e.rs.Get(context.Background(), manager, v.ID); err != nil || got.Client.Name != secretName {
		t.Fatalf("after reseal: %v %+v", err, got)
	}
	if _, err := rs.Get(context.Background(), manager, v.ID); err == nil {
		t.Error("the unsealing server still reads the re-sealed referral")
	}
}

func TestKeyRotation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v, _, err := e.rs.Create(ctx, manager, input(), "")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := e.rs.Subscribe(ctx, admin, "http://127.0.0.1:9/hook", []string{resources.EventReferralCreated}, true)
	if err != nil {
		t.Fatal(err)
	}
	newKey := newKey(t)
	rotating, _ := referrals.NewSealer(newKey, e.key)
	rs := referrals.New(referrals.Config{Directory: e.db, Store: e.db, Sealer: rotating, Now: e.clock.Now})
	if _, err := rs.Get(ctx, manager, v.ID); err != nil {
		t.Fatalf("reading with the old key as previous: %v", err)
	}
	n, err := rs.Reseal(ctx)
	if err != nil || n != 2 {
		t.Fatalf("reseal: %d, %v (want the referral and the subscription)", n, err)
	}
	onlyNew, _ := referrals.NewSealer(newKey)
	rs = referrals.New(referrals.Config{Directory: e.db, Store: e.db, Sealer: onlyNew, Now: e.clock.Now})
	if got, err := rs.Get(ctx, manager, v.ID); err != nil || got.Client.Name != secretName {
		t.Fatalf("with only the new key: %v", err)
	}
	stored, _ := e.db.GetSubscription(ctx, sub.ID)
	if secret, err := onlyNew.Open(stored.Secret, "subscription:"+sub.ID); err != nil || string(secret) != sub.Secret {
		t.Fatalf("subscription secret after reseal: %v", err)
	}
	if n, _ := rs.Reseal(ctx); n != 0 {
		t.Errorf("a second reseal sealed %d again", n)
	}
}

func TestPurgeKeepsFigures(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	closed, _, _ := e.rs.Create(ctx, manager, input(), "")
	open, _, _ := e.rs.Create(ctx, manager, input(), "")
	if _, err := e.rs.SetStatus(ctx, pantry, closed.ID, resources.StatusAccepted, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rs.SetStatus(ctx, pantry, closed.ID, resources.StatusCompleted, ""); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(89 * 24 * time.Hour)
	if n, err := e.rs.Purge(ctx, referrals.DefaultRetention); err != nil || n != 0 {
		t.Fatalf("purge before the retention time: %d, %v", n, err)
	}
	e.clock.Add(2 * 24 * time.Hour)
	if n, err := e.rs.Purge(ctx, referrals.DefaultRetention); err != nil || n != 1 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	got, err := e.rs.Get(ctx, manager, closed.ID)
	if err != nil || got.Client != nil || got.Notes != "" || got.Purged == nil || len(got.History) != 3 {
		t.Errorf("purged referral: %v %+v", err, got)
	}
	if got, _ := e.rs.Get(ctx, manager, open.ID); got.Client == nil {
		t.Error("the open referral lost its client data")
	}
	st, err := e.rs.Stats(ctx, admin, referrals.StatsFilter{From: e.clock.Now().Add(-100 * 24 * time.Hour)})
	if err != nil || st.Total != 2 || st.ByStatus[resources.StatusCompleted] != 1 {
		t.Errorf("figures after the purge: %v %+v", err, st)
	}
}

func TestStats(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	make := func(svc, need string) string {
		in := input()
		in.ServiceID, in.ServiceAtLocationID, in.Need = svc, "", need
		v, _, err := e.rs.Create(ctx, manager, in, "")
		if err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	a, b, c, d := make("s-pantry", "food-insecurity"), make("s-pantry", "food-insecurity"), make("s-rent", "housing-instability"), make("s-lights", "utility-insecurity")
	step := func(id string, after time.Duration, to resources.ReferralStatus, reason string) {
		e.clock.Add(after)
		if _, err := e.rs.SetStatus(ctx, pantry, id, to, reason); err != nil {
			t.Fatal(err)
		}
	}
	step(a, 2*time.Hour, resources.StatusAccepted, "")           // answered after 2 h
	step(b, 2*time.Hour, resources.StatusRejected, "not served") // after 4 h
	step(c, 2*time.Hour, resources.StatusAccepted, "")           // after 6 h
	step(a, time.Hour, resources.StatusCompleted, "")
	step(c, time.Hour, resources.StatusFailed, "could not reach")
	if _, err := e.rs.SetStatus(ctx, manager, d, resources.StatusCancelled, "went elsewhere"); err != nil {
		t.Fatal(err)
	}
	st, err := e.rs.Stats(ctx, admin, referrals.StatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	f := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	if st.Total != 4 || st.ByNeed["food-insecurity"] != 2 || st.ByOrganization["org"] != 4 ||
		f(st.AcceptanceRate) != 0.667 || f(st.CompletionRate) != 0.25 || f(st.MedianFirstResponseHours) != 4 {
		t.Errorf("stats %+v: acceptance %v completion %v median %v", st, f(st.AcceptanceRate), f(st.CompletionRate), f(st.MedianFirstResponseHours))
	}
	// A case manager's figures are the referrals they sent; a stranger's
	// organization has none.
	if st, _ := e.rs.Stats(ctx, manager2, referrals.StatsFilter{}); st.Total != 0 {
		t.Errorf("another manager sees %d", st.Total)
	}
	if st, _ := e.rs.Stats(ctx, stranger, referrals.StatsFilter{}); st.Total != 0 {
		t.Errorf("another organization sees %d", st.Total)
	}
	if st, _ := e.rs.Stats(ctx, admin, referrals.StatsFilter{From: e.clock.Now().Add(time.Hour), To: e.clock.Now().Add(2 * time.Hour)}); st.Total != 0 {
		t.Errorf("a period after every referral counts %d", st.Total)
	}
	if _, err := e.rs.Stats(ctx, admin, referrals.StatsFilter{From: e.clock.Now().Add(time.Hour)}); resources.ErrorCode(err) != resources.EINVALID {
		t.Errorf("a period that ends before it starts: %v", err)
	}
}

func TestCapacity(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	wait := 14
	if _, err := e.rs.SetCapacity(ctx, stranger, "s-pantry", "full", nil, ""); resources.ErrorCode(err) != resources.EFORBIDDEN {
		t.Errorf("another organization sets capacity: %v", err)
	}
	if _, err := e.rs.SetCapacity(ctx, manager, "s-pantry", "full", nil, ""); resources.ErrorCode(err) != resources.EFORBIDDEN {
		t.Errorf("a case manager sets capacity: %v", err)
	}
	if _, err := e.rs.SetCapacity(ctx, pantry, "s-pantry", "full", &wait, ""); resources.ErrorFields(err)["expected_wait_days"] == "" {
		t.Errorf("a wait for a full service: %v", err)
	}
	if _, err := e.rs.SetCapacity(ctx, pantry, "s-pantry", "closed", nil, ""); resources.ErrorFields(err)["status"] == "" {
		t.Errorf("an unknown status: %v", err)
	}
	if _, err := e.rs.SetCapacity(ctx, pantry, "nope", "full", nil, ""); resources.ErrorCode(err) != resources.ENOTFOUND {
		t.Errorf("an unknown service: %v", err)
	}
	if _, err := e.rs.SetCapacity(ctx, pantry, "s-pantry", "full", nil, "Back in January"); err != nil {
		t.Fatal(err)
	}
	v, _, err := e.rs.Create(ctx, manager, input(), "")
	if err != nil || len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "no capacity") {
		t.Errorf("a referral to a full service: %v, warnings %q", err, v.Warnings)
	}
	if c, _ := e.rs.Capacity(ctx, "s-pantry"); c.Status != resources.CapacityFull {
		t.Errorf("capacity %+v", c)
	}
	e.clock.Add(31 * 24 * time.Hour)
	if c, _ := e.rs.Capacity(ctx, "s-pantry"); c.Status != resources.CapacityUnknown {
		t.Errorf("capacity after 31 days: %+v, want unknown", c)
	}
	if v, _, _ := e.rs.Create(ctx, manager, input(), ""); len(v.Warnings) != 0 {
		t.Errorf("a stale capacity still warns: %q", v.Warnings)
	}
	trail, err := e.db.Audit(ctx, resources.AuditQuery{RecordID: "s-pantry", Limit: 10})
	if err != nil || len(trail) == 0 || trail[0].Kind != resources.AuditKindCapacity || trail[0].Actor.Name != pantry.Name {
		t.Errorf("audit of the capacity: %v %+v", err, trail)
	}
}

func TestIdempotencyKeyChecked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, key := range []string{strings.Repeat("k", 256), "line\nbreak", "bell\x07"} {
		if _, _, err := e.rs.Create(ctx, manager, input(), key); resources.ErrorFields(err)["Idempotency-Key"] == "" {
			t.Errorf("Idempotency-Key %q: %v", key, err)
		}
	}
	// Records past their day are deleted, not only ignored.
	if _, _, err := e.rs.Create(ctx, manager, input(), "old"); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(23 * time.Hour)
	if n, _ := e.db.DeleteIdempotencyBefore(ctx, e.clock.Now().Add(-referrals.IdempotencyWindow)); n != 0 {
		t.Errorf("deleted %d records within their day", n)
	}
	e.clock.Add(2 * time.Hour)
	if n, _ := e.db.DeleteIdempotencyBefore(ctx, e.clock.Now().Add(-referrals.IdempotencyWindow)); n != 1 {
		t.Errorf("deleted %d records past their day, want 1", n)
	}
}
