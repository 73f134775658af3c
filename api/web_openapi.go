package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// webOpenAPI documents the web pages, joined into the served document
// (openapi.json) when the package loads, as the HSDS read API's part is.
// The search page takes the search API's parameters, copied from it here,
// so the two never differ.
//
//go:embed web_openapi.json
var webOpenAPI []byte

func init() {
	doc, err := joinOpenAPI(openAPIDocument, webOpenAPI)
	if err == nil {
		doc, err = copySearchParameters(doc)
	}
	if err != nil {
		panic(fmt.Sprintf("api: web_openapi.json: %v", err))
	}
	openAPIDocument = doc
}

// copySearchParameters gives GET / the parameters of GET /api/v1/search.
func copySearchParameters(doc []byte) ([]byte, error) {
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	get := func(path string) map[string]any {
		paths, _ := d["paths"].(map[string]any)
		item, _ := paths[path].(map[string]any)
		op, _ := item["get"].(map[string]any)
		return op
	}
	search, page := get("/api/v1/search"), get("/")
	if search["parameters"] == nil || page == nil {
		return nil, fmt.Errorf("GET /api/v1/search or GET / is missing")
	}
	page["parameters"] = search["parameters"]
	return json.MarshalIndent(d, "", "  ")
}
