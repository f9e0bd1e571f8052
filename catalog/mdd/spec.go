// Package mdd compiles a small constraint problem over finite-domain variables into a
// quasi-reduced multi-valued decision diagram (MDD) and answers questions about its
// solutions in time proportional to the diagram, not to the number of solutions:
// exact counting, best solution under additive weights, rank/unrank in lexicographic
// order, and which values remain possible under a partial assignment.
//
// Variables are decided in index order; the values of variable i are 0..Domains[i]-1.
// A solution is one value per variable that satisfies every constraint.
package mdd

// Lit names one value of one variable: the literal "Var takes value Val".
type Lit struct {
	Var, Val int
}

// Card requires that the number of variables taking one of the literals in Lits lies
// in [Min, Max]. Max < 0 means unbounded. A variable counts once even if several of its
// values are listed.
type Card struct {
	Lits     []Lit
	Min, Max int
}

// Implies requires that when any literal of If holds, at least one literal of Then holds.
type Implies struct {
	If, Then []Lit
}

// Spec is a constraint problem: variables with their domain sizes plus constraints.
type Spec struct {
	Domains []int
	Cards   []Card
	Implies []Implies
}

// MaxCount is the largest Card bound the compiler accepts (states are stored in a byte).
const MaxCount = 250
