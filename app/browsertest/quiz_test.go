package browsertest_test

import (
	"fmt"
	"regexp"
	"strings"
)

// question is what the current consultation page asks, read from the page.
type question struct {
	ID      string   `json:"id"`      // the hidden question_id
	Prompt  string   `json:"prompt"`  // the legend's text
	Control string   `json:"control"` // radio, checkbox, number or text
	Values  []string `json:"values"`  // the choices' values, in page order
	Checked []string `json:"checked"` // the values already chosen
	Min     string   `json:"min"`     // a number's minimum, if any
}

// readQuestion reads the question on the page, or returns ok=false when the page is not a
// question (the result page, say).
func readQuestion(tab *Tab) (q question, ok bool) {
	tab.t.Helper()
	raw := Eval[*question](tab, `(() => {
		const f = document.querySelector("form[data-quiz-form]");
		if (!f) return null;
		const inputs = [...f.querySelectorAll("input[name=value]")];
		const choice = inputs.filter(i => i.type === "radio" || i.type === "checkbox");
		const first = inputs[0];
		return {
			id: f.querySelector("input[name=question_id]").value,
			prompt: f.querySelector("legend").innerText.trim(),
			control: choice.length ? choice[0].type : (first ? first.type : ""),
			values: choice.map(i => i.value),
			checked: choice.filter(i => i.checked).map(i => i.value),
			min: first && first.min || "",
		};
	})()`)
	if raw == nil {
		return question{}, false
	}
	return *raw, true
}

// quizPreferences are the answers the journey gives where it matters: hair care, one shampoo,
// vegan (so some customisation options are greyed out with a reason) and a name on the label.
var quizPreferences = map[string][]string{
	"focus":      {"hair"},
	"hair_lines": {"shampoo"},
	"values":     {"vegan"},
	"fragrance":  {"citrus"},
	"name":       {"Ada"},
}

// answerByClicking picks an answer with the mouse (a preferred one, else the first choice,
// unless one is already chosen) and returns the chosen values.
func answerByClicking(tab *Tab, q question) []string {
	tab.t.Helper()
	want := quizPreferences[q.ID]
	switch q.Control {
	case "radio", "checkbox":
		if len(want) == 0 && len(q.Checked) > 0 {
			return q.Checked
		}
		if len(want) == 0 {
			want = q.Values[:1]
		}
		for _, v := range want {
			if contains(q.Checked, v) {
				continue
			}
			tab.Click(fmt.Sprintf(`form[data-quiz-form] label:has(> input[name=value][value=%q])`, v))
		}
		return want
	case "number":
		v := q.Min
		if v == "" {
			v = "1"
		}
		tab.Fill("form[data-quiz-form] input[name=value]", v)
		return []string{v}
	default:
		v := "Ada"
		if len(want) > 0 {
			v = want[0]
		}
		tab.Fill("form[data-quiz-form] input[name=value]", v)
		return []string{v}
	}
}

// finishQuiz answers every remaining question by clicking until the result page shows.
func finishQuiz(tab *Tab) {
	tab.t.Helper()
	for range 60 {
		q, ok := readQuestion(tab)
		if !ok {
			tab.WaitVisible(".quiz-result")
			return
		}
		answerByClicking(tab, q)
		tab.Follow("form[data-quiz-form] [data-quiz-continue]")
		if p, ok := readQuestion(tab); ok && p.ID == q.ID {
			tab.fail("question %s (%q) did not accept the answer", q.ID, q.Prompt)
		}
	}
	tab.fail("the consultation did not end within 60 questions")
}

var quizPath = regexp.MustCompile(`^/quiz/([^/?]+)`)

// quizID is the consultation id in the tab's address.
func quizID(tab *Tab) string {
	tab.t.Helper()
	m := quizPath.FindStringSubmatch(tab.Path())
	if m == nil || m[1] == "resume" {
		tab.fail("not on a consultation page")
	}
	return m[1]
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, v := range a {
		if !contains(b, v) {
			return false
		}
	}
	return true
}

// quote is for messages.
func quote(list []string) string { return `"` + strings.Join(list, `", "`) + `"` }
