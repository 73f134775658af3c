package index

import (
	"slices"
	"strings"

	"github.com/refer-project/refer/resources"
)

// catalog holds every document in memory: by id, by service, and the ones
// with a point in grids (all, and per need). It is not safe for concurrent use; Index
// guards it.
type catalog struct {
	docs      map[string]*Document
	byService map[string][]string
	points    *pointGrid
	areas     *areaGrid
	// unplaced holds the documents with no point (hotlines, virtual
	// services, sites not yet geocoded), which a search near a place scans
	// for the virtual ones.
	unplaced map[string]*Document
	// needBits gives each need code seen a bit of Document.needMask, so a
	// need filter is one AND.
	needBits map[string]uint64
	// needPoints holds, per need, the active documents with a point that
	// serve it: a search or match for a need walks only those, not every
	// site in the radius (a rare need's sites are a few in a hundred).
	needPoints map[string]*pointGrid
	// needVirtual holds, per need, the active documents with no point that
	// serve it, in the order a match lists them (by name, then id), so a
	// match takes the first few instead of sorting them all: virtual
	// services, and sites that cannot be placed (a hotline's or a national
	// program's mailing address, a shelter's confidential one, a PO box),
	// which a client reaches by phone or online as the listing says. A
	// search near a place shows only the virtual ones.
	needVirtual map[string][]*Document
	// needCorePoints and needCoreVirtual are needPoints and needVirtual
	// of the documents that serve the need at its core (CoreNeeds).
	needCorePoints  map[string]*pointGrid
	needCoreVirtual map[string][]*Document
	shared          *sharer
}

func newCatalog() *catalog {
	return &catalog{
		docs:            map[string]*Document{},
		byService:       map[string][]string{},
		points:          newPointGrid(),
		areas:           newAreaGrid(),
		unplaced:        map[string]*Document{},
		needBits:        map[string]uint64{},
		needPoints:      map[string]*pointGrid{},
		needVirtual:     map[string][]*Document{},
		needCorePoints:  map[string]*pointGrid{},
		needCoreVirtual: map[string][]*Document{},
		shared:          newSharer(),
	}
}

// maskOf returns the bits of the needs; ok is false when none of them is
// known (so nothing can match).
func (c *catalog) maskOf(needs []string) (mask uint64, ok bool) {
	for _, n := range needs {
		mask |= c.needBits[n]
	}
	return mask, mask != 0
}

// add puts a document in (replacing one with the same id).
func (c *catalog) add(d *Document) {
	if old := c.docs[d.ID]; old != nil {
		c.remove(d.ID)
	}
	// Keywords (term names, alternate and place names) are for Bleve, which
	// has them by now: dropping them saves a fifth of a document's memory.
	d.Keywords = ""
	var sibling *Document
	if ids := c.byService[d.ServiceID]; len(ids) > 0 {
		sibling = c.docs[ids[0]]
	}
	c.shared.share(d, sibling)
	c.docs[d.ID] = d
	c.byService[d.ServiceID] = append(c.byService[d.ServiceID], d.ID)
	d.needMask = 0
	for _, n := range d.Needs {
		bit, ok := c.needBits[n]
		if !ok && len(c.needBits) < 64 {
			bit = 1 << len(c.needBits)
			c.needBits[n] = bit
		}
		d.needMask |= bit
	}
	d.coreMask = 0
	for _, n := range d.CoreNeeds {
		d.coreMask |= c.needBits[n]
	}
	d.active = d.Status == resources.StatusActive || d.Status == ""
	if d.HasPoint {
		c.points.add(d)
		if d.active {
			for _, n := range d.Needs {
				g := c.needPoints[n]
				if g == nil {
					g = newPointGrid()
					c.needPoints[n] = g
				}
				g.add(d)
			}
			for _, n := range d.CoreNeeds {
				g := c.needCorePoints[n]
				if g == nil {
					g = newPointGrid()
					c.needCorePoints[n] = g
				}
				g.add(d)
			}
		}
	} else {
		c.unplaced[d.ID] = d
		if d.active {
			for _, n := range d.Needs {
				c.needVirtual[n] = insertByName(c.needVirtual[n], d)
			}
			for _, n := range d.CoreNeeds {
				c.needCoreVirtual[n] = insertByName(c.needCoreVirtual[n], d)
			}
		}
	}
	c.areas.add(d)
}

func insertByName(list []*Document, d *Document) []*Document {
	i, _ := slices.BinarySearchFunc(list, d, byNameThenID)
	return slices.Insert(list, i, d)
}

func removeByName(list []*Document, d *Document) []*Document {
	if i, found := slices.BinarySearchFunc(list, d, byNameThenID); found {
		return slices.Delete(list, i, i+1)
	}
	return list
}

func byNameThenID(a, b *Document) int {
	if c := compareFold(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
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
		c.points.remove(d)
		if d.active {
			for _, n := range d.Needs {
				if g := c.needPoints[n]; g != nil {
					g.remove(d)
				}
			}
			for _, n := range d.CoreNeeds {
				if g := c.needCorePoints[n]; g != nil {
					g.remove(d)
				}
			}
		}
	}
	delete(c.unplaced, id)
	if d.active && !d.HasPoint {
		for _, n := range d.Needs {
			c.needVirtual[n] = removeByName(c.needVirtual[n], d)
		}
		for _, n := range d.CoreNeeds {
			c.needCoreVirtual[n] = removeByName(c.needCoreVirtual[n], d)
		}
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
