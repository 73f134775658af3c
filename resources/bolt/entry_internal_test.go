package bolt

import (
	"bytes"
	"testing"
	"time"

	json "github.com/go-json-experiment/json/v1"
	"github.com/refer-project/refer/resources"
)

// FuzzEntryJSON: the change log's entries and the audit trail's heads,
// written out by hand, are the bytes json.Marshal gives, whatever the ids,
// names and numbers.
func FuzzEntryJSON(f *testing.F) {
	f.Add(uint64(1), "service", "svc-1", uint64(1), false, "import", "", int64(0))
	f.Add(uint64(0), "", "", uint64(0), true, "", "key-1", int64(-1))
	f.Add(uint64(1<<63), "location", `a"b\c<d>&e`, uint64(99), true, "Ana <ana@example.org>", "k&y", int64(1e18))
	f.Add(uint64(7), "taxonomy_term", "tab\there\u2028é\xff", uint64(3), false, "\x00\x7f", "日本", int64(1733500000123456789))
	f.Fuzz(func(t *testing.T, seq uint64, kind, id string, version uint64, deleted bool, name, keyID string, nanos int64) {
		ch := resources.Change{Seq: seq, Kind: resources.Kind(kind), ID: id, Deleted: deleted, Version: version}
		want, err := json.Marshal(ch)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendChangeJSON(nil, ch); !bytes.Equal(got, want) {
			t.Errorf("change:\n got  %s\n want %s", got, want)
		}

		at := time.Unix(0, nanos).UTC()
		actor := resources.Actor{KeyID: keyID, Name: name, Role: resources.Role(kind), OrganizationID: id}
		atActor, err := atActorJSON(at, actor)
		if err != nil {
			t.Fatal(err) // an int64 of nanoseconds is a year JSON can hold
		}
		want, err = json.Marshal(storedAudit{Seq: seq, At: at, Actor: actor, Action: name, Kind: kind, RecordID: id, Version: version})
		if err != nil {
			t.Fatal(err)
		}
		if got := append(appendAuditHead(nil, seq, atActor, name, kind, id, version), '}'); !bytes.Equal(got, want) {
			t.Errorf("audit head:\n got  %s\n want %s", got, want)
		}
	})
}
