// Package openapi assembles the store's OpenAPI 3 document from one fragment per API area
// (quiz.json, catalog.json, orders.json, …), so each area documents itself beside the others.
package openapi

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed *.json
var fragments embed.FS

// Document returns the merged OpenAPI document as JSON. base.json gives the top level; every
// other fragment contributes "paths" and "components.schemas". A path or schema defined twice
// is an error.
func Document() ([]byte, error) {
	var doc map[string]any
	b, err := fragments.ReadFile("base.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("base.json: %w", err)
	}
	paths := map[string]any{}
	schemas := map[string]any{}
	names, _ := fs.Glob(fragments, "*.json")
	sort.Strings(names)
	for _, name := range names {
		if name == "base.json" {
			continue
		}
		var frag struct {
			Paths      map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		b, _ := fragments.ReadFile(name)
		if err := json.Unmarshal(b, &frag); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for p, v := range frag.Paths {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("%s: path %s is defined twice", name, p)
			}
			paths[p] = v
		}
		for s, v := range frag.Components.Schemas {
			if _, dup := schemas[s]; dup {
				return nil, fmt.Errorf("%s: schema %s is defined twice", name, s)
			}
			schemas[s] = v
		}
	}
	doc["paths"] = paths
	comps, _ := doc["components"].(map[string]any)
	if comps == nil {
		comps = map[string]any{}
	}
	if base, ok := comps["schemas"].(map[string]any); ok {
		for s, v := range base {
			schemas[s] = v
		}
	}
	comps["schemas"] = schemas
	doc["components"] = comps
	return json.MarshalIndent(doc, "", "  ")
}
