package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/refer-project/refer/resources"
)

// asOf reads the as_of a capacity form sends back.
func asOf(tb testing.TB, form string) string {
	tb.Helper()
	m := regexp.MustCompile(`name="as_of" value="([^"]*)"`).FindStringSubmatch(form)
	if m == nil {
		tb.Fatal("no as_of in the capacity form")
	}
	return m[1]
}

// TestOrgStaffCapacity: staff say a service has a waitlist in a form
// reached from their organization's page; the capacity is stored by the
// API's rule (dated, audited with the person), and search and match show
// it at once; a form read before another change is refused (409); bad
// values come back on their field, in Spanish on a Spanish page; another
// organization's service is not theirs.
func TestOrgStaffCapacity(t *testing.T) {
	ts := startServer(t, seedOrgs, webClock)
	staff := ts.signIn(t, "ana@example.org", resources.RoleOrgStaff, "org")
	_, page := staff.get(t, "/org")
	if !strings.Contains(page, `href="/org/services/s-pantry/capacity`) || !strings.Contains(page, "Capacity not reported in the last 30 days.") {
		t.Fatal("/org does not offer the capacity form")
	}
	resp, form := staff.get(t, "/org/services/s-pantry/capacity")
	if resp.StatusCode != 200 || !strings.Contains(form, `name="status" value="waitlist"`) {
		t.Fatalf("capacity form: %d", resp.StatusCode)
	}
	first := url.Values{"status": {"waitlist"}, "expected_wait_days": {"14"}, "note": {"Call first"}, "as_of": {asOf(t, form)}}
	resp, _ = staff.post(t, "/org/services/s-pantry/capacity", "/org/services/s-pantry/capacity", first)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	c, err := ts.Refs.Capacity(context.Background(), "s-pantry")
	if err != nil || c.Status != resources.CapacityWaitlist || c.ExpectedWaitDays == nil || *c.ExpectedWaitDays != 14 || c.Note != "Call first" ||
		c.AsOf.Format("2006-01-02") != "2026-11-27" {
		t.Fatalf("stored: %+v %v", c, err)
	}
	entries, _ := ts.Store.Audit(context.Background(), resources.AuditQuery{RecordID: "s-pantry", Kind: resources.AuditKindCapacity})
	if len(entries) != 1 || entries[0].Actor.UserID == "" || entries[0].Actor.OrganizationID != "org" {
		t.Errorf("audit: %+v", entries)
	}
	if _, page := staff.get(t, "/org"); !strings.Contains(page, "Waitlist, about 14 days") {
		t.Error("/org does not show the capacity")
	}
	// In search at once, on the page and in the API.
	var res struct {
		Results []struct {
			ServiceID string `json:"service_id"`
			Capacity  struct {
				Status string `json:"status"`
			} `json:"capacity"`
		} `json:"results"`
	}
	ts.getJSON(t, "/api/v1/search?q=pantry&postcode=33125", &res)
	found := false
	for _, r := range res.Results {
		if r.ServiceID == "s-pantry" {
			found = r.Capacity.Status == "waitlist"
		}
	}
	if !found {
		t.Errorf("search does not carry the waitlist: %+v", res.Results)
	}
	if _, page := ts.visitor(t).get(t, "/?q=pantry&postcode=33125"); !strings.Contains(page, "Waitlist, about 14 days") || !strings.Contains(page, "Call first") {
		t.Error("the search page does not show the capacity")
	}
	cm := ts.signIn(t, "cm@example.org", resources.RoleCaseManager, "")
	if _, page := cm.post(t, "/match", "/match", url.Values{"postcode": {"33125"}, "ans.88122-7": {"LA28397-0"}}); !strings.Contains(page, "Waitlist, about 14 days") {
		t.Error("the match page does not show the capacity")
	}

	// Bad values: the form again with the field's message; nothing stored.
	resp, page = staff.post(t, "/org/services/s-pantry/capacity", "/org/services/s-pantry/capacity",
		url.Values{"status": {"waitlist"}, "expected_wait_days": {"900"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="e-expected_wait_days"`) || !strings.Contains(page, "from 0 to 730") {
		t.Errorf("900 days: %d", resp.StatusCode)
	}
	resp, page = staff.post(t, "/org/services/s-pantry/capacity?lang=es", "/org/services/s-pantry/capacity?lang=es", url.Values{"status": {"maybe"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Elija si el servicio acepta nuevas remisiones.") {
		t.Errorf("a status not offered, in Spanish: %d", resp.StatusCode)
	}
	if c2, _ := ts.Refs.Capacity(context.Background(), "s-pantry"); c2.Status != resources.CapacityWaitlist || *c2.ExpectedWaitDays != 14 {
		t.Errorf("a refused form changed the capacity: %+v", c2)
	}
	// The first form again: the capacity was set since it was read, so 409.
	first.Set("status", "available")
	if resp, page := staff.post(t, "/org/services/s-pantry/capacity?lang=en", "/org/services/s-pantry/capacity?lang=en", first); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Someone else changed this listing") {
		t.Errorf("a stale capacity form: %d", resp.StatusCode)
	}
	// Full: the wait left in the box is not a waitlist's, so not kept.
	_, form = staff.get(t, "/org/services/s-pantry/capacity")
	if resp, _ := staff.post(t, "/org/services/s-pantry/capacity", "/org/services/s-pantry/capacity", url.Values{"status": {"full"}, "expected_wait_days": {"14"}, "as_of": {asOf(t, form)}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("full: %d", resp.StatusCode)
	}
	if c3, _ := ts.Refs.Capacity(context.Background(), "s-pantry"); c3.Status != resources.CapacityFull || c3.ExpectedWaitDays != nil {
		t.Errorf("full: %+v", c3)
	}
	// The quick form on the organization's page: one choice, the note kept.
	_, form = staff.get(t, "/org/services/s-pantry/capacity")
	staff.post(t, "/org/services/s-pantry/capacity", "/org/services/s-pantry/capacity", url.Values{"status": {"waitlist"}, "expected_wait_days": {"14"}, "note": {"Call first"}, "as_of": {asOf(t, form)}})
	_, page = staff.get(t, "/org?lang=en")
	quick := regexp.MustCompile(`(?s)<form class="inline capacity-form" method="post" action="/org/services/s-pantry/capacity[^"]*">.*?</form>`).FindString(page)
	if !strings.Contains(quick, `name="expected_wait_days" value="14"`) || !strings.Contains(quick, `<option value="waitlist" selected>`) {
		t.Fatalf("the quick form does not hold the capacity: %s", quick)
	}
	if resp, _ := staff.post(t, "/org", "/org/services/s-pantry/capacity", url.Values{"status": {"available"}, "expected_wait_days": {"14"}, "note": {"Call first"}, "as_of": {asOf(t, quick)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("quick form: %d", resp.StatusCode)
	}
	if c5, _ := ts.Refs.Capacity(context.Background(), "s-pantry"); c5.Status != resources.CapacityAvailable || c5.ExpectedWaitDays != nil || c5.Note != "Call first" {
		t.Errorf("after the quick form: %+v", c5)
	}
	// Another organization's service.
	if resp, _ := staff.get(t, "/org/services/s-other/capacity"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another organization's form: %d", resp.StatusCode)
	}
	if resp, _ := staff.post(t, "/org", "/org/services/s-other/capacity", url.Values{"status": {"full"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another organization's capacity: %d", resp.StatusCode)
	}
	if c4, _ := ts.Refs.Capacity(context.Background(), "s-other"); c4.Status != resources.CapacityUnknown {
		t.Errorf("another organization's capacity set: %+v", c4)
	}
}
