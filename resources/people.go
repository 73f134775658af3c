package resources

import (
	"context"
	"crypto/sha256"
	"net/mail"
	"strings"
	"time"
)

// People are the users who sign in to the pages: admins, case managers and
// organization staff. Their rules (passwords, links, sessions, sign-in
// limits) are in package people; here are what the store keeps.

// RoleOrgStaff is a person who works for one organization: they keep its
// listings (as an org_editor key may) and answer its referrals.
const RoleOrgStaff Role = "org_staff"

// PersonRoles are the roles a person may have.
var PersonRoles = []Role{RoleAdmin, RoleCaseManager, RoleOrgStaff}

// ActsForOrganization reports whether a role is bound to one organization
// and acts for it alone: an org_editor key or an organization's staff. The
// rules over listings and referrals treat the two alike.
func (r Role) ActsForOrganization() bool { return r == RoleOrgEditor || r == RoleOrgStaff }

// Person is a user of the pages as the store keeps them.
type Person struct {
	ID    string `json:"id"`
	Email string `json:"email"` // lower case; unique
	Name  string `json:"name,omitempty"`
	Role  Role   `json:"role"`
	// OrganizationID binds org_staff to the organization they work for;
	// empty for every other role.
	OrganizationID string     `json:"organization_id,omitempty"`
	Created        time.Time  `json:"created"`
	Disabled       *time.Time `json:"disabled,omitempty"`
	// PasswordHash is the argon2id hash in its PHC string form; empty until
	// the person sets a password with their link. Kept out of JSON so no
	// answer carries it by mistake (the store writes it on purpose).
	PasswordHash string `json:"-"`
}

// Active reports whether the person may sign in.
func (p *Person) Active() bool { return p.Disabled == nil }

// Actor is the person as the author of what they do.
func (p *Person) Actor() Actor {
	return Actor{UserID: p.ID, Name: p.DisplayName(), Role: p.Role, OrganizationID: p.OrganizationID}
}

// DisplayName is the person's name, or their e-mail address without one.
func (p *Person) DisplayName() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Email
}

// CheckPerson checks a new person's fields and returns them with the e-mail
// address in lower case; EINVALID names each bad field.
func CheckPerson(p Person) (Person, error) {
	f := FieldErrors{}
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	p.Name = strings.TrimSpace(p.Name)
	if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || len(p.Email) > 254 {
		f.Add("email", "is %q, not an e-mail address", p.Email)
	}
	if len(p.Name) > 200 {
		f.Add("name", "is longer than 200 characters")
	}
	known := false
	for _, r := range PersonRoles {
		known = known || r == p.Role
	}
	if !known {
		f.Add("role", "is %q; use one of admin, case_manager, org_staff", p.Role)
	}
	switch {
	case p.Role == RoleOrgStaff && p.OrganizationID == "":
		f.Add("organization_id", "is required for org_staff: the organization they work for")
	case p.Role != RoleOrgStaff && p.OrganizationID != "":
		f.Add("organization_id", "is only for org_staff")
	default:
		checkID(f, "organization_id", p.OrganizationID, false)
	}
	return p, f.Err("the person")
}

// Token kinds.
const (
	// TokenSetPassword is a one-time link to set a password.
	TokenSetPassword = "set_password"
	// TokenSession is a signed-in browser's session.
	TokenSession = "session"
)

// Token is a secret handed to a person (a link, a session cookie) as the
// store keeps it: only the SHA-256 of the secret, which is 256 random bits.
type Token struct {
	Hash     []byte     `json:"-"`
	Kind     string     `json:"kind"`
	PersonID string     `json:"person_id"`
	Created  time.Time  `json:"created"`
	Expires  time.Time  `json:"expires"`
	Used     *time.Time `json:"used,omitempty"`
}

// NewToken makes a token of kind for a person, valid for ttl from now. It
// returns the token to store and the secret to hand out once.
func NewToken(kind, personID string, now time.Time, ttl time.Duration) (Token, string) {
	secret := randomHex(keySecretBytes)
	now = now.UTC()
	return Token{Hash: TokenHash(secret), Kind: kind, PersonID: personID, Created: now, Expires: now.Add(ttl)}, secret
}

// TokenHash is what the store keys a token by.
func TokenHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// PeopleStore keeps people and their tokens. Every method is safe for
// concurrent use.
type PeopleStore interface {
	// CreatePerson stores a new person. ECONFLICT if the e-mail address or
	// id is taken; EINVALID if org_staff name an organization not stored.
	CreatePerson(ctx context.Context, p Person) error
	// GetPerson returns the person with that id; ENOTFOUND if none.
	GetPerson(ctx context.Context, id string) (Person, error)
	// PersonByEmail returns the person with that e-mail address (any
	// case); ENOTFOUND if none.
	PersonByEmail(ctx context.Context, email string) (Person, error)
	// ListPeople returns everyone, disabled people too, oldest first.
	ListPeople(ctx context.Context) ([]Person, error)
	// UpdatePerson runs change on the stored person and keeps what it
	// leaves, in one transaction; ENOTFOUND if none. The e-mail address,
	// id and role stay as they were.
	UpdatePerson(ctx context.Context, id string, change func(*Person) error) (Person, error)

	// PutToken stores a token.
	PutToken(ctx context.Context, t Token) error
	// GetToken returns the token with that hash; ENOTFOUND if none.
	GetToken(ctx context.Context, hash []byte) (Token, error)
	// UseToken marks an unused, unexpired token used at now and returns it,
	// in one transaction, so a token works once however many ask at the
	// same moment. ENOTFOUND if none; ECONFLICT if used or expired.
	UseToken(ctx context.Context, hash []byte, now time.Time) (Token, error)
	// DeleteToken removes a token; none there is no error.
	DeleteToken(ctx context.Context, hash []byte) error
	// DeleteTokensOf removes a person's tokens of kind, except keep (nil
	// for none): their sessions when they are disabled or change their
	// password.
	DeleteTokensOf(ctx context.Context, personID, kind string, keep []byte) error
}
