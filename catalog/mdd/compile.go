package mdd

import (
	"errors"
	"fmt"
)

// ErrSpec reports a malformed Spec (a literal out of range, a bound too large).
var ErrSpec = errors.New("mdd: invalid spec")

// constraint is the compiler's uniform view of a Card or an Implies.
type constraint struct {
	isCard   bool
	min, max int // card bounds; max < 0 unbounded
	capAt    int // counts are clamped here so equivalent states merge
	first    int // first variable holding one of its literals
	last     int // last such variable
	// remaining[i]: variables after i holding a counted (card) or Then (implies) literal.
	remaining []int
}

// touch is the effect of one literal on one constraint.
type touch struct {
	c      int32
	inIf   bool // implies: literal is in If
	inThen bool // implies: literal is in Then; card: literal is counted
}

const (
	impTriggered = 1
	impSatisfied = 2
)

// Compile builds the diagram of every solution of s. Construction is top-down, layer by
// layer: a node is the vector of constraint states (counts so far, trigger/satisfied bits)
// of the constraints still open at that layer, so partial assignments with the same state
// share a node. Dead ends are then pruned bottom-up and equal sub-diagrams merged.
func Compile(s Spec) (*Diagram, error) {
	n := len(s.Domains)
	for i, d := range s.Domains {
		if d < 1 {
			return nil, fmt.Errorf("%w: variable %d has domain %d", ErrSpec, i, d)
		}
	}
	cons := make([]constraint, 0, len(s.Cards)+len(s.Implies))
	// touches[i][v] lists the constraints the literal (i, v) affects.
	touches := make([][][]touch, n)
	for i := range touches {
		touches[i] = make([][]touch, s.Domains[i])
	}
	varCons := make([][]int32, n) // constraints with any literal on variable i
	addLit := func(c int, l Lit, inIf, inThen bool) error {
		if l.Var < 0 || l.Var >= n || l.Val < 0 || l.Val >= s.Domains[l.Var] {
			return fmt.Errorf("%w: literal %v out of range", ErrSpec, l)
		}
		ts := touches[l.Var][l.Val]
		if k := len(ts) - 1; k >= 0 && ts[k].c == int32(c) {
			ts[k].inIf = ts[k].inIf || inIf
			ts[k].inThen = ts[k].inThen || inThen
		} else {
			touches[l.Var][l.Val] = append(ts, touch{c: int32(c), inIf: inIf, inThen: inThen})
		}
		vc := varCons[l.Var]
		if len(vc) == 0 || vc[len(vc)-1] != int32(c) {
			varCons[l.Var] = append(vc, int32(c))
		}
		return nil
	}
	span := func(c *constraint, lits ...[]Lit) {
		c.first, c.last = n, -1
		for _, ls := range lits {
			for _, l := range ls {
				c.first = min(c.first, l.Var)
				c.last = max(c.last, l.Var)
			}
		}
	}
	remaining := func(counted []Lit) []int {
		has := make([]bool, n)
		for _, l := range counted {
			has[l.Var] = true
		}
		rem := make([]int, n)
		r := 0
		for i := n - 1; i >= 0; i-- {
			rem[i] = r
			if has[i] {
				r++
			}
		}
		return rem
	}
	for _, cd := range s.Cards {
		if cd.Max > MaxCount || cd.Min > MaxCount {
			return nil, fmt.Errorf("%w: bound above %d", ErrSpec, MaxCount)
		}
		c := constraint{isCard: true, min: cd.Min, max: cd.Max}
		span(&c, cd.Lits)
		if c.last < 0 { // no literals: satisfiable only if min is 0
			if cd.Min > 0 {
				return emptyDiagram(s.Domains), nil
			}
			continue
		}
		if cd.Max >= 0 {
			c.capAt = cd.Max + 1
		} else {
			c.capAt = cd.Min
		}
		c.remaining = remaining(cd.Lits)
		idx := len(cons)
		cons = append(cons, c)
		for _, l := range cd.Lits {
			if err := addLit(idx, l, false, true); err != nil {
				return nil, err
			}
		}
	}
	for _, im := range s.Implies {
		c := constraint{}
		span(&c, im.If, im.Then)
		if len(im.If) == 0 {
			continue
		}
		c.remaining = remaining(im.Then)
		idx := len(cons)
		cons = append(cons, c)
		// Sort out duplicates per variable/value by adding If and Then separately.
		for _, l := range im.If {
			if err := addLit(idx, l, true, false); err != nil {
				return nil, err
			}
		}
		for _, l := range im.Then {
			if err := addLit(idx, l, false, true); err != nil {
				return nil, err
			}
		}
	}
	// addLit merges only consecutive duplicates; varCons may still hold repeats when a
	// constraint's literals interleave variables. Deduplicate.
	for i := range varCons {
		varCons[i] = dedup(varCons[i])
	}
	b := builder{domains: s.Domains, cons: cons, touches: touches, varCons: varCons}
	return b.build(), nil
}

