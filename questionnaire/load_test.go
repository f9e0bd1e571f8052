package questionnaire

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultLoads(t *testing.T) {
	q := Default()
	if q.Version == "" || len(q.Questions()) < 15 {
		t.Fatalf("default quiz: version %q, %d questions", q.Version, len(q.Questions()))
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quiz.yaml")
	if err := os.WriteFile(path, []byte(tinyQuiz), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path + ".missing"); err == nil {
		t.Fatal("no error for a missing file")
	}
}

// quiz builds a definition from question blocks; the first question starts on line 7.
func quiz(questions ...string) string {
	return "version: \"v\"\ntitle: \"T\"\nsections:\n  - id: s\n    title: S\n    questions:\n" + strings.Join(questions, "")
}

const qFocus = `      - id: focus
        kind: single
        prompt: "Focus?"
        options:
          - {value: hair, label: Hair, traits: {focus: hair}}
          - {value: skin, label: Skin, traits: {focus: skin}}
`

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		line     int
		question string
		msg      string
	}{
		{"syntax", "version: [\n", 1, "", "did not find expected node content"},
		{"missing version", "title: T\nsections: []\n", 1, "", `"version" is missing`},
		{"unknown field", quiz(qFocus + "      - id: b\n        kind: text\n        prompt: P\n        show-if: 'true'\n"), 16, "b", `unknown field "show-if"`},
		{"duplicate id", quiz(qFocus, qFocus), 13, "focus", "already used by the question on line 7"},
		{"unknown kind", quiz("      - id: a\n        kind: slider\n        prompt: P\n"), 8, "a", `unknown kind "slider"`},
		{"options missing", quiz("      - id: a\n        kind: single\n        prompt: P\n"), 7, "a", "needs options"},
		{"min greater than max", quiz("      - id: a\n        kind: scale\n        prompt: P\n        min: 5\n        max: 1\n"), 10, "a", "must be less than max"},
		{"multi min > max", quiz("      - id: a\n        kind: multi\n        prompt: P\n        min: 2\n        max: 1\n        options: [{value: x, label: X}, {value: y, label: Y}]\n"), 10, "a", "greater than max"},
		{"bad trait key", quiz("      - id: a\n        kind: single\n        prompt: P\n        options:\n          - {value: x, label: X, traits: {hair_tpye: curly}}\n"), 11, "a", `unknown trait "hair_tpye"`},
		{"bad trait value", quiz("      - id: a\n        kind: single\n        prompt: P\n        options:\n          - {value: x, label: X, traits: {hair_type: bald}}\n"), 11, "a", `not one of straight`},
		{"bad flag", quiz("      - id: a\n        kind: single\n        prompt: P\n        options:\n          - {value: x, label: X, flags: {keto: true}}\n"), 11, "a", `unknown flag "keto"`},
		{"bad target", quiz("      - id: a\n        kind: scale\n        prompt: P\n        min: 1\n        max: 5\n        trait: concern.sadness\n"), 12, "a", "unknown trait target"},
		{"show_if does not compile", quiz(qFocus + "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answers.focus =='\n"), 16, "b", "does not compile"},
		{"unknown question", quiz(qFocus + "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answers.fcous == \"hair\"'\n"), 16, "b", `unknown question "fcous"`},
		{"later question", quiz("      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answered(\"focus\")'\n", qFocus), 10, "b", "not asked before this one"},
		{"self reference", quiz(qFocus + "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answers.b == \"x\"'\n"), 16, "b", "not asked before this one"},
		{"no such option", quiz(qFocus + "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answers.focus == \"nails\"'\n"), 16, "b", "only offers hair, skin"},
		{"trait never set", quiz(qFocus + "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'has(traits.lines, \"serum\")'\n"), 16, "b", "no earlier question sets it"},
		{"never shown", quiz(qFocus + "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answers.focus == \"hair\" && answers.focus == \"skin\"'\n"), 16, "b", "can never be shown"},
		{"dynamic access", quiz(qFocus + "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answers[\"fo\" + \"cus\"] == \"hair\"'\n"), 16, "b", "must name what it reads"},
		{"wrong type", quiz("      - id: a\n        kind: scale\n        prompt: P\n        min: lots\n        max: 5\n"), 10, "a", "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]byte(tt.src))
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DefinitionError", err)
			}
			for _, p := range de.Problems {
				if p.Line == tt.line && p.Question == tt.question && strings.Contains(p.Message, tt.msg) {
					return
				}
			}
			t.Fatalf("no problem on line %d for %q containing %q in:\n%v", tt.line, tt.question, tt.msg, err)
		})
	}
}

func TestLoadReportsAllProblems(t *testing.T) {
	_, err := Load([]byte(quiz(
		"      - id: a\n        kind: slider\n        prompt: P\n",
		"      - id: b\n        kind: single\n        prompt: P\n")))
	var de *DefinitionError
	if !errors.As(err, &de) || len(de.Problems) != 2 {
		t.Fatalf("want 2 problems, got %v", err)
	}
	if !strings.Contains(de.Error(), "2 problems") || !strings.Contains(de.Error(), "line 8") {
		t.Errorf("Error() = %q", de.Error())
	}
}

// TestLoadReportsEveryProblem: a duplicate id, a question that cannot be decoded or a broken
// question does not hide the problems of the other questions' conditions (docs/QUIZ.md
// promises every problem at once).
func TestLoadReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		wants []string
	}{
		{"duplicate id", quiz(qFocus, qFocus, "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answers.focus == \"nails\"'\n"),
			[]string{"line 13: question \"focus\": id is already used", `only offers hair, skin`}},
		{"broken question", quiz(qFocus, "      - id: a\n        kind: slider\n        prompt: P\n", "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answers.fcous == \"hair\"'\n"),
			[]string{`unknown kind "slider"`, `unknown question "fcous"`}},
		{"undecodable question", quiz(qFocus, "      - id: a\n        kind: scale\n        prompt: P\n        min: lots\n        max: 5\n", "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answered(\"a\") && answers.focus == \"nails\"'\n"),
			[]string{"cannot unmarshal", `only offers hair, skin`}},
		{"unknown field", quiz(qFocus+"      - id: a\n        kind: text\n        prompt: P\n        show-if: 'true'\n", "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answers.focus == \"nails\"'\n"),
			[]string{`unknown field "show-if"`, `only offers hair, skin`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]byte(tt.src))
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v", err)
			}
			for _, want := range tt.wants {
				if !strings.Contains(de.Error(), want) {
					t.Errorf("lacks %q:\n%v", want, err)
				}
			}
			// A stub (the undecodable question) is known by its id: no "unknown question a".
			if strings.Contains(de.Error(), `unknown question "a"`) {
				t.Errorf("a question that failed to decode is reported unknown:\n%v", err)
			}
		})
	}
}
