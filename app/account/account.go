package account

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

// Address is a shipping address from a past order.
type Address struct {
	Name, Line1, Line2, City, PostalCode, Country string
}

type accountView struct {
	web.Page
	Customer  *Customer
	Orders    []fulfillment.Order
	Products  []OwnedProduct
	Answers   []AnswerLine
	QuizID    string
	Addresses []Address
}

// Account is GET /account: orders, products, quiz answers, addresses, preferences and the
// way to delete the account.
func (h *Handlers) Account(c echo.Context) error {
	cust := CurrentCustomer(c)
	ctx := c.Request().Context()
	cons, err := h.latest(ctx, cust.ID)
	if err != nil {
		return err
	}
	v := &accountView{Customer: cust}
	if cons != nil {
		v.Answers, v.QuizID = cons.answers, cons.r.ID
	}
	prof := h.profileOf(ctx, cust.ID)
	if v.Products, v.Orders, err = h.ownedProducts(ctx, cust.ID, prof); err != nil {
		return err
	}
	v.Addresses = addresses(v.Orders)
	v.Title = "My account"
	v.Flash = c.QueryParam("done")
	return h.env.Render.Render(c, http.StatusOK, "account/account", v)
}

// addresses are the distinct shipping addresses of the orders, newest first.
func addresses(orders []fulfillment.Order) []Address {
	var out []Address
	seen := map[Address]bool{}
	for _, o := range orders {
		a := Address{o.ShipName, o.ShipLine1, o.ShipLine2, o.ShipCity, o.ShipPostalCode, o.ShipCountry}
		if a.Line1 == "" || seen[a] {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

// Preferences is POST /account/preferences (marketing=1 to opt in).
func (h *Handlers) Preferences(c echo.Context) error {
	cust := CurrentCustomer(c)
	if err := h.store.SetMarketing(c.Request().Context(), cust.ID, c.FormValue("marketing") != ""); err != nil {
		return err
	}
	return seeOther(c, "/account?done=Your+email+preferences+are+saved.")
}

type deleteView struct {
	web.Page
	Error string
}

// DeleteForm is GET /account/delete: what deletion does, and a confirmation form.
func (h *Handlers) DeleteForm(c echo.Context) error {
	v := &deleteView{}
	v.Title = "Delete my account"
	return h.env.Render.Render(c, http.StatusOK, "account/delete", v)
}

// Delete is POST /account/delete (confirm=DELETE): erases the account's personal data (see
// Erase) and signs out.
func (h *Handlers) Delete(c echo.Context) error {
	if c.FormValue("confirm") != "DELETE" {
		v := &deleteView{Error: "Type DELETE in capitals to confirm."}
		v.Title = "Error: delete my account"
		return h.env.Render.Render(c, http.StatusUnprocessableEntity, "account/delete", v)
	}
	cust := CurrentCustomer(c)
	if err := Erase(c.Request().Context(), h.d.DB, h.env.Now, h.d.Orders, cust); err != nil {
		return err
	}
	h.env.Log.Info("customer account deleted", "customer_id", cust.ID)
	web.SessionOf(c).Clear()
	v := &authView{Heading: "Your account is deleted", Message: "We erased your personal details. Orders stay in our books without your name, email or address, as the law requires."}
	v.Title = v.Heading
	return h.env.Render.Render(c, http.StatusOK, "account/sent", v)
}
