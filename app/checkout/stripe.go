package checkout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"github.com/stripe/stripe-go/v76/webhook"

	"atelier/fulfillment"
)

// StripeAPIVersion is the Stripe API version stripe-go v76 speaks. The webhook endpoint in
// the Stripe dashboard must be created on this version: events of any other version are
// refused (400) rather than half-decoded.
const StripeAPIVersion = "2023-10-16"

// WebhookTolerance is how old a webhook signature's timestamp may be.
const WebhookTolerance = 5 * time.Minute

// StripeConfig configures the Stripe provider.
type StripeConfig struct {
	SecretKey     string // sk_test_… or sk_live_…
	WebhookSecret string // whsec_… of the webhook endpoint
	// APIURL overrides Stripe's API address (tests point it at stripe-mock); "" = Stripe.
	APIURL string
	// HTTPClient is used for every call to Stripe (default: 30 s timeout).
	HTTPClient *http.Client
	// MaxNetworkRetries is how often a failed call is retried with the same idempotency key
	// (default 2; negative = none).
	MaxNetworkRetries int64
	Log               *slog.Logger
}

// Stripe takes payments with hosted Stripe Checkout Sessions (payment mode, price_data line
// items priced from our order), learns of them from signed webhooks, and checks a session
// when the shopper returns. It uses its own client instance, never stripe-go's globals.
type Stripe struct {
	api *client.API
	cfg StripeConfig
}

// NewStripe builds the provider.
func NewStripe(cfg StripeConfig) (*Stripe, error) {
	if cfg.SecretKey == "" {
		return nil, errors.New("stripe: a secret key is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	retries := cfg.MaxNetworkRetries
	switch {
	case retries == 0:
		retries = 2
	case retries < 0:
		retries = 0
	}
	bc := &stripe.BackendConfig{HTTPClient: cfg.HTTPClient, MaxNetworkRetries: stripe.Int64(retries),
		LeveledLogger: slogLeveled{cfg.Log}, EnableTelemetry: stripe.Bool(false)}
	if cfg.APIURL != "" {
		if u, err := url.Parse(cfg.APIURL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("stripe: API URL %q: want http(s)://host[:port]", cfg.APIURL)
		}
		bc.URL = stripe.String(strings.TrimRight(cfg.APIURL, "/"))
	}
	api := client.New(cfg.SecretKey, &stripe.Backends{
		API:     stripe.GetBackendWithConfig(stripe.APIBackend, bc),
		Connect: stripe.GetBackendWithConfig(stripe.ConnectBackend, bc),
		Uploads: stripe.GetBackendWithConfig(stripe.UploadsBackend, bc),
	})
	return &Stripe{api: api, cfg: cfg}, nil
}

// Name reports fulfillment.ProviderStripe.
func (*Stripe) Name() string { return fulfillment.ProviderStripe }

// IdempotencyKey is the key of the Checkout Session request for an order's payment attempt:
// a retry of the same attempt gets the same session back from Stripe; a new attempt (after
// fulfillment.BumpPaymentAttempt) gets a new one.
func IdempotencyKey(o *fulfillment.Order) string {
	return fmt.Sprintf("atelier-checkout-%s-%d", o.PublicID, o.PaymentAttemptRev)
}

// SessionParams are the Checkout Session parameters for an order: one price_data line per
// order line at our server-side unit price, flat shipping as a fixed shipping rate, the
// order id in metadata and client_reference_id.
func SessionParams(o *fulfillment.Order, back Return) *stripe.CheckoutSessionParams {
	cur := strings.ToLower(o.Currency)
	id := strconv.FormatUint(uint64(o.ID), 10)
	p := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		SuccessURL:        stripe.String(back.SuccessURL),
		CancelURL:         stripe.String(back.CancelURL),
		ClientReferenceID: stripe.String(id),
		CustomerEmail:     stripe.String(o.Email),
		PaymentIntentData: &stripe.CheckoutSessionPaymentIntentDataParams{Metadata: map[string]string{"order_id": id}},
	}
	p.AddMetadata("order_id", id)
	p.AddMetadata("order_public_id", o.PublicID)
	for _, it := range o.Items {
		name := it.Name
		if it.SizeLabel != "" {
			name += " · " + it.SizeLabel
		}
		p.LineItems = append(p.LineItems, &stripe.CheckoutSessionLineItemParams{
			Quantity: stripe.Int64(int64(it.Quantity)),
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(cur),
				UnitAmount:  stripe.Int64(it.UnitPriceCents),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(name)},
			},
		})
	}
	if o.ShippingCents > 0 {
		p.ShippingOptions = []*stripe.CheckoutSessionShippingOptionParams{{
			ShippingRateData: &stripe.CheckoutSessionShippingOptionShippingRateDataParams{
				Type:        stripe.String("fixed_amount"),
				DisplayName: stripe.String("Tracked shipping"),
				FixedAmount: &stripe.CheckoutSessionShippingOptionShippingRateDataFixedAmountParams{
					Amount: stripe.Int64(o.ShippingCents), Currency: stripe.String(cur)},
			},
		}}
	}
	p.SetIdempotencyKey(IdempotencyKey(o))
	return p
}

