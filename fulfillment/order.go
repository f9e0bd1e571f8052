package fulfillment

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Order statuses. Forward path: pending_payment → paid → in_production → shipped → delivered.
// Side exits: cancelled (checkout expired before payment), refunded, and on_hold (a payment
// arrived that does not match the order; staff review it).
const (
	OrderPendingPayment = "pending_payment"
	OrderPaid           = "paid"
	OrderInProduction   = "in_production"
	OrderShipped        = "shipped"
	OrderDelivered      = "delivered"
	OrderCancelled      = "cancelled"
	OrderRefunded       = "refunded"
	OrderOnHold         = "on_hold"
)

// Payment providers.
const (
	ProviderStripe = "stripe"
	ProviderDemo   = "demo"
)

// Limits on order input.
const (
	MaxItems       = 20
	MaxQuantity    = 10
	MaxEmailLength = 254
	maxFieldLength = 200
	// MaxUnitPriceCents bounds a caller-supplied price (a guard against unit mix-ups).
	MaxUnitPriceCents = 1_000_000
)

// JSONText is a JSON document stored in a text column. It marshals as raw JSON (not as a
// quoted string), so API responses embed the snapshot as-is.
type JSONText string

// MarshalJSON emits the stored document, or null when empty.
func (j JSONText) MarshalJSON() ([]byte, error) {
	if j == "" {
		return []byte("null"), nil
	}
	if !json.Valid([]byte(j)) {
		return nil, fmt.Errorf("fulfillment: stored JSON is invalid")
	}
	return []byte(j), nil
}

// UnmarshalJSON stores the raw document.
func (j *JSONText) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*j = ""
		return nil
	}
	*j = JSONText(b)
	return nil
}

