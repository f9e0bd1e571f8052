package consult_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"atelier/app/apptest"
)

// TestOpenAPIDocumentsTheQuizAPI checks the served document lists every quiz endpoint with
// its methods and that every schema the quiz fragment refers to exists.
func TestOpenAPIDocumentsTheQuizAPI(t *testing.T) {
	s := apptest.New(t)
	r := s.Client().Get("/api/v1/openapi.json")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: %d", r.StatusCode)
	}
	var doc struct {
		Paths      map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	r.JSON(t, &doc)
	for path, methods := range map[string][]string{
		"/api/v1/quiz/sessions":              {"post"},
		"/api/v1/quiz/sessions/{id}":         {"get"},
		"/api/v1/quiz/sessions/{id}/answers": {"post"},
		"/api/v1/quiz/sessions/{id}/back":    {"post"},
	} {
		for _, m := range methods {
			if doc.Paths[path][m] == nil {
				t.Errorf("%s %s is not documented", strings.ToUpper(m), path)
			}
		}
	}
	for _, ref := range refRe.FindAllStringSubmatch(r.Body, -1) {
		if !strings.HasPrefix(ref[1], "Quiz") && ref[1] != "Error" {
			continue // another area's schema
		}
		if doc.Components.Schemas[ref[1]] == nil {
			t.Errorf("$ref to missing schema %s", ref[1])
		}
	}
}

// TestOpenAPIDocumentsFromLatest checks the merged document describes POST
// /api/v1/quiz/sessions?from=latest (answered by the account area): the query parameter,
// its 401 and 404, and a 201 whose AccountReconsultation schema resolves in the merged
// components; and that the endpoint answers signed out as documented.
func TestOpenAPIDocumentsFromLatest(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	r := c.Get("/api/v1/openapi.json")
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In string
				Schema   struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	r.JSON(t, &doc)
	op := doc.Paths["/api/v1/quiz/sessions"]["post"]
	found := false
	for _, p := range op.Parameters {
		found = found || p.Name == "from" && p.In == "query" && len(p.Schema.Enum) == 1 && p.Schema.Enum[0] == "latest"
	}
	if !found {
		t.Errorf("no query parameter from=latest: %+v", op.Parameters)
	}
	for _, code := range []string{"201", "401", "404"} {
		if op.Responses[code] == nil {
			t.Errorf("response %s is not documented", code)
		}
	}
	if !strings.Contains(string(op.Responses["201"]), "#/components/schemas/AccountReconsultation") {
		t.Errorf("201 does not refer to AccountReconsultation: %s", op.Responses["201"])
	}
	if doc.Components.Schemas["AccountReconsultation"] == nil {
		t.Error("the merged document lacks the AccountReconsultation schema")
	}
	if r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions?from=latest", nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("from=latest signed out: %d, documented 401", r.StatusCode)
	}
}
