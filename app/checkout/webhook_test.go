package checkout_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"atelier/app"
	"atelier/app/apptest"
	"atelier/app/checkout"
	"atelier/fulfillment"
)

// event is a Stripe event about a Checkout Session, as the webhook endpoint receives it.
// The session's metadata names the order by id and public id, as every session the store
// makes does.
func event(id, typ, session string, orderID uint, publicID string, amount int64, paymentStatus string) []byte {
	return eventVersion(id, typ, session, orderID, publicID, amount, paymentStatus, "2023-10-16")
}

func eventVersion(id, typ, session string, orderID uint, publicID string, amount int64, paymentStatus, version string) []byte {
	return fmt.Appendf(nil, `{"id":%q,"object":"event","api_version":%q,"created":1700000000,"type":%q,"livemode":false,`+
		`"data":{"object":{"id":%q,"object":"checkout.session","payment_status":%q,"status":"complete","amount_total":%d,"currency":"usd",`+
		`"client_reference_id":"%d","metadata":{"order_id":"%d","order_public_id":%q}}}}`, id, version, typ, session, paymentStatus, amount, orderID, orderID, publicID)
}

// signed returns the Stripe-Signature header for payload.
func signed(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
}

// deliver posts a correctly signed webhook and expects status.
func deliver(t testing.TB, s *apptest.Store, payload []byte, status int) string {
	t.Helper()
	return post(t, s, payload, signed(payload, webhookSecret, time.Now()), status)
}

func post(t testing.TB, s *apptest.Store, payload []byte, sig string, status int) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/webhooks/stripe", bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set("Stripe-Signature", sig)
	}
	r := s.Client().Do(req)
	if r.StatusCode != status {
		t.Fatalf("webhook: %d, want %d: %s", r.StatusCode, status, r.Body)
	}
	return r.Body
}

// stripeStore is a store on Stripe (faked, no network) with one pending order of units units.
func stripeStore(t *testing.T, units int) (*apptest.Store, *fulfillment.Order) {
	t.Helper()
	return storeWithOrder(t, withStripe(t, &recorder{fake: fakeSessions()}, "http://127.0.0.1:1"), units)
}

