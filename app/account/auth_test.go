package account_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/app/account"
	"atelier/app/apptest"
)

func TestSignInLinkWorksOnceAndExpires(t *testing.T) {
	s := apptest.New(t)
	if _, err := customers(s).Create(context.Background(), account.NewCustomer{Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	c := s.Client()
	if r := c.PostForm("/account/signin/link", url.Values{"email": {"Ada@Example.com"}}); r.StatusCode != 200 || !strings.Contains(r.Body, "If an account exists") {
		t.Fatalf("request link: %d %s", r.StatusCode, r.Body)
	}
	link := lastLink(t, s, "ada@example.com")
	if link == "" {
		t.Fatal("no sign-in link in the outbox")
	}
	if r := c.Get(link); r.StatusCode != 200 || !strings.Contains(r.Body, "Sign in") {
		t.Fatalf("open link: %d", r.StatusCode)
	}
	if r := c.PostForm(link, nil); r.StatusCode != 303 || r.Location() != "/account" {
		t.Fatalf("use link: %d %s", r.StatusCode, r.Location())
	}
	if r := c.Get("/account"); r.StatusCode != 200 || !strings.Contains(r.Body, "My account") {
		t.Fatalf("account after link: %d", r.StatusCode)
	}
	other := s.Client()
	if r := other.PostForm(link, nil); r.StatusCode != 410 || !strings.Contains(r.Body, "already used") || !strings.Contains(r.Body, "new link") {
		t.Fatalf("reused link: %d %s", r.StatusCode, r.Body)
	}
	if r := other.Get("/account"); r.StatusCode != 303 {
		t.Fatalf("reused link signed in: %d", r.StatusCode)
	}

	c.PostForm("/account/signin/link", url.Values{"email": {"ada@example.com"}})
	expiring := lastLink(t, s, "ada@example.com")
	if expiring == link {
		t.Fatal("no new link")
	}
	s.Clock.Advance(account.TokenTTL + time.Second)
	if r := other.PostForm(expiring, nil); r.StatusCode != 410 || !strings.Contains(r.Body, "expired") {
		t.Fatalf("expired link: %d %s", r.StatusCode, r.Body)
	}
	forged := "/account/signin/link/" + strings.Repeat("A", 43)
	if r := other.PostForm(forged, nil); r.StatusCode != 410 || !strings.Contains(r.Body, "not valid") {
		t.Fatalf("forged link: %d %s", r.StatusCode, r.Body)
	}
}

func TestNoAccountEnumeration(t *testing.T) {
	s := apptest.New(t)
	if _, err := customers(s).Create(context.Background(), account.NewCustomer{Email: "known@example.com", Password: password}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/account/signin/link", "/account/reset", "/account/signup"} {
		t.Run(path, func(t *testing.T) {
			form := func(email string) url.Values {
				return url.Values{"email": {email}, "password": {"a long enough password"}}
			}
			known := s.Client().PostForm(path, form("known@example.com"))
			unknown := s.Client().PostForm(path, form("unknown@example.com"))
			if known.StatusCode != 200 || known.StatusCode != unknown.StatusCode || csrfFree(known.Body) != csrfFree(unknown.Body) {
				t.Fatalf("answers differ: %d vs %d", known.StatusCode, unknown.StatusCode)
			}
		})
	}
	// Password sign-in: a wrong password and an unknown email read the same.
	wrong := s.Client().PostForm("/account/signin", url.Values{"email": {"known@example.com"}, "password": {"not the password"}})
	nobody := s.Client().PostForm("/account/signin", url.Values{"email": {"known@example.com"}, "password": {"not the password"}})
	if wrong.StatusCode != 422 || csrfFree(wrong.Body) != csrfFree(nobody.Body) {
		t.Fatalf("sign-in answers differ: %d vs %d", wrong.StatusCode, nobody.StatusCode)
	}
}

func TestSignInRateLimited(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	var last int
	for range 8 {
		last = c.PostForm("/account/signin", url.Values{"email": {"x@example.com"}, "password": {"wrong password!"}}).StatusCode
	}
	if last != 429 {
		t.Fatalf("8 quick attempts on one email: last answer %d, want 429", last)
	}
}

func TestPasswordResetEndsOtherSessions(t *testing.T) {
	s := apptest.New(t)
	_, phone := customer(t, s, "ada@example.com")
	laptop := s.Client()
	laptop.PostForm("/account/reset", url.Values{"email": {"ada@example.com"}})
	link := lastLink(t, s, "ada@example.com")
	if !strings.HasPrefix(link, "/account/reset/") {
		t.Fatalf("reset link %q", link)
	}
	if r := laptop.PostForm(link, url.Values{"password": {"short"}}); r.StatusCode != 422 {
		t.Fatalf("short password: %d", r.StatusCode)
	}
	if r := laptop.PostForm(link, url.Values{"password": {"a brand new password"}}); r.StatusCode != 303 {
		t.Fatalf("reset: %d %s", r.StatusCode, r.Body)
	}
	if r := laptop.Get("/account"); r.StatusCode != 200 {
		t.Fatalf("laptop after reset: %d", r.StatusCode)
	}
	if r := phone.Get("/account"); r.StatusCode != 303 {
		t.Fatalf("old session survived the reset: %d", r.StatusCode)
	}
}

func TestBadInput(t *testing.T) {
	s := apptest.New(t)
	_, c := customer(t, s, "ada@example.com")
	tests := []struct {
		name, path string
		form       url.Values
		status     int
	}{
		{"signup short password", "/account/signup", url.Values{"email": {"b@example.com"}, "password": {"short"}}, 422},
		{"signup bad email", "/account/signup", url.Values{"email": {"nope"}, "password": {"long enough pass"}}, 422},
		{"signup no email", "/account/signup", url.Values{"password": {"long enough pass"}}, 422},
		{"link bad email", "/account/signin/link", url.Values{"email": {"nope"}}, 422},
		{"delete unconfirmed", "/account/delete", url.Values{"confirm": {"yes"}}, 422},
		{"reorder unknown code", "/account/products/ZZZZZZZZ/reorder", nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := c.PostForm(tt.path, tt.form); r.StatusCode != tt.status {
				t.Fatalf("%d, want %d: %s", r.StatusCode, tt.status, r.Body)
			}
		})
	}
}
