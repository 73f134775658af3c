package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/resources"
)

// The client's list: what the case manager chose for the client during
// one visit, from search results, matches and service pages, kept across
// searches; with notes for staff (never printed or sent). It lives in the
// server's memory for the visit (a browser's refer_visit cookie names it),
// not in the store: it is a working list, and holds nothing about the
// client but the notes. It prints in the client's language, and can be
// e-mailed to the client through the configured SMTP server.

const (
	visitCookie = "refer_visit"
	// visitTTL is how long a list is kept after its last change.
	visitTTL = 12 * time.Hour
	// maxVisits bounds the lists kept; past it the oldest goes.
	maxVisits = 10000
	// maxNote bounds a staff note.
	maxNote = 1000
)

type listItem struct {
	ID   string // a service_at_location id, or a service id
	Note string // for staff only
}

type visit struct {
	items   []listItem
	updated time.Time
}

// visits are the lists of the visits under way.
type visits struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]*visit
}

func newVisits(now func() time.Time) *visits {
	return &visits{now: now, m: map[string]*visit{}}
}

// items returns a copy of the visit's list.
func (vs *visits) items(id string) []listItem {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	v := vs.m[id]
	if v == nil || vs.now().Sub(v.updated) > visitTTL {
		return nil
	}
	return slices.Clone(v.items)
}

// change runs fn on the visit's list, making the visit if need be.
func (vs *visits) change(id string, fn func([]listItem) []listItem) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	now := vs.now()
	v := vs.m[id]
	if v == nil || now.Sub(v.updated) > visitTTL {
		if len(vs.m) >= maxVisits {
			vs.prune(now)
		}
		v = &visit{}
		vs.m[id] = v
	}
	v.items = fn(v.items)
	v.updated = now
}

func (vs *visits) prune(now time.Time) {
	oldest, at := "", now
	for id, v := range vs.m {
		if now.Sub(v.updated) > visitTTL {
			delete(vs.m, id)
		} else if v.updated.Before(at) {
			oldest, at = id, v.updated
		}
	}
	if len(vs.m) >= maxVisits {
		delete(vs.m, oldest)
	}
}

// visitID is the browser's visit, made (with its cookie) when make is set.
func (s *Pages) visitID(c echo.Context, make bool) string {
	if ck, err := c.Cookie(visitCookie); err == nil && len(ck.Value) == 64 {
		return ck.Value
	}
	if !make {
		return ""
	}
	b := make32()
	id := hex.EncodeToString(b)
	c.SetCookie(&http.Cookie{Name: visitCookie, Value: id, Path: "/", MaxAge: int(visitTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure})
	return id
}

func make32() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
}

func (s *Pages) listRoutes(g router) {
	g.GET("/list", s.html(s.listPage))
	g.POST("/list/add", s.html(s.listAdd))
	g.POST("/list/remove", s.html(s.listRemove))
	g.POST("/list/note", s.html(s.listNote))
	g.POST("/list/clear", s.html(s.listClear))
	g.GET("/list/print", s.html(s.listPrint))
	g.POST("/list/email", s.html(s.listEmail), s.requireRole(resources.RoleAdmin, resources.RoleCaseManager))
}

func (s *Pages) listAdd(c echo.Context) error {
	form, _ := c.FormParams()
	ids := splitList(form["ids"])
	if len(ids) > maxPrintItems {
		return resources.Errorf(resources.EINVALID, "ids has %d values; at most %d are allowed", len(ids), maxPrintItems)
	}
	id := s.visitID(c, true)
	var err error
	s.visits.change(id, func(items []listItem) []listItem {
		for _, add := range ids {
			if !slices.ContainsFunc(items, func(it listItem) bool { return it.ID == add }) {
				if len(items) >= maxPrintItems {
					err = resources.Errorf(resources.EINVALID, "the list holds %d services, the most it may", maxPrintItems)
					break
				}
				items = append(items, listItem{ID: add})
			}
		}
		return items
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, localPath(cmpOr(c.FormValue("back"), "/list")))
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Pages) listRemove(c echo.Context) error {
	if id := s.visitID(c, false); id != "" {
		gone := c.FormValue("id")
		s.visits.change(id, func(items []listItem) []listItem {
			return slices.DeleteFunc(items, func(it listItem) bool { return it.ID == gone })
		})
	}
	return c.Redirect(http.StatusSeeOther, "/list")
}

func (s *Pages) listClear(c echo.Context) error {
	if id := s.visitID(c, false); id != "" {
		s.visits.change(id, func([]listItem) []listItem { return nil })
	}
	return c.Redirect(http.StatusSeeOther, "/list")
}

func (s *Pages) listNote(c echo.Context) error {
	note := strings.TrimSpace(c.FormValue("note"))
	if len([]rune(note)) > maxNote {
		return resources.Errorf(resources.EINVALID, "the note is longer than %d characters", maxNote)
	}
	if id := s.visitID(c, false); id != "" {
		item := c.FormValue("id")
		s.visits.change(id, func(items []listItem) []listItem {
			for i := range items {
				if items[i].ID == item {
					items[i].Note = note
				}
			}
			return items
		})
	}
	return c.Redirect(http.StatusSeeOther, "/list#item-"+c.FormValue("id"))
}

type listView struct {
	chrome
	Items []listEntry
	// Sent says the list was e-mailed (to whom); MailError why it was not.
	Sent, MailError string
	CanMail         bool
	Email           string
	PrintLinks      []langLink
}

type listEntry struct {
	ID      string
	Note    string
	Service *serviceView // nil when no longer listed
}

// entries reads the listed services, in l's language.
func (s *Pages) entries(c echo.Context, l *locale, items []listItem) ([]listEntry, error) {
	var out []listEntry
	now := s.now()
	for _, it := range items {
		e := listEntry{ID: it.ID, Note: it.Note}
		rec, only, err := s.loadListed(c.Request().Context(), it.ID)
		switch {
		case resources.ErrorCode(err) == resources.ENOTFOUND:
		case err != nil:
			return nil, err
		default:
			e.Service = s.serviceViewOf(l, rec, only, now)
		}
		out = append(out, e)
	}
	return out, nil
}

func (s *Pages) listView(c echo.Context) (*listView, error) {
	l := s.locale(c)
	v := &listView{CanMail: s.mail.Addr != ""}
	v.Title = l.T("list.title")
	var err error
	if v.Items, err = s.entries(c, l, s.visits.items(s.visitID(c, false))); err != nil {
		return nil, err
	}
	for _, lang := range languages {
		v.PrintLinks = append(v.PrintLinks, langLink{Code: lang.Code, Name: lang.Name, Href: "/list/print?lang=" + lang.Code})
	}
	return v, nil
}

func (s *Pages) listPage(c echo.Context) error {
	v, err := s.listView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "list", v)
}

