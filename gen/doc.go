// Package gen makes synthetic but realistic HSDS 3.0 directories, for
// benchmarks and load tests (`refer gen`).
//
// Generate(n, seed) gives n services run by organizations of skewed sizes
// (about 3.5 services each: most run one or two, a few more than twenty),
// each service at one to three of its organization's sites. Sites cluster
// around the centres of 43 large US metros, weighted by population, with a
// normal spread of about 10 km; each address carries a real ZIP code of the
// metro near the point (its centroid is in data.Centroid) and the metro's
// state, which gives the time zone. About 5% of services have no location
// (hotlines, virtual services) and about 10% have a county-sized service
// area polygon, a quarter of those with a hole.
//
// Services are classified by one taxonomy, "AIRS (synthetic)": about 60
// service categories with the AIRS-style codes that refer's needs
// crosswalk reads, plus target-population (Y) terms. Categories come in the
// proportions of a real 211 directory (see categoryWeights); names,
// descriptions and eligibility come from templates in the words case
// managers search for (groceries, rent, eviction, electric bill, shut-off,
// shelter, counseling, …). Phone numbers are 555-01xx numbers, which are
// reserved for fiction; web and e-mail addresses are under example.org.
//
// Everything is drawn from one PCG source seeded with the seed, and ids are
// version 5 uuids of the seed and a counter (taxonomy ids depend on the code
// only), so a seed always gives the same records and the same export, byte
// for byte. Dates count back from a fixed day, not the clock.
package gen
