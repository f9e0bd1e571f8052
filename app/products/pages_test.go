package products_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/catalog"
)

func TestRecommendationPage(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	id := completeQuiz(t, c, both)
	r := c.Get("/quiz/" + id + "/products")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%d\n%s", r.StatusCode, r.Body)
	}
	body := html.UnescapeString(r.Body)
	contains(t, body, "Maya, here is what we made for you", "Maya's ", `action="/bag/add"`, `name="quantity"`, `name="size"`,
		`src="/api/v1/products/`, `preview.svg?name=Maya"`, `<ul class="reasons"><li>`)
	if n := strings.Count(body, `class="card product-card"`); n != 3 {
		t.Errorf("%d cards, want 3 (shampoo, conditioner, serum)", n)
	}
	if n := strings.Count(body, `name="_csrf"`); n != 3 {
		t.Errorf("%d add-to-bag forms carry a CSRF token, want 3", n)
	}
	if !regexp.MustCompile(`<img class="bottle" src="[^"]+" width="240" height="360" alt="The bottle: [^"]+">`).MatchString(r.Body) {
		t.Error("preview image lacks a description")
	}
}

var productLink = regexp.MustCompile(`href="/p/([0-9A-Z*~$=]+)"`)

func TestProductPage(t *testing.T) {
	s := apptest.New(t)
	reg := s.Deps.Catalog
	p, cdim, copt := conflicting(t, reg, "serum")
	tests := []struct {
		name, path string
		status     int
		location   string
		wants      []string
	}{
		{"product", "/p/" + p.Code, http.StatusOK, "", []string{
			p.Name, "Reorder code", p.Code, "The formula", "% w/w", "100.00", "Aqua", "On the label", "Packaging",
			"Why we chose each part", "Customise", `action="/p/` + p.Code + `/customize"`, `action="/bag/add"`,
			// an unavailable option is disabled, described, and its reason is visible text
			`value="` + copt + `" disabled aria-describedby="why-` + cdim + `-` + copt + `"`,
			`<div class="why" id="why-` + cdim + `-` + copt + `"><span class="sr-only">Not available: </span>`,
			`name="only" value="` + cdim + `:` + copt + `"`,
		}},
		{"lower-case code redirects", "/p/" + strings.ToLower(p.Code), http.StatusMovedPermanently, "/p/" + p.Code, nil},
		{"mistyped", "/p/" + mistyped(p.Code), http.StatusNotFound, "", []string{"looks mistyped"}},
		{"malformed", "/p/hello!", http.StatusNotFound, "", []string{"looks mistyped"}},
		{"unknown version", "/p/Z" + p.Code[1:], http.StatusNotFound, "", nil},
	}
	c := s.Client()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Get(tt.path)
			if r.StatusCode != tt.status || r.Header.Get("Location") != tt.location {
				t.Fatalf("%d %q, want %d %q\n%s", r.StatusCode, r.Location(), tt.status, tt.location, r.Body)
			}
			contains(t, html.UnescapeString(r.Body), tt.wants...)
		})
	}
	t.Run("the reason shown is the engine's", func(t *testing.T) {
		line, _ := reg.Current().Line("serum")
		av, _ := line.Availability(p.Selection(), catalog.Profile{})
		for _, d := range av {
			for _, o := range d.Options {
				if d.Dimension == cdim && o.Option == copt {
					contains(t, html.UnescapeString(c.Get("/p/"+p.Code).Body), o.Reasons[0])
				}
			}
		}
	})
}

// TestProductPageListsReasons: an option greyed out for several reasons shows them as a list,
// not run together ("Choose at most 3 actives This vitamin C…").
func TestProductPageListsReasons(t *testing.T) {
	s := apptest.New(t)
	line, _ := s.Deps.Catalog.Current().Line("serum")
	p, _ := line.Best(catalog.Profile{})
	av, _ := line.Availability(p.Selection(), catalog.Profile{})
	body := html.UnescapeString(s.Client().Get("/p/" + p.Code).Body)
	found := false
	for _, d := range av {
		for _, o := range d.Options {
			if len(o.Reasons) < 2 {
				continue
			}
			found = true
			var items strings.Builder
			for _, r := range o.Reasons {
				items.WriteString("<li>" + r + "</li>")
			}
			contains(t, body, `id="why-`+d.Dimension+`-`+o.Option+`"><span class="sr-only">Not available: </span><ul>`+items.String()+`</ul></div>`)
		}
	}
	if !found {
		t.Fatal("the serum's best product has no option greyed out for several reasons; pick another product for this test")
	}
}