func dedup(xs []int32) []int32 {
	seen := make(map[int32]bool, len(xs))
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

type builder struct {
	domains []int
	cons    []constraint
	touches [][][]touch
	varCons [][]int32
}

// rawNode is a node during construction.
type rawNode struct {
	vals     []int32
	children []int32 // index into next layer
}

func (b *builder) build() *Diagram {
	n := len(b.domains)
	nc := len(b.cons)
	layers := make([][]rawNode, n+1)
	states := [][]byte{make([]byte, nc)}
	layers[0] = []rawNode{{}}
	scratch := make([]byte, nc)
	for i := 0; i < n; i++ {
		index := make(map[string]int32)
		var next [][]byte
		for k := range layers[i] {
			st := states[k]
			node := &layers[i][k]
			for v := 0; v < b.domains[i]; v++ {
				copy(scratch, st)
				if !b.step(scratch, i, v) {
					continue
				}
				key := string(scratch)
				child, ok := index[key]
				if !ok {
					child = int32(len(next))
					index[key] = child
					next = append(next, []byte(key))
				}
				node.vals = append(node.vals, int32(v))
				node.children = append(node.children, child)
			}
		}
		layers[i+1] = make([]rawNode, len(next))
		states = next
	}
	return finish(b.domains, layers)
}

// step applies value v of variable i to the state vector st and reports whether the
// partial assignment can still be completed as far as each constraint alone can tell.
func (b *builder) step(st []byte, i, v int) bool {
	for _, t := range b.touches[i][v] {
		c := &b.cons[t.c]
		s := int(st[t.c])
		if c.isCard {
			if t.inThen {
				s++
				if c.max >= 0 && s > c.max {
					return false
				}
				if s > c.capAt {
					s = c.capAt
				}
			}
		} else {
			if t.inThen {
				s = impSatisfied
			} else if t.inIf && s != impSatisfied {
				s = impTriggered
			}
		}
		st[t.c] = byte(s)
	}
	for _, ci := range b.varCons[i] {
		c := &b.cons[ci]
		s := int(st[ci])
		if c.isCard {
			if s+c.remaining[i] < c.min {
				return false
			}
		} else if s == impTriggered && c.remaining[i] == 0 {
			return false
		}
		if i == c.last {
			st[ci] = 0
		}
	}
	return true
}

// finish prunes nodes that reach no solution, merges equal nodes bottom-up and lays the
// diagram out in flat arrays.
func finish(domains []int, layers [][]rawNode) *Diagram {
	n := len(domains)
	// remap[i][k] is the new index of node k of layer i, or -1 if dead.
	remap := make([][]int32, n+1)
	remap[n] = make([]int32, len(layers[n]))
	if len(layers[n]) == 0 {
		return emptyDiagram(domains)
	}
	for k := range remap[n] {
		remap[n][k] = 0 // all terminal states are the same accepting terminal
	}
	kept := make([][]rawNode, n+1)
	kept[n] = []rawNode{{}}
	for i := n - 1; i >= 0; i-- {
		remap[i] = make([]int32, len(layers[i]))
		index := make(map[string]int32)
		var buf []byte
		for k, nd := range layers[i] {
			var vals, children []int32
			for e, c := range nd.children {
				if nc := remap[i+1][c]; nc >= 0 {
					vals = append(vals, nd.vals[e])
					children = append(children, nc)
				}
			}
			if len(vals) == 0 {
				remap[i][k] = -1
				continue
			}
			buf = buf[:0]
			for e := range vals {
				buf = appendInt(buf, vals[e])
				buf = appendInt(buf, children[e])
			}
			if j, ok := index[string(buf)]; ok {
				remap[i][k] = j
				continue
			}
			j := int32(len(kept[i]))
			index[string(buf)] = j
			remap[i][k] = j
			kept[i] = append(kept[i], rawNode{vals: vals, children: children})
		}
	}
	if len(kept[0]) == 0 {
		return emptyDiagram(domains)
	}
	d := &Diagram{domains: domains, layerStart: make([]int32, n+2)}
	total := 0
	for i := 0; i <= n; i++ {
		d.layerStart[i] = int32(total)
		total += len(kept[i])
	}
	d.layerStart[n+1] = int32(total)
	d.edgeStart = make([]int32, total+1)
	id := 0
	for i := 0; i <= n; i++ {
		for _, nd := range kept[i] {
			d.edgeStart[id] = int32(len(d.edgeVal))
			for e, c := range nd.children {
				d.edgeVal = append(d.edgeVal, nd.vals[e])
				d.edgeChild = append(d.edgeChild, d.layerStart[i+1]+c)
			}
			id++
		}
	}
	d.edgeStart[total] = int32(len(d.edgeVal))
	d.count()
	return d
}

func appendInt(b []byte, x int32) []byte {
	return append(b, byte(x), byte(x>>8), byte(x>>16), byte(x>>24))
}

// emptyDiagram has no nodes at all: no solution.
func emptyDiagram(domains []int) *Diagram {
	d := &Diagram{domains: domains, layerStart: make([]int32, len(domains)+2), edgeStart: []int32{0}, empty: true}
	d.count()
	return d
}
