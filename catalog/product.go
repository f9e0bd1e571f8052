package catalog

import (
	"cmp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Product is one configured product: what the shopper sees, what fulfilment compounds
// and packs, and the code that finds it again. The web layer adds preview_url.
type Product struct {
	Code             string       `json:"code"`
	Version          string       `json:"version"`
	Line             string       `json:"line"`
	LineLabel        string       `json:"line_label"`
	Name             string       `json:"name"`
	PriceCents       int64        `json:"price_cents"`
	Currency         string       `json:"currency"`
	PricesBySize     []SizePrice  `json:"prices_by_size,omitempty"`
	Choices          []Choice     `json:"choices"`
	Formula          []FormulaRow `json:"formula"`
	LabelIngredients []string     `json:"label_ingredients"`
	Packaging        Packaging    `json:"packaging"`
	Score            float64      `json:"score"`
}

// Choice is what was chosen in one dimension and why.
type Choice struct {
	Dimension      string   `json:"dimension"`
	DimensionLabel string   `json:"dimension_label"`
	Options        []string `json:"options"`
	Labels         []string `json:"labels"`
	Reasons        []string `json:"reasons"`
	// Personal is true when a reason comes from the shopper's answers; false when every
	// reason is plain: the line's standard, forced by another choice, or the shopper's pick.
	Personal bool `json:"personal"`
}

// FormulaRow is one line of the batch sheet.
type FormulaRow struct {
	INCI    string  `json:"inci"`
	Percent Percent `json:"percent"`
	Role    string  `json:"role"`
	Phase   string  `json:"phase"`
	QS      bool    `json:"qs,omitempty"` // quantum satis: the ingredient that makes up to 100%
}

// Percent is a percentage in basis points (1/100 %); it marshals to JSON as a number with
// two decimals, e.g. 4.5 % is 450 and marshals as 4.50.
type Percent int64

// String renders "4.50".
func (p Percent) String() string { return formatBP(int64(p)) }

// MarshalJSON renders the percentage as a JSON number.
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(formatBP(int64(p))), nil }

// UnmarshalJSON reads a JSON number with at most two decimals.
func (p *Percent) UnmarshalJSON(b []byte) error {
	v, err := parsePercent(string(b))
	if err != nil {
		return err
	}
	*p = Percent(v)
	return nil
}

// Packaging is the packaging spec: what to pick from the shelf and what to print.
type Packaging struct {
	Shape      string `json:"shape"`       // bottle, pump, jar, dropper, tube
	Colour     string `json:"colour"`      // hex, e.g. #E8B4B8
	ColourName string `json:"colour_name"` // e.g. Blush
	Cap        string `json:"cap"`         // screw, pump, dropper, flip, lid, disc
	SizeML     int    `json:"size_ml"`
	LabelStyle string `json:"label_style"`
	Opaque     bool   `json:"opaque"`
	LabelText  string `json:"label_text"`
}

// SizePrice is the price of the product in another size, and whether that size is
// possible with the other choices.
type SizePrice struct {
	Option     string `json:"option"`
	Label      string `json:"label"`
	SizeML     int    `json:"size_ml"`
	PriceCents int64  `json:"price_cents"`
	Available  bool   `json:"available"`
}

// Selection maps dimension ids to chosen option ids: exactly one for single-choice
// dimensions, any allowed number for pick dimensions. It is also the shape of a change
// request in Customize.
type Selection map[string][]string

// Selection returns the product's choices as a Selection.
func (p Product) Selection() Selection {
	s := make(Selection, len(p.Choices))
	for _, c := range p.Choices {
		s[c.Dimension] = append([]string{}, c.Options...)
	}
	return s
}

