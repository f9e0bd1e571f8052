package account

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"atelier/catalog"
)

// Answers to the feedback questions. Empty means "not answered".
const (
	TextureTooHeavy = "too_heavy"
	TextureRight    = "just_right"
	TextureTooLight = "too_light"
	ScentTooStrong  = "too_strong"
	ScentFine       = "fine"
	ScentTooFaint   = "too_faint"
	ResultsWorse    = "worse"
	ResultsNone     = "no_change"
	ResultsBetter   = "better"
)

// Feedback is a customer's answer to "How is it working?" for one product.
type Feedback struct {
	Rating     int    `json:"rating"`            // 1–5
	Texture    string `json:"texture,omitempty"` // too_heavy, just_right, too_light
	Scent      string `json:"scent,omitempty"`   // too_strong, fine, too_faint
	Irritation bool   `json:"irritation"`
	// IrritationProduct names the product that irritated, in the customer's words.
	IrritationProduct string `json:"irritation_product,omitempty"`
	Results           string `json:"results,omitempty"` // worse, no_change, better
	Note              string `json:"note,omitempty"`
}

// Validate reports every problem with the answers at once.
func (f *Feedback) Validate() error {
	var fields []FieldError
	if f.Rating < 1 || f.Rating > 5 {
		fields = append(fields, FieldError{"rating", "Please choose a rating from 1 to 5."})
	}
	check := func(field, v string, allowed ...string) {
		if v != "" && !slices.Contains(allowed, v) {
			fields = append(fields, FieldError{field, "Please choose one of the answers offered."})
		}
	}
	check("texture", f.Texture, TextureTooHeavy, TextureRight, TextureTooLight)
	check("scent", f.Scent, ScentTooStrong, ScentFine, ScentTooFaint)
	check("results", f.Results, ResultsWorse, ResultsNone, ResultsBetter)
	f.Note, f.IrritationProduct = strings.TrimSpace(f.Note), strings.TrimSpace(f.IrritationProduct)
	if len(f.Note) > 2000 || len(f.IrritationProduct) > 200 {
		fields = append(fields, FieldError{"note", "Please keep your note under 2,000 characters."})
	}
	if len(fields) > 0 {
		return &ValidationError{Fields: fields}
	}
	return nil
}

// Summary is the feedback in one line of words, stored as the note of fulfillment's rating.
func (f Feedback) Summary() string {
	var parts []string
	if f.Texture != "" {
		parts = append(parts, "texture: "+strings.ReplaceAll(f.Texture, "_", " "))
	}
	if f.Scent != "" {
		parts = append(parts, "scent: "+strings.ReplaceAll(f.Scent, "_", " "))
	}
	if f.Irritation {
		s := "irritation: yes"
		if f.IrritationProduct != "" {
			s += " (" + f.IrritationProduct + ")"
		}
		parts = append(parts, s)
	}
	if f.Results != "" {
		parts = append(parts, "results: "+strings.ReplaceAll(f.Results, "_", " "))
	}
	if f.Note != "" {
		parts = append(parts, "note: "+f.Note)
	}
	return strings.Join(parts, "; ")
}

// Change is one difference between two products of a line, with its reason.
type Change struct {
	Dimension      string   `json:"dimension"`
	DimensionLabel string   `json:"dimension_label"`
	From           string   `json:"from"` // option labels, comma-separated
	To             string   `json:"to"`
	FromOptions    []string `json:"from_options"`
	ToOptions      []string `json:"to_options"`
	Reason         string   `json:"reason"`
}

// Refine turns feedback on product p (of the line described by info) into changes to its
// selection, each with the reason, without touching the generator. It is pure:
//   - texture too heavy → the next lighter texture (or base) option; too light → the next richer;
//   - irritation → remove the most irritating active (retinoids, then strong acids, then
//     exfoliating acids, then vitamin C) and lower the strength one step;
//   - scent too strong → an unscented option;
//   - no visible results without irritation → raise the strength one step.
//
// reasons maps each changed dimension to why. The caller validates the result with
// Line.Customize (see RefineProduct).
func Refine(info catalog.LineInfo, p catalog.Product, fb Feedback) (changes catalog.Selection, reasons map[string]string) {
	return refine(info, p, fb, nil)
}

