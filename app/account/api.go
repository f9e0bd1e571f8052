package account

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"atelier/app/checkout"
	"atelier/app/web"
)

// MeJSON is GET /api/v1/me.
type MeJSON struct {
	ID             uint      `json:"id"`
	Email          string    `json:"email"`
	Name           string    `json:"name"`
	EmailVerified  bool      `json:"email_verified"`
	MarketingOptIn bool      `json:"marketing_opt_in"`
	CreatedAt      time.Time `json:"created_at"`
}

// APIMe is GET /api/v1/me: the signed-in customer (401 otherwise).
func (h *Handlers) APIMe(c echo.Context) error {
	cust := CurrentCustomer(c)
	return c.JSON(http.StatusOK, MeJSON{ID: cust.ID, Email: cust.Email, Name: cust.Name, EmailVerified: cust.Verified(),
		MarketingOptIn: cust.MarketingOptIn, CreatedAt: cust.CreatedAt})
}

// APIOrders is GET /api/v1/me/orders: the customer's orders, newest first, with items and
// tracking, in the shape of GET /api/v1/orders/{id}.
func (h *Handlers) APIOrders(c echo.Context) error {
	ctx := c.Request().Context()
	orders, err := h.d.Orders.ListForCustomer(ctx, CurrentCustomer(c).ID)
	if err != nil {
		return err
	}
	ids := make([]uint, len(orders))
	for i := range orders {
		ids[i] = orders[i].ID
	}
	tracking, err := h.d.Orders.TrackingOf(ctx, ids...)
	if err != nil {
		return err
	}
	out := make([]checkout.OrderJSON, len(orders))
	for i := range orders {
		out[i] = checkout.NewOrderJSON(&orders[i], tracking[orders[i].ID])
	}
	return c.JSON(http.StatusOK, map[string]any{"orders": out})
}

// APIProducts is GET /api/v1/me/products: each distinct product bought.
func (h *Handlers) APIProducts(c echo.Context) error {
	ctx := c.Request().Context()
	cust := CurrentCustomer(c)
	owned, _, err := h.ownedProducts(ctx, cust.ID, h.profileOf(ctx, cust.ID))
	if err != nil {
		return err
	}
	if owned == nil {
		owned = []OwnedProduct{}
	}
	return c.JSON(http.StatusOK, map[string]any{"products": owned})
}

// APIReorder is POST /api/v1/me/products/:code/reorder (body optional:
// {"accept_changes": true}). The same configuration at today's price goes into the bag (200,
// added true). When today's catalog cannot make it exactly, the answer is 409 with the
// nearest product and the changes, unless accept_changes is set, which adds the nearest one.
func (h *Handlers) APIReorder(c echo.Context) error {
	var body struct {
		AcceptChanges bool `json:"accept_changes"`
	}
	if c.Request().ContentLength != 0 {
		if err := web.BindJSON(c, &body); err != nil {
			return err
		}
	}
	r, prof, err := h.reorderOwned(c.Request().Context(), CurrentCustomer(c), c.Param("code"))
	if err != nil {
		return err
	}
	if !r.Same && !body.AcceptChanges {
		return &web.Error{Status: http.StatusConflict, Message: "Our catalog changed since your order, so we cannot make exactly the same product; the nearest one is offered. Send accept_changes to add it.",
			Extra: map[string]any{"reorder": r, "suggestion": map[string]any{"code": r.Product.Code, "name": r.Product.Name}, "changes": r.Changes}}
	}
	if err := h.addToBag(c, r.Product, prof.Name); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"added": true, "bag_url": "/bag", "reorder": r})
}

// APIFeedback is POST /api/v1/me/products/:code/feedback (a Feedback object): records it
// on the product's latest order and answers the refined product with its changes.
func (h *Handlers) APIFeedback(c echo.Context) error {
	var fb Feedback
	if err := web.BindJSON(c, &fb); err != nil {
		return err
	}
	ctx := c.Request().Context()
	cust := CurrentCustomer(c)
	prof := h.profileOf(ctx, cust.ID)
	op, err := h.ownedProduct(ctx, cust.ID, c.Param("code"), prof)
	if err != nil {
		return err
	}
	o, err := h.d.Orders.Get(ctx, op.LastOrderID)
	if err != nil {
		return err
	}
	ref, err := h.record(ctx, o, op.item, fb, prof)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ref)
}

// FromLatest wraps consult's POST /api/v1/quiz/sessions: with ?from=latest it starts a
// re-consultation pre-filled from the signed-in customer's latest completed consultation
// (201; 401 signed out; 404 without an earlier consultation); otherwise it calls next.
func (h *Handlers) FromLatest(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.QueryParam("from") != "latest" {
			return next(c)
		}
		cust := CurrentCustomer(c)
		if cust == nil {
			return errSignIn
		}
		r, old, err := h.Prefill(c, cust)
		if err != nil {
			return err
		}
		if r == nil {
			return web.Errorf(http.StatusNotFound, "You have no finished consultation to start from yet.")
		}
		st := h.d.QuizCurrent.State(r.Answers)
		return c.JSON(http.StatusCreated, map[string]any{
			"id": r.ID, "quiz_version": r.QuizVersion, "from": old.ID, "prefilled": true,
			"start_at": r.Current, "likely_changed": LikelyChanged, "answers": r.Answers, "done": st.Done,
			"edit_url": "/quiz/" + r.ID + "?q=" + r.Current, "compare_url": "/account/compare?old=" + old.ID + "&new=" + r.ID,
		})
	}
}
