package account

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"atelier/app/products"
	"atelier/app/web"
	"atelier/catalog"
	"atelier/fulfillment"
)

// Refined is a product refined from feedback, with each change and its reason.
type Refined struct {
	Product catalog.Product `json:"product"`
	Changes []Change        `json:"changes"`
}

// refine rechecks code against today's catalog, then applies the feedback through the
// generator.
func (h *Handlers) refine(code string, stored catalog.Selection, fb Feedback, prof catalog.Profile) (*Refined, error) {
	r, err := Recheck(h.d.Catalog, code, stored, prof)
	if err != nil {
		return nil, err
	}
	line, err := h.d.Catalog.Current().Line(r.Product.Line)
	if err != nil {
		return nil, err
	}
	p, changes, err := RefineProduct(line, r.Product, fb, prof)
	if err != nil {
		return nil, err
	}
	if changes == nil {
		changes = []Change{}
	}
	return &Refined{Product: p, Changes: changes}, nil
}

// record saves the rating of item with fulfillment (one answer per item: a new one replaces
// the last; a low one opens a recovery task there) and returns the refined product for item.
func (h *Handlers) record(ctx context.Context, o *fulfillment.Order, it fulfillment.OrderItem, fb Feedback, prof catalog.Profile) (*Refined, error) {
	if err := fb.Validate(); err != nil {
		return nil, err
	}
	note := it.Name + ": " + fb.Summary()
	if _, err := h.d.Orders.RecordFeedback(ctx, fulfillment.FeedbackInput{OrderID: o.ID, OrderItemID: it.ID, Rating: fb.Rating, Note: note}); err != nil {
		return nil, err
	}
	if o.CustomerID != nil && h.d.OnCustomerChanged != nil {
		h.d.OnCustomerChanged(ctx, *o.CustomerID)
	}
	return h.refine(it.Code, storedSelection(it), fb, prof)
}

type feedbackView struct {
	web.Page
	PublicID string
	Items    []fulfillment.OrderItem
	Code     string
	Form     Feedback
	Errors   map[string]string
	// Problems are the field problems in the order the form asks, for the error summary.
	Problems []FieldError
	Refined  *Refined
	Item     string
	Preview  string
}

// choice is one radio answer of a feedback question.
type choice struct{ Value, Label string }

// The feedback questions' answers in the order they read, from one end of the scale to the
// other (a template ranging over a map would list them alphabetically).
var (
	textureChoices = []choice{{TextureTooHeavy, "Too heavy"}, {TextureRight, "Just right"}, {TextureTooLight, "Too light"}}
	scentChoices   = []choice{{ScentTooStrong, "Too strong"}, {ScentFine, "Fine"}, {ScentTooFaint, "Too faint"}}
	resultChoices  = []choice{{ResultsWorse, "Worse"}, {ResultsNone, "No change"}, {ResultsBetter, "Better"}}
)

// TextureChoices are the texture answers the page offers, heaviest first.
func (feedbackView) TextureChoices() []choice { return textureChoices }

// ScentChoices are the scent answers the page offers, strongest first.
func (feedbackView) ScentChoices() []choice { return scentChoices }

// ResultChoices are the results answers the page offers, worst first.
func (feedbackView) ResultChoices() []choice { return resultChoices }

// feedbackOrder returns the paid order with the public id (a capability from the email), or
// ErrNotFound.
func (h *Handlers) feedbackOrder(c echo.Context) (*fulfillment.Order, error) {
	o, err := h.d.Orders.GetByPublicID(c.Request().Context(), c.Param("public_id"))
	if err != nil {
		return nil, err
	}
	if !paid(o) || len(o.Items) == 0 {
		return nil, fulfillment.ErrNotFound
	}
	return o, nil
}

// FeedbackForm is GET /feedback/:public_id (?code= picks the product): "How is it working?".
// It works signed out and shows only the product names.
func (h *Handlers) FeedbackForm(c echo.Context) error {
	o, err := h.feedbackOrder(c)
	if err != nil {
		return err
	}
	v := &feedbackView{PublicID: o.PublicID, Items: o.Items, Code: pickItem(o, c.QueryParam("code")).Code}
	v.Title = "How is it working?"
	return h.env.Render.Render(c, http.StatusOK, "account/feedback", v)
}

// FeedbackSave is POST /feedback/:public_id: records the answers and shows the refined
// product with its changes and an Add-to-bag button. Bad answers are shown next to the fields
// (422). It works signed out (the link in the email is the proof), and refines with the
// profile behind the order (orderProfile), so the customer's hard rules still hold.
func (h *Handlers) FeedbackSave(c echo.Context) error {
	o, err := h.feedbackOrder(c)
	if err != nil {
		return err
	}
	// The link works signed out: answers per order and per client address are rate limited
	// like sign-in links (each answer replaces the last, but every one is refined and audited).
	if err := h.limited(c, "feedback", o.PublicID); err != nil {
		return err
	}
	it := pickItem(o, c.FormValue("code"))
	fb := feedbackForm(c)
	prof := h.orderProfile(c.Request().Context(), o)
	v := &feedbackView{PublicID: o.PublicID, Items: o.Items, Code: it.Code, Form: fb, Item: it.Name}
	ref, err := h.record(c.Request().Context(), o, it, fb, prof)
	var ve *ValidationError
	if errors.As(err, &ve) {
		v.Errors, v.Problems = ve.FieldMap(), ve.Fields
		v.Title = "Error: how is it working?"
		return h.env.Render.Render(c, http.StatusUnprocessableEntity, "account/feedback", v)
	}
	if err != nil {
		return err
	}
	v.Refined, v.Preview = ref, products.PreviewURL(ref.Product.Code, prof.Name)
	v.Title = "Thank you"
	return h.env.Render.Render(c, http.StatusOK, "account/feedback_done", v)
}

// FeedbackFromAccount is GET /account/products/:code/feedback: the feedback page for the
// latest order of one of the customer's products.
func (h *Handlers) FeedbackFromAccount(c echo.Context) error {
	cust := CurrentCustomer(c)
	op, err := h.ownedProduct(c.Request().Context(), cust.ID, c.Param("code"), catalog.Profile{})
	if err != nil {
		return err
	}
	return seeOther(c, "/feedback/"+url.PathEscape(op.LastPublicID)+"?code="+url.QueryEscape(op.Code))
}

// pickItem is the order's item with code, or its first item.
func pickItem(o *fulfillment.Order, code string) fulfillment.OrderItem {
	for _, it := range o.Items {
		if it.Code == code {
			return it
		}
	}
	return o.Items[0]
}

func feedbackForm(c echo.Context) Feedback {
	rating, _ := strconv.Atoi(c.FormValue("rating"))
	return Feedback{Rating: rating, Texture: c.FormValue("texture"), Scent: c.FormValue("scent"),
		Irritation: c.FormValue("irritation") == "yes", IrritationProduct: c.FormValue("irritation_product"),
		Results: c.FormValue("results"), Note: c.FormValue("note")}
}
