package openapi

import (
	"encoding/json"
	"testing"
)

func TestDocumentMerges(t *testing.T) {
	b, err := Document()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI    string         `json:"openapi"`
		Paths      map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI == "" || doc.Components.Schemas["Error"] == nil {
		t.Fatalf("merged document lacks the base: %s", b[:min(300, len(b))])
	}
}
