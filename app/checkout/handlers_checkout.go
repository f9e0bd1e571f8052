package checkout

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"atelier/fulfillment"
)

// CheckoutForm shows the contact and shipping form with the bag's totals.
func (h *Handlers) CheckoutForm(c echo.Context) error {
	v, err := h.checkoutView(c, checkoutForm{})
	if err != nil {
		return err
	}
	if len(v.Quote.Lines) == 0 {
		return c.Redirect(http.StatusSeeOther, "/bag")
	}
	return h.env.Render.Render(c, http.StatusOK, "checkout/checkout", v)
}

func (h *Handlers) checkoutView(c echo.Context, f checkoutForm) (*checkoutView, error) {
	bag, err := h.svc.Bags.Get(c.Request().Context(), h.ownerOf(c))
	if err != nil {
		return nil, err
	}
	v := &checkoutView{Quote: h.svc.Pricer.Quote(bag.Items), Form: f, Errors: map[string]string{},
		Countries: Countries, Demo: h.demo(), OfferAccount: h.signUp != nil && h.customer(c) == nil}
	v.Title = "Checkout"
	return v, nil
}

// CheckoutSubmit creates the order from the bag (prices from the catalog; any price or
// total in the form is ignored) and sends the shopper to pay. Bad fields re-render the
// form with 422, each message beside its field.
func (h *Handlers) CheckoutSubmit(c echo.Context) error {
	f := checkoutForm{Email: c.FormValue("email"), Name: c.FormValue("name"), Line1: c.FormValue("line1"),
		Line2: c.FormValue("line2"), City: c.FormValue("city"), PostalCode: c.FormValue("postal_code"),
		Country: strings.ToUpper(strings.TrimSpace(c.FormValue("country"))), CreateAccount: c.FormValue("create_account") != ""}
	o, err := h.svc.CheckoutBag(c.Request().Context(), h.ownerOf(c), f.contact())
	if err == nil && f.CreateAccount && h.signUp != nil {
		// After the order, so a form with bad address fields creates no account; a second
		// submission after a password problem gets the same pending order back.
		var bad map[string]string
		if bad, err = h.signUp(c, f.Email, f.Name, c.FormValue("password")); err == nil && len(bad) > 0 {
			err = &FieldsError{Message: "Some details need a second look.", Fields: bad}
		}
	}
	var url string
	if err == nil {
		url, err = h.svc.Pay(c.Request().Context(), o, h.returnURLs(o))
	}
	if err == nil {
		return c.Redirect(http.StatusSeeOther, url)
	}
	var fe *FieldsError
	var ve *fulfillment.ValidationError
	var fields map[string]string
	switch {
	case errors.As(err, &fe):
		fields = fe.Fields
	case errors.As(err, &ve):
		fields = ve.Fields
	default:
		return err
	}
	v, verr := h.checkoutView(c, f)
	if verr != nil {
		return verr
	}
	v.Error = "Some details need a second look."
	for k, msg := range fields {
		v.Errors[formFieldOf(k)] = msg
	}
	if msg := v.Errors["items"]; msg != "" {
		v.Error = msg
	}
	return h.env.Render.Render(c, http.StatusUnprocessableEntity, "checkout/checkout", v)
}
