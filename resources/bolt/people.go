package bolt

import (
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	json "github.com/go-json-experiment/json/v1" // as in read.go
	"github.com/refer-project/refer/resources"
	bbolt "go.etcd.io/bbolt"
)

var _ resources.PeopleStore = (*DB)(nil)

// People live in three buckets: people (id → the person, password hash
// included), people_email (lower-case e-mail → id) and tokens (hex SHA-256
// of a link's or session's secret → the token). New buckets, so the file's
// layout stays "2": an older binary ignores them.
var (
	bucketPeople      = []byte("people")
	bucketPeopleEmail = []byte("people_email")
	bucketTokens      = []byte("tokens")

	peopleBuckets = [][]byte{bucketPeople, bucketPeopleEmail, bucketTokens}
)

// AuditKindPerson is the kind of audit entries about people.
const AuditKindPerson = "person"

// storedPerson writes the hash that resources.Person keeps out of JSON.
type storedPerson struct {
	resources.Person
	Hash string `json:"password_hash,omitempty"`
}

func encodePerson(p resources.Person) ([]byte, error) {
	return json.Marshal(storedPerson{Person: p, Hash: p.PasswordHash})
}

func decodePerson(v []byte) (resources.Person, error) {
	var sp storedPerson
	if err := json.Unmarshal(v, &sp); err != nil {
		return resources.Person{}, fmt.Errorf("store: person: %w", err)
	}
	sp.Person.PasswordHash = sp.Hash
	return sp.Person, nil
}

// personJSON is what the audit trail keeps of a person: never the hash.
func personJSON(p resources.Person) []byte {
	b, _ := json.Marshal(p) // a Person always marshals
	return b
}

// CreatePerson stores a new person; ECONFLICT if the e-mail address or id
// is taken, EINVALID if org_staff name no stored organization.
func (db *DB) CreatePerson(ctx context.Context, p resources.Person) error {
	return db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		if p.OrganizationID != "" && w.tx.Bucket([]byte(resources.KindOrganization)).Get([]byte(p.OrganizationID)) == nil {
			return &resources.Error{Code: resources.EINVALID, Message: "the person is invalid",
				Fields: map[string]string{"organization_id": fmt.Sprintf("names no organization %q", p.OrganizationID)}}
		}
		people, emails := w.tx.Bucket(bucketPeople), w.tx.Bucket(bucketPeopleEmail)
		email := []byte(strings.ToLower(p.Email))
		if emails.Get(email) != nil {
			return resources.Errorf(resources.ECONFLICT, "there is already a person with e-mail %s", p.Email)
		}
		if people.Get([]byte(p.ID)) != nil {
			return resources.Errorf(resources.ECONFLICT, "person %q already exists", p.ID)
		}
		v, err := encodePerson(p)
		if err != nil {
			return err
		}
		if err := people.Put([]byte(p.ID), v); err != nil {
			return fmt.Errorf("store: person %q: %w", p.ID, err)
		}
		if err := emails.Put(email, []byte(p.ID)); err != nil {
			return fmt.Errorf("store: person %q: %w", p.ID, err)
		}
		return w.audit(resources.ActionCreate, AuditKindPerson, p.ID, 0, nil, personJSON(p))
	})
}

// GetPerson returns the person with that id; ENOTFOUND if none.
func (db *DB) GetPerson(ctx context.Context, id string) (resources.Person, error) {
	if err := ctx.Err(); err != nil {
		return resources.Person{}, err
	}
	var p resources.Person
	err := db.db.View(func(tx *bbolt.Tx) error {
		var err error
		p, err = getPerson(tx, id)
		return err
	})
	return p, err
}

func getPerson(tx *bbolt.Tx, id string) (resources.Person, error) {
	v := tx.Bucket(bucketPeople).Get([]byte(id))
	if v == nil {
		return resources.Person{}, resources.Errorf(resources.ENOTFOUND, "there is no person %q", id)
	}
	return decodePerson(v)
}

// PersonByEmail returns the person with that e-mail address; ENOTFOUND if
// none.
func (db *DB) PersonByEmail(ctx context.Context, email string) (resources.Person, error) {
	if err := ctx.Err(); err != nil {
		return resources.Person{}, err
	}
	var p resources.Person
	err := db.db.View(func(tx *bbolt.Tx) error {
		id := tx.Bucket(bucketPeopleEmail).Get([]byte(strings.ToLower(strings.TrimSpace(email))))
		if id == nil {
			return resources.Errorf(resources.ENOTFOUND, "there is no person with e-mail %s", email)
		}
		var err error
		p, err = getPerson(tx, string(id))
		return err
	})
	return p, err
}

// ListPeople returns everyone, oldest first.
func (db *DB) ListPeople(ctx context.Context) ([]resources.Person, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []resources.Person
	err := db.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketPeople).ForEach(func(_, v []byte) error {
			p, err := decodePerson(v)
			if err == nil {
				out = append(out, p)
			}
			return err
		})
	})
	slices.SortFunc(out, func(a, b resources.Person) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	return out, err
}

// UpdatePerson changes a person in one transaction. An audit entry is kept
// when what the trail shows changed (a disable, a name), not for a new
// password hash alone.
func (db *DB) UpdatePerson(ctx context.Context, id string, change func(*resources.Person) error) (resources.Person, error) {
	var p resources.Person
	err := db.transact(ctx, resources.ActorSystem, func(w *writer) error {
		old, err := getPerson(w.tx, id)
		if err != nil {
			return err
		}
		p = old
		if err := change(&p); err != nil {
			return err
		}
		p.ID, p.Email, p.Role, p.Created = old.ID, old.Email, old.Role, old.Created
		v, err := encodePerson(p)
		if err != nil {
			return err
		}
		if err := w.tx.Bucket(bucketPeople).Put([]byte(id), v); err != nil {
			return fmt.Errorf("store: person %q: %w", id, err)
		}
		if before, after := personJSON(old), personJSON(p); !bytes.Equal(before, after) {
			return w.audit(resources.ActionUpdate, AuditKindPerson, id, 0, before, after)
		}
		return nil
	})
	return p, err
}

func tokenKey(hash []byte) []byte { return []byte(hex.EncodeToString(hash)) }

func getToken(tx *bbolt.Tx, hash []byte) (resources.Token, error) {
	v := tx.Bucket(bucketTokens).Get(tokenKey(hash))
	if v == nil {
		return resources.Token{}, resources.Errorf(resources.ENOTFOUND, "there is no such link or session")
	}
	var t resources.Token
	if err := json.Unmarshal(v, &t); err != nil {
		return t, fmt.Errorf("store: token: %w", err)
	}
	t.Hash = hash
	return t, nil
}

func putToken(tx *bbolt.Tx, t resources.Token) error {
	v, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketTokens).Put(tokenKey(t.Hash), v)
}

// PutToken stores a token, first clearing the person's tokens of any kind
// that expired more than a day ago, so the bucket does not grow without
// end.
func (db *DB) PutToken(ctx context.Context, t resources.Token) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.db.Update(func(tx *bbolt.Tx) error {
		if err := deleteTokens(tx, func(old resources.Token) bool {
			return old.PersonID == t.PersonID && old.Expires.Before(t.Created.Add(-24*time.Hour))
		}); err != nil {
			return err
		}
		return putToken(tx, t)
	})
}

// GetToken returns the token with that hash; ENOTFOUND if none.
func (db *DB) GetToken(ctx context.Context, hash []byte) (resources.Token, error) {
	if err := ctx.Err(); err != nil {
		return resources.Token{}, err
	}
	var t resources.Token
	err := db.db.View(func(tx *bbolt.Tx) error {
		var err error
		t, err = getToken(tx, hash)
		return err
	})
	return t, err
}

// UseToken marks a token used once; ECONFLICT when used or expired.
func (db *DB) UseToken(ctx context.Context, hash []byte, now time.Time) (resources.Token, error) {
	if err := ctx.Err(); err != nil {
		return resources.Token{}, err
	}
	var t resources.Token
	err := db.db.Update(func(tx *bbolt.Tx) error {
		var err error
		if t, err = getToken(tx, hash); err != nil {
			return err
		}
		switch {
		case t.Used != nil:
			return resources.Errorf(resources.ECONFLICT, "the link was used on %s", t.Used.Format(time.RFC3339))
		case !now.Before(t.Expires):
			return resources.Errorf(resources.ECONFLICT, "the link expired on %s", t.Expires.Format(time.RFC3339))
		}
		at := now.UTC()
		t.Used = &at
		return putToken(tx, t)
	})
	return t, err
}

// DeleteToken removes a token.
func (db *DB) DeleteToken(ctx context.Context, hash []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketTokens).Delete(tokenKey(hash)) })
}

// DeleteTokensOf removes a person's tokens of kind but keep.
func (db *DB) DeleteTokensOf(ctx context.Context, personID, kind string, keep []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.db.Update(func(tx *bbolt.Tx) error {
		return deleteTokens(tx, func(t resources.Token) bool {
			return t.PersonID == personID && t.Kind == kind && !bytes.Equal(t.Hash, keep)
		})
	})
}

// deleteTokens removes the tokens that drop says to. It reads every
// token: there are a few per person, and people are few.
func deleteTokens(tx *bbolt.Tx, drop func(resources.Token) bool) error {
	b := tx.Bucket(bucketTokens)
	var gone [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var t resources.Token
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("store: token: %w", err)
		}
		t.Hash, _ = hex.DecodeString(string(k))
		if drop(t) {
			gone = append(gone, bytes.Clone(k))
		}
		return nil
	})
	for _, k := range gone {
		if err == nil {
			err = b.Delete(k)
		}
	}
	return err
}
