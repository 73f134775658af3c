package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// hsdsOpenAPI documents the HSDS read API: its paths, and the parameters,
// schemas and tag they use. It is kept beside the code it describes and
// joined into the served document (openapi.json) when the package loads,
// so GET /api/openapi.json describes every route.
//
//go:embed hsds_openapi.json
var hsdsOpenAPI []byte

func init() {
	doc, err := joinOpenAPI(openAPIDocument, hsdsOpenAPI)
	if err != nil {
		panic(fmt.Sprintf("api: hsds_openapi.json: %v", err))
	}
	openAPIDocument = doc
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
