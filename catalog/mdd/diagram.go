package mdd

import (
	"errors"
	"math"
	"math/big"
	"math/bits"
)

// ErrNotSolution is returned by Rank for an assignment that is not a solution.
var ErrNotSolution = errors.New("mdd: assignment is not a solution")

// ErrRankRange is returned by Unrank for a rank outside [0, Count).
var ErrRankRange = errors.New("mdd: rank out of range")

// Diagram is a compiled, immutable decision diagram; it is safe for concurrent use.
// Nodes are numbered layer by layer: the root is node 0 and the accepting terminal is
// the last node. Every edge of a node in layer i is labelled with a value of variable i
// and leads to a node in layer i+1; edges of a node are sorted by value.
type Diagram struct {
	domains    []int
	layerStart []int32 // nodes of layer i are [layerStart[i], layerStart[i+1])
	edgeStart  []int32 // edges of node k are [edgeStart[k], edgeStart[k+1])
	edgeVal    []int32
	edgeChild  []int32
	empty      bool
	cnt        []uint64   // solutions below each node, when they all fit in uint64
	bigCnt     []*big.Int // non-nil when some count overflows uint64
}

// Vars is the number of variables.
func (d *Diagram) Vars() int { return len(d.domains) }

// Domain is the number of values of variable i.
func (d *Diagram) Domain(i int) int { return d.domains[i] }

// Nodes is the number of nodes including the terminal (0 for an empty diagram).
func (d *Diagram) Nodes() int { return len(d.edgeStart) - 1 }

// Edges is the number of edges.
func (d *Diagram) Edges() int { return len(d.edgeVal) }

func (d *Diagram) count() {
	nodes := d.Nodes()
	d.cnt = make([]uint64, nodes)
	if nodes == 0 {
		return
	}
	d.cnt[nodes-1] = 1
	overflow := false
	for k := nodes - 2; k >= 0 && !overflow; k-- {
		var s uint64
		for e := d.edgeStart[k]; e < d.edgeStart[k+1]; e++ {
			var carry uint64
			s, carry = bits.Add64(s, d.cnt[d.edgeChild[e]], 0)
			if carry != 0 {
				overflow = true
				break
			}
		}
		d.cnt[k] = s
	}
	if !overflow {
		return
	}
	d.bigCnt = make([]*big.Int, nodes)
	d.bigCnt[nodes-1] = big.NewInt(1)
	for k := nodes - 2; k >= 0; k-- {
		s := new(big.Int)
		for e := d.edgeStart[k]; e < d.edgeStart[k+1]; e++ {
			s.Add(s, d.bigCnt[d.edgeChild[e]])
		}
		d.bigCnt[k] = s
	}
}

// Count is the exact number of solutions.
func (d *Diagram) Count() *big.Int {
	if d.empty {
		return new(big.Int)
	}
	if d.bigCnt != nil {
		return new(big.Int).Set(d.bigCnt[0])
	}
	return new(big.Int).SetUint64(d.cnt[0])
}

// Count64 is the number of solutions and whether it fits in a uint64.
func (d *Diagram) Count64() (uint64, bool) {
	if d.empty {
		return 0, true
	}
	if d.bigCnt != nil {
		return 0, false
	}
	return d.cnt[0], true
}

// Query weighs and filters values for Best. Score and Tie are indexed [variable][value];
// the objective is Score first, Tie second (both maximised). A nil Tie counts as zero.
// Allowed, when non-nil, filters values: a nil row allows every value of that variable.
type Query struct {
	Score   [][]int64
	Tie     [][]int64
	Allowed [][]bool
}

func (q *Query) allowed(i int, v int32) bool {
	if q.Allowed == nil || q.Allowed[i] == nil {
		return true
	}
	return q.Allowed[i][v]
}

const dead = math.MinInt64

