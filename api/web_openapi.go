package api

import (
	"encoding/json"
	"fmt"
)

// withPages joins the pages' part of the OpenAPI document (Pages.OpenAPI)
// to the API's, as the HSDS read API's part is. The search page takes the
// search API's parameters, copied from it here, so the two never differ.
func withPages(doc []byte, pages Pages) []byte {
	if pages == nil {
		return doc
	}
	doc, err := joinOpenAPI(doc, pages.OpenAPI())
	if err == nil {
		doc, err = copySearchParameters(doc)
	}
	if err != nil {
		panic(fmt.Sprintf("api: the pages' OpenAPI document: %v", err))
	}
	return doc
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
