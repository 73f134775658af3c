package api

import (
	"encoding/json"
	"fmt"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/hsdsapi"
)

// The server hosts three faces behind the same middleware and error
// handler: the contract API (this package), the HSDS read API (package
// hsdsapi) and the web pages (Config.Pages). Each keeps its own routes and
// its own part of the OpenAPI document; this file joins them.

// The HSDS read API's part is joined into the served document
// (openapi.json) when the package loads, so GET /api/openapi.json
// describes every route.
func init() {
	doc, err := joinOpenAPI(openAPIDocument, hsdsapi.OpenAPI())
	if err != nil {
		panic(fmt.Sprintf("api: hsdsapi's openapi.json: %v", err))
	}
	openAPIDocument = doc
}

// hsdsRoutes serves the HSDS read API at g (/api/hsds).
func (s *Server) hsdsRoutes(g *echo.Group) {
	hsdsapi.New(s.store, s.index).Routes(g)
}

// joinOpenAPI adds part's paths, tags and components to doc. A name that
// doc already has is an error: the part adds, it never replaces.
func joinOpenAPI(doc, part []byte) ([]byte, error) {
	var d, p map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(part, &p); err != nil {
		return nil, err
	}
	add := func(into map[string]any, key string, from any) error {
		m, _ := from.(map[string]any)
		dst, _ := into[key].(map[string]any)
		if dst == nil {
			dst = map[string]any{}
			into[key] = dst
		}
		for k, v := range m {
			if _, dup := dst[k]; dup {
				return fmt.Errorf("%s %q is already in the document", key, k)
			}
			dst[k] = v
		}
		return nil
	}
	if err := add(d, "paths", p["paths"]); err != nil {
		return nil, err
	}
	comps, _ := d["components"].(map[string]any)
	if comps == nil {
		comps = map[string]any{}
		d["components"] = comps
	}
	pc, _ := p["components"].(map[string]any)
	for section, v := range pc {
		if err := add(comps, section, v); err != nil {
			return nil, err
		}
	}
	if tags, ok := p["tags"].([]any); ok {
		existing, _ := d["tags"].([]any)
		d["tags"] = append(existing, tags...)
	}
	return json.MarshalIndent(d, "", "  ")
}
