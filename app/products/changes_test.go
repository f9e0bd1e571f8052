package products

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"atelier/app/web"
	"atelier/catalog"
)

func TestFormChanges(t *testing.T) {
	current := catalog.Selection{"base": {"water"}, "actives": {"niacinamide", "zinc_pca"}, "size": {"ml30"}}
	pick := map[string]bool{"actives": true}
	tests := []struct {
		name string
		form url.Values
		want catalog.Selection
	}{
		{"nothing changed", url.Values{"dims": {"base", "actives"}, "c.base": {"water"}, "c.actives": {"zinc_pca", "niacinamide"}}, catalog.Selection{}},
		{"one radio", url.Values{"dims": {"base", "size"}, "c.base": {"milky"}, "c.size": {"ml30"}}, catalog.Selection{"base": {"milky"}}},
		{"every checkbox unticked", url.Values{"dims": {"actives"}}, catalog.Selection{"actives": {}}},
		{"a checkbox added", url.Values{"dims": {"actives"}, "c.actives": {"niacinamide", "zinc_pca", "caffeine"}}, catalog.Selection{"actives": {"niacinamide", "zinc_pca", "caffeine"}}},
		{"unknown dimension passes through", url.Values{"c.glitter": {"gold"}}, catalog.Selection{"glitter": {"gold"}}},
		{"choose anyway, single", url.Values{"only": {"size:ml100"}, "c.base": {"milky"}}, catalog.Selection{"size": {"ml100"}}},
		{"choose anyway, pick adds", url.Values{"only": {"actives:vitamin_c"}}, catalog.Selection{"actives": {"niacinamide", "zinc_pca", "vitamin_c"}}},
		{"choose anyway, pick already there", url.Values{"only": {"actives:zinc_pca"}}, catalog.Selection{"actives": {"niacinamide", "zinc_pca"}}},
		{"choose anyway without a colon", url.Values{"only": {"size"}}, catalog.Selection{"size": {""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := formChanges(tt.form, current, pick)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if len(current["actives"]) != 2 {
		t.Error("formChanges modified the current selection")
	}
}

func TestCustomizeRequestSelection(t *testing.T) {
	tests := []struct {
		name, body string
		want       catalog.Selection
		field      string // the field a 422 names, "" for success
	}{
		{"option", `{"changes":{"fragrance":"unscented"}}`, catalog.Selection{"fragrance": {"unscented"}}, ""},
		{"list", `{"changes":{"actives":["a","b"]}}`, catalog.Selection{"actives": {"a", "b"}}, ""},
		{"empty list", `{"changes":{"actives":[]}}`, catalog.Selection{"actives": {}}, ""},
		{"number", `{"changes":{"fragrance":3}}`, nil, "fragrance"},
		{"null", `{"changes":{"fragrance":null}}`, nil, "fragrance"},
		{"object", `{"changes":{"fragrance":{"x":1}}}`, nil, "fragrance"},
		{"list of numbers", `{"changes":{"actives":[1]}}`, nil, "actives"},
		{"no changes", `{"changes":{}}`, nil, "changes"},
		{"missing changes", `{}`, nil, "changes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req customizeRequest
			if err := json.Unmarshal([]byte(tt.body), &req); err != nil {
				t.Fatal(err)
			}
			got, err := req.selection()
			var we *web.Error
			switch {
			case tt.field == "" && (err != nil || !reflect.DeepEqual(got, tt.want)):
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			case tt.field != "" && (!errors.As(err, &we) || we.Status != http.StatusUnprocessableEntity || we.Fields[tt.field] == ""):
				t.Errorf("error %v, want a 422 naming %s", err, tt.field)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"", true}, {"Maya", true}, {"Zoë-Anne O'Neil", true}, {"<script>&\"", true},
		{"123456789012345678901234", true}, {"1234567890123456789012345", false},
		{"ééééééééééééééééééééééééé", false}, {"tab\there", false}, {"nul\x00", false}, {"\u0085next", false},
		{"bad \xff utf8", false},
	}
	for _, tt := range tests {
		if got := validName(tt.name) == ""; got != tt.ok {
			t.Errorf("validName(%q) ok = %v, want %v", tt.name, got, tt.ok)
		}
	}
}

func TestPreviewURL(t *testing.T) {
	tests := []struct{ code, name, want string }{
		{"2519HRP", "", "/api/v1/products/2519HRP/preview.svg"},
		{"211XB6*", "Maya", "/api/v1/products/211XB6*/preview.svg?name=Maya"},
		{"2519HRP", "A&B <x>", "/api/v1/products/2519HRP/preview.svg?name=A%26B+%3Cx%3E"},
		{"2519HRP", "far too long a name for any label", "/api/v1/products/2519HRP/preview.svg"},
	}
	for _, tt := range tests {
		if got := PreviewURL(tt.code, tt.name); got != tt.want {
			t.Errorf("PreviewURL(%q, %q) = %q, want %q", tt.code, tt.name, got, tt.want)
		}
	}
}

// FuzzCustomizeRequest: any body either binds to a selection or is a 422, never a panic.
func FuzzCustomizeRequest(f *testing.F) {
	for _, s := range []string{`{"changes":{"a":"b"}}`, `{"changes":{"a":["b","c"]}}`, `{"changes":{"a":null}}`, `{"changes":[]}`, `{}`, `[`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var req customizeRequest
		if json.Unmarshal([]byte(body), &req) != nil {
			return
		}
		sel, err := req.selection()
		if err == nil && len(sel) == 0 {
			t.Fatalf("%q: no error and no changes", body)
		}
	})
}
