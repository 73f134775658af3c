package resources

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"time"
	"unicode"
)

// Role says what an API key may do.
type Role string

// The roles of API keys.
const (
	// RoleAdmin runs the directory: every listing, keys, the audit trail.
	RoleAdmin Role = "admin"
	// RoleCaseManager searches and matches for clients.
	RoleCaseManager Role = "case_manager"
	// RoleIntake is a system (a clinic's screening, a 211 call flow) that
	// sends assessments to match.
	RoleIntake Role = "intake"
	// RoleOrgEditor keeps one organization's own listings current.
	RoleOrgEditor Role = "org_editor"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleCaseManager, RoleIntake, RoleOrgEditor}

// ParseRole returns the Role named s, or EINVALID naming the field "role".
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	f := FieldErrors{}
	f.Add("role", "is %q; use one of admin, case_manager, intake, org_editor", s)
	return "", f.Err("the key")
}

// Key is an API key as the store keeps it: never the secret, only its hash.
type Key struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
	// OrganizationID binds an org_editor key to the one organization whose
	// listings it may change; empty for every other role.
	OrganizationID string `json:"organization_id,omitempty"`
	// Email, when given, is how an admin reaches the key's holder. It is
	// never published (a listing's assurer_email is not taken from it).
	Email   string     `json:"email,omitempty"`
	Created time.Time  `json:"created"`
	Revoked *time.Time `json:"revoked,omitempty"`
	// Expires, when set, is the moment the key stops working: an agency's
	// review asks for keys that end, and rotation (RotateKey) lets the old
	// key run on beside its successor until then.
	Expires *time.Time `json:"expires,omitempty"`
	// Hash is the SHA-256 of the secret. A plain hash is the right tool
	// here: the secret is 256 random bits, not a password a person chose,
	// so there is no dictionary to slow down and a slow hash (bcrypt,
	// argon2) would only cost every request time.
	Hash []byte `json:"-"`
}

// keyPrefix starts every key, so a key pasted somewhere it should not be is
// recognisable (and secret scanners can look for it).
const keyPrefix = "refer_"

// Key ids and secrets are lowercase hex of random bytes.
const (
	keyIDBytes     = 8
	keySecretBytes = 32 // 256 bits
)

// NewKey makes a key with a new id and secret, checking its fields. It
// returns the key to store and the token to show once:
// "refer_<id>_<secret>". EINVALID names each bad field.
func NewKey(name string, role Role, orgID, email string, now time.Time) (Key, string, error) {
	f := FieldErrors{}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		f.Add("name", "is required: say whose key this is")
	case len(name) > 200:
		f.Add("name", "is longer than 200 characters")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		// A name is printed by refer keys list: an escape sequence in it
		// would drive the admin's terminal.
		f.Add("name", "has a control character (a line break, tab or terminal escape); use plain text")
	}
	if _, err := ParseRole(string(role)); err != nil {
		f["role"] = ErrorFields(err)["role"]
	}
	switch {
	case role == RoleOrgEditor && orgID == "":
		f.Add("organization_id", "is required for an org_editor key")
	case role != RoleOrgEditor && orgID != "":
		f.Add("organization_id", "is only for org_editor keys")
	default:
		checkID(f, "organization_id", orgID, false)
	}
	if len(email) > 320 || (email != "" && !strings.Contains(email, "@")) {
		f.Add("email", "is not an email address")
	}
	if err := f.Err("the key"); err != nil {
		return Key{}, "", err
	}
	id, secret := randomHex(keyIDBytes), randomHex(keySecretBytes)
	k := Key{ID: id, Name: name, Role: role, OrganizationID: orgID, Email: email,
		Created: now.UTC().Truncate(time.Second), Hash: hashSecret(secret)}
	return k, keyPrefix + id + "_" + secret, nil
}

// ParseKeyToken splits a token into its key id and secret; ok is false when
// it does not have the shape of a refer key.
func ParseKeyToken(token string) (id, secret string, ok bool) {
	rest, found := strings.CutPrefix(token, keyPrefix)
	if !found {
		return "", "", false
	}
	id, secret, found = strings.Cut(rest, "_")
	if !found || len(id) != 2*keyIDBytes || len(secret) != 2*keySecretBytes || !isHex(id) || !isHex(secret) {
		return "", "", false
	}
	return id, secret, true
}

// Matches reports whether secret is this key's, in time that does not
// depend on how much of it is right.
func (k *Key) Matches(secret string) bool {
	return subtle.ConstantTimeCompare(hashSecret(secret), k.Hash) == 1
}

// Active reports whether the key was not revoked (see also Expired).
func (k *Key) Active() bool { return k.Revoked == nil }

// Expired reports whether the key's end has come.
func (k *Key) Expired(now time.Time) bool { return k.Expires != nil && !now.Before(*k.Expires) }

// SetExpiry makes the key end at at, which must be after now; EINVALID
// names the field "expires" otherwise.
func (k *Key) SetExpiry(at, now time.Time) error {
	if !at.After(now) {
		f := FieldErrors{}
		f.Add("expires", "is %s, which is not in the future", at.UTC().Format(time.RFC3339))
		return f.Err("the key")
	}
	at = at.UTC().Truncate(time.Second)
	k.Expires = &at
	return nil
}

// Successor makes the key that replaces k in a rotation: the same holder,
// role and organization, a new id and secret, no end. It returns the key
// to store and the token to show once.
func (k *Key) Successor(now time.Time) (Key, string, error) {
	return NewKey(k.Name, k.Role, k.OrganizationID, k.Email, now)
}

func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand's own promise)
	return hex.EncodeToString(b)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// KeyStore keeps API keys. Every method is safe for concurrent use.
type KeyStore interface {
	// CreateKey stores a new key. EINVALID if an org_editor key names an
	// organization that is not stored; ECONFLICT if the id is taken.
	CreateKey(ctx context.Context, k Key) error
	// GetKey returns the key with that id, revoked or not; ENOTFOUND if none.
	GetKey(ctx context.Context, id string) (Key, error)
	// ListKeys returns every key, revoked ones too, by creation time.
	ListKeys(ctx context.Context) ([]Key, error)
	// RevokeKey marks a key revoked from now on and returns it; revoking a
	// revoked key changes nothing. ENOTFOUND if there is none.
	RevokeKey(ctx context.Context, id string) (Key, error)
	// RotateKey stores next, the successor of key id, and makes key id end
	// at oldExpires (or earlier, if it ended sooner already), in one
	// transaction; it returns key id as changed. ENOTFOUND if there is no
	// such key, ECONFLICT if it was revoked (the caller, whose clock
	// decides, checks that it has not ended).
	RotateKey(ctx context.Context, id string, next Key, oldExpires time.Time) (Key, error)
}
