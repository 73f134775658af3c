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

func seedOrgs(tb testing.TB, s resources.Store) {
	seedWeb(tb, s)
	fixture.Put(tb, s,
		&resources.Organization{ID: "other", Name: "Other Org", Description: "Another"},
		&resources.Service{ID: "s-other", OrganizationID: "other", Name: "Other Service", Status: "active"},
		&resources.Service{ID: "s-stale", OrganizationID: "org", Name: "Stale Service", Status: "active", Tracked: resources.Tracked{AssuredDate: "2026-05-01"}})
}

// TestOrgStaffKeepListings: staff confirm a listing in one click and
// change its hours; search sees the change at once; the audit trail names
// the person; a form read before someone else's change is refused; another
// organization's listing is not theirs.
func TestOrgStaffKeepListings(t *testing.T) {
	ts := startServer(t, seedOrgs, webClock)
	staff := ts.signIn(t, "ana@example.org", resources.RoleOrgStaff, "org")
	resp, page := staff.get(t, "/org")
	if resp.StatusCode != 200 || !strings.Contains(page, "Community Action Agency") || !strings.Contains(page, "Downtown Food Pantry") || strings.Contains(page, "Other Service") {
		t.Fatalf("/org: %d", resp.StatusCode)
	}
	// Confirmed 210 days ago: flagged, and first; the clinic (October) is not.
	if !strings.Contains(page, "1 listing has not been confirmed") || strings.Index(page, "Stale Service") > strings.Index(page, "Downtown Food Pantry") ||
		strings.Count(page, "not confirmed for over 180 days") != 1 {
		t.Error("the stale listing is not flagged alone and first")
	}
	// Still correct, in one click.
	resp, _ = staff.post(t, "/org", "/org/services/s-pantry/verify", url.Values{"version": {versionOf(t, page, "s-pantry")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d", resp.StatusCode)
	}
	svc, _ := resources.Get[*resources.Service](context.Background(), ts.Store, "s-pantry")
	if svc.AssuredDate != "2026-11-27" || svc.AssurerEmail != "" {
		t.Errorf("verified: %q; assurer_email %q (a person's address is not published)", svc.AssuredDate, svc.AssurerEmail)
	}
	// Hours: Mondays 10–2 from now on; the rest of the week as it was.
	_, form := staff.get(t, "/org/services/s-pantry/hours")
	if !strings.Contains(form, `name="opens.MO" value="09:00"`) {
		t.Fatal("the hours form does not show the hours")
	}
	old := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(form)[1]
	week := url.Values{"version": {old}}
	for _, d := range []string{"MO", "TU", "WE", "TH", "FR"} {
		week.Set("open."+d, "on")
		week.Set("opens."+d, "09:00")
		week.Set("closes."+d, "17:00")
	}
	week.Set("opens.MO", "10:00")
	week.Set("closes.MO", "14:00")
	resp, _ = staff.post(t, "/org/services/s-pantry/hours", "/org/services/s-pantry/hours", week)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save hours: %d", resp.StatusCode)
	}
	// In search at once: open at 9:30 on a Monday before, closed now.
	var res struct {
		Results []struct {
			ServiceID string `json:"service_id"`
			OpenNow   *bool  `json:"open_now"`
		} `json:"results"`
	}
	ts.getJSON(t, "/api/v1/search?q=pantry&postcode=33125&at="+url.QueryEscape("2026-11-30T09:30:00-05:00"), &res)
	found := false
	for _, r := range res.Results {
		if r.ServiceID == "s-pantry" {
			found = true
			if r.OpenNow == nil || *r.OpenNow {
				t.Errorf("s-pantry open at 9:30 on Monday after the change: %v", r.OpenNow)
			}
		}
	}
	if !found {
		t.Error("s-pantry is not in search")
	}
	if _, page := ts.visitor(t).get(t, "/services/s-pantry"); !strings.Contains(page, "Mon 10 AM–2 PM") || !strings.Contains(page, "Tue–Fri 9 AM–5 PM") {
		t.Error("the service page does not show the new hours")
	}
	// The verification stayed; the audit trail names Ana.
	svc, _ = resources.Get[*resources.Service](context.Background(), ts.Store, "s-pantry")
	if svc.AssuredDate != "2026-11-27" {
		t.Errorf("the hours change lost the verification: %q", svc.AssuredDate)
	}
	entries, _ := ts.Store.Audit(context.Background(), resources.AuditQuery{RecordID: "s-pantry"})
	if len(entries) < 2 || entries[0].Actor.UserID == "" || entries[0].Actor.Role != resources.RoleOrgStaff || entries[0].Actor.OrganizationID != "org" {
		t.Errorf("audit: %+v", entries)
	}
	// The old form again: someone changed it since, so it is refused.
	resp, page = staff.post(t, "/org/services/s-pantry/hours", "/org/services/s-pantry/hours", week)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Someone else changed this listing") {
		t.Errorf("stale form: %d", resp.StatusCode)
	}
	// Bad times: the form again, saying which day.
	bad := url.Values{"version": {versionOf(t, mustGet(t, staff, "/org"), "s-pantry")}, "open.SA": {"on"}, "opens.SA": {"14:00"}, "closes.SA": {"10:00"}}
	if resp, page := staff.post(t, "/org/services/s-pantry/hours", "/org/services/s-pantry/hours", bad); resp.StatusCode != 400 || !strings.Contains(page, "Saturday: it closes before it opens.") {
		t.Errorf("closes before it opens: %d", resp.StatusCode)
	}
	// Another organization's listing: not theirs, by the API's own rule.
	if resp, _ := staff.get(t, "/org/services/s-other/hours"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another organization's hours: %d", resp.StatusCode)
	}
	if resp, _ := staff.post(t, "/org", "/org/services/s-other/verify", url.Values{"version": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("verify another organization's listing: %d", resp.StatusCode)
	}
	// Admins see any organization's.
	admin := ts.signIn(t, "admin@example.org", resources.RoleAdmin, "")
	if resp, page := admin.get(t, "/org?org=other"); resp.StatusCode != 200 || !strings.Contains(page, "Other Service") {
		t.Errorf("admin on /org?org=other: %d", resp.StatusCode)
	}
}

func mustGet(tb testing.TB, v *visitor, path string) string {
	_, page := v.get(tb, path)
	return page
}

// versionOf finds a service's version in the /org page's form for it.
func versionOf(tb testing.TB, page, id string) string {
	tb.Helper()
	m := regexp.MustCompile(`action="/org/services/` + id + `/verify[^"]*">\s*<input type="hidden" name="csrf" value="[0-9a-f]+">\s*<input type="hidden" name="version" value="(\d+)">`).FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("no version for %s on the page", id)
	}
	return m[1]
}
