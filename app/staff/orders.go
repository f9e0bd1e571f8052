package staff

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

// Refunder gives an order's payment back through the provider it was paid with (checkout.Demo
// and checkout.Stripe implement it). A second call for the same order returns the same refund.
type Refunder interface {
	Refund(ctx context.Context, o *fulfillment.Order) (ref string, err error)
}

// SetRefunders says which payment providers can refund, by fulfillment.ProviderDemo or
// ProviderStripe. An order paid through a provider not listed cannot be refunded from the
// console.
func (h *Handlers) SetRefunders(r map[string]Refunder) { h.refunders = r }

// orderView is the console's page of one order.
type orderView struct {
	web.Page
	Order      *fulfillment.Order
	Events     []fulfillment.OrderEvent
	Jobs       []fulfillment.ProductionJob
	Refundable bool // an admin may refund it here
	Errors     map[string]string
	Reason     string
}

// OrderShow is one order: what was bought, the payment, the history and every unit's job
// (GET /staff/orders/:id); admins get the refund form while the order is refundable.
func (h *Handlers) OrderShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	v, err := h.orderView(c, id)
	if err != nil {
		return err
	}
	return h.env.Render.Render(c, http.StatusOK, "staff/order", v)
}

func (h *Handlers) orderView(c echo.Context, id uint) (*orderView, error) {
	o, err := h.ful.Get(ctx(c), id)
	if err != nil {
		return nil, err
	}
	events, err := h.ful.Events(ctx(c), id)
	if err != nil {
		return nil, err
	}
	jobs, err := h.ful.JobsForOrder(ctx(c), id)
	if err != nil {
		return nil, err
	}
	v := &orderView{Order: o, Events: events, Jobs: jobs}
	v.Refundable = MemberOf(c).Role == fulfillment.RoleAdmin && fulfillment.Refundable(o.Status) && h.refunders[o.PaymentProvider] != nil
	v.Title = fmt.Sprintf("Order #%d", id)
	return v, nil
}

// OrderRefund gives the whole payment back and stops the order's work (admin; POST
// /staff/orders/:id/refund with reason). The provider refunds first, with an idempotency key
// per order, then fulfillment.Refund records it; if that fails, the same click again finds the
// same refund at the provider and records it.
func (h *Handlers) OrderRefund(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	o, err := h.ful.Get(ctx(c), id)
	if err != nil {
		return err
	}
	reason, err := fulfillment.CheckRefundReason(c.FormValue("reason"))
	if err == nil && !fulfillment.Refundable(o.Status) {
		err = &fulfillment.IllegalTransitionError{Object: fmt.Sprintf("order:%d", o.ID), From: o.Status, To: fulfillment.OrderRefunded}
	}
	if err != nil {
		return h.refundForm(c, id, err)
	}
	refunder := h.refunders[o.PaymentProvider]
	if refunder == nil {
		return web.Errorf(http.StatusConflict, "This order was paid through %q, which this store is not set up to refund: refund it in that provider's dashboard.", o.PaymentProvider)
	}
	ref, err := refunder.Refund(ctx(c), o)
	if err != nil {
		h.env.Log.Error("refund at the payment provider failed", "order_id", o.ID, "provider", o.PaymentProvider, "err", err)
		return web.Errorf(http.StatusBadGateway, "The payment service did not refund the order, so nothing was changed. Try again in a moment.")
	}
	_, err = h.ful.Refund(ctx(c), actor(c), id, reason, ref)
	if err == nil {
		h.env.Log.Info("order refunded", "order_id", o.ID, "refund", ref, "staff_id", MemberOf(c).ID)
		if h.changed != nil && o.CustomerID != nil {
			h.changed(ctx(c), *o.CustomerID)
		}
	}
	return h.refundForm(c, id, err)
}

// refundForm ends a refund post (see formResult): the order page with the reason's message,
// another error, or the order page after a refund.
func (h *Handlers) refundForm(c echo.Context, id uint, err error) error {
	return h.formResult(c, err, "staff/order", func(fields map[string]string) (web.View, error) {
		v, err := h.orderView(c, id)
		if err != nil {
			return nil, err
		}
		v.Errors, v.Reason = fields, c.FormValue("reason")
		return v, nil
	}, fmt.Sprintf("/staff/orders/%d", id))
}
