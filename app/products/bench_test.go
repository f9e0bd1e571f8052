package products_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"atelier/app/apptest"
	"atelier/catalog"
)

// BenchmarkRecommendationAPI measures GET /api/v1/quiz/sessions/{id}/recommendation through the
// whole router and middleware (session decoding, the consultation read from SQLite, the profile,
// three best products with formulas, reasons and codes, JSON), without the network.
func BenchmarkRecommendationAPI(b *testing.B) {
	s := apptest.New(b)
	c := s.Client()
	id := completeQuiz(b, c, both)
	u, _ := url.Parse(s.URL)
	cookies := c.HTTP.Jar.Cookies(u)
	h := s.Server.Handler()
	path := "/api/v1/quiz/sessions/" + id + "/recommendation"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept", "application/json")
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkProductPage measures GET /p/{code} for a visitor with a consultation: the profile,
// decoding, the availability of every option (greyed-out reasons), and the rendered page.
func BenchmarkProductPage(b *testing.B) {
	s := apptest.New(b)
	c := s.Client()
	completeQuiz(b, c, both)
	line, _ := s.Deps.Catalog.Current().Line("serum")
	p, err := line.Best(catalog.Profile{})
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(s.URL)
	cookies := c.HTTP.Jar.Cookies(u)
	h := s.Server.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/p/"+p.Code, nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d", rec.Code)
		}
	}
}
