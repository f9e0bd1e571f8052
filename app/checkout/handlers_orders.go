package checkout

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

// missingView is the friendly 404 of an order page seen from another browser.
type missingView struct{ web.Page }

// OrderShow is the order page, for the session that placed the order or its customer: a
// progress bar, the bottles, totals, the address, what happens next and tracking. Anyone
// else gets a 404 that suggests signing in (orders are never shown by id alone).
func (h *Handlers) OrderShow(c echo.Context) error {
	o, err := h.orderFor(c, "id")
	if errors.Is(err, fulfillment.ErrNotFound) {
		v := &missingView{}
		v.Title = "Order not found"
		return h.env.Render.Render(c, http.StatusNotFound, "checkout/order_missing", v)
	}
	if err != nil {
		return err
	}
	v := newOrderView(o)
	v.Demo, v.Thanks = h.demo(), c.QueryParam("paid") != "" && o.PaidAt != nil
	ctx := c.Request().Context()
	if v.Events, err = h.orders.Events(ctx, o.ID); err != nil {
		return err
	}
	if v.Tracking, err = h.parcels(ctx, o); err != nil {
		return err
	}
	return h.env.Render.Render(c, http.StatusOK, "checkout/order", v)
}

// parcels returns the tracking of o's shipped units; an order not yet in production has none,
// and is not looked up (order creation and payment answer with the order).
func (h *Handlers) parcels(ctx context.Context, o *fulfillment.Order) ([]fulfillment.Tracking, error) {
	if o.Status == fulfillment.OrderPendingPayment || o.Status == fulfillment.OrderPaid {
		return nil, nil
	}
	tr, err := h.orders.TrackingOf(ctx, o.ID)
	return tr[o.ID], err
}

// OrderItemPreview serves the bottle picture frozen in an order line, to its owner only.
func (h *Handlers) OrderItemPreview(c echo.Context) error {
	o, err := h.orderFor(c, "id")
	if err != nil {
		return err
	}
	item, _ := strconv.ParseUint(c.Param("item"), 10, 32)
	for _, it := range o.Items {
		if uint64(it.ID) == item && it.PreviewSVG != "" {
			hd := c.Response().Header()
			hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
			hd.Set("Cache-Control", "private, max-age=86400")
			return c.Blob(http.StatusOK, "image/svg+xml", []byte(it.PreviewSVG))
		}
	}
	return web.NotFound
}
