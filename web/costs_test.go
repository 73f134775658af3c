package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/refer-project/refer/resources"
)

// TestOrgStaffCostsAndDocuments: the service form keeps HSDS 3's
// structured fees (cost_options: who it applies to, the amount, what it is
// for) and required documents (one a line); ids are kept for those kept, a
// new cost is in US dollars, an emptied row removes its cost; the service
// page shows them; a bad amount is said on its row in the page's language,
// by the record's own rule for a negative one.
func TestOrgStaffCostsAndDocuments(t *testing.T) {
	ts := startServer(t, seedOrgs, webClock)
	staff := ts.signIn(t, "ana@example.org", resources.RoleOrgStaff, "org")
	_, form := staff.get(t, "/org/services/s-clinic/edit")
	if !strings.Contains(form, `name="cost.option.1" value="Uninsured"`) || !strings.Contains(form, `name="cost_rows" value="2"`) ||
		!regexp.MustCompile(`(?s)name="required_documents"[^>]*>Photo ID\nProof of address</textarea>`).MatchString(form) {
		t.Fatal("the form does not show the costs and documents")
	}
	sent := formValues(t, form)
	sent.Set("status", "active")
	sent.Set("cost_rows", "2")
	sent.Set("cost.id.1", "c1")
	sent.Set("cost.option.1", "Uninsured")
	sent.Set("cost.amount.1", "0")
	sent.Set("cost.option.2", "Insured")
	sent.Set("cost.amount.2", "$25")
	sent.Set("cost.description.2", "per visit")
	sent.Set("required_documents", "Photo ID\r\nProof of address\r\n\r\nphoto  id\r\nMedicaid card")
	if resp, _ := staff.post(t, "/org/services/s-clinic/edit", "/org/services/s-clinic/edit", sent); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	svc, _ := resources.Get[*resources.Service](context.Background(), ts.Store, "s-clinic")
	if len(svc.CostOptions) != 2 || svc.CostOptions[0].ID != "c1" || svc.CostOptions[1].Option != "Insured" || svc.CostOptions[1].Amount == nil ||
		*svc.CostOptions[1].Amount != 25 || svc.CostOptions[1].Currency != "USD" || svc.CostOptions[1].AmountDescription != "per visit" {
		t.Errorf("costs: %+v", svc.CostOptions)
	}
	if len(svc.RequiredDocuments) != 3 || svc.RequiredDocuments[0].ID != "d1" || svc.RequiredDocuments[1].ID != "d2" || svc.RequiredDocuments[2].Document != "Medicaid card" {
		t.Errorf("documents: %+v", svc.RequiredDocuments)
	}
	if _, page := ts.visitor(t).get(t, "/services/s-clinic"); !strings.Contains(page, "Insured: 25 USD: per visit") || !strings.Contains(page, "Medicaid card") {
		t.Error("the service page does not show the new cost and document")
	}

	// Bad amounts, each on its row; nothing stored.
	_, form = staff.get(t, "/org/services/s-clinic/edit")
	bad := formValues(t, form)
	bad.Set("status", "active")
	bad.Set("cost_rows", "3")
	bad.Set("cost.id.1", "c1")
	bad.Set("cost.option.1", "Uninsured")
	bad.Set("cost.amount.1", "lots")
	bad.Set("cost.option.2", "Insured")
	bad.Set("cost.amount.2", "25")
	resp, page := staff.post(t, "/org/services/s-clinic/edit", "/org/services/s-clinic/edit", bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Cost 1: Write the amount as a number") || !strings.Contains(page, `value="lots"`) ||
		!strings.Contains(page, `aria-describedby="c-e-amount-1"`) {
		t.Errorf("an amount that is no number: %d", resp.StatusCode)
	}
	bad.Set("cost.amount.1", "0")
	bad.Set("cost.amount.2", "-5")
	resp, page = staff.post(t, "/org/services/s-clinic/edit?lang=es", "/org/services/s-clinic/edit?lang=es", bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Costo 2: Escriba el monto") || strings.Contains(page, "Costo 1:") {
		t.Errorf("a negative amount, by the record's rule, in Spanish: %d", resp.StatusCode)
	}
	if again, _ := resources.Get[*resources.Service](context.Background(), ts.Store, "s-clinic"); again.Version != svc.Version {
		t.Error("a refused form changed the listing")
	}
	// An emptied row removes its cost.
	bad.Set("cost.option.1", "")
	bad.Set("cost.amount.1", "")
	bad.Set("cost.amount.2", "30")
	if resp, _ := staff.post(t, "/org/services/s-clinic/edit", "/org/services/s-clinic/edit", bad); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove a cost: %d", resp.StatusCode)
	}
	if after, _ := resources.Get[*resources.Service](context.Background(), ts.Store, "s-clinic"); len(after.CostOptions) != 1 || after.CostOptions[0].Option != "Insured" || *after.CostOptions[0].Amount != 30 {
		t.Errorf("after removing: %+v", after.CostOptions)
	}
}
