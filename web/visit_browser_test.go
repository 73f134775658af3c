package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/refer-project/refer/resources"
)

// setPassword opens a set-password link in the browser and sets the
// password, as a new person does.
func (b *browser) setPassword(t *testing.T, base, link, name string) {
	t.Helper()
	b.do(t, "open the link of "+name,
		chromedp.Navigate(base+link),
		chromedp.WaitVisible(chromedp.ID("f-password")),
	)
	b.look(t, "set-password-"+name)
	b.do(t, "set the password of "+name,
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.SendKeys(chromedp.ID("f-password2"), "correct horse battery"),
		chromedp.Click(chromedp.CSS("button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
}

func (b *browser) signIn(t *testing.T, email string) {
	t.Helper()
	b.do(t, "sign in as "+email,
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(chromedp.CSS("form.narrow-form button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".who")),
	)
}

func (b *browser) signOut(t *testing.T) {
	t.Helper()
	b.do(t, "sign out", chromedp.Click(chromedp.CSS("header.site button.link")), chromedp.WaitVisible(chromedp.CSS(`a[href="/signin"]`)))
}

// TestVisitInBrowser drives whole visits, as the issue tells them: an admin
// adds a case manager while the server runs; the case manager signs in,
// fills the AHC HRSN questions in Spanish, puts three options on the
// client's list, prints it in Spanish and refers the client to one; the
// organization's staff sign in, find the referral in their inbox and
// accept it, change their hours and rename a service, and the changes are
// in the directory and search at once; an admin sees the unconfirmed
// listings. Every
// page passes axe-core's WCAG 2.1 AA rules at phone and desktop widths.
func TestVisitInBrowser(t *testing.T) {
	needChromium(t)
	start := time.Now()
	ts := startServer(t, seedOrgs, webClock)
	b := newBrowser(t, 180*time.Second)
	ctx := context.Background()

	// The first admin comes from the command line (refer users create);
	// here, from the same package people.
	made, err := ts.Accounts.Create(ctx, resources.Person{Email: "admin@example.org", Role: resources.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	b.setPassword(t, ts.URL, made.Link, "admin")
	b.look(t, "signin")
	b.signIn(t, "admin@example.org")
	b.look(t, "admin")
	b.do(t, "add a case manager",
		chromedp.SendKeys(chromedp.ID("p-email"), "bea@example.org"),
		chromedp.SendKeys(chromedp.ID("p-name"), "Bea Case"),
		chromedp.SetValue(chromedp.ID("p-role"), "case_manager"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/people"] button.primary`)),
		chromedp.WaitVisible(chromedp.ID("made")),
	)
	link := read(t, b, "the new link", chromedp.Text(chromedp.ID("made")))
	b.look(t, "admin-added")
	b.signOut(t)

	// The case manager, in Spanish.
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.Path != "/set-password" {
		t.Fatalf("the admin page showed %q", link)
	}
	b.setPassword(t, ts.URL, u.RequestURI(), "case-manager")
	b.signIn(t, "bea@example.org")
	b.do(t, "switch to Spanish", chromedp.Click(chromedp.CSS(`a[hreflang="es"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="es"]`)))
	b.do(t, "the match form", chromedp.Navigate(ts.URL+"/match"), chromedp.WaitVisible(chromedp.ID("m-postcode")))
	if q := read(t, b, "first question", chromedp.Text(chromedp.CSS("fieldset.question legend"))); !strings.Contains(q, "¿Cuál es su situación de vivienda hoy?") {
		t.Errorf("the first question in Spanish: %q", q)
	}
	b.look(t, "match-form-es")
	b.do(t, "answer and match",
		chromedp.SendKeys(chromedp.ID("m-postcode"), "33125"),
		chromedp.SendKeys(chromedp.ID("m-age"), "34"),
		chromedp.Click(chromedp.CSS(`input[name="ans.71802-3"][value="LA31993-1"]`)),
		chromedp.Click(chromedp.CSS(`input[name="ans.88122-7"][value="LA28397-0"]`)),
		chromedp.Click(chromedp.CSS(`input[name="ans.96779-4"][value="LA33-6"]`)),
		chromedp.Click(chromedp.CSS("form.match button.primary")),
		chromedp.WaitVisible(chromedp.ID("options-title")),
	)
	options := read(t, b, "options", chromedp.Nodes(chromedp.CSSAll(`ol.results input[name="ids"]`)))
	if len(options) < 3 {
		t.Fatalf("the match gave %d options, want 3 or more", len(options))
	}
	b.look(t, "match-options-es")
	b.do(t, "three options to the list",
		chromedp.Click(chromedp.CSS(`ol.results li:nth-child(1) input[name="ids"]`)),
		chromedp.Click(chromedp.CSS(`ol.results li:nth-child(2) input[name="ids"]`)),
		chromedp.Click(chromedp.CSS(`ol.results li:nth-child(3) input[name="ids"]`)),
		chromedp.Click(chromedp.CSS(".list-bar button")),
		chromedp.WaitVisible(chromedp.CSS(".client-list")),
	)
	if n := len(read(t, b, "list items", chromedp.Nodes(chromedp.CSSAll(".client-list > li")))); n != 3 {
		t.Errorf("the list holds %d, want 3", n)
	}
	b.look(t, "list-es")
	b.do(t, "print in Spanish", chromedp.Click(chromedp.CSS(`.list-actions a[hreflang="es"]`)), chromedp.WaitVisible(chromedp.CSS(".print-list")))
	printed := read(t, b, "printed", chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(printed, "Servicios para usted") || strings.Count(printed, "Horario") < 3 {
		t.Errorf("the printed list in Spanish: %q", printed)
	}
	b.look(t, "print-es")
	b.do(t, "back", chromedp.Navigate(ts.URL+"/list"), chromedp.WaitVisible(chromedp.CSS(".client-list")))

	// She refers the client to the first service on the list, with the
	// client's spoken consent, still in Spanish.
	b.do(t, "the refer form",
		chromedp.Click(chromedp.CSS(`.client-list > li:first-child a.refer`)),
		chromedp.WaitVisible(chromedp.ID("r-reference")),
	)
	if consent := read(t, b, "consent text", chromedp.Text(chromedp.ID("consent-text"))); !strings.Contains(consent, "Compartiremos su nombre") {
		t.Errorf("the consent text in Spanish: %q", consent)
	}
	b.look(t, "refer-form-es")
	b.do(t, "refer",
		chromedp.SetValue(chromedp.ID("r-need"), "food-insecurity"),
		chromedp.SendKeys(chromedp.ID("r-reference"), "HC-2207"),
		chromedp.SendKeys(chromedp.ID("r-name"), "Marta Pérez"),
		chromedp.SendKeys(chromedp.ID("r-phone"), "(305) 555-0177"),
		chromedp.Click(chromedp.ID("r-consent")),
		chromedp.Click(chromedp.ID("r-method-verbal")),
		chromedp.SendKeys(chromedp.ID("r-notes"), "Llamar por la tarde"),
		chromedp.Click(chromedp.CSS("form.refer-form button.primary")),
		chromedp.WaitVisible(chromedp.ID("referral-status")),
	)
	if st := read(t, b, "status", chromedp.Text(chromedp.ID("referral-status"))); !strings.Contains(st, "Enviada") {
		t.Errorf("the new referral's status in Spanish: %q", st)
	}
	referral := read(t, b, "the referral's address", chromedp.Location())
	b.look(t, "referral-sent-es")
	b.do(t, "sent referrals",
		chromedp.Click(chromedp.CSS(`nav.menu a[href="/referrals"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.referrals")),
	)
	if n := len(read(t, b, "sent rows", chromedp.Nodes(chromedp.CSSAll("table.referrals tbody tr")))); n != 1 {
		t.Errorf("the sent referrals list %d, want 1", n)
	}
	b.look(t, "referrals-sent-es")
	b.signOut(t)

	// The organization's staff change their hours; the directory shows them.
	staff, err := ts.Accounts.Create(ctx, resources.Person{Email: "ana@example.org", Role: resources.RoleOrgStaff, OrganizationID: "org"})
	if err != nil {
		t.Fatal(err)
	}
	b.setPassword(t, ts.URL, staff.Link, "staff")
	b.signIn(t, "ana@example.org")
	b.do(t, "English again", chromedp.Click(chromedp.CSS(`a[hreflang="en"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
	b.look(t, "org")

	// They find the referral in their inbox and accept it; its page shows
	// who sent it, who accepted it and when.
	b.do(t, "the inbox",
		chromedp.Click(chromedp.CSS(`nav.menu a[href="/referrals/inbox"]`)),
		chromedp.WaitVisible(chromedp.CSS("ol.inbox")),
	)
	if n := len(read(t, b, "inbox items", chromedp.Nodes(chromedp.CSSAll("ol.inbox > li")))); n != 1 {
		t.Errorf("the inbox holds %d, want 1", n)
	}
	if who := read(t, b, "the client", chromedp.Text(chromedp.CSS("ol.inbox h2"))); who != "Marta Pérez" {
		t.Errorf("the inbox names %q", who)
	}
	b.look(t, "inbox")
	b.do(t, "accept",
		chromedp.Click(chromedp.CSS(`ol.inbox form:has(input[name="status"][value="accepted"]) button`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if st := read(t, b, "status", chromedp.Text(chromedp.CSS("ol.inbox .status"))); st != "Accepted" {
		t.Errorf("after accepting, the inbox says %q", st)
	}
	b.look(t, "inbox-accepted")
	b.do(t, "the referral", chromedp.Navigate(referral), chromedp.WaitVisible(chromedp.CSS("table.history")))
	history := read(t, b, "history", chromedp.Text(chromedp.CSS("table.history tbody")))
	if !strings.Contains(history, "Accepted") || !strings.Contains(history, "ana@example.org") || !strings.Contains(history, "Bea Case") {
		t.Errorf("the referral's history: %q", history)
	}
	if body := read(t, b, "client", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(body, "Llamar por la tarde") || !strings.Contains(body, "(305) 555-0177") {
		t.Errorf("the organization does not see the client's details: %q", body)
	}
	b.look(t, "referral")
	b.do(t, "the hours form",
		chromedp.Navigate(ts.URL+"/org"),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/org/services/s-pantry/hours"]`)),
		chromedp.Click(chromedp.CSS(`a[href^="/org/services/s-pantry/hours"]`)),
		chromedp.WaitVisible(chromedp.ID("opens-MO")),
	)
	b.look(t, "hours")
	b.do(t, "Monday 10 to 2",
		chromedp.SetValue(chromedp.ID("opens-MO"), "10:00"),
		chromedp.SetValue(chromedp.ID("closes-MO"), "14:00"),
		chromedp.Click(chromedp.CSS("form.hours-form button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	b.do(t, "the service page", chromedp.Navigate(ts.URL+"/services/s-pantry"), chromedp.WaitVisible(chromedp.ID("service-title")))
	if hours := read(t, b, "hours", chromedp.Text(chromedp.CSS(".site .hours"))); !strings.Contains(hours, "Mon 10 AM–2 PM") {
		t.Errorf("the new hours are not shown: %q", hours)
	}
	// The staff rename the service in its details form; search finds it by
	// the new name at once.
	b.do(t, "the details form",
		chromedp.Navigate(ts.URL+"/org"),
		chromedp.Click(chromedp.CSS(`a[href^="/org/services/s-pantry/edit"]`)),
		chromedp.WaitVisible(chromedp.ID("f-name")),
	)
	b.look(t, "orgedit-service")
	b.do(t, "a new name",
		chromedp.SetValue(chromedp.ID("f-name"), "Downtown Zucchini Pantry"),
		chromedp.Click(chromedp.CSS("form.stack button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	b.do(t, "the organization's form", chromedp.Navigate(ts.URL+"/org/edit"), chromedp.WaitVisible(chromedp.ID("f-website")))
	b.look(t, "orgedit-org")
	b.do(t, "search by the new name", chromedp.Navigate(ts.URL+"/?q=zucchini"), chromedp.WaitVisible(chromedp.CSS("#results-title")))
	if found := read(t, b, "results", chromedp.Text(chromedp.CSS(".results-area"))); !strings.Contains(found, "Downtown Zucchini Pantry") {
		t.Errorf("search does not find the new name: %q", found)
	}
	// Admins see the listings not confirmed for 180 days.
	b.signOut(t)
	b.do(t, "the sign-in page", chromedp.Navigate(ts.URL+"/signin"))
	b.signIn(t, "admin@example.org")
	b.do(t, "the unconfirmed listings", chromedp.Navigate(ts.URL+"/admin/unconfirmed"), chromedp.WaitVisible(chromedp.CSS("h1")))
	b.look(t, "orgedit-unconfirmed")
	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("the pages logged errors or broke their CSP:\n%s", strings.Join(p, "\n"))
	}
	t.Logf("the visits took %s", time.Since(start).Round(time.Millisecond))
}
