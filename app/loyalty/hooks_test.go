package loyalty_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"atelier/app/apptest"
	"atelier/app/loyalty"
	"atelier/catalog"
)

// TestPaymentRescoresTheCustomer: confirming the payment of a customer's order (demo payment
// through the API) stores the customer's scores at once, without waiting for the nightly job.
func TestPaymentRescoresTheCustomer(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	cust := s.Customer("ana@example.com", "Ana Lima", staffPassword)
	p, err := s.Deps.Catalog.Current().Lines()[0].Best(catalog.Profile{Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	// the order is the customer's, placed signed in (a browser's owner key alone no longer
	// reaches a customer's order, so it cannot pay for one)
	c := s.Client()
	if r := c.PostForm("/account/signin", url.Values{"email": {cust.Email}, "password": {staffPassword}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", r.StatusCode, r.Body)
	}
	r := c.JSON(http.MethodPost, "/api/v1/orders", map[string]any{
		"items": []map[string]any{{"code": p.Code, "quantity": 1}}, "email": cust.Email,
		"shipping_address": map[string]any{"name": "Ana Lima", "line1": "1 Rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR"}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("order: %d %s", r.StatusCode, r.Body)
	}
	var o struct {
		ID uint `json:"id"`
	}
	r.JSON(t, &o)
	var owner struct{ CustomerID *uint }
	if err := s.DB.Table("orders").Select("customer_id").Where("id = ?", o.ID).Take(&owner).Error; err != nil || owner.CustomerID == nil || *owner.CustomerID != cust.ID {
		t.Fatalf("the order is not the customer's: %+v %v", owner, err)
	}
	if _, err := s.Server.Loyalty().Score(ctx, cust.ID); !errors.Is(err, loyalty.ErrNotFound) {
		t.Fatalf("scored before paying: %v", err)
	}
	if r := c.JSON(http.MethodPost, fmt.Sprintf("/api/v1/orders/%d/demo-payment", o.ID), map[string]any{}); r.StatusCode != http.StatusOK {
		t.Fatalf("pay: %d %s", r.StatusCode, r.Body)
	}
	got, err := s.Server.Loyalty().Score(ctx, cust.ID)
	if err != nil {
		t.Fatalf("no score after the payment: %v", err)
	}
	if got.Value == 0 || got.Segment == "" {
		t.Errorf("score after one paid order: value %d, segment %q", got.Value, got.Segment)
	}
}
