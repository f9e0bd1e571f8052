package questionnaire

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownQuestion is returned when an answer names a question the quiz does not have.
var ErrUnknownQuestion = errors.New("questionnaire: no such question")

// ErrNotShown is returned when an answer is given to a question this person is not being shown
// now: a question hidden by their earlier answers, or one they have not reached yet. Only the
// next question and questions already on their path may be answered. The web layer maps it to 409.
var ErrNotShown = errors.New("questionnaire: that question is not being asked right now")

// ErrNotFound is returned by the Store when a response (or a resume token, or a definition
// version) does not exist, or belongs to another owner.
var ErrNotFound = errors.New("questionnaire: not found")

// ErrConflict is returned by Store.Save when the response changed since it was read.
var ErrConflict = errors.New("questionnaire: the response was changed elsewhere; reload it")

// AnswerError says why a value is not a valid answer to a question; its Message is meant for the
// shopper. The web layer maps it to 422.
type AnswerError struct {
	QuestionID string
	Message    string
}

func (e *AnswerError) Error() string { return e.Message }

func answerErr(id, format string, args ...any) *AnswerError {
	return &AnswerError{QuestionID: id, Message: fmt.Sprintf(format, args...)}
}

// Problem is one thing wrong with a quiz definition.
type Problem struct {
	Line     int    // 1-based line in the definition file; 0 when unknown
	Question string // question id, "" for problems outside a question
	Message  string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Question != "" {
		fmt.Fprintf(&b, "question %q: ", p.Question)
	}
	b.WriteString(p.Message)
	return b.String()
}

// DefinitionError lists every problem found in a quiz definition, in file order.
type DefinitionError struct {
	Problems []Problem
}

func (e *DefinitionError) Error() string {
	if len(e.Problems) == 1 {
		return "quiz definition: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "quiz definition: %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}
