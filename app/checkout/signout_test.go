package checkout_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/app/checkout"
)

// TestSignOutLeavesNothingBehind walks one browser through the audit's finding: Alice signs
// in, orders and fills her bag, signs out; the browser then reads neither her order nor her
// bag, Bob signing in there gets neither, and Alice signing in again gets both back. A browser
// whose session was ended elsewhere is a guest too, and a guest's order and bag still follow
// them into the account they sign in to.
func TestSignOutLeavesNothingBehind(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s := apptest.New(t)
		t.Run("sign out", func(t *testing.T) { signOutForgets(t, s) })
		t.Run("ended elsewhere", func(t *testing.T) { endedElsewhereForgets(t, s) })
		t.Run("guest signs in", func(t *testing.T) { guestOrderFollowsSignIn(t, s) })
	})
	t.Run("postgres", func(t *testing.T) {
		s := apptest.NewPostgres(t)
		t.Run("sign out", func(t *testing.T) { signOutForgets(t, s) })
		t.Run("ended elsewhere", func(t *testing.T) { endedElsewhereForgets(t, s) })
		t.Run("guest signs in", func(t *testing.T) { guestOrderFollowsSignIn(t, s) })
	})
}

func signOutForgets(t *testing.T, s *apptest.Store) {
	browser := s.Client()
	// Before signing in, the browser placed a guest order with another email: it stays a
	// guest order, this browser's while its session lasts.
	guestOrder := placeByForm(t, s, browser)
	alice := newCustomer(t, s, "alice@example.com")
	signIn(t, browser, alice.Email)
	order := placeByAPI(t, s, browser)
	code := products(t, s)[1].Code
	addToBag(t, browser, code)
	mustSee(t, browser, order, code)
	if r := browser.Get(path("/orders/%d", guestOrder)); r.StatusCode != http.StatusOK {
		t.Fatalf("the session's guest order while signed in: %d", r.StatusCode)
	}

	signOut(t, browser)
	mustNotSee(t, browser, order, code)
	// Signing out renews the owner key: the browser is a new guest.
	if r := browser.Get(path("/orders/%d", guestOrder)); r.StatusCode != http.StatusNotFound {
		t.Fatalf("the old session's guest order after sign-out: %d, want 404", r.StatusCode)
	}

	bob := newCustomer(t, s, "bob@example.com")
	signIn(t, browser, bob.Email)
	mustNotSee(t, browser, order, code)
	if b, err := s.Deps.Fulfillment.ListForCustomer(context.Background(), bob.ID); err != nil || len(b) != 0 {
		t.Fatalf("Bob's orders: %d (%v), want none", len(b), err)
	}
	if n := bagUnits(t, s, alice.ID); n != 2 { // her guest bag's product and the one she added
		t.Fatalf("Alice's bag holds %d units after Bob signed in, want 2", n)
	}
	if n := bagUnits(t, s, bob.ID); n != 0 {
		t.Fatalf("Bob's bag holds %d units, want 0", n)
	}

	signOut(t, browser)
	signIn(t, browser, alice.Email)
	mustSee(t, browser, order, code)
}

