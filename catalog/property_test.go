package catalog

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// randomCatalogYAML writes a small random catalog: a few single and pick dimensions,
// random rules of every kind, tags for the hard rules and random score hints.
func randomCatalogYAML(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("version: 7\ncurrency: usd\nlines:\n  - id: test\n    base_price: 1000\n    dimensions:\n")
	ndims := 1 + r.Intn(4)
	type dim struct {
		id   string
		opts []string
	}
	var dims []dim
	keys := []string{"concern.dryness", "hair_type.curly", "flag.colour_treated", "climate.humid", "fragrance.citrus"}
	tags := []string{"fragranced", "non_vegan", "retinoid", "silicone", "nut", "plain"}
	for d := 0; d < ndims; d++ {
		pick := r.Intn(3) == 0
		id := fmt.Sprintf("d%d", d)
		kind := []string{"base", "texture", "colour", "label"}[d%4]
		if pick {
			kind = "actives"
		}
		nopts := 1 + r.Intn(4)
		fmt.Fprintf(&b, "      - id: %s\n        kind: %s\n", id, kind)
		if pick {
			mn := r.Intn(2)
			mx := max(mn, 1+r.Intn(nopts))
			fmt.Fprintf(&b, "        pick: {min: %d, max: %d}\n", mn, mx)
		}
		b.WriteString("        options:\n")
		dm := dim{id: id}
		for o := 0; o < nopts; o++ {
			oid := fmt.Sprintf("o%d", o)
			dm.opts = append(dm.opts, oid)
			fmt.Fprintf(&b, "          - id: %s\n            price: %d\n            tags: [%s]\n", oid, r.Intn(300), tags[r.Intn(len(tags))])
			if kind == "actives" {
				b.WriteString("            inci: [{inci: Niacinamide, percent: 1, max: 2}]\n")
			}
			b.WriteString("            score:\n")
			for h := 0; h < 1+r.Intn(3); h++ {
				fmt.Fprintf(&b, "              - {when: %s, weight: %d}\n", keys[r.Intn(len(keys))], r.Intn(7)-2)
			}
		}
		dims = append(dims, dm)
	}
	ref := func() string {
		d := dims[r.Intn(len(dims))]
		if r.Intn(8) == 0 {
			return d.id + ".*"
		}
		return d.id + "." + d.opts[r.Intn(len(d.opts))]
	}
	b.WriteString("    rules:\n")
	for k := 0; k < r.Intn(4); k++ {
		switch r.Intn(4) {
		case 0:
			fmt.Fprintf(&b, "      - {excludes: [%s, %s]}\n", ref(), ref())
		case 1:
			fmt.Fprintf(&b, "      - {requires: {if: %s, then: [%s, %s]}}\n", ref(), ref(), ref())
		case 2:
			fmt.Fprintf(&b, "      - {at_most: {count: %d, of: [%s, %s, %s]}}\n", r.Intn(2), ref(), ref(), ref())
		case 3:
			fmt.Fprintf(&b, "      - {at_least: {count: 1, of: [%s, %s]}}\n", ref(), ref())
		}
	}
	return b.String()
}

func randomProfile(r *rand.Rand) Profile {
	p := Profile{Name: "Test", Traits: map[string][]string{}, Flags: map[string]bool{}, Concerns: map[string]float64{}}
	if r.Intn(2) == 0 {
		p.Traits["hair_type"] = []string{"curly"}
	}
	if r.Intn(2) == 0 {
		p.Traits["climate"] = []string{"humid"}
	}
	p.Concerns["dryness"] = float64(r.Intn(11)) / 10
	for _, f := range []string{"fragrance_free", "vegan", "pregnant", "colour_treated", "silicone_free", "nut_allergy"} {
		p.Flags[f] = r.Intn(4) == 0
	}
	return p
}

