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
//	        instead of misreading it.
//
// # The change log
//
// Every write and delete appends its change in the same transaction that
// makes it, so the log and the records can never disagree, even after a
// crash. Followers (the index, later the webhook outbox) remember the last
// sequence number they applied and read on from there with Changes. A batch
// that changes nothing leaves no entry, so re-importing the same files does
// not make the index do any work.
package bolt
