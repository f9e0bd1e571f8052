package catalog

import "math/big"

// Info describes a catalog for GET /api/v1/catalog. It is built once at load; treat it as
// read-only.
type Info struct {
	Version            string     `json:"version"`
	Currency           string     `json:"currency"`
	Lines              []LineInfo `json:"lines"`
	TotalValidVariants *big.Int   `json:"total_valid_variants"`
}

// LineInfo describes one product line.
type LineInfo struct {
	ID             string          `json:"id"`
	Label          string          `json:"label"`
	Description    string          `json:"description,omitempty"`
	BasePriceCents int64           `json:"base_price_cents"`
	ValidVariants  *big.Int        `json:"valid_variants"`
	Dimensions     []DimensionInfo `json:"dimensions"`
}

// DimensionInfo describes one dimension. Pick dimensions choose MinPicks..MaxPicks options;
// the others choose exactly one.
type DimensionInfo struct {
	ID       string       `json:"id"`
	Kind     string       `json:"kind"`
	Label    string       `json:"label"`
	Pick     bool         `json:"pick"`
	MinPicks int          `json:"min_picks,omitempty"`
	MaxPicks int          `json:"max_picks,omitempty"`
	Options  []OptionInfo `json:"options"`
}

// OptionInfo describes one option.
type OptionInfo struct {
	ID              string   `json:"id"`
	Label           string   `json:"label"`
	Description     string   `json:"description,omitempty"`
	PriceDeltaCents int64    `json:"price_delta_cents"`
	Tags            []string `json:"tags,omitempty"`
	INCI            []string `json:"inci,omitempty"`
	Colour          string   `json:"colour,omitempty"`
	Shape           string   `json:"shape,omitempty"`
	Cap             string   `json:"cap,omitempty"`
	SizeML          int      `json:"size_ml,omitempty"`
}

// Info describes the catalog (lines, dimensions, options, prices, valid variant counts).
func (c *Catalog) Info() Info { return c.info }

func (c *Catalog) buildInfo() Info {
	info := Info{Version: c.version, Currency: c.currency, TotalValidVariants: c.total, Lines: []LineInfo{}}
	for _, l := range c.lines {
		li := LineInfo{ID: l.id, Label: l.label, Description: l.description, BasePriceCents: l.basePrice,
			ValidVariants: l.count}
		for _, d := range l.dims {
			di := DimensionInfo{ID: d.id, Kind: d.kind, Label: d.label, Pick: d.pick}
			if d.pick {
				di.MinPicks, di.MaxPicks = d.min, d.max
			}
			for _, o := range d.options {
				oi := OptionInfo{ID: o.id, Label: o.label, Description: o.description, PriceDeltaCents: o.price,
					Tags: o.tags, Colour: o.pack.Colour, Shape: o.pack.Shape, Cap: o.pack.Cap, SizeML: o.pack.SizeML}
				for _, in := range o.ingredients {
					oi.INCI = append(oi.INCI, in.inci)
				}
				di.Options = append(di.Options, oi)
			}
			li.Dimensions = append(li.Dimensions, di)
		}
		info.Lines = append(info.Lines, li)
	}
	return info
}
