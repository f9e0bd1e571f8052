package catalog

import (
	"fmt"

	"atelier/catalog/mdd"
)

// weigh scores every option for the profile (milli-points, indexed [variable][value]) and
// filters out the options the profile's hard rules exclude (nil rows allow everything).
func (l *Line) weigh(p *Profile) (score [][]int64, allowed [][]bool) {
	score = l.newWeights()
	hard := l.cat.activeHardRules(p)
	for i := range l.vars {
		for _, o := range l.varOptions(i) {
			var s int64
			for k := range o.hints {
				s += o.hints[k].value(p)
			}
			val := o.lit().Val
			score[i][val] = s
			for _, r := range hard {
				if o.hasTag(r.tag) {
					if allowed == nil {
						allowed = make([][]bool, len(l.vars))
					}
					if allowed[i] == nil {
						allowed[i] = make([]bool, l.d.Domain(i))
						for v := range allowed[i] {
							allowed[i][v] = true
						}
					}
					allowed[i][val] = false
				}
			}
		}
	}
	return score, allowed
}

// pickTie prefers fewer picks among equally scored variants, so options that do nothing
// for the shopper are left out.
func (l *Line) pickTie() [][]int64 {
	t := l.newWeights()
	for i, v := range l.vars {
		if v.opt != nil {
			t[i][picked] = -1
		}
	}
	return t
}

// Best returns the highest-scoring valid product of the line for the profile, found
// exactly over the compiled diagram. Options excluded by the profile's hard rules
// (fragrance_free, vegan, pregnant, silicone_free, nut_allergy, and any the catalog adds)
// are never used. Ties go to fewer picks, then to the earliest options in file order.
// It returns an error wrapping ErrNoVariant when the hard rules leave nothing.
func (l *Line) Best(p Profile) (Product, error) {
	cfg, score, err := l.best(&p)
	if err != nil {
		return Product{}, err
	}
	return l.product(cfg, &p, score), nil
}

func (l *Line) best(p *Profile) ([]int, [][]int64, error) {
	score, allowed := l.weigh(p)
	cfg := make([]int, len(l.vars))
	if _, _, ok := l.d.Best(mdd.Query{Score: score, Tie: l.tie, Allowed: allowed}, cfg); !ok {
		return nil, nil, fmt.Errorf("%w: %s", ErrNoVariant, l.label)
	}
	return cfg, score, nil
}

// Recommend returns the best product of every line the profile asks for (trait "lines",
// else the lines of its trait "focus", else all lines; unknown ids are ignored), in catalog order. Lines whose
// hard rules leave nothing are skipped; if every line is skipped it returns ErrNoVariant.
func (c *Catalog) Recommend(p Profile) ([]Product, error) {
	want := map[string]bool{}
	for _, id := range p.Traits["lines"] {
		want[id] = true
	}
	any := false
	for _, l := range c.lines {
		any = any || want[l.id]
	}
	if !any {
		for _, f := range p.Traits["focus"] {
			for _, l := range c.lines {
				if l.focus == f {
					want[l.id], any = true, true
				}
			}
		}
	}
	var out []Product
	var lastErr error
	for _, l := range c.lines {
		if any && !want[l.id] {
			continue
		}
		prod, err := l.Best(p)
		if err != nil {
			lastErr = err
			continue
		}
		out = append(out, prod)
	}
	if len(out) == 0 && lastErr != nil {
		return nil, lastErr
	}
	return out, nil
}
