package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/resources"
)

func TestMatchPage(t *testing.T) {
	ts := startServer(t, seedWeb, webClock)
	anon := ts.visitor(t)
	if resp, _ := anon.get(t, "/match"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("/match without signing in: %d", resp.StatusCode)
	}
	cm := ts.signIn(t, "cm@example.org", resources.RoleCaseManager, "")
	resp, page := cm.get(t, "/match")
	if resp.StatusCode != 200 || !strings.Contains(page, "What is your living situation today?") || !strings.Contains(page, "Lead paint or pipes") {
		t.Fatalf("match form: %d", resp.StatusCode)
	}
	// Worried about food (AHC item 88122-7 "Often true") near 33125.
	resp, page = cm.post(t, "/match", "/match", url.Values{"postcode": {"33125"}, "age": {"34"}, "languages": {"Spanish"},
		"ans.88122-7": {"LA28397-0"}, "ans.71802-3": {"LA31993-1"}})
	if resp.StatusCode != 200 {
		t.Fatalf("match: %d", resp.StatusCode)
	}
	// The page says what directory the options come from.
	for _, want := range []string{"Food insecurity", "Downtown Food Pantry", "Why this option", `name="ids" value="sal-pantry-downtown"`, " mi away",
		`<p class="directory-note">Directory: `} {
		if !strings.Contains(page, want) {
			t.Errorf("the match lacks %q", want)
		}
	}
	// What was asked stays in the form.
	if !strings.Contains(page, `value="LA28397-0" checked`) || !strings.Contains(page, `value="33125"`) {
		t.Error("the form forgot the answers")
	}
	// No need and no place: the form again, saying so.
	resp, page = cm.post(t, "/match", "/match", url.Values{"age": {"abc"}})
	if resp.StatusCode != 400 || !strings.Contains(page, "ZIP code.</li>") || !strings.Contains(page, "Answer at least one question") {
		t.Errorf("empty match: %d", resp.StatusCode)
	}

	// In Spanish: the questions in refer's translation, said to be one.
	cm.header.Set("Accept-Language", "es")
	_, page = cm.get(t, "/match")
	for _, want := range []string{"¿Cuál es su situación de vivienda hoy?", "una traducción de refer", "Con frecuencia es cierto"} {
		if !strings.Contains(page, want) {
			t.Errorf("the Spanish form lacks %q", want)
		}
	}
	_, page = cm.post(t, "/match", "/match", url.Values{"postcode": {"33125"}, "ans.88122-7": {"LA6729-3"}})
	if !strings.Contains(page, "Falta de alimentos") || !strings.Contains(page, "Downtown Food Pantry") || !strings.Contains(page, `lang="en"`) {
		t.Error("the Spanish match")
	}
	// Organization staff do not match.
	staff := ts.signIn(t, "staff@example.org", resources.RoleOrgStaff, "org")
	if resp, _ := staff.get(t, "/match"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("org_staff on /match: %d", resp.StatusCode)
	}
	_ = fixture.Seed
}
