// Package people holds the rules about the people who sign in to the
// pages: who may be added, one-time links to set a password, passwords
// (argon2id), sessions, and how often sign-in may be tried. The command line
// (refer users, through the running server's control socket when there is
// one) and the pages (an admin adding a person, sign-in) both call it, so
// the rules are in one place.
package people

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/refer-project/refer/resources"
	"golang.org/x/crypto/argon2"
)

// How long things last.
const (
	// LinkTTL is how long a set-password link works (once).
	LinkTTL = 72 * time.Hour
	// SessionTTL is how long a sign-in lasts: a working day and more, so a
	// case manager signs in once a shift.
	SessionTTL = 12 * time.Hour
	// MinPasswordLength and MaxPasswordLength bound a password in
	// characters (NIST SP 800-63B: at least 8; long passphrases allowed).
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// Errors people see, each with its own words.
var (
	// ErrWrongCredentials is a sign-in with an unknown e-mail address, a
	// wrong password, or a disabled person: one message for all, so the
	// form does not tell who has an account.
	ErrWrongCredentials = resources.Errorf(resources.EUNAUTHORIZED, "the e-mail address or the password is wrong")
	// ErrLinkGone is a set-password link that was used or has expired.
	ErrLinkGone = resources.Errorf(resources.ECONFLICT, "this link was used or has expired; ask an admin for a new one")
	// ErrNoSession is a session cookie that is unknown, expired or of a
	// disabled person.
	ErrNoSession = resources.Errorf(resources.EUNAUTHORIZED, "please sign in")
)

// TooManyAttempts is the error of a sign-in refused by the limits; After is
// when to try again.
type TooManyAttempts struct{ After time.Duration }

func (e *TooManyAttempts) Error() string {
	return fmt.Sprintf("too many sign-in attempts; try again in %d minutes", int(e.After.Round(time.Minute)/time.Minute)+1)
}

// Config is what Accounts needs.
type Config struct {
	Store resources.PeopleStore
	// BaseURL starts set-password links ("https://refer.example.org");
	// without it they are paths ("/set-password?token=…").
	BaseURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Hash is the cost of password hashes; zero means DefaultHash.
	Hash HashParams
}

// Accounts applies the rules about people over their store.
type Accounts struct {
	store   resources.PeopleStore
	baseURL string
	now     func() time.Time
	hash    HashParams
	limits  *limits
	// dummy is a hash compared against when there is no person, so an
	// unknown e-mail address costs the same time as a wrong password.
	dummy string
}

// New returns the accounts kept in cfg.Store.
func New(cfg Config) *Accounts {
	a := &Accounts{store: cfg.Store, baseURL: strings.TrimRight(cfg.BaseURL, "/"), now: cfg.Now, hash: cfg.Hash}
	if a.now == nil {
		a.now = time.Now
	}
	if a.hash == (HashParams{}) {
		a.hash = DefaultHash
	}
	a.limits = newLimits(a.now)
	a.dummy = a.hash.Hash("no one's password")
	return a
}

// Created is a new person and the link that sets their password, shown
// once.
type Created struct {
	Person resources.Person
	Link   string
}

// Create adds a person and makes the one-time link to set their password.
// EINVALID names bad fields; ECONFLICT if the e-mail address is taken.
func (a *Accounts) Create(ctx context.Context, p resources.Person) (Created, error) {
	p, err := resources.CheckPerson(p)
	if err != nil {
		return Created{}, err
	}
	p.ID = randomID()
	p.Created = a.now().UTC().Truncate(time.Second)
	p.Disabled, p.PasswordHash = nil, ""
	if err := a.store.CreatePerson(ctx, p); err != nil {
		return Created{}, err
	}
	link, err := a.newLink(ctx, p.ID)
	return Created{Person: p, Link: link}, err
}

// NewLink makes a new set-password link for the person with that e-mail
// address (their first expired, or they forgot their password). It does
// not sign them out: the link does, when used.
func (a *Accounts) NewLink(ctx context.Context, email string) (Created, error) {
	p, err := a.store.PersonByEmail(ctx, email)
	if err != nil {
		return Created{}, err
	}
	if !p.Active() {
		return Created{}, resources.Errorf(resources.ECONFLICT, "%s is disabled", p.Email)
	}
	link, err := a.newLink(ctx, p.ID)
	return Created{Person: p, Link: link}, err
}

func (a *Accounts) newLink(ctx context.Context, personID string) (string, error) {
	t, secret := resources.NewToken(resources.TokenSetPassword, personID, a.now(), LinkTTL)
	if err := a.store.PutToken(ctx, t); err != nil {
		return "", err
	}
	return a.baseURL + "/set-password?token=" + secret, nil
}

// CheckLink returns the person a set-password link is for, without using
// it: ENOTFOUND for a link that never was, ErrLinkGone for one used or
// expired.
func (a *Accounts) CheckLink(ctx context.Context, secret string) (resources.Person, error) {
	t, err := a.store.GetToken(ctx, resources.TokenHash(secret))
	if err != nil {
		return resources.Person{}, err
	}
	if t.Kind != resources.TokenSetPassword {
		return resources.Person{}, resources.Errorf(resources.ENOTFOUND, "there is no such link")
	}
	if t.Used != nil || !a.now().Before(t.Expires) {
		return resources.Person{}, ErrLinkGone
	}
	p, err := a.store.GetPerson(ctx, t.PersonID)
	if err == nil && !p.Active() {
		return p, ErrLinkGone
	}
	return p, err
}

// SetPassword uses a link to set its person's password, once. Their other
// sessions end: a password set from a link is a fresh start.
func (a *Accounts) SetPassword(ctx context.Context, secret, password string) (resources.Person, error) {
	if err := CheckPassword(password); err != nil {
		return resources.Person{}, err
	}
	if _, err := a.CheckLink(ctx, secret); err != nil {
		return resources.Person{}, err
	}
	t, err := a.store.UseToken(ctx, resources.TokenHash(secret), a.now())
	switch {
	case resources.ErrorCode(err) == resources.ECONFLICT:
		return resources.Person{}, ErrLinkGone // used a moment ago by another request
	case err != nil:
		return resources.Person{}, err
	}
	hash := a.hash.Hash(password)
	p, err := a.store.UpdatePerson(ctx, t.PersonID, func(p *resources.Person) error {
		p.PasswordHash = hash
		return nil
	})
	if err != nil {
		return p, err
	}
	return p, a.store.DeleteTokensOf(ctx, p.ID, resources.TokenSession, nil)
}

// CheckPassword says what is wrong with a new password, as field
// "password".
func CheckPassword(password string) error {
	f := resources.FieldErrors{}
	switch n := utf8.RuneCountInString(password); {
	case n < MinPasswordLength:
		f.Add("password", "is %d characters long; use at least %d (a few words make a good one)", n, MinPasswordLength)
	case n > MaxPasswordLength:
		f.Add("password", "is longer than %d characters", MaxPasswordLength)
	}
	return f.Err("the password")
}

// Session is a signed-in browser: its secret goes in the cookie.
type Session struct {
	Secret  string
	Person  resources.Person
	Expires time.Time
}

// SignIn checks an e-mail address and password, tried from address, and
// starts a session. Failures are counted per account and per address; past
// the limits SignIn answers *TooManyAttempts without checking the
// password.
func (a *Accounts) SignIn(ctx context.Context, email, password, address string) (Session, error) {
	account := strings.ToLower(strings.TrimSpace(email))
	if wait := a.limits.wait(account, address); wait > 0 {
		return Session{}, &TooManyAttempts{After: wait}
	}
	p, err := a.store.PersonByEmail(ctx, account)
	switch {
	case resources.ErrorCode(err) == resources.ENOTFOUND:
		VerifyPassword(a.dummy, password) // the same time as a wrong password
		a.limits.failed(account, address)
		return Session{}, ErrWrongCredentials
	case err != nil:
		return Session{}, err
	}
	if p.PasswordHash == "" || !VerifyPassword(p.PasswordHash, password) || !p.Active() {
		if p.PasswordHash == "" {
			VerifyPassword(a.dummy, password)
		}
		a.limits.failed(account, address)
		return Session{}, ErrWrongCredentials
	}
	a.limits.succeeded(account)
	t, secret := resources.NewToken(resources.TokenSession, p.ID, a.now(), SessionTTL)
	if err := a.store.PutToken(ctx, t); err != nil {
		return Session{}, err
	}
	return Session{Secret: secret, Person: p, Expires: t.Expires}, nil
}

// Session returns the person signed in with secret: ErrNoSession when the
// session is unknown, expired, or its person disabled.
func (a *Accounts) Session(ctx context.Context, secret string) (resources.Person, error) {
	if len(secret) != 64 { // the hex of 32 bytes: anything else was never issued
		return resources.Person{}, ErrNoSession
	}
	t, err := a.store.GetToken(ctx, resources.TokenHash(secret))
	switch {
	case resources.ErrorCode(err) == resources.ENOTFOUND:
		return resources.Person{}, ErrNoSession
	case err != nil:
		return resources.Person{}, err
	case t.Kind != resources.TokenSession || !a.now().Before(t.Expires):
		return resources.Person{}, ErrNoSession
	}
	p, err := a.store.GetPerson(ctx, t.PersonID)
	switch {
	case resources.ErrorCode(err) == resources.ENOTFOUND:
		return resources.Person{}, ErrNoSession
	case err != nil:
		return resources.Person{}, err
	case !p.Active():
		return resources.Person{}, ErrNoSession
	}
	return p, nil
}

// SignOut ends a session.
func (a *Accounts) SignOut(ctx context.Context, secret string) error {
	return a.store.DeleteToken(ctx, resources.TokenHash(secret))
}

// ChangePassword sets a signed-in person's new password after checking
// their current one; their other sessions end, this one (secret) stays.
func (a *Accounts) ChangePassword(ctx context.Context, secret, current, next string) error {
	p, err := a.Session(ctx, secret)
	if err != nil {
		return err
	}
	if !VerifyPassword(p.PasswordHash, current) {
		f := resources.FieldErrors{}
		f.Add("current_password", "is not your current password")
		return f.Err("the password")
	}
	if err := CheckPassword(next); err != nil {
		return err
	}
	hash := a.hash.Hash(next)
	if _, err := a.store.UpdatePerson(ctx, p.ID, func(p *resources.Person) error {
		p.PasswordHash = hash
		return nil
	}); err != nil {
		return err
	}
	return a.store.DeleteTokensOf(ctx, p.ID, resources.TokenSession, resources.TokenHash(secret))
}

// Disable stops a person from signing in, at once: their sessions end and
// their links stop working. Disabling a disabled person changes nothing.
func (a *Accounts) Disable(ctx context.Context, email string) (resources.Person, error) {
	p, err := a.store.PersonByEmail(ctx, email)
	if err != nil {
		return p, err
	}
	if p.Active() {
		at := a.now().UTC().Truncate(time.Second)
		if p, err = a.store.UpdatePerson(ctx, p.ID, func(p *resources.Person) error {
			p.Disabled = &at
			return nil
		}); err != nil {
			return p, err
		}
	}
	// Their links stay stored, and answer "no longer works" (CheckLink
	// refuses a disabled person's).
	return p, a.store.DeleteTokensOf(ctx, p.ID, resources.TokenSession, nil)
}

// List returns everyone, oldest first.
func (a *Accounts) List(ctx context.Context) ([]resources.Person, error) {
	return a.store.ListPeople(ctx)
}

func randomID() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails (crypto/rand's own promise)
	return hex.EncodeToString(b)
}

// HashParams are argon2id's costs.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultHash is OWASP's first argon2id setting (19 MiB, 2 passes, 1
// thread): tens of milliseconds a sign-in here.
var DefaultHash = HashParams{Memory: 19 * 1024, Time: 2, Threads: 1}

// Hash hashes a password with a new random salt, in the PHC string form
// ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), which carries its costs so
// that they can be raised later without losing older hashes.
func (h HashParams) Hash(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	sum := argon2.IDKey([]byte(password), salt, h.Time, h.Memory, h.Threads, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.Memory, h.Time, h.Threads, enc.EncodeToString(salt), enc.EncodeToString(sum))
}

// VerifyPassword reports whether password is the one hashed, in time that
// does not depend on how much of it is right.
func VerifyPassword(hash, password string) bool {
	h, salt, sum, err := parseHash(hash)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, h.Time, h.Memory, h.Threads, uint32(len(sum)))
	return subtle.ConstantTimeCompare(got, sum) == 1
}

func parseHash(s string) (HashParams, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	var h HashParams
	var version int
	if len(parts) != 6 || parts[1] != "argon2id" {
		return h, nil, nil, errors.New("not an argon2id hash")
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return h, nil, nil, errors.New("an argon2 version this build does not know")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.Memory, &h.Time, &h.Threads); err != nil || h.Time == 0 || h.Threads == 0 || h.Memory > 1<<22 {
		return h, nil, nil, errors.New("bad argon2id costs")
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	sum, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(sum) < 16 {
		return h, nil, nil, errors.New("bad argon2id salt or hash")
	}
	return h, salt, sum, nil
}
