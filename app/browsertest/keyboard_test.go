package browsertest_test

import (
	"testing"

	"github.com/chromedp/chromedp/kb"

	"atelier/app/apptest"
)

// TestQuizKeyboard takes the consultation with the keyboard only: Tab to the Begin button,
// Enter; then on each question Space picks the focused choice, Tab reaches Continue and Enter
// submits. Every control that takes the focus must show it.
func TestQuizKeyboard(t *testing.T) {
	exe := chromiumPath(t)
	s := apptest.New(t)
	b := newBrowser(t, exe, s.URL, "keyboard")
	tab := b.first
	tab.Visit("/quiz")
	tabTo(tab, `form[action="/quiz"] button[type=submit]`)
	tab.KeyNavigate(kb.Enter)

	const questions = 5
	prev := ""
	for i := range questions {
		q, ok := readQuestion(tab)
		if !ok {
			tab.fail("question %d is not on the page", i+1)
		}
		if q.ID == prev {
			tab.fail("Enter on Continue did not move past question %q", q.Prompt)
		}
		prev = q.ID
		switch q.Control {
		case "radio", "checkbox":
			// The first choice has the focus when the page opens; Space picks it. (Chrome
			// draws :focus-visible on an autofocused radio only after the first key press.)
			if Eval[string](tab, `document.activeElement.name`) != "value" {
				tab.fail("question %q opened with the focus on %s, want its first choice", q.Prompt, describeFocus(tab))
			}
			tab.Key(" ")
			if !Eval[bool](tab, `document.activeElement.checked`) {
				tab.fail("Space did not pick the focused choice of %q", q.Prompt)
			}
			focusShown(tab)
		default:
			tab.Key("Ada")
		}
		tabTo(tab, "form[data-quiz-form] [data-quiz-continue]")
		tab.KeyNavigate(kb.Enter)
	}
	if q, ok := readQuestion(tab); !ok || q.ID == prev {
		tab.fail("the last Enter did not move on from %q", prev)
	}
}

// tabTo presses Tab until sel has the focus (at most 40 times), checking that each control
// the focus lands on shows it.
func tabTo(tab *Tab, sel string) {
	tab.t.Helper()
	for range 40 {
		tab.Key(kb.Tab)
		r := Eval[focusReport](tab, `(() => {
			const at = document.activeElement && document.activeElement.matches(`+jsString(sel)+`);
			return {problem: (`+focusProblemJS+`)(), at: !!at};
		})()`)
		if r.Problem != "" {
			tab.fail("%s: %s", describeFocus(tab), r.Problem)
		}
		if r.At {
			return
		}
	}
	tab.fail("40 presses of Tab never reached %s", sel)
}

type focusReport struct {
	Problem string `json:"problem"`
	At      bool   `json:"at"`
}

// focusProblemJS is a function that says why the focused element does not show its focus:
// it must match :focus-visible, and it, or the choice around it, must draw a focus ring (an
// outline or a box shadow). It returns "" when the focus shows.
const focusProblemJS = `() => {
	const el = document.activeElement;
	if (!el || el === document.body) return "nothing has the focus";
	if (!el.matches(":focus-visible")) return "the focus is not visible (no :focus-visible)";
	const ring = e => {
		if (!e) return false;
		const s = getComputedStyle(e);
		return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || (s.boxShadow !== "" && s.boxShadow !== "none");
	};
	if (ring(el) || ring(el.closest(".choice, .quiz-scale-option, .opt, label"))) return "";
	return "the focused control draws no focus ring";
}`

// focusShown fails unless the focused element shows its focus (see focusProblemJS).
func focusShown(tab *Tab) {
	tab.t.Helper()
	if problem := Eval[string](tab, `(`+focusProblemJS+`)()`); problem != "" {
		tab.fail("%s: %s", describeFocus(tab), problem)
	}
}

// describeFocus names the focused element for messages.
func describeFocus(tab *Tab) string {
	return Eval[string](tab, `(() => {
		const el = document.activeElement;
		if (!el) return "(none)";
		let d = el.tagName.toLowerCase();
		if (el.id) d += "#" + el.id;
		if (el.name) d += "[name=" + el.name + "]";
		const text = (el.innerText || el.value || "").trim().slice(0, 40);
		return text ? d + " (" + text + ")" : d;
	})()`)
}
