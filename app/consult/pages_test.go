package consult_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/questionnaire"
)

func stored(t testing.TB, s *apptest.Store, id string) *questionnaire.Response {
	t.Helper()
	r, err := s.Deps.Quiz.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPagesWalkToResult(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	id := start(t, c)
	first := c.Get("/quiz/" + id)
	for _, want := range []string{"Question 1 of about", `role="progressbar"`, "<legend>", "Continue on another device", `data-copy="#resume-link"`} {
		if !strings.Contains(first.Body, want) {
			t.Errorf("first question page lacks %q", want)
		}
	}
	if strings.Contains(first.Body, `form="quiz-back"`) {
		t.Error("the first question offers Back")
	}
	seen, result := walkPages(t, s, c, id, map[string][]string{"hair_type": {"curly"}}, nil)
	t.Logf("walked %d questions: %v", len(seen), seen)
	if len(seen) < 15 {
		t.Errorf("only %d questions on the hair path", len(seen))
	}
	r := stored(t, s, id)
	if !r.Completed() {
		t.Fatal("the response is not completed after the walk")
	}
	st := s.Deps.QuizCurrent.State(r.Answers)
	body := text(result)
	for _, line := range st.Profile.Summary() {
		if !strings.Contains(body, line) {
			t.Errorf("result lacks summary line %q", line)
		}
	}
	for _, want := range []string{"Your hair: curly", "/quiz/" + id + "/products", "See your products", "?q=hair_type", "Maya", "/quiz/resume/" + r.ResumeToken} {
		if !strings.Contains(body, want) && !strings.Contains(result, want) {
			t.Errorf("result lacks %q", want)
		}
	}
	// Coming back to /quiz offers the products and a fresh start instead of redirecting.
	intro := c.Get("/quiz")
	if intro.StatusCode != http.StatusOK || !strings.Contains(intro.Body, "/quiz/"+id+"/products") || !strings.Contains(intro.Body, "Start again") {
		t.Errorf("GET /quiz after finishing: %d\n%s", intro.StatusCode, intro.Body)
	}
	again := c.PostForm("/quiz", nil)
	if again.StatusCode != http.StatusSeeOther || again.Location() == "/quiz/"+id {
		t.Errorf("start again: %d %s", again.StatusCode, again.Location())
	}
	// An unfinished consultation in the cookie: /quiz goes straight back to it.
	if r := c.Get("/quiz"); r.StatusCode != http.StatusSeeOther || r.Location() != again.Location() {
		t.Errorf("GET /quiz with an unfinished consultation: %d %s", r.StatusCode, r.Location())
	}
}

func TestPagesBack(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	id := start(t, c)
	var ids []string
	for range 3 {
		qid := shownQuestion(t, c.Get("/quiz/"+id).Body)
		ids = append(ids, qid)
		answerPage(t, c, id, qid, pick(s.Deps.QuizCurrent.Question(qid), nil))
	}
	now := shownQuestion(t, c.Get("/quiz/"+id).Body)
	for i := len(ids) - 1; i >= 0; i-- {
		r := c.PostForm("/quiz/"+id+"/back", url.Values{"from": {now}})
		if want := "/quiz/" + id + "?q=" + ids[i]; r.StatusCode != http.StatusSeeOther || r.Location() != want {
			t.Fatalf("back from %s: %d %s, want %s", now, r.StatusCode, r.Location(), want)
		}
		page := c.Get(r.Location())
		if got := shownQuestion(t, page.Body); got != ids[i] {
			t.Fatalf("back from %s shows %s, want %s", now, got, ids[i])
		}
		val := pick(s.Deps.QuizCurrent.Question(ids[i]), nil)[0]
		if !strings.Contains(page.Body, `value="`+val+`" checked`) {
			t.Errorf("%s: the earlier answer %q is not pre-filled", ids[i], val)
		}
		now = ids[i]
	}
	// Back remembers where the shopper is: reopening the consultation shows the first question.
	if got := shownQuestion(t, c.Get("/quiz/"+id).Body); got != ids[0] {
		t.Errorf("after going back, /quiz/%s shows %s, want %s", id, got, ids[0])
	}
	// At the first question there is nothing before it: Back stays put.
	if r := c.PostForm("/quiz/"+id+"/back", url.Values{"from": {ids[0]}}); r.StatusCode != http.StatusSeeOther || r.Location() != "/quiz/"+id {
		t.Errorf("back from the first question: %d %s", r.StatusCode, r.Location())
	}
	// Re-answering goes forward through the kept answers, in order.
	answerPage(t, c, id, ids[0], pick(s.Deps.QuizCurrent.Question(ids[0]), nil))
	if got := shownQuestion(t, c.Get("/quiz/"+id).Body); got != ids[1] {
		t.Errorf("after confirming %s, shows %s, want %s", ids[0], got, ids[1])
	}
}

func TestPagesEditDropsBranch(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	id := start(t, c)
	walkPages(t, s, c, id, map[string][]string{"hair_type": {"curly"}}, nil)
	before := stored(t, s, id).Answers
	if _, ok := before["curl_pattern"]; !ok {
		t.Fatal("curl_pattern was not asked for curly hair")
	}
	edit := c.Get("/quiz/" + id + "?q=hair_type")
	if shownQuestion(t, edit.Body) != "hair_type" || !strings.Contains(edit.Body, `value="curly" checked`) {
		t.Fatalf("editing hair_type does not show it pre-filled:\n%s", edit.Body)
	}
	if !strings.Contains(edit.Body, "Save and return to where I was") {
		t.Error("an edit with later answers kept does not offer to return")
	}
	answerPage(t, c, id, "hair_type", []string{"straight"})
	after := stored(t, s, id).Answers
	if _, ok := after["curl_pattern"]; ok {
		t.Error("curl_pattern was kept after hair_type became straight")
	}
	for k, v := range before {
		if k == "curl_pattern" || k == "hair_type" {
			continue
		}
		if _, ok := after[k]; !ok {
			t.Errorf("answer %s=%v was dropped", k, v)
		}
	}
	want, _ := s.Deps.QuizCurrent.Following(after, "hair_type")
	if got := shownQuestion(t, c.Get("/quiz/"+id).Body); got != want {
		t.Errorf("after the edit shows %s, want the following question %s", got, want)
	}
	// The hidden branch is no longer reachable by link: it forwards to the current question.
	if r := c.Get("/quiz/" + id + "?q=curl_pattern"); r.StatusCode != http.StatusSeeOther || r.Location() != "/quiz/"+id {
		t.Errorf("?q=curl_pattern after the edit: %d %s", r.StatusCode, r.Location())
	}
	// Save and return: straight to the result, the other answers kept.
	r := c.PostForm("/quiz/"+id+"/answer", url.Values{"question_id": {"hair_type"}, "value": {"wavy"}, "resume": {"1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save and return: %d", r.StatusCode)
	}
	res := c.Get("/quiz/" + id)
	if shownQuestion(t, res.Body) != "" || !strings.Contains(text(res.Body), "Your hair: wavy") {
		t.Errorf("save and return does not show the result with the new answer:\n%s", text(res.Body))
	}
}

func TestPagesResumeOnAnotherDevice(t *testing.T) {
	s := apptest.New(t)
	phone, laptop := s.Client(), s.Client()
	id := start(t, phone)
	for range 2 {
		qid := shownQuestion(t, phone.Get("/quiz/"+id).Body)
		answerPage(t, phone, id, qid, pick(s.Deps.QuizCurrent.Question(qid), nil))
	}
	page := phone.Get("/quiz/" + id)
	here := shownQuestion(t, page.Body)
	m := resumeLinkRe.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no resume link on the question page")
	}
	link, _ := url.Parse(m[1])
	if link.Host == "" || !strings.HasPrefix(link.Path, "/quiz/resume/") {
		t.Fatalf("resume link %q is not absolute", m[1])
	}
	// The link moves the consultation, and the page says so beside it.
	if !strings.Contains(text(page.Body), "this browser will no longer show it") {
		t.Errorf("the page does not say the link moves the consultation:\n%s", text(page.Body))
	}
	if r := laptop.Get("/quiz/" + id); r.StatusCode != http.StatusNotFound {
		t.Errorf("another cookie opens the consultation by id: %d", r.StatusCode)
	}
	r := laptop.Get(link.Path)
	if r.StatusCode != http.StatusSeeOther || r.Location() != "/quiz/"+id {
		t.Fatalf("resume: %d %s", r.StatusCode, r.Location())
	}
	if r := laptop.Get("/quiz"); r.StatusCode != http.StatusSeeOther || r.Location() != "/quiz/"+id {
		t.Errorf("after resuming, /quiz does not lead to the consultation: %d %s", r.StatusCode, r.Location())
	}
	if got := shownQuestion(t, laptop.Get("/quiz/"+id).Body); got != here {
		t.Errorf("resumed at %s, want %s", got, here)
	}
	if r := phone.Get("/quiz/" + id); r.StatusCode != http.StatusNotFound {
		t.Errorf("the first browser still opens the consultation it gave away: %d", r.StatusCode)
	}
	_, result := walkPages(t, s, laptop, id, nil, nil)
	if !strings.Contains(text(result), "Your hair:") {
		t.Errorf("resumed result lacks the profile summary:\n%s", text(result))
	}
	bad := laptop.Get("/quiz/resume/not-a-token")
	if bad.StatusCode != http.StatusNotFound || !strings.Contains(bad.Body, "does not open a consultation") || !strings.Contains(bad.Body, `href="/quiz"`) {
		t.Errorf("bad resume token: %d\n%s", bad.StatusCode, bad.Body)
	}
}

func TestPagesBadAnswers(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	id := start(t, c)
	walkPages(t, s, c, id, nil, nil)
	before := stored(t, s, id)
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"no pick", url.Values{"question_id": {"hair_type"}}, 422, "Please answer this question."},
		{"unknown option", url.Values{"question_id": {"hair_type"}, "value": {"curvy"}}, 422, "Please choose one of the options."},
		{"too many picks", url.Values{"question_id": {"hair_goals"}, "value": {"moisture", "volume", "smoothness", "strength"}}, 422, "Please choose at most 3."},
		{"over-long name", url.Values{"question_id": {"name"}, "value": {strings.Repeat("a", 40)}}, 422, "Please keep it to 24 characters"},
		{"control characters", url.Values{"question_id": {"name"}, "value": {"Ma\x07ya"}}, 422, "control characters"},
		{"unknown postal code", url.Values{"question_id": {"climate"}, "postal_code": {"ZZZ"}}, 422, "pick the climate closest"},
		{"scale out of range", url.Values{"question_id": {"dryness_level"}, "value": {"9"}}, 422, "from 1 to 5"},
		{"not shown", url.Values{"question_id": {"skin_type"}, "value": {"dry"}}, 409, "not being asked right now"},
		{"unknown question", url.Values{"question_id": {"nope"}, "value": {"x"}}, 422, "no such question"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.PostForm("/quiz/"+id+"/answer", tt.form)
			if r.StatusCode != tt.status || !strings.Contains(text(r.Body), tt.want) {
				t.Fatalf("%d, want %d with %q\n%s", r.StatusCode, tt.status, tt.want, text(r.Body))
			}
			if tt.status == 422 && tt.name != "unknown question" {
				qid := tt.form.Get("question_id")
				for _, want := range []string{`aria-invalid="true"`, `aria-describedby="q-` + qid + `-error"`, `id="q-` + qid + `-error"`, `class="error-summary"`, `<a href="#q-` + qid} {
					if !strings.Contains(r.Body, want) {
						t.Errorf("the re-rendered page lacks %s", want)
					}
				}
			}
			if tt.status == 409 && !strings.Contains(r.Body, `href="/quiz/`+id+`"`) {
				t.Error("the 409 page has no link back")
			}
		})
	}
	if after := stored(t, s, id); after.Revision != before.Revision {
		t.Errorf("refused answers changed the response (revision %d → %d)", before.Revision, after.Revision)
	}
	// The typed value comes back in the field, so the shopper can fix it.
	r := c.PostForm("/quiz/"+id+"/answer", url.Values{"question_id": {"climate"}, "postal_code": {"ZZZ"}})
	if !strings.Contains(r.Body, `name="postal_code" value="ZZZ"`) {
		t.Error("the refused postal code is not shown again")
	}
	// A postal code the table knows is taken instead of a climate pick.
	answerPage(t, c, id, "climate", []string{"sw1a1aa"})
	if got := stored(t, s, id).Answers["climate"]; got != "SW1A 1AA" {
		t.Errorf("climate answer %v, want the canonical postal code", got)
	}
}

func TestPagesOwnership(t *testing.T) {
	s := apptest.New(t)
	owner, other := s.Client(), s.Client()
	id := start(t, owner)
	qid := shownQuestion(t, owner.Get("/quiz/"+id).Body)
	for _, r := range []*apptest.Response{
		other.Get("/quiz/" + id),
		other.PostForm("/quiz/"+id+"/answer", url.Values{"question_id": {qid}, "value": {"hair"}}),
		other.PostForm("/quiz/"+id+"/back", url.Values{"from": {qid}}),
		other.Get("/quiz/unknown-id"),
	} {
		if r.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s by another cookie: %d", r.Request.Method, r.Request.URL.Path, r.StatusCode)
		}
	}
	if len(stored(t, s, id).Answers) != 0 {
		t.Error("another cookie's answer was stored")
	}
}