func TestCustomizePage(t *testing.T) {
	s := apptest.New(t)
	reg := s.Deps.Catalog
	p, cdim, copt := conflicting(t, reg, "serum")
	vdim, vopt := available(t, reg, p)
	// form is what the browser sends when nothing is changed: every dimension as it is
	form := func(change ...string) url.Values {
		f := url.Values{}
		for dim, opts := range p.Selection() {
			f["dims"] = append(f["dims"], dim)
			f["c."+dim] = opts
		}
		for i := 0; i+1 < len(change); i += 2 {
			f.Set(change[i], change[i+1])
		}
		return f
	}
	action := "/p/" + p.Code + "/customize"
	tests := []struct {
		name, path string
		form       url.Values
		status     int
		check      func(t *testing.T, r *apptest.Response)
	}{
		{"valid change", action, form("c."+vdim, vopt), http.StatusSeeOther, func(t *testing.T, r *apptest.Response) {
			code := strings.TrimPrefix(r.Location(), "/p/")
			got, err := reg.Decode(code, catalog.Profile{})
			if err != nil || got.Selection()[vdim][0] != vopt || code == p.Code {
				t.Errorf("redirect to %s: %v, %s=%v", r.Location(), err, vdim, got.Selection()[vdim])
			}
		}},
		{"nothing changed", action, form(), http.StatusSeeOther, func(t *testing.T, r *apptest.Response) {
			if r.Location() != "/p/"+p.Code {
				t.Errorf("redirect to %s", r.Location())
			}
		}},
		{"choose a greyed-out option anyway", action, url.Values{"only": {cdim + ":" + copt}}, http.StatusConflict, checkConflict(reg, cdim, copt)},
		{"two radios that conflict", action, form("c."+cdim, copt), http.StatusConflict, checkConflict(reg, cdim, copt)},
		{"unknown option", action, form("c.fragrance", "durian"), http.StatusUnprocessableEntity, func(t *testing.T, r *apptest.Response) {
			contains(t, r.Body, "durian")
		}},
		{"unknown dimension", action, form("c.glitter", "gold"), http.StatusUnprocessableEntity, nil},
		{"mistyped code", "/p/" + mistyped(p.Code) + "/customize", form(), http.StatusNotFound, func(t *testing.T, r *apptest.Response) {
			contains(t, r.Body, "looks mistyped")
		}},
	}
	c := s.Client()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.PostForm(tt.path, tt.form)
			if r.StatusCode != tt.status {
				t.Fatalf("%d %s, want %d\n%s", r.StatusCode, r.Location(), tt.status, r.Body)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
	t.Run("without the CSRF token", func(t *testing.T) {
		r := c.PostForm(action, url.Values{"_csrf": {"forged"}, "only": {cdim + ":" + copt}})
		if r.StatusCode != http.StatusForbidden {
			t.Fatalf("%d", r.StatusCode)
		}
	})
}

// checkConflict checks the 409 page: the rule in words and a link to a suggestion that keeps
// the requested option.
func checkConflict(reg *catalog.Registry, dim, opt string) func(t *testing.T, r *apptest.Response) {
	return func(t *testing.T, r *apptest.Response) {
		t.Helper()
		contains(t, r.Body, "That change does not fit", `class="conflict-list"`, "The nearest product that keeps your change")
		m := regexp.MustCompile(`<a class="btn btn-primary" href="/p/([0-9A-Z*~$=]+)">Take `).FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatal("no link to the suggestion")
		}
		got, err := reg.Decode(m[1], catalog.Profile{})
		if err != nil || got.Selection()[dim][0] != opt {
			t.Errorf("suggestion %s: %v, %s=%v", m[1], err, dim, got.Selection()[dim])
		}
	}
}

func TestProfileDrivesProductPage(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	id := completeQuiz(t, c, both)
	page := c.Get("/quiz/" + id + "/products").Body
	m := productLink.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no product link")
	}
	mine := html.UnescapeString(c.Get("/p/" + m[1]).Body)
	contains(t, mine, "<h1>Maya's ", "preview.svg?name=Maya", `<p class="reason">`)
	theirs := html.UnescapeString(s.Client().Get("/p/" + m[1]).Body)
	if strings.Contains(theirs, "Maya") {
		t.Error("another visitor sees the first visitor's name")
	}
}

func TestPreviousCatalogVersion(t *testing.T) {
	s := apptest.New(t)
	reg := s.Deps.Catalog
	if len(reg.Versions()) < 2 {
		t.Skip("only one catalog version")
	}
	old, _ := reg.Version(reg.Versions()[0])
	p, err := old.Lines()[0].Best(catalog.Profile{})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Client()
	r := c.Get("/p/" + p.Code)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%d\n%s", r.StatusCode, r.Body)
	}
	contains(t, r.Body, "earlier edition of our catalog")
	if m := regexp.MustCompile(`closest product is <a href="/p/([0-9A-Z*~$=]+)">`).FindStringSubmatch(r.Body); m == nil {
		t.Error("no link to the current edition's closest product")
	} else if got, err := reg.Decode(m[1], catalog.Profile{}); err != nil || got.Version != reg.Current().Version() || got.Line != p.Line {
		t.Errorf("today's product %s: %v, version %s line %s", m[1], err, got.Version, got.Line)
	}
	dim, opt := "", ""
	av, _ := old.Lines()[0].Availability(p.Selection(), catalog.Profile{})
	for _, d := range av {
		for _, o := range d.Options {
			if dim == "" && !d.Pick && o.Available && !o.Selected {
				dim, opt = d.Dimension, o.Option
			}
		}
	}
	r = c.PostForm("/p/"+p.Code+"/customize", url.Values{"c." + dim: {opt}})
	code := strings.TrimPrefix(r.Location(), "/p/")
	got, err := reg.Decode(code, catalog.Profile{})
	if r.StatusCode != http.StatusSeeOther || err != nil || got.Version != p.Version || got.Selection()[dim][0] != opt {
		t.Fatalf("customise an old product: %d %s (%v), version %s", r.StatusCode, r.Location(), err, got.Version)
	}
}
