package listings

import (
	"fmt"
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

// checkLinks names an organization's or service's e-mail and web address
// that do not look like one, when they changed from old (nil: new record).
func checkLinks(r, old resources.Record) error {
	f := resources.FieldErrors{}
	switch r := r.(type) {
	case *resources.Organization:
		var was resources.Organization
		if o, ok := old.(*resources.Organization); ok {
			was = *o
		}
		checkEmail(f, "email", r.Email, was.Email)
		checkWeb(f, "website", r.Website, was.Website)
	case *resources.Service:
		var was resources.Service
		if o, ok := old.(*resources.Service); ok {
			was = *o
		}
		checkEmail(f, "email", r.Email, was.Email)
		checkWeb(f, "url", r.URL, was.URL)
	default:
		return nil
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

// CheckPhones writes each phone's number by the import's rule
// (hsds.FormatPhone: a US number as "(305) 555-0114") and checks its
// extension and type; a short code such as 211 or 988 is kept as written.
// EINVALID names each bad field (phones[i].number, .extension, .type).
func CheckPhones(ps []resources.Phone) error {
	f := resources.FieldErrors{}
	for i := range ps {
		p := &ps[i]
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
	return f.Err("the phones")
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