// refine is Refine that never moves to an option in ruledOut ("dimension/option"): the
// options the customer's hard rules exclude, so that a too-light cream for someone with a
// nut allergy becomes the nut-free rich cream rather than the shea butter one.
func refine(info catalog.LineInfo, p catalog.Product, fb Feedback, ruledOut map[string]bool) (changes catalog.Selection, reasons map[string]string) {
	changes, reasons = catalog.Selection{}, map[string]string{}
	neighbour := func(dim *catalog.DimensionInfo, cur *catalog.OptionInfo, rank func(*catalog.OptionInfo) int, step int) *catalog.OptionInfo {
		return neighbourIn(dim, cur, rank, step, func(o *catalog.OptionInfo) bool { return !ruledOut[dim.ID+"/"+o.ID] })
	}
	sel := p.Selection()
	set := func(dim *catalog.DimensionInfo, opts []string, reason string) {
		changes[dim.ID] = opts
		reasons[dim.ID] = reason
	}
	if dim := textureDim(info, sel); dim != nil && (fb.Texture == TextureTooHeavy || fb.Texture == TextureTooLight) {
		cur := option(dim, first(sel[dim.ID]))
		step := -1
		if fb.Texture == TextureTooLight {
			step = 1
		}
		if next := neighbour(dim, cur, heaviness, step); next != nil {
			word := "lighter"
			if step > 0 {
				word = "richer"
			}
			set(dim, []string{next.ID}, fmt.Sprintf("You found it too %s: %s is %s than %s.",
				map[int]string{-1: "heavy", 1: "light"}[step], next.Label, word, cur.Label))
		}
	}
	if fb.Irritation {
		if dim := kindDim(info, "actives"); dim != nil {
			picks := sel[dim.ID]
			if suspect := mostIrritating(dim, picks); suspect != nil {
				rest := slices.DeleteFunc(slices.Clone(picks), func(id string) bool { return id == suspect.ID })
				set(dim, rest, fmt.Sprintf("You noticed irritation: %s is the active most likely to cause it, so we took it out.", suspect.Label))
			}
		}
		if dim := kindDim(info, "strength"); dim != nil {
			cur := option(dim, first(sel[dim.ID]))
			if next := neighbour(dim, cur, strength, -1); next != nil {
				set(dim, []string{next.ID}, fmt.Sprintf("You noticed irritation: %s strength is kinder to skin than %s.", next.Label, cur.Label))
			}
		}
	}
	if dim := kindDim(info, "fragrance"); dim != nil && fb.Scent == ScentTooStrong {
		cur := option(dim, first(sel[dim.ID]))
		if cur != nil && !isUnscented(cur) {
			for i := range dim.Options {
				if o := &dim.Options[i]; isUnscented(o) && !ruledOut[dim.ID+"/"+o.ID] {
					set(dim, []string{o.ID}, fmt.Sprintf("You found the scent too strong: %s has no added fragrance.", o.Label))
					break
				}
			}
		}
	}
	if dim := kindDim(info, "strength"); dim != nil && fb.Results == ResultsNone && !fb.Irritation && changes[dim.ID] == nil {
		cur := option(dim, first(sel[dim.ID]))
		if next := neighbour(dim, cur, strength, 1); next != nil {
			set(dim, []string{next.ID}, fmt.Sprintf("You saw no change yet and no irritation: %s strength gives the same actives a higher dose.", next.Label))
		}
	}
	return changes, reasons
}