// product builds the Product for a valid configuration.
func (l *Line) product(cfg []int, p *Profile, score [][]int64) Product {
	name := cleanName(p.Name)
	prod := Product{
		Code:      l.encode(cfg),
		Version:   l.cat.version,
		Line:      l.id,
		LineLabel: l.label,
		Name:      l.productName(cfg, name),
		Currency:  l.cat.currency,
	}
	prod.PriceCents = l.price(cfg)
	var total int64
	for i, v := range cfg {
		total += score[i][v]
	}
	prod.Score = float64(total) / 1000
	hard := l.cat.activeHardRules(p)
	for _, d := range l.dims {
		ch := Choice{Dimension: d.id, DimensionLabel: d.label, Options: []string{}, Labels: []string{}, Reasons: []string{}}
		for _, o := range l.chosenIn(d, cfg) {
			ch.Options = append(ch.Options, o.id)
			ch.Labels = append(ch.Labels, o.label)
			rs := o.reasons(p)
			if len(rs) == 0 {
				rs = append(rs, l.plainReason(o, cfg, hard, p, score))
			} else {
				ch.Personal = true
			}
			ch.Reasons = append(ch.Reasons, rs...)
		}
		if hr := hardReasons(d, hard, p); len(hr) > 0 {
			ch.Reasons, ch.Personal = append(ch.Reasons, hr...), true
		}
		if len(ch.Reasons) == 0 { // a pick dimension with nothing picked
			ch.Reasons = append(ch.Reasons, "None: nothing you told us calls for "+strings.ToLower(d.label))
		}
		prod.Choices = append(prod.Choices, ch)
	}
	prod.Formula = l.formula(cfg)
	prod.LabelIngredients = make([]string, len(prod.Formula))
	for i, r := range prod.Formula {
		prod.LabelIngredients[i] = r.INCI
	}
	prod.Packaging = l.packaging(cfg, prod.Name)
	if l.sizeDim != nil {
		alt := append([]int(nil), cfg...)
		for _, o := range l.sizeDim.options {
			alt[l.sizeDim.firstVar] = o.index
			prod.PricesBySize = append(prod.PricesBySize, SizePrice{Option: o.id, Label: o.label, SizeML: o.pack.SizeML,
				PriceCents: l.price(alt), Available: l.d.Contains(alt)})
		}
	}
	return prod
}

// reasons lists why the option suits the profile, strongest first, at most two.
func (o *option) reasons(p *Profile) []string {
	type rv struct {
		h *hint
		v int64
	}
	var rs []rv
	for i := range o.hints {
		if v := o.hints[i].value(p); v > 0 {
			rs = append(rs, rv{&o.hints[i], v})
		}
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].v > rs[b].v })
	var out []string
	for _, r := range rs {
		if len(out) == 2 {
			break
		}
		tmpl := r.h.reason
		if tmpl == "" {
			tmpl = "{option}: {because}"
		}
		out = append(out, strings.ReplaceAll(strings.ReplaceAll(tmpl, "{option}", o.label), "{because}", r.h.because(p)))
	}
	return out
}

// activeHardRules are the hard rules whose flag the profile sets.
func (c *Catalog) activeHardRules(p *Profile) []*profileRule {
	var out []*profileRule
	for i := range c.hard {
		if p.Flags[c.hard[i].flag] {
			out = append(out, &c.hard[i])
		}
	}
	return out
}

// hardReasons explains which options of d the profile's hard rules left out: one sentence per
// distinct reason, naming each option once even when several rules exclude it.
func hardReasons(d *dimension, hard []*profileRule, p *Profile) []string {
	var msgs []string
	var left [][]*option
	for _, o := range d.options {
		for _, msg := range hardExclusions(o, hard, p) {
			i := slices.Index(msgs, msg)
			if i < 0 {
				i = len(msgs)
				msgs, left = append(msgs, msg), append(left, nil)
			}
			left[i] = append(left[i], o)
		}
	}
	out := make([]string, len(msgs))
	for i, msg := range msgs {
		out[i] = "Left out " + labelList(left[i], "and") + ": " + msg
	}
	return out
}

// hardExclusions says why the profile's hard rules exclude o, once per flag: retinol carries
// both retinoid and not_pregnancy_safe, and a pregnant shopper should read why only once.
func hardExclusions(o *option, hard []*profileRule, p *Profile) []string {
	var out, flags []string
	for _, r := range hard {
		if !o.hasTag(r.tag) || slices.Contains(flags, r.flag) {
			continue
		}
		flags = append(flags, r.flag)
		if msg := r.because(p); !slices.Contains(out, msg) {
			out = append(out, msg)
		}
	}
	return out
}

// because is the shopper's answer behind the rule, or the rule's own reason.
func (r *profileRule) because(p *Profile) string {
	if e := strings.TrimSpace(p.Evidence["flag."+r.flag]); e != "" {
		return e
	}
	return r.reason
}

