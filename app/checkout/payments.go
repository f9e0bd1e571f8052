package checkout

import (
	"context"
	"errors"
	"strconv"

	"atelier/fulfillment"
)

// Provider takes the payment for an order. Start never runs inside a database transaction:
// it may call a payment service over the network.
type Provider interface {
	// Name is fulfillment.ProviderStripe or fulfillment.ProviderDemo; orders record it.
	Name() string
	// Start begins (or, for the same order and payment attempt, resumes) the payment and
	// returns where to send the shopper and the provider's reference (e.g. the Checkout
	// Session id; "" when the provider has none).
	Start(ctx context.Context, o *fulfillment.Order, back Return) (Redirect, error)
}

// Return is where a provider sends the shopper back: absolute URLs.
type Return struct {
	SuccessURL string // Stripe appends ?session_id={CHECKOUT_SESSION_ID}
	CancelURL  string
}

// Redirect is where the shopper pays.
type Redirect struct {
	URL string
	Ref string
}

// Webhooks is implemented by providers that report payments by signed webhook.
type Webhooks interface {
	// ParseWebhook verifies the signature of a raw webhook body and says what it reports.
	// A bad or stale signature is ErrBadSignature; an event of another API version is
	// ErrAPIVersion.
	ParseWebhook(body []byte, signature string) (Notification, error)
	// WebhooksOn reports whether the provider can verify webhooks (it has a signing secret).
	WebhooksOn() bool
}

// Refunder is implemented by providers that can give an order's payment back.
type Refunder interface {
	// Refund returns the whole payment of o (paid through this provider, with o.PaymentRef
	// its reference) and gives the provider's refund reference. Calling it again for the same
	// order returns the same refund rather than a second one.
	Refund(ctx context.Context, o *fulfillment.Order) (ref string, err error)
}

// Lookup is implemented by providers whose payment can be checked when the shopper returns.
type Lookup interface {
	// Lookup asks the provider about the payment ref (e.g. a Checkout Session id).
	Lookup(ctx context.Context, ref string) (Notification, error)
}

// Kind is what a notification reports.
type Kind int

// Notification kinds.
const (
	Ignored   Kind = iota // not about a payment of ours, or not final yet
	Completed             // paid
	Expired               // the payment page expired unpaid
)

// Notification is what a provider reports about one payment.
type Notification struct {
	Kind        Kind
	Type        string // the provider's event type, for logs
	EventID     string // unique per notification (Stripe event id, or "session:"+id)
	OrderID     uint
	OrderPublic string // the order's public id echoed back (metadata.order_public_id)
	Ref         string
	AmountCents int64
	Currency    string
}

// Errors of payment providers.
var (
	// ErrBadSignature: a webhook whose signature is missing, wrong or too old (400).
	ErrBadSignature = errors.New("checkout: webhook signature is not valid")
	// ErrAPIVersion: a webhook from an endpoint on another Stripe API version (400).
	ErrAPIVersion = errors.New("checkout: webhook API version does not match")
	// ErrProvider: the payment service failed or could not be reached (502).
	ErrProvider = errors.New("checkout: the payment service is unavailable")
)

// Demo is the built-in payment provider used when no Stripe key is configured: a page in the
// store, clearly marked as a demo, confirms the payment through the same path as Stripe's
// webhook. No card is charged.
type Demo struct {
	// Base is the store's public base URL, e.g. "http://localhost:8080".
	Base string
}

// Name reports fulfillment.ProviderDemo.
func (Demo) Name() string { return fulfillment.ProviderDemo }

// Start returns the store's demo payment page for the order.
func (d Demo) Start(_ context.Context, o *fulfillment.Order, _ Return) (Redirect, error) {
	return Redirect{URL: d.Base + DemoPayPath(o.ID)}, nil
}

// Refund of a demo payment: no money moved, so there is nothing to give back but a reference.
func (Demo) Refund(_ context.Context, o *fulfillment.Order) (string, error) {
	return "demo_refund_" + strconv.FormatUint(uint64(o.ID), 10), nil
}

// DemoPayPath is the demo payment page of an order.
func DemoPayPath(orderID uint) string { return "/pay/demo/" + strconv.FormatUint(uint64(orderID), 10) }

// DemoEventID is the payment event id of a demo payment: one per order.
func DemoEventID(orderID uint) string { return "demo:" + strconv.FormatUint(uint64(orderID), 10) }
