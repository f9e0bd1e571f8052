package account_test

import (
	"net/url"
	"testing"
	"time"

	"atelier/app/apptest"
)

// After a password sign-in the visitor goes where next says only when it is a path on this
// site; "/\t/evil.example" is what browsers turn into "//evil.example".
func TestSignInRedirectStaysOnSite(t *testing.T) {
	s := apptest.New(t)
	cust, _ := customer(t, s, "ada@example.com")
	for next, want := range map[string]string{
		"/account/orders":      "/account/orders",
		"/\t/evil.example":     "/account",
		"/\\evil.example":      "/account",
		"//evil.example":       "/account",
		"https://evil.example": "/account",
	} {
		t.Run(next, func(t *testing.T) {
			s.Clock.Advance(time.Minute) // past the per-email sign-in limit
			r := s.Client().PostForm("/account/signin", url.Values{"email": {cust.Email}, "password": {password}, "next": {next}})
			if r.StatusCode != 303 || r.Location() != want {
				t.Fatalf("next=%q: %d to %q, want 303 to %q", next, r.StatusCode, r.Location(), want)
			}
		})
	}
}
