package hsdsapi

import _ "embed"

//go:embed openapi.json
var openAPI []byte

// OpenAPI documents the HSDS read API: its paths, and the parameters,
// schemas and tag they use. The hosting server joins it into the document
// it serves at /api/openapi.json, so that describes every route.
func OpenAPI() []byte { return openAPI }
