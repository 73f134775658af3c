// Package bolt keeps the directory in a bbolt file: the record of truth that
// the search index and every other follower is derived from. It is the only
// package that imports bbolt; the rest of refer sees it as a resources.Store.
//
// # Buckets
//
// Open makes every bucket, so no transaction has to create one:
//
//	<kind>  one per resources.Kind ("organization", "service", …).
//	        key: the record's id. value: its version as 8 bytes, big-endian,
//	        then the JSON of resources.Flat(record). The version lives outside
//	        the JSON because it is not HSDS and must not leak into exports.
//	refs    one empty-valued key per link between two stored records:
//	        "<parent kind>/<parent id>/<child kind>/<child id>", the value
//	        naming the child's field. Delete looks for any key under
//	        "<kind>/<id>/" to refuse removing a record something still points
//	        at, and List with an organization id reads the keys under
//	        "organization/<id>/<kind>/" instead of scanning the kind. Ids may
//	        not contain "/" (resources validation), so a prefix is never
//	        ambiguous.
//	log     the change log. key: the sequence number as 8 bytes, big-endian,
//	        taken from the bucket's own sequence; value: the JSON of a
//	        resources.Change.
//	meta    the file's format, so a later layout can refuse an older file
//	        instead of misreading it, and its identity: a random id made with
//	        the file (a backup keeps it), which the search index records so
//	        that it is never taken for the index of another store.
//	audit   the audit trail. key: its own sequence number as 8 bytes,
//	        big-endian; value: JSON of who, when and what record, with the
//	        record's stored JSON before the change ("old"). What it became
//	        is the "old" of the record's next entry, or the record as stored
//	        after its last (layout "1" copied it into "new", as entries
//	        about API keys still do). Audit works out each changed field
//	        from the two when it is read.
//	audit_record
//	        one empty-valued key per entry, "<record id>/<seq as 8 bytes>",
//	        so a record's history is read backwards from its prefix.
//	keys    API keys. key: the key's id; value: the JSON of the
//	        resources.Key with its SHA-256 hash in hex. Never the secret.
//	people  people who sign in to the pages. key: the person's id; value:
//	        the JSON of the resources.Person with its argon2id hash.
//	people_email
//	        key: a person's e-mail address in lower case; value: their id.
//	tokens  one-time set-password links and sessions. key: the hex SHA-256
//	        of the secret; value: the JSON of the resources.Token. Never
//	        the secret.
//
// The audit buckets, keys, people and tokens came after layout "1" without changing any
// key or value in it, so they share its format: Open adds them to an older
// file. Layout "2" only leaves "new" out of record entries; Open reads a
// layout "1" file as it is and marks it "2".
//
// # The change log and the audit trail
//
// Every write and delete appends its change, and its audit entry, in the
// same transaction that makes it, so the log, the trail and the records can
// never disagree, even after a crash. The audit entry's actor comes from
// the write's context (resources.WithActor); a batch without one is an
// import. Transact runs several writes as one transaction (a service and
// its service_at_locations, replaced together). Followers (the index, later the webhook outbox) remember the last
// sequence number they applied and read on from there with Changes. A batch
// that changes nothing leaves no entry, so re-importing the same files does
// not make the index do any work.
package bolt
