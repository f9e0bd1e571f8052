package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Page is the part of every page's view that the layout needs. A page's view struct embeds
// Page; Render fills it in.
type Page struct {
	Title       string
	Description string
	// CSRF is the form token; every state-changing form posts it as _csrf.
	CSRF string
	// Demo is true while payments run in demo mode; the layout shows a banner.
	Demo bool
	// Path is the request path, for navigation highlighting.
	Path string
	// Flash is a one-time message shown at the top of the page.
	Flash string
	// Customer and Staff are the signed-in people, if any.
	Customer *Viewer
	Staff    *Viewer
	// BagCount is the number of items in the visitor's bag.
	BagCount int
	Now      time.Time
}

// Viewer is a signed-in person as pages show them.
type Viewer struct {
	ID    uint
	Name  string
	Email string
	Role  string
}

func (p *Page) base() *Page { return p }

// View is any page view: a struct that embeds Page.
type View interface{ base() *Page }

// Renderer executes the embedded templates: each page is parsed once at start-up together
// with the layout and the partials. In dev mode it re-reads them from disk on every render.
type Renderer struct {
	Demo   bool
	Assets *Assets
	Now    func() time.Time

	decorators []func(c echo.Context, p *Page)
	src        fs.FS
	dev        bool
	pages      map[string]*template.Template
}

// NewRenderer parses every template under pages/ in src with layout.html and partials/*.html.
// With dev set it re-parses on each render, so template edits show without a rebuild.
func NewRenderer(src fs.FS, assets *Assets, dev bool) (*Renderer, error) {
	r := &Renderer{src: src, dev: dev, Assets: assets, Now: time.Now}
	pages, err := r.parse()
	if err != nil {
		return nil, err
	}
	r.pages = pages
	return r, nil
}

func (r *Renderer) parse() (map[string]*template.Template, error) {
	base := template.New("layout").Funcs(Funcs(r.Assets))
	if _, err := base.ParseFS(r.src, "layout.html"); err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	if partials, _ := fs.Glob(r.src, "partials/*.html"); len(partials) > 0 {
		if _, err := base.ParseFS(r.src, partials...); err != nil {
			return nil, fmt.Errorf("parse partials: %w", err)
		}
	}
	pages := map[string]*template.Template{}
	err := fs.WalkDir(r.src, "pages", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := t.ParseFS(r.src, p); err != nil {
			return fmt.Errorf("parse %s: %w", p, err)
		}
		pages[strings.TrimSuffix(strings.TrimPrefix(p, "pages/"), ".html")] = t
		return nil
	})
	return pages, err
}

// Render writes page name (its path under pages/ without .html, e.g. "quiz/question") with
// view, after filling view's Page from the request.
func (r *Renderer) Render(c echo.Context, status int, name string, view View) error {
	p := view.base()
	if tok, ok := c.Get(CSRFContextKey).(string); ok {
		p.CSRF = tok
	}
	p.Demo = r.Demo
	p.Path = c.Request().URL.Path
	p.Now = r.Now()
	for _, d := range r.decorators {
		d(c, p)
	}
	pages := r.pages
	if r.dev {
		fresh, err := r.parse()
		if err != nil {
			return err
		}
		pages = fresh
	}
	t, ok := pages[name]
	if !ok {
		return fmt.Errorf("render: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", view); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// AddDecorator registers a function that fills per-request parts of every Page (the
// signed-in customer, staff member, bag count). Call it while building the server only.
func (r *Renderer) AddDecorator(fn func(c echo.Context, p *Page)) {
	r.decorators = append(r.decorators, fn)
}

// Has reports whether a page template exists.
func (r *Renderer) Has(name string) bool {
	_, ok := r.pages[name]
	return ok
}

// CSRFContextKey is where the CSRF middleware leaves the form token.
const CSRFContextKey = "csrf"

// Funcs are the helpers every template may call.
func Funcs(a *Assets) template.FuncMap {
	return template.FuncMap{
		"asset": func(p string) string { return a.URL(p) },
		"money": Money,
		"percent": func(bp int) string {
			return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%02d", bp/100, bp%100), "0"), ".") + "%"
		},
		"add":   func(a, b int) int { return a + b },
		"sub":   func(a, b int) int { return a - b },
		"mul":   func(a, b int) int { return a * b },
		"join":  strings.Join,
		"lower": strings.ToLower,
		"title": func(s string) string {
			s = strings.ReplaceAll(s, "_", " ")
			if s == "" {
				return s
			}
			return strings.ToUpper(s[:1]) + s[1:]
		},
		"date": func(t time.Time) string { return t.Format("2 Jan 2006") },
		"datetime": func(t time.Time) string {
			return t.Format("2 Jan 2006, 15:04")
		},
		"pathEscape": func(s string) string { return path.Clean("/" + s)[1:] },
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i
			}
			return out
		},
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"statusText": http.StatusText,
	}
}

// Money formats an amount in cents of a currency, e.g. Money(4200, "usd") = "$42.00".
func Money(cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	sym := map[string]string{"usd": "$", "eur": "€", "gbp": "£"}[strings.ToLower(currency)]
	if sym == "" {
		return fmt.Sprintf("%s%d.%02d %s", sign, cents/100, cents%100, strings.ToUpper(currency))
	}
	return fmt.Sprintf("%s%s%d.%02d", sign, sym, cents/100, cents%100)
}
