package products_test

import (
	"encoding/json"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/catalog"
)

type productOut struct {
	Code       string `json:"code"`
	Line       string `json:"line"`
	Name       string `json:"name"`
	PriceCents int64  `json:"price_cents"`
	Currency   string `json:"currency"`
	Choices    []struct {
		Dimension string   `json:"dimension"`
		Options   []string `json:"options"`
		Reasons   []string `json:"reasons"`
	} `json:"choices"`
	Formula []struct {
		INCI    string          `json:"inci"`
		Percent catalog.Percent `json:"percent"`
	} `json:"formula"`
	Packaging  catalog.Packaging `json:"packaging"`
	PreviewURL string            `json:"preview_url"`
}

// engines runs fn on a SQLite store and on a PostgreSQL one (skipped without
// ATELIER_TEST_DATABASE_URL): the consultation is read from the database.
func engines(t *testing.T, fn func(t *testing.T, s *apptest.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, apptest.New(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, apptest.NewPostgres(t)) })
}

func TestRecommendationAPI(t *testing.T) { engines(t, testRecommendationAPI) }

func testRecommendationAPI(t *testing.T, s *apptest.Store) {
	tests := []struct {
		name      string
		overrides map[string]any
		lines     []string
	}{
		{"first options (hair, shampoo)", nil, []string{"shampoo"}},
		{"hair and skin", both, []string{"shampoo", "conditioner", "serum"}},
		{"skin only", map[string]any{"focus": "skin", "skin_lines": []string{"cleanser", "moisturiser"}}, []string{"cleanser", "moisturiser"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := s.Client()
			id := completeQuiz(t, c, tt.overrides)
			r := c.JSON(http.MethodGet, "/api/v1/quiz/sessions/"+id+"/recommendation", nil)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("recommendation: %d %s", r.StatusCode, r.Body)
			}
			var out struct {
				Profile  catalog.Profile `json:"profile"`
				Products []productOut    `json:"products"`
			}
			r.JSON(t, &out)
			if out.Profile.Name != "Maya" {
				t.Errorf("profile name = %q", out.Profile.Name)
			}
			var lines []string
			for _, p := range out.Products {
				lines = append(lines, p.Line)
				checkProduct(t, s, p)
			}
			if !slices.Equal(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}
		})
	}
}

// checkProduct checks what every product the API sends must carry.
func checkProduct(t *testing.T, s *apptest.Store, p productOut) {
	t.Helper()
	if !strings.HasPrefix(p.Name, "Maya's ") || p.PriceCents <= 0 || p.Currency == "" {
		t.Errorf("%s: name %q price %d %s", p.Code, p.Name, p.PriceCents, p.Currency)
	}
	if p.PreviewURL != "/api/v1/products/"+p.Code+"/preview.svg?name=Maya" {
		t.Errorf("%s: preview_url = %q", p.Code, p.PreviewURL)
	}
	var sum catalog.Percent
	for _, f := range p.Formula {
		sum += f.Percent
	}
	if sum != 10000 {
		t.Errorf("%s: formula sums to %s, want 100.00", p.Code, sum)
	}
	reasons := 0
	for _, ch := range p.Choices {
		reasons += len(ch.Reasons)
	}
	if reasons == 0 || len(p.Choices) == 0 {
		t.Errorf("%s: %d choices, %d reasons", p.Code, len(p.Choices), reasons)
	}
	if d, err := s.Deps.Catalog.Decode(p.Code, catalog.Profile{}); err != nil || d.Line != p.Line {
		t.Errorf("%s does not decode to its line: %v", p.Code, err)
	}
	if p.Packaging.Shape == "" || p.Packaging.SizeML == 0 {
		t.Errorf("%s: packaging %+v", p.Code, p.Packaging)
	}
}

func TestRecommendationOwnership(t *testing.T) { engines(t, testRecommendationOwnership) }