// RefineProduct applies Refine's changes through the generator, never moving to an option
// the profile's hard rules exclude (a richer base for someone with a nut allergy is the
// richest nut-free one, or no change): the refined product is the
// changed selection when it is valid, otherwise the nearest valid product that keeps the
// changes (Line.Customize). It lists every difference from p, each with its reason; changes
// the generator had to add to keep the formula valid say so. With no applicable change it
// returns p itself and no changes.
func RefineProduct(line *catalog.Line, p catalog.Product, fb Feedback, prof catalog.Profile) (catalog.Product, []Change, error) {
	var info catalog.LineInfo
	for _, li := range line.Catalog().Info().Lines {
		if li.ID == line.ID() {
			info = li
		}
	}
	ruledOut := map[string]bool{}
	avail, err := line.Availability(catalog.Selection{}, prof)
	if err != nil {
		return p, nil, err
	}
	for _, d := range avail {
		for _, o := range d.Options {
			if !o.Available {
				ruledOut[d.Dimension+"/"+o.Option] = true
			}
		}
	}
	changes, reasons := refine(info, p, fb, ruledOut)
	if len(changes) == 0 {
		return p, nil, nil
	}
	out, err := line.Customize(p.Selection(), changes, prof)
	var ce *catalog.ConflictError
	if errors.As(err, &ce) && ce.Suggestion != nil {
		out, err = *ce.Suggestion, nil
		msgs := make([]string, len(ce.Conflicts))
		for i, c := range ce.Conflicts {
			msgs[i] = c.Message
		}
		for dim := range selectionDiff(p.Selection(), out.Selection()) {
			if reasons[dim] == "" {
				reasons[dim] = "Changed to keep the formula valid: " + strings.Join(msgs, "; ") + "."
			}
		}
	}
	if err != nil {
		return p, nil, err
	}
	return out, Diff(info, p, out, reasons), nil
}

// Diff lists every dimension where b differs from a, in the line's order, with reasons[dim] or
// else the reasons b's generator gave for its choice.
func Diff(info catalog.LineInfo, a, b catalog.Product, reasons map[string]string) []Change {
	as, bs := a.Selection(), b.Selection()
	diff := selectionDiff(as, bs)
	var out []Change
	for i := range info.Dimensions {
		dim := &info.Dimensions[i]
		if !diff[dim.ID] {
			continue
		}
		reason := reasons[dim.ID]
		if reason == "" {
			for _, c := range b.Choices {
				if c.Dimension == dim.ID && len(c.Reasons) > 0 {
					reason = strings.Join(c.Reasons, "; ")
				}
			}
		}
		if reason == "" {
			reason = "Your answers now point to this choice."
		}
		out = append(out, Change{Dimension: dim.ID, DimensionLabel: dim.Label,
			From: labels(dim, a, as[dim.ID]), To: labels(dim, b, bs[dim.ID]),
			FromOptions: nonNil(as[dim.ID]), ToOptions: nonNil(bs[dim.ID]), Reason: reason})
	}
	return out
}

