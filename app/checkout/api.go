package checkout

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

// apiOrderRequest is the body of POST /api/v1/orders. Prices and totals are not part of it:
// any such field a client sends is ignored.
type apiOrderRequest struct {
	Items []struct {
		Code     string  `json:"code"`
		Size     string  `json:"size"`
		Quantity float64 `json:"quantity"` // a number of any size, so 1e9 is a 422, not a 400
		Name     string  `json:"name"`
	} `json:"items"`
	Email           string              `json:"email"`
	ShippingAddress fulfillment.Address `json:"shipping_address"`
}

// OrderJSON is an order in the JSON API (GET /api/v1/orders/{id}, /api/v1/me/orders): what
// its shopper may see, never the store's payment internals.
type OrderJSON struct {
	ID              uint                `json:"id"`
	Status          string              `json:"status"`
	SubtotalCents   int64               `json:"subtotal_cents"`
	ShippingCents   int64               `json:"shipping_cents"`
	TotalCents      int64               `json:"total_cents"`
	Currency        string              `json:"currency"`
	Email           string              `json:"email"`
	ShippingAddress fulfillment.Address `json:"shipping_address"`
	Items           []OrderItemJSON     `json:"items"`
	PaymentURL      string              `json:"payment_url,omitempty"`
	CreatedAt       time.Time           `json:"created_at"`
	PaidAt          *time.Time          `json:"paid_at,omitempty"`
	ShippedAt       *time.Time          `json:"shipped_at,omitempty"`
	DeliveredAt     *time.Time          `json:"delivered_at,omitempty"`
	// Tracking lists the parcels shipped so far (empty before shipping).
	Tracking []fulfillment.Tracking `json:"tracking"`
}

// OrderItemJSON is one line of an OrderJSON.
type OrderItemJSON struct {
	Code           string `json:"code"`
	Line           string `json:"line"`
	Name           string `json:"name"`
	Size           string `json:"size"`
	Quantity       int    `json:"quantity"`
	UnitPriceCents int64  `json:"unit_price_cents"`
	LineTotalCents int64  `json:"line_total_cents"`
	PreviewURL     string `json:"preview_url"`
}

func (h *Handlers) apiOrder(ctx context.Context, o *fulfillment.Order, payURL string) (OrderJSON, error) {
	tr, err := h.parcels(ctx, o)
	if err != nil {
		return OrderJSON{}, err
	}
	out := NewOrderJSON(o, tr)
	out.PaymentURL = payURL
	if payURL == "" && h.demo() && o.Status == fulfillment.OrderPendingPayment {
		out.PaymentURL = h.env.AbsURL(DemoPayPath(o.ID))
	}
	return out, nil
}

// NewOrderJSON is o as its shopper sees it in the API, with its parcels (TrackingOf).
func NewOrderJSON(o *fulfillment.Order, tracking []fulfillment.Tracking) OrderJSON {
	out := OrderJSON{ID: o.ID, Status: o.Status, SubtotalCents: o.SubtotalCents, ShippingCents: o.ShippingCents,
		TotalCents: o.TotalCents, Currency: o.Currency, Email: o.Email, CreatedAt: o.CreatedAt, PaidAt: o.PaidAt,
		ShippedAt: o.ShippedAt, DeliveredAt: o.DeliveredAt,
		ShippingAddress: fulfillment.Address{Name: o.ShipName, Line1: o.ShipLine1, Line2: o.ShipLine2, City: o.ShipCity,
			PostalCode: o.ShipPostalCode, Country: o.ShipCountry}, Items: []OrderItemJSON{}, Tracking: tracking}
	if out.Tracking == nil {
		out.Tracking = []fulfillment.Tracking{}
	}
	for _, v := range newOrderView(o).Items {
		out.Items = append(out.Items, OrderItemJSON{Code: v.Code, Line: v.Line, Name: v.Name, Size: v.SizeLabel,
			Quantity: v.Quantity, UnitPriceCents: v.UnitPriceCents, LineTotalCents: v.LineTotalCents, PreviewURL: v.PreviewURL})
	}
	return out
}

// APIOrderCreate places an order from JSON (items by code, size and quantity; email;
// shipping address), priced from the catalog, and starts its payment: 201 with the order
// and payment_url. Every bad field is reported at once (422).
func (h *Handlers) APIOrderCreate(c echo.Context) error {
	var req apiOrderRequest
	if err := web.BindJSON(c, &req); err != nil {
		return err
	}
	reqs := make([]Request, len(req.Items))
	for i, it := range req.Items {
		q := -1
		if it.Quantity == math.Trunc(it.Quantity) && math.Abs(it.Quantity) <= 1e6 {
			q = int(it.Quantity)
		}
		reqs[i] = Request{Code: it.Code, Size: it.Size, LabelName: it.Name, Quantity: q}
	}
	ctx := c.Request().Context()
	o, err := h.svc.PlaceOrder(ctx, h.ownerOf(c), Contact{Email: req.Email, Shipping: req.ShippingAddress}, reqs)
	if err != nil {
		return err
	}
	url, err := h.svc.Pay(ctx, o, h.returnURLs(o))
	if err != nil {
		return err
	}
	out, err := h.apiOrder(ctx, o, url)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// APIOrderGet returns an order to the session that placed it (or its customer); 404 to
// anyone else.
func (h *Handlers) APIOrderGet(c echo.Context) error {
	o, err := h.orderFor(c, "id")
	if err != nil {
		return err
	}
	out, err := h.apiOrder(c.Request().Context(), o, "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// APIDemoPayment pays an order in demo mode (404 when payments run on Stripe).
func (h *Handlers) APIDemoPayment(c echo.Context) error {
	o, err := h.demoPay(c)
	if err != nil {
		return err
	}
	out, err := h.apiOrder(c.Request().Context(), o, "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
