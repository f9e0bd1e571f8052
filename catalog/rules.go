package catalog

import (
	"fmt"
	"strings"

	"atelier/catalog/mdd"
)

type ruleKind uint8

const (
	ruleExcludes ruleKind = iota // no two groups together
	ruleRequires                 // groups[0] (any) needs groups[1] (one of)
	ruleAtMost                   // at most n of groups[0]
	ruleAtLeast                  // at least n of groups[0]
	rulePick                     // a pick dimension's min/max
)

// rule is a constraint between options of one line, kept beside the diagram to explain
// in words why a combination is impossible.
type rule struct {
	kind    ruleKind
	groups  [][]*option
	n, max  int // counts; for rulePick n is min
	dim     *dimension
	message string
	pos     int
}

// constraints translates the rule for the diagram compiler.
func (r *rule) constraints(s *mdd.Spec) {
	lits := func(g []*option) []mdd.Lit {
		out := make([]mdd.Lit, len(g))
		for i, o := range g {
			out[i] = o.lit()
		}
		return out
	}
	switch r.kind {
	case ruleExcludes:
		for i := range r.groups {
			for j := i + 1; j < len(r.groups); j++ {
				for _, a := range r.groups[i] {
					for _, b := range r.groups[j] {
						if a == b || (a.dim == b.dim && !a.dim.pick) {
							continue
						}
						s.Cards = append(s.Cards, mdd.Card{Lits: []mdd.Lit{a.lit(), b.lit()}, Min: 0, Max: 1})
					}
				}
			}
		}
	case ruleRequires:
		s.Implies = append(s.Implies, mdd.Implies{If: lits(r.groups[0]), Then: lits(r.groups[1])})
	case ruleAtMost:
		s.Cards = append(s.Cards, mdd.Card{Lits: lits(r.groups[0]), Min: 0, Max: r.n})
	case ruleAtLeast:
		s.Cards = append(s.Cards, mdd.Card{Lits: lits(r.groups[0]), Min: r.n, Max: -1})
	case rulePick:
		s.Cards = append(s.Cards, mdd.Card{Lits: lits(r.groups[0]), Min: r.n, Max: r.max})
	}
}

// tri is a three-valued truth: an option is chosen, not chosen, or not yet decided.
type tri uint8

const (
	triNo tri = iota
	triYes
	triMaybe
)

func status(o *option, cfg []int, known []bool) tri {
	l := o.lit()
	if known != nil && !known[l.Var] {
		return triMaybe
	}
	if cfg[l.Var] == l.Val {
		return triYes
	}
	return triNo
}

// broken reports whether the rule is certainly broken by cfg restricted to the known
// variables (known nil: all known), and the options to blame.
func (r *rule) broken(cfg []int, known []bool) (bool, []*option) {
	countIn := func(g []*option) (yes, maybe int, which []*option) {
		seen := map[int]tri{}
		for _, o := range g {
			v := o.lit().Var
			st := status(o, cfg, known)
			if prev, ok := seen[v]; ok && (prev == triYes || st != triYes) {
				if prev == triNo && st == triMaybe {
					seen[v] = st
				}
				continue
			}
			seen[v] = st
			if st == triYes {
				which = append(which, o)
			}
		}
		for _, st := range seen {
			switch st {
			case triYes:
				yes++
			case triMaybe:
				maybe++
			}
		}
		return yes, maybe, which
	}
	switch r.kind {
	case ruleExcludes:
		for i := range r.groups {
			for j := i + 1; j < len(r.groups); j++ {
				for _, a := range r.groups[i] {
					if status(a, cfg, known) != triYes {
						continue
					}
					for _, b := range r.groups[j] {
						if a != b && status(b, cfg, known) == triYes {
							return true, []*option{a, b}
						}
					}
				}
			}
		}
	case ruleRequires:
		for _, a := range r.groups[0] {
			if status(a, cfg, known) != triYes {
				continue
			}
			for _, b := range r.groups[1] {
				if status(b, cfg, known) != triNo {
					return false, nil
				}
			}
			return true, append([]*option{a}, r.groups[1]...)
		}
	case ruleAtMost:
		if yes, _, which := countIn(r.groups[0]); yes > r.n {
			return true, which
		}
	case ruleAtLeast:
		if yes, maybe, which := countIn(r.groups[0]); yes+maybe < r.n {
			return true, which
		}
	case rulePick:
		yes, maybe, which := countIn(r.groups[0])
		if (r.max >= 0 && yes > r.max) || yes+maybe < r.n {
			return true, which
		}
	}
	return false, nil
}

// words explains the broken rule to a shopper, naming the options involved.
func (r *rule) words(involved []*option) string {
	if r.message != "" {
		return r.message
	}
	switch r.kind {
	case ruleExcludes:
		if len(involved) >= 2 {
			return fmt.Sprintf("%s can't be combined with %s", involved[0].label, involved[1].label)
		}
		return "These options can't be combined: " + labelList(flatten(r.groups), "and")
	case ruleRequires:
		then := r.groups[1]
		if len(involved) > 0 {
			if len(then) == 1 {
				return fmt.Sprintf("%s needs %s", involved[0].label, then[0].label)
			}
			return fmt.Sprintf("%s needs one of %s", involved[0].label, labelList(then, "or"))
		}
	case ruleAtMost:
		return fmt.Sprintf("Choose at most %d of %s", r.n, labelList(r.groups[0], "and"))
	case ruleAtLeast:
		return fmt.Sprintf("Choose at least %d of %s", r.n, labelList(r.groups[0], "and"))
	case rulePick:
		lbl := strings.ToLower(r.dim.label)
		if r.max >= 0 && len(involved) > r.max {
			return fmt.Sprintf("Choose at most %d %s", r.max, lbl)
		}
		return fmt.Sprintf("Choose at least %d %s", r.n, lbl)
	}
	return "These choices break a rule of this product"
}

func flatten(gs [][]*option) []*option {
	var out []*option
	for _, g := range gs {
		out = append(out, g...)
	}
	return out
}

// labelList renders "A", "A and B", "A, B and C".
func labelList(os []*option, conj string) string {
	ls := make([]string, len(os))
	for i, o := range os {
		ls[i] = o.label
	}
	switch len(ls) {
	case 0:
		return ""
	case 1:
		return ls[0]
	}
	return strings.Join(ls[:len(ls)-1], ", ") + " " + conj + " " + ls[len(ls)-1]
}
