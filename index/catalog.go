package index

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/quadtree"
)

// catalog holds every document in memory: by id, by service, and the ones
// with a point in a quadtree. It is not safe for concurrent use; Index
// guards it.
type catalog struct {
	docs      map[string]*Document
	byService map[string][]string
	points    *quadtree.Quadtree
	areas     *areaGrid
}

// placed lets a document sit in the quadtree.
type placed struct{ d *Document }

func (p placed) Point() orb.Point { return p.d.Point }

var world = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}

func newCatalog() *catalog {
	return &catalog{
		docs:      map[string]*Document{},
		byService: map[string][]string{},
		points:    quadtree.New(world),
		areas:     newAreaGrid(),
	}
}

// add puts a document in (replacing one with the same id).
func (c *catalog) add(d *Document) {
	if old := c.docs[d.ID]; old != nil {
		c.remove(d.ID)
	}
	c.docs[d.ID] = d
	c.byService[d.ServiceID] = append(c.byService[d.ServiceID], d.ID)
	if d.HasPoint {
		// Validation keeps points inside the world; Add fails only outside.
		_ = c.points.Add(placed{d})
	}
	c.areas.add(d)
}

// remove takes a document out; it does nothing for an unknown id.
func (c *catalog) remove(id string) {
	d := c.docs[id]
	if d == nil {
		return
	}
	delete(c.docs, id)
	ids := c.byService[d.ServiceID]
	for i, x := range ids {
		if x == id {
			ids = append(ids[:i], ids[i+1:]...)
			break
		}
	}
	if len(ids) == 0 {
		delete(c.byService, d.ServiceID)
	} else {
		c.byService[d.ServiceID] = ids
	}
	if d.HasPoint {
		c.points.Remove(placed{d}, func(p orb.Pointer) bool { return p.(placed).d == d })
	}
	c.areas.remove(d)
}

// removeService takes out every document of a service and returns their ids.
func (c *catalog) removeService(serviceID string) []string {
	ids := append([]string(nil), c.byService[serviceID]...)
	for _, id := range ids {
		c.remove(id)
	}
	return ids
}

// servicesWhere returns the ids of services with a document that matches.
func (c *catalog) servicesWhere(match func(*Document) bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range c.docs {
		if !seen[d.ServiceID] && match(d) {
			seen[d.ServiceID] = true
			out = append(out, d.ServiceID)
		}
	}
	return out
}