// endedElsewhereForgets: a session ended by "sign out everywhere" keeps its old owner key
// (the browser was not there to get a new one); that key must not reach Alice's things, and
// the browser can still fill a bag of its own.
func endedElsewhereForgets(t *testing.T, s *apptest.Store) {
	alice, browser := signedIn(t, s, "alys@example.com")
	order := placeByAPI(t, s, browser)
	mine, theirs := products(t, s)[1].Code, products(t, s)[2].Code
	addToBag(t, browser, mine)

	other := s.Client()
	signIn(t, other, alice.Email)
	if r := other.PostForm("/account/signout", url.Values{"everywhere": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", r.StatusCode)
	}
	mustNotSee(t, browser, order, mine)

	addToBag(t, browser, theirs)
	if r := browser.Get("/bag"); !strings.Contains(r.Body, "code "+theirs) || strings.Contains(r.Body, "code "+mine) {
		t.Fatalf("guest bag after the session ended elsewhere: want only %s", theirs)
	}
	if n := bagUnits(t, s, alice.ID); n != 1 {
		t.Fatalf("Alice's bag holds %d units, want her 1", n)
	}

	signIn(t, browser, alice.Email)
	mustSee(t, browser, order, mine)
}

// guestOrderFollowsSignIn: a guest orders, then signs in with a link to the email the order
// was placed with; the order and the bag are the account's, and come back after sign-out.
func guestOrderFollowsSignIn(t *testing.T, s *apptest.Store) {
	ctx := context.Background()
	browser := s.Client()
	order := placeByForm(t, s, browser) // the bag is kept until the order is paid
	code := products(t, s)[0].Code
	mustSee(t, browser, order, code)

	ana := newCustomer(t, s, "ana@example.com") // the email of checkoutForm
	tok, err := customers(s).IssueToken(ctx, ana.ID, account.PurposeSignIn)
	if err != nil {
		t.Fatal(err)
	}
	if r := browser.PostForm("/account/signin/link/"+tok, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in by link: %d", r.StatusCode)
	}
	o, err := s.Deps.Fulfillment.Get(ctx, order)
	if err != nil || o.CustomerID == nil || *o.CustomerID != ana.ID {
		t.Fatalf("guest order after sign-in: customer %v (%v), want %d", o.CustomerID, err, ana.ID)
	}
	mustSee(t, browser, order, code)

	signOut(t, browser)
	mustNotSee(t, browser, order, code)
	signIn(t, browser, ana.Email)
	mustSee(t, browser, order, code)
}

func customers(s *apptest.Store) *account.Store {
	return account.NewStoreWithOptions(s.DB, account.StoreOptions{Now: s.Clock.Now, Passwords: s.Deps.Passwords})
}

// newCustomer creates an account with a confirmed email (password sign-in needs one).
func newCustomer(t *testing.T, s *apptest.Store, email string) *account.Customer {
	t.Helper()
	return s.Customer(email, "", custPassword)
}

func signIn(t *testing.T, c *apptest.Client, email string) {
	t.Helper()
	if r := c.PostForm("/account/signin", url.Values{"email": {email}, "password": {custPassword}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", email, r.StatusCode)
	}
}

func signOut(t *testing.T, c *apptest.Client) {
	t.Helper()
	if r := c.PostForm("/account/signout", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", r.StatusCode)
	}
}

func addToBag(t *testing.T, c *apptest.Client, code string) {
	t.Helper()
	if r := c.PostForm("/bag/add", url.Values{"code": {code}, "quantity": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add %s: %d %s", code, r.StatusCode, trim(r.Body))
	}
}

// mustSee checks that the browser reads the order (API and page) and has code in its bag.
func mustSee(t *testing.T, c *apptest.Client, order uint, code string) {
	t.Helper()
	if r := c.JSON(http.MethodGet, path("/api/v1/orders/%d", order), nil); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Ana Lima") {
		t.Fatalf("API order %d: %d, want 200 with the shipping name", order, r.StatusCode)
	}
	if r := c.Get(path("/orders/%d", order)); r.StatusCode != http.StatusOK {
		t.Fatalf("order page %d: %d, want 200", order, r.StatusCode)
	}
	if r := c.Get("/bag"); !strings.Contains(r.Body, "code "+code) {
		t.Fatalf("bag: %d, want %s in it", r.StatusCode, code)
	}
}

// mustNotSee checks that the browser gets 404 for the order (API and page) and an empty bag.
func mustNotSee(t *testing.T, c *apptest.Client, order uint, code string) {
	t.Helper()
	if r := c.JSON(http.MethodGet, path("/api/v1/orders/%d", order), nil); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "Ana Lima") {
		t.Fatalf("API order %d: %d, want 404", order, r.StatusCode)
	}
	if r := c.Get(path("/orders/%d", order)); r.StatusCode != http.StatusNotFound {
		t.Fatalf("order page %d: %d, want 404", order, r.StatusCode)
	}
	r := c.Get("/bag")
	if !strings.Contains(r.Body, "Your bag is empty") || strings.Contains(r.Body, "code "+code) {
		t.Fatalf("bag: %d, want it empty", r.StatusCode)
	}
	if strings.Contains(r.Body, `<span class="count"`) {
		t.Fatal("the header counts someone else's bag")
	}
}

// bagUnits counts the units in the customer's bags, straight from the database.
func bagUnits(t *testing.T, s *apptest.Store, customerID uint) int {
	t.Helper()
	n, err := checkout.NewBagStore(s.DB, s.Clock.Now).Units(context.Background(), 0, &customerID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
