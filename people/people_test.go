package people_test

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/people"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// fastHash keeps tests quick under the race detector; the costs are in
// the hash, so verifying reads them from there.
var fastHash = people.HashParams{Memory: 1024, Time: 1, Threads: 1}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func open(t *testing.T) (*people.Accounts, *bolt.DB, *clock) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fixture.Seed(t, db)
	c := &clock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	return people.New(people.Config{Store: db, Now: c.now, BaseURL: "https://refer.example.org/", Hash: fastHash}), db, c
}

func token(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Path != "/set-password" || !strings.HasPrefix(link, "https://refer.example.org/set-password?token=") {
		t.Fatalf("link %q", link)
	}
	return u.Query().Get("token")
}

func TestPersonLifecycle(t *testing.T) {
	a, db, c := open(t)
	ctx := context.Background()
	made, err := a.Create(ctx, resources.Person{Email: " Ana@Example.ORG ", Role: resources.RoleOrgStaff, OrganizationID: "org"})
	if err != nil {
		t.Fatal(err)
	}
	if made.Person.Email != "ana@example.org" || made.Person.PasswordHash != "" {
		t.Errorf("made %+v", made.Person)
	}
	secret := token(t, made.Link)
	// No password yet: no sign-in.
	if _, err := a.SignIn(ctx, "ana@example.org", "", "10.0.0.1"); !errors.Is(err, people.ErrWrongCredentials) {
		t.Errorf("sign-in before a password: %v", err)
	}
	if _, err := a.SetPassword(ctx, secret, "short"); resources.ErrorFields(err)["password"] == "" {
		t.Errorf("short password: %v", err)
	}
	// The link works once, even asked twice at the same moment.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = a.SetPassword(ctx, secret, "correct horse battery") }()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, people.ErrLinkGone):
			t.Errorf("second use: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("the link worked %d times", ok)
	}
	if _, err := a.CheckLink(ctx, secret); !errors.Is(err, people.ErrLinkGone) {
		t.Errorf("used link: %v", err)
	}
	if _, err := a.CheckLink(ctx, strings.Repeat("0", 64)); resources.ErrorCode(err) != resources.ENOTFOUND {
		t.Errorf("unknown link: %v", err)
	}
	stored, _ := db.PersonByEmail(ctx, "ANA@example.org")
	if !strings.HasPrefix(stored.PasswordHash, "$argon2id$v=19$m=1024,t=1,p=1$") || strings.Contains(stored.PasswordHash, "horse") {
		t.Errorf("stored hash %q", stored.PasswordHash)
	}

	s, err := a.SignIn(ctx, "ANA@example.org", "correct horse battery", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Session(ctx, s.Secret)
	if err != nil || p.ID != made.Person.ID {
		t.Fatalf("session: %+v %v", p, err)
	}
	if act := p.Actor(); act.UserID != p.ID || act.Role != resources.RoleOrgStaff || act.OrganizationID != "org" || !act.Role.ActsForOrganization() {
		t.Errorf("actor %+v", act)
	}
	// Change the password: this session stays, another ends.
	other, _ := a.SignIn(ctx, "ana@example.org", "correct horse battery", "10.0.0.2")
	if err := a.ChangePassword(ctx, s.Secret, "wrong one here", "a new long passphrase"); resources.ErrorFields(err)["current_password"] == "" {
		t.Errorf("wrong current password: %v", err)
	}
	if err := a.ChangePassword(ctx, s.Secret, "correct horse battery", "a new long passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, s.Secret); err != nil {
		t.Errorf("this session ended: %v", err)
	}
	if _, err := a.Session(ctx, other.Secret); !errors.Is(err, people.ErrNoSession) {
		t.Errorf("the other session stayed: %v", err)
	}
	// Sessions end with time, and at sign-out.
	c.add(people.SessionTTL)
	if _, err := a.Session(ctx, s.Secret); !errors.Is(err, people.ErrNoSession) {
		t.Errorf("expired session: %v", err)
	}
	s, _ = a.SignIn(ctx, "ana@example.org", "a new long passphrase", "10.0.0.1")
	if err := a.SignOut(ctx, s.Secret); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, s.Secret); !errors.Is(err, people.ErrNoSession) {
		t.Errorf("signed-out session: %v", err)
	}
	// Disabled: no sign-in, no session, no link.
	s, _ = a.SignIn(ctx, "ana@example.org", "a new long passphrase", "10.0.0.1")
	fresh, _ := a.NewLink(ctx, "ana@example.org")
	if _, err := a.Disable(ctx, "ana@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, s.Secret); !errors.Is(err, people.ErrNoSession) {
		t.Errorf("session of a disabled person: %v", err)
	}
	if _, err := a.SignIn(ctx, "ana@example.org", "a new long passphrase", "10.0.0.1"); !errors.Is(err, people.ErrWrongCredentials) {
		t.Errorf("disabled sign-in: %v", err)
	}
	if _, err := a.CheckLink(ctx, token(t, fresh.Link)); err == nil {
		t.Error("a disabled person's link still works")
	}
	// The audit trail has the person, never the hash.
	entries, err := db.Audit(ctx, resources.AuditQuery{RecordID: made.Person.ID})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit: %d %v", len(entries), err)
	}
	for _, e := range entries {
		for _, ch := range e.Changes {
			if strings.Contains(string(ch.New)+string(ch.Old), "argon2") {
				t.Errorf("the audit trail holds a hash: %+v", ch)
			}
		}
	}
}