func testRecommendationOwnership(t *testing.T, s *apptest.Store) {
	owner := s.Client()
	done := completeQuiz(t, owner, nil)
	unfinished := startQuiz(t, owner)
	stranger := s.Client()
	stranger.Get("/")
	tests := []struct {
		name     string
		c        *apptest.Client
		path     string
		status   int
		location string
	}{
		{"stranger, API", stranger, "/api/v1/quiz/sessions/" + done + "/recommendation", http.StatusNotFound, ""},
		{"stranger, page", stranger, "/quiz/" + done + "/products", http.StatusNotFound, ""},
		{"unknown id, API", owner, "/api/v1/quiz/sessions/nope/recommendation", http.StatusNotFound, ""},
		{"unfinished, API", owner, "/api/v1/quiz/sessions/" + unfinished + "/recommendation", http.StatusConflict, ""},
		{"unfinished, page", owner, "/quiz/" + unfinished + "/products", http.StatusSeeOther, "/quiz/" + unfinished},
		{"owner, page", owner, "/quiz/" + done + "/products", http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *apptest.Response
			if strings.HasPrefix(tt.path, "/api/") {
				r = tt.c.JSON(http.MethodGet, tt.path, nil)
			} else {
				r = tt.c.Get(tt.path)
			}
			if r.StatusCode != tt.status || r.Header.Get("Location") != tt.location {
				t.Fatalf("%d %q, want %d %q\n%s", r.StatusCode, r.Location(), tt.status, tt.location, r.Body)
			}
			if tt.status == http.StatusConflict {
				var e struct{ Error string }
				r.JSON(t, &e)
				if !strings.Contains(e.Error, "not finished") {
					t.Errorf("409 says %q", e.Error)
				}
			}
		})
	}
}

func TestCustomizeAPI(t *testing.T) {
	s := apptest.New(t)
	reg := s.Deps.Catalog
	p, cdim, copt := conflicting(t, reg, "serum")
	vdim, vopt := available(t, reg, p)
	base := "/api/v1/products/" + p.Code + "/customize"
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		check  func(t *testing.T, r *apptest.Response)
	}{
		{"valid change", base, map[string]any{"changes": map[string]any{vdim: vopt}}, http.StatusOK, func(t *testing.T, r *apptest.Response) {
			var out productOut
			r.JSON(t, &out)
			got, err := reg.Decode(out.Code, catalog.Profile{})
			if err != nil || out.Code == p.Code || !slices.Equal(got.Selection()[vdim], []string{vopt}) {
				t.Errorf("new code %s decodes to %v (%v), want %s=%s", out.Code, got.Selection()[vdim], err, vdim, vopt)
			}
		}},
		{"conflict", base, map[string]any{"changes": map[string]any{cdim: copt}}, http.StatusConflict, func(t *testing.T, r *apptest.Response) {
			var out struct {
				Error      string
				Conflicts  []catalog.Conflict
				Suggestion struct{ Code string }
			}
			r.JSON(t, &out)
			if out.Error == "" || len(out.Conflicts) == 0 || out.Conflicts[0].Message == "" {
				t.Errorf("conflict body: %s", r.Body)
			}
			got, err := reg.Decode(out.Suggestion.Code, catalog.Profile{})
			if err != nil || !slices.Equal(got.Selection()[cdim], []string{copt}) {
				t.Errorf("suggestion %q: %v, keeps %v", out.Suggestion.Code, err, got.Selection()[cdim])
			}
		}},
		{"unknown option", base, map[string]any{"changes": map[string]any{"fragrance": "durian"}}, http.StatusUnprocessableEntity, nil},
		{"unknown dimension", base, map[string]any{"changes": map[string]any{"glitter": "gold"}}, http.StatusUnprocessableEntity, nil},
		{"list for picks", base, map[string]any{"changes": map[string]any{"actives": []string{"niacinamide", "nope"}}}, http.StatusUnprocessableEntity, nil},
		{"value of the wrong type", base, map[string]any{"changes": map[string]any{"fragrance": 3}}, http.StatusUnprocessableEntity, nil},
		{"null value", base, map[string]any{"changes": map[string]any{"fragrance": nil}}, http.StatusUnprocessableEntity, nil},
		{"no changes", base, map[string]any{"changes": map[string]any{}}, http.StatusUnprocessableEntity, nil},
		{"malformed JSON", base, `{"changes":`, http.StatusBadRequest, nil},
		{"mistyped code", "/api/v1/products/" + mistyped(p.Code) + "/customize", map[string]any{"changes": map[string]any{vdim: vopt}}, http.StatusNotFound, func(t *testing.T, r *apptest.Response) {
			contains(t, r.Body, "mistyped")
		}},
		{"malformed code", "/api/v1/products/!!/customize", map[string]any{"changes": map[string]any{vdim: vopt}}, http.StatusNotFound, func(t *testing.T, r *apptest.Response) {
			contains(t, r.Body, "mistyped")
		}},
	}
	c := s.Client()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.JSON(http.MethodPost, tt.path, tt.body)
			if r.StatusCode != tt.status {
				t.Fatalf("%d, want %d: %s", r.StatusCode, tt.status, r.Body)
			}
			var e struct{ Error string }
			if r.StatusCode >= 400 {
				r.JSON(t, &e)
				if e.Error == "" {
					t.Errorf("error without a message: %s", r.Body)
				}
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestProductAPI(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	completeQuiz(t, c, both)
	line, _ := s.Deps.Catalog.Current().Line("shampoo")
	p, _ := line.Best(catalog.Profile{})
	tests := []struct {
		name, code string
		status     int
		want       string
	}{
		{"canonical", p.Code, http.StatusOK, `"name":"Maya's `},
		{"lower case with hyphen", strings.ToLower(p.Code[:3]) + "-" + p.Code[3:], http.StatusOK, `"code":"` + p.Code + `"`},
		{"mistyped", mistyped(p.Code), http.StatusNotFound, "mistyped"},
		{"too short", "2", http.StatusNotFound, "mistyped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.JSON(http.MethodGet, "/api/v1/products/"+tt.code, nil)
			if r.StatusCode != tt.status {
				t.Fatalf("%d, want %d: %s", r.StatusCode, tt.status, r.Body)
			}
			contains(t, r.Body, tt.want)
			if tt.status == http.StatusOK {
				var out productOut
				r.JSON(t, &out)
				checkProduct(t, s, out)
			}
		})
	}
}

