// Package index makes the directory searchable. It is derived from the
// store and can always be rebuilt from it.
//
// Two structures answer a search, each for what it does best (measured in
// ../shared/reference/speed.md and tech.md):
//
//   - Bleve, on disk, for words (English analysis, BM25, an unstemmed field
//     for misspellings);
//   - a catalog kept in memory: one compact entry per place a service is
//     offered, with its point in a grid of cells, its service areas in a
//     grid of bounding boxes (a client inside a polygon is "served"), its
//     need, taxonomy and language sets, ages, cost and compiled hours. Distance, filters, open-now, sorting
//     and facets run over it in microseconds, where Bleve's geo queries take
//     tens of milliseconds at 100k services.
//
// Both hold one document per service_at_location, plus one per service that
// has no location (a hotline, a virtual service). They follow the store's
// change log: the Bleve index records the last sequence number it applied
// with each batch, and the catalog is written to a snapshot file when the
// index closes, so at start-up each replays only what it missed; an index
// that is missing, unreadable, from another version or ahead of the store
// is rebuilt (a missing or unusable snapshot only means the catalog is
// built from the store).
//
// This is the only package that imports Bleve.
package index
