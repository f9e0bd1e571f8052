package checkout

import (
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

// StripeWebhook receives Stripe's signed events. It reads at most WebhookBodyLimit bytes,
// verifies the signature (400 and no change when it is bad or stale, or when the endpoint
// is on another API version), then pays the order on checkout.session.completed (paid) or
// checkout.session.async_payment_succeeded (delayed payment methods) and cancels it on
// checkout.session.expired. Every effect is idempotent by event id, so
// redeliveries and out-of-order events change nothing; other event types are answered 200
// and ignored. A database failure answers 500 so that Stripe delivers again.
func (h *Handlers) StripeWebhook(c echo.Context) error {
	wh, ok := h.pay.(Webhooks)
	if !ok || !wh.WebhooksOn() {
		// No signing secret configured: nothing could tell Stripe's events from forgeries.
		return web.Errorf(http.StatusNotFound, "This store does not take Stripe webhooks: no webhook signing secret is configured.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, WebhookBodyLimit))
	if err != nil {
		return web.Errorf(http.StatusRequestEntityTooLarge, "The webhook body is too large.")
	}
	n, err := wh.ParseWebhook(body, c.Request().Header.Get("Stripe-Signature"))
	if errors.Is(err, ErrAPIVersion) {
		h.svc.Log.Error("stripe webhook refused: recreate the endpoint on API version "+StripeAPIVersion, slog.Any("error", err))
	} else if err != nil {
		h.svc.Log.Warn("stripe webhook refused", slog.Any("error", err))
	}
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	log := h.svc.Log.With("event_id", n.EventID, "type", n.Type, "order_id", n.OrderID)
	switch n.Kind {
	case Completed:
		_, err = h.svc.Confirm(ctx, fulfillment.PaymentConfirmation{OrderID: n.OrderID, OrderPublicID: n.OrderPublic,
			Provider: h.pay.Name(), PaymentRef: n.Ref, EventID: n.EventID, AmountCents: n.AmountCents, Currency: n.Currency})
	case Expired:
		_, err = h.orders.MarkExpired(ctx, fulfillment.CheckoutExpiry{OrderID: n.OrderID,
			OrderPublicID: n.OrderPublic, PaymentRef: n.Ref, EventID: n.EventID})
	default:
		return c.JSON(http.StatusOK, map[string]any{"received": true, "ignored": true})
	}
	switch {
	case errors.Is(err, fulfillment.ErrNotFound):
		log.Warn("webhook for an unknown order; ignored")
	case errors.Is(err, fulfillment.ErrPaymentMismatch):
		log.Error("payment does not match its order; order held for review", slog.Any("error", err))
	case err != nil:
		return err
	default:
		log.Info("webhook handled")
	}
	return c.JSON(http.StatusOK, map[string]any{"received": true})
}

// CheckoutSuccess is where Stripe sends the shopper after paying: it retrieves the session
// and, when it is paid, confirms the payment through the same idempotent path as the
// webhook (event id "session:"+id), so the shopper sees "paid" even before the webhook.
func (h *Handlers) CheckoutSuccess(c echo.Context) error {
	lk, ok := h.pay.(Lookup)
	id := c.QueryParam("session_id")
	if !ok || id == "" || len(id) > 255 {
		return web.NotFound
	}
	n, err := lk.Lookup(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if n.OrderID == 0 {
		return web.NotFound
	}
	if n.Kind == Completed {
		_, err = h.svc.Confirm(c.Request().Context(), fulfillment.PaymentConfirmation{OrderID: n.OrderID,
			OrderPublicID: n.OrderPublic, Provider: h.pay.Name(), PaymentRef: n.Ref, EventID: n.EventID, AmountCents: n.AmountCents, Currency: n.Currency})
		if err != nil && !errors.Is(err, fulfillment.ErrPaymentMismatch) {
			return err
		}
		return c.Redirect(http.StatusSeeOther, OrderPath(n.OrderID)+"?paid=1")
	}
	return c.Redirect(http.StatusSeeOther, OrderPath(n.OrderID))
}

// CheckoutCancel is where Stripe sends a shopper who left the payment page: back to the
// bag, which is kept until the order is paid.
func (h *Handlers) CheckoutCancel(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/bag?cancelled=1")
}

// OrderPay resumes the payment of the visitor's pending order (same attempt, so Stripe
// returns the same session while it is open).
func (h *Handlers) OrderPay(c echo.Context) error {
	o, err := h.orderFor(c, "id")
	if err != nil {
		return err
	}
	if o.Status != fulfillment.OrderPendingPayment {
		return c.Redirect(http.StatusSeeOther, OrderPath(o.ID))
	}
	url, err := h.svc.Pay(c.Request().Context(), o, h.returnURLs(o))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, url)
}

// DemoPayShow is the demo payment page of the visitor's order (demo mode only).
func (h *Handlers) DemoPayShow(c echo.Context) error {
	o, err := h.demoOrder(c)
	if err != nil {
		return err
	}
	if o.Status != fulfillment.OrderPendingPayment && o.Status != fulfillment.OrderCancelled {
		return c.Redirect(http.StatusSeeOther, OrderPath(o.ID))
	}
	v := &demoPayView{Order: o}
	v.Title = "Demo payment"
	return h.env.Render.Render(c, http.StatusOK, "checkout/demo_pay", v)
}

// DemoPaySubmit confirms a demo payment of the order's total through the same path as
// Stripe's webhook (event id "demo:"+order id), then shows the order.
func (h *Handlers) DemoPaySubmit(c echo.Context) error {
	o, err := h.demoPay(c)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, OrderPath(o.ID)+"?paid=1")
}

func (h *Handlers) demoOrder(c echo.Context) (*fulfillment.Order, error) {
	if !h.demo() {
		return nil, web.NotFound
	}
	o, err := h.orderFor(c, "id")
	if err != nil {
		return nil, err
	}
	if o.PaymentProvider != fulfillment.ProviderDemo {
		return nil, web.NotFound
	}
	return o, nil
}

func (h *Handlers) demoPay(c echo.Context) (*fulfillment.Order, error) {
	o, err := h.demoOrder(c)
	if err != nil {
		return nil, err
	}
	return h.svc.Confirm(c.Request().Context(), fulfillment.PaymentConfirmation{OrderID: o.ID,
		OrderPublicID: o.PublicID, Provider: fulfillment.ProviderDemo, EventID: DemoEventID(o.ID), AmountCents: o.TotalCents, Currency: o.Currency})
}
