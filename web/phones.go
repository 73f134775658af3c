package web

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/listings"
	"github.com/refer-project/refer/resources"
)

// Organization staff keep a service's phones: number, extension and type,
// one row each, a cleared number removing its row. The rule is
// listings.CheckPhones (the import's way of writing a US number), applied
// inside listings.Change, so the version, audit and search are the other
// forms'.

// phoneRows is how many empty rows the form offers for new phones.
const phoneRows = 2

type phonesForm struct {
	chrome
	ServiceID string
	Version   uint64
	Org       string // an admin's ?org=
	Types     []string
	Rows      []phoneRow
	Errors    []string
}

type phoneRow struct {
	N                 int // its number in the form, from 1
	ID                string
	Number, Ext, Type string
	NumberErr, ExtErr string
	TypeErr           string
}

func (s *Pages) phonesFormOf(c echo.Context, svc *resources.Service) *phonesForm {
	v := &phonesForm{ServiceID: svc.ID, Version: svc.Version, Org: c.QueryParam("org"), Types: listings.PhoneTypes}
	v.Title = s.locale(c).T("listing.phones.title", svc.Name)
	for _, p := range svc.Phones {
		row := phoneRow{ID: p.ID, Number: p.Number, Type: p.Type}
		if p.Extension != nil {
			row.Ext = strconv.FormatFloat(*p.Extension, 'f', -1, 64)
		}
		v.Rows = append(v.Rows, row)
	}
	for range phoneRows {
		v.Rows = append(v.Rows, phoneRow{})
	}
	for i := range v.Rows {
		v.Rows[i].N = i + 1
	}
	return v
}

func (s *Pages) phonesPage(c echo.Context) error {
	svc, err := s.ownService(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "phones", s.phonesFormOf(c, svc))
}

// phoneField reads "phones[3].number" as row 3 and field "number".
var phoneField = regexp.MustCompile(`^phones\[(\d+)\]\.(number|extension|type)$`)

func (s *Pages) savePhones(c echo.Context) error {
	l := s.locale(c)
	svc, err := s.ownService(c)
	if err != nil {
		return err
	}
	v := s.phonesFormOf(c, svc)
	v.Version = sentVersion(c, v.Version)
	// The rows as sent: as many as the form had (its own, or the stored
	// phones and the empty rows).
	n, _ := strconv.Atoi(c.FormValue("rows"))
	n = min(max(n, 0), len(svc.Phones)+phoneRows+20)
	v.Rows = v.Rows[:0]
	var kept []int // the form rows of the phones sent, in order
	var phones []resources.Phone
	for i := 1; i <= n; i++ {
		row := phoneRow{N: i, ID: c.FormValue(fmt.Sprintf("id.%d", i)), Number: strings.TrimSpace(c.FormValue(fmt.Sprintf("number.%d", i))),
			Ext: strings.TrimSpace(c.FormValue(fmt.Sprintf("ext.%d", i))), Type: c.FormValue(fmt.Sprintf("type.%d", i))}
		v.Rows = append(v.Rows, row)
		if row.Number == "" {
			continue // a cleared row: that phone is removed
		}
		p := resources.Phone{ID: row.ID, Number: row.Number, Type: row.Type}
		if row.Ext != "" {
			e, err := strconv.ParseFloat(row.Ext, 64)
			if err != nil {
				v.Rows[i-1].ExtErr = l.T("listing.phones.err.extension")
			}
			p.Extension = &e
		}
		kept = append(kept, i-1)
		phones = append(phones, p)
	}
	// Every row is checked by the rule before anything is sent, so each
	// bad field is said at once.
	s.phoneErrors(l, v, kept, listings.CheckPhones(slices.Clone(phones), svc.Phones))
	if !slices.ContainsFunc(v.Rows, phoneRow.Refused) && len(v.Errors) == 0 {
		_, err = listings.Change(c.Request().Context(), s.store, svc.ID, version(c), func(svc *resources.Service) error {
			had := map[string]resources.Phone{}
			for _, p := range svc.Phones {
				had[p.ID] = p
			}
			for i := range phones {
				p := &phones[i]
				if old, ok := had[p.ID]; ok && p.ID != "" {
					old.Number, old.Extension, old.Type = p.Number, p.Extension, p.Type
					*p = old // its description and languages kept
				} else {
					p.ID = uuid.NewString()
				}
				p.ServiceID = svc.ID
			}
			svc.Phones = phones // checked again by listings.Change
			return nil
		})
		switch {
		case err == nil:
			s.synced(c.Request().Context())
			return c.Redirect(http.StatusSeeOther, "/org?done=phones"+adminOrg(c))
		case resources.ErrorCode(err) == resources.EINVALID:
			s.phoneErrors(l, v, kept, err)
		default:
			return s.changeError(err)
		}
	}
	for i := range v.Rows {
		row := &v.Rows[i]
		for _, e := range []string{row.NumberErr, row.ExtErr, row.TypeErr} {
			if e != "" {
				v.Errors = append(v.Errors, l.T("listing.phones.row", row.N)+": "+e)
			}
		}
	}
	if len(v.Errors) == 0 {
		v.Errors = append(v.Errors, l.T("orgedit.err.other"))
	}
	return s.render(c, http.StatusBadRequest, "phones", v)
}

// phoneErrors puts err's field errors on the rows they are about: kept
// are the form rows of the phones checked, in order.
func (s *Pages) phoneErrors(l *locale, v *phonesForm, kept []int, err error) {
	for field := range resources.ErrorFields(err) {
		m := phoneField.FindStringSubmatch(field)
		k := -1
		if m != nil {
			k, _ = strconv.Atoi(m[1])
		}
		if k < 0 || k >= len(kept) {
			v.Errors = append(v.Errors, l.T("orgedit.err.other"))
			continue
		}
		row := &v.Rows[kept[k]]
		switch m[2] {
		case "number":
			row.NumberErr = l.T("listing.phones.err.number")
		case "extension":
			row.ExtErr = l.T("listing.phones.err.extension")
		case "type":
			row.TypeErr = l.T("listing.phones.err.type")
		}
	}
	if err != nil && len(resources.ErrorFields(err)) == 0 {
		v.Errors = append(v.Errors, l.T("orgedit.err.other"))
	}
}

// Refused reports whether the row has an error of its own.
func (r phoneRow) Refused() bool { return r.NumberErr != "" || r.ExtErr != "" || r.TypeErr != "" }
