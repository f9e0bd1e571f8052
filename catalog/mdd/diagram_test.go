package mdd

import (
	"math/big"
	"math/rand"
	"slices"
	"testing"
)

// satisfies checks cfg against s directly: the brute-force oracle.
func satisfies(s Spec, cfg []int) bool {
	has := func(l Lit) bool { return cfg[l.Var] == l.Val }
	for _, c := range s.Cards {
		vars := map[int]bool{}
		for _, l := range c.Lits {
			if has(l) {
				vars[l.Var] = true
			}
		}
		if len(vars) < c.Min || (c.Max >= 0 && len(vars) > c.Max) {
			return false
		}
	}
	for _, im := range s.Implies {
		trig, sat := false, false
		for _, l := range im.If {
			trig = trig || has(l)
		}
		for _, l := range im.Then {
			sat = sat || has(l)
		}
		if trig && !sat {
			return false
		}
	}
	return true
}

func randomSpec(r *rand.Rand) Spec {
	n := 1 + r.Intn(7)
	s := Spec{Domains: make([]int, n)}
	for i := range s.Domains {
		s.Domains[i] = 1 + r.Intn(4)
	}
	lit := func() Lit { v := r.Intn(n); return Lit{v, r.Intn(s.Domains[v])} }
	lits := func() []Lit {
		out := make([]Lit, 1+r.Intn(4))
		for i := range out {
			out[i] = lit()
		}
		return out
	}
	for range r.Intn(4) {
		mx := -1
		if r.Intn(2) == 0 {
			mx = r.Intn(3)
		}
		s.Cards = append(s.Cards, Card{Lits: lits(), Min: r.Intn(2), Max: mx})
	}
	for range r.Intn(4) {
		s.Implies = append(s.Implies, Implies{If: lits(), Then: lits()})
	}
	return s
}

func TestDiagramMatchesBruteForce(t *testing.T) {
	for seed := int64(0); seed < 400; seed++ {
		r := rand.New(rand.NewSource(seed))
		s := randomSpec(r)
		d, err := Compile(s)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		n := len(s.Domains)
		score := make([][]int64, n)
		allowed := make([][]bool, n)
		for i := range score {
			score[i] = make([]int64, s.Domains[i])
			for v := range score[i] {
				score[i][v] = int64(r.Intn(5) - 2)
			}
			if r.Intn(3) == 0 {
				allowed[i] = make([]bool, s.Domains[i])
				for v := range allowed[i] {
					allowed[i][v] = r.Intn(3) > 0
				}
			}
		}
		var sols [][]int
		var bestCfg []int
		var bestScore int64
		possible := make([][]bool, n)
		for i := range possible {
			possible[i] = make([]bool, s.Domains[i])
		}
		cfg := make([]int, n)
		var walk func(i int)
		walk = func(i int) {
			if i == n {
				if !satisfies(s, cfg) {
					return
				}
				sols = append(sols, append([]int(nil), cfg...))
				okAll, sc := true, int64(0)
				for j, v := range cfg {
					sc += score[j][v]
					if allowed[j] != nil && !allowed[j][v] {
						okAll = false
					}
				}
				if okAll && (bestCfg == nil || sc > bestScore) {
					bestCfg, bestScore = append([]int(nil), cfg...), sc
				}
				for j, v := range cfg {
					others := true
					for k, w := range cfg {
						if k != j && allowed[k] != nil && !allowed[k][w] {
							others = false
						}
					}
					if others {
						possible[j][v] = true
					}
				}
				return
			}
			for v := 0; v < s.Domains[i]; v++ {
				cfg[i] = v
				walk(i + 1)
			}
		}
		walk(0)
		if got := d.Count(); got.Cmp(big.NewInt(int64(len(sols)))) != 0 {
			t.Fatalf("seed %d: count %v, brute %d", seed, got, len(sols))
		}
		for k, sol := range sols {
			rk, err := d.Rank(sol)
			if err != nil || rk.Int64() != int64(k) {
				t.Fatalf("seed %d: rank(%v) = %v, %v; want %d", seed, sol, rk, err, k)
			}
			out := make([]int, n)
			if err := d.Unrank(big.NewInt(int64(k)), out); err != nil {
				t.Fatal(err)
			}
			for i := range out {
				if out[i] != sol[i] {
					t.Fatalf("seed %d: unrank(%d) = %v, want %v", seed, k, out, sol)
				}
			}
		}
		out := make([]int, n)
		sc, _, ok := d.Best(Query{Score: score, Allowed: allowed}, out)
		if ok != (bestCfg != nil) {
			t.Fatalf("seed %d: best ok %v, brute %v", seed, ok, bestCfg)
		}
		if ok {
			if sc != bestScore {
				t.Fatalf("seed %d: best %d, brute %d", seed, sc, bestScore)
			}
			for i := range out {
				if out[i] != bestCfg[i] {
					t.Fatalf("seed %d: best %v, brute %v (tie-break)", seed, out, bestCfg)
				}
			}
		}
		// Extends: some solution shares cfg's prefix before i and takes v at i.
		for _, sol := range sols {
			for i := range sol {
				for v := 0; v < s.Domains[i]; v++ {
					want := false
					for _, other := range sols {
						want = want || (other[i] == v && slices.Equal(other[:i], sol[:i]))
					}
					if got := d.Extends(sol, i, v); got != want {
						t.Fatalf("seed %d: Extends(%v, %d, %d) = %v, brute %v", seed, sol, i, v, got, want)
					}
				}
			}
		}
		got := d.Possible(allowed)
		for i := range got {
			for v := range got[i] {
				if got[i][v] != possible[i][v] {
					t.Fatalf("seed %d: possible[%d][%d] = %v, brute %v", seed, i, v, got[i][v], possible[i][v])
				}
			}
		}
	}
}

func TestBigCount(t *testing.T) {
	s := Spec{Domains: make([]int, 70)}
	for i := range s.Domains {
		s.Domains[i] = 2
	}
	d, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	want := new(big.Int).Lsh(big.NewInt(1), 70)
	if d.Count().Cmp(want) != 0 {
		t.Fatalf("count %v want %v", d.Count(), want)
	}
	r := new(big.Int).Sub(want, big.NewInt(12345))
	out := make([]int, 70)
	if err := d.Unrank(r, out); err != nil {
		t.Fatal(err)
	}
	back, err := d.Rank(out)
	if err != nil || back.Cmp(r) != 0 {
		t.Fatalf("round trip %v -> %v (%v)", r, back, err)
	}
	if err := d.Unrank(want, out); err == nil {
		t.Fatal("unrank past the end succeeded")
	}
}
