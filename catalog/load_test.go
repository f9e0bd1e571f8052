package catalog

import (
	"errors"
	"strings"
	"testing"
)

// tiny is a valid one-line catalog; tests break one thing at a time.
const tiny = `version: 3
currency: usd
lines:
  - id: shampoo
    base_price: 2000
    dimensions:
      - id: base
        kind: base
        options:
          - {id: gentle, inci: [{inci: Sodium Cocoyl Isethionate, percent: 8}]}
          - {id: clarifying, inci: [{inci: Sodium Lauroyl Methyl Isethionate, percent: 10}]}
      - id: actives
        kind: actives
        pick: {min: 0, max: 2}
        options:
          - {id: retinol, tags: [retinoid], inci: [{inci: Retinol, percent: 0.2, max: 0.3}]}
          - {id: niacinamide, inci: [{inci: Niacinamide, percent: 4, max: 6}]}
          - {id: panthenol, inci: [{inci: Panthenol, percent: 1, max: 2}]}
      - id: size
        kind: size
        options:
          - {id: ml100, packaging: {size_ml: 100}}
          - {id: ml250, packaging: {size_ml: 250}}
    rules:
      - {excludes: [actives.retinol, base.clarifying]}
`

func TestLoadTiny(t *testing.T) {
	c, err := Load([]byte(tiny))
	if err != nil {
		t.Fatal(err)
	}
	// base 2 × picks of 3 with max 2 (7) × size 2 = 28, minus clarifying with retinol
	// (3 pick sets × 2 sizes = 6).
	if got := c.Total().Int64(); got != 22 {
		t.Fatalf("count %d, want 22", got)
	}
}

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string
		line      int
		wantInMsg string
	}{
		{"unknown option in rule", "base.clarifying]", "base.clarifyng]", 25, `unknown option "clarifyng"`},
		{"unknown dimension in rule", "base.clarifying]", "bass.clarifying]", 25, `unknown dimension "bass"`},
		{"duplicate option", "id: niacinamide,", "id: retinol,", 17, `duplicate option id "retinol"`},
		{"duplicate dimension", "id: size\n", "id: base\n", 19, `duplicate dimension id "base"`},
		{"bad picks", "pick: {min: 0, max: 2}", "pick: {min: 3, max: 2}", 14, "bad picks"},
		{"unknown key", "base_price: 2000", "base_price: 2000\n    colour: red", 6, `unknown key "colour"`},
		{"bad percent", "percent: 8}", "percent: 8.123}", 10, "must be percentages"},
		{"active above max", "percent: 4, max: 6", "percent: 7, max: 6", 17, "above its max"},
		{"never chosen", "{excludes: [actives.retinol, base.clarifying]}", "{requires: {if: actives.retinol, then: actives.panthenol}}\n      - {excludes: [actives.panthenol, actives.retinol]}", 16, "can never be picked"},
		{"no valid variant", "{excludes: [actives.retinol, base.clarifying]}", "{at_least: {count: 2, of: [size.ml100, size.ml250]}}", 4, "no valid variant"},
		{"cannot sum to 100", "percent: 10}", "percent: 99}", 4, "cannot sum to 100"},
		{"unknown kind", "kind: base", "kind: bases", 7, "unknown dimension kind"},
		{"yaml syntax", "lines:", "lines: [", 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(tiny, tt.old, tt.new, 1)
			if src == tiny {
				t.Fatal("test did not change the catalog")
			}
			_, err := Load([]byte(src))
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want *DefinitionError", err)
			}
			for _, p := range de.Problems {
				if strings.Contains(p.Message, tt.wantInMsg) && (tt.line == 0 || p.Line == tt.line) {
					return
				}
			}
			t.Fatalf("no problem at line %d containing %q in:\n%v", tt.line, tt.wantInMsg, err)
		})
	}
}

func TestLoadReportsAllProblemsAtOnce(t *testing.T) {
	src := strings.Replace(tiny, "base.clarifying]", "base.nope]", 1)
	src = strings.Replace(src, "id: niacinamide,", "id: retinol,", 1)
	src = strings.Replace(src, "percent: 8}", "percent: abc}", 1)
	_, err := Load([]byte(src))
	var de *DefinitionError
	if !errors.As(err, &de) || len(de.Problems) < 3 {
		t.Fatalf("want at least 3 problems, got %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(tiny))
	f.Add([]byte(DefaultYAML()[:4000]))
	f.Add([]byte(wideLineYAML(8, 3)))
	f.Add([]byte("version: [1]\nlines: {}"))
	f.Add([]byte("lines:\n  - id: x\n    dimensions:\n      - {id: a, kind: actives, pick: {min: 5, max: 300}, options: []}\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load(data)
		if err != nil {
			var de *DefinitionError
			if !errors.As(err, &de) || len(de.Problems) == 0 {
				t.Fatalf("error %v is not a *DefinitionError with problems", err)
			}
			return
		}
		for _, l := range c.lines {
			if _, err := l.Best(curlyProfile()); err != nil && !errors.Is(err, ErrNoVariant) {
				t.Fatal(err)
			}
		}
	})
}
