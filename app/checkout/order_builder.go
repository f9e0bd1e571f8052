package checkout

import (
	"bytes"
	"encoding/json"
	"math"

	"atelier/catalog"
	"atelier/fulfillment"
)

// mlPerDay is how much of each product line a person typically uses in a day, in ml; it
// sets when a replenishment reminder falls due. Hair products assume 3–4 washes a week.
var mlPerDay = map[string]float64{
	"shampoo":     7,   // ~15 ml per wash
	"conditioner": 6,   // ~12 ml per wash
	"hair_mask":   3,   // ~20 ml once a week
	"cleanser":    3,   // ~1.5 ml twice a day
	"moisturiser": 1.5, // ~0.75 ml twice a day
	"serum":       0.6, // ~0.3 ml twice a day
}

// defaultMLPerDay is used for lines not listed in mlPerDay.
const defaultMLPerDay = 2.0

// ExpectedUseDays is how long one unit of sizeML of a product line typically lasts: ml ÷
// typical daily use, at least 14 days; 0 (no reminder) when the size is unknown.
func ExpectedUseDays(line string, sizeML int) int {
	if sizeML <= 0 {
		return 0
	}
	rate, ok := mlPerDay[line]
	if !ok {
		rate = defaultMLPerDay
	}
	return max(14, int(math.Round(float64(sizeML)/rate)))
}

// orderItem snapshots a priced product as an order line: everything needed to make it again
// without the catalog (options by id, formula, packaging, catalog version, price, preview).
func orderItem(pr Priced, quantity int) (fulfillment.NewOrderItem, error) {
	p := pr.Product
	options, err := json.Marshal(p.Selection())
	if err != nil {
		return fulfillment.NewOrderItem{}, err
	}
	formula, err := json.Marshal(p.Formula)
	if err != nil {
		return fulfillment.NewOrderItem{}, err
	}
	packaging, err := json.Marshal(p.Packaging)
	if err != nil {
		return fulfillment.NewOrderItem{}, err
	}
	var svg bytes.Buffer
	if err := catalog.PreviewSVG(&svg, p, pr.LabelName); err != nil {
		return fulfillment.NewOrderItem{}, err
	}
	size := pr.Size.Label
	if size == "" && p.Packaging.SizeML > 0 {
		size = itoa(p.Packaging.SizeML) + " ml"
	}
	return fulfillment.NewOrderItem{
		Code: p.Code, Line: p.Line, Name: p.Name, SizeLabel: size, Quantity: quantity,
		UnitPriceCents: pr.UnitCents, CatalogVersion: p.Version,
		Options: options, Formula: formula, Packaging: packaging, PreviewSVG: svg.String(),
		ExpectedUseDays: ExpectedUseDays(p.Line, p.Packaging.SizeML),
	}, nil
}
