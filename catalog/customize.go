package catalog

import (
	"fmt"
	"sort"

	"atelier/catalog/mdd"
)

// DimensionAvailability says, for one dimension, which options remain possible.
type DimensionAvailability struct {
	Dimension string               `json:"dimension"`
	Label     string               `json:"label"`
	Pick      bool                 `json:"pick"`
	Options   []OptionAvailability `json:"options"`
}

// OptionAvailability is one option: selected now, still possible, and if not, why not.
type OptionAvailability struct {
	Option          string   `json:"option"`
	Label           string   `json:"label"`
	PriceDeltaCents int64    `json:"price_delta_cents"`
	Selected        bool     `json:"selected"`
	Available       bool     `json:"available"`
	Reasons         []string `json:"reasons,omitempty"` // why it is greyed out
}

// config turns a selection into a configuration. Dimensions missing from sel stay
// unknown (known[v] false) unless complete is set, in which case they are an error.
func (l *Line) config(sel Selection, complete bool) (cfg []int, known []bool, err error) {
	cfg = make([]int, len(l.vars))
	known = make([]bool, len(l.vars))
	for id := range sel {
		if l.byDim[id] == nil {
			return nil, nil, &SelectionError{Err: ErrUnknownDimension, Dimension: id,
				Message: fmt.Sprintf("%s has no dimension %q", l.label, id)}
		}
	}
	for _, d := range l.dims {
		ids, ok := sel[d.id]
		if !ok {
			if complete {
				return nil, nil, &SelectionError{Err: ErrIncomplete, Dimension: d.id,
					Message: fmt.Sprintf("choose a %s", d.label)}
			}
			continue
		}
		if !d.pick && len(ids) != 1 {
			return nil, nil, &SelectionError{Err: ErrIncomplete, Dimension: d.id,
				Message: fmt.Sprintf("choose exactly one %s", d.label)}
		}
		if d.pick {
			for _, o := range d.options {
				cfg[d.firstVar+o.index] = notPicked
				known[d.firstVar+o.index] = true
			}
		}
		for _, id := range ids {
			o := d.byID[id]
			if o == nil {
				return nil, nil, &SelectionError{Err: ErrUnknownOption, Dimension: d.id, Option: id,
					Message: fmt.Sprintf("%s has no option %q", d.label, id)}
			}
			l := o.lit()
			cfg[l.Var], known[l.Var] = l.Val, true
		}
	}
	return cfg, known, nil
}

// Product returns the product for a complete selection, labelled for the profile. A
// selection that breaks a rule returns a *ConflictError whose suggestion is the nearest
// valid product. Profile hard rules are not applied (this re-creates stored orders).
func (l *Line) Product(sel Selection, p Profile) (Product, error) {
	cfg, _, err := l.config(sel, true)
	if err != nil {
		return Product{}, err
	}
	score, _ := l.weigh(&p)
	if l.d.Contains(cfg) {
		return l.product(cfg, &p, score), nil
	}
	return Product{}, l.conflict(cfg, nil, &p, nil)
}

// Customize applies changes (dimension → the new option, or the full new set of picks)
// to the current selection. If the result is valid and respects the profile's hard rules
// it returns the new product. Otherwise it returns a *ConflictError listing each broken
// rule in words, with Suggestion set to the nearest valid product that keeps the requested
// change: the one that changes the fewest other choices (a single-choice dimension
// counts one per change, a pick dimension one per option added or removed), then scores
// best for the profile, then comes first in catalog order. Suggestion is nil when the
// requested change cannot be valid at all.
func (l *Line) Customize(current, changes Selection, p Profile) (Product, error) {
	cfg, _, err := l.config(current, true)
	if err != nil {
		return Product{}, err
	}
	ch, known, err := l.config(changes, false)
	if err != nil {
		return Product{}, err
	}
	for i := range cfg {
		if known[i] {
			cfg[i] = ch[i]
		}
	}
	score, allowed := l.weigh(&p)
	if l.d.Contains(cfg) && hardOK(cfg, allowed) {
		return l.product(cfg, &p, score), nil
	}
	return Product{}, l.conflict(cfg, known, &p, score)
}

func hardOK(cfg []int, allowed [][]bool) bool {
	for i, v := range cfg {
		if allowed != nil && allowed[i] != nil && !allowed[i][v] {
			return false
		}
	}
	return true
}

