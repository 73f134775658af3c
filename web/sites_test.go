package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/listings"
	"github.com/refer-project/refer/resources"
)

// searchIDs returns the service_at_location ids search finds for q near
// postcode within radius km.
func searchIDs(tb testing.TB, ts *testServer, q, postcode, radius string) map[string]string {
	tb.Helper()
	var res struct {
		Results []struct {
			ServiceID string `json:"service_id"`
			LocID     string `json:"location_id"`
		} `json:"results"`
	}
	ts.getJSON(tb, "/api/v1/search?q="+url.QueryEscape(q)+"&postcode="+postcode+"&radius_km="+radius+"&include_virtual=false", &res)
	out := map[string]string{}
	for _, r := range res.Results {
		out[r.LocID] = r.ServiceID
	}
	return out
}

// TestOrgStaffSites: staff add a site to their service, and search by
// distance finds it there at once (placed at its ZIP's centroid, as import
// places it); they move a site to another ZIP (placed again; the audit
// names them; a form read before is refused with 409), get bad fields back
// on the field in the page's language, and remove the site they added; a
// site not the service's and another organization's service are refused.
func TestOrgStaffSites(t *testing.T) {
	ts := startServer(t, seedOrgs, webClock)
	staff := ts.signIn(t, "ana@example.org", resources.RoleOrgStaff, "org")
	if _, page := staff.get(t, "/org"); !strings.Contains(page, `href="/org/services/s-pantry/sites`) {
		t.Fatal("/org does not link to the sites")
	}
	resp, page := staff.get(t, "/org/services/s-pantry/sites")
	if resp.StatusCode != 200 || !strings.Contains(page, "l-downtown St") || !strings.Contains(page, "l-homestead St") || strings.Contains(page, "l-hialeah St") {
		t.Fatalf("sites page: %d", resp.StatusCode)
	}
	if found := searchIDs(t, ts, "pantry", "33139", "2"); len(found) != 0 {
		t.Fatalf("a pantry within 2 km of 33139 before the site is added: %v", found)
	}
	resp, _ = staff.post(t, "/org/services/s-pantry/sites", "/org/services/s-pantry/sites", url.Values{"name": {"Beach Pantry"},
		"address_1": {"1 Ocean Dr"}, "city": {"Miami Beach"}, "state_province": {"FL"}, "postal_code": {"33139"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", resp.StatusCode)
	}
	found := searchIDs(t, ts, "pantry", "33139", "2")
	var beach string
	for loc, svc := range found {
		if svc == "s-pantry" {
			beach = loc
		}
	}
	if beach == "" {
		t.Fatalf("search by distance does not find the new site: %v", found)
	}
	loc, _ := resources.Get[*resources.Location](context.Background(), ts.Store, beach)
	if lat, _, _ := data.Centroid("33139"); loc.Latitude == nil || *loc.Latitude != lat || loc.GeocodeSource != resources.GeocodeZIPCentroid || loc.OrganizationID != "org" {
		t.Errorf("the new site: %+v", loc)
	}
	_, page = staff.get(t, "/org/services/s-pantry/sites?done=added")
	if !strings.Contains(page, "Beach Pantry") || !strings.Contains(page, "middle of its ZIP code") {
		t.Error("the sites page does not list the new site as placed approximately")
	}

	// Move downtown to 33140.
	_, form := staff.get(t, "/org/services/s-pantry/sites/l-downtown")
	ver := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(form)
	if ver == nil || !strings.Contains(form, `value="l-downtown St"`) {
		t.Fatal("the site form does not show the site")
	}
	moved := url.Values{"version": {ver[1]}, "name": {"Downtown"}, "address_1": {"400 Alton Rd"}, "city": {"Miami Beach"}, "state_province": {"FL"}, "postal_code": {"33140"}}
	if resp, _ := staff.post(t, "/org/services/s-pantry/sites/l-downtown", "/org/services/s-pantry/sites/l-downtown", moved); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", resp.StatusCode)
	}
	down, _ := resources.Get[*resources.Location](context.Background(), ts.Store, "l-downtown")
	if lat, _, _ := data.Centroid("33140"); *down.Latitude != lat || listings.PhysicalAddress(down).PostalCode != "33140" {
		t.Errorf("moved site: %+v", down)
	}
	if found := searchIDs(t, ts, "pantry", "33140", "2"); found["l-downtown"] != "s-pantry" {
		t.Errorf("search near 33140 does not find the moved site: %v", found)
	}
	entries, _ := ts.Store.Audit(context.Background(), resources.AuditQuery{RecordID: "l-downtown"})
	if len(entries) == 0 || entries[0].Actor.UserID == "" || entries[0].Actor.OrganizationID != "org" {
		t.Errorf("audit: %+v", entries)
	}
	if resp, page := staff.post(t, "/org/services/s-pantry/sites/l-downtown", "/org/services/s-pantry/sites/l-downtown", moved); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Someone else changed this listing") {
		t.Errorf("stale form: %d", resp.StatusCode)
	}

	// A stale form with a bad field comes back with its own version, so
	// that, corrected, it is still refused.
	moved.Set("city", "")
	if resp, page := staff.post(t, "/org/services/s-pantry/sites/l-downtown", "/org/services/s-pantry/sites/l-downtown", moved); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(page, `name="version" value="`+ver[1]+`"`) {
		t.Errorf("a stale form with a bad field: %d", resp.StatusCode)
	}
	// Bad fields: the form again, the message on each field, in Spanish.
	_, form = staff.get(t, "/org/services/s-pantry/sites/l-downtown")
	ver = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(form)
	bad := url.Values{"version": {ver[1]}, "name": {"Downtown"}, "address_1": {"400 Alton Rd"}, "city": {" "}, "state_province": {"FL"}, "postal_code": {"ABCDE"}}
	resp, page = staff.post(t, "/org/services/s-pantry/sites/l-downtown?lang=es", "/org/services/s-pantry/sites/l-downtown?lang=es", bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Escriba la ciudad.") || !strings.Contains(page, "Escriba un código postal") ||
		!strings.Contains(page, `aria-invalid="true"`) || !strings.Contains(page, `value="ABCDE"`) {
		t.Errorf("bad fields in Spanish: %d", resp.StatusCode)
	}
	resp, page = staff.post(t, "/org/services/s-pantry/sites?lang=en", "/org/services/s-pantry/sites?lang=en", url.Values{"name": {"No Street"}, "address_1": {""}, "city": {"Miami"}, "state_province": {"FL"}, "postal_code": {"33130"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Write the street address") || !strings.Contains(page, `value="No Street"`) {
		t.Errorf("a site without a street: %d", resp.StatusCode)
	}

	// Remove the beach site: search no longer finds it, nor the location.
	_, page = staff.get(t, "/org/services/s-pantry/sites")
	rm := regexp.MustCompile(`/sites/` + beach + `/remove"[^>]*>\s*<input[^>]*>\s*<input type="hidden" name="version" value="(\d+)"`).FindStringSubmatch(page)
	if rm == nil {
		t.Fatal("no remove form for the beach site")
	}
	if resp, _ := staff.post(t, "/org/services/s-pantry/sites", "/org/services/s-pantry/sites/"+beach+"/remove", url.Values{"version": {rm[1]}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", resp.StatusCode)
	}
	if found := searchIDs(t, ts, "pantry", "33139", "2"); found[beach] != "" {
		t.Errorf("search still finds the removed site: %v", found)
	}
	if _, err := ts.Store.Get(context.Background(), resources.KindLocation, beach); resources.ErrorCode(err) != resources.ENOTFOUND {
		t.Errorf("the removed site's location: %v", err)
	}

	// Not the service's site; not their service.
	if resp, _ := staff.get(t, "/org/services/s-pantry/sites/l-hialeah"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a site of another service: %d", resp.StatusCode)
	}
	if resp, _ := staff.get(t, "/org/services/s-other/sites"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another organization's sites: %d", resp.StatusCode)
	}
	if resp, _ := staff.post(t, "/org", "/org/services/s-other/sites", url.Values{"name": {"Mine"}, "address_1": {"1 Main"}, "city": {"Miami"}, "state_province": {"FL"}, "postal_code": {"33130"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("add a site to another organization's service: %d", resp.StatusCode)
	}
}
