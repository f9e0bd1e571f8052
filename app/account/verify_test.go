package account_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/app/database/databasetest"
	"atelier/catalog"
)

// The normal way in: sign up, follow the confirmation link from the email, and from then on
// sign in with the password too. Before the link is followed the password does not sign in,
// with the answer a wrong password gets.
func TestSignUpConfirmThenSignInWithPassword(t *testing.T) {
	s := apptest.New(t)
	const email = "maya@example.com"
	c := s.Client()
	r := c.PostForm("/account/signup", url.Values{"email": {email}, "name": {"Maya"}, "password": {password}, "next": {"/account/orders"}})
	if r.StatusCode != 200 || !strings.Contains(r.Body, "Check your email") || !strings.Contains(r.Body, "confirms your email address") {
		t.Fatalf("sign up: %d %.500s", r.StatusCode, r.Body)
	}
	early := s.Client().PostForm("/account/signin", url.Values{"email": {email}, "password": {password}})
	unknown := s.Client().PostForm("/account/signin", url.Values{"email": {"nobody@example.com"}, "password": {password}})
	if early.StatusCode != 422 || csrfFree(early.Body) != csrfFree(unknown.Body) || !strings.Contains(early.Body, "confirmed your email address") {
		t.Fatalf("password before confirming: %d, or it reads unlike an unknown email", early.StatusCode)
	}
	link := lastLink(t, s, email)
	if !strings.HasPrefix(link, "/account/signin/link/") {
		t.Fatalf("confirmation link %q", link)
	}
	if r := c.Get(link); r.StatusCode != 200 || !strings.Contains(r.Body, "confirms that the email address is yours") {
		t.Fatalf("open link: %d", r.StatusCode)
	}
	if r := c.PostForm(link+"?next=/account/orders", nil); r.StatusCode != 303 || r.Location() != "/account/orders" {
		t.Fatalf("use link: %d %s", r.StatusCode, r.Location())
	}
	if r := c.Get("/account"); r.StatusCode != 200 || !strings.Contains(r.Body, "Hello Maya") || !strings.Contains(r.Body, "Change your password") {
		t.Fatalf("account after confirming: %d", r.StatusCode)
	}
	if r := s.Client().PostForm("/account/signin", url.Values{"email": {email}, "password": {password}}); r.StatusCode != 303 {
		t.Fatalf("password after confirming: %d", r.StatusCode)
	}
}

// The audit's takeover: someone signs up with another person's address and a password of
// their own. They cannot sign in with it; when the owner of the address later orders as a
// guest and signs in with a genuine link (which attaches the order), the stranger's password
// is gone, so the owner's orders and address stay theirs alone.
func TestPasswordChosenBeforeVerificationGivesNoAccess(t *testing.T) {
	s := apptest.New(t)
	const victim, theirs = "victim@example.com", "attacker's own password"
	attacker := s.Client()
	if r := attacker.PostForm("/account/signup", url.Values{"email": {victim}, "password": {theirs}}); r.StatusCode != 200 {
		t.Fatalf("sign up: %d", r.StatusCode)
	}
	if r := attacker.PostForm("/account/signin", url.Values{"email": {victim}, "password": {theirs}}); r.StatusCode != 422 {
		t.Fatalf("password sign-in on an unconfirmed account: %d", r.StatusCode)
	}
	paidOrder(t, s, nil, victim, moisturiser(t, catalog.Selection{"base": {"rich_cream"}}))

	owner := s.Client()
	owner.PostForm("/account/signin/link", url.Values{"email": {victim}})
	if r := owner.PostForm(lastLink(t, s, victim), nil); r.StatusCode != 303 {
		t.Fatalf("owner's sign-in link: %d", r.StatusCode)
	}
	if r := owner.Get("/account"); r.StatusCode != 200 || !strings.Contains(r.Body, "Analytical Row") {
		t.Fatalf("the owner does not see their order: %d", r.StatusCode)
	}
	s.Clock.Advance(time.Minute) // past the per-email sign-in limit
	if r := attacker.PostForm("/account/signin", url.Values{"email": {victim}, "password": {theirs}}); r.StatusCode != 422 {
		t.Fatalf("the stranger's password signs in after the owner confirmed the address: %d", r.StatusCode)
	}
	if r := attacker.Get("/account"); r.StatusCode != 303 {
		t.Fatalf("the stranger reaches the account: %d", r.StatusCode)
	}
	if r := attacker.Get("/api/v1/me/orders"); r.StatusCode != 401 {
		t.Fatalf("the stranger reads the orders: %d", r.StatusCode)
	}
}