// Best finds the solution with the highest (Score, Tie) among those using only allowed
// values, writing it into out (length Vars). Ties go to the lexicographically smallest
// solution in variable order and value order. It reports false when no allowed solution
// exists. The cost is one pass over the edges.
func (d *Diagram) Best(q Query, out []int) (score, tie int64, ok bool) {
	if d.empty {
		return 0, 0, false
	}
	nodes := d.Nodes()
	b1 := make([]int64, 2*nodes)
	b2 := b1[nodes:]
	b1 = b1[:nodes]
	b1[nodes-1], b2[nodes-1] = 0, 0
	n := len(d.domains)
	for i := n - 1; i >= 0; i-- {
		sc, tc := q.Score[i], []int64(nil)
		if q.Tie != nil {
			tc = q.Tie[i]
		}
		for k := d.layerStart[i]; k < d.layerStart[i+1]; k++ {
			m1, m2 := int64(dead), int64(dead)
			for e := d.edgeStart[k]; e < d.edgeStart[k+1]; e++ {
				c := d.edgeChild[e]
				if b1[c] == dead {
					continue
				}
				v := d.edgeVal[e]
				if !q.allowed(i, v) {
					continue
				}
				s1 := b1[c] + sc[v]
				s2 := b2[c]
				if tc != nil {
					s2 += tc[v]
				}
				if s1 > m1 || (s1 == m1 && s2 > m2) {
					m1, m2 = s1, s2
				}
			}
			b1[k], b2[k] = m1, m2
		}
	}
	if b1[0] == dead {
		return 0, 0, false
	}
	k := int32(0)
	for i := 0; i < n; i++ {
		sc := q.Score[i]
		for e := d.edgeStart[k]; e < d.edgeStart[k+1]; e++ {
			c := d.edgeChild[e]
			v := d.edgeVal[e]
			if b1[c] == dead || !q.allowed(i, v) {
				continue
			}
			s2 := b2[c]
			if q.Tie != nil {
				s2 += q.Tie[i][v]
			}
			if b1[c]+sc[v] == b1[k] && s2 == b2[k] {
				out[i] = int(v)
				k = c
				break
			}
		}
	}
	return b1[0], b2[0], true
}

// edge finds the edge of node k with value v, or -1.
func (d *Diagram) edge(k int32, v int) int32 {
	for e := d.edgeStart[k]; e < d.edgeStart[k+1]; e++ {
		if int(d.edgeVal[e]) == v {
			return e
		}
		if int(d.edgeVal[e]) > v {
			break
		}
	}
	return -1
}

// Contains reports whether cfg is a solution.
func (d *Diagram) Contains(cfg []int) bool {
	if d.empty || len(cfg) != len(d.domains) {
		return false
	}
	k := int32(0)
	for _, v := range cfg {
		e := d.edge(k, v)
		if e < 0 {
			return false
		}
		k = d.edgeChild[e]
	}
	return true
}

// Extends reports whether some solution takes the values of cfg for the variables before i
// and v for variable i, whatever it takes after: the values a choice leaves open for the next
// one. It walks one path, since every node of the diagram lies on a solution.
func (d *Diagram) Extends(cfg []int, i, v int) bool {
	if d.empty || i < 0 || i >= len(d.domains) || len(cfg) < i {
		return false
	}
	k := int32(0)
	for _, w := range cfg[:i] {
		e := d.edge(k, w)
		if e < 0 {
			return false
		}
		k = d.edgeChild[e]
	}
	return d.edge(k, v) >= 0
}

// Rank is the position of the solution cfg among all solutions in lexicographic order
// (variable order, then value order), counting from 0.
func (d *Diagram) Rank(cfg []int) (*big.Int, error) {
	if d.bigCnt == nil {
		r, err := d.Rank64(cfg)
		if err != nil {
			return nil, err
		}
		return new(big.Int).SetUint64(r), nil
	}
	if d.empty || len(cfg) != len(d.domains) {
		return nil, ErrNotSolution
	}
	r := new(big.Int)
	k := int32(0)
	for _, v := range cfg {
		e0 := d.edgeStart[k]
		e := d.edge(k, v)
		if e < 0 {
			return nil, ErrNotSolution
		}
		for x := e0; x < e; x++ {
			r.Add(r, d.bigCnt[d.edgeChild[x]])
		}
		k = d.edgeChild[e]
	}
	return r, nil
}

