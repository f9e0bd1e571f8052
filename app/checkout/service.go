package checkout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"atelier/fulfillment"
)

// Service is checkout without HTTP: it turns bags and API requests into orders priced from
// the catalog, starts payments and confirms them. Payment providers are called outside any
// database transaction.
type Service struct {
	Bags     *BagStore
	Pricer   *Pricer
	Orders   *fulfillment.Service
	Payments Provider
	Log      *slog.Logger
	// OnCustomerChanged, if set, is called with the customer of an order once its payment is
	// confirmed, after the payment's transaction (see Config.OnCustomerChanged).
	OnCustomerChanged func(ctx context.Context, customerID uint)
}

// Contact is who an order is for and where it ships.
type Contact struct {
	Email    string
	Shipping fulfillment.Address
}

// Request is one line of an order placed through the API (or a bag item).
type Request struct {
	Code, Size, LabelName string
	Quantity              int
}

// FieldsError is a request the store refuses, naming every bad field (422).
type FieldsError struct {
	Message string
	Fields  map[string]string
}

func (e *FieldsError) Error() string { return "checkout: " + e.Message }

func (s *Service) newOrder(o Owner, c Contact) fulfillment.NewOrder {
	return fulfillment.NewOrder{
		OwnerKey: o.Key, CustomerID: o.CustomerID, Email: c.Email, Shipping: c.Shipping,
		Currency: s.Pricer.reg.Current().Currency(), ShippingCents: s.Pricer.ShippingCents,
		PaymentProvider: s.Payments.Name(),
	}
}

// PlaceOrder creates a pending order from API lines, every price from the catalog. All bad
// fields (items, email, address) are reported together in a *FieldsError.
func (s *Service) PlaceOrder(ctx context.Context, o Owner, c Contact, reqs []Request) (*fulfillment.Order, error) {
	fields := map[string]string{}
	in := s.newOrder(o, c)
	if len(reqs) > MaxItems {
		fields["items"] = fmt.Sprintf("An order can hold at most %d items.", MaxItems)
		reqs = nil
	}
	units := map[string]int{} // per configuration, across lines: the bag's limit holds here too
	for i, r := range reqs {
		key := fmt.Sprintf("items[%d].", i)
		if err := checkQuantity(r.Quantity); err != nil {
			fields[key+"quantity"] = err.(*ItemError).Message
			continue
		}
		pr, err := s.Pricer.Resolve(r.Code, r.Size, r.LabelName)
		var ie *ItemError
		if errors.As(err, &ie) {
			fields[key+ie.Field] = ie.Message
			continue
		} else if err != nil {
			return nil, err
		}
		if !strings.EqualFold(pr.Product.Currency, in.Currency) {
			fields[key+"code"] = "This product is priced in another currency; please order it on its own."
			continue
		}
		item, err := orderItem(pr, r.Quantity)
		if err != nil {
			return nil, err
		}
		if units[item.Code] += r.Quantity; units[item.Code] > MaxQuantity {
			fields[key+"quantity"] = fmt.Sprintf("This order already holds this product; at most %d of one product per order.", MaxQuantity)
			continue
		}
		in.Items = append(in.Items, item)
	}
	if err := s.validate(&in, fields); err != nil {
		return nil, err
	}
	return s.Orders.CreateOrder(ctx, in)
}

// validate merges the order's own validation with the item problems found so far.
func (s *Service) validate(in *fulfillment.NewOrder, fields map[string]string) error {
	itemProblems := len(fields) > 0
	var ve *fulfillment.ValidationError
	if err := in.Validate(); errors.As(err, &ve) {
		for k, v := range ve.Fields {
			if k == "items" && itemProblems {
				continue
			}
			fields[k] = v
		}
	} else if err != nil {
		return err
	}
	if len(fields) > 0 {
		return &FieldsError{Message: "Some details need a second look.", Fields: fields}
	}
	return nil
}

