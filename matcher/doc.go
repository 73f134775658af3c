// Package matcher turns an assessment into ranked, explained referral
// options. It owns the needs vocabulary: which taxonomy terms serve which
// need, worked out once when a record is indexed.
package matcher
