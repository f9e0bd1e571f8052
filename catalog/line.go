package catalog

import (
	"math/big"

	"atelier/catalog/mdd"
)

// Catalog is a loaded, validated and compiled catalog definition. It is immutable and
// safe for concurrent use.
type Catalog struct {
	version  string
	hash     string // contentHash of the definition
	tag      int    // the code symbol for the version
	currency string
	lines    []*Line
	byID     map[string]*Line
	hard     []profileRule
	total    *big.Int
	info     Info
}

// profileRule is a hard rule driven by a profile flag: options with the tag are excluded.
type profileRule struct {
	flag, tag, reason string
}

// Line is one compiled product line: its dimensions, rules and decision diagram.
type Line struct {
	cat         *Catalog
	index       int
	id, label   string
	description string
	focus       string // hair or skin: used when the profile names no lines
	nameTmpl    string
	defaultAdj  string
	adjFrom     []*dimension
	basePrice   int64
	qs          string
	fixed       []ingredient
	dims        []*dimension
	byDim       map[string]*dimension
	rules       []*rule
	vars        []varRef
	d           *mdd.Diagram
	count       *big.Int
	width       int // rank symbols in a code
	strengthDim *dimension
	sizeDim     *dimension
	tie         [][]int64 // pickTie, computed once
	broken      []string  // ids of dimensions that failed validation (load only)
}

// varRef says what a diagram variable stands for: a single-choice dimension (opt nil,
// values are option indexes) or one option of a pick-k-of-n dimension (value 0 = picked,
// 1 = not picked, so ties prefer earlier options).
type varRef struct {
	dim *dimension
	opt *option
}

const (
	picked    = 0
	notPicked = 1
)

type dimension struct {
	id, kind, label string
	pick            bool
	min, max        int
	options         []*option
	byID            map[string]*option
	firstVar        int
	pos             int
}

type option struct {
	id, label, description string
	price                  int64
	ingredients            []ingredient
	strength               int
	tags                   []string
	adjective              string
	pack                   defPackaging
	hints                  []hint
	dim                    *dimension
	index                  int
	pos                    int
}

func (o *option) hasTag(t string) bool {
	for _, x := range o.tags {
		if x == t {
			return true
		}
	}
	return false
}

// lit is the diagram literal "this option is chosen".
func (o *option) lit() mdd.Lit {
	if o.dim.pick {
		return mdd.Lit{Var: o.dim.firstVar + o.index, Val: picked}
	}
	return mdd.Lit{Var: o.dim.firstVar, Val: o.index}
}

// chosen reports whether the option is chosen in configuration cfg.
func (o *option) chosen(cfg []int) bool {
	l := o.lit()
	return cfg[l.Var] == l.Val
}

type ingredient struct {
	inci  string
	bp    int64 // basis points; for actives, at standard strength (100)
	maxBP int64
	role  string
	phase string
}

// Version is the catalog version as written in the file.
func (c *Catalog) Version() string { return c.version }

// Hash is the SHA-256, in hex, of the definition's content: the parsed YAML without
// comments, layout, key order or the shared anchors block. Two files with the same version
// must have the same hash, or one version's reorder codes would mean two products.
func (c *Catalog) Hash() string { return c.hash }

// Currency is the lower-case ISO currency of every price, e.g. "usd".
func (c *Catalog) Currency() string { return c.currency }

// Lines are the product lines in file order.
func (c *Catalog) Lines() []*Line { return append([]*Line(nil), c.lines...) }

// Line returns the line with the given id or ErrUnknownLine.
func (c *Catalog) Line(id string) (*Line, error) {
	if l, ok := c.byID[id]; ok {
		return l, nil
	}
	return nil, ErrUnknownLine
}

// Total is the exact number of valid variants over all lines.
func (c *Catalog) Total() *big.Int { return new(big.Int).Set(c.total) }

// ID is the line id, e.g. "shampoo".
func (l *Line) ID() string { return l.id }

// Label is the line's display name, e.g. "Shampoo".
func (l *Line) Label() string { return l.label }

// Catalog is the catalog the line belongs to.
func (l *Line) Catalog() *Catalog { return l.cat }

// Count is the exact number of valid variants of the line.
func (l *Line) Count() *big.Int { return new(big.Int).Set(l.count) }

// DiagramSize is the number of nodes and edges of the line's compiled diagram.
func (l *Line) DiagramSize() (nodes, edges int) { return l.d.Nodes(), l.d.Edges() }
