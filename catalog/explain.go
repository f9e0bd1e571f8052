package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// plainReason explains a chosen option that no answer of the profile speaks for, so that every
// part of a product says why it is there. For a single-choice dimension, in this order:
//
//   - forced by the choices before it (dimensions are decided in file order): "Pipette
//     dropper: the only cap that goes with your other choices. The pump head fits the airless
//     bottle." — naming the rules that rule the other options out;
//   - the line's standard: no option listed before it goes with the choices before it;
//   - forced by the other choices, before or after it;
//   - preferred: an earlier option that would go counts against the profile: "Gentle rather
//     than Intense: you said your skin often reacts";
//   - otherwise the shopper picked it: "Sage: your choice".
//
// A pick that cannot be left out is "our standard pick", with the rule that needs it. Options
// the profile's hard rules exclude never count as ones that would go. It costs a few walks of
// one path of the diagram per option of the dimension.
func (l *Line) plainReason(o *option, cfg []int, hard []*profileRule, p *Profile, score [][]int64) string {
	d := o.dim
	alt := append([]int(nil), cfg...)
	if d.pick {
		// The alternative to a pick is leaving it out.
		alt[d.firstVar+o.index] = notPicked
		if l.d.Contains(alt) {
			return o.label + ": your choice"
		}
		msgs := brokenMessages(l.rules, alt, nil, nil)
		if len(msgs) == 0 {
			return fmt.Sprintf("%s: our standard pick for the %s", o.label, l.label)
		}
		return fmt.Sprintf("%s: our standard pick for the %s (%s)", o.label, l.label, lowerFirst(strings.Join(msgs, "; ")))
	}
	i := d.firstVar
	goes := func(a *option) bool { return len(hardExclusions(a, hard, p)) == 0 }
	var open, earlier, fits []*option // other options: open after the choices before; listed earlier; fitting every choice
	for _, a := range d.options {
		if a == o || !goes(a) || !l.d.Extends(cfg, i, a.index) {
			continue
		}
		open = append(open, a)
		if a.index < o.index {
			earlier = append(earlier, a)
		}
		alt[i] = a.index
		if l.d.Contains(alt) {
			fits = append(fits, a)
		}
	}
	dim := strings.ToLower(d.label)
	forced := func(known []bool) string {
		var msgs []string
		told, others := false, false // some other option is left out by the profile's hard rules; by a rule
		for _, a := range d.options {
			if a == o {
				continue
			}
			if ex := hardExclusions(a, hard, p); len(ex) > 0 {
				told = true
				for _, m := range ex {
					if m = upperFirst(m); !slices.Contains(msgs, m) {
						msgs = append(msgs, m)
					}
				}
				continue
			}
			alt[i] = a.index
			msgs = brokenMessages(l.rules, alt, known, msgs)
			others = true
		}
		with := "your other choices"
		switch {
		case told && others:
			with = "what you told us and your other choices"
		case told:
			with = "what you told us"
		}
		s := fmt.Sprintf("%s: the only %s that goes with %s", o.label, dim, with)
		for _, m := range msgs[:min(len(msgs), 2)] {
			s += ". " + strings.TrimSuffix(m, ".")
		}
		return s
	}
	switch {
	case len(open) == 0:
		known := make([]bool, len(cfg)) // only the choices before this one, and this one
		for j := 0; j <= i; j++ {
			known[j] = true
		}
		return forced(known)
	case len(earlier) == 0:
		return fmt.Sprintf("%s: our standard %s for the %s", o.label, dim, l.label)
	case len(fits) == 0:
		return forced(nil)
	}
	own := score[i][o.index]
	for _, a := range fits {
		if a.index > o.index || score[i][a.index] >= own {
			continue
		}
		if h := a.worstHint(p); h != nil {
			return fmt.Sprintf("%s rather than %s: %s", o.label, a.label, h.because(p))
		}
	}
	return o.label + ": your choice"
}

// brokenMessages appends, without repeats, the words of every rule that cfg certainly breaks
// when only the known variables are decided (known nil: all of them).
func brokenMessages(rules []*rule, cfg []int, known []bool, out []string) []string {
	for _, r := range rules {
		if bad, who := r.broken(cfg, known); bad {
			if m := r.words(who); !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// worstHint is the hint that counts most against the option for p, or nil.
func (o *option) worstHint(p *Profile) *hint {
	var worst *hint
	var least int64
	for i := range o.hints {
		if v := o.hints[i].value(p); v < least {
			worst, least = &o.hints[i], v
		}
	}
	return worst
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
