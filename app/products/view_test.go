package products

import (
	"slices"
	"testing"

	"atelier/catalog"
)

// TestCardPrefersPersonalReasons: a card shows the reasons tied to the shopper's answers, not
// "our standard label style", when it has any.
func TestCardPrefersPersonalReasons(t *testing.T) {
	p := catalog.Product{Code: "X", Choices: []catalog.Choice{
		{Dimension: "base", Reasons: []string{"Gel: our standard base for the Cleanser"}},
		{Dimension: "actives", Reasons: []string{"Zinc: you said your skin gets oily"}, Personal: true},
		{Dimension: "label", Reasons: []string{"Classic: our standard label style for the Cleanser"}},
		{Dimension: "colour", Reasons: []string{"Sage: you chose a sage bottle"}, Personal: true},
	}}
	want := []string{"Zinc: you said your skin gets oily", "Sage: you chose a sage bottle"}
	if got := newCard(p, "").Reasons; !slices.Equal(got, want) {
		t.Errorf("card reasons %q, want %q", got, want)
	}
	for i := range p.Choices {
		p.Choices[i].Personal = false
	}
	if got := newCard(p, "").Reasons; len(got) != 3 {
		t.Errorf("without personal reasons the card shows %q, want the first three", got)
	}
}