// Order is a customer's purchase. Totals are always computed from the items; see NewOrder.
type Order struct {
	ID                uint       `gorm:"primaryKey" json:"id"`
	PublicID          string     `gorm:"size:32;uniqueIndex;not null" json:"public_id"` // opaque id for links in emails
	OwnerKey          string     `gorm:"size:128;index;not null" json:"-"`              // cookie session key that created it
	CustomerID        *uint      `gorm:"index" json:"customer_id,omitempty"`
	Email             string     `gorm:"size:254;index;not null" json:"email"`
	ShipName          string     `gorm:"size:200;not null" json:"ship_name"`
	ShipLine1         string     `gorm:"size:200;not null" json:"ship_line1"`
	ShipLine2         string     `gorm:"size:200;not null;default:''" json:"ship_line2,omitempty"`
	ShipCity          string     `gorm:"size:200;not null" json:"ship_city"`
	ShipPostalCode    string     `gorm:"size:32;not null" json:"ship_postal_code"`
	ShipCountry       string     `gorm:"size:2;not null" json:"ship_country"`
	Currency          string     `gorm:"size:3;not null" json:"currency"`
	SubtotalCents     int64      `gorm:"not null" json:"subtotal_cents"`
	ShippingCents     int64      `gorm:"not null" json:"shipping_cents"`
	TotalCents        int64      `gorm:"not null" json:"total_cents"`
	Status            string     `gorm:"size:32;index;not null" json:"status"`
	PaymentProvider   string     `gorm:"size:16;not null;default:''" json:"payment_provider"`
	PaymentRef        string     `gorm:"size:255;index;not null;default:''" json:"payment_ref,omitempty"`
	PaymentAttemptRev int        `gorm:"not null;default:1" json:"payment_attempt_rev"`
	HoldReason        string     `gorm:"size:500;not null;default:''" json:"hold_reason,omitempty"`
	PaidAt            *time.Time `json:"paid_at,omitempty"`
	ShippedAt         *time.Time `json:"shipped_at,omitempty"`
	DeliveredAt       *time.Time `json:"delivered_at,omitempty"`
	// CheckInDueAt is set on delivery; the scheduler creates the check-in task once it passes
	// and stamps CheckInCreatedAt so the rule never scans the order again.
	CheckInDueAt     *time.Time  `gorm:"index" json:"-"`
	CheckInCreatedAt *time.Time  `json:"-"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
	Items            []OrderItem `gorm:"foreignKey:OrderID" json:"items,omitempty"`
}

// OrderItem is one line of an order, with the product configuration frozen at purchase.
type OrderItem struct {
	ID              uint     `gorm:"primaryKey" json:"id"`
	OrderID         uint     `gorm:"index;not null" json:"order_id"`
	Position        int      `gorm:"not null" json:"position"`
	Code            string   `gorm:"size:64;index;not null" json:"code"` // reorder code
	Line            string   `gorm:"size:64;not null" json:"line"`
	Name            string   `gorm:"size:200;not null" json:"name"`
	SizeLabel       string   `gorm:"size:64;not null;default:''" json:"size_label"`
	Quantity        int      `gorm:"not null" json:"quantity"`
	UnitPriceCents  int64    `gorm:"not null" json:"unit_price_cents"`
	LineTotalCents  int64    `gorm:"not null" json:"line_total_cents"`
	CatalogVersion  string   `gorm:"size:64;not null;default:''" json:"catalog_version"`
	Options         JSONText `gorm:"type:text" json:"options"`   // dimension → option ids
	Formula         JSONText `gorm:"type:text" json:"formula"`   // batch-sheet snapshot
	Packaging       JSONText `gorm:"type:text" json:"packaging"` // packaging snapshot
	PreviewSVG      string   `gorm:"type:text" json:"preview_svg,omitempty"`
	ExpectedUseDays int      `gorm:"not null;default:0" json:"expected_use_days"`
	// ReplenishDueAt is set on delivery (delivered + ExpectedUseDays × units not cancelled −
	// lead time); the scheduler sends the replenishment reminder once it passes, unless the
	// customer has reordered the product since.
	ReplenishDueAt     *time.Time `gorm:"index" json:"replenish_due_at,omitempty"`
	ReplenishCreatedAt *time.Time `json:"-"`
	CreatedAt          time.Time  `json:"created_at"`
}

// OrderEvent is one step of an order's status history.
type OrderEvent struct {
	ID      uint      `gorm:"primaryKey" json:"id"`
	OrderID uint      `gorm:"index;not null" json:"order_id"`
	From    string    `gorm:"column:from_status;size:32;not null" json:"from"`
	To      string    `gorm:"column:to_status;size:32;not null" json:"to"`
	Note    string    `gorm:"size:1000;not null;default:''" json:"note,omitempty"`
	Actor   string    `gorm:"size:100;not null" json:"actor"` // "system", "payment:stripe", "staff:3"
	At      time.Time `gorm:"not null" json:"at"`
}

// Address is a shipping address as entered.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2, any case
}

// NewOrder is the input to CreateOrder. Prices come from the caller, which computes them
// on the server from the catalog; totals are recomputed here and never taken from input.
type NewOrder struct {
	OwnerKey        string // cookie session key; required
	CustomerID      *uint
	Email           string
	Shipping        Address
	Currency        string // ISO 4217, e.g. "EUR"
	ShippingCents   int64
	PaymentProvider string // ProviderStripe or ProviderDemo
	Items           []NewOrderItem
}

// NewOrderItem is one line of a NewOrder.
type NewOrderItem struct {
	Code            string
	Line            string
	Name            string
	SizeLabel       string
	Quantity        int
	UnitPriceCents  int64
	CatalogVersion  string
	Options         json.RawMessage
	Formula         json.RawMessage
	Packaging       json.RawMessage
	PreviewSVG      string
	ExpectedUseDays int // how long one unit typically lasts; 0 = no replenishment reminder
}

var currencyRe = regexp.MustCompile(`^[A-Z]{3}$`)

// ValidateEmail checks an email address: plain addr-spec (no display name), at most 254 bytes.
// It returns the trimmed address or a message.
func ValidateEmail(s string) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", "Please enter your email address."
	case len(s) > MaxEmailLength:
		return "", "That email address is too long."
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", "Please enter a valid email address, like name@example.com."
	}
	return s, ""
}

// Validate checks the input and returns a *ValidationError naming every bad field.
// It normalises in place (trims spaces, upper-cases country and currency).
func (in *NewOrder) Validate() error {
	fe := fieldErrors{}
	if strings.TrimSpace(in.OwnerKey) == "" {
		fe.add("owner_key", "An order needs the session that creates it.")
	}
	if email, msg := ValidateEmail(in.Email); msg != "" {
		fe.add("email", msg)
	} else {
		in.Email = email
	}
	a := &in.Shipping
	for _, f := range []struct {
		name, label string
		v           *string
		required    bool
	}{
		{"name", "name", &a.Name, true},
		{"line1", "street address", &a.Line1, true},
		{"line2", "second address line", &a.Line2, false},
		{"city", "city", &a.City, true},
		{"postal_code", "postal code", &a.PostalCode, true},
	} {
		*f.v = strings.TrimSpace(*f.v)
		key := "shipping_address." + f.name
		max := maxFieldLength
		if f.name == "postal_code" {
			max = 32
		}
		switch {
		case f.required && *f.v == "":
			fe.add(key, "Please enter the "+f.label+".")
		case utf8.RuneCountInString(*f.v) > max || strings.ContainsAny(*f.v, "\r\n\x00"):
			fe.add(key, fmt.Sprintf("The %s must be a single line of at most %d characters.", f.label, max))
		}
	}
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	switch {
	case a.Country == "":
		fe.add("shipping_address.country", "Please choose a country.")
	case !ValidCountry(a.Country):
		fe.add("shipping_address.country", "Please use a two-letter ISO country code, like FR or US.")
	}
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if !currencyRe.MatchString(in.Currency) {
		fe.add("currency", "The currency must be a three-letter ISO code, like EUR.")
	}
	if in.ShippingCents < 0 || in.ShippingCents > MaxUnitPriceCents {
		fe.add("shipping_cents", "The shipping price is out of range.")
	}
	switch in.PaymentProvider {
	case ProviderStripe, ProviderDemo:
	default:
		fe.add("payment_provider", `The payment provider must be "stripe" or "demo".`)
	}
	switch n := len(in.Items); {
	case n == 0:
		fe.add("items", "Your bag is empty.")
	case n > MaxItems:
		fe.add("items", fmt.Sprintf("An order can hold at most %d items.", MaxItems))
	}
	for i := range in.Items {
		it := &in.Items[i]
		p := fmt.Sprintf("items[%d].", i)
		it.Code = strings.TrimSpace(it.Code)
		if it.Code == "" || len(it.Code) > 64 {
			fe.add(p+"code", "Each item needs its product code.")
		}
		if strings.TrimSpace(it.Name) == "" || len(it.Name) > maxFieldLength {
			fe.add(p+"name", "Each item needs a name of at most 200 characters.")
		}
		if it.Line == "" || len(it.Line) > 64 {
			fe.add(p+"line", "Each item needs its product line.")
		}
		if it.Quantity < 1 || it.Quantity > MaxQuantity {
			fe.add(p+"quantity", fmt.Sprintf("The quantity must be between 1 and %d.", MaxQuantity))
		}
		if it.UnitPriceCents <= 0 || it.UnitPriceCents > MaxUnitPriceCents {
			fe.add(p+"unit_price_cents", "The price of this item is out of range.")
		}
		if it.ExpectedUseDays < 0 || it.ExpectedUseDays > 3650 {
			fe.add(p+"expected_use_days", "The expected use must be between 0 and 3650 days.")
		}
		for name, raw := range map[string]json.RawMessage{"options": it.Options, "formula": it.Formula, "packaging": it.Packaging} {
			if len(raw) > 0 && !json.Valid(raw) {
				fe.add(p+name, "This snapshot is not valid JSON.")
			}
		}
	}
	return fe.err()
}

// build turns validated input into an Order with computed totals (not yet saved).
func (in *NewOrder) build(publicID string, now time.Time) *Order {
	o := &Order{
		PublicID:          publicID,
		OwnerKey:          in.OwnerKey,
		CustomerID:        in.CustomerID,
		Email:             in.Email,
		ShipName:          in.Shipping.Name,
		ShipLine1:         in.Shipping.Line1,
		ShipLine2:         in.Shipping.Line2,
		ShipCity:          in.Shipping.City,
		ShipPostalCode:    in.Shipping.PostalCode,
		ShipCountry:       in.Shipping.Country,
		Currency:          in.Currency,
		ShippingCents:     in.ShippingCents,
		Status:            OrderPendingPayment,
		PaymentProvider:   in.PaymentProvider,
		PaymentAttemptRev: 1,
		CreatedAt:         now,
		UpdatedAt:         now,
	}
	for i, it := range in.Items {
		line := it.UnitPriceCents * int64(it.Quantity)
		o.SubtotalCents += line
		o.Items = append(o.Items, OrderItem{
			Position:        i + 1,
			Code:            it.Code,
			Line:            it.Line,
			Name:            strings.TrimSpace(it.Name),
			SizeLabel:       it.SizeLabel,
			Quantity:        it.Quantity,
			UnitPriceCents:  it.UnitPriceCents,
			LineTotalCents:  line,
			CatalogVersion:  it.CatalogVersion,
			Options:         JSONText(it.Options),
			Formula:         JSONText(it.Formula),
			Packaging:       JSONText(it.Packaging),
			PreviewSVG:      it.PreviewSVG,
			ExpectedUseDays: it.ExpectedUseDays,
			CreatedAt:       now,
		})
	}
	o.TotalCents = o.SubtotalCents + o.ShippingCents
	return o
}
