package hsds

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/refer-project/refer/resources"
)

const ohanaSanMateo = "san-mateo-ohana/sample-csv"

func TestReadOhanaSanMateo(t *testing.T) {
	fsys := os.DirFS(legacySharedData(t, ohanaSanMateo))
	// A centroid function that knows every ZIP: only the one location
	// without coordinates could use it, and it is virtual.
	everywhere := func(string) (float64, float64, bool) { return 37.5, -122.3, true }
	d, err := readOhana(fsys, Options{Centroid: everywhere})
	if err != nil {
		t.Fatal(err)
	}
	x := legacyCheckDirectory(t, d)
	for _, p := range d.Problems {
		t.Errorf("unexpected problem: %s", p)
	}
	withCoords := 0
	for _, l := range x.locations {
		if l.Latitude != nil {
			withCoords++
		}
		if l.GeocodeSource != "" {
			t.Errorf("location %s geocoded from its ZIP", l.ID)
		}
	}
	if len(x.orgs) != 8 || len(x.services) != 23 || len(x.locations) != 22 || withCoords != 21 || len(x.sals) != 23 || len(x.programs) != 1 {
		t.Errorf("organizations %d, services %d, locations %d (%d with coordinates), services_at_location %d, programs %d; want 8, 23, 22 (21), 23, 1",
			len(x.orgs), len(x.services), len(x.locations), withCoords, len(x.sals), len(x.programs))
	}

	// Each service belongs to its location's organization, through a
	// service_at_location.
	for _, sal := range x.sals {
		s, l := x.services[sal.ServiceID], x.locations[sal.LocationID]
		if s == nil || l == nil || s.OrganizationID != l.OrganizationID {
			t.Errorf("service_at_location %+v", sal)
		}
	}

	// Taxonomy: 290 Open Eligibility terms, plus the keywords vocabulary.
	oe, keywords := 0, 0
	for _, term := range x.terms {
		switch term.Taxonomy {
		case "Open Eligibility":
			oe++
			if term.Code != term.ID {
				t.Errorf("term %+v", term)
			}
		case "Keywords":
			keywords++
		}
	}
	if oe != 290 || keywords == 0 || len(x.taxes) != 2 {
		t.Errorf("terms: %d Open Eligibility, %d keywords, %d taxonomies", oe, keywords, len(x.taxes))
	}
	if term := x.terms["101-01"]; term == nil || term.Name != "Disaster Response" || term.ParentID != "101" {
		t.Errorf("term 101-01 = %+v", term)
	}

	s1 := x.services["1"]
	if s1.EligibilityDescription != "Age 55 or over for most programs, age 60 or over for lunch program\n\nAudience: Older adults age 55 or over, ethnic minorities and low-income persons" ||
		!strings.HasPrefix(s1.FeesDescription, "$2.50 suggested donation") || s1.Fees != s1.FeesDescription ||
		len(s1.Funding) != 5 || s1.Funding[0].Source != "City" {
		t.Errorf("service 1 = %+v", s1)
	}
	var kw []string
	for _, a := range s1.Attributes {
		if a.LinkType != "keyword" || a.LinkEntity != "service" || a.LinkID != "1" {
			t.Errorf("service 1 attribute %+v", a)
		}
		kw = append(kw, x.terms[a.TaxonomyTermID].Name)
	}
	if len(kw) < 10 || kw[0] != "ADULT PROTECTION AND CARE SERVICES" {
		t.Errorf("service 1 keywords = %q", kw)
	}

	s22 := x.services["22"]
	if sa := s22.ServiceAreas; len(sa) != 2 || sa[0].Name != "Alameda County" || sa[0].ExtentType != "text" {
		t.Errorf("service 22 areas = %+v", sa)
	}
	if len(s22.RequiredDocuments) != 1 || !strings.HasSuffix(s22.FeesDescription, "Payment accepted: Cash, Check, Credit Card") {
		t.Errorf("service 22 = %+v", s22)
	}
	var cats []string
	for _, a := range s22.Attributes {
		if a.LinkType == "service" {
			cats = append(cats, a.TaxonomyTermID)
		}
	}
	if want := []string{"105", "108", "108-05", "108-05-01", "111", "111-05"}; !reflect.DeepEqual(cats, want) {
		t.Errorf("service 22 categories = %v, want %v", cats, want)
	}
	// Schedules: Monday 8-12 and 14:00-"4:00 PM", Wednesday 10-"3pm", and
	// a yearly holiday.
	want := []struct{ byday, opens, closes, desc string }{
		{"MO", "08:00", "12:00", ""}, {"MO", "14:00", "16:00", ""}, {"WE", "10:00", "15:00", ""},
		{"", "", "", "Closed every year on January 1"},
	}
	if len(s22.Schedules) != len(want) {
		t.Fatalf("service 22 schedules = %+v", s22.Schedules)
	}
	for i, w := range want {
		sc := s22.Schedules[i]
		if sc.ByDay != w.byday || sc.OpensAt != w.opens || sc.ClosesAt != w.closes || sc.Description != w.desc || sc.ServiceID != "22" {
			t.Errorf("service 22 schedule %d = %+v, want %+v", i, sc, w)
		}
	}

	l22 := x.locations["22"]
	var got []string
	for _, sc := range l22.Schedules {
		got = append(got, sc.ByDay+" "+sc.OpensAt+"-"+sc.ClosesAt+" "+sc.ValidFrom+" "+sc.Description)
	}
	if want := []string{
		"MO,TU,WE,TH,FR 08:00-17:00  ", "SA 10:00-18:00  ", "SU 11:00-17:00  ",
		" -  Closed every year on January 1", " 10:00-16:00 2015-12-24 Special hours",
		" -  Closed every year from June 1 to September 1",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("location 22 schedules:\n got %q\nwant %q", got, want)
	}
	// Location 1: Monday 9am to 03:00, overnight: split at midnight.
	if sc := x.locations["1"].Schedules; len(sc) != 2 || sc[0].ByDay != "MO" || sc[0].ClosesAt != "00:00" ||
		sc[1].ByDay != "TU" || sc[1].OpensAt != "00:00" || sc[1].ClosesAt != "03:00" {
		t.Errorf("location 1 schedules = %+v", sc)
	}
	// Phones: types mapped to HSDS's list, Ohana's extra fields kept.
	types := map[string]string{}
	for _, p := range l22.Phones {
		types[p.ID] = p.Type + "|" + p.Description
	}
	if types["43"] != "voice|Department: Information\nVanity number: 222-555-INFO" || types["45"] != "voice|Hotline\nDepartment: Hotline" ||
		types["46"] != "textphone|Department: Rental Assistance" {
		t.Errorf("location 22 phones = %q", types)
	}
	var contact *resources.Contact
	for i, c := range l22.Contacts {
		if c.ID == "29" {
			contact = &l22.Contacts[i]
		}
	}
	if contact == nil || len(contact.Phones) != 3 || contact.Phones[0].Number != "+1 123-456-7890" || contact.Phones[2].Type != "text" {
		t.Errorf("contact 29 = %+v", contact)
	}
	if len(l22.Addresses) != 2 || l22.Addresses[1].AddressType != "postal" || l22.Addresses[1].Attention != "The Foodies" ||
		l22.Addresses[0].ID == l22.Addresses[1].ID {
		t.Errorf("location 22 addresses = %+v", l22.Addresses)
	}
	if l20 := x.locations["20"]; l20.LocationType != resources.LocationVirtual || l20.Latitude != nil {
		t.Errorf("location 20 = %+v", l20)
	}
	if l1 := x.locations["1"]; len(l1.Accessibility) != 4 || l1.Accessibility[0].Description != "Disabled parking" ||
		len(l1.Languages) != 2 || l1.Languages[0].Code != "es" {
		t.Errorf("location 1 = %+v", l1)
	}
	if o8 := x.orgs["8"]; o8.YearIncorporated == nil || *o8.YearIncorporated != 1970 || len(o8.Funding) != 3 ||
		!strings.Contains(o8.Description, "Accreditations: BBB, State Board of Education") || len(o8.Contacts) != 1 || len(o8.Phones) != 1 {
		t.Errorf("organization 8 = %+v", o8)
	}

	again, err := readOhana(fsys, Options{Centroid: everywhere})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(legacySorted(d), legacySorted(again)) {
		t.Error("reading twice gave different records")
	}
}

