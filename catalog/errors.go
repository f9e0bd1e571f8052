package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. The web layer maps them to statuses with errors.Is.
var (
	// ErrMistyped: a reorder code with a bad character, a bad length or a wrong check
	// character; the shopper most likely mistyped it (404 "looks mistyped").
	ErrMistyped = errors.New("this code looks mistyped: please check it and try again")
	// ErrUnknownCode: a well-formed code that names no product of its catalog version (404).
	ErrUnknownCode = errors.New("no product has this code")
	// ErrUnknownVersion: a well-formed code from a catalog version this store does not know (404).
	ErrUnknownVersion = errors.New("this code comes from a catalog version we no longer know")
	// ErrUnknownLine: a product line id that the catalog does not have (422 / 404).
	ErrUnknownLine = errors.New("unknown product line")
	// ErrUnknownDimension: a dimension id that the line does not have (422).
	ErrUnknownDimension = errors.New("unknown dimension")
	// ErrUnknownOption: an option id that the dimension does not have (422).
	ErrUnknownOption = errors.New("unknown option")
	// ErrIncomplete: a selection that leaves a single-choice dimension unchosen or picks
	// twice in one (422).
	ErrIncomplete = errors.New("incomplete selection")
	// ErrConflict: a selection that breaks a rule; returned wrapped in *ConflictError (409).
	ErrConflict = errors.New("these choices do not go together")
	// ErrNoVariant: the profile's hard rules (e.g. vegan, pregnant) leave no valid product
	// in the line (422).
	ErrNoVariant = errors.New("no product in this line fits your needs")
	// ErrVersionReused: a catalog whose version is already known with other content; its
	// reorder codes would decode to other products, so it is refused (the owner bumps the
	// version).
	ErrVersionReused = errors.New("this catalog version is already known with different content")
)

// Problem is one mistake in a catalog definition.
type Problem struct {
	Line    int    `json:"line"`    // line in the YAML file, 0 when unknown
	Path    string `json:"path"`    // e.g. "shampoo › actives › retinol"
	Message string `json:"message"` // what is wrong, for the store owner
}

// String renders "line 12: shampoo › actives: message".
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// DefinitionError lists every problem found while loading a catalog definition.
type DefinitionError struct {
	Problems []Problem
}

// Error lists all problems, one a line.
func (e *DefinitionError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid catalog (%d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("):")
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// SelectionError names the dimension or option a selection got wrong. It wraps
// ErrUnknownDimension, ErrUnknownOption or ErrIncomplete.
type SelectionError struct {
	Err       error  `json:"-"`
	Dimension string `json:"dimension"`
	Option    string `json:"option,omitempty"`
	Message   string `json:"message"`
}

// Error is the message for the shopper.
func (e *SelectionError) Error() string { return e.Message }

// Unwrap returns the sentinel.
func (e *SelectionError) Unwrap() error { return e.Err }

// Conflict is one broken rule, in words.
type Conflict struct {
	Dimension string   `json:"dimension,omitempty"` // the dimension most concerned, if any
	Options   []string `json:"options,omitempty"`   // option ids involved
	Message   string   `json:"message"`             // e.g. "Retinol can't be combined with Vitamin C"
}

// ConflictError is returned when requested choices break rules. Suggestion, when not nil,
// is the nearest valid product that keeps the requested change (see Line.Customize).
type ConflictError struct {
	Conflicts  []Conflict
	Suggestion *Product
}

// Error joins the conflicts.
func (e *ConflictError) Error() string {
	msgs := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		msgs[i] = c.Message
	}
	if len(msgs) == 0 {
		return ErrConflict.Error()
	}
	return ErrConflict.Error() + ": " + strings.Join(msgs, "; ")
}

// Unwrap returns ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }
