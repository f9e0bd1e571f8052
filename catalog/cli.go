package catalog

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteStats writes the valid variants per line, the size of each compiled diagram, and
// a final line "total: N" (the CLI's "catalog stats").
func WriteStats(w io.Writer, c *Catalog) error {
	if _, err := fmt.Fprintf(w, "catalog version %s\n", c.version); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "line\tvalid variants\tdiagram nodes\tdiagram edges\t\n")
	for _, l := range c.lines {
		n, e := l.DiagramSize()
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t\n", l.id, l.count.String(), n, e)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "total: %s\n", c.total.String())
	return err
}

// Describe writes a product as plain text: name, code, price, choices with reasons,
// batch sheet and packaging (the CLI's "catalog decode").
func Describe(w io.Writer, p Product) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", p.Name)
	fmt.Fprintf(&b, "code %s · %s · catalog version %s\n", p.Code, p.LineLabel, p.Version)
	fmt.Fprintf(&b, "price %s\n", money(p.PriceCents, p.Currency))
	for _, s := range p.PricesBySize {
		avail := ""
		if !s.Available {
			avail = " (not available with these choices)"
		}
		fmt.Fprintf(&b, "  %s: %s%s\n", s.Label, money(s.PriceCents, p.Currency), avail)
	}
	b.WriteString("\nchoices\n")
	for _, c := range p.Choices {
		labels := strings.Join(c.Labels, ", ")
		if labels == "" {
			labels = "none"
		}
		fmt.Fprintf(&b, "  %s: %s\n", c.DimensionLabel, labels)
		for _, r := range c.Reasons {
			fmt.Fprintf(&b, "    - %s\n", r)
		}
	}
	b.WriteString("\nbatch sheet (% w/w)\n")
	for _, f := range p.Formula {
		qs := ""
		if f.QS {
			qs = " q.s."
		}
		fmt.Fprintf(&b, "  %7s  %-40s %-12s phase %s%s\n", f.Percent.String(), f.INCI, f.Role, f.Phase, qs)
	}
	fmt.Fprintf(&b, "\ningredients: %s\n", strings.Join(p.LabelIngredients, ", "))
	pk := p.Packaging
	fmt.Fprintf(&b, "packaging: %s, %s (%s), %s cap, %d ml, %s label", pk.Shape, pk.ColourName, pk.Colour, pk.Cap, pk.SizeML, pk.LabelStyle)
	if pk.Opaque {
		b.WriteString(", opaque")
	}
	fmt.Fprintf(&b, "\nlabel: %s\n", pk.LabelText)
	_, err := io.WriteString(w, b.String())
	return err
}

func money(cents int64, currency string) string {
	sym := strings.ToUpper(currency) + " "
	if currency == "usd" {
		sym = "$"
	}
	return fmt.Sprintf("%s%d.%02d", sym, cents/100, cents%100)
}
