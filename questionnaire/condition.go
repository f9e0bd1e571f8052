package questionnaire

import (
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// env is what show_if conditions read, plus per-step scratch; it is pooled so that a step
// allocates the same whatever the number of answers.
//
// Conditions are written against answers.ID, traits.KEY, flags.KEY, concerns.KEY and
// answered("ID"). flatPatch rewrites each of those into one flat variable ("answers.hair_type")
// of vars, a map[string]any: expr reads such variables with a plain map lookup, whereas reading
// a key of a nested map goes through reflection and allocates on every hit.
type env struct {
	vars     map[string]any       // flat variables read by conditions
	Traits   map[string]*[]string // trait values of visible answers; the pointers are in vars
	Flags    map[string]bool      // flags of visible answers
	Concerns map[string]float64   // summed concern weights of visible answers (not clamped)
	evidence map[string]string
	name     string
	status   []status
	set      []*Question // questions whose flat variables were set since the last reset
	machine  vm.VM

	quiz *Quiz
}

// Scopes a condition can read, and the functions it can call.
const (
	scopeAnswers  = "answers"
	scopeTraits   = "traits"
	scopeFlags    = "flags"
	scopeConcerns = "concerns"
	scopeAnswered = "answered"
)

// Flat variable names, built once.
var traitVar, flagVar, concernVar = varNames(scopeTraits, sortedKeys(TraitVocabulary)), varNames(scopeFlags, FlagVocabulary), varNames(scopeConcerns, ConcernVocabulary)

func varNames(scope string, keys []string) map[string]string {
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[k] = scope + "." + k
	}
	return m
}

// has(list, x) is true when list (a multi answer or a trait) contains x, or when list is the
// single answer x; an unanswered (nil) list contains nothing.
func has(params ...any) (any, error) {
	x, _ := params[1].(string)
	switch list := params[0].(type) {
	case *[]string:
		return list != nil && contains(*list, x), nil
	case []string:
		return contains(list, x), nil
	case []any:
		for _, v := range list {
			if v == x {
				return true, nil
			}
		}
	case string:
		return list == x, nil
	}
	return false, nil
}

// flatPatch rewrites scope.KEY and answered("ID") into flat variables (see env).
type flatPatch struct{}

func (flatPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.MemberNode:
		if r, _, ok := refOf(n); ok {
			ast.Patch(node, &ast.IdentifierNode{Value: r.scope + "." + r.key})
		}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok || id.Value != "answered" || len(n.Arguments) != 1 {
			return
		}
		if s, ok := n.Arguments[0].(*ast.StringNode); ok {
			ast.Patch(node, &ast.IdentifierNode{Value: scopeAnswered + "." + s.Value})
		}
	}
}

// declared is the compile-time environment: every flat variable a condition may read.
func (q *Quiz) declared() map[string]any {
	m := map[string]any{}
	for _, qu := range q.questions {
		m[qu.ansKey] = nil // any type: string, []string or nil
		if qu.Kind == KindScale || qu.Kind == KindNumber {
			m[qu.ansKey] = 0.0 // so that answers.age >= 40 type-checks; nil at run time fails → false
		}
		m[qu.answeredKey] = false
	}
	for _, k := range traitVar {
		m[k] = nil // *[]string at run time: use has()
	}
	for _, k := range flagVar {
		m[k] = false
	}
	for _, k := range concernVar {
		m[k] = 0.0
	}
	return m
}

func compileCondition(src string, declared map[string]any) (*vm.Program, error) {
	return expr.Compile(src,
		expr.Env(declared),
		expr.AsBool(),
		expr.Function("has", has, new(func(any, string) bool)),
		expr.Patch(flatPatch{}),
	)
}

// ref is a constant access to a scope: answers.hair_type, traits["lines"], answered("x").
type ref struct {
	scope, key string
}

// comparison is a ref compared with a string constant (==, !=, in, has).
type comparison struct {
	ref
	value string
}

// condInfo is what static analysis learns from a condition.
type condInfo struct {
	refs        []ref
	dynamic     map[string]bool // scopes read in a way we cannot follow (e.g. answers[x])
	comparisons []comparison
	numbers     []float64
	strings     []string
}

type analyzer struct {
	info     condInfo
	idents   []*ast.IdentifierNode
	consumed map[*ast.IdentifierNode]bool
}

func refOf(n ast.Node) (ref, *ast.IdentifierNode, bool) {
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return ref{}, nil, false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	if !ok || !isScope(id.Value) {
		return ref{}, nil, false
	}
	key, ok := m.Property.(*ast.StringNode)
	if !ok {
		return ref{}, nil, false
	}
	return ref{id.Value, key.Value}, id, true
}

func isScope(s string) bool {
	return s == scopeAnswers || s == scopeTraits || s == scopeFlags || s == scopeConcerns
}

func (a *analyzer) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if isScope(n.Value) {
			a.idents = append(a.idents, n)
		}
	case *ast.IntegerNode:
		a.info.numbers = append(a.info.numbers, float64(n.Value))
	case *ast.FloatNode:
		a.info.numbers = append(a.info.numbers, n.Value)
	case *ast.StringNode:
		a.info.strings = append(a.info.strings, n.Value)
	case *ast.MemberNode:
		if r, id, ok := refOf(n); ok {
			a.info.refs = append(a.info.refs, r)
			a.consumed[id] = true
		}
	case *ast.CallNode:
		callee, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return
		}
		switch callee.Value {
		case "answered":
			if len(n.Arguments) == 1 {
				if s, ok := n.Arguments[0].(*ast.StringNode); ok {
					a.info.refs = append(a.info.refs, ref{scopeAnswers, s.Value})
					return
				}
			}
			a.info.dynamic["answered()"] = true
		case "has":
			if len(n.Arguments) == 2 {
				a.compare(n.Arguments[0], n.Arguments[1])
			}
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "==", "!=":
			a.compare(n.Left, n.Right)
			a.compare(n.Right, n.Left)
		case "in", "not in":
			a.compare(n.Right, n.Left)
			if arr, ok := n.Right.(*ast.ArrayNode); ok {
				for _, el := range arr.Nodes {
					a.compare(n.Left, el)
				}
			}
		}
	}
}

func (a *analyzer) compare(refNode, valueNode ast.Node) {
	r, _, ok := refOf(refNode)
	if !ok {
		return
	}
	if s, ok := valueNode.(*ast.StringNode); ok {
		a.info.comparisons = append(a.info.comparisons, comparison{r, s.Value})
	}
}

// analyzeCondition parses src (it must already compile) and reports what it reads.
func analyzeCondition(src string) condInfo {
	a := &analyzer{consumed: map[*ast.IdentifierNode]bool{}}
	a.info.dynamic = map[string]bool{}
	tree, err := parser.Parse(src)
	if err != nil {
		return a.info
	}
	ast.Walk(&tree.Node, a)
	for _, id := range a.idents {
		if !a.consumed[id] {
			a.info.dynamic[id.Value] = true
		}
	}
	return a.info
}

// conditionError shortens expr's multi-line compile errors to their first line plus the caret.
func conditionError(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}
