package hsds

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// The views are built once, over any Lookup: a directory in memory and the
// store it was loaded into give the same bytes.
func TestViewsSameOverStoreAndDirectory(t *testing.T) {
	ctx := context.Background()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := Load(ctx, db, canonical(t, genDirectory(11, 60)))
	if err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("load: %v %v", err, rep.Rejected)
	}
	// What the store holds (with its last_modified stamps), as a directory.
	d := &Directory{}
	for _, k := range resources.Kinds {
		rs, err := db.List(ctx, k, resources.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d.Records = append(d.Records, rs...)
	}
	mem, store := NewAssembler(indexDirectory(d)), NewAssembler(StoreLookup(ctx, db))
	same := func(what string, a, b any, errA, errB error) {
		t.Helper()
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v %v", what, errA, errB)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			t.Errorf("%s differs:\nmemory: %s\n store: %s", what, ja, jb)
		}
	}
	var sites, withOrgs int
	for _, r := range d.Records {
		switch r := r.(type) {
		case *resources.Service:
			a, errA := mem.Service(r)
			b, errB := store.Service(r)
			same("service "+r.ID, a, b, errA, errB)
			sites += len(b.ServiceAtLocations)
			a, errA = mem.ServiceItem(r)
			b, errB = store.ServiceItem(r)
			same("service item "+r.ID, a, b, errA, errB)
		case *resources.Organization:
			a, errA := mem.Organization(r, true)
			b, errB := store.Organization(r, true)
			same("organization "+r.ID, a, b, errA, errB)
			if len(b.Services) > 0 {
				withOrgs++
			}
		case *resources.ServiceAtLocation:
			a, errA := mem.ServiceAtLocation(r, true)
			b, errB := store.ServiceAtLocation(r, true)
			same("service_at_location "+r.ID, a, b, errA, errB)
			a, errA = mem.ServiceAtLocationItem(r)
			b, errB = store.ServiceAtLocationItem(r)
			same("service_at_location item "+r.ID, a, b, errA, errB)
		case *resources.TaxonomyTerm:
			a, errA := mem.Term(r.ID)
			b, errB := store.Term(r.ID)
			same("term "+r.ID, a, b, errA, errB)
		}
	}
	if sites == 0 || withOrgs == 0 {
		t.Fatalf("a test of nothing: %d sites, %d organizations with services", sites, withOrgs)
	}
}

func TestViewShapes(t *testing.T) {
	d := canonical(t, genDirectory(3, 40))
	x := indexDirectory(d)
	a := NewAssembler(x)
	var checked int
	for _, s := range x.services {
		if s.ProgramID == "" || len(s.Attributes) == 0 {
			continue
		}
		sals, _ := x.Children(resources.KindServiceAtLocation, resources.Ref{Kind: resources.KindService, ID: s.ID})
		if len(sals) == 0 {
			continue
		}
		checked++
		full, err := a.Service(s)
		if err != nil {
			t.Fatal(err)
		}
		if full.Organization == nil || full.Organization.ID != s.OrganizationID || full.Program == nil ||
			len(full.ServiceAtLocations) != len(sals) || full.ServiceAtLocations[0].Location == nil {
			t.Fatalf("full service %s: %+v", s.ID, full)
		}
		for _, at := range full.Attributes {
			if at.TaxonomyTerm == nil || at.TaxonomyTerm.ID != at.TaxonomyTermID {
				t.Errorf("service %s: attribute %s has no term", s.ID, at.ID)
			}
		}
		if !reflect.DeepEqual(s.Attributes[0].TaxonomyTerm, (*resources.TaxonomyTerm)(nil)) {
			t.Errorf("service %s: the record itself was changed", s.ID)
		}

		item, err := a.ServiceItem(s)
		if err != nil {
			t.Fatal(err)
		}
		if item.Phones != nil || item.Attributes != nil || item.ServiceAtLocations != nil || item.Organization == nil ||
			item.Organization.Phones != nil || item.Organization.Attributes != nil || item.Program == nil || item.Program.Attributes != nil {
			t.Errorf("service item %s has children: %+v", s.ID, item)
		}
		if item.Name != s.Name || item.Status != s.Status || item.OrganizationID != s.OrganizationID {
			t.Errorf("service item %s lost its own fields", s.ID)
		}

		sal := sals[0].(*resources.ServiceAtLocation)
		fs, err := a.ServiceAtLocation(sal, true)
		if err != nil {
			t.Fatal(err)
		}
		if fs.Service == nil || fs.Service.ID != s.ID || fs.Service.ServiceAtLocations != nil || fs.Service.Organization == nil || fs.Location == nil {
			t.Errorf("full service_at_location %s: %+v", sal.ID, fs)
		}
		si, err := a.ServiceAtLocationItem(sal)
		if err != nil {
			t.Fatal(err)
		}
		if si.Service == nil || si.Service.Phones != nil || si.Location == nil || si.Location.Addresses != nil || si.Schedules != nil {
			t.Errorf("service_at_location item %s: %+v", sal.ID, si)
		}
	}
	if checked == 0 {
		t.Fatal("no service with a program, attributes and sites")
	}
	for _, o := range x.orgs {
		item := OrganizationItem(o)
		if item.Phones != nil || item.Attributes != nil || item.Name != o.Name {
			t.Errorf("organization item %s: %+v", o.ID, item)
		}
	}
}

// TestStoreOrder: kinds parents first; within a kind, a parent before its
// children, then by id.
func TestStoreOrder(t *testing.T) {
	recs := []resources.Record{
		&resources.Service{ID: "s1"},
		&resources.Organization{ID: "a", ParentOrganizationID: "c"},
		&resources.Organization{ID: "b"},
		&resources.Organization{ID: "c", ParentOrganizationID: "d"},
		&resources.Organization{ID: "d"},
		&resources.ServiceAtLocation{ID: "sal"},
		&resources.TaxonomyTerm{ID: "t2", ParentID: "t3"},
		&resources.TaxonomyTerm{ID: "t3"},
		&resources.Taxonomy{ID: "tx"},
		&resources.Service{ID: "s0"},
	}
	var got []string
	for _, r := range storeOrder(recs) {
		got = append(got, string(r.Kind())+":"+r.RecordID())
	}
	want := "taxonomy:tx taxonomy_term:t3 taxonomy_term:t2 organization:b organization:d organization:c organization:a service:s0 service:s1 service_at_location:sal"
	if strings.Join(got, " ") != want {
		t.Errorf("store order\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}
