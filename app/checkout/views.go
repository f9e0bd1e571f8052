package checkout

import (
	"net/url"
	"strconv"

	"atelier/app/web"
	"atelier/fulfillment"
)

// bagView is the bag page.
type bagView struct {
	web.Page
	Quote      Quote
	Lines      []lineView
	Quantities []int
	Error      string // why the last change was refused
	Notice     string
}

// lineView is one bag line as the page shows it.
type lineView struct {
	ID         uint
	Code       string
	Name       string
	Size       string
	PreviewURL string
	Quantity   int
	UnitCents  int64
	TotalCents int64
	Problem    string
}

func newBagView(q Quote) *bagView {
	v := &bagView{Quote: q, Quantities: make([]int, MaxQuantity)}
	for i := range v.Quantities {
		v.Quantities[i] = i + 1
	}
	for _, l := range q.Lines {
		lv := lineView{ID: l.Item.ID, Code: l.Item.Code, Quantity: l.Item.Quantity, Problem: l.Problem,
			Name: l.Item.Code, Size: l.Item.Size}
		if l.Problem == "" {
			p := l.Priced.Product
			lv.Code, lv.Name, lv.Size = p.Code, p.Name, l.Priced.Size.Label
			lv.UnitCents, lv.TotalCents = l.Priced.UnitCents, l.TotalCents
			lv.PreviewURL = PreviewURL(p.Code, l.Priced.LabelName)
		}
		v.Lines = append(v.Lines, lv)
	}
	v.Title = "Your bag"
	return v
}

// PreviewURL is the catalog's bottle picture of a product code with a name on its label.
func PreviewURL(code, name string) string {
	u := "/api/v1/products/" + url.PathEscape(code) + "/preview.svg"
	if name != "" {
		u += "?name=" + url.QueryEscape(name)
	}
	return u
}

// checkoutForm is what the checkout form posts.
type checkoutForm struct {
	Email, Name, Line1, Line2, City, PostalCode, Country string
	CreateAccount                                        bool // a guest asked for an account
}

func (f checkoutForm) contact() Contact {
	return Contact{Email: f.Email, Shipping: fulfillment.Address{Name: f.Name, Line1: f.Line1, Line2: f.Line2,
		City: f.City, PostalCode: f.PostalCode, Country: f.Country}}
}

// checkoutView is the checkout page.
type checkoutView struct {
	web.Page
	Quote     Quote
	Form      checkoutForm
	Errors    map[string]string // by form field name
	Error     string
	Countries []Country
	Demo      bool
	// OfferAccount: a guest may create an account with the order.
	OfferAccount bool
}

// formFieldOf maps fulfillment's field names to the checkout form's.
func formFieldOf(k string) string {
	switch k {
	case "shipping_address.name":
		return "name"
	case "shipping_address.line1":
		return "line1"
	case "shipping_address.line2":
		return "line2"
	case "shipping_address.city":
		return "city"
	case "shipping_address.postal_code":
		return "postal_code"
	case "shipping_address.country":
		return "country"
	}
	return k
}

// Country is a destination the checkout form offers.
type Country struct{ Code, Name string }

// Countries are the destinations offered in the checkout form (the API accepts any
// ISO 3166-1 alpha-2 code).
var Countries = []Country{
	{"AU", "Australia"}, {"AT", "Austria"}, {"BE", "Belgium"}, {"CA", "Canada"}, {"DK", "Denmark"},
	{"FI", "Finland"}, {"FR", "France"}, {"DE", "Germany"}, {"IE", "Ireland"}, {"IT", "Italy"},
	{"JP", "Japan"}, {"LU", "Luxembourg"}, {"NL", "Netherlands"}, {"NZ", "New Zealand"}, {"NO", "Norway"},
	{"PT", "Portugal"}, {"ES", "Spain"}, {"SE", "Sweden"}, {"CH", "Switzerland"},
	{"GB", "United Kingdom"}, {"US", "United States"},
}

// orderView is the order page.
type orderView struct {
	web.Page
	Order     *fulfillment.Order
	Items     []orderItemView
	Steps     []step
	Percent   int
	StepLabel string
	Note      string // for cancelled, on hold, refunded
	Tracking  []fulfillment.Tracking
	Events    []fulfillment.OrderEvent
	Pending   bool
	Demo      bool
	Thanks    bool
}

type orderItemView struct {
	fulfillment.OrderItem
	PreviewURL string
}

type step struct {
	Label   string
	Done    bool
	Current bool
}

// orderSteps is the forward path an order takes, as the progress bar shows it.
var orderSteps = []struct{ status, label string }{
	{fulfillment.OrderPendingPayment, "Awaiting payment"},
	{fulfillment.OrderPaid, "Paid"},
	{fulfillment.OrderInProduction, "Being made"},
	{fulfillment.OrderShipped, "Shipped"},
	{fulfillment.OrderDelivered, "Delivered"},
}

func newOrderView(o *fulfillment.Order) *orderView {
	v := &orderView{Order: o, Pending: o.Status == fulfillment.OrderPendingPayment}
	v.Title = "Order " + strconv.FormatUint(uint64(o.ID), 10)
	cur := -1
	for i, s := range orderSteps {
		if s.status == o.Status {
			cur = i
		}
	}
	for i, s := range orderSteps {
		v.Steps = append(v.Steps, step{Label: s.label, Done: i <= cur, Current: i == cur})
	}
	if cur >= 0 {
		v.Percent = cur * 100 / (len(orderSteps) - 1)
		v.StepLabel = "Step " + strconv.Itoa(cur+1) + " of " + strconv.Itoa(len(orderSteps)) + ": " + orderSteps[cur].label
	}
	switch o.Status {
	case fulfillment.OrderCancelled:
		v.Note = "This order was cancelled because its payment was not completed in time. Nothing was charged; your bag still holds what you chose."
		if o.HoldReason != "" {
			v.Note = "This order was cancelled after a problem with its payment. Any money taken for it is being returned to you; reply to any of our emails with a question."
		}
	case fulfillment.OrderOnHold:
		v.Note = "Your payment did not match the order, so we have paused it. Someone from our studio will contact you shortly."
	case fulfillment.OrderRefunded:
		v.Note = "This order was refunded in full: the money is on its way back to you, and anything still being made for it has been stopped."
	}
	for _, it := range o.Items {
		v.Items = append(v.Items, orderItemView{OrderItem: it, PreviewURL: orderItemPreviewURL(o.ID, it)})
	}
	return v
}

// orderItemPreviewURL is the bottle picture of an order line: the one frozen at purchase, or,
// when there is none (the customer deleted their account, which erases the name on it), the
// catalog's picture of the code without a name; "" without either.
func orderItemPreviewURL(orderID uint, it fulfillment.OrderItem) string {
	switch {
	case it.PreviewSVG != "":
		return OrderPath(orderID) + "/items/" + strconv.FormatUint(uint64(it.ID), 10) + "/preview.svg"
	case it.Code != "":
		return PreviewURL(it.Code, "")
	}
	return ""
}

// demoPayView is the demo payment page.
type demoPayView struct {
	web.Page
	Order *fulfillment.Order
}
