package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/refer-project/refer/resources"
)

// expectRefused takes the problems logged so far, which must be only the
// 400 of the form at path that the visit sent wrong on purpose.
func (b *browser) expectRefused(t *testing.T, path string) {
	t.Helper()
	p := b.takeProblems()
	if len(p) != 1 || !strings.Contains(p[0], "status of 400") || !strings.Contains(p[0], path+")") {
		t.Errorf("after a refused form at %s, the problems logged: %q", path, p)
	}
}

// TestListingsInBrowser: organization staff keep their listings in a real
// browser: the organization's page flags the listing not confirmed for 180
// days; they say a service has a waitlist and search shows it; they add a
// site and search by distance finds the service there; they correct a
// site's ZIP (a bad one is said on its field first); add a phone; give the
// service's costs and documents; and confirm the stale listing in one
// click. Every page, error states included, passes axe-core's WCAG 2.1 AA
// rules at phone and desktop widths.
func TestListingsInBrowser(t *testing.T) {
	needChromium(t)
	start := time.Now()
	ts := startServer(t, seedOrgs, webClock)
	b := newBrowser(t, 120*time.Second)
	staff, err := ts.Accounts.Create(context.Background(), resources.Person{Email: "ana@example.org", Role: resources.RoleOrgStaff, OrganizationID: "org"})
	if err != nil {
		t.Fatal(err)
	}
	b.setPassword(t, ts.URL, staff.Link, "staff")
	b.signIn(t, "ana@example.org")
	b.do(t, "the organization's page", chromedp.Navigate(ts.URL+"/org"), chromedp.WaitVisible(chromedp.CSS(".org-services")))
	if flag := read(t, b, "flag", chromedp.Text(chromedp.CSS("p.alert"))); !strings.Contains(flag, "1 listing has not been confirmed for over 180 days") {
		t.Errorf("the stale listing is not flagged: %q", flag)
	}
	b.look(t, "listing-org")

	// Capacity: a waitlist of about 10 days.
	b.do(t, "the capacity form",
		chromedp.Click(chromedp.CSS(`a[href^="/org/services/s-pantry/capacity"]`)),
		chromedp.WaitVisible(chromedp.ID("f-expected_wait_days")),
	)
	b.look(t, "listing-capacity")
	b.do(t, "a waitlist",
		chromedp.Click(chromedp.CSS(`input[name="status"][value="waitlist"]`)),
		chromedp.SendKeys(chromedp.ID("f-expected_wait_days"), "10"),
		chromedp.Click(chromedp.CSS("form.stack button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	b.do(t, "full, from the organization's page",
		chromedp.Navigate(ts.URL+"/org"),
		chromedp.WaitVisible(chromedp.ID("cap-s-rent")),
		chromedp.SetValue(chromedp.ID("cap-s-rent"), "full"),
		chromedp.Click(chromedp.CSS(`form[action^="/org/services/s-rent/capacity"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if org := read(t, b, "organization", chromedp.Text(chromedp.CSS(".org-services"))); !strings.Contains(org, "Not taking new referrals") || !strings.Contains(org, "Waitlist, about 10 days") {
		t.Errorf("the organization's page does not show the capacities: %q", org)
	}
	b.look(t, "listing-org-capacity")
	b.do(t, "search", chromedp.Navigate(ts.URL+"/?q=pantry&postcode=33125"), chromedp.WaitVisible(chromedp.CSS("#results-title")))
	if found := read(t, b, "results", chromedp.Text(chromedp.CSS(".results-area"))); !strings.Contains(found, "Waitlist, about 10 days") {
		t.Errorf("search does not show the waitlist: %q", found)
	}
	b.look(t, "listing-search-capacity")

	// Sites: add one at Miami Beach; search by distance finds it.
	b.do(t, "the sites",
		chromedp.Navigate(ts.URL+"/org"),
		chromedp.Click(chromedp.CSS(`a[href^="/org/services/s-pantry/sites"]`)),
		chromedp.WaitVisible(chromedp.ID("s-name")),
	)
	b.look(t, "listing-sites")
	b.do(t, "add a site",
		chromedp.SendKeys(chromedp.ID("s-name"), "Beach Pantry"),
		chromedp.SendKeys(chromedp.ID("s-address_1"), "1 Ocean Dr"),
		chromedp.SendKeys(chromedp.ID("s-city"), "Miami Beach"),
		chromedp.SendKeys(chromedp.ID("s-postal_code"), "33139"),
		chromedp.Click(chromedp.CSS(`form[aria-labelledby="add-title"] button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	b.look(t, "listing-sites-added")
	b.do(t, "search near the beach", chromedp.Navigate(ts.URL+"/?q=pantry&postcode=33139&radius_km=2"), chromedp.WaitVisible(chromedp.CSS("#results-title")))
	if found := read(t, b, "results", chromedp.Text(chromedp.CSS(".results-area"))); !strings.Contains(found, "Downtown Food Pantry") || !strings.Contains(found, "1 Ocean Dr") {
		t.Errorf("search by distance does not find the new site: %q", found)
	}
	// Change the downtown site: a bad ZIP first, said on its field.
	b.do(t, "the downtown site",
		chromedp.Navigate(ts.URL+"/org/services/s-pantry/sites/l-downtown"),
		chromedp.WaitVisible(chromedp.ID("sl-downtown-postal_code")),
	)
	b.look(t, "listing-site")
	b.do(t, "a bad ZIP",
		chromedp.SetValue(chromedp.ID("sl-downtown-postal_code"), "3313"),
		chromedp.Click(chromedp.CSS("form.stack button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	)
	if e := read(t, b, "the field's error", chromedp.Text(chromedp.ID("sl-downtown-e-postal_code"))); !strings.Contains(e, "five digits") {
		t.Errorf("the ZIP's error: %q", e)
	}
	b.look(t, "listing-site-error")
	b.expectRefused(t, "/org/services/s-pantry/sites/l-downtown")
	b.do(t, "a good ZIP",
		chromedp.SetValue(chromedp.ID("sl-downtown-postal_code"), "33130"),
		chromedp.Click(chromedp.CSS("form.stack button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)

	// A phone, written as the import writes it.
	b.do(t, "the phones",
		chromedp.Navigate(ts.URL+"/org"),
		chromedp.Click(chromedp.CSS(`a[href^="/org/services/s-pantry/phones"]`)),
		chromedp.WaitVisible(chromedp.ID("p-number-1")),
	)
	b.look(t, "listing-phones")
	b.do(t, "a phone",
		chromedp.SendKeys(chromedp.ID("p-number-1"), "305.555.0199"),
		chromedp.SetValue(chromedp.ID("p-type-1"), "voice"),
		chromedp.Click(chromedp.CSS("form.stack button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	b.do(t, "the service page", chromedp.Navigate(ts.URL+"/services/s-pantry"), chromedp.WaitVisible(chromedp.ID("service-title")))
	if body := read(t, b, "service", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(body, "(305) 555-0199") {
		t.Errorf("the service page does not show the new phone: %q", body)
	}

	// Costs and documents in the details form.
	b.do(t, "the details form",
		chromedp.Navigate(ts.URL+"/org/services/s-pantry/edit"),
		chromedp.WaitVisible(chromedp.ID("c-option-1")),
		chromedp.SendKeys(chromedp.ID("c-option-1"), "Everyone"),
		chromedp.SendKeys(chromedp.ID("c-amount-1"), "oops"),
		chromedp.Click(chromedp.CSS("form.stack > .actions button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	)
	b.look(t, "listing-costs-error")
	b.expectRefused(t, "/org/services/s-pantry/edit")
	b.do(t, "a good amount and a document",
		chromedp.SetValue(chromedp.ID("c-amount-1"), "0"),
		chromedp.SendKeys(chromedp.ID("f-required_documents"), "Photo ID"),
		chromedp.Click(chromedp.CSS("form.stack > .actions button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	b.do(t, "the service page", chromedp.Navigate(ts.URL+"/services/s-pantry"), chromedp.WaitVisible(chromedp.ID("service-title")))
	if body := read(t, b, "service", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(body, "Everyone") || !strings.Contains(body, "Photo ID") {
		t.Errorf("the service page does not show the cost and document: %q", body)
	}

	// The stale listing, confirmed in one click: the flag goes.
	b.do(t, "confirm",
		chromedp.Navigate(ts.URL+"/org"),
		chromedp.Click(chromedp.CSS(`form[action^="/org/services/s-stale/verify"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if n := len(read(t, b, "flags", chromedp.Nodes(chromedp.CSSAll("p.alert"), chromedp.AtLeast(0)))); n != 0 {
		t.Errorf("the flag stays after confirming (%d)", n)
	}
	b.look(t, "listing-org-confirmed")
	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("the pages logged errors or broke their CSP:\n%s", strings.Join(p, "\n"))
	}
	t.Logf("the visit took %s", time.Since(start).Round(time.Millisecond))
}
