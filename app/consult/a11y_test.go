package consult_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/app"
	"atelier/app/apptest"
	"atelier/questionnaire"
)

var (
	inputRe = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	attrRe  = func(name string) *regexp.Regexp { return regexp.MustCompile(`\b` + name + `="([^"]*)"`) }
	idRe    = attrRe("id")
	typeRe  = attrRe("type")
	refRe   = regexp.MustCompile(`"#/components/schemas/([^"]+)"`)
)

// checkAccessible is a plain-HTML check of a question page: one fieldset with a legend, and a
// <label for> for every visible control.
func checkAccessible(t *testing.T, name, page string) {
	t.Helper()
	if strings.Count(page, "<fieldset") != 1 || !strings.Contains(page, "<legend>") {
		t.Errorf("%s: want one fieldset with a legend", name)
	}
	controls := 0
	for _, tag := range inputRe.FindAllString(page, -1) {
		if m := typeRe.FindStringSubmatch(tag); m != nil && m[1] == "hidden" {
			continue
		}
		controls++
		m := idRe.FindStringSubmatch(tag)
		if m == nil {
			t.Errorf("%s: control without an id: %s", name, tag)
			continue
		}
		if !strings.Contains(page, `<label for="`+m[1]+`"`) && !strings.Contains(page, `for="`+m[1]+`">`) {
			t.Errorf("%s: no <label for=%q>: %s", name, m[1], tag)
		}
	}
	if controls < 2 { // the answer and the resume link at least
		t.Errorf("%s: only %d labelled controls", name, controls)
	}
	if !strings.Contains(page, `autofocus`) {
		t.Errorf("%s: no control takes the focus", name)
	}
}

func TestQuestionPagesAreLabelled(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	id := start(t, c)
	kinds := map[string]bool{}
	// Both hair and skin, high sensitivity: the longest path, with every kind the quiz uses.
	overrides := map[string][]string{"focus": {"both"}, "sensitivity": {"high"}, "skin_concerns": {"acne"}}
	seen, _ := walkPages(t, s, c, id, overrides, func(qid, page string) {
		kinds[string(s.Deps.QuizCurrent.Question(qid).Kind)] = true
		checkAccessible(t, qid, page)
	})
	t.Logf("checked %d question pages, kinds %v", len(seen), kinds)
	for _, k := range []string{"single", "multi", "scale", "text", "location"} {
		if !kinds[k] {
			t.Errorf("the path shows no %s question", k)
		}
	}
	// A page re-rendered with an error keeps its labels and ties the message to the field.
	r := c.PostForm("/quiz/"+id+"/answer", url.Values{"question_id": {"name"}, "value": {strings.Repeat("x", 30)}})
	checkAccessible(t, "name (refused)", r.Body)
}

// numberQuiz asks a number and an optional text: kinds the default quiz does not use.
const numberQuiz = `version: "test-number-1"
title: "Number test"
sections:
  - id: about
    title: "About you"
    questions:
      - id: age
        kind: number
        prompt: "How old are you?"
        min: 16
        max: 120
        step: 1
        unit: "years"
        trait: trait.age_range
        bands:
          - {below: 25, value: under_25}
          - {below: 35, value: 25_34}
          - {value: 55_plus}
      - id: nickname
        kind: text
        required: false
        prompt: "A nickname for the label?"
        max_length: 10
        trait: name
`

func TestNumberAndOptionalQuestions(t *testing.T) {
	quiz, err := questionnaire.Load([]byte(numberQuiz))
	if err != nil {
		t.Fatal(err)
	}
	s := apptest.New(t, func(d *app.Deps) { d.QuizCurrent = quiz })
	c := s.Client()
	id := start(t, c)
	page := c.Get("/quiz/" + id).Body
	checkAccessible(t, "age", page)
	for _, want := range []string{`type="number"`, `min="16"`, `max="120"`, `step="1"`, "(years)"} {
		if !strings.Contains(page, want) {
			t.Errorf("number page lacks %s", want)
		}
	}
	if r := c.PostForm("/quiz/"+id+"/answer", url.Values{"question_id": {"age"}, "value": {"12"}}); r.StatusCode != 422 || !strings.Contains(r.Body, "from 16 to 120") || !strings.Contains(r.Body, `value="12"`) {
		t.Errorf("age 12: %d", r.StatusCode)
	}
	answerPage(t, c, id, "age", []string{"30"})
	page = c.Get("/quiz/" + id).Body
	checkAccessible(t, "nickname", page)
	if !strings.Contains(page, "You may leave this one blank") {
		t.Error("the optional question does not say it may be left blank")
	}
	answerPage(t, c, id, "nickname", []string{""})
	res := text(c.Get("/quiz/" + id).Body)
	if !strings.Contains(res, "Your age:") || !strings.Contains(res, "Skipped") {
		t.Errorf("result:\n%s", res)
	}
}
