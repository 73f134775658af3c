package bolt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// An import writes records parents first in batches; running it again finds
// nothing changed and leaves the change log alone.
func ExampleDB_PutBatch() {
	dir, err := os.MkdirTemp("", "refer")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	ctx := context.Background()

	batch := []resources.Record{
		&resources.Organization{ID: "o1", Name: "Food Bank"},
		&resources.Service{ID: "s1", OrganizationID: "o1", Name: "Pantry", Status: resources.StatusActive},
		&resources.Service{ID: "s2", OrganizationID: "o9", Name: "Meals", Status: resources.StatusActive},
	}
	for range 2 {
		res, err := db.PutBatch(ctx, batch)
		if err != nil {
			panic(err)
		}
		fmt.Printf("created %d, unchanged %d, rejected %d\n", res.Created, res.Unchanged, len(res.Rejected))
		for _, err := range res.Rejected {
			fmt.Println(" ", resources.ErrorCode(err), err)
		}
	}
	changes, _ := db.Changes(ctx, 0, 0)
	for _, c := range changes {
		fmt.Println(c.Seq, c.Kind, c.ID, c.Version)
	}
	// Output:
	// created 2, unchanged 0, rejected 1
	//   invalid service "s2" is invalid (organization_id: names no organization "o9")
	// created 0, unchanged 2, rejected 1
	//   invalid service "s2" is invalid (organization_id: names no organization "o9")
	// 1 organization o1 1
	// 2 service s1 1
}
