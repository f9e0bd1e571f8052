package checkout_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// stripePaidOrder places an order through Stripe Checkout (stripe-mock) and confirms its
// payment as the webhook would.
func stripePaidOrder(t *testing.T, s *apptest.Store) *fulfillment.Order {
	t.Helper()
	c := s.Client()
	r := c.JSON(http.MethodPost, "/api/v1/orders", orderBody(products(t, s)[0].Code, 2))
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	var created struct{ ID uint }
	r.JSON(t, &created)
	o, err := s.Deps.Fulfillment.Get(context.Background(), created.ID)
	if err != nil || o.PaymentRef == "" {
		t.Fatalf("order %+v: %v", o, err)
	}
	o, err = s.Deps.Fulfillment.ConfirmPayment(context.Background(), fulfillment.PaymentConfirmation{OrderID: o.ID, OrderPublicID: o.PublicID,
		Provider: fulfillment.ProviderStripe, PaymentRef: o.PaymentRef, EventID: "evt_paid_" + strconv.Itoa(int(o.ID)),
		AmountCents: o.TotalCents, Currency: o.Currency})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// adminClient signs in a new admin.
func adminClient(t *testing.T, s *apptest.Store) *apptest.Client {
	t.Helper()
	return s.Admin("ada@atelier.test")
}

// TestStripeRefundFromConsole: an admin refunds a Stripe order from its console page; the
// refund goes to the session's PaymentIntent with an idempotency key per order, then the order
// is refunded and its work stopped. A Stripe failure changes nothing.
func TestStripeRefundFromConsole(t *testing.T) {
	base := stripeMockURL(t)
	rc := &recorder{next: http.DefaultTransport}
	s := apptest.New(t, withStripe(t, rc, base))
	admin := adminClient(t, s)

	failing := stripePaidOrder(t, s)
	rc.mu.Lock()
	rc.fake = func(r *http.Request, _ url.Values) *http.Response {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/refunds" && strings.Contains(r.Header.Get("Idempotency-Key"), fmt.Sprintf("-%d", failing.ID)) {
			return jsonResponse(r, http.StatusInternalServerError, `{"error":{"type":"api_error","message":"boom"}}`)
		}
		return nil
	}
	rc.mu.Unlock()
	r := admin.PostForm(fmt.Sprintf("/staff/orders/%d/refund", failing.ID), url.Values{"reason": {"Wrong size"}})
	if r.StatusCode != http.StatusBadGateway || !strings.Contains(r.Body, "nothing was changed") {
		t.Fatalf("refund with Stripe failing: %d %s", r.StatusCode, trim(r.Body))
	}
	if o, _ := s.Deps.Fulfillment.Get(context.Background(), failing.ID); o.Status != fulfillment.OrderPaid {
		t.Fatalf("a failed refund changed the order: %s", o.Status)
	}

	o := stripePaidOrder(t, s)
	page := admin.Get(fmt.Sprintf("/staff/orders/%d", o.ID))
	mustContain(t, page.Body, "Refund this order", `name="reason"`, o.PaymentRef)
	// No reason: the page again with the message, and Stripe is not called.
	calls := func() int {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		return len(rc.reqs)
	}
	before := calls()
	r = admin.PostForm(fmt.Sprintf("/staff/orders/%d/refund", o.ID), url.Values{"reason": {" "}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="reason-error"`) || calls() != before {
		t.Fatalf("no reason: %d, %d calls to Stripe", r.StatusCode, calls()-before)
	}
	r = admin.PostForm(fmt.Sprintf("/staff/orders/%d/refund", o.ID), url.Values{"reason": {"Allergic reaction; customer asked for her money back"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refund: %d %s", r.StatusCode, trim(r.Body))
	}
	var refunds []sent
	rc.mu.Lock()
	for _, q := range rc.reqs[before:] {
		if q.Method == http.MethodPost && q.Path == "/v1/refunds" {
			refunds = append(refunds, q)
		}
	}
	rc.mu.Unlock()
	if len(refunds) != 1 || refunds[0].Form.Get("payment_intent") == "" ||
		refunds[0].Header.Get("Idempotency-Key") != fmt.Sprintf("atelier-refund-order-%d", o.ID) ||
		refunds[0].Form.Get("metadata[order_id]") != strconv.Itoa(int(o.ID)) {
		t.Fatalf("refund requests: %+v", refunds)
	}
	got, _ := s.Deps.Fulfillment.Get(context.Background(), o.ID)
	var open int64
	s.DB.Model(&fulfillment.ProductionJob{}).Where("order_id = ? AND status <> ?", o.ID, fulfillment.JobCancelled).Count(&open)
	if got.Status != fulfillment.OrderRefunded || open != 0 {
		t.Fatalf("after refund: %s with %d live jobs", got.Status, open)
	}
	page = admin.Get(fmt.Sprintf("/staff/orders/%d", o.ID))
	mustContain(t, page.Body, "This order has been refunded", "Allergic reaction")
	// Refunding again is a conflict, not a second refund.
	r = admin.PostForm(fmt.Sprintf("/staff/orders/%d/refund", o.ID), url.Values{"reason": {"again"}})
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("second refund: %d", r.StatusCode)
	}

	// Refunded in the Stripe dashboard first: Stripe says so, and the console records it.
	dashboard := stripePaidOrder(t, s)
	rc.mu.Lock()
	rc.fake = func(r *http.Request, _ url.Values) *http.Response {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/refunds" {
			return jsonResponse(r, http.StatusBadRequest, `{"error":{"type":"invalid_request_error","code":"charge_already_refunded","message":"Charge has already been refunded."}}`)
		}
		return nil
	}
	rc.mu.Unlock()
	r = admin.PostForm(fmt.Sprintf("/staff/orders/%d/refund", dashboard.ID), url.Values{"reason": {"Refunded by phone from the Stripe dashboard"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refund already made at Stripe: %d %s", r.StatusCode, trim(r.Body))
	}
	if got, _ := s.Deps.Fulfillment.Get(context.Background(), dashboard.ID); got.Status != fulfillment.OrderRefunded {
		t.Fatalf("after a dashboard refund: %s", got.Status)
	}
}