// The confirmation link of a sign-up someone else made: the owner of the address, who never
// asked for it, follows it in their own browser. It proves the address is theirs and signs
// them in, but the stranger's password is dropped, not confirmed.
func TestConfirmationLinkFollowedElsewhereDropsThePassword(t *testing.T) {
	s := apptest.New(t)
	const victim, theirs = "victim@example.com", "attacker's own password"
	attacker := s.Client()
	if r := attacker.PostForm("/account/signup", url.Values{"email": {victim}, "name": {"Vic"}, "password": {theirs}}); r.StatusCode != 200 {
		t.Fatalf("sign up: %d", r.StatusCode)
	}
	owner := s.Client()
	if r := owner.PostForm(lastLink(t, s, victim), nil); r.StatusCode != 303 {
		t.Fatalf("owner follows the confirmation link: %d", r.StatusCode)
	}
	if r := owner.Get("/account"); r.StatusCode != 200 {
		t.Fatalf("owner after confirming: %d", r.StatusCode)
	}
	if r := attacker.PostForm("/account/signin", url.Values{"email": {victim}, "password": {theirs}}); r.StatusCode != 422 {
		t.Fatalf("the stranger's password signs in after the owner confirmed the address: %d", r.StatusCode)
	}
}

// A session of an account whose email is not confirmed (only the old password sign-in could
// start one) ends at its next request.
func TestUnverifiedAccountSessionEnds(t *testing.T) {
	s := apptest.New(t)
	cust, c := customer(t, s, "ada@example.com")
	if err := s.DB.Exec("UPDATE customers SET email_verified_at = NULL WHERE id = ?", cust.ID).Error; err != nil {
		t.Fatal(err)
	}
	if r := c.Get("/account"); r.StatusCode != 303 {
		t.Fatalf("session of an unconfirmed account: %d", r.StatusCode)
	}
}

// The first confirmation of an address ends every session (epoch + 1) and keeps a password
// chosen before it only when the link is the sign-up's own confirmation; later links change
// neither.
func TestFirstVerificationDropsEarlierPassword(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s, _ := newStore(t, db)
		for _, tc := range []struct {
			purpose      string
			keepPassword bool
		}{
			{account.PurposeSignIn, false},
			{account.PurposeReset, false},
			{account.PurposeVerify, true},
		} {
			t.Run(tc.purpose, func(t *testing.T) {
				c, err := s.Create(ctx, account.NewCustomer{Email: tc.purpose + "@example.com", Password: password})
				if err != nil {
					t.Fatal(err)
				}
				use := func() *account.Customer {
					t.Helper()
					tok, err := s.IssueToken(ctx, c.ID, tc.purpose)
					if err != nil {
						t.Fatal(err)
					}
					got, err := s.ConsumeToken(ctx, tok, tc.purpose)
					if err != nil {
						t.Fatal(err)
					}
					if stored, _ := s.ByID(ctx, c.ID); stored.Epoch != got.Epoch || stored.PasswordHash != got.PasswordHash {
						t.Fatalf("returned %+v, stored %+v", got, stored)
					}
					return got
				}
				first := use()
				if !first.Verified() || first.Epoch != c.Epoch+1 || first.HasPassword() != tc.keepPassword {
					t.Fatalf("after the first link: %+v (want verified, epoch %d, password kept %v)", first, c.Epoch+1, tc.keepPassword)
				}
				if _, err := s.SetPassword(ctx, c.ID, "a password chosen later"); err != nil {
					t.Fatal(err)
				}
				set, _ := s.ByID(ctx, c.ID)
				if again := use(); again.Epoch != set.Epoch || !again.HasPassword() {
					t.Fatalf("a later link changed the account: %+v", again)
				}
			})
		}
	})
}
