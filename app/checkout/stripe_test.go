package checkout_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// TestStripeCheckoutSession creates orders against stripe-mock and checks what was SENT:
// price_data amounts from the catalog, metadata and client_reference_id, shipping, URLs,
// and an idempotency key that a retry of the same order reuses.
func TestStripeCheckoutSession(t *testing.T) {
	base := stripeMockURL(t)
	rc := &recorder{next: http.DefaultTransport}
	s := apptest.New(t, withStripe(t, rc, base))
	c := s.Client()
	ps := products(t, s)

	body := map[string]any{
		"items": []map[string]any{
			{"code": ps[0].Code, "quantity": 2, "unit_price_cents": 1, "price_cents": 1},
			{"code": ps[1].Code, "quantity": 1},
		},
		"email": "ana@example.com", "shipping_address": address(), "total_cents": 1,
	}
	r := c.JSON(http.MethodPost, "/api/v1/orders", body)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	var o created
	r.JSON(t, &o)
	wantTotal := 2*ps[0].PriceCents + ps[1].PriceCents + 500
	if o.TotalCents != wantTotal || o.Status != fulfillment.OrderPendingPayment || !strings.HasPrefix(o.PaymentURL, "https://") {
		t.Fatalf("order = %+v, want total %d", o, wantTotal)
	}
	calls := rc.sessionsCreated()
	if len(calls) != 1 {
		t.Fatalf("%d session creations, want 1", len(calls))
	}
	f, id := calls[0].Form, strconv.Itoa(int(o.ID))
	order, err := s.Deps.Fulfillment.Get(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"mode":                                   "payment",
		"client_reference_id":                    id,
		"metadata[order_id]":                     id,
		"customer_email":                         "ana@example.com",
		"line_items[0][quantity]":                "2",
		"line_items[0][price_data][unit_amount]": strconv.FormatInt(ps[0].PriceCents, 10),
		"line_items[0][price_data][currency]":    "usd",
		"line_items[1][quantity]":                "1",
		"line_items[1][price_data][unit_amount]": strconv.FormatInt(ps[1].PriceCents, 10),
		"shipping_options[0][shipping_rate_data][fixed_amount][amount]": "500",
		"payment_intent_data[metadata][order_id]":                       id,
		"success_url": s.URL + "/checkout/success?session_id={CHECKOUT_SESSION_ID}",
		"cancel_url":  s.URL + "/checkout/cancel?order=" + id,
	} {
		if got := f.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(f.Get("line_items[0][price_data][product_data][name]"), strings.TrimPrefix(ps[0].Name, "Ana's ")) {
		t.Errorf("line item name = %q", f.Get("line_items[0][price_data][product_data][name]"))
	}
	key := calls[0].Header.Get("Idempotency-Key")
	if want := fmt.Sprintf("atelier-checkout-%s-1", order.PublicID); key != want {
		t.Errorf("Idempotency-Key = %q, want %q", key, want)
	}
	if !strings.HasPrefix(order.PaymentRef, "cs_") || order.PaymentProvider != fulfillment.ProviderStripe {
		t.Errorf("payment ref = %q provider %q", order.PaymentRef, order.PaymentProvider)
	}

	// a retry of the same order (the shopper presses Pay again) sends the same key
	r = c.PostForm(path("/orders/%d/pay", o.ID), nil)
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "https://") {
		t.Fatalf("retry: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	calls = rc.sessionsCreated()
	if len(calls) != 2 || calls[1].Header.Get("Idempotency-Key") != key {
		t.Fatalf("retry sent key %q, want %q", calls[len(calls)-1].Header.Get("Idempotency-Key"), key)
	}
	if calls[1].Form.Encode() != calls[0].Form.Encode() {
		t.Errorf("retry sent other parameters:\n%s\n%s", calls[0].Form.Encode(), calls[1].Form.Encode())
	}

	// the bag flow redirects to Stripe's hosted page as well; checking out the unchanged bag
	// again resumes the same order and key
	c.PostForm("/bag/add", url.Values{"code": {ps[2].Code}, "quantity": {"1"}})
	r1 := c.PostForm("/checkout", checkoutForm())
	r2 := c.PostForm("/checkout", checkoutForm())
	if r1.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r1.Header.Get("Location"), "https://") || r2.StatusCode != http.StatusSeeOther {
		t.Fatalf("bag checkout: %d %s / %d", r1.StatusCode, r1.Header.Get("Location"), r2.StatusCode)
	}
	calls = rc.sessionsCreated()
	if k3, k4 := calls[2].Header.Get("Idempotency-Key"), calls[3].Header.Get("Idempotency-Key"); k3 != k4 || k3 == key {
		t.Errorf("bag checkout keys %q, %q (first order %q)", k3, k4, key)
	}
}

// TestStripeIdempotencyConflictStartsNewAttempt: when Stripe refuses a key reused with other
// parameters, the order's payment attempt is bumped and a new key is used, once.
func TestStripeIdempotencyConflictStartsNewAttempt(t *testing.T) {
	rc := &recorder{}
	first := true
	sessions := fakeSessions()
	rc.fake = func(r *http.Request, f url.Values) *http.Response {
		if first && r.URL.Path == "/v1/checkout/sessions" {
			first = false
			return jsonResponse(r, http.StatusBadRequest, `{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters they were first used with."}}`)
		}
		return sessions(r, f)
	}
	s := apptest.New(t, withStripe(t, rc, "http://127.0.0.1:1"))
	r := s.Client().JSON(http.MethodPost, "/api/v1/orders", orderBody(products(t, s)[0].Code, 1))
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	calls := rc.sessionsCreated()
	if len(calls) != 2 || !strings.HasSuffix(calls[0].Header.Get("Idempotency-Key"), "-1") || !strings.HasSuffix(calls[1].Header.Get("Idempotency-Key"), "-2") {
		t.Fatalf("keys: %v", calls)
	}
}

// TestStripeUnavailable: a payment service that fails answers 502 and keeps the order pending.
func TestStripeUnavailable(t *testing.T) {
	rc := &recorder{fake: func(r *http.Request, _ url.Values) *http.Response {
		return jsonResponse(r, http.StatusInternalServerError, `{"error":{"type":"api_error","message":"boom"}}`)
	}}
	s := apptest.New(t, withStripe(t, rc, "http://127.0.0.1:1"))
	r := s.Client().JSON(http.MethodPost, "/api/v1/orders", orderBody(products(t, s)[0].Code, 1))
	if r.StatusCode != http.StatusBadGateway || !strings.Contains(r.Body, "payment service") {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	if w := countWork(t, s.DB); w.Paid != 0 || w.Jobs != 0 {
		t.Fatalf("work = %+v", w)
	}
}

// TestStripeSuccessPage: the shopper returning from Stripe sees the order paid before any
// webhook, through the same idempotent confirmation; the webhook afterwards changes nothing.
func TestStripeSuccessPage(t *testing.T) {
	rc := &recorder{}
	sessions := fakeSessions()
	var paidTotal int64
	var orderID, publicID string
	rc.fake = func(r *http.Request, f url.Values) *http.Response {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/checkout/sessions/") {
			id := strings.TrimPrefix(r.URL.Path, "/v1/checkout/sessions/")
			if id == "cs_missing" {
				return jsonResponse(r, http.StatusNotFound, `{"error":{"type":"invalid_request_error","message":"No such checkout.session"}}`)
			}
			return jsonResponse(r, http.StatusOK, fmt.Sprintf(`{"id":%q,"object":"checkout.session","payment_status":"paid","status":"complete","amount_total":%d,"currency":"usd","client_reference_id":%q,"metadata":{"order_id":%q,"order_public_id":%q}}`,
				id, paidTotal, orderID, orderID, publicID))
		}
		return sessions(r, f)
	}
	s := apptest.New(t, withStripe(t, rc, "http://127.0.0.1:1"))
	c := s.Client()
	c.PostForm("/bag/add", url.Values{"code": {products(t, s)[0].Code}, "quantity": {"3"}})
	r := c.PostForm("/checkout", checkoutForm())
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("checkout: %d %s", r.StatusCode, trim(r.Body))
	}
	var o fulfillment.Order
	if err := s.DB.Preload("Items").Take(&o).Error; err != nil {
		t.Fatal(err)
	}
	paidTotal, orderID, publicID = o.TotalCents, strconv.Itoa(int(o.ID)), o.PublicID

	for range 3 {
		r = c.Get("/checkout/success?session_id=" + o.PaymentRef)
		if r.StatusCode != http.StatusSeeOther || r.Location() != path("/orders/%d?paid=1", o.ID) {
			t.Fatalf("success: %d %s %s", r.StatusCode, r.Location(), r.Body)
		}
	}
	page := c.Get(r.Location())
	mustContain(t, page.Body, "your order is paid")
	if b := c.Get("/bag"); !strings.Contains(b.Body, "Your bag is empty") {
		t.Fatal("bag not emptied after payment")
	}
	deliver(t, s, event("evt_after_success", "checkout.session.completed", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "paid"), http.StatusOK)
	if w := countWork(t, s.DB); w.Paid != 1 || w.Jobs != 3 || w.Tasks != 1 || w.Outbox != 1 || w.Events != 2 {
		t.Fatalf("work = %+v", w)
	}
	if r := c.Get("/checkout/success?session_id=cs_missing"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown session: %d", r.StatusCode)
	}
}