func selectionDiff(a, b catalog.Selection) map[string]bool {
	out := map[string]bool{}
	for k, v := range a {
		if !sameSet(v, b[k]) {
			out[k] = true
		}
	}
	for k, v := range b {
		if !sameSet(v, a[k]) {
			out[k] = true
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func labels(dim *catalog.DimensionInfo, p catalog.Product, ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = choiceLabel(p, dim.ID, id)
		if o := option(dim, id); o != nil && out[i] == id {
			out[i] = o.Label
		}
	}
	return strings.Join(out, ", ")
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func kindDim(info catalog.LineInfo, kind string) *catalog.DimensionInfo {
	for i := range info.Dimensions {
		if info.Dimensions[i].Kind == kind {
			return &info.Dimensions[i]
		}
	}
	return nil
}

// textureDim is the dimension that sets how heavy the product feels: a texture dimension, else
// a base whose options say how heavy they are (moisturiser: gel cream … rich cream).
func textureDim(info catalog.LineInfo, sel catalog.Selection) *catalog.DimensionInfo {
	if d := kindDim(info, "texture"); d != nil && sel[d.ID] != nil {
		return d
	}
	if d := kindDim(info, "base"); d != nil && sel[d.ID] != nil {
		known := 0
		for i := range d.Options {
			if heaviness(&d.Options[i]) > 0 {
				known++
			}
		}
		if known >= 2 {
			return d
		}
	}
	return nil
}

func option(dim *catalog.DimensionInfo, id string) *catalog.OptionInfo {
	for i := range dim.Options {
		if dim.Options[i].ID == id {
			return &dim.Options[i]
		}
	}
	return nil
}

// neighbourIn returns the option of dim, among those ok accepts, whose rank is the nearest
// above (step 1) or below (step -1) cur's, or nil. Options without a rank (0) are never
// chosen.
func neighbourIn(dim *catalog.DimensionInfo, cur *catalog.OptionInfo, rank func(*catalog.OptionInfo) int, step int, ok func(*catalog.OptionInfo) bool) *catalog.OptionInfo {
	if cur == nil || rank(cur) == 0 {
		return nil
	}
	r := rank(cur)
	var best *catalog.OptionInfo
	for i := range dim.Options {
		o := &dim.Options[i]
		ro := rank(o)
		if ro == 0 || (ro-r)*step <= 0 || !ok(o) {
			continue
		}
		if best == nil || (ro-rank(best))*step < 0 {
			best = o
		}
	}
	return best
}

// heaviness ranks how rich an option feels, from its id and label: 1 light (gel, airy, foam,
// water), 2 medium (lotion, milk), 3 cream, 4 rich (butter, barrier, balm); 0 unknown. Words
// in brackets such as "(light)" win, since labels like "Gel cream (light)" say it plainly.
func heaviness(o *catalog.OptionInfo) int {
	s := strings.ToLower(o.ID + " " + o.Label)
	if i := strings.Index(s, "("); i >= 0 {
		switch hint := s[i:]; {
		case strings.Contains(hint, "light"):
			return 1
		case strings.Contains(hint, "medium"):
			return 2
		case strings.Contains(hint, "rich"):
			return 4
		}
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("rich", "butter", "barrier", "balm"):
		return 4
	case has("light", "airy", "foam", "water", "gel"):
		return 1
	case has("lotion", "milk", "medium", "micellar", "creamy"):
		return 2
	case has("cream"):
		return 3
	}
	return 0
}

// strength ranks a strength option: 1 gentle, 2 standard, 3 intense; 0 unknown.
func strength(o *catalog.OptionInfo) int {
	s := strings.ToLower(o.ID + " " + o.Label)
	switch {
	case strings.Contains(s, "gentle") || strings.Contains(s, "mild") || strings.Contains(s, "low"):
		return 1
	case strings.Contains(s, "intense") || strings.Contains(s, "strong") || strings.Contains(s, "high") || strings.Contains(s, "max"):
		return 3
	case strings.Contains(s, "standard") || strings.Contains(s, "regular") || strings.Contains(s, "normal"):
		return 2
	}
	return 0
}

// irritancy ranks how likely an active is to irritate: retinoids first, then high-dose acids,
// exfoliating acids, vitamin C; 0 for the gentle ones.
func irritancy(o *catalog.OptionInfo) int {
	s := strings.ToLower(o.ID + " " + o.Label)
	switch {
	case slices.Contains(o.Tags, "retinoid") || strings.Contains(s, "retin"):
		return 4
	case slices.Contains(o.Tags, "high_dose_acid"):
		return 3
	case strings.Contains(s, "acid") && !strings.Contains(s, "hyaluronic") && !strings.Contains(s, "tranexamic"):
		return 2
	case strings.Contains(s, "vitamin_c") || strings.Contains(s, "ascorb"):
		return 1
	}
	return 0
}

func mostIrritating(dim *catalog.DimensionInfo, picks []string) *catalog.OptionInfo {
	var best *catalog.OptionInfo
	for _, id := range picks {
		if o := option(dim, id); o != nil && irritancy(o) > 0 && (best == nil || irritancy(o) > irritancy(best)) {
			best = o
		}
	}
	return best
}

func isUnscented(o *catalog.OptionInfo) bool {
	if slices.Contains(o.Tags, "fragranced") {
		return false
	}
	s := strings.ToLower(o.ID + " " + o.Label)
	return strings.Contains(s, "unscented") || strings.Contains(s, "fragrance free") || strings.Contains(s, "fragrance_free") || strings.Contains(s, "no ")
}
