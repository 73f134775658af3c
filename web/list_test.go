package web_test

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/web"
)

// mailbox is a real SMTP server on 127.0.0.1 that keeps what arrives.
type mailbox struct {
	Addr string
	mu   sync.Mutex
	got  []received
}

type received struct {
	From string
	To   []string
	Data []byte
}

type mailSession struct {
	box *mailbox
	cur received
}

func (s *mailSession) Reset()        { s.cur = received{} }
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.From = from
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	s.box.mu.Lock()
	s.box.got = append(s.box.got, s.cur)
	s.box.mu.Unlock()
	return nil
}

func startMailbox(tb testing.TB) *mailbox {
	box := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: box}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(l)
	tb.Cleanup(func() { srv.Close() })
	box.Addr = l.Addr().String()
	return box
}

func (b *mailbox) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.got...)
}

// TestClientList: the list holds across searches, keeps staff notes off
// the printed page, prints in Spanish, and is e-mailed in the client's
// language through a real SMTP server.
func TestClientList(t *testing.T) {
	box := startMailbox(t)
	ts := startServer(t, seedWeb, webClock, func(c *web.Config) {
		c.Mail = web.MailConfig{Addr: box.Addr, From: "refer@example.org", Timeout: 5 * time.Second}
	})
	cm := ts.signIn(t, "cm@example.org", resources.RoleCaseManager, "")
	search := "/?need=food-insecurity&postcode=33125"
	resp, _ := cm.post(t, search, "/list/add", url.Values{"ids": {"sal-pantry-downtown"}, "back": {search}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != search {
		t.Fatalf("add: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A second search; the first's choice is still marked, and the list grows.
	_, page := cm.get(t, "/?q=clinic&postcode=33125")
	if !strings.Contains(page, "The client&#39;s list holds 1.") {
		t.Error("the next search forgot the list")
	}
	cm.post(t, "/services/s-clinic", "/list/add", url.Values{"ids": {"sal-clinic"}, "back": {"/services/s-clinic"}})
	if _, page := cm.get(t, "/services/s-clinic"); !strings.Contains(page, "On the client&#39;s list") {
		t.Error("the service page does not say it is on the list")
	}
	cm.post(t, "/list", "/list/note", url.Values{"id": {"sal-clinic"}, "note": {"STAFF ONLY: called Ana, room Tuesday"}})
	_, page = cm.get(t, "/list")
	for _, want := range []string{"Downtown Food Pantry", "Walk-in Clinic", "STAFF ONLY: called Ana"} {
		if !strings.Contains(page, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	_, printed := cm.get(t, "/list/print?lang=es")
	for _, want := range []string{`<html lang="es">`, "Servicios para usted", "Downtown Food Pantry", "Walk-in Clinic", "lun–vie 8 a. m.–4 p. m.", "https://www.google.com/maps/dir/?api=1&amp;destination="} {
		if !strings.Contains(printed, want) {
			t.Errorf("the Spanish printed list lacks %q", want)
		}
	}
	if strings.Contains(printed, "STAFF ONLY") {
		t.Error("the printed list shows a staff note")
	}

	// E-mail in Spanish, while the case manager reads English.
	cm.header.Set("Accept-Language", "en")
	resp, page = cm.post(t, "/list?lang=en", "/list/email", url.Values{"email": {"client@example.org"}, "language": {"es"}})
	if resp.StatusCode != 200 || !strings.Contains(page, "The list was sent to client@example.org.") {
		t.Fatalf("send: %d", resp.StatusCode)
	}
	msgs := box.messages()
	if len(msgs) != 1 || msgs[0].From != "refer@example.org" || len(msgs[0].To) != 1 || msgs[0].To[0] != "client@example.org" {
		t.Fatalf("the mailbox got %+v", msgs)
	}
	m, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	if subject != "Servicios para usted" || m.Header.Get("Content-Language") != "es" {
		t.Errorf("subject %q, language %q", subject, m.Header.Get("Content-Language"))
	}
	for _, want := range []string{"Downtown Food Pantry", "Teléfono:", "Horario: lun–vie 8 a. m.–4 p. m.", "Cómo llegar: https://www.google.com/maps/dir/", "27 de noviembre de 2026"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the e-mail lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(string(body), "STAFF ONLY") {
		t.Error("the e-mail holds a staff note")
	}
	// A bad address is said, and nothing is sent.
	if resp, page := cm.post(t, "/list", "/list/email", url.Values{"email": {"not an address"}, "language": {"en"}}); resp.StatusCode != 400 || !strings.Contains(page, "is not an e-mail address") {
		t.Errorf("bad address: %d", resp.StatusCode)
	}
	// Without signing in, no e-mail: the list is anyone's, sending is staff's.
	anon := ts.visitor(t)
	anon.post(t, search, "/list/add", url.Values{"ids": {"sal-pantry-downtown"}})
	if resp, _ := anon.post(t, "/list", "/list/email", url.Values{"email": {"x@example.org"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous e-mail: %d", resp.StatusCode)
	}
	if len(box.messages()) != 1 {
		t.Errorf("the mailbox has %d messages, want 1", len(box.messages()))
	}
	// Remove, clear.
	cm.post(t, "/list", "/list/remove", url.Values{"id": {"sal-clinic"}})
	if _, page := cm.get(t, "/list"); strings.Contains(page, "Walk-in Clinic") || !strings.Contains(page, "Downtown Food Pantry") {
		t.Error("remove")
	}
	cm.post(t, "/list", "/list/clear", url.Values{})
	if _, page := cm.get(t, "/list"); !strings.Contains(page, "The list is empty") {
		t.Error("clear")
	}
}

// TestMailServerDown: a list that cannot be sent says so (502), and the
// server goes on.
func TestMailServerDown(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	ts := startServer(t, seedWeb, func(c *web.Config) {
		c.Mail = web.MailConfig{Addr: addr, From: "refer@example.org", Timeout: 2 * time.Second}
	})
	cm := ts.signIn(t, "cm@example.org", resources.RoleCaseManager, "")
	cm.post(t, "/", "/list/add", url.Values{"ids": {"sal-clinic"}})
	resp, page := cm.post(t, "/list", "/list/email", url.Values{"email": {"client@example.org"}, "language": {"en"}})
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(page, "could not be sent") {
		t.Errorf("SMTP down: %d", resp.StatusCode)
	}
}
