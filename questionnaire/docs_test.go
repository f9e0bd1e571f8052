package questionnaire

import (
	"strings"
	"testing"
)

// TestQuizDocExamples keeps the show_if examples of docs/QUIZ.md compiling.
func TestQuizDocExamples(t *testing.T) {
	q := Default()
	declared := q.declared()
	declared["answers.age"] = 0.0
	for _, src := range []string{
		`answers.hair_type in ["curly", "coily"]`,
		`has(answers.hair_concerns, "dryness") || has(answers.hair_concerns, "split_ends")`,
		`answers.sensitivity == "high"`,
		`has(traits.lines, "serum") && !flags.pregnant`,
		`answers.age >= 40`,
		`flags.fragrance_free != true`,
		`answered("focus") && concerns.dryness > 0.5`,
	} {
		if _, err := compileCondition(src, declared); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
	// A runtime failure (nil >= 40) counts as false.
	src := strings.Replace(tinyQuiz, "      - id: where\n", "      - id: old\n        kind: text\n        show_if: 'answers.age >= 40'\n        prompt: Old?\n      - id: where\n", 1)
	tq, err := Load([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a := answerAll(t, tq, "focus", "skin", "concerns", nil, "vegan", nil, "age", 41)
	if st := tq.State(a); st.Next.ID != "old" {
		t.Errorf("next = %s, want old", st.Next.ID)
	}
	a = answerAll(t, tq, "focus", "skin", "concerns", nil, "vegan", nil, "age", 30)
	if st := tq.State(a); st.Next.ID != "where" {
		t.Errorf("next = %s, want where", st.Next.ID)
	}
}
