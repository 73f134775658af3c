package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	json "github.com/go-json-experiment/json/v1" // as in read.go
	"github.com/refer-project/refer/resources"
	bbolt "go.etcd.io/bbolt"
)

var _ resources.AuditLog = (*DB)(nil)

// storedAudit is an audit entry as the audit bucket holds it: who, when,
// what, and the record's whole stored JSON before the change ("old"; absent
// for a create). What the record became is not copied again: it is the
// "old" of the record's next entry or, after its last, the record as
// stored (afterImage), so an import writes each record once, not twice.
// Entries about API keys, whose stored form is not what the trail shows,
// keep "new" too, as every entry written before layout 2 does. The
// changed fields are worked out when the trail is read: writing stays a
// copy of bytes already encoded, and any version of a record can be
// rebuilt.
type storedAudit struct {
	Seq      uint64          `json:"seq"`
	At       time.Time       `json:"at"`
	Actor    resources.Actor `json:"actor"`
	Action   string          `json:"action"`
	Kind     string          `json:"kind"`
	RecordID string          `json:"record_id"`
	Version  uint64          `json:"version,omitempty"`
	Old      json.RawMessage `json:"old,omitempty"`
	New      json.RawMessage `json:"new,omitempty"`
}

// audit appends an entry to the audit trail, in the transaction of the
// change it describes. old and new are the record's stored JSON (compact,
// as encode makes it) before and after; either may be nil, and new is nil
// for records (see storedAudit).
func (w *writer) audit(action, kind, id string, version uint64, old, new []byte) error {
	b := w.tx.Bucket(bucketAudit)
	b.FillPercent = appendOnly
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	if w.atActor == nil {
		if w.atActor, err = atActorJSON(w.at, w.actor); err != nil {
			return fmt.Errorf("store: audit: %w", err)
		}
	}
	// The bodies are spliced in as they are, not marshalled again.
	v := make([]byte, 0, 128+len(w.atActor)+len(id)+len(old)+len(new))
	v = appendAuditHead(v, seq, w.atActor, action, kind, id, version)
	if len(old) > 0 {
		v = append(append(v, `,"old":`...), old...)
	}
	if len(new) > 0 {
		v = append(append(v, `,"new":`...), new...)
	}
	v = append(v, '}')
	if err := b.Put(u64(seq), v); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	if w.deferred != nil {
		w.stagedAudit = append(w.stagedAudit, auditRecordKey(id, seq))
		return nil
	}
	if err := w.tx.Bucket(bucketAuditRecord).Put(auditRecordKey(id, seq), nil); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// appendAuditHead appends an audit entry's head, without its closing
// brace: json.Marshal(storedAudit{…}) but for old and new
// (FuzzEntryJSON), with atActor the transaction's "at" and "actor"
// members, encoded once. Marshalling each head took 0.56 of a 100k
// import's 47 CPU s.
func appendAuditHead(dst []byte, seq uint64, atActor []byte, action, kind, id string, version uint64) []byte {
	dst = strconv.AppendUint(append(dst, `{"seq":`...), seq, 10)
	dst = append(append(dst, ','), atActor...)
	dst = appendJSONString(append(dst, `,"action":`...), action)
	dst = appendJSONString(append(dst, `,"kind":`...), kind)
	dst = appendJSONString(append(dst, `,"record_id":`...), id)
	if version != 0 {
		dst = strconv.AppendUint(append(dst, `,"version":`...), version, 10)
	}
	return dst
}

// atActorJSON is the "at" and "actor" members of an audit entry's JSON.
func atActorJSON(at time.Time, actor resources.Actor) ([]byte, error) {
	b, err := json.Marshal(struct {
		At    time.Time       `json:"at"`
		Actor resources.Actor `json:"actor"`
	}{at, actor})
	if err != nil {
		return nil, err
	}
	return b[1 : len(b)-1], nil
}

// appendChangeJSON appends json.Marshal(ch) (FuzzEntryJSON).
func appendChangeJSON(dst []byte, ch resources.Change) []byte {
	dst = strconv.AppendUint(append(dst, `{"seq":`...), ch.Seq, 10)
	dst = appendJSONString(append(dst, `,"kind":`...), string(ch.Kind))
	dst = appendJSONString(append(dst, `,"id":`...), ch.ID)
	if ch.Deleted {
		dst = append(dst, `,"deleted":true`...)
	}
	dst = strconv.AppendUint(append(dst, `,"version":`...), ch.Version, 10)
	return append(dst, '}')
}

// appendJSONString appends s quoted as json.Marshal quotes it: as it is
// when nothing in it needs escaping (printable ASCII but for the quote,
// the backslash and the HTML characters that Marshal escapes), else by
// json.Marshal.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // never fails: invalid UTF-8 becomes U+FFFD
			return append(dst, b...)
		}
	}
	return append(append(append(dst, '"'), s...), '"')
}