func TestCatalogAPI(t *testing.T) {
	s := apptest.New(t)
	r := s.Client().JSON(http.MethodGet, "/api/v1/catalog", nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var out struct {
		Lines []struct {
			ID            string
			ValidVariants json.Number `json:"valid_variants"`
			Dimensions    []struct {
				ID      string
				Options []struct {
					ID              string
					PriceDeltaCents *int64 `json:"price_delta_cents"`
				}
			}
		}
		TotalValidVariants json.Number `json:"total_valid_variants"`
	}
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	sum := new(big.Int)
	for _, l := range out.Lines {
		n, ok := new(big.Int).SetString(string(l.ValidVariants), 10)
		if !ok || n.Sign() <= 0 || len(l.Dimensions) == 0 || len(l.Dimensions[0].Options) == 0 || l.Dimensions[0].Options[0].PriceDeltaCents == nil {
			t.Errorf("line %s: variants %q, dimensions %v", l.ID, l.ValidVariants, l.Dimensions)
			continue
		}
		sum.Add(sum, n)
	}
	if string(out.TotalValidVariants) != sum.String() || sum.Cmp(s.Deps.Catalog.Current().Total()) != 0 || sum.Cmp(big.NewInt(300000)) < 0 {
		t.Errorf("total_valid_variants = %s, lines sum to %s, catalog says %s", out.TotalValidVariants, sum, s.Deps.Catalog.Current().Total())
	}
}

func TestOpenAPIDocumentsProducts(t *testing.T) {
	s := apptest.New(t)
	r := s.Client().JSON(http.MethodGet, "/api/v1/openapi.json", nil)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	r.JSON(t, &doc)
	for path, method := range map[string]string{
		"/api/v1/catalog": "get",
		"/api/v1/quiz/sessions/{id}/recommendation": "get",
		"/api/v1/products/{code}":                   "get",
		"/api/v1/products/{code}/customize":         "post",
		"/api/v1/products/{code}/preview.svg":       "get",
	} {
		if doc.Paths[path][method] == nil {
			t.Errorf("%s %s is not documented", method, path)
		}
	}
}
