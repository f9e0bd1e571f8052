package account

import (
	"context"
	"errors"
	"net/http"
	"net/url"

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
	// AddAction is where the Add-to-bag form posts: /r/{code}, or the signed link itself.
	AddAction string
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
	v := &reorderView{Heading: heading, Message: msg, Reorder: r, AddAction: "/r/" + url.PathEscape(r.Product.Code),
		PreviewURL: products.PreviewURL(r.Product.Code, name), Original: products.PreviewURL(r.Original.Code, name)}
	if c.Path() == "/reorder/:code" {
		v.AddAction = c.Request().URL.RequestURI() // the signed link: adding keeps its order's label name
	}
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

// signedReorder checks a replenishment link (GET or POST /reorder/:code?order=…&exp=…&sig=…)
// and returns the product rechecked against today's catalog, with the label name of the
// order it names (the customer's, or the guest consultation's that placed it). A bad link
// answers with a page that says so (410) and ok false.
func (h *Handlers) signedReorder(c echo.Context) (*Reorder, string, bool, error) {
	code, order := c.Param("code"), c.QueryParam("order")
	if err := h.links.Check(code, order, c.QueryParam("exp"), c.QueryParam("sig")); err != nil {
		v := &authView{Next: "/account"}
		v.Heading = "This reorder link has expired"
		v.Message = "Reorder links from our emails work for 30 days. Sign in to reorder from your account in one step."
		if errors.Is(err, ErrTokenInvalid) {
			v.Heading = "This reorder link is not valid"
			v.Message = "It may have been copied incompletely. Sign in to reorder from your account in one step."
		}
		v.Title = v.Heading
		return nil, "", false, h.renderAuth(c, http.StatusGone, "link_problem", v)
	}
	ctx := c.Request().Context()
	var prof catalog.Profile
	var stored catalog.Selection
	if order != "" {
		o, err := h.d.Orders.GetByPublicID(ctx, order)
		if err != nil {
			return nil, "", false, err
		}
		for _, it := range o.Items {
			if catalog.NormalizeCode(it.Code) == catalog.NormalizeCode(code) {
				stored = storedSelection(it)
				break
			}
		}
		prof = h.orderProfile(ctx, o)
	}
	r, err := Recheck(h.d.Catalog, code, stored, prof)
	return r, prof.Name, err == nil, err
}

// Signed is GET /reorder/:code?order=…&exp=…&sig=…: the replenishment link from a reminder
// email. A valid link shows the product, with the name on its label, and one Add-to-bag
// button that posts to the link itself; an expired or forged one says so and offers to sign in.
func (h *Handlers) Signed(c echo.Context) error {
	r, name, ok, err := h.signedReorder(c)
	if !ok {
		return err
	}
	heading, msg := "Reorder "+r.Product.Name, "The same product, made fresh for you at today's price."
	if !r.Same {
		heading, msg = "This product has changed", "Our catalog changed since this bottle was made. Here is the nearest product we make today."
	}
	return h.renderReorder(c, http.StatusOK, r, name, heading, msg)
}

// AddSigned is POST /reorder/:code?order=…&exp=…&sig=…: the one step of a replenishment link:
// the product (rechecked against today's catalog) goes into this browser's bag with its
// order's label name, signed in or not.
func (h *Handlers) AddSigned(c echo.Context) error {
	r, name, ok, err := h.signedReorder(c)
	if !ok {
		return err
	}
	if err := h.addToBag(c, r.Product, name); err != nil {
		return err
	}
	return seeOther(c, "/bag")
}