func decodeAudit(tx *bbolt.Tx, v []byte) (resources.AuditEntry, error) {
	var sa storedAudit
	if err := json.Unmarshal(v, &sa); err != nil {
		return resources.AuditEntry{}, fmt.Errorf("store: audit entry: %w", err)
	}
	after := sa.New
	if after == nil && sa.Action != resources.ActionDelete && sa.Kind != resources.AuditKindKey {
		var err error
		if after, err = afterImage(tx, sa); err != nil {
			return resources.AuditEntry{}, err
		}
	}
	changes, err := resources.DiffJSON(sa.Old, after)
	if err != nil {
		return resources.AuditEntry{}, fmt.Errorf("store: audit entry %d: %w", sa.Seq, err)
	}
	return resources.AuditEntry{Seq: sa.Seq, At: sa.At, Actor: sa.Actor, Action: sa.Action, Kind: sa.Kind,
		RecordID: sa.RecordID, Version: sa.Version, Changes: changes}, nil
}

// afterImage returns a record's stored JSON just after the change of entry
// sa: the "old" of the next entry about the same record, or the record as
// stored now if sa is its last.
func afterImage(tx *bbolt.Tx, sa storedAudit) ([]byte, error) {
	key := auditRecordKey(sa.RecordID, sa.Seq)
	prefix := key[:len(sa.RecordID)+1]
	entries := tx.Bucket(bucketAudit)
	c := tx.Bucket(bucketAuditRecord).Cursor()
	k, _ := c.Seek(key)
	if bytes.Equal(k, key) {
		k, _ = c.Next()
	}
	// Records of other kinds (and API keys) may share the id.
	for ; bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		v := entries.Get(k[len(prefix):])
		if v == nil {
			return nil, fmt.Errorf("store: audit index names entry %x, which is not stored", k[len(prefix):])
		}
		var next struct {
			Kind string          `json:"kind"`
			Old  json.RawMessage `json:"old"`
		}
		if err := json.Unmarshal(v, &next); err != nil {
			return nil, fmt.Errorf("store: audit entry: %w", err)
		}
		if next.Kind == sa.Kind {
			return next.Old, nil
		}
	}
	var v []byte
	if b := tx.Bucket([]byte(sa.Kind)); b != nil {
		v = b.Get([]byte(sa.RecordID))
	}
	if len(v) < 8 || binary.BigEndian.Uint64(v) != sa.Version {
		return nil, fmt.Errorf("store: audit entry %d: %s %q is not stored at version %d and no later entry says what it became",
			sa.Seq, sa.Kind, sa.RecordID, sa.Version)
	}
	return v[8:], nil
}

// auditRecordKey is "<record id>/<seq as 8 bytes>": a record's entries sit
// together, oldest first. Ids have no "/", so the prefix is never ambiguous.
func auditRecordKey(id string, seq uint64) []byte {
	k := make([]byte, 0, len(id)+9)
	k = append(k, id...)
	k = append(k, '/')
	return append(k, u64(seq)...)
}

// Audit returns the audit entries q selects, newest first.
func (db *DB) Audit(ctx context.Context, q resources.AuditQuery) ([]resources.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if strings.Contains(q.RecordID, "/") {
		return nil, nil // no stored id has one, and it would blur the prefix
	}
	if db.auditDeferred() {
		return nil, ErrRefsDeferred // entries are read with the index by record
	}
	before := q.Before
	if before == 0 {
		before = math.MaxUint64
	}
	var out []resources.AuditEntry
	err := db.db.View(func(tx *bbolt.Tx) error {
		entries := tx.Bucket(bucketAudit)
		// add decodes one entry and says whether to go on.
		add := func(v []byte) (bool, error) {
			e, err := decodeAudit(tx, v)
			if err != nil {
				return false, err
			}
			if q.Kind == "" || e.Kind == q.Kind {
				out = append(out, e)
			}
			return q.Limit <= 0 || len(out) < q.Limit, nil
		}
		if q.RecordID == "" {
			c := entries.Cursor()
			for k, v := seekBefore(c, u64(before)); k != nil; k, v = c.Prev() {
				if more, err := add(v); !more || err != nil {
					return err
				}
			}
			return nil
		}
		prefix := []byte(q.RecordID + "/")
		c := tx.Bucket(bucketAuditRecord).Cursor()
		for k, _ := seekBefore(c, auditRecordKey(q.RecordID, before)); bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			seq := k[len(prefix):]
			v := entries.Get(seq)
			if v == nil {
				return fmt.Errorf("store: audit index names entry %x, which is not stored", seq)
			}
			if more, err := add(v); !more || err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// seekBefore moves c to the last key before target.
func seekBefore(c *bbolt.Cursor, target []byte) ([]byte, []byte) {
	if k, _ := c.Seek(target); k == nil {
		return c.Last()
	}
	return c.Prev()
}
