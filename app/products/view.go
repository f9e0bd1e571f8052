package products

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"atelier/app/web"
	"atelier/catalog"
)

// Card is one product as the "Your products" page and the product page show it.
type Card struct {
	catalog.Product
	URL        string
	PreviewURL string
	// Reasons are the two or three main reasons, for the card.
	Reasons []string
	// Sizes are the sizes that can be bought with the other choices, for the bag form.
	Sizes []catalog.SizePrice
	// Size is the size option chosen now.
	Size string
}

func newCard(p catalog.Product, name string) Card {
	c := Card{Product: p, URL: ProductURL(p.Code), PreviewURL: PreviewURL(p.Code, name)}
	// the main reasons: the first reason of each choice, then the others, at most three; from
	// the choices the shopper's answers explain, unless none does
	choices := slices.DeleteFunc(slices.Clone(p.Choices), func(ch catalog.Choice) bool { return !ch.Personal })
	if len(choices) == 0 {
		choices = p.Choices
	}
	for round := 0; len(c.Reasons) < 3; round++ {
		more := false
		for _, ch := range choices {
			if round < len(ch.Reasons) {
				more = true
				if r := ch.Reasons[round]; len(c.Reasons) < 3 && !slices.Contains(c.Reasons, r) {
					c.Reasons = append(c.Reasons, r)
				}
			}
		}
		if !more {
			break
		}
	}
	for _, ch := range p.Choices {
		if ch.Dimension == "size" && len(ch.Options) == 1 {
			c.Size = ch.Options[0]
		}
	}
	for _, s := range p.PricesBySize {
		if s.Available {
			c.Sizes = append(c.Sizes, s)
		}
	}
	return c
}

// listView is the "Your products" page.
type listView struct {
	web.Page
	QuizID   string
	Name     string
	Products []Card
}

// productView is the product page, and with Conflict set, the answer to a change that broke a rule.
type productView struct {
	web.Page
	Card
	// Previous is true for a product from an earlier catalog version; Today is then the same
	// choices in the current catalog, or the nearest product to them there (nil when the line or
	// the options no longer exist).
	Previous bool
	Today    *Card
	// Total is the sum of the formula (100.00), QS the ingredient that makes it up.
	Total catalog.Percent
	QS    string
	// Customise lists each dimension with its options, greyed out where they do not fit.
	Customise []dimensionView
	Conflict  *conflictView
}

// dimensionView is one fieldset of the Customise form.
type dimensionView struct {
	ID, Label, Hint string
	Pick            bool
	Options         []optionView
}

// optionView is one radio or checkbox: chosen, possible, or greyed out with its reasons.
type optionView struct {
	ID, Label, Delta string
	Selected         bool
	Available        bool
	Reasons          []string
	// Try is the value of the "Choose it anyway" button: dimension:option.
	Try string
}

// conflictView explains a change that breaks a rule, and offers the nearest product that keeps it.
type conflictView struct {
	Requested  string
	Conflicts  []catalog.Conflict
	Suggestion *Card
	// Changes says what the suggestion changes besides the request, e.g. "Closure: Pump head".
	Changes []string
}

// customise turns availability into the form's fieldsets, with the pick limits of info.
func customise(av []catalog.DimensionAvailability, info catalog.LineInfo, currency string) []dimensionView {
	out := make([]dimensionView, 0, len(av))
	for _, d := range av {
		dv := dimensionView{ID: d.Dimension, Label: d.Label, Pick: d.Pick}
		for _, di := range info.Dimensions {
			if di.ID == d.Dimension && di.Pick {
				dv.Hint = pickHint(di.MinPicks, di.MaxPicks)
			}
		}
		for _, o := range d.Options {
			dv.Options = append(dv.Options, optionView{ID: o.Option, Label: o.Label, Selected: o.Selected,
				Available: o.Available, Reasons: o.Reasons, Delta: delta(o.PriceDeltaCents, currency),
				Try: d.Dimension + ":" + o.Option})
		}
		out = append(out, dv)
	}
	return out
}

func pickHint(lo, hi int) string {
	switch {
	case lo == hi:
		return fmt.Sprintf("Choose %d.", lo)
	case lo == 0:
		return fmt.Sprintf("Choose up to %d.", hi)
	}
	return fmt.Sprintf("Choose %d to %d.", lo, hi)
}

// delta is a price difference as a shopper reads it: "+$4.00", "−$14.00", or "included".
func delta(cents int64, currency string) string {
	switch {
	case cents > 0:
		return "+" + web.Money(cents, currency)
	case cents < 0:
		return "−" + web.Money(-cents, currency)
	}
	return "included"
}

// differences lists the choices of to that differ from from, as "Dimension: Label, Label",
// leaving out the dimensions the shopper asked to change.
func differences(from, to catalog.Product, skip catalog.Selection) []string {
	was := map[string]string{}
	for _, ch := range from.Choices {
		was[ch.Dimension] = strings.Join(ch.Options, ",")
	}
	var out []string
	for _, ch := range to.Choices {
		if _, asked := skip[ch.Dimension]; asked || was[ch.Dimension] == strings.Join(ch.Options, ",") {
			continue
		}
		labels := strings.Join(ch.Labels, ", ")
		if labels == "" {
			labels = "none"
		}
		out = append(out, ch.DimensionLabel+": "+labels)
	}
	return out
}

// lineInfo finds a line's description in info.
func lineInfo(info catalog.Info, id string) catalog.LineInfo {
	for _, l := range info.Lines {
		if l.ID == id {
			return l
		}
	}
	return catalog.LineInfo{}
}

// today finds the product of the current catalog closest to p, an older version's product: the
// same selection when it is still valid, else the nearest valid product to it.
func today(cur *catalog.Catalog, p catalog.Product, prof catalog.Profile) *Card {
	line, err := cur.Line(p.Line)
	if err != nil {
		return nil
	}
	np, err := line.Product(p.Selection(), prof)
	var ce *catalog.ConflictError
	switch {
	case err == nil:
	case errors.As(err, &ce) && ce.Suggestion != nil:
		np = *ce.Suggestion
	default:
		return nil
	}
	c := newCard(np, prof.Name)
	return &c
}
