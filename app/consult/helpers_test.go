package consult_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/questionnaire"
)

var (
	questionIDRe = regexp.MustCompile(`name="question_id" value="([^"]+)"`)
	resumeLinkRe = regexp.MustCompile(`id="resume-link" value="([^"]+)"`)
)

// pick is the answer a test shopper gives: overrides by question id, else the first option,
// the lowest value, or a name.
func pick(q *questionnaire.Question, overrides map[string][]string) []string {
	if v, ok := overrides[q.ID]; ok {
		return v
	}
	switch q.Kind {
	case questionnaire.KindSingle, questionnaire.KindLocation:
		return []string{q.Options[0].Value}
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
		if q.Min != nil {
			return []string{strconv.FormatFloat(*q.Min, 'f', -1, 64)}
		}
		return []string{"1"}
	}
	return []string{"Maya"}
}

// shownQuestion returns the id of the question a page asks, "" on the result page.
func shownQuestion(t testing.TB, page string) string {
	t.Helper()
	if m := questionIDRe.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	if !strings.Contains(page, "See your products") {
		t.Fatalf("page is neither a question nor the result:\n%s", page)
	}
	return ""
}

// start begins a consultation through the pages and returns its id.
func start(t testing.TB, c *apptest.Client) string {
	t.Helper()
	if r := c.Get("/quiz"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `action="/quiz"`) {
		t.Fatalf("GET /quiz: %d\n%s", r.StatusCode, r.Body)
	}
	r := c.PostForm("/quiz", nil)
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/quiz/") {
		t.Fatalf("POST /quiz: %d %s\n%s", r.StatusCode, r.Location(), r.Body)
	}
	return strings.TrimPrefix(r.Location(), "/quiz/")
}

// answerPage posts one answer through the form and checks the redirect back to the quiz.
func answerPage(t testing.TB, c *apptest.Client, id, qid string, values []string) {
	t.Helper()
	r := c.PostForm("/quiz/"+id+"/answer", url.Values{"question_id": {qid}, "value": values})
	if r.StatusCode != http.StatusSeeOther || r.Location() != "/quiz/"+id {
		t.Fatalf("answer %s=%v: %d %s\n%s", qid, values, r.StatusCode, r.Location(), r.Body)
	}
}

// walkPages answers every question shown until the result page and returns the ids in order
// and the result page.
func walkPages(t testing.TB, s *apptest.Store, c *apptest.Client, id string, overrides map[string][]string, visit func(qid, page string)) ([]string, string) {
	t.Helper()
	var seen []string
	for range 100 {
		r := c.Get("/quiz/" + id)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET /quiz/%s: %d\n%s", id, r.StatusCode, r.Body)
		}
		qid := shownQuestion(t, r.Body)
		if qid == "" {
			return seen, r.Body
		}
		if visit != nil {
			visit(qid, r.Body)
		}
		seen = append(seen, qid)
		answerPage(t, c, id, qid, pick(s.Deps.QuizCurrent.Question(qid), overrides))
	}
	t.Fatal("the quiz did not end within 100 questions")
	return nil, ""
}

// text strips tags and decodes entities, for checks on what a person reads.
func text(page string) string {
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, " "))
}

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
