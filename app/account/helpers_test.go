package account_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"testing"

	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/catalog"
	"atelier/fulfillment"
)

const password = "correct horse battery"

// customer creates a verified account and returns a client signed in as it.
func customer(t *testing.T, s *apptest.Store, email string) (*account.Customer, *apptest.Client) {
	t.Helper()
	cust := s.Customer(email, "Ada", password)
	c := s.Client()
	resp := c.PostForm("/account/signin", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != 303 {
		t.Fatalf("sign in %s: %d %s", email, resp.StatusCode, resp.Body)
	}
	return cust, c
}

// customers returns the customer store of a running store, on its clock and its (test)
// password cost.
func customers(s *apptest.Store) *account.Store {
	return account.NewStoreWithOptions(s.DB, account.StoreOptions{Now: s.Clock.Now, Passwords: s.Deps.Passwords})
}

// moisturiser returns a valid moisturiser of the default catalog with the given choices.
func moisturiser(t *testing.T, want catalog.Selection) catalog.Product {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	line, err := cat.Line("moisturiser")
	if err != nil {
		t.Fatal(err)
	}
	return product(t, line, want)
}

// paidOrder places and pays an order of p for the customer (nil for a guest with email).
func paidOrder(t *testing.T, s *apptest.Store, customerID *uint, email string, p catalog.Product) *fulfillment.Order {
	t.Helper()
	ctx := context.Background()
	opts, _ := json.Marshal(p.Selection())
	o, err := s.Deps.Fulfillment.CreateOrder(ctx, fulfillment.NewOrder{
		OwnerKey: "test-owner", CustomerID: customerID, Email: email,
		Shipping: fulfillment.Address{Name: "Ada Lovelace", Line1: "12 Analytical Row", City: "London", PostalCode: "N1 9GU", Country: "GB"},
		Currency: p.Currency, ShippingCents: 500, PaymentProvider: fulfillment.ProviderDemo,
		Items: []fulfillment.NewOrderItem{{Code: p.Code, Line: p.Line, Name: p.Name, Quantity: 1, UnitPriceCents: p.PriceCents,
			CatalogVersion: p.Version, Options: opts}},
	})
	if err != nil {
		t.Fatal(err)
	}
	o, err = s.Deps.Fulfillment.ConfirmPayment(ctx, fulfillment.PaymentConfirmation{OrderID: o.ID, OrderPublicID: o.PublicID, Provider: fulfillment.ProviderDemo,
		PaymentRef: fmt.Sprintf("demo-%d", o.ID), EventID: fmt.Sprintf("demo:%d", o.ID), AmountCents: o.TotalCents, Currency: o.Currency})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// lastLink returns the path of the newest account link emailed to addr, "" when none.
func lastLink(t *testing.T, s *apptest.Store, addr string) string {
	t.Helper()
	return s.AccountLink(addr)
}

// csrfFree blanks the per-visitor CSRF tokens so two pages can be compared.
func csrfFree(body string) string {
	return regexp.MustCompile(`value="[^"]*"`).ReplaceAllString(body, `value=""`)
}
