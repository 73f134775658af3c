package listings_test

import (
	"context"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/listings"
	"github.com/refer-project/refer/resources"
)

// TestCheckPhones: US numbers are written as the import writes them; short
// codes are kept; anything else, a bad extension or an unknown type is
// named by its field.
func TestCheckPhones(t *testing.T) {
	ext := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		in   resources.Phone
		want string // the number as kept; "" when refused
		bad  string // the field refused
	}{
		{resources.Phone{Number: " 305.555.0114 "}, "(305) 555-0114", ""},
		{resources.Phone{Number: "1-305-555-0114", Type: "fax"}, "(305) 555-0114", ""},
		{resources.Phone{Number: "(305) 555-0114 ext. 12"}, "(305) 555-0114 x12", ""},
		{resources.Phone{Number: "211"}, "211", ""},
		{resources.Phone{Number: "988", Type: "text"}, "988", ""},
		{resources.Phone{Number: "555-0114"}, "", "phones[0].number"},
		{resources.Phone{Number: "1-800-FLOWERS"}, "", "phones[0].number"},
		{resources.Phone{Number: ""}, "", "phones[0].number"},
		{resources.Phone{Number: "3055550114", Extension: ext(-1)}, "", "phones[0].extension"},
		{resources.Phone{Number: "3055550114", Extension: ext(1.5)}, "", "phones[0].extension"},
		{resources.Phone{Number: "3055550114", Type: "telegraph"}, "", "phones[0].type"},
	} {
		ps := []resources.Phone{tc.in}
		err := listings.CheckPhones(ps, nil)
		fields := resources.ErrorFields(err)
		switch {
		case tc.bad == "" && (err != nil || ps[0].Number != tc.want):
			t.Errorf("%+v: %q, %v; want %q", tc.in, ps[0].Number, err, tc.want)
		case tc.bad != "" && (resources.ErrorCode(err) != resources.EINVALID || fields[tc.bad] == "" || len(fields) != 1):
			t.Errorf("%+v: %v; want %s refused alone", tc.in, fields, tc.bad)
		}
	}
}

// TestLinksChecked: a new or changed e-mail or web address must look like
// one, through the API's write path (Create, Replace, Change); one kept as
// imported is not refused.
func TestLinksChecked(t *testing.T) {
	db := openStore(t)
	ctx := resources.WithActor(context.Background(), staff)
	for _, tc := range []struct {
		email, website string
		bad            []string
	}{
		{"help@caa.example.org", "https://caa.example.org/help", nil},
		{"", "http://caa.example.org", nil},
		{"help at caa", "", []string{"email"}},
		{"Ana <ana@example.org>", "", []string{"email"}},
		{"ana@localhost", "", []string{"email"}},
		{"", "caa.example.org", []string{"website"}},
		{"", "javascript:alert(1)", []string{"website"}},
		{"x@", "ftp://caa.example.org", []string{"email", "website"}},
	} {
		org, _ := resources.Get[*resources.Organization](context.Background(), db, "org")
		changed := *org
		changed.Email, changed.Website = tc.email, tc.website
		_, err := listings.Replace(ctx, db, resources.KindOrganization, "org", &changed, nil, listings.Any)
		fields := resources.ErrorFields(err)
		if len(tc.bad) == 0 && err != nil {
			t.Errorf("%q %q refused: %v", tc.email, tc.website, err)
		}
		for _, f := range tc.bad {
			if resources.ErrorCode(err) != resources.EINVALID || fields[f] == "" || len(fields) != len(tc.bad) {
				t.Errorf("%q %q: %v; want %v refused", tc.email, tc.website, fields, tc.bad)
			}
		}
	}
	// A service's URL, through Change; a messy one kept as imported passes.
	fixture.Put(t, db, &resources.Service{ID: "s-messy", OrganizationID: "org", Name: "Messy", Status: "active", URL: "www.messy", Email: "call us"})
	if _, err := listings.Change(ctx, db, "s-messy", listings.Any, func(s *resources.Service) error { s.Name = "Tidy"; return nil }); err != nil {
		t.Errorf("a kept imported url refused: %v", err)
	}
	_, err := listings.Change(ctx, db, "s-messy", listings.Any, func(s *resources.Service) error { s.URL = "www.tidy"; return nil })
	if resources.ErrorFields(err)["url"] == "" {
		t.Errorf("a new bad url: %v", err)
	}
	if _, err := listings.Create(ctx, db, &resources.Service{OrganizationID: "org", Name: "New", Status: "active", Email: "nope"}, nil); resources.ErrorFields(err)["email"] == "" {
		t.Errorf("a new service's bad e-mail: %v", err)
	}
}

// TestPhonesChecked: a new or changed phone must be a phone number and is
// written by the import's rule, through every write path (Create, Replace,
// Change) for organizations, services and locations; a messy number kept
// as imported is not refused.
func TestPhonesChecked(t *testing.T) {
	db := openStore(t)
	ctx := resources.WithActor(context.Background(), staff)
	fixture.Put(t, db, &resources.Service{ID: "s-phones", OrganizationID: "org", Name: "Phones", Status: "active",
		Phones: []resources.Phone{{ID: "p-messy", ServiceID: "s-phones", Number: "call the front desk"}}})
	// Kept as imported: passes, and stays as it was.
	svc, err := listings.Change(ctx, db, "s-phones", listings.Any, func(s *resources.Service) error { s.Name = "Phones, renamed"; return nil })
	if err != nil || svc.Phones[0].Number != "call the front desk" {
		t.Fatalf("a kept imported number: %v, %+v", err, svc)
	}
	// A new good number is written in one form; a new bad one is named.
	svc, err = listings.Change(ctx, db, "s-phones", listings.Any, func(s *resources.Service) error {
		s.Phones = append(s.Phones, resources.Phone{ID: "p-new", ServiceID: s.ID, Number: "305.555.0114"})
		return nil
	})
	if err != nil || svc.Phones[1].Number != "(305) 555-0114" {
		t.Fatalf("a new number: %v, %+v", err, svc)
	}
	_, err = listings.Change(ctx, db, "s-phones", listings.Any, func(s *resources.Service) error { s.Phones[0].Number = "call us"; return nil })
	if f := resources.ErrorFields(err); resources.ErrorCode(err) != resources.EINVALID || f["phones[0].number"] == "" {
		t.Errorf("a changed bad number: %v", err)
	}
	org, _ := resources.Get[*resources.Organization](context.Background(), db, "org")
	changed := *org
	changed.Phones = []resources.Phone{{ID: "p-org", OrganizationID: "org", Number: "555-0114"}}
	if _, err := listings.Replace(ctx, db, resources.KindOrganization, "org", &changed, nil, listings.Any); resources.ErrorFields(err)["phones[0].number"] == "" {
		t.Errorf("an organization's bad number: %v", err)
	}
	loc := &resources.Location{OrganizationID: "org", LocationType: "physical", Name: "Office",
		Phones: []resources.Phone{{ID: "p-loc", Number: "211", Type: "telegraph"}}}
	if _, err := listings.Create(ctx, db, loc, nil); resources.ErrorFields(err)["phones[0].type"] == "" {
		t.Errorf("a new location's phone of an unknown type: %v", err)
	}
	if got, _ := resources.Get[*resources.Service](context.Background(), db, "s-phones"); got.Phones[0].Number != "call the front desk" || len(got.Phones) != 2 {
		t.Errorf("a refused write changed the service: %+v", got.Phones)
	}
}