// Start creates the order's Checkout Session (or gets the same one back for a retry of the
// same attempt) and returns its hosted URL and id. A Stripe error is wrapped in ErrProvider;
// an idempotency conflict is *IdempotencyConflict so the caller can start a new attempt.
func (s *Stripe) Start(ctx context.Context, o *fulfillment.Order, back Return) (Redirect, error) {
	p := SessionParams(o, back)
	p.Context = ctx
	sess, err := s.api.CheckoutSessions.New(p)
	if err != nil {
		var se *stripe.Error
		if errors.As(err, &se) && se.Type == stripe.ErrorTypeIdempotency {
			return Redirect{}, &IdempotencyConflict{Err: err}
		}
		return Redirect{}, fmt.Errorf("%w: create checkout session: %w", ErrProvider, err)
	}
	return Redirect{URL: sess.URL, Ref: sess.ID}, nil
}

// IdempotencyConflict: Stripe refused an idempotency key reused with other parameters.
type IdempotencyConflict struct{ Err error }

func (e *IdempotencyConflict) Error() string { return "stripe idempotency conflict: " + e.Err.Error() }
func (e *IdempotencyConflict) Unwrap() error { return e.Err }

// WebhooksOn reports whether a webhook signing secret is configured; without one every
// webhook is refused (an empty secret would let anyone sign an event).
func (s *Stripe) WebhooksOn() bool { return s.cfg.WebhookSecret != "" }