// Rank64 is Rank for diagrams whose count fits in a uint64.
func (d *Diagram) Rank64(cfg []int) (uint64, error) {
	if d.empty || d.bigCnt != nil || len(cfg) != len(d.domains) {
		return 0, ErrNotSolution
	}
	var r uint64
	k := int32(0)
	for _, v := range cfg {
		e0 := d.edgeStart[k]
		e := d.edge(k, v)
		if e < 0 {
			return 0, ErrNotSolution
		}
		for x := e0; x < e; x++ {
			r += d.cnt[d.edgeChild[x]]
		}
		k = d.edgeChild[e]
	}
	return r, nil
}

// Unrank writes the solution of rank r into out (length Vars).
func (d *Diagram) Unrank(r *big.Int, out []int) error {
	if r.Sign() < 0 || d.empty {
		return ErrRankRange
	}
	if d.bigCnt == nil {
		if !r.IsUint64() {
			return ErrRankRange
		}
		return d.Unrank64(r.Uint64(), out)
	}
	if r.Cmp(d.bigCnt[0]) >= 0 {
		return ErrRankRange
	}
	rem := new(big.Int).Set(r)
	k := int32(0)
	for i := range d.domains {
		for e := d.edgeStart[k]; e < d.edgeStart[k+1]; e++ {
			c := d.edgeChild[e]
			if rem.Cmp(d.bigCnt[c]) < 0 {
				out[i] = int(d.edgeVal[e])
				k = c
				break
			}
			rem.Sub(rem, d.bigCnt[c])
		}
	}
	return nil
}

// Unrank64 is Unrank for diagrams whose count fits in a uint64.
func (d *Diagram) Unrank64(r uint64, out []int) error {
	if d.empty || d.bigCnt != nil || r >= d.cnt[0] {
		return ErrRankRange
	}
	k := int32(0)
	for i := range d.domains {
		for e := d.edgeStart[k]; e < d.edgeStart[k+1]; e++ {
			c := d.edgeChild[e]
			if r < d.cnt[c] {
				out[i] = int(d.edgeVal[e])
				k = c
				break
			}
			r -= d.cnt[c]
		}
	}
	return nil
}

// Possible answers, for every variable i and value v, whether some solution takes v at i
// while every other variable takes an allowed value (allowed[j] nil allows all values of j).
// The row of i itself is ignored for i's answers, so a caller can pin the current choice
// of every variable and learn which single changes remain open. Cost: two passes.
func (d *Diagram) Possible(allowed [][]bool) [][]bool {
	n := len(d.domains)
	out := make([][]bool, n)
	for i := range out {
		out[i] = make([]bool, d.domains[i])
	}
	if d.empty {
		return out
	}
	ok := func(i int, v int32) bool { return allowed == nil || allowed[i] == nil || allowed[i][v] }
	nodes := d.Nodes()
	fwd := make([]bool, nodes)
	bwd := make([]bool, nodes)
	fwd[0] = true
	bwd[nodes-1] = true
	for i := 0; i < n; i++ {
		for k := d.layerStart[i]; k < d.layerStart[i+1]; k++ {
			if !fwd[k] {
				continue
			}
			for e := d.edgeStart[k]; e < d.edgeStart[k+1]; e++ {
				if ok(i, d.edgeVal[e]) {
					fwd[d.edgeChild[e]] = true
				}
			}
		}
	}
	for i := n - 1; i >= 0; i-- {
		for k := d.layerStart[i]; k < d.layerStart[i+1]; k++ {
			for e := d.edgeStart[k]; e < d.edgeStart[k+1]; e++ {
				c := d.edgeChild[e]
				if !bwd[c] {
					continue
				}
				if fwd[k] {
					out[i][d.edgeVal[e]] = true
				}
				if ok(i, d.edgeVal[e]) {
					bwd[k] = true
				}
			}
		}
	}
	return out
}
