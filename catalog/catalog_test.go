package catalog

import (
	"bytes"
	"encoding/json"
	"math/big"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

func mustDefault(tb testing.TB) *Catalog {
	tb.Helper()
	c, err := Default()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func curlyProfile() Profile {
	return Profile{
		Name:     "Maya",
		Traits:   map[string][]string{"hair_type": {"curly"}, "curl_pattern": {"defined"}, "climate": {"humid"}, "skin_type": {"dry"}, "texture": {"rich"}, "scalp": {"dry"}},
		Flags:    map[string]bool{"fragrance_free": true},
		Concerns: map[string]float64{"dryness": 0.9, "frizz": 0.8, "curl_definition": 0.7, "dehydration": 0.8},
		Evidence: map[string]string{"concern.dryness": "you said your ends feel dry", "flag.fragrance_free": "you asked for nothing scented"},
	}
}

func fineProfile() Profile {
	return Profile{
		Name:     "Jo",
		Traits:   map[string][]string{"hair_type": {"straight"}, "hair_thickness": {"fine"}, "scalp": {"oily"}, "climate": {"cold"}, "fragrance": {"citrus"}, "skin_type": {"oily"}, "texture": {"light"}, "colour": {"sage"}},
		Concerns: map[string]float64{"oiliness": 0.9, "flatness": 0.8, "acne": 0.6, "pores": 0.7},
	}
}

func TestDefaultCatalog(t *testing.T) {
	c := mustDefault(t)
	if c.Total().Cmp(big.NewInt(300_000)) < 0 {
		t.Fatalf("total %v below 300,000", c.Total())
	}
	for _, id := range []string{"shampoo", "conditioner", "hair_mask", "cleanser", "moisturiser", "serum"} {
		if _, err := c.Line(id); err != nil {
			t.Errorf("line %s: %v", id, err)
		}
	}
	var buf bytes.Buffer
	if err := WriteStats(&buf, c); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(buf.String(), "total: "+c.Total().String()+"\n") {
		t.Fatalf("stats end:\n%s", buf.String())
	}
	if _, err := json.Marshal(c.Info()); err != nil {
		t.Fatal(err)
	}
}

// TestVocabularyCovered checks that every key and value of docs/PROFILE.md moves some
// option's score or drives a hard rule.
func TestVocabularyCovered(t *testing.T) {
	c := mustDefault(t)
	traits := map[string][]string{
		"hair_type": {"straight", "wavy", "curly", "coily"}, "curl_pattern": {"loose", "defined", "tight"},
		"hair_thickness": {"fine", "medium", "thick"}, "scalp": {"oily", "balanced", "dry"},
		"hair_goal": {"moisture", "volume", "smoothness", "strength", "shine", "curl_definition", "colour_care", "scalp_care"},
		"skin_type": {"dry", "normal", "combination", "oily"}, "sensitivity": {"low", "medium", "high"},
		"skin_goal": {"hydration", "clarity", "radiance", "firmness", "even_tone", "calm"},
		"age_range": {"under_25", "25_34", "35_44", "45_54", "55_plus"}, "climate": {"humid", "dry", "temperate", "cold"},
		"fragrance": {"unscented", "citrus", "floral", "woody", "fresh", "sweet"}, "texture": {"light", "medium", "rich"},
		"colour": {"blush", "sage", "sky", "sand", "charcoal", "clear"}, "budget": {"value", "standard", "premium"},
	}
	concerns := []string{"dryness", "frizz", "breakage", "oiliness", "dandruff", "flatness", "colour_fade", "curl_definition", "thinning", "split_ends",
		"acne", "dullness", "fine_lines", "dark_spots", "redness", "dehydration", "pores", "uneven_texture", "dark_circles"}
	used := map[string]bool{}
	for _, l := range c.lines {
		for _, d := range l.dims {
			for _, o := range d.options {
				for _, h := range o.hints {
					used[h.key] = true
				}
			}
		}
	}
	for _, r := range c.hard {
		used["flag."+r.flag] = true
	}
	var missing []string
	for k, vs := range traits {
		for _, v := range vs {
			if !used[k+"."+v] {
				missing = append(missing, k+"."+v)
			}
		}
	}
	for _, k := range concerns {
		if !used["concern."+k] {
			missing = append(missing, "concern."+k)
		}
	}
	for _, f := range []string{"fragrance_free", "vegan", "pregnant", "colour_treated", "silicone_free", "nut_allergy"} {
		if !used["flag."+f] {
			missing = append(missing, "flag."+f)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Fatalf("vocabulary not used by any score hint: %v", missing)
	}
}

func TestProfilesGetDifferentProducts(t *testing.T) {
	c := mustDefault(t)
	a, err := c.Recommend(curlyProfile())
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Recommend(fineProfile())
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 6 || len(b) != 6 {
		t.Fatalf("got %d and %d products", len(a), len(b))
	}
	for i := range a {
		if a[i].Code == b[i].Code {
			t.Errorf("%s: same product %s for opposite profiles", a[i].Line, a[i].Code)
		}
	}
	sh := a[0]
	if got := sh.Selection()["fragrance"]; !slices.Equal(got, []string{"unscented"}) {
		t.Errorf("fragrance-free shopper got %v", got)
	}
	if !strings.HasPrefix(sh.Name, "Maya's ") {
		t.Errorf("name %q", sh.Name)
	}
	found := false
	for _, ch := range a[1].Choices {
		for _, r := range ch.Reasons {
			found = found || strings.Contains(r, "you said your ends feel dry")
		}
	}
	if !found {
		t.Errorf("conditioner reasons do not quote the evidence: %+v", a[1].Choices)
	}
	if got := b[0].Selection()["fragrance"]; !slices.Equal(got, []string{"citrus_grove"}) {
		t.Errorf("citrus lover got %v", got)
	}
}

func TestHardRules(t *testing.T) {
	c := mustDefault(t)
	wants := map[string]string{"fragrance_free": "fragranced", "vegan": "non_vegan", "pregnant": "retinoid",
		"silicone_free": "silicone", "nut_allergy": "nut"}
	for flag, tag := range wants {
		t.Run(flag, func(t *testing.T) {
			// A profile that would love the tagged options, plus the flag.
			p := Profile{Flags: map[string]bool{flag: true}, Traits: map[string][]string{"fragrance": {"citrus"}, "hair_type": {"coily"}, "texture": {"rich"}},
				Concerns: map[string]float64{"fine_lines": 1, "frizz": 1, "breakage": 1, "dryness": 1}}
			for _, l := range c.lines {
				prod, err := l.Best(p)
				if err != nil {
					t.Fatal(err)
				}
				for _, ch := range prod.Choices {
					for _, id := range ch.Options {
						if l.byDim[ch.Dimension].byID[id].hasTag(tag) {
							t.Errorf("%s: %s.%s is tagged %s", l.id, ch.Dimension, id, tag)
						}
					}
				}
			}
		})
	}
}

func TestFormulaSumsToExactly100(t *testing.T) {
	c := mustDefault(t)
	r := rand.New(rand.NewSource(42))
	for _, l := range c.lines {
		n, _ := l.d.Count64()
		for k := 0; k < 300; k++ {
			cfg := make([]int, len(l.vars))
			if err := l.d.Unrank64(uint64(r.Int63n(int64(n))), cfg); err != nil {
				t.Fatal(err)
			}
			prod := l.product(cfg, &Profile{}, l.newWeights())
			var sum Percent
			qs := 0
			for i, row := range prod.Formula {
				sum += row.Percent
				if row.Percent <= 0 {
					t.Fatalf("%s: %s at %v", prod.Code, row.INCI, row.Percent)
				}
				if row.QS {
					qs++
				}
				if i > 0 && row.Percent > prod.Formula[i-1].Percent {
					t.Fatalf("%s: formula not in descending order", prod.Code)
				}
			}
			if sum != 10000 || qs != 1 {
				t.Fatalf("%s: formula sums to %v with %d q.s. rows", prod.Code, sum, qs)
			}
			if len(prod.LabelIngredients) != len(prod.Formula) || prod.PriceCents <= 0 {
				t.Fatalf("%s: label %d rows, price %d", prod.Code, len(prod.LabelIngredients), prod.PriceCents)
			}
		}
	}
}

func TestStrengthScalesActives(t *testing.T) {
	c := mustDefault(t)
	l, _ := c.Line("serum")
	base := Selection{"base": {"water"}, "actives": {"niacinamide"}, "strength": {"standard"}, "fragrance": {"unscented"},
		"size": {"ml30"}, "bottle": {"dropper"}, "cap": {"dropper"}, "colour": {"blush"}, "label": {"classic"}}
	pct := func(sel Selection) Percent {
		p, err := l.Product(sel, Profile{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Formula {
			if r.INCI == "Niacinamide" {
				return r.Percent
			}
		}
		return -1
	}
	if got := pct(base); got != 500 {
		t.Fatalf("standard niacinamide %v", got)
	}
	base["strength"] = []string{"intense"}
	if got := pct(base); got != 750 {
		t.Fatalf("intense niacinamide %v", got)
	}
}

func TestPercentJSON(t *testing.T) {
	b, _ := json.Marshal(FormulaRow{INCI: "Aqua", Percent: 8440})
	if !strings.Contains(string(b), `"percent":84.40`) {
		t.Fatal(string(b))
	}
	var r FormulaRow
	if err := json.Unmarshal(b, &r); err != nil || r.Percent != 8440 {
		t.Fatal(r, err)
	}
}
