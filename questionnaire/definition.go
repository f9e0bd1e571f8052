// Package questionnaire holds the beauty quiz: its definition format (YAML, edited by the store
// owner), the loader that validates a definition, the pure engine that turns answers into the
// next question, progress and a Profile, and the persistence of quiz responses.
//
// The engine does no I/O: a compiled *Quiz is immutable and safe for concurrent use.
package questionnaire

import (
	"github.com/expr-lang/expr/vm"
)

// Kind is the kind of a question: how it is asked and what value it accepts.
type Kind string

// The question kinds. The value each accepts is described on Answers.
const (
	KindSingle   Kind = "single"   // one option value (string)
	KindMulti    Kind = "multi"    // several option values ([]string), between Min and Max picks
	KindScale    Kind = "scale"    // a number on a short scale (float64), Min..Max by Step
	KindNumber   Kind = "number"   // a number (float64), optionally bounded, with a Unit
	KindText     Kind = "text"     // short free text (string), at most MaxLength characters
	KindLocation Kind = "location" // a climate option value, or a postal code mapped to one
)

func (k Kind) valid() bool {
	switch k {
	case KindSingle, KindMulti, KindScale, KindNumber, KindText, KindLocation:
		return true
	}
	return false
}

// Quiz is a compiled, validated quiz definition. It is read-only after Load and safe for
// concurrent use; the *Question and Option values it hands out must not be modified.
type Quiz struct {
	Version  string    // the definition's version, e.g. "2026-11-1"; responses are pinned to it
	Title    string    // shown above the quiz
	Sections []Section // in order

	questions []*Question
	byID      map[string]*Question
	source    []byte // the YAML this quiz was loaded from, stored with responses' versions

	// sizes used to presize the per-step maps, so allocations do not grow with answers
	traitKeys, flagKeys, concernKeys, evidenceKeys, traitValues int
	envPool                                                     pool
	boxConcerns                                                 bool // some condition reads concerns
}

// Section groups questions under a heading.
type Section struct {
	ID        string      `json:"id"`
	Title     string      `json:"title"`
	Questions []*Question `json:"-"`
}

// Question is one question of the quiz. The JSON shape is what the web layer may send to a
// browser: effects on the profile and the condition are left out.
type Question struct {
	ID        string   `json:"id"`
	Section   string   `json:"section"`
	Kind      Kind     `json:"kind"`
	Prompt    string   `json:"prompt"`
	Help      string   `json:"help,omitempty"`
	Required  bool     `json:"required"`
	Options   []Option `json:"options,omitempty"`
	Min       *float64 `json:"min,omitempty"`  // picks for multi; lowest value for scale/number
	Max       *float64 `json:"max,omitempty"`  // picks for multi; highest value for scale/number
	Step      *float64 `json:"step,omitempty"` // scale/number granularity
	Unit      string   `json:"unit,omitempty"`
	MaxLength int      `json:"max_length,omitempty"` // text: characters (runes)
	LowLabel  string   `json:"low_label,omitempty"`  // scale: words for Min
	HighLabel string   `json:"high_label,omitempty"` // scale: words for Max
	// Placeholder is a hint shown inside an empty text or location field.
	Placeholder string `json:"placeholder,omitempty"`

	ShowIf   string `json:"-"` // expr-lang boolean condition; "" means always shown
	Trait    string `json:"-"` // target of a scale/number/text/location answer (see docs/QUIZ.md)
	Bands    []Band `json:"-"` // number/scale → trait value bands
	Evidence string `json:"-"` // phrase for scale/number/text/location; {value}, {label}, {max}
	Line     int    `json:"-"` // line of the question in the definition file

	index       int
	ansKey      string // "answers.ID", the flat variable of this answer
	answeredKey string // "answered.ID"
	program     *vm.Program
	deps        []int // indexes of earlier questions the condition may depend on
	target      target
	optIndex    map[string]int
	phrases     []string // scale: the evidence phrase for each step, built once
	stub        bool     // failed to decode: only its id and line are known (Load fails)
}

// Option is one choice of a single, multi or location question.
type Option struct {
	Value    string              `json:"value"`
	Label    string              `json:"label"`
	Help     string              `json:"help,omitempty"`
	Traits   map[string][]string `json:"-"`
	Flags    map[string]bool     `json:"-"`
	Concerns map[string]float64  `json:"-"`
	Evidence string              `json:"-"` // "you said …"; generated from prompt and label when empty

	postalEvidence string // location: evidence when a postal code picked this option

	traitList   []kv // Traits flattened in a stable order, so profile building does not range maps
	flagList    []flagKV
	concernList []concernKV
}

// Band maps a range of a number or scale answer to a trait value: the first band whose Below
// is greater than the answer wins; a band without Below catches the rest.
type Band struct {
	Below *float64
	Value string

	ev string
}

// Effects flattened in a stable order with their evidence keys built once, so that applying an
// answer neither ranges over maps nor concatenates strings.
type kv struct{ key, value, ev string }
type flagKV struct {
	key   string
	value bool
	ev    string
	v     string // flat variable
}
type concernKV struct {
	key    string
	weight float64
	ev     string
	v      string // flat variable
}

// targetKind says what a scale/number/text/location answer sets.
type targetKind int

const (
	targetNone    targetKind = iota
	targetName               // Profile.Name
	targetConcern            // a concern weight, scaled from Min..Max to 0..1
	targetTrait              // a trait value: through Bands (number/scale) or the option (location)
)

type target struct {
	kind targetKind
	key  string
	ev   string // evidence key for a concern target
}

// Questions returns every question of the quiz in order. The slice is shared: do not modify it.
func (q *Quiz) Questions() []*Question { return q.questions }

// Question returns the question with the given id, or nil.
func (q *Quiz) Question(id string) *Question { return q.byID[id] }

// Source returns the definition text the quiz was loaded from.
func (q *Quiz) Source() []byte { return q.source }

// Option returns the option with the given value, or nil.
func (qu *Question) Option(value string) *Option {
	if i, ok := qu.optIndex[value]; ok {
		return &qu.Options[i]
	}
	return nil
}