func TestReadOhanaReferences(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(strings.TrimLeft(s, "\n"))} }
	fsys := fstest.MapFS{
		"organizations.csv": file("id,name\n1,Real\n"),
		"locations.csv": file(`
id,organization_id,name,latitude,longitude,virtual
10,1,Main,37.5,-122.3,false
11,5,Branch - North,,,maybe
12,,Orphan,,,
`),
		"addresses.csv": file("id,location_id,address_1,city,state_province,postal_code,country\n1,11,1 Oak,Redwood City,CA,94063,\n2,99,1 Elm,X,CA,94063,US\n"),
		"services.csv": file(`
id,location_id,name,status,keywords,languages
1,10,Meals,,"food, FOOD, Food",Spanish
2,11,Rides,,,
3,12,Orphaned,,,
4,77,Nowhere,,,
5,,No location,,,
`),
		"regular_schedules.csv": file("id,location_id,service_id,weekday,opens_at,closes_at\n1,,1,1,08:00,17:00\n2,,1,5,08:00,17:00\n3,10,,7,10:00,14:00\n4,,9,Monday,1,2\n5,10,,2,8:00m,5pm\n"),
	}
	d, err := readOhana(fsys, Options{Centroid: legacyFakeCentroid})
	if err != nil {
		t.Fatal(err)
	}
	x := legacyCheckDirectory(t, d)
	if p := x.orgs["5"]; p == nil || p.Name != "Branch" || x.locations["11"].OrganizationID != "5" ||
		x.services["2"] == nil || x.services["2"].OrganizationID != "5" {
		t.Errorf("placeholder: %+v", p)
	}
	if x.services["3"] != nil || x.services["4"] != nil || x.services["5"] != nil {
		t.Error("services with no organization were kept")
	}
	if s := x.services["1"]; len(s.Attributes) != 1 || len(s.Schedules) != 1 || s.Schedules[0].ByDay != "MO,FR" {
		t.Errorf("service 1 = %+v", s)
	}
	if sc := x.locations["10"].Schedules; len(sc) != 2 || sc[0].ByDay != "TU" || sc[0].OpensAt != "" || sc[0].ClosesAt != "17:00" ||
		sc[0].Description != "Hours as given: 8:00m–5pm" || sc[1].ByDay != "SU" {
		t.Errorf("location 10 schedules = %+v", sc)
	}
	if l := x.locations["11"]; l.Latitude != nil || len(l.Addresses) != 1 || l.Addresses[0].Country != "US" {
		t.Errorf("location 11 = %+v", l) // 94063 is not a ZIP the fake knows
	}
	rejected := 0
	for _, p := range d.Problems {
		if p.Rejected {
			rejected++
		}
	}
	if rejected != 5 { // services 3, 4, 5; address 2; schedule 4
		t.Errorf("rejected = %d, want 5: %v", rejected, d.Problems)
	}
}