// price is the base price plus every chosen option's delta, in cents.
func (l *Line) price(cfg []int) int64 {
	total := l.basePrice
	for _, d := range l.dims {
		for _, o := range l.chosenIn(d, cfg) {
			total += o.price
		}
	}
	return total
}

// productName fills the line's name template: {name}'s becomes "Your" without a name.
func (l *Line) productName(cfg []int, name string) string {
	adj := l.defaultAdj
	found := false
	for _, d := range l.adjFrom {
		for _, o := range l.chosenIn(d, cfg) {
			if o.adjective != "" {
				adj, found = o.adjective, true
				break
			}
		}
		if found {
			break
		}
	}
	s := l.nameTmpl
	if name == "" {
		s = strings.ReplaceAll(s, "{name}'s", "Your")
		s = strings.ReplaceAll(s, "{name}", "You")
	} else {
		s = strings.ReplaceAll(s, "{name}", name)
	}
	s = strings.ReplaceAll(s, "{adjective}", adj)
	s = strings.ReplaceAll(s, "{line}", l.label)
	return strings.Join(strings.Fields(s), " ")
}

var rolePhase = map[string]string{
	"solvent": "A", "base": "A", "humectant": "A", "texture": "B", "emollient": "B",
	"active": "C", "booster": "C", "fragrance": "C", "preservative": "C", "colourant": "C",
}

// formula is the batch sheet: every ingredient with its % w/w, descending, summing to
// exactly 100.00 because the q.s. ingredient takes the remainder.
func (l *Line) formula(cfg []int) []FormulaRow {
	strength := 100
	if l.strengthDim != nil {
		strength = l.strengthDim.options[cfg[l.strengthDim.firstVar]].strength
	}
	rows := make([]FormulaRow, 0, 24)
	find := func(inci string) int {
		for i := range rows {
			if rows[i].INCI == inci {
				return i
			}
		}
		return -1
	}
	add := func(in ingredient, bp int64) {
		if i := find(in.inci); i >= 0 {
			rows[i].Percent += Percent(bp)
			return
		}
		phase := in.phase
		if phase == "" {
			phase = rolePhase[in.role]
		}
		if phase == "" {
			phase = "A"
		}
		rows = append(rows, FormulaRow{INCI: in.inci, Percent: Percent(bp), Role: in.role, Phase: phase})
	}
	var sum int64
	for _, in := range l.fixed {
		add(in, in.bp)
		sum += in.bp
	}
	for _, d := range l.dims {
		for _, o := range l.chosenIn(d, cfg) {
			for _, in := range o.ingredients {
				bp := in.bp
				if d.kind == "actives" {
					bp = scaleBP(bp, strength)
				}
				add(in, bp)
				sum += bp
			}
		}
	}
	qs := ingredient{inci: l.qs, role: "solvent", phase: "A"}
	add(qs, 10000-sum)
	rows[find(l.qs)].QS = true
	slices.SortStableFunc(rows, func(a, b FormulaRow) int {
		if a.Percent != b.Percent {
			return cmp.Compare(b.Percent, a.Percent)
		}
		return strings.Compare(a.INCI, b.INCI)
	})
	return rows
}

// packaging merges the packaging specs of the chosen options, in dimension order.
func (l *Line) packaging(cfg []int, name string) Packaging {
	pk := Packaging{Shape: "bottle", Colour: "#F3EEE8", Cap: "screw", LabelStyle: "classic"}
	for _, d := range l.dims {
		for _, o := range l.chosenIn(d, cfg) {
			s := o.pack
			if s.Shape != "" {
				pk.Shape = s.Shape
			}
			if s.Colour != "" {
				pk.Colour = s.Colour
				pk.ColourName = o.label
			}
			if s.Cap != "" {
				pk.Cap = s.Cap
			}
			if s.SizeML != 0 {
				pk.SizeML = s.SizeML
			}
			if s.Label != "" {
				pk.LabelStyle = s.Label
			}
			if o.hasTag("opaque") {
				pk.Opaque = true
			}
		}
	}
	pk.LabelText = name
	if pk.SizeML > 0 {
		pk.LabelText += " · " + strconv.Itoa(pk.SizeML) + " ml"
	}
	return pk
}
