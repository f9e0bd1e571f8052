package apptest_test

import (
	"net/http"
	"net/url"
	"testing"

	"atelier/app/apptest"
)

func TestStoreServesHome(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	r := c.Get("/")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("home = %d", r.StatusCode)
	}
	if c.CSRF() == "" {
		t.Fatal("no CSRF token")
	}
	// A form post to an unknown path gets through CSRF and then 404s (405 would also do):
	// the token the client sends is accepted.
	if r := c.PostForm("/no-such-form", url.Values{}); r.StatusCode == http.StatusForbidden {
		t.Fatalf("client's CSRF token refused: %s", r.Body)
	}
}
