package checkout_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// TestAccountAtCheckout: a guest ticks "create an account" at checkout, with or without a
// password. A bad password is shown beside its field (422) and creates nothing; otherwise the
// shopper goes on to pay, the confirmation link is emailed, and following it signs them in
// with the order in their account (and, when one was chosen, the password works from then on).
func TestAccountAtCheckout(t *testing.T) {
	for _, tc := range []struct {
		name, password string
	}{{"with a password", "a long enough password"}, {"without a password", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			s := apptest.New(t)
			c := s.Client()
			addToBag(t, c, products(t, s)[0].Code)
			if page := c.Get("/checkout"); !strings.Contains(page.Body, `name="create_account"`) {
				t.Fatal("the checkout page offers no account to a guest")
			}
			form := checkoutForm()
			form.Set("create_account", "1")
			form.Set("password", "short")
			r := c.PostForm("/checkout", form)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="password-error"`) {
				t.Fatalf("short password: %d %s", r.StatusCode, trim(r.Body))
			}
			if link := s.AccountLink("ana@example.com"); link != "" {
				t.Fatal("a refused sign-up sent a confirmation link")
			}
			form.Set("password", tc.password)
			if r = c.PostForm("/checkout", form); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("checkout with an account: %d %s", r.StatusCode, trim(r.Body))
			}
			var o fulfillment.Order
			if err := s.DB.Take(&o).Error; err != nil {
				t.Fatal(err)
			}
			if n := countRows(t, s, "orders"); n != 1 {
				t.Fatalf("%d orders after two submissions, want 1", n)
			}
			link := s.AccountLink("ana@example.com")
			if link == "" {
				t.Fatal("no confirmation link emailed")
			}
			if r := c.PostForm(link, nil); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("follow the link: %d", r.StatusCode)
			}
			if me := c.Get("/api/v1/me/orders"); me.StatusCode != http.StatusOK || !strings.Contains(me.Body, `"id":`+itoa(o.ID)) {
				t.Fatalf("the order is not in the new account: %d %s", me.StatusCode, me.Body)
			}
			signedIn := s.Client().PostForm("/account/signin", map[string][]string{"email": {"ana@example.com"}, "password": {tc.password}})
			if got, want := signedIn.StatusCode == http.StatusSeeOther, tc.password != ""; got != want {
				t.Fatalf("password sign-in: %d, want success %v", signedIn.StatusCode, want)
			}
		})
	}
}

func countRows(t *testing.T, s *apptest.Store, table string) int64 {
	t.Helper()
	var n int64
	if err := s.DB.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func itoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }
