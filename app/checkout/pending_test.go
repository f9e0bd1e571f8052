package checkout_test

import (
	"net/http"
	"testing"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// TestPendingGuestOrderNotReusedAfterSignIn: checking out an unchanged bag again resumes the
// same pending order, but not once the guest has signed in: their order is then a new one, in
// their account, rather than the guest order that would never join it.
func TestPendingGuestOrderNotReusedAfterSignIn(t *testing.T) {
	s := apptest.New(t)
	cust := newCustomer(t, s, "bea@example.com")
	c := s.Client()
	addToBag(t, c, products(t, s)[0].Code)
	for range 2 { // the second time resumes the same order
		if r := c.PostForm("/checkout", checkoutForm()); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("guest checkout: %d %s", r.StatusCode, trim(r.Body))
		}
	}
	var orders []fulfillment.Order
	if err := s.DB.Order("id").Find(&orders).Error; err != nil || len(orders) != 1 || orders[0].CustomerID != nil {
		t.Fatalf("after two guest checkouts: %v %+v, want one guest order", err, orders)
	}
	signIn(t, c, cust.Email)
	if r := c.PostForm("/checkout", checkoutForm()); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("checkout signed in: %d %s", r.StatusCode, trim(r.Body))
	}
	if err := s.DB.Order("id").Find(&orders).Error; err != nil || len(orders) != 2 || orders[1].CustomerID == nil || *orders[1].CustomerID != cust.ID {
		t.Fatalf("after signing in: %v %+v, want a second order in the account", err, orders)
	}
}
