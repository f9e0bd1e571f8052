package products_test

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/catalog"
)

func TestPreviewSVG(t *testing.T) {
	s := apptest.New(t)
	line, _ := s.Deps.Catalog.Current().Line("shampoo")
	p, _ := line.Best(catalog.Profile{})
	tests := []struct {
		name, code, label string
		status            int
		bad               []string // must not appear raw in the body
	}{
		{"plain name", p.Code, "Maya", http.StatusOK, nil},
		{"no name", p.Code, "", http.StatusOK, nil},
		{"script", p.Code, "<script>alert(1)</script", http.StatusOK, []string{"<script", "</script"}},
		{"quotes and ampersand", p.Code, `"&'<x onload=y>`, http.StatusOK, []string{`"&'`, "<x ", "&'"}},
		{"24 characters", p.Code, strings.Repeat("é", 24), http.StatusOK, nil},
		{"25 characters", p.Code, strings.Repeat("a", 25), http.StatusUnprocessableEntity, nil},
		{"control character", p.Code, "Ma\x00ya", http.StatusUnprocessableEntity, nil},
		{"newline", p.Code, "Ma\nya", http.StatusUnprocessableEntity, nil},
		{"mistyped code", mistyped(p.Code), "Maya", http.StatusNotFound, nil},
	}
	c := s.Client()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/api/v1/products/" + tt.code + "/preview.svg"
			if tt.label != "" {
				path += "?name=" + url.QueryEscape(tt.label)
			}
			r := c.Get(path)
			if r.StatusCode != tt.status {
				t.Fatalf("%d, want %d: %s", r.StatusCode, tt.status, r.Body)
			}
			if tt.status != http.StatusOK {
				if !strings.Contains(r.Header.Get("Content-Type"), "json") || !strings.Contains(r.Body, `"error"`) {
					t.Errorf("error answer %q: %s", r.Header.Get("Content-Type"), r.Body)
				}
				return
			}
			h := r.Header
			if h.Get("Content-Type") != "image/svg+xml" || h.Get("Cache-Control") != "public, max-age=86400" ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("ETag") == "" {
				t.Errorf("headers: %v", h)
			}
			for _, b := range tt.bad {
				if strings.Contains(r.Body, b) {
					t.Errorf("body holds %q raw", b)
				}
			}
			checkXML(t, r.Body, tt.label)
			again := httpGet(t, s, c, path, map[string]string{"If-None-Match": h.Get("ETag")})
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: %d", again.StatusCode)
			}
		})
	}
	t.Run("ETag differs by name", func(t *testing.T) {
		a := c.Get("/api/v1/products/" + p.Code + "/preview.svg?name=Ann").Header.Get("ETag")
		b := c.Get("/api/v1/products/" + p.Code + "/preview.svg?name=Bea").Header.Get("ETag")
		if a == b {
			t.Error("same ETag for two names")
		}
	})
}

// checkXML parses the SVG: well-formed, a single svg root, no script element, and the name (if
// short enough to be printed whole) appears only as text.
func checkXML(t *testing.T, body, name string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(body))
	var text strings.Builder
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = v.Name.Local
			}
			if strings.EqualFold(v.Name.Local, "script") || strings.EqualFold(v.Name.Local, "foreignObject") {
				t.Errorf("element %s in the preview", v.Name.Local)
			}
			for _, a := range v.Attr {
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					t.Errorf("event attribute %s", a.Name.Local)
				}
			}
		case xml.CharData:
			text.Write(v)
		}
	}
	if root != "svg" {
		t.Errorf("root element %q", root)
	}
	if name != "" && len(name) <= 10 && !strings.Contains(text.String(), name) {
		t.Errorf("the name %q is not printed as text", name)
	}
}

func httpGet(t *testing.T, s *apptest.Store, c *apptest.Client, path string, header map[string]string) *apptest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return c.Do(req)
}
