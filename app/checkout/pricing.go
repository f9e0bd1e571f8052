package checkout

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"atelier/catalog"
)

// Pricer turns codes and sizes into products and prices, always from the catalog: nothing a
// client sends about money is ever used.
type Pricer struct {
	reg *catalog.Registry
	// ShippingCents is the flat shipping price of an order, whatever it holds.
	ShippingCents int64
}

// DefaultShippingCents is the flat shipping price: one parcel, any size, tracked.
const DefaultShippingCents = 500

// NewPricer returns a pricer over the registry with flat shipping of shippingCents (≤ 0 uses
// DefaultShippingCents).
func NewPricer(reg *catalog.Registry, shippingCents int64) *Pricer {
	if shippingCents <= 0 {
		shippingCents = DefaultShippingCents
	}
	return &Pricer{reg: reg, ShippingCents: shippingCents}
}

// Priced is one product resolved for a size: the product exactly as it will be made (its
// code names that size), the size, and the unit price.
type Priced struct {
	Product   catalog.Product
	Size      catalog.SizePrice // zero when the line has no sizes
	UnitCents int64
	LabelName string
}

// Resolve decodes code for the label name and picks size (an option id of the line's size
// dimension; "" keeps the code's own size). It refuses unknown codes and sizes the product
// cannot come in with an *ItemError saying why.
func (p *Pricer) Resolve(code, size, labelName string) (Priced, error) {
	code, size = strings.TrimSpace(code), strings.TrimSpace(size)
	labelName = strings.TrimSpace(labelName)
	if code == "" {
		return Priced{}, &ItemError{Field: "code", Message: "Choose a product to add."}
	}
	if len(code) > 64 {
		return Priced{}, &ItemError{Field: "code", Message: "That product code is too long to be one of ours."}
	}
	if utf8.RuneCountInString(labelName) > MaxLabelName || strings.ContainsAny(labelName, "\r\n\x00") {
		return Priced{}, &ItemError{Field: "name", Message: "The name on the label must be one line of at most " + itoa(MaxLabelName) + " characters."}
	}
	prod, err := p.reg.Decode(code, catalog.Profile{Name: labelName})
	if err != nil {
		return Priced{}, codeError(err)
	}
	if len(prod.PricesBySize) == 0 {
		if size != "" {
			return Priced{}, &ItemError{Field: "size", Message: "This product comes in one size only."}
		}
		return Priced{Product: prod, UnitCents: prod.PriceCents, LabelName: labelName}, nil
	}
	dim, current := sizeChoice(prod)
	var want *catalog.SizePrice
	for i := range prod.PricesBySize {
		if sp := &prod.PricesBySize[i]; sp.Option == size || size == "" && sp.Option == current {
			want = sp
		}
	}
	switch {
	case want == nil:
		return Priced{}, &ItemError{Field: "size", Message: "This product does not come in that size."}
	case !want.Available:
		return Priced{}, &ItemError{Field: "size", Message: "The " + want.Label + " size is not possible with this product's other choices."}
	}
	if want.Option != current {
		prod, err = p.customize(prod, dim, want.Option, labelName)
		if err != nil {
			return Priced{}, err
		}
	}
	return Priced{Product: prod, Size: *want, UnitCents: prod.PriceCents, LabelName: labelName}, nil
}

// customize returns the same product in another size (a different code).
func (p *Pricer) customize(prod catalog.Product, dim, option, name string) (catalog.Product, error) {
	cat, ok := p.reg.Version(prod.Version)
	if !ok {
		return catalog.Product{}, codeError(catalog.ErrUnknownVersion)
	}
	line, err := cat.Line(prod.Line)
	if err != nil {
		return catalog.Product{}, codeError(err)
	}
	out, err := line.Customize(prod.Selection(), catalog.Selection{dim: {option}}, catalog.Profile{Name: name})
	if err != nil {
		return catalog.Product{}, &ItemError{Field: "size", Message: "This product cannot be made in that size."}
	}
	return out, nil
}

// sizeChoice finds the product's size dimension and its chosen option: the choice whose one
// option is a size option with the same label.
func sizeChoice(prod catalog.Product) (dim, option string) {
	for _, c := range prod.Choices {
		if len(c.Options) != 1 {
			continue
		}
		for _, sp := range prod.PricesBySize {
			if sp.Option == c.Options[0] && len(c.Labels) == 1 && c.Labels[0] == sp.Label && sp.SizeML == prod.Packaging.SizeML {
				return c.Dimension, sp.Option
			}
		}
	}
	return "", ""
}

// codeError words a catalog decoding error for a shopper.
func codeError(err error) error {
	switch {
	case errors.Is(err, catalog.ErrMistyped):
		return &ItemError{Field: "code", Message: "This product code looks mistyped; please check it."}
	case errors.Is(err, catalog.ErrUnknownVersion):
		return &ItemError{Field: "code", Message: "This product comes from a catalog we no longer make; please take the consultation again for a current formula."}
	case errors.Is(err, catalog.ErrUnknownCode), errors.Is(err, catalog.ErrUnknownLine):
		return &ItemError{Field: "code", Message: "We do not make a product with this code (any more)."}
	}
	return err
}

// Line is one bag item priced now, or the reason it can no longer be bought.
type Line struct {
	Item       BagItem
	Priced     Priced
	TotalCents int64
	Problem    string // non-empty: the item cannot be bought as it is; remove it
}

// Quote is a bag priced now.
type Quote struct {
	Lines         []Line
	Currency      string
	Units         int
	SubtotalCents int64
	ShippingCents int64
	TotalCents    int64
	// Problem is non-empty when the bag cannot be checked out as it is.
	Problem string
}

// Quote prices items from the catalog as it is now.
func (p *Pricer) Quote(items []BagItem) Quote {
	q := Quote{Currency: p.reg.Current().Currency()}
	for _, it := range items {
		l := Line{Item: it}
		pr, err := p.Resolve(it.Code, it.Size, it.LabelName)
		var ie *ItemError
		switch {
		case errors.As(err, &ie):
			l.Problem = ie.Message
		case err != nil:
			l.Problem = "We cannot price this product right now."
		default:
			l.Priced, l.TotalCents = pr, pr.UnitCents*int64(it.Quantity)
			if !strings.EqualFold(pr.Product.Currency, q.Currency) {
				l.Problem = "This product is priced in another currency; please add it again."
			}
		}
		if l.Problem != "" {
			q.Problem = "Some products in your bag can no longer be made as they are. Remove them to check out."
		} else {
			q.Units += it.Quantity
			q.SubtotalCents += l.TotalCents
		}
		q.Lines = append(q.Lines, l)
	}
	if q.Units > 0 {
		q.ShippingCents = p.ShippingCents
	}
	q.TotalCents = q.SubtotalCents + q.ShippingCents
	return q
}

func itoa(n int) string { return strconv.Itoa(n) }
