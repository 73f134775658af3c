package web

import (
	"regexp"
	"strings"
)

// The directory's rules say why a field is wrong in English, in a few
// fixed forms (api's query parameters and match body, resources' records).
// The pages say it in the visitor's language: each form is a message id,
// as in gettext, and its translation sits in the catalogs under why.*.
// A reason in no form listed here is shown as the rule wrote it.
var reasonForms = []struct{ format, key string }{
	{"is longer than %d characters", "why.too_long"},
	{"has %d characters, more than the limit of %d for a search (--max-query-length)", "why.query_too_long"},
	{"the search word %q has %d letters, more than the limit of %d for one word (--max-word-letters)", "why.word_too_long"},
	{"has %d values; at most %d are allowed", "why.too_many_values"},
	{"has %d needs; at most %d", "why.too_many_needs"},
	{"is %q, not a number", "why.not_a_number"},
	{"is %q, not a whole number", "why.not_a_whole_number"},
	{"is 0; it must be more than 0 and at most %d", "why.zero_distance"},
	{"is %g; it must be more than 0 and at most %d", "why.more_than_zero"},
	{"is %s; it must be between %g and %g", "why.between"},
	{"is %g; it must be zero or more", "why.not_negative"},
	{"is %q; use true or false", "why.true_or_false"},
	{"is %q; use an RFC 3339 time such as 2026-11-27T15:00:00-05:00", "why.time"},
	{"is %q; use one of %s", "why.one_of"},
	{"%q is not a need code; GET /api/v1/needs lists them", "why.unknown_need"},
	{"%q is not a US ZIP code we know", "why.unknown_zip"},
	{"is distance, which needs latitude and longitude or a postcode", "why.distance_needs_place"},
	{"and longitude must be given together", "why.latitude_and_longitude"},
	{"and client.longitude must be given together", "why.latitude_and_longitude"},
}

// reasonPatterns are reasonForms as patterns that take back the values the
// rule wrote in.
var reasonPatterns = func() []*regexp.Regexp {
	verb := regexp.MustCompile(`%[qdsgv]`)
	out := make([]*regexp.Regexp, len(reasonForms))
	for i, f := range reasonForms {
		parts := verb.Split(f.format, -1)
		for j := range parts {
			parts[j] = regexp.QuoteMeta(parts[j])
		}
		out[i] = regexp.MustCompile("^" + strings.Join(parts, "(.+?)") + "$")
	}
	return out
}()

// Why says a rule's reason in the page's language.
func (l *locale) Why(reason string) string {
	for i, p := range reasonPatterns {
		if m := p.FindStringSubmatch(reason); m != nil {
			args := make([]any, len(m)-1)
			for j, v := range m[1:] {
				args[j] = v
			}
			return l.T(reasonForms[i].key, args...)
		}
	}
	return reason
}
