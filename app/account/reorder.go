package account

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/checkout"
	"atelier/app/products"
	"atelier/app/web"
	"atelier/catalog"
)

// reorderView shows a product that can be added to the bag in one step, and what changed
// since it was bought.
type reorderView struct {
	web.Page
	Heading    string
	Message    string
	Reorder    *Reorder
	PreviewURL string
	Original   string // the original product's preview
	SignInHref string
}

// addToBag puts one unit of p (today's catalog) in the visitor's bag.
func (h *Handlers) addToBag(c echo.Context, p catalog.Product, labelName string) error {
	bag, err := h.d.Bags.Add(c.Request().Context(), owner(c), checkout.BagItem{Code: p.Code, LabelName: labelName, Quantity: 1})
	if err != nil {
		return err
	}
	// checkout remembers the bag in the session for the header's count (its key "checkout_bag").
	web.SessionOf(c).Set("checkout_bag", int64(bag.ID))
	return nil
}

// reorderOwned rechecks the customer's product with code against today's catalog.
func (h *Handlers) reorderOwned(ctx context.Context, cust *Customer, code string) (*Reorder, catalog.Profile, error) {
	prof := h.profileOf(ctx, cust.ID)
	op, err := h.ownedProduct(ctx, cust.ID, code, prof)
	if err != nil {
		return nil, prof, err
	}
	r, err := Recheck(h.d.Catalog, op.Code, storedSelection(op.item), prof)
	return r, prof, err
}

// Reorder is POST /account/products/:code/reorder: the same configuration, re-validated
// against today's catalog at today's price, into the bag (→ /bag). When the catalog changed
// in a way that alters the product, the page says what and offers the nearest valid product.
func (h *Handlers) Reorder(c echo.Context) error {
	r, prof, err := h.reorderOwned(c.Request().Context(), CurrentCustomer(c), c.Param("code"))
	if err != nil {
		return err
	}
	if !r.Same {
		return h.renderReorder(c, http.StatusOK, r, prof.Name, "Your product has changed since you bought it",
			"Our catalog changed since your order, so we cannot make exactly the same product. Here is the nearest one we make today.")
	}
	if err := h.addToBag(c, r.Product, prof.Name); err != nil {
		return err
	}
	return seeOther(c, "/bag")
}

func (h *Handlers) renderReorder(c echo.Context, status int, r *Reorder, name, heading, msg string) error {
	v := &reorderView{Heading: heading, Message: msg, Reorder: r,
		PreviewURL: products.PreviewURL(r.Product.Code, name), Original: products.PreviewURL(r.Original.Code, name)}
	v.Title = heading
	return h.env.Render.Render(c, status, "account/reorder", v)
}

// ByCode is GET /r/:code: reorder from a bottle label. Anyone may use it; a mistyped code is a
// friendly 404.
func (h *Handlers) ByCode(c echo.Context) error {
	r, err := Recheck(h.d.Catalog, c.Param("code"), nil, catalog.Profile{})
	if err != nil {
		return err
	}
	heading, msg := "Reorder "+r.Product.Name, "The same product, made fresh for you at today's price."
	if !r.Same {
		heading, msg = "This product has changed", "Our catalog changed since this bottle was made. Here is the nearest product we make today."
	}
	return h.renderReorder(c, http.StatusOK, r, "", heading, msg)
}

// AddByCode is POST /r/:code: puts the product with code (rechecked against today's catalog)
// in the bag and goes to the bag.
func (h *Handlers) AddByCode(c echo.Context) error {
	r, err := Recheck(h.d.Catalog, c.Param("code"), nil, catalog.Profile{})
	if err != nil {
		return err
	}
	name := ""
	if cust := CurrentCustomer(c); cust != nil {
		name = h.profileOf(c.Request().Context(), cust.ID).Name
	}
	if err := h.addToBag(c, r.Product, name); err != nil {
		return err
	}
	return seeOther(c, "/bag")
}

// Signed is GET /reorder/:code?exp=…&sig=…: the replenishment link from a reminder email.
// A valid link shows the product with one Add-to-bag button; an expired or forged one says so
// and offers to sign in (or to look the product up by its code).
func (h *Handlers) Signed(c echo.Context) error {
	code := c.Param("code")
	if err := h.links.Check(code, c.QueryParam("exp"), c.QueryParam("sig")); err != nil {
		v := &authView{Next: "/account"}
		v.Heading = "This reorder link has expired"
		v.Message = "Reorder links from our emails work for 30 days. Sign in to reorder from your account in one step."
		if errors.Is(err, ErrTokenInvalid) {
			v.Heading = "This reorder link is not valid"
			v.Message = "It may have been copied incompletely. Sign in to reorder from your account in one step."
		}
		v.Title = v.Heading
		return h.renderAuth(c, http.StatusGone, "link_problem", v)
	}
	return h.ByCode(c)
}
