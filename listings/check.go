package listings

import (
	"fmt"
	"maps"
	"math"
	"net/mail"
	"net/url"
	"slices"
	"strings"

	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// The format rules of what people type into a listing: e-mail addresses,
// web addresses, phones. They hold for new values; a value kept as it was
// imported is not refused for its form, so a messy directory's records can
// still be changed in other ways.

// checkForm names an organization's, service's or location's e-mail, web
// address and phones that do not look like one, when they changed from old
// (nil: new record), and writes new or changed phone numbers in one form.
func checkForm(r, old resources.Record) error {
	f := resources.FieldErrors{}
	switch r := r.(type) {
	case *resources.Organization:
		var was resources.Organization
		if o, ok := old.(*resources.Organization); ok {
			was = *o
		}
		checkEmail(f, "email", r.Email, was.Email)
		checkWeb(f, "website", r.Website, was.Website)
		checkPhones(f, r.Phones, was.Phones)
	case *resources.Service:
		var was resources.Service
		if o, ok := old.(*resources.Service); ok {
			was = *o
		}
		checkEmail(f, "email", r.Email, was.Email)
		checkWeb(f, "url", r.URL, was.URL)
		checkPhones(f, r.Phones, was.Phones)
	case *resources.Location:
		var was resources.Location
		if o, ok := old.(*resources.Location); ok {
			was = *o
		}
		checkPhones(f, r.Phones, was.Phones)
	default:
		return nil
	}
	if len(f) == 0 {
		return nil // the store checks the record's own rules
	}
	// With the record's own rules, so that one answer names every field
	// that is wrong (theirs first: a phone with no number lacks one).
	if err := r.Validate(); err != nil {
		fields := resources.ErrorFields(err)
		if len(fields) == 0 {
			return err
		}
		maps.Copy(f, fields)
	}
	return f.Err(fmt.Sprintf("%s %q", r.Kind(), r.RecordID()))
}

// checkEmail: a plain address (name@example.org), without a display name.
func checkEmail(f resources.FieldErrors, field, v, was string) {
	if v == "" || v == was {
		return
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" || !strings.Contains(v[strings.LastIndexByte(v, '@'):], ".") {
		f.Add(field, "is %q, not an e-mail address such as help@example.org", v)
	}
}

// checkWeb: an http or https address of a named host (https://example.org).
func checkWeb(f resources.FieldErrors, field, v, was string) {
	if v == "" || v == was {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Hostname(), ".") || u.User != nil || strings.ContainsAny(v, " \t\r\n") {
		f.Add(field, "is %q, not a web address such as https://example.org", v)
	}
}

// PhoneTypes are HSDS's types of phone, in the order forms offer them.
var PhoneTypes = []string{"voice", "cell", "text", "fax", "textphone", "video", "pager"}

// CheckPhones writes each new or changed phone's number by the import's
// rule (hsds.FormatPhone: "(305) 555-0114", "x12" for an extension) and
// names each that is not a US number or a short code (211, 988), has an
// extension that is not a whole number, or a type HSDS does not know. A
// phone kept as it was (its id, number, extension and type as in was) is
// left as imported. The pages call it to say each bad row at once; every
// write of a listing (Create, Replace, Change) applies it.
func CheckPhones(ps, was []resources.Phone) error {
	f := resources.FieldErrors{}
	checkPhones(f, ps, was)
	return f.Err("the phones")
}

func checkPhones(f resources.FieldErrors, ps, was []resources.Phone) {
	for i := range ps {
		p := &ps[i]
		if slices.ContainsFunc(was, func(w resources.Phone) bool { return samePhone(*p, w) }) {
			continue
		}
		name := fmt.Sprintf("phones[%d]", i)
		p.Number = strings.TrimSpace(p.Number)
		if n, ok := hsds.FormatPhone(p.Number); ok {
			p.Number = n
		} else if !shortCode(p.Number) {
			f.Add(name+".number", "is %q, not a phone number: ten digits for a US number, or a short code such as 211", p.Number)
		}
		if e := p.Extension; e != nil && (*e < 0 || *e > 1e9 || *e != math.Trunc(*e)) {
			f.Add(name+".extension", "is %g; an extension is a whole number", *e)
		}
		if p.Type != "" && !slices.Contains(PhoneTypes, p.Type) {
			f.Add(name+".type", "is %q; use one of %s", p.Type, strings.Join(PhoneTypes, ", "))
		}
	}
}

// samePhone: a phone as it was stored, by id and what the rule checks.
func samePhone(p, w resources.Phone) bool {
	return p.ID != "" && p.ID == w.ID && p.Number == w.Number && p.Type == w.Type &&
		(p.Extension == nil) == (w.Extension == nil) && (p.Extension == nil || *p.Extension == *w.Extension)
}

// shortCode: three to six digits (211, 988, 311).
func shortCode(n string) bool {
	if len(n) < 3 || len(n) > 6 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}
