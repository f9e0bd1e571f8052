package catalog

import (
	"math"
	"strings"
	"unicode"
)

// Profile is the shopper profile the generator scores against. It is declared field for
// field and tag for tag as in docs/PROFILE.md, so the web layer converts the quiz's profile
// with catalog.Profile(p). Missing keys mean "no preference".
type Profile struct {
	Name     string              `json:"name"`     // printed on the label; may be ""
	Traits   map[string][]string `json:"traits"`   // categorical traits, possibly multi-valued
	Flags    map[string]bool     `json:"flags"`    // yes/no facts
	Concerns map[string]float64  `json:"concerns"` // concern weights, each clamped to [0, 1]
	Evidence map[string]string   `json:"evidence"` // why: key -> the answer in the shopper's words
}

// hasTrait reports whether trait key has value v.
func (p *Profile) hasTrait(key, v string) bool {
	for _, x := range p.Traits[key] {
		if x == v {
			return true
		}
	}
	return false
}

// hintKind says what part of the profile a score hint reads.
type hintKind uint8

const (
	hintTrait hintKind = iota
	hintFlag
	hintConcern
)

// hint raises (or lowers) an option's score when the profile matches "when".
type hint struct {
	key    string // the evidence key: "hair_type.curly", "flag.vegan", "concern.dryness"
	kind   hintKind
	a, b   string // trait key and value, or flag/concern name
	weight int64  // milli-points
	reason string // template: {option} and {because}
}

// parseHintKey splits "concern.dryness", "flag.vegan" or "hair_type.curly".
func parseHintKey(s string) (hint, bool) {
	a, b, ok := strings.Cut(s, ".")
	if !ok || a == "" || b == "" || strings.Contains(b, ".") {
		return hint{}, false
	}
	h := hint{key: s, a: a, b: b}
	switch a {
	case "flag":
		h.kind, h.a = hintFlag, b
	case "concern":
		h.kind, h.a = hintConcern, b
	default:
		h.kind = hintTrait
	}
	return h, true
}

// value is the hint's contribution in milli-points for p (0 when it does not apply).
func (h *hint) value(p *Profile) int64 {
	switch h.kind {
	case hintFlag:
		if p.Flags[h.a] {
			return h.weight
		}
	case hintConcern:
		c, ok := p.Concerns[h.a]
		if !ok || math.IsNaN(c) {
			return 0
		}
		c = min(max(c, 0), 1)
		return h.weight * int64(math.Round(c*1000)) / 1000
	case hintTrait:
		if p.hasTrait(h.a, h.b) {
			return h.weight
		}
	}
	return 0
}

// because is the shopper's own answer for the hint, or a plain default phrase.
func (h *hint) because(p *Profile) string {
	if e := strings.TrimSpace(p.Evidence[h.key]); e != "" {
		return e
	}
	words := func(s string) string { return strings.ReplaceAll(s, "_", " ") }
	switch h.kind {
	case hintFlag:
		return "you told us: " + words(h.a)
	case hintConcern:
		return "you mentioned " + words(h.a)
	}
	return "your " + words(h.a) + " is " + words(h.b)
}

// cleanName makes a label-safe display name: printable, single-spaced, at most 40 runes.
func cleanName(s string) string {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range strings.TrimSpace(s) {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
			n++
		}
		space = false
		if n >= 40 {
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
