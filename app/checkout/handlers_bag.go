package checkout

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
)

// BagShow renders the bag, every price computed from the catalog now.
func (h *Handlers) BagShow(c echo.Context) error {
	v, err := h.bagView(c)
	if err != nil {
		return err
	}
	if c.QueryParam("cancelled") != "" {
		v.Notice = "Payment cancelled: nothing was charged. Your bag is just as you left it."
	}
	return h.env.Render.Render(c, http.StatusOK, "checkout/bag", v)
}

func (h *Handlers) bagView(c echo.Context) (*bagView, error) {
	bag, err := h.svc.Bags.Get(c.Request().Context(), h.ownerOf(c))
	if err != nil {
		return nil, err
	}
	return newBagView(h.svc.Pricer.Quote(bag.Items)), nil
}

// BagAdd puts a product (form fields code, size, quantity and optional name for the label)
// in the bag and redirects to it. The size is folded into the code (the code of the product
// in that size), so the same product in the same size always merges into one line. An unknown code, an impossible size or a bad quantity is
// refused: the bag page with the message and 422 (JSON {error, fields} for API clients).
func (h *Handlers) BagAdd(c echo.Context) error {
	qty, err := formQuantity(c.FormValue("quantity"), true)
	if err == nil {
		var pr Priced
		pr, err = h.svc.Pricer.Resolve(c.FormValue("code"), c.FormValue("size"), c.FormValue("name"))
		if err == nil {
			var bag *Bag
			bag, err = h.svc.Bags.Add(c.Request().Context(), h.ownerOf(c),
				BagItem{Code: pr.Product.Code, LabelName: pr.LabelName, Quantity: qty}) // the code names the size
			if err == nil {
				web.SessionOf(c).Set(sessionBag, int64(bag.ID))
			}
		}
	}
	return h.afterBagChange(c, err)
}

// BagUpdate sets the quantity of one bag item (form field quantity).
func (h *Handlers) BagUpdate(c echo.Context) error {
	qty, err := formQuantity(c.FormValue("quantity"), false)
	if err == nil {
		err = h.svc.Bags.SetQuantity(c.Request().Context(), h.ownerOf(c), itemID(c), qty)
	}
	return h.afterBagChange(c, err)
}

// BagRemove takes one item out of the bag.
func (h *Handlers) BagRemove(c echo.Context) error {
	return h.afterBagChange(c, h.svc.Bags.Remove(c.Request().Context(), h.ownerOf(c), itemID(c)))
}

// afterBagChange redirects to the bag, or shows it again with the refusal.
func (h *Handlers) afterBagChange(c echo.Context, err error) error {
	var ie *ItemError
	switch {
	case err == nil:
		return c.Redirect(http.StatusSeeOther, "/bag")
	case errors.As(err, &ie) && !web.WantsJSON(c):
		v, verr := h.bagView(c)
		if verr != nil {
			return verr
		}
		v.Error = ie.Message
		return h.env.Render.Render(c, http.StatusUnprocessableEntity, "checkout/bag", v)
	}
	return err
}

// formQuantity parses a quantity field; empty means 1 when allowed.
func formQuantity(s string, emptyIsOne bool) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" && emptyIsOne {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		n = -1
	}
	return n, checkQuantity(n)
}

func itemID(c echo.Context) uint {
	id, _ := strconv.ParseUint(c.Param("id"), 10, 32)
	return uint(id)
}