// CheckoutBag creates a pending order from the owner's bag as priced now. Checking out
// again an unchanged bag with the same contact returns the same pending order, so its
// payment resumes rather than starting twice. The bag is kept until the order is paid.
func (s *Service) CheckoutBag(ctx context.Context, o Owner, c Contact) (*fulfillment.Order, error) {
	bag, err := s.Bags.Get(ctx, o)
	if err != nil {
		return nil, err
	}
	if len(bag.Items) == 0 {
		return nil, &FieldsError{Message: "Your bag is empty.", Fields: map[string]string{"items": "Your bag is empty."}}
	}
	q := s.Pricer.Quote(bag.Items)
	if q.Problem != "" {
		return nil, &FieldsError{Message: q.Problem, Fields: map[string]string{"items": q.Problem}}
	}
	in := s.newOrder(o, c)
	for _, l := range q.Lines {
		item, err := orderItem(l.Priced, l.Item.Quantity)
		if err != nil {
			return nil, err
		}
		in.Items = append(in.Items, item)
	}
	if err := s.validate(&in, map[string]string{}); err != nil {
		return nil, err
	}
	if bag.PendingOrderID != nil && bag.PendingRev == bag.Rev {
		prev, err := s.Orders.GetForOwner(ctx, *bag.PendingOrderID, o.Key, o.CustomerID)
		// Only an order of the same buyer: a guest's pending order is not reused once they
		// have signed in, or it would stay out of their account.
		if err == nil && prev.Status == fulfillment.OrderPendingPayment && sameContact(prev, &in) && sameCustomer(prev.CustomerID, in.CustomerID) {
			return prev, nil
		}
	}
	order, err := s.Orders.CreateOrder(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.Bags.MarkCheckout(ctx, bag.ID, order.ID, bag.Rev); err != nil {
		return nil, err
	}
	return order, nil
}

func sameCustomer(a, b *uint) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func sameContact(o *fulfillment.Order, in *fulfillment.NewOrder) bool {
	a := in.Shipping
	return o.Email == in.Email && o.ShipName == a.Name && o.ShipLine1 == a.Line1 && o.ShipLine2 == a.Line2 &&
		o.ShipCity == a.City && o.ShipPostalCode == a.PostalCode && o.ShipCountry == a.Country &&
		o.PaymentProvider == in.PaymentProvider && o.TotalCents == in.ShippingCents+subtotal(in)
}

func subtotal(in *fulfillment.NewOrder) int64 {
	var t int64
	for _, it := range in.Items {
		t += it.UnitPriceCents * int64(it.Quantity)
	}
	return t
}

// Pay starts (or resumes) the payment of a pending order and returns where the shopper
// pays. A retry of the same attempt reuses its idempotency key, so Stripe returns the same
// session; if Stripe refuses the key because the order's payable content changed, a new
// attempt is started once (fulfillment.BumpPaymentAttempt).
func (s *Service) Pay(ctx context.Context, o *fulfillment.Order, back Return) (string, error) {
	r, err := s.Payments.Start(ctx, o, back)
	var ic *IdempotencyConflict
	if errors.As(err, &ic) {
		rev, berr := s.Orders.BumpPaymentAttempt(ctx, o.ID)
		if berr != nil {
			return "", berr
		}
		s.Log.Warn("payment attempt renewed after idempotency conflict", "order_id", o.ID, "rev", rev)
		o.PaymentAttemptRev = rev
		r, err = s.Payments.Start(ctx, o, back)
	}
	if err != nil {
		return "", err
	}
	if r.Ref != "" && (r.Ref != o.PaymentRef || o.PaymentProvider != s.Payments.Name()) {
		if err := s.Orders.SetPaymentRef(ctx, o.ID, s.Payments.Name(), r.Ref); err != nil {
			return "", err
		}
		o.PaymentRef, o.PaymentProvider = r.Ref, s.Payments.Name()
	}
	return r.URL, nil
}

// Confirm records a completed payment (idempotent by EventID, see
// fulfillment.ConfirmPayment) and, once the order is paid, empties the bag it came from. A
// payment that does not match the order returns the held order and the mismatch error.
func (s *Service) Confirm(ctx context.Context, pc fulfillment.PaymentConfirmation) (*fulfillment.Order, error) {
	o, err := s.Orders.ConfirmPayment(ctx, pc)
	if err != nil && !errors.Is(err, fulfillment.ErrPaymentMismatch) {
		return nil, err
	}
	if o != nil && o.PaidAt != nil {
		if berr := s.Bags.EmptyAfterPayment(ctx, o.ID); berr != nil {
			s.Log.Error("empty bag after payment", "order_id", o.ID, slog.Any("error", berr))
		}
		if o.CustomerID != nil && s.OnCustomerChanged != nil {
			s.OnCustomerChanged(ctx, *o.CustomerID)
		}
	}
	return o, err
}
