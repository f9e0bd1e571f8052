package staff_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/app/staff"
	"atelier/catalog"
	"atelier/fulfillment"
)

// accounts returns the staff accounts of a running store, on its clock.
func accounts(s *apptest.Store) *staff.Accounts {
	return staff.NewAccountsWithOptions(s.DB, staff.AccountsOptions{Now: s.Clock.Now, Passwords: s.Deps.Passwords})
}

// addStaff creates a staff member with a known password.
func addStaff(t *testing.T, s *apptest.Store, email, role string) *staff.Member {
	t.Helper()
	m, _, err := accounts(s).Add(context.Background(), fulfillment.System,
		staff.NewMember{Email: email, Name: strings.Split(email, "@")[0], Role: role, Password: password})
	if err != nil {
		t.Fatalf("add %s: %v", email, err)
	}
	return m
}

const password = "correct horse battery"

// signIn returns a client signed in as email.
func signIn(t *testing.T, s *apptest.Store, email string) *apptest.Client {
	t.Helper()
	c := s.Client()
	r := c.PostForm("/staff/login", url.Values{"email": {email}, "password": {password}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d\n%s", email, r.StatusCode, r.Body)
	}
	return c
}

// bearer sends a JSON request with an Authorization header.
func bearer(t *testing.T, s *apptest.Store, token, method, path, body string) *apptest.Response {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return s.Client().Do(req)
}

// paidOrder creates an order of one line with quantity units and confirms its payment,
// which queues one production job per unit and the welcome follow-up.
func paidOrder(t *testing.T, s *apptest.Store, email string, quantity int) *fulfillment.Order {
	t.Helper()
	return paidOrderFor(t, s, nil, email, quantity)
}

// paidOrderFor is paidOrder placed by a customer account (nil = a guest).
func paidOrderFor(t *testing.T, s *apptest.Store, customerID *uint, email string, quantity int) *fulfillment.Order {
	t.Helper()
	return placeOrder(t, s, customerID, email, quantity, 0)
}

// heldOrder is paidOrder paid 1.00 short: the order goes on hold with a payment review.
func heldOrder(t *testing.T, s *apptest.Store, email string, quantity int) *fulfillment.Order {
	t.Helper()
	return placeOrder(t, s, nil, email, quantity, -100)
}

// placeOrder creates the order and confirms a payment of its total plus paidExtra cents.
func placeOrder(t *testing.T, s *apptest.Store, customerID *uint, email string, quantity int, paidExtra int64) *fulfillment.Order {
	t.Helper()
	ctx := context.Background()
	formula, _ := json.Marshal([]catalog.FormulaRow{
		{INCI: "Aqua", Percent: 7450, Role: "solvent", Phase: "A", QS: true},
		{INCI: "Glycerin", Percent: 500, Role: "humectant", Phase: "A"},
		{INCI: "Caprylic/Capric Triglyceride", Percent: 1500, Role: "emollient", Phase: "B"},
		{INCI: "Niacinamide", Percent: 450, Role: "active", Phase: "C"},
		{INCI: "Phenoxyethanol", Percent: 100, Role: "preservative", Phase: "C"},
	})
	pkg, _ := json.Marshal(catalog.Packaging{Shape: "pump", Colour: "#E8B4B8", ColourName: "Blush", Cap: "pump",
		SizeML: 50, LabelStyle: "script", LabelText: "Made for Ada"})
	o, err := s.Deps.Fulfillment.CreateOrder(ctx, fulfillment.NewOrder{
		OwnerKey: "owner-" + email, CustomerID: customerID, Email: email, Currency: "EUR", ShippingCents: 500, PaymentProvider: fulfillment.ProviderDemo,
		Shipping: fulfillment.Address{Name: "Ada Lovelace", Line1: "1 Analytical St", City: "London", PostalCode: "N1 1AA", Country: "GB"},
		Items: []fulfillment.NewOrderItem{{Code: "SKN7Q2M4X", Line: "face-serum", Name: "Ada's Calm Serum", SizeLabel: "50 ml",
			Quantity: quantity, UnitPriceCents: 4200, CatalogVersion: "2026.1", Options: json.RawMessage(`{}`),
			Formula: formula, Packaging: pkg, PreviewSVG: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>`,
			ExpectedUseDays: 60}},
	})
	if err != nil {
		t.Fatalf("create order: %v", err)
	}
	o, err = s.Deps.Fulfillment.ConfirmPayment(ctx, fulfillment.PaymentConfirmation{OrderID: o.ID, OrderPublicID: o.PublicID, Provider: fulfillment.ProviderDemo,
		PaymentRef: "demo", EventID: fmt.Sprintf("demo:%d", o.ID), AmountCents: o.TotalCents + paidExtra, Currency: o.Currency})
	if err != nil && (paidExtra == 0 || !errors.Is(err, fulfillment.ErrPaymentMismatch)) {
		t.Fatalf("confirm payment: %v", err)
	}
	return o
}

// wantStatus fails unless r has status want.
func wantStatus(t *testing.T, r *apptest.Response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%.600s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.Body)
	}
}

func itoa(id uint) string { return fmt.Sprint(id) }

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