// ParseWebhook verifies a webhook body with the endpoint's signing secret (tolerance
// WebhookTolerance) and reads checkout.session.completed, .async_payment_succeeded and
// .expired events; every other event type is Ignored.
func (s *Stripe) ParseWebhook(body []byte, signature string) (Notification, error) {
	if !s.WebhooksOn() {
		return Notification{}, fmt.Errorf("%w: no webhook signing secret is configured", ErrBadSignature)
	}
	ev, err := webhook.ConstructEventWithOptions(body, signature, s.cfg.WebhookSecret,
		webhook.ConstructEventOptions{Tolerance: WebhookTolerance})
	if err != nil {
		var probe struct {
			APIVersion string `json:"api_version"`
		}
		if verr := webhook.ValidatePayloadWithTolerance(body, signature, s.cfg.WebhookSecret, WebhookTolerance); verr == nil &&
			json.Unmarshal(body, &probe) == nil && probe.APIVersion != stripe.APIVersion {
			return Notification{}, fmt.Errorf("%w: event is %s, this store speaks %s; create the webhook endpoint on API version %s",
				ErrAPIVersion, probe.APIVersion, stripe.APIVersion, StripeAPIVersion)
		}
		return Notification{}, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	n := Notification{Type: string(ev.Type), EventID: ev.ID}
	switch ev.Type {
	case "checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.expired":
	default:
		return n, nil
	}
	var cs stripe.CheckoutSession
	if err := json.Unmarshal(ev.Data.Raw, &cs); err != nil {
		return n, fmt.Errorf("%w: unreadable checkout session: %w", ErrBadSignature, err)
	}
	fill(&n, &cs)
	switch {
	case ev.Type == "checkout.session.expired":
		n.Kind = Expired
	case cs.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid:
		n.Kind = Completed
	}
	if n.OrderID == 0 {
		n.Kind = Ignored // not one of our sessions
	}
	return n, nil
}

// Lookup retrieves a Checkout Session: Completed (event id "session:"+id) when it is paid.
func (s *Stripe) Lookup(ctx context.Context, ref string) (Notification, error) {
	p := &stripe.CheckoutSessionParams{}
	p.Context = ctx
	cs, err := s.api.CheckoutSessions.Get(ref, p)
	if err != nil {
		var se *stripe.Error
		if errors.As(err, &se) && se.HTTPStatusCode == http.StatusNotFound {
			return Notification{}, fulfillment.ErrNotFound
		}
		return Notification{}, fmt.Errorf("%w: retrieve checkout session: %w", ErrProvider, err)
	}
	n := Notification{Type: "checkout.session.retrieved", EventID: "session:" + cs.ID}
	fill(&n, cs)
	if cs.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid && n.OrderID != 0 {
		n.Kind = Completed
	}
	return n, nil
}

// Refund gives back the payment of an order paid through a Checkout Session (o.PaymentRef):
// it finds the session's PaymentIntent and refunds it in full. The idempotency key is the
// order's, so a retry (after a timeout, or a second click) returns the same refund. A payment
// already refunded in the Stripe dashboard gives that refund's id.
func (s *Stripe) Refund(ctx context.Context, o *fulfillment.Order) (string, error) {
	if o.PaymentRef == "" {
		return "", fmt.Errorf("%w: order %d has no Stripe payment reference", ErrProvider, o.ID)
	}
	gp := &stripe.CheckoutSessionParams{}
	gp.Context = ctx
	cs, err := s.api.CheckoutSessions.Get(o.PaymentRef, gp)
	if err != nil {
		return "", fmt.Errorf("%w: retrieve checkout session: %w", ErrProvider, err)
	}
	if cs.PaymentIntent == nil || cs.PaymentIntent.ID == "" {
		return "", fmt.Errorf("%w: checkout session %s has no payment to refund", ErrProvider, cs.ID)
	}
	rp := &stripe.RefundParams{PaymentIntent: stripe.String(cs.PaymentIntent.ID)}
	rp.Context = ctx
	rp.SetIdempotencyKey(fmt.Sprintf("atelier-refund-order-%d", o.ID))
	rp.AddMetadata("order_id", strconv.FormatUint(uint64(o.ID), 10))
	r, err := s.api.Refunds.New(rp)
	var se *stripe.Error
	if errors.As(err, &se) && se.Code == stripe.ErrorCodeChargeAlreadyRefunded {
		// Refunded in the Stripe dashboard already: name that refund, so the order can be
		// recorded as refunded here too.
		lp := &stripe.RefundListParams{PaymentIntent: stripe.String(cs.PaymentIntent.ID)}
		lp.Context = ctx
		it := s.api.Refunds.List(lp)
		if it.Next() {
			return it.Refund().ID, nil
		}
		if err := it.Err(); err != nil {
			return "", fmt.Errorf("%w: list refunds: %w", ErrProvider, err)
		}
		return "refunded at Stripe", nil
	}
	if err != nil {
		return "", fmt.Errorf("%w: refund: %w", ErrProvider, err)
	}
	return r.ID, nil
}

func fill(n *Notification, cs *stripe.CheckoutSession) {
	n.Ref, n.AmountCents, n.Currency = cs.ID, cs.AmountTotal, string(cs.Currency)
	ref := cs.Metadata["order_id"]
	if ref == "" {
		ref = cs.ClientReferenceID
	}
	if id, err := strconv.ParseUint(ref, 10, 32); err == nil {
		n.OrderID = uint(id)
	}
	n.OrderPublic = cs.Metadata["order_public_id"]
	if n.OrderPublic == "" {
		n.OrderID = 0 // not a session this store made: every one of ours carries both ids
	}
}

// slogLeveled sends stripe-go's own logging to slog.
type slogLeveled struct{ log *slog.Logger }

func (l slogLeveled) Debugf(f string, v ...any) { l.log.Debug("stripe: " + fmt.Sprintf(f, v...)) }
func (l slogLeveled) Infof(f string, v ...any)  { l.log.Debug("stripe: " + fmt.Sprintf(f, v...)) }
func (l slogLeveled) Warnf(f string, v ...any)  { l.log.Warn("stripe: " + fmt.Sprintf(f, v...)) }
func (l slogLeveled) Errorf(f string, v ...any) { l.log.Error("stripe: " + fmt.Sprintf(f, v...)) }
