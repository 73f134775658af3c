package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/refer-project/refer/resources"
)

// referForm fills the refer form as a case manager would, from the form's
// own page (its CSRF token and its idempotency key).
func referForm(tb testing.TB, v *visitor, from string) url.Values {
	tb.Helper()
	_, page := v.get(tb, from)
	m := regexp.MustCompile(`name="idem" value="([0-9a-f]{32})"`).FindStringSubmatch(page)
	c := csrfField.FindStringSubmatch(page)
	if m == nil || c == nil {
		tb.Fatalf("GET %s: the refer form has no key or token", from)
	}
	return url.Values{"csrf": {c[1]}, "idem": {m[1]}, "item": {"sal-pantry-downtown"}, "need": {"food-insecurity"},
		"client_reference": {"MRN-4411"}, "client_name": {"Rosa Díaz"}, "client_phone": {"(305) 555-0142"},
		"client_email": {"rosa@example.org"}, "consent": {"yes"}, "consent_method": {"verbal"},
		"consent_date": {"2026-11-27"}, "notes": {"Prefers calls after 3 PM"}}
}

// TestReferralPages follows a referral through the pages: a case manager
// refers a client with consent (a double submit makes one referral, a
// form with mistakes says what to fix), sees it among the sent; the
// organization's staff find it in their inbox, must say why to reject,
// accept it; the history names who did what. No one else sees it, and
// the client's data is sealed in the store.
func TestReferralPages(t *testing.T) {
	ts := startServer(t, seedOrgs, webClock)
	ctx := context.Background()
	cm := ts.signIn(t, "bea@example.org", resources.RoleCaseManager, "")
	staff := ts.signIn(t, "ana@example.org", resources.RoleOrgStaff, "org")
	other := ts.signIn(t, "olga@example.org", resources.RoleOrgStaff, "other")
	cm2 := ts.signIn(t, "carl@example.org", resources.RoleCaseManager, "")

	// Refer links on a match option's service, the list and the service page.
	cm.post(t, "/services/s-pantry", "/list/add", url.Values{"ids": {"sal-pantry-downtown"}})
	if _, page := cm.get(t, "/list"); !strings.Contains(page, `href="/referrals/new?item=sal-pantry-downtown"`) {
		t.Error("the list offers no Refer link")
	}
	if _, page := cm.get(t, "/services/s-pantry"); !strings.Contains(page, `href="/referrals/new?item=`) {
		t.Error("the service page offers no Refer link")
	}
	if _, page := staff.get(t, "/services/s-pantry"); strings.Contains(page, "/referrals/new") {
		t.Error("organization staff are offered Refer")
	}
	_, page := cm.post(t, "/match", "/match", url.Values{"postcode": {"33125"}, "ans.88122-7": {"LA28397-0"}})
	if !strings.Contains(page, `href="/referrals/new?item=sal-pantry-downtown&amp;need=food-insecurity"`) {
		t.Error("the match option offers no Refer link with its need")
	}

	// The form shows the consent text with the organization's name.
	form := "/referrals/new?item=sal-pantry-downtown&need=food-insecurity"
	resp, page := cm.get(t, form)
	for _, want := range []string{"Refer a client to Downtown Food Pantry", "these notes with Community Action Agency", `value="food-insecurity" selected`} {
		if resp.StatusCode != 200 || !strings.Contains(page, want) {
			t.Errorf("the refer form (%d) lacks %q", resp.StatusCode, want)
		}
	}

	// Mistakes: no consent, a phone that is not one, no reference.
	bad := referForm(t, cm, form)
	bad.Del("consent")
	bad.Set("client_phone", "call me")
	bad.Set("client_reference", "")
	resp, page = cm.send(t, http.MethodPost, "/referrals", bad)
	for _, want := range []string{"tick the box once they agreed", "Enter a phone number", "Enter your record number", `value="Rosa Díaz"`, `href="#r-consent"`} {
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, want) {
			t.Errorf("the form with mistakes (%d) lacks %q", resp.StatusCode, want)
		}
	}

	// Sent twice (a double click): one referral.
	good := referForm(t, cm, form)
	resp, _ = cm.send(t, http.MethodPost, "/referrals", good)
	first := resp.Header.Get("Location")
	resp2, _ := cm.send(t, http.MethodPost, "/referrals", good)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(first, "/referrals/") || resp2.Header.Get("Location") != first {
		t.Fatalf("refer: %d to %q, again %d to %q", resp.StatusCode, first, resp2.StatusCode, resp2.Header.Get("Location"))
	}
	id := strings.TrimSuffix(strings.TrimPrefix(first, "/referrals/"), "?done=sent")
	// The same form changed and sent again is refused, as a page.
	good.Set("notes", "something else")
	if resp, page := cm.send(t, http.MethodPost, "/referrals", good); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "This form was sent already") {
		t.Errorf("a changed resend: %d", resp.StatusCode)
	}
	n := 0
	ts.Store.ScanReferrals(ctx, nil, time.Time{}, func(*resources.Referral) bool { n++; return true })
	if n != 1 {
		t.Fatalf("%d referrals stored, want 1", n)
	}
	// Sealed: the stored record holds no client data in the clear.
	stored, err := ts.Store.GetReferral(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(stored)
	if stored.Sealed == nil || strings.Contains(string(raw), "Rosa") || strings.Contains(string(raw), "555-0142") || !stored.Consent.Obtained {
		t.Errorf("the stored referral is not sealed, or lost its consent: %s", raw)
	}

	resp, page = cm.get(t, first)
	for _, want := range []string{"The referral is sent", "Rosa Díaz", "MRN-4411", "Prefers calls after 3 PM", "The client agreed (Spoken) on 2026-11-27",
		"Sent, not yet answered", "Cancel the referral"} {
		if resp.StatusCode != 200 || !strings.Contains(page, want) {
			t.Errorf("the referral's page (%d) lacks %q", resp.StatusCode, want)
		}
	}
	if strings.Contains(page, `value="accepted"`) {
		t.Error("the sender is offered to accept their own referral")
	}
	_, page = cm.get(t, "/referrals")
	if !strings.Contains(page, `href="/referrals/`+id+`"`) || !strings.Contains(page, "Downtown Food Pantry") || !strings.Contains(page, "Referrals: 1,") {
		t.Error("the sent referrals do not list it")
	}

	// Nobody else sees it: another case manager, another organization.
	for name, v := range map[string]*visitor{"another case manager": cm2, "another organization": other} {
		resp, page := v.get(t, "/referrals/"+id)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(page, "Rosa") || !strings.Contains(page, "<html") {
			t.Errorf("%s reads the referral: %d", name, resp.StatusCode)
		}
	}
	if _, page := other.get(t, "/referrals/inbox"); strings.Contains(page, "Rosa") || !strings.Contains(page, "Referrals: 0,") {
		t.Error("another organization's inbox shows the referral")
	}
	if _, page := cm2.get(t, "/referrals"); strings.Contains(page, id) {
		t.Error("another case manager's sent list shows the referral")
	}
	// Roles: staff do not refer; case managers have no inbox.
	if resp, _ := staff.get(t, form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("staff open the refer form: %d", resp.StatusCode)
	}
	if resp, _ := cm.get(t, "/referrals/inbox"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a case manager opens an inbox: %d", resp.StatusCode)
	}

	// The organization's inbox: accept in one click, reject needs a reason.
	_, page = staff.get(t, "/referrals/inbox")
	for _, want := range []string{"Referrals to Community Action Agency", "Rosa Díaz", `name="status" value="accepted"`, `href="/referrals/` + id + `#act-rejected"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the inbox lacks %q", want)
		}
	}
	resp, page = staff.post(t, "/referrals/"+id, "/referrals/"+id+"/status", url.Values{"status": {"rejected"}, "reason": {"  "}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Write the reason") {
		t.Errorf("reject without a reason: %d", resp.StatusCode)
	}
	resp, _ = staff.post(t, "/referrals/"+id, "/referrals/"+id+"/status", url.Values{"status": {"cancelled"}, "reason": {"x"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("staff cancel the sender's referral: %d", resp.StatusCode)
	}
	resp, _ = staff.post(t, "/referrals/inbox", "/referrals/"+id+"/status", url.Values{"status": {"accepted"}, "back": {"/referrals/inbox"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/referrals/inbox?done=accepted" {
		t.Fatalf("accept: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := staff.get(t, "/referrals/inbox?status=accepted"); !strings.Contains(page, "Rosa Díaz") {
		t.Error("the inbox filtered to accepted lacks it")
	}
	if _, page := staff.get(t, "/referrals/inbox?status=requested"); strings.Contains(page, "Rosa Díaz") {
		t.Error("the inbox filtered to requested shows an accepted referral")
	}
	if resp, _ := staff.get(t, "/referrals/inbox?status=nonsense"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown status filter: %d", resp.StatusCode)
	}
	staff.post(t, "/referrals/"+id, "/referrals/"+id+"/status", url.Values{"status": {"on-hold"}, "reason": {"Waiting for the client's ID"}})

	// Its history, in Spanish for the case manager.
	resp, page = cm.get(t, "/referrals/"+id+"?lang=es")
	for _, want := range []string{"Historial", "Aceptada", "En espera", "Waiting for the client&#39;s ID", "ana@example.org", "bea@example.org"} {
		if resp.StatusCode != 200 || !strings.Contains(page, want) {
			t.Errorf("the history in Spanish (%d) lacks %q", resp.StatusCode, want)
		}
	}
	v, err := ts.Refs.Get(ctx, resources.Actor{Role: resources.RoleAdmin}, id)
	if err != nil || len(v.History) != 3 || v.Status != resources.StatusOnHold {
		t.Errorf("stored history: %+v %v", v, err)
	}
}

// TestReferToAClosedService: a service that is not active takes no
// referrals (referrals.TakesReferrals), and the pages say so in the
// case manager's language: the form is not drawn for it, and a form drawn
// before it closed comes back naming why instead of the store's English.
func TestReferToAClosedService(t *testing.T) {
	ts := startServer(t, seedOrgs, webClock)
	ctx := context.Background()
	cm := ts.signIn(t, "bea@example.org", resources.RoleCaseManager, "")
	form := "/referrals/new?item=sal-pantry-downtown&need=food-insecurity&lang=es"
	drawn := referForm(t, cm, form) // while the pantry is open

	svc, err := resources.Get[*resources.Service](ctx, ts.Store, "s-pantry")
	if err != nil {
		t.Fatal(err)
	}
	svc.Status = "temporarily closed"
	if _, err := ts.Store.Update(ctx, svc, 0); err != nil {
		t.Fatal(err)
	}

	resp, page := cm.get(t, form)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="closed-notice"`) || !strings.Contains(page, "«Cerrado temporalmente» y no recibe derivaciones") {
		t.Errorf("the refer form for a closed service (%d) does not say it is closed, in Spanish", resp.StatusCode)
	}
	if strings.Contains(page, `class="refer-form"`) {
		t.Error("the refer form is drawn for a closed service")
	}
	resp, page = cm.send(t, http.MethodPost, "/referrals", drawn)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Este servicio no recibe derivaciones por ahora") || strings.Contains(page, "takes no referrals") {
		t.Errorf("a form sent after the service closed (%d) does not say why in Spanish", resp.StatusCode)
	}
	n := 0
	ts.Store.ScanReferrals(ctx, nil, time.Time{}, func(*resources.Referral) bool { n++; return true })
	if n != 0 {
		t.Errorf("%d referrals stored to a closed service", n)
	}
}
