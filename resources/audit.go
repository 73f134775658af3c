package resources

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Actor is who makes a change: an API key (its id and name, never its
// secret), a signed-in person (their user id), or a named process such as
// an import. OrganizationID is the organization an org_editor key or an
// organization's staff member acts for; the rules that depend on it (which
// listings, which referrals) read it here, whichever face the request came
// through.
type Actor struct {
	KeyID          string `json:"key_id,omitempty"`
	UserID         string `json:"user_id,omitempty"`
	Name           string `json:"name"`
	Role           Role   `json:"role,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
}

// The actors of writes that no API key makes.
var (
	// ActorImport is recorded for a batch written with no actor in its
	// context: PutBatch is how whole directories are imported.
	ActorImport = Actor{Name: "import"}
	// ActorSystem is recorded for any other write with no actor.
	ActorSystem = Actor{Name: "system"}
)

type actorKey struct{}

// WithActor returns a context that makes the store record a as the author
// of the writes made with it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor set by WithActor, or def when there is none.
func ActorFrom(ctx context.Context, def Actor) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return def
}

// Audit actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionRevoke = "revoke"
)

// AuditKindKey is the kind of audit entries about API keys, which are not
// directory records but whose making and revoking is kept all the same.
const AuditKindKey = "api_key"

// AuditKindCapacity is the kind of audit entries about a service's
// capacity (the record id is the service's).
const AuditKindCapacity = "capacity"

// AuditEntry is one change in the audit trail: who made it, when, to what
// record, and each field's old and new value.
type AuditEntry struct {
	// Seq orders the trail; newer entries have larger numbers.
	Seq      uint64        `json:"seq"`
	At       time.Time     `json:"at"`
	Actor    Actor         `json:"actor"`
	Action   string        `json:"action"`
	Kind     string        `json:"kind"`
	RecordID string        `json:"record_id"`
	Version  uint64        `json:"version,omitempty"`
	Changes  []FieldChange `json:"changes"`
}

// FieldChange is one top-level field of a record that changed. Old is
// absent for a field that was not there; New for one that is gone. Nested
// arrays (phones, schedules, …) are compared and shown whole.
type FieldChange struct {
	Field string          `json:"field"`
	Old   json.RawMessage `json:"old,omitempty"`
	New   json.RawMessage `json:"new,omitempty"`
}

// DiffJSON compares two JSON objects field by field, the top-level fields
// in name order. Either may be nil (a record created or deleted).
func DiffJSON(old, new []byte) ([]FieldChange, error) {
	var a, b map[string]json.RawMessage
	if len(old) > 0 {
		if err := json.Unmarshal(old, &a); err != nil {
			return nil, fmt.Errorf("diff: %w", err)
		}
	}
	if len(new) > 0 {
		if err := json.Unmarshal(new, &b); err != nil {
			return nil, fmt.Errorf("diff: %w", err)
		}
	}
	var out []FieldChange
	for name, ov := range a {
		nv, ok := b[name]
		if !ok || !bytes.Equal(ov, nv) {
			out = append(out, FieldChange{Field: name, Old: ov, New: nv})
		}
	}
	for name, nv := range b {
		if _, ok := a[name]; !ok {
			out = append(out, FieldChange{Field: name, New: nv})
		}
	}
	slices.SortFunc(out, func(x, y FieldChange) int { return cmp.Compare(x.Field, y.Field) })
	return out, nil
}

// AuditQuery selects audit entries, newest first.
type AuditQuery struct {
	// RecordID keeps only the entries about records with this id.
	RecordID string
	// Kind keeps only the entries about this kind of record ("service",
	// …, or AuditKindKey).
	Kind string
	// Before keeps only the entries older than this Seq (for paging); 0
	// means from the newest.
	Before uint64
	// Limit caps the number returned; 0 means no cap.
	Limit int
}

// AuditLog reads the audit trail that a store writes with every change, in
// the same transaction as the change.
type AuditLog interface {
	// Audit returns the entries q selects, newest first.
	Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
}