// storeWithOrder is a store set up by opt with one pending order of units units, placed
// through the API.
func storeWithOrder(t *testing.T, opt func(*app.Deps), units int) (*apptest.Store, *fulfillment.Order) {
	t.Helper()
	s := apptest.New(t, opt)
	r := s.Client().JSON(http.MethodPost, "/api/v1/orders", orderBody(products(t, s)[0].Code, units))
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	var o created
	r.JSON(t, &o)
	order, err := s.Deps.Fulfillment.Get(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s, order
}

func TestWebhookSignature(t *testing.T) {
	s, o := stripeStore(t, 2)
	ok := event("evt_sig", "checkout.session.completed", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "paid")
	for _, tc := range []struct {
		name, sig string
		payload   []byte
		want      string
	}{
		{"no signature", "", ok, "signature"},
		{"wrong secret", signed(ok, "whsec_other", time.Now()), ok, "signature"},
		{"stale timestamp", signed(ok, webhookSecret, time.Now().Add(-10*time.Minute)), ok, "too old"},
		{"tampered body", signed(ok, webhookSecret, time.Now()), bytes.Replace(ok, []byte(`"amount_total":`), []byte(`"amount_total":1`), 1), "signature"},
		{"garbage header", "t=abc,v1=zz", ok, "signature"},
		{"other API version", "", eventVersion("evt_v", "checkout.session.completed", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "paid", "2024-06-20"), "2023-10-16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig := tc.sig
			if tc.name == "other API version" {
				sig = signed(tc.payload, webhookSecret, time.Now())
			}
			body := post(t, s, tc.payload, sig, http.StatusBadRequest)
			if !strings.Contains(body, tc.want) {
				t.Errorf("body %s lacks %q", body, tc.want)
			}
			if w := countWork(t, s.DB); w != (counts{}) {
				t.Fatalf("something changed: %+v", w)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		big := append(bytes.Repeat([]byte(" "), 70<<10), ok...)
		post(t, s, big, signed(big, webhookSecret, time.Now()), http.StatusRequestEntityTooLarge)
	})
}

func TestWebhookIdempotentAndOrderless(t *testing.T) {
	for _, tc := range []struct {
		name    string
		events  func(o *fulfillment.Order) [][]byte
		status  string
		nEvents int64
	}{
		{"completed five times", func(o *fulfillment.Order) [][]byte {
			e := event("evt_1", "checkout.session.completed", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "paid")
			return [][]byte{e, e, e, e, e}
		}, fulfillment.OrderPaid, 1},
		{"completed after expired", func(o *fulfillment.Order) [][]byte {
			return [][]byte{
				event("evt_x", "checkout.session.expired", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "unpaid"),
				event("evt_c", "checkout.session.completed", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "paid"),
				event("evt_c", "checkout.session.completed", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "paid"),
				event("evt_x", "checkout.session.expired", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "unpaid"),
			}
		}, fulfillment.OrderPaid, 2},
		{"expired after completed", func(o *fulfillment.Order) [][]byte {
			return [][]byte{
				event("evt_c", "checkout.session.completed", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "paid"),
				event("evt_x", "checkout.session.expired", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "unpaid"),
			}
		}, fulfillment.OrderPaid, 2},
		{"expired only", func(o *fulfillment.Order) [][]byte {
			return [][]byte{event("evt_x", "checkout.session.expired", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "unpaid")}
		}, fulfillment.OrderCancelled, 1},
		{"completed but unpaid (async method)", func(o *fulfillment.Order) [][]byte {
			return [][]byte{event("evt_u", "checkout.session.completed", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "unpaid")}
		}, fulfillment.OrderPendingPayment, 0},
		{"async payment succeeded", func(o *fulfillment.Order) [][]byte {
			return [][]byte{
				event("evt_u", "checkout.session.completed", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "unpaid"),
				event("evt_a", "checkout.session.async_payment_succeeded", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "paid"),
			}
		}, fulfillment.OrderPaid, 1},
		{"other event types are ignored", func(o *fulfillment.Order) [][]byte {
			return [][]byte{event("evt_o", "payment_intent.created", o.PaymentRef, o.ID, o.PublicID, o.TotalCents, "paid")}
		}, fulfillment.OrderPendingPayment, 0},
		{"another store's order with the same number is ignored", func(o *fulfillment.Order) [][]byte {
			return [][]byte{
				event("evt_f1", "checkout.session.completed", "cs_staging", o.ID, "staging-order", o.TotalCents, "paid"),
				event("evt_f2", "checkout.session.expired", "cs_staging", o.ID, "staging-order", o.TotalCents, "unpaid"),
				event("evt_f3", "checkout.session.completed", "cs_old", o.ID, "", o.TotalCents, "paid"),
			}
		}, fulfillment.OrderPendingPayment, 0},
		{"the expiry of an older checkout of the order is ignored", func(o *fulfillment.Order) [][]byte {
			return [][]byte{event("evt_x0", "checkout.session.expired", "cs_earlier_attempt", o.ID, o.PublicID, o.TotalCents, "unpaid")}
		}, fulfillment.OrderPendingPayment, 1},
		{"an unknown order is ignored", func(o *fulfillment.Order) [][]byte {
			return [][]byte{event("evt_n", "checkout.session.completed", "cs_else", o.ID+1000, o.PublicID, o.TotalCents, "paid")}
		}, fulfillment.OrderPendingPayment, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, o := stripeStore(t, 3)
			for _, e := range tc.events(o) {
				deliver(t, s, e, http.StatusOK)
			}
			got, err := s.Deps.Fulfillment.Get(t.Context(), o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.status {
				t.Fatalf("status %s, want %s", got.Status, tc.status)
			}
			w := countWork(t, s.DB)
			want := counts{Events: tc.nEvents}
			if tc.status == fulfillment.OrderPaid {
				want = counts{Paid: 1, Jobs: 3, Tasks: 1, Outbox: 1, Events: tc.nEvents}
			}
			if w != want {
				t.Fatalf("work = %+v, want %+v", w, want)
			}
		})
	}
}

// TestWebhookAmountMismatchHolds: a paid session whose amount differs puts the order on hold
// for staff (never paid with work), and the webhook still answers 200 so Stripe stops.
func TestWebhookAmountMismatchHolds(t *testing.T) {
	s, o := stripeStore(t, 1)
	deliver(t, s, event("evt_m", "checkout.session.completed", o.PaymentRef, o.ID, o.PublicID, o.TotalCents-1, "paid"), http.StatusOK)
	got, _ := s.Deps.Fulfillment.Get(t.Context(), o.ID)
	if w := countWork(t, s.DB); got.Status != fulfillment.OrderOnHold || w.Jobs != 0 || w.Paid != 0 {
		t.Fatalf("status %s work %+v", got.Status, w)
	}
}

// TestWebhookWithoutSecret: with a Stripe key but no webhook signing secret, nothing could
// tell Stripe's events from forged ones, so the endpoint refuses them all (404, no change).
func TestWebhookWithoutSecret(t *testing.T) {
	p, err := checkout.NewStripe(checkout.StripeConfig{SecretKey: "sk_test_123", APIURL: "http://127.0.0.1:1",
		HTTPClient: &http.Client{Transport: &recorder{fake: fakeSessions()}}, MaxNetworkRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	s, order := storeWithOrder(t, func(d *app.Deps) { d.Payments, d.Demo = p, false }, 1)
	payload := event("evt_forged", "checkout.session.completed", order.PaymentRef, order.ID, order.PublicID, order.TotalCents, "paid")
	if body := post(t, s, payload, signed(payload, "", time.Now()), http.StatusNotFound); !strings.Contains(body, "signing secret") {
		t.Errorf("refusal %q does not say why", body)
	}
	if w := countWork(t, s.DB); w != (counts{}) {
		t.Fatalf("work after a refused webhook: %+v", w)
	}
}

// TestWebhookDemoMode: without Stripe the endpoint does not exist.
func TestWebhookDemoMode(t *testing.T) {
	s := apptest.New(t)
	post(t, s, []byte(`{}`), "", http.StatusNotFound)
}
