package catalog

import (
	"fmt"
	"strings"
)

// wideLineYAML is a generated line for scale tests: nActives actives picked 0..maxPick,
// six single-choice dimensions of six options, a few rules, and hints on everything.
func wideLineYAML(nActives, maxPick int) string {
	var b strings.Builder
	keys := []string{"concern.dryness", "concern.frizz", "hair_type.curly", "climate.humid", "concern.fine_lines", "flag.colour_treated"}
	b.WriteString("version: 9\nlines:\n  - id: wide\n    base_price: 2000\n    dimensions:\n")
	b.WriteString("      - id: actives\n        kind: actives\n")
	fmt.Fprintf(&b, "        pick: {min: 0, max: %d}\n        options:\n", maxPick)
	for i := 0; i < nActives; i++ {
		tag := []string{"plain", "silicone", "nut", "non_vegan", "retinoid"}[i%5]
		fmt.Fprintf(&b, "          - {id: a%d, price: %d, tags: [%s], inci: [{inci: Active %d, percent: 0.5, max: 1}], score: [{when: %s, weight: %d}, {when: %s, weight: -1}]}\n",
			i, 100+i*10, tag, i, keys[i%len(keys)], 1+i%4, keys[(i+3)%len(keys)])
	}
	for d, kind := range []string{"base", "texture", "fragrance", "colour", "label", "size"} {
		fmt.Fprintf(&b, "      - id: %s\n        kind: %s\n        options:\n", kind, kind)
		for o := 0; o < 6; o++ {
			extra := ""
			if kind == "size" {
				extra = fmt.Sprintf(", packaging: {size_ml: %d}", 50*(o+1))
			}
			if kind == "fragrance" && o > 0 {
				extra = ", tags: [fragranced], inci: [{inci: Parfum, percent: 0.5}]"
			}
			fmt.Fprintf(&b, "          - {id: o%d, price: %d, score: [{when: %s, weight: %d}]%s}\n", o, o*50, keys[(d+o)%len(keys)], o%3, extra)
		}
	}
	b.WriteString("    rules:\n")
	b.WriteString("      - {excludes: [actives.a0, actives.a1]}\n")
	b.WriteString("      - {requires: {if: actives.a4, then: [size.o0, size.o1]}}\n")
	b.WriteString("      - {at_most: {count: 2, of: [actives.a2, actives.a3, actives.a5, actives.a7]}}\n")
	b.WriteString("      - {requires: {if: tag:retinoid, then: [colour.o1, colour.o2, colour.o3]}}\n")
	return b.String()
}