// brute enumerates the whole cartesian product, checking every rule directly.
func brute(l *Line, visit func(cfg []int)) {
	cfg := make([]int, len(l.vars))
	var walk func(i int)
	walk = func(i int) {
		if i == len(cfg) {
			for _, rl := range l.rules {
				if bad, _ := rl.broken(cfg, nil); bad {
					return
				}
			}
			visit(cfg)
			return
		}
		for v := 0; v < l.d.Domain(i); v++ {
			cfg[i] = v
			walk(i + 1)
		}
	}
	walk(0)
}

func TestEngineMatchesBruteForce(t *testing.T) {
	loaded := 0
	for seed := int64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewSource(seed))
		src := randomCatalogYAML(r)
		c, err := Load([]byte(src))
		if err != nil {
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("seed %d: %v", seed, err)
			}
			continue // rules made the line empty or an option dead: rejected at load, fine
		}
		loaded++
		l := c.lines[0]
		p := randomProfile(r)
		score, allowed := l.weigh(&p)
		var valid [][]int
		var bestCfg []int
		var bestS, bestT int64
		brute(l, func(cfg []int) {
			valid = append(valid, slices.Clone(cfg))
			if !hardOK(cfg, allowed) {
				return
			}
			var s, tie int64
			for i, v := range cfg {
				s += score[i][v]
				tie += l.tie[i][v]
			}
			if bestCfg == nil || s > bestS || (s == bestS && tie > bestT) {
				bestCfg, bestS, bestT = slices.Clone(cfg), s, tie
			}
		})
		if l.Count().Cmp(big.NewInt(int64(len(valid)))) != 0 {
			t.Fatalf("seed %d: count %v, brute force %d\n%s", seed, l.Count(), len(valid), src)
		}
		for k, cfg := range valid {
			rk, err := l.d.Rank(cfg)
			if err != nil || rk.Int64() != int64(k) {
				t.Fatalf("seed %d: rank %v (%v), want %d", seed, rk, err, k)
			}
			code := l.encode(cfg)
			prod, err := c.Decode(code, p)
			if err != nil || prod.Code != code {
				t.Fatalf("seed %d: decode %q: %v", seed, code, err)
			}
			back, _, err := l.config(prod.Selection(), true)
			if err != nil || !slices.Equal(back, cfg) {
				t.Fatalf("seed %d: unrank(%d) = %v, want %v", seed, k, back, cfg)
			}
		}
		got, gerr := l.Best(p)
		if bestCfg == nil {
			if !errors.Is(gerr, ErrNoVariant) {
				t.Fatalf("seed %d: Best found %v, brute force found nothing", seed, got.Choices)
			}
		} else {
			want := l.product(bestCfg, &p, score)
			if gerr != nil || got.Code != want.Code {
				t.Fatalf("seed %d: Best %s (%v), brute force %s\n%s", seed, got.Code, gerr, want.Code, src)
			}
		}
		// Possible options: pin a random valid variant, ask which single changes remain.
		if len(valid) > 0 {
			cur := valid[r.Intn(len(valid))]
			sel := l.product(cur, &p, score).Selection()
			av, err := l.Availability(sel, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, da := range av {
				d := l.byDim[da.Dimension]
				for _, oa := range da.Options {
					o := d.byID[oa.Option]
					lit := o.lit()
					want := false
					for _, cfg := range valid {
						if cfg[lit.Var] != lit.Val || !hardOK(cfg, allowed) {
							continue
						}
						same := true
						for i := range cfg {
							if i != lit.Var && cfg[i] != cur[i] {
								same = false
							}
						}
						want = want || same
					}
					if oa.Available != want {
						t.Fatalf("seed %d: %s.%s available %v, brute force %v (reasons %v)", seed, d.id, o.id, oa.Available, want, oa.Reasons)
					}
					if !oa.Available && len(oa.Reasons) == 0 {
						t.Fatalf("seed %d: %s.%s greyed out without a reason", seed, d.id, o.id)
					}
				}
			}
		}
	}
	if loaded < 100 {
		t.Fatalf("only %d random catalogs loaded; the generator is too strict", loaded)
	}
}