// conflict explains why cfg is not allowed and finds the nearest valid product keeping
// the variables in keep (nil: keep nothing fixed).
func (l *Line) conflict(cfg []int, keep []bool, p *Profile, score [][]int64) *ConflictError {
	if score == nil {
		score, _ = l.weigh(p)
	}
	_, allowed := l.weigh(p)
	ce := &ConflictError{}
	for _, r := range l.rules {
		if bad, who := r.broken(cfg, nil); bad {
			c := Conflict{Message: r.words(who)}
			for _, o := range who {
				c.Options = append(c.Options, o.id)
			}
			if len(who) > 0 {
				c.Dimension = who[0].dim.id
			}
			ce.Conflicts = append(ce.Conflicts, c)
		}
	}
	hard := l.cat.activeHardRules(p)
	for _, d := range l.dims {
		for _, o := range l.chosenIn(d, cfg) {
			for _, msg := range hardExclusions(o, hard, p) {
				ce.Conflicts = append(ce.Conflicts, Conflict{Dimension: d.id, Options: []string{o.id},
					Message: o.label + ": " + msg})
			}
		}
	}
	// Nearest: maximise -(changed variables), then the profile score.
	dist := l.newWeights()
	for i := range dist {
		for v := range dist[i] {
			if v != cfg[i] {
				dist[i][v] = -1
			}
		}
	}
	if keep != nil {
		if allowed == nil {
			allowed = make([][]bool, len(l.vars))
		}
		for i, k := range keep {
			if !k {
				continue
			}
			row := make([]bool, l.d.Domain(i))
			row[cfg[i]] = allowed[i] == nil || allowed[i][cfg[i]]
			allowed[i] = row
		}
	}
	out := make([]int, len(l.vars))
	if _, _, ok := l.d.Best(mdd.Query{Score: dist, Tie: score, Allowed: allowed}, out); ok {
		s := l.product(out, p, score)
		ce.Suggestion = &s
	}
	if len(ce.Conflicts) == 0 {
		ce.Conflicts = append(ce.Conflicts, Conflict{Message: "These choices do not go together"})
	}
	return ce
}

// Availability says, for each dimension, which options remain possible given the
// partial selection sel (missing dimensions are free) and the profile's hard rules, and
// why the others are not. An option counts as possible when some valid product takes it
// while keeping every other dimension's current choice; for pick dimensions, when it can
// be added while keeping the other picks.
func (l *Line) Availability(sel Selection, p Profile) ([]DimensionAvailability, error) {
	cfg, known, err := l.config(sel, false)
	if err != nil {
		return nil, err
	}
	_, hard := l.weigh(&p)
	pin := func(skip *dimension) [][]bool {
		a := make([][]bool, len(l.vars))
		for i := range a {
			if known[i] && l.vars[i].dim != skip {
				a[i] = make([]bool, l.d.Domain(i))
				a[i][cfg[i]] = true
			}
			if hard != nil && hard[i] != nil {
				if a[i] == nil {
					a[i] = append([]bool(nil), hard[i]...)
				} else {
					a[i][cfg[i]] = a[i][cfg[i]] && hard[i][cfg[i]]
				}
			}
		}
		return a
	}
	possible := l.d.Possible(pin(nil))
	var without map[*dimension][][]bool // lazily: possible with one dimension unpinned
	hardRules := l.cat.activeHardRules(&p)
	out := make([]DimensionAvailability, 0, len(l.dims))
	for _, d := range l.dims {
		da := DimensionAvailability{Dimension: d.id, Label: d.label, Pick: d.pick}
		for _, o := range d.options {
			lit := o.lit()
			oa := OptionAvailability{Option: o.id, Label: o.label, PriceDeltaCents: o.price,
				Selected: known[lit.Var] && cfg[lit.Var] == lit.Val}
			oa.Available = possible[lit.Var][lit.Val]
			for _, msg := range hardExclusions(o, hardRules, &p) {
				oa.Available = false
				oa.Reasons = append(oa.Reasons, o.label+": "+msg)
			}
			if !oa.Available && len(oa.Reasons) == 0 {
				oa.Reasons = l.whyNot(o, cfg, known)
				if len(oa.Reasons) == 0 {
					if without == nil {
						without = map[*dimension][][]bool{}
						for _, od := range l.dims {
							if known[od.firstVar] {
								without[od] = l.d.Possible(pin(od))
							}
						}
					}
					oa.Reasons = l.blame(o, cfg, without)
				}
			}
			da.Options = append(da.Options, oa)
		}
		out = append(out, da)
	}
	return out, nil
}

// whyNot lists the rules that choosing o would certainly break given the known choices.
func (l *Line) whyNot(o *option, cfg []int, known []bool) []string {
	lit := o.lit()
	c := append([]int(nil), cfg...)
	k := append([]bool(nil), known...)
	c[lit.Var], k[lit.Var] = lit.Val, true
	var out []string
	for _, r := range l.rules {
		if bad, who := r.broken(c, k); bad {
			out = append(out, r.words(who))
		}
	}
	return out
}

// blame names the other choices that, once changed, would make o possible.
func (l *Line) blame(o *option, cfg []int, without map[*dimension][][]bool) []string {
	lit := o.lit()
	var dims []*dimension
	for d, poss := range without {
		if d != o.dim && poss[lit.Var][lit.Val] {
			dims = append(dims, d)
		}
	}
	sort.Slice(dims, func(a, b int) bool { return dims[a].firstVar < dims[b].firstVar })
	var out []string
	for _, d := range dims {
		out = append(out, fmt.Sprintf("Not possible with your choice of %s (%s)", d.label, labelList(l.chosenIn(d, cfg), "and")))
	}
	if len(out) == 0 {
		out = append(out, "Not possible with your other choices")
	}
	return out
}
