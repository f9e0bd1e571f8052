package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"atelier/app/products"
	"atelier/catalog"
	"atelier/fulfillment"
)

// OwnedProduct is one distinct product a customer bought (by reorder code), as "my products"
// shows it: the latest purchase of it, the product decoded in its own catalog version (formula
// and reasons) and its picture.
type OwnedProduct struct {
	Code          string          `json:"code"`
	Name          string          `json:"name"`
	Line          string          `json:"line"`
	SizeLabel     string          `json:"size_label,omitempty"`
	Times         int             `json:"times_bought"`
	LastOrderID   uint            `json:"last_order_id"`
	LastPublicID  string          `json:"-"`
	LastBoughtAt  time.Time       `json:"last_bought_at"`
	PreviewURL    string          `json:"preview_url"`
	Product       catalog.Product `json:"product"`
	item          fulfillment.OrderItem
	decodeProblem string
}

// paid reports whether an order was paid (pending and cancelled checkouts are not purchases).
func paid(o *fulfillment.Order) bool { return o.PaidAt != nil }

// ownedProducts lists the distinct products of the customer's paid orders, most recently
// bought first, decoded for prof (name and reasons).
func (h *Handlers) ownedProducts(ctx context.Context, customerID uint, prof catalog.Profile) ([]OwnedProduct, []fulfillment.Order, error) {
	orders, err := h.d.Orders.ListForCustomer(ctx, customerID)
	if err != nil {
		return nil, nil, err
	}
	var out []OwnedProduct
	seen := map[string]int{}
	for i := range orders {
		o := &orders[i]
		if !paid(o) {
			continue
		}
		for _, it := range o.Items {
			if j, ok := seen[it.Code]; ok {
				out[j].Times++
				continue
			}
			seen[it.Code] = len(out)
			op := OwnedProduct{Code: it.Code, Name: it.Name, Line: it.Line, SizeLabel: it.SizeLabel, Times: 1,
				LastOrderID: o.ID, LastPublicID: o.PublicID, LastBoughtAt: o.CreatedAt, item: it}
			if p, err := h.d.Catalog.Decode(it.Code, prof); err == nil {
				op.Product = p
			} else {
				op.decodeProblem = err.Error()
			}
			op.PreviewURL = products.PreviewURL(it.Code, prof.Name)
			out = append(out, op)
		}
	}
	return out, orders, nil
}

// ownedProduct returns the customer's product with code, or ErrNotFound when they never
// bought it (another customer's code is not found either).
func (h *Handlers) ownedProduct(ctx context.Context, customerID uint, code string, prof catalog.Profile) (*OwnedProduct, error) {
	owned, _, err := h.ownedProducts(ctx, customerID, prof)
	if err != nil {
		return nil, err
	}
	want := catalog.NormalizeCode(code)
	for i := range owned {
		if catalog.NormalizeCode(owned[i].Code) == want {
			return &owned[i], nil
		}
	}
	return nil, ErrNotFound
}

// Reorder is a product checked against today's catalog.
type Reorder struct {
	// Original is the product as bought (its own catalog version).
	Original catalog.Product `json:"original"`
	// Product is what can be made today: the same configuration at today's price, or the
	// nearest valid product when the catalog changed.
	Product catalog.Product `json:"product"`
	// Same is true when Product has exactly Original's configuration.
	Same bool `json:"same"`
	// Changes lists each difference, with its reason (empty when Same).
	Changes []Change `json:"changes"`
	// Notes says in words what changed in the catalog.
	Notes []string `json:"notes,omitempty"`
}

// ErrDiscontinued is returned when today's catalog no longer has the product's line.
var ErrDiscontinued = errors.New("account: this product line is no longer made")

// Recheck re-validates the product with code (or, when stored is not nil, the configuration
// stored with the order) against today's catalog: Registry.Current(). A product of the current
// version is taken as is; an older one is rebuilt from its selection with Line.Product. When
// an option was removed or a rule now fails, the nearest valid product is offered (the
// removed choices are filled with today's best for the profile, then the generator's nearest
// valid product is taken) and each difference is listed with its reason.
func Recheck(reg *catalog.Registry, code string, stored catalog.Selection, prof catalog.Profile) (*Reorder, error) {
	orig, err := reg.Decode(code, prof)
	if err != nil {
		return nil, err
	}
	cur := reg.Current()
	if orig.Version == cur.Version() {
		return &Reorder{Original: orig, Product: orig, Same: true, Changes: []Change{}}, nil
	}
	line, err := cur.Line(orig.Line)
	if errors.Is(err, catalog.ErrUnknownLine) {
		return nil, ErrDiscontinued
	}
	if err != nil {
		return nil, err
	}
	sel := stored
	if len(sel) == 0 {
		sel = orig.Selection()
	}
	if p, err := line.Product(sel, prof); err == nil {
		return &Reorder{Original: orig, Product: p, Same: true, Changes: []Change{}}, nil
	}
	info := lineInfo(line)
	best, err := line.Best(catalog.Profile{Name: prof.Name})
	if err != nil {
		return nil, err
	}
	filled, reasons, notes := best.Selection(), map[string]string{}, []string(nil)
	for _, dim := range info.Dimensions {
		var kept, gone []string
		for _, id := range sel[dim.ID] {
			if option(&dim, id) != nil {
				kept = append(kept, id)
			} else {
				gone = append(gone, choiceLabel(orig, dim.ID, id))
			}
		}
		if len(gone) > 0 {
			msg := fmt.Sprintf("%s: %s is no longer offered.", dim.Label, strings.Join(gone, ", "))
			notes = append(notes, msg)
			reasons[dim.ID] = msg + " This is the closest choice we make today."
		}
		if len(kept) > 0 && (dim.Pick || len(gone) == 0) {
			filled[dim.ID] = kept
		}
	}
	p, err := line.Product(filled, prof)
	var ce *catalog.ConflictError
	if errors.As(err, &ce) && ce.Suggestion != nil {
		for _, c := range ce.Conflicts {
			notes = append(notes, "A rule of today's catalog: "+c.Message+".")
		}
		p, err = *ce.Suggestion, nil
		for dim := range selectionDiff(filled, p.Selection()) {
			if reasons[dim] == "" {
				reasons[dim] = "Changed because today's catalog has a new rule: " + conflictWords(ce) + "."
			}
		}
	}
	if err != nil {
		return nil, err
	}
	changes := Diff(info, orig, p, reasons)
	return &Reorder{Original: orig, Product: p, Same: len(changes) == 0, Changes: changes, Notes: notes}, nil
}

func conflictWords(ce *catalog.ConflictError) string {
	msgs := make([]string, len(ce.Conflicts))
	for i, c := range ce.Conflicts {
		msgs[i] = c.Message
	}
	return strings.Join(msgs, "; ")
}

func choiceLabel(p catalog.Product, dim, id string) string {
	for _, c := range p.Choices {
		if c.Dimension == dim {
			for i, o := range c.Options {
				if o == id && i < len(c.Labels) {
					return c.Labels[i]
				}
			}
		}
	}
	return id
}

func lineInfo(line *catalog.Line) catalog.LineInfo {
	for _, li := range line.Catalog().Info().Lines {
		if li.ID == line.ID() {
			return li
		}
	}
	return catalog.LineInfo{ID: line.ID()}
}

// storedSelection is the configuration frozen with an order item (dimension → option ids),
// or nil when it cannot be read.
func storedSelection(it fulfillment.OrderItem) catalog.Selection {
	var sel catalog.Selection
	if it.Options == "" || json.Unmarshal([]byte(it.Options), &sel) != nil {
		return nil
	}
	return sel
}
