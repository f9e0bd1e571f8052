package products_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/catalog"
	"atelier/questionnaire"
)

// answer is the answer a test shopper gives: overrides by question id, else the first option,
// the lowest value, or the name Maya.
func answer(q *questionnaire.Question, overrides map[string]any) any {
	if v, ok := overrides[q.ID]; ok {
		return v
	}
	switch q.Kind {
	case questionnaire.KindSingle, questionnaire.KindLocation:
		return q.Options[0].Value
	case questionnaire.KindMulti:
		n := 1
		if q.Min != nil && int(*q.Min) > 1 {
			n = int(*q.Min)
		}
		var out []string
		for _, o := range q.Options[:n] {
			out = append(out, o.Value)
		}
		return out
	case questionnaire.KindScale, questionnaire.KindNumber:
		return *q.Min
	}
	return "Maya"
}

// startQuiz begins a consultation through the quiz API and returns its id.
func startQuiz(t testing.TB, c *apptest.Client) string {
	t.Helper()
	r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions", nil)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create consultation: %d %s", r.StatusCode, r.Body)
	}
	var out struct{ ID string }
	r.JSON(t, &out)
	return out.ID
}

// completeQuiz answers a consultation through the quiz API, walking the engine's Next question
// and giving answer() for each, and returns its id.
func completeQuiz(t testing.TB, c *apptest.Client, overrides map[string]any) string {
	t.Helper()
	id := startQuiz(t, c)
	quiz := questionnaire.Default()
	answers := questionnaire.Answers{}
	for st := quiz.State(answers); !st.Done; st = quiz.State(answers) {
		v := answer(st.Next, overrides)
		r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions/"+id+"/answers", map[string]any{"question_id": st.Next.ID, "value": v})
		if r.StatusCode != http.StatusOK {
			t.Fatalf("answer %s=%v: %d %s", st.Next.ID, v, r.StatusCode, r.Body)
		}
		var err error
		if answers, err = quiz.Answer(answers, st.Next.ID, v); err != nil {
			t.Fatalf("engine refused %s=%v: %v", st.Next.ID, v, err)
		}
	}
	return id
}

// both asks for a shampoo, a conditioner and a serum.
var both = map[string]any{"focus": "both", "hair_lines": []string{"shampoo", "conditioner"}, "skin_lines": []string{"serum"}}

// conflicting finds, on the best product of line for an empty profile, an option that is
// greyed out and whose choice yields a conflict with a suggestion: the product, the dimension
// and the option.
func conflicting(t testing.TB, reg *catalog.Registry, lineID string) (catalog.Product, string, string) {
	t.Helper()
	line, err := reg.Current().Line(lineID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := line.Best(catalog.Profile{})
	if err != nil {
		t.Fatal(err)
	}
	av, err := line.Availability(p.Selection(), catalog.Profile{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range av {
		if d.Pick {
			continue
		}
		for _, o := range d.Options {
			if o.Available {
				continue
			}
			_, err := line.Customize(p.Selection(), catalog.Selection{d.Dimension: {o.Option}}, catalog.Profile{})
			var ce *catalog.ConflictError
			if errors.As(err, &ce) && ce.Suggestion != nil {
				return p, d.Dimension, o.Option
			}
		}
	}
	t.Fatalf("line %s: no greyed-out option with a suggestion", lineID)
	return p, "", ""
}

// available finds a single-choice option that is not chosen yet and can be chosen.
func available(t testing.TB, reg *catalog.Registry, p catalog.Product) (string, string) {
	t.Helper()
	line, _ := reg.Current().Line(p.Line)
	av, err := line.Availability(p.Selection(), catalog.Profile{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range av {
		for _, o := range d.Options {
			if !d.Pick && o.Available && !o.Selected {
				return d.Dimension, o.Option
			}
		}
	}
	t.Fatal("no free option")
	return "", ""
}

// mistyped changes the last-but-one symbol of a code, so the check character no longer fits.
func mistyped(code string) string {
	b := []byte(code)
	i := len(b) - 2
	if b[i] == '7' {
		b[i] = '8'
	} else {
		b[i] = '7'
	}
	return string(b)
}

func contains(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q", w)
		}
	}
}