func TestLinkExpires(t *testing.T) {
	a, _, c := open(t)
	ctx := context.Background()
	made, err := a.Create(ctx, resources.Person{Email: "cm@example.org", Role: resources.RoleCaseManager})
	if err != nil {
		t.Fatal(err)
	}
	c.add(people.LinkTTL - time.Second)
	if _, err := a.CheckLink(ctx, token(t, made.Link)); err != nil {
		t.Errorf("a link at 71:59:59: %v", err)
	}
	c.add(time.Second)
	if _, err := a.SetPassword(ctx, token(t, made.Link), "correct horse battery"); !errors.Is(err, people.ErrLinkGone) {
		t.Errorf("a link at 72 h: %v", err)
	}
}

func TestCreateChecks(t *testing.T) {
	a, _, _ := open(t)
	ctx := context.Background()
	for _, tt := range []struct {
		p     resources.Person
		field string
	}{
		{resources.Person{Email: "not an address", Role: resources.RoleAdmin}, "email"},
		{resources.Person{Email: "a@example.org", Role: "org_editor", OrganizationID: "org"}, "role"},
		{resources.Person{Email: "a@example.org", Role: resources.RoleOrgStaff}, "organization_id"},
		{resources.Person{Email: "a@example.org", Role: resources.RoleCaseManager, OrganizationID: "org"}, "organization_id"},
		{resources.Person{Email: "a@example.org", Role: resources.RoleOrgStaff, OrganizationID: "no-such-org"}, "organization_id"},
	} {
		if _, err := a.Create(ctx, tt.p); resources.ErrorFields(err)[tt.field] == "" {
			t.Errorf("%+v: %v, want a message about %s", tt.p, err, tt.field)
		}
	}
	if _, err := a.Create(ctx, resources.Person{Email: "a@example.org", Role: resources.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Create(ctx, resources.Person{Email: "A@example.org", Role: resources.RoleAdmin}); resources.ErrorCode(err) != resources.ECONFLICT {
		t.Errorf("the same address twice: %v", err)
	}
}

func TestSignInLimits(t *testing.T) {
	a, _, c := open(t)
	ctx := context.Background()
	made, _ := a.Create(ctx, resources.Person{Email: "cm@example.org", Role: resources.RoleCaseManager})
	if _, err := a.SetPassword(ctx, token(t, made.Link), "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := a.SignIn(ctx, "cm@example.org", "guess guess guess", "10.0.0.9"); !errors.Is(err, people.ErrWrongCredentials) {
			t.Fatalf("guess: %v", err)
		}
	}
	// The account is locked, whatever the address and even with the right password.
	var tooMany *people.TooManyAttempts
	if _, err := a.SignIn(ctx, "cm@example.org", "correct horse battery", "10.0.0.10"); !errors.As(err, &tooMany) || tooMany.After <= 0 {
		t.Errorf("sixth try: %v", err)
	}
	c.add(15 * time.Minute)
	if _, err := a.SignIn(ctx, "cm@example.org", "correct horse battery", "10.0.0.10"); err != nil {
		t.Errorf("after the window: %v", err)
	}
	// One address trying many accounts is stopped too.
	for i := range 20 {
		a.SignIn(ctx, strings.Repeat("x", i+1)+"@example.org", "guess guess guess", "10.0.0.66")
	}
	if _, err := a.SignIn(ctx, "cm@example.org", "correct horse battery", "10.0.0.66"); !errors.As(err, &tooMany) {
		t.Errorf("address after 20 failures: %v", err)
	}
	if _, err := a.SignIn(ctx, "cm@example.org", "correct horse battery", "10.0.0.67"); err != nil {
		t.Errorf("another address: %v", err)
	}
}

func TestVerifyPassword(t *testing.T) {
	h := people.DefaultHash.Hash("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q", h)
	}
	if !people.VerifyPassword(h, "correct horse battery") || people.VerifyPassword(h, "correct horse batterY") {
		t.Error("verify")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		if people.VerifyPassword(bad, "x") {
			t.Errorf("%q verified", bad)
		}
	}
}
