package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

// formValues reads a form's version and a few of its fields from the page,
// as a browser would send them back.
func formValues(tb testing.TB, page string) url.Values {
	tb.Helper()
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		tb.Fatal("no version in the form")
	}
	v := url.Values{"version": {m[1]}}
	for _, f := range []string{"name", "minimum_age", "maximum_age"} {
		if m := regexp.MustCompile(`name="` + f + `"[^>]*value="([^"]*)"`).FindStringSubmatch(page); m != nil {
			v.Set(f, m[1])
		}
	}
	if m := regexp.MustCompile(`<option value="([^"]+)" selected>`).FindStringSubmatch(page); m != nil {
		v.Set("status", m[1])
	}
	return v
}

// TestOrgStaffEditService: staff change a service's details in a form; the
// record, search and the audit trail show it at once; a form read before
// someone else's change is refused (409); bad ages and a missing name come
// back as the form with the field's message, in Spanish for a Spanish
// page; another organization's service is not theirs.
func TestOrgStaffEditService(t *testing.T) {
	ts := startServer(t, seedOrgs, webClock)
	staff := ts.signIn(t, "ana@example.org", resources.RoleOrgStaff, "org")
	if _, page := staff.get(t, "/org"); !strings.Contains(page, `href="/org/services/s-pantry/edit`) {
		t.Fatal("/org does not link to the details form")
	}
	resp, form := staff.get(t, "/org/services/s-pantry/edit")
	if resp.StatusCode != 200 || !strings.Contains(form, `value="Downtown Food Pantry"`) {
		t.Fatalf("details form: %d", resp.StatusCode)
	}
	sent := formValues(t, form)
	if sent.Get("status") != "active" {
		t.Fatalf("the form does not show the status: %v", sent)
	}
	sent.Set("name", "Downtown Zucchini Pantry")
	sent.Set("eligibility_description", "Residents of Miami-Dade")
	sent.Set("minimum_age", "18")
	sent.Set("fees_description", "Free")
	sent.Set("languages", "English, español, Creole")
	resp, _ = staff.post(t, "/org/services/s-pantry/edit", "/org/services/s-pantry/edit", sent)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	svc, _ := resources.Get[*resources.Service](context.Background(), ts.Store, "s-pantry")
	if svc.Name != "Downtown Zucchini Pantry" || svc.EligibilityDescription != "Residents of Miami-Dade" || svc.MinimumAge == nil || *svc.MinimumAge != 18 || svc.FeesDescription != "Free" || svc.MaximumAge != nil ||
		len(svc.Languages) != 3 || svc.Languages[1].Code != "es" || svc.Languages[1].Name != "Spanish" || svc.Languages[2].Name != "Haitian Creole" {
		t.Errorf("stored: %+v", svc)
	}
	// In search at once.
	var res struct {
		Results []struct {
			ServiceID string `json:"service_id"`
		} `json:"results"`
	}
	ts.getJSON(t, "/api/v1/search?q=zucchini", &res)
	if len(res.Results) == 0 || res.Results[0].ServiceID != "s-pantry" {
		t.Errorf("search for the new name: %+v", res.Results)
	}
	entries, _ := ts.Store.Audit(context.Background(), resources.AuditQuery{RecordID: "s-pantry"})
	if len(entries) == 0 || entries[0].Actor.UserID == "" || entries[0].Actor.Role != resources.RoleOrgStaff || entries[0].Actor.OrganizationID != "org" {
		t.Errorf("audit: %+v", entries)
	}
	// The same form again: the listing changed since, so 409.
	resp, page := staff.post(t, "/org/services/s-pantry/edit", "/org/services/s-pantry/edit", sent)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Someone else changed this listing") {
		t.Errorf("stale form: %d", resp.StatusCode)
	}
	// Validation: the record's own rules, the field's message, values kept.
	_, form = staff.get(t, "/org/services/s-pantry/edit")
	if !strings.Contains(form, `value="English, Spanish, Haitian Creole"`) {
		t.Error("the form does not show the languages as stored")
	}
	bad := formValues(t, form)
	bad.Set("name", " ")
	bad.Set("minimum_age", "40")
	bad.Set("maximum_age", "20")
	resp, page = staff.post(t, "/org/services/s-pantry/edit", "/org/services/s-pantry/edit", bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Give the service a name.") ||
		!strings.Contains(page, "not above the maximum age") || !strings.Contains(page, `value="40"`) {
		t.Errorf("invalid ages and no name: %d", resp.StatusCode)
	}
	bad = formValues(t, form)
	bad.Set("languages", "English, Klingonese")
	if resp, page := staff.post(t, "/org/services/s-pantry/edit", "/org/services/s-pantry/edit", bad); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Klingonese is not a language the directory knows") {
		t.Errorf("an unknown language: %d", resp.StatusCode)
	}
	bad = formValues(t, form)
	bad.Set("maximum_age", "twenty")
	resp, page = staff.post(t, "/org/services/s-pantry/edit?lang=es", "/org/services/s-pantry/edit?lang=es", bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Escriba la edad como un número de años") {
		t.Errorf("an age that is no number, in Spanish: %d", resp.StatusCode)
	}
	if svc2, _ := resources.Get[*resources.Service](context.Background(), ts.Store, "s-pantry"); svc2.Version != svc.Version {
		t.Error("a refused form changed the listing")
	}
	// Another organization's service.
	if resp, _ := staff.get(t, "/org/services/s-other/edit"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another organization's form: %d", resp.StatusCode)
	}
	if resp, _ := staff.post(t, "/org", "/org/services/s-other/edit", url.Values{"version": {"1"}, "name": {"Mine"}, "status": {"active"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("save another organization's service: %d", resp.StatusCode)
	}
	if svc, _ := resources.Get[*resources.Service](context.Background(), ts.Store, "s-other"); svc.Name != "Other Service" {
		t.Errorf("another organization's service renamed: %q", svc.Name)
	}
}

// TestAdminUnconfirmed: admins see every listing not confirmed for 180
// days, the oldest first, linking to its organization's page; confirming
// one takes it off; staff may not see the list.
func TestAdminUnconfirmed(t *testing.T) {
	ts := startServer(t, func(tb testing.TB, s resources.Store) {
		seedOrgs(tb, s)
		fixture.Put(tb, s, &resources.Service{ID: "s-older", OrganizationID: "other", Name: "Older Service", Status: "active", Tracked: resources.Tracked{AssuredDate: "2025-01-10"}})
	}, webClock)
	admin := ts.signIn(t, "admin@example.org", resources.RoleAdmin, "")
	if _, page := admin.get(t, "/admin"); !strings.Contains(page, `href="/admin/unconfirmed"`) {
		t.Error("the admin page does not link to the unconfirmed listings")
	}
	resp, page := admin.get(t, "/admin/unconfirmed")
	if resp.StatusCode != 200 {
		t.Fatalf("/admin/unconfirmed: %d", resp.StatusCode)
	}
	older, stale := strings.Index(page, "Older Service"), strings.Index(page, "Stale Service")
	if older < 0 || stale < 0 || older > stale || strings.Contains(page, "Downtown Food Pantry") {
		t.Errorf("older at %d, stale at %d, or a confirmed one listed", older, stale)
	}
	if !strings.Contains(page, `href="/org?org=org"`) || !strings.Contains(page, `href="/org?org=other"`) {
		t.Error("the list does not link to the organizations' pages")
	}
	_, orgPage := admin.get(t, "/org?org=org")
	resp, _ = admin.post(t, "/org?org=org", "/org/services/s-stale/verify?org=org", url.Values{"version": {versionOf(t, orgPage, "s-stale")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d", resp.StatusCode)
	}
	if _, page := admin.get(t, "/admin/unconfirmed"); strings.Contains(page, "Stale Service") || !strings.Contains(page, "Older Service") {
		t.Error("a confirmed listing is still on the list")
	}
	staff := ts.signIn(t, "ana@example.org", resources.RoleOrgStaff, "org")
	if resp, _ := staff.get(t, "/admin/unconfirmed"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("staff on the admin list: %d", resp.StatusCode)
	}
}

// TestOrgStaffEditOrganization: staff change their organization's details
// through the API's own replace rule; a stale form is refused; no name is
// the form again with its message; ?org= does not reach another
// organization for staff, as it does for an admin.
func TestOrgStaffEditOrganization(t *testing.T) {
	ts := startServer(t, seedOrgs, webClock)
	staff := ts.signIn(t, "ana@example.org", resources.RoleOrgStaff, "org")
	resp, form := staff.get(t, "/org/edit")
	if resp.StatusCode != 200 || !strings.Contains(form, `value="Community Action Agency"`) {
		t.Fatalf("/org/edit: %d", resp.StatusCode)
	}
	sent := formValues(t, form)
	sent.Set("name", "Community Action Agency of Miami")
	sent.Set("email", "help@caa.example.org")
	sent.Set("website", "https://caa.example.org")
	if resp, _ := staff.post(t, "/org/edit", "/org/edit", sent); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	org, _ := resources.Get[*resources.Organization](context.Background(), ts.Store, "org")
	if org.Name != "Community Action Agency of Miami" || org.Email != "help@caa.example.org" || org.Website != "https://caa.example.org" {
		t.Errorf("stored: %+v", org)
	}
	entries, _ := ts.Store.Audit(context.Background(), resources.AuditQuery{RecordID: "org"})
	if len(entries) == 0 || entries[0].Actor.UserID == "" || entries[0].Actor.OrganizationID != "org" {
		t.Errorf("audit: %+v", entries)
	}
	if resp, page := staff.post(t, "/org/edit", "/org/edit", sent); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Someone else changed this listing") {
		t.Errorf("stale form: %d", resp.StatusCode)
	}
	_, form = staff.get(t, "/org/edit")
	bad := formValues(t, form)
	bad.Set("name", "")
	if resp, page := staff.post(t, "/org/edit", "/org/edit", bad); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Give the organization a name.") {
		t.Errorf("no name: %d", resp.StatusCode)
	}
	// E-mail and web address by listings' rule, each on its field, in the
	// page's language.
	bad = formValues(t, form)
	bad.Set("email", "help at caa")
	bad.Set("website", "caa.example.org")
	if resp, page := staff.post(t, "/org/edit", "/org/edit", bad); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(page, `id="e-email"`) || !strings.Contains(page, "such as help@example.org") || !strings.Contains(page, "starts with https://") {
		t.Errorf("bad e-mail and website: %d", resp.StatusCode)
	}
	bad.Set("email", "help@caa.example.org")
	if resp, page := staff.post(t, "/org/edit?lang=es", "/org/edit?lang=es", bad); resp.StatusCode != http.StatusBadRequest ||
		strings.Contains(page, `id="e-email"`) || !strings.Contains(page, "Escriba una dirección web") {
		t.Errorf("a bad website in Spanish: %d", resp.StatusCode)
	}
	if org, _ := resources.Get[*resources.Organization](context.Background(), ts.Store, "org"); org.Website != "https://caa.example.org" {
		t.Errorf("a refused form changed the website: %q", org.Website)
	}
	// Staff's ?org= is ignored: the form is their own organization's.
	if _, page := staff.get(t, "/org/edit?org=other"); strings.Contains(page, "Other Org") {
		t.Error("staff reached another organization's form")
	}
	staff.post(t, "/org/edit?org=other", "/org/edit?org=other", url.Values{"version": {"1"}, "name": {"Taken"}})
	if other, _ := resources.Get[*resources.Organization](context.Background(), ts.Store, "other"); other.Name != "Other Org" {
		t.Errorf("another organization renamed: %q", other.Name)
	}
	admin := ts.signIn(t, "admin@example.org", resources.RoleAdmin, "")
	if resp, page := admin.get(t, "/org/edit?org=other"); resp.StatusCode != 200 || !strings.Contains(page, `value="Other Org"`) {
		t.Errorf("admin on another organization's form: %d", resp.StatusCode)
	}
}