// listPrint is the printed list of the visit: the same page as /print,
// without the staff's notes.
func (s *Pages) listPrint(c echo.Context) error {
	var ids []string
	for _, it := range s.visits.items(s.visitID(c, false)) {
		ids = append(ids, it.ID)
	}
	return s.renderPrint(c, ids)
}

// listEmail sends the list to the client, in the language chosen for it.
func (s *Pages) listEmail(c echo.Context) error {
	to := strings.TrimSpace(c.FormValue("email"))
	lang := locales[c.FormValue("language")]
	if lang == nil {
		lang = s.locale(c)
	}
	v, err := s.listView(c)
	if err != nil {
		return err
	}
	l := s.locale(c)
	v.Email = to
	addr, perr := mail.ParseAddress(to)
	switch {
	case !v.CanMail:
		v.MailError = l.T("list.mail_off")
	case perr != nil || addr.Address != to:
		v.MailError = l.T("list.mail_bad_address", to)
	case len(v.Items) == 0:
		v.MailError = l.T("list.empty")
	default:
		items, err := s.entries(c, lang, s.visits.items(s.visitID(c, false)))
		if err != nil {
			return err
		}
		msg := s.listMessage(lang, items, to)
		if err := s.sendMail(to, msg); err != nil {
			s.log.Error("sending the list", "err", err)
			v.MailError = l.T("list.mail_failed")
			return s.render(c, http.StatusBadGateway, "list", v)
		}
		v.Sent = l.T("list.mail_sent", to)
		v.Email = ""
		return s.render(c, http.StatusOK, "list", v)
	}
	return s.render(c, http.StatusBadRequest, "list", v)
}

// MailConfig names the SMTP server that sends lists to clients.
type MailConfig struct {
	// Addr is the server's host:port; none means lists cannot be sent.
	Addr string
	// From is the sender's address.
	From string
	// Timeout bounds a sending; zero means 20 seconds.
	Timeout time.Duration
}

// listMessage is the e-mail of a list: plain text in the client's
// language, each service with its address, phones, hours and a directions
// link written out. Staff notes are not in it.
func (s *Pages) listMessage(l *locale, items []listEntry, to string) []byte {
	var body strings.Builder
	fmt.Fprintf(&body, "%s\n\n%s\n", l.T("print.title"), l.T("print.prepared", l.Date(s.now())))
	n := 0
	for _, it := range items {
		sv := it.Service
		if sv == nil {
			continue
		}
		n++
		fmt.Fprintf(&body, "\n%d. %s\n", n, sv.Name)
		if sv.Org != "" {
			fmt.Fprintf(&body, "   %s\n", sv.Org)
		}
		for _, p := range sv.Phones {
			fmt.Fprintf(&body, "   %s: %s\n", l.T("result.phone"), p.Number)
		}
		for _, site := range sv.Sites {
			if len(site.Address) > 0 {
				fmt.Fprintf(&body, "   %s: %s\n", l.T("result.address"), strings.Join(site.Address, ", "))
			}
			for _, p := range site.Phones {
				fmt.Fprintf(&body, "   %s: %s\n", l.T("result.phone"), p.Number)
			}
			for _, h := range site.Hours {
				fmt.Fprintf(&body, "   %s: %s\n", l.T("service.hours"), h)
			}
			if site.Directions != "" {
				fmt.Fprintf(&body, "   %s: %s\n", l.T("service.directions"), site.Directions)
			}
		}
	}
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n",
		s.mail.From, to, mime.QEncoding.Encode("utf-8", l.T("print.title")), s.now().Format(time.RFC1123Z))
	fmt.Fprintf(&msg, "Content-Type: text/plain; charset=utf-8\r\nContent-Language: %s\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", l.Lang)
	qp := quotedprintable.NewWriter(&msg)
	qp.Write([]byte(strings.ReplaceAll(body.String(), "\n", "\r\n")))
	qp.Close()
	return msg.Bytes()
}

// sendMail hands a message to the configured SMTP server, within the
// configured time.
func (s *Pages) sendMail(to string, msg []byte) error {
	timeout := s.mail.Timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	conn, err := net.DialTimeout("tcp", s.mail.Addr, timeout)
	if err != nil {
		return err
	}
	c := smtp.NewClient(conn)
	defer c.Close()
	c.CommandTimeout, c.SubmissionTimeout = timeout, timeout
	if err := c.SendMail(s.mail.From, []string{to}, bytes.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}
