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

// phonesForm reads the phones form as a browser would send it back.
func phonesForm(tb testing.TB, page string) url.Values {
	tb.Helper()
	v := url.Values{}
	for _, m := range regexp.MustCompile(`name="(version|rows|id\.\d+|number\.\d+|ext\.\d+)"[^>]*value="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		v.Set(m[1], m[2])
	}
	for _, m := range regexp.MustCompile(`(?s)name="(type\.\d+)".*?<option value="([^"]*)" selected>`).FindAllStringSubmatch(page, -1) {
		v.Set(m[1], m[2])
	}
	if v.Get("version") == "" || v.Get("rows") == "" {
		tb.Fatal("no version or rows in the phones form")
	}
	return v
}

// TestOrgStaffPhones: staff add phones to a service (US numbers written as
// the import writes them, a short code kept), search shows them at once,
// the audit names them; a stale form is a 409; a bad number or extension
// comes back on its row in the page's language; a cleared row removes its
// phone and keeps the others' ids; another organization's service is
// refused.
func TestOrgStaffPhones(t *testing.T) {
	ts := startServer(t, seedOrgs, webClock)
	staff := ts.signIn(t, "ana@example.org", resources.RoleOrgStaff, "org")
	if _, page := staff.get(t, "/org"); !strings.Contains(page, `href="/org/services/s-pantry/phones`) {
		t.Fatal("/org does not link to the phones form")
	}
	resp, form := staff.get(t, "/org/services/s-pantry/phones")
	if resp.StatusCode != 200 {
		t.Fatalf("phones form: %d", resp.StatusCode)
	}
	sent := phonesForm(t, form)
	if sent.Get("rows") != "2" {
		t.Fatalf("rows: %v", sent)
	}
	sent.Set("number.1", "305.555.0114")
	sent.Set("ext.1", "12")
	sent.Set("type.1", "voice")
	sent.Set("number.2", "211")
	sent.Set("type.2", "text")
	if resp, _ := staff.post(t, "/org/services/s-pantry/phones", "/org/services/s-pantry/phones", sent); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	svc, _ := resources.Get[*resources.Service](context.Background(), ts.Store, "s-pantry")
	if len(svc.Phones) != 2 || svc.Phones[0].Number != "(305) 555-0114" || svc.Phones[0].Extension == nil || *svc.Phones[0].Extension != 12 ||
		svc.Phones[0].Type != "voice" || svc.Phones[1].Number != "211" || svc.Phones[1].Type != "text" || svc.Phones[0].ID == "" {
		t.Fatalf("stored: %+v", svc.Phones)
	}
	var res struct {
		Results []struct {
			ServiceID string   `json:"service_id"`
			Phones    []string `json:"phones"`
		} `json:"results"`
	}
	ts.getJSON(t, "/api/v1/search?q=pantry&postcode=33125", &res)
	shown := false
	for _, r := range res.Results {
		if r.ServiceID == "s-pantry" {
			shown = len(r.Phones) > 0 && strings.Contains(strings.Join(r.Phones, " "), "(305) 555-0114")
		}
	}
	if !shown {
		t.Errorf("search does not show the new phone: %+v", res.Results)
	}
	entries, _ := ts.Store.Audit(context.Background(), resources.AuditQuery{RecordID: "s-pantry"})
	if len(entries) == 0 || entries[0].Actor.UserID == "" {
		t.Errorf("audit: %+v", entries)
	}
	if resp, page := staff.post(t, "/org/services/s-pantry/phones", "/org/services/s-pantry/phones", sent); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Someone else changed this listing") {
		t.Errorf("stale form: %d", resp.StatusCode)
	}

	// Bad rows: each said on its row; nothing stored.
	_, form = staff.get(t, "/org/services/s-pantry/phones")
	bad := phonesForm(t, form)
	if bad.Get("number.1") != "(305) 555-0114" || bad.Get("type.2") != "text" || bad.Get("rows") != "4" {
		t.Fatalf("the form does not show the phones: %v", bad)
	}
	bad.Set("number.1", "555-0114")
	bad.Set("ext.2", "twelve")
	resp, page := staff.post(t, "/org/services/s-pantry/phones", "/org/services/s-pantry/phones", bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Phone 1: Write a phone number of ten digits") ||
		!strings.Contains(page, "Phone 2: Write the extension as a whole number") || !strings.Contains(page, `value="555-0114"`) {
		t.Errorf("bad rows: %d", resp.StatusCode)
	}
	bad.Set("ext.2", "")
	resp, page = staff.post(t, "/org/services/s-pantry/phones?lang=es", "/org/services/s-pantry/phones?lang=es", bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Teléfono 1: Escriba un número de teléfono") || !strings.Contains(page, `aria-describedby="p-e-number-1"`) {
		t.Errorf("a bad number in Spanish: %d", resp.StatusCode)
	}
	if again, _ := resources.Get[*resources.Service](context.Background(), ts.Store, "s-pantry"); again.Version != svc.Version {
		t.Error("a refused form changed the listing")
	}

	// A cleared row removes its phone; the other keeps its id.
	keep := phonesForm(t, form)
	keep.Set("number.2", "")
	if resp, _ := staff.post(t, "/org/services/s-pantry/phones", "/org/services/s-pantry/phones", keep); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", resp.StatusCode)
	}
	after, _ := resources.Get[*resources.Service](context.Background(), ts.Store, "s-pantry")
	if len(after.Phones) != 1 || after.Phones[0].ID != svc.Phones[0].ID || after.Phones[0].Number != "(305) 555-0114" {
		t.Errorf("after removing 211: %+v", after.Phones)
	}
	if resp, _ := staff.get(t, "/org/services/s-other/phones"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another organization's phones: %d", resp.StatusCode)
	}
}
