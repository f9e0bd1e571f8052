package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"
)

func TestMoney(t *testing.T) {
	tests := []struct {
		cents    int64
		currency string
		want     string
	}{
		{4200, "usd", "$42.00"},
		{5, "usd", "$0.05"},
		{-1999, "USD", "-$19.99"},
		{123456, "eur", "€1234.56"},
		{100, "chf", "1.00 CHF"},
	}
	for _, tt := range tests {
		if got := Money(tt.cents, tt.currency); got != tt.want {
			t.Errorf("Money(%d, %q) = %q, want %q", tt.cents, tt.currency, got, tt.want)
		}
	}
}

func TestBindJSON(t *testing.T) {
	type target struct {
		Name string `json:"name"`
		N    int    `json:"n"`
	}
	tests := []struct {
		name, body string
		status     int
		msg        string
	}{
		{name: "ok", body: `{"name":"a","n":2,"price_cents":1}`},
		{name: "empty", body: ``, status: 400, msg: "empty"},
		{name: "malformed", body: `{"name":`, status: 400, msg: "malformed"},
		{name: "wrong type", body: `{"n":"two"}`, status: 400, msg: "must be a number"},
		{name: "two values", body: `{} {}`, status: 400, msg: "more than one"},
	}
	e := echo.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			c := e.NewContext(req, httptest.NewRecorder())
			var v target
			err := BindJSON(c, &v)
			if tt.status == 0 {
				if err != nil || v.Name != "a" || v.N != 2 {
					t.Fatalf("BindJSON = %+v, %v", v, err)
				}
				return
			}
			var we *Error
			if !errors.As(err, &we) || we.Status != tt.status || !strings.Contains(we.Message, tt.msg) {
				t.Fatalf("BindJSON error = %v, want %d containing %q", err, tt.status, tt.msg)
			}
		})
	}
}

func TestAssetsHashedAndCached(t *testing.T) {
	fsys := fstest.MapFS{"css/site.css": {Data: []byte("body{}")}}
	a, err := NewAssets(fsys)
	if err != nil {
		t.Fatal(err)
	}
	u := a.URL("css/site.css")
	if !strings.HasPrefix(u, "/static/css/site.") || !strings.HasSuffix(u, ".css") || u == "/static/css/site.css" {
		t.Fatalf("URL = %q, want a content-hashed name", u)
	}
	e := echo.New()
	e.GET("/static/*", a.Handler)
	for path, wantCache := range map[string]string{u: "immutable", "/static/css/site.css": "max-age=3600"} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != 200 || rec.Body.String() != "body{}" || !strings.Contains(rec.Header().Get("Cache-Control"), wantCache) {
			t.Errorf("GET %s = %d %q cache %q", path, rec.Code, rec.Body.String(), rec.Header().Get("Cache-Control"))
		}
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/static/css/missing.css", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("missing asset = %d", rec.Code)
	}
}

func TestResolveHidesUnmappedErrors(t *testing.T) {
	m := &Mapping{}
	sentinel := errors.New("domain: boom")
	m.Register(Is(sentinel, http.StatusConflict, "It clashed."))
	if e := m.Resolve(sentinel); e.Status != http.StatusConflict || e.Message != "It clashed." {
		t.Fatalf("mapped = %+v", e)
	}
	e := m.Resolve(errors.New("pq: secret table detail"))
	if e.Status != 500 || strings.Contains(e.Message, "secret") {
		t.Fatalf("unmapped = %+v, want a generic 500", e)
	}
}
