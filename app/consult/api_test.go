package consult_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/questionnaire"
)

// apiState is the JSON shape of a consultation.
type apiState struct {
	ID       string `json:"id"`
	Question *struct {
		ID       string   `json:"id"`
		Kind     string   `json:"kind"`
		Prompt   string   `json:"prompt"`
		Required bool     `json:"required"`
		Min      *float64 `json:"min"`
		Max      *float64 `json:"max"`
		Options  []struct {
			Value string `json:"value"`
			Label string `json:"label"`
		} `json:"options"`
		Answer any `json:"answer"`
	} `json:"question"`
	Progress struct {
		Answered int `json:"answered"`
		Total    int `json:"total"`
		Percent  int `json:"percent"`
	} `json:"progress"`
	Done      bool                  `json:"done"`
	ResumeURL string                `json:"resume_url"`
	Answers   map[string]any        `json:"answers"`
	Profile   questionnaire.Profile `json:"profile"`
}

// jsonValue is pick's answer as a JSON client sends it: a list for multi, a number for
// scale and number, a string otherwise.
func jsonValue(q *questionnaire.Question, overrides map[string][]string) any {
	v := pick(q, overrides)
	switch q.Kind {
	case questionnaire.KindMulti:
		return v
	case questionnaire.KindScale, questionnaire.KindNumber:
		f, _ := strconv.ParseFloat(v[0], 64)
		return f
	}
	return v[0]
}

func apiCreate(t testing.TB, c *apptest.Client) apiState {
	t.Helper()
	r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions", nil)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	var st apiState
	r.JSON(t, &st)
	return st
}

func apiAnswer(t testing.TB, c *apptest.Client, id, qid string, value any) apiState {
	t.Helper()
	r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions/"+id+"/answers", map[string]any{"question_id": qid, "value": value})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("answer %s=%v: %d %s", qid, value, r.StatusCode, r.Body)
	}
	var st apiState
	r.JSON(t, &st)
	return st
}

// apiWalk answers every question through the API and returns the final state.
func apiWalk(t testing.TB, s *apptest.Store, c *apptest.Client, st apiState, overrides map[string][]string) apiState {
	t.Helper()
	for n := 0; !st.Done; n++ {
		if n > 100 || st.Question == nil {
			t.Fatalf("no end after %d answers: %+v", n, st)
		}
		st = apiAnswer(t, c, st.ID, st.Question.ID, jsonValue(s.Deps.QuizCurrent.Question(st.Question.ID), overrides))
	}
	return st
}

func TestAPIWalkToDone(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	st := apiCreate(t, c)
	if st.ID == "" || st.Question == nil || st.Question.ID != "focus" || st.Done || st.Progress.Total == 0 ||
		!strings.HasPrefix(st.ResumeURL, s.URL+"/quiz/resume/") || len(st.Question.Options) == 0 || !st.Question.Required {
		t.Fatalf("created: %+v", st)
	}
	prev := 0
	for n := 0; !st.Done; n++ {
		if st.Progress.Percent < prev || st.Progress.Percent >= 100 {
			t.Errorf("progress went from %d%% to %d%%", prev, st.Progress.Percent)
		}
		prev = st.Progress.Percent
		st = apiAnswer(t, c, st.ID, st.Question.ID, jsonValue(s.Deps.QuizCurrent.Question(st.Question.ID), map[string][]string{"focus": {"both"}}))
	}
	if st.Question != nil || st.Progress.Percent != 100 {
		t.Errorf("done but question %+v, progress %+v", st.Question, st.Progress)
	}
	r := c.JSON(http.MethodGet, "/api/v1/quiz/sessions/"+st.ID, nil)
	var full apiState
	r.JSON(t, &full)
	if r.StatusCode != http.StatusOK || !full.Done || full.Profile.Name != "Maya" || len(full.Answers) != full.Progress.Answered ||
		full.Profile.Trait("skin_type") == "" || full.Profile.Trait("hair_type") == "" {
		t.Errorf("GET after done: %d %+v", r.StatusCode, full)
	}
	t.Logf("hair and skin path: %d answers", len(full.Answers))

	// Back from the end steps to the last question, then the one before it.
	var back apiState
	r = c.JSON(http.MethodPost, "/api/v1/quiz/sessions/"+st.ID+"/back", nil)
	r.JSON(t, &back)
	if r.StatusCode != http.StatusOK || back.Question == nil || back.Question.ID != "name" || back.Question.Answer != "Maya" {
		t.Fatalf("back from the end: %d %s", r.StatusCode, r.Body)
	}
	r = c.JSON(http.MethodPost, "/api/v1/quiz/sessions/"+st.ID+"/back", map[string]string{"from": "name"})
	r.JSON(t, &back)
	if r.StatusCode != http.StatusOK || back.Question == nil || back.Question.ID != "budget" {
		t.Errorf("back from name: %d %s", r.StatusCode, r.Body)
	}
}

func TestAPIBackAndEdit(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	st := apiCreate(t, c)
	if r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions/"+st.ID+"/back", nil); r.StatusCode != http.StatusConflict {
		t.Errorf("back at the first question: %d %s", r.StatusCode, r.Body)
	}
	st = apiWalk(t, s, c, st, map[string][]string{"hair_type": {"coily"}})
	// Editing hair_type drops curl_pattern and shows what follows hair_type.
	after := apiAnswer(t, c, st.ID, "hair_type", "straight")
	var full apiState
	c.JSON(http.MethodGet, "/api/v1/quiz/sessions/"+st.ID, nil).JSON(t, &full)
	if _, ok := full.Answers["curl_pattern"]; ok {
		t.Error("curl_pattern kept after hair_type became straight")
	}
	if after.Question == nil || after.Question.ID != "hair_thickness" || after.Question.Answer == nil || !after.Done {
		t.Errorf("after the edit: %+v", after)
	}
}

func TestAPIBadInput(t *testing.T) {
	s := apptest.New(t)
	owner, other := s.Client(), s.Client()
	st := apiWalk(t, s, owner, apiCreate(t, owner), nil)
	id := st.ID
	answers := "/api/v1/quiz/sessions/" + id + "/answers"
	rev := stored(t, s, id).Revision
	tests := []struct {
		name     string
		client   *apptest.Client
		method   string
		path     string
		body     any
		ctype    string
		status   int
		question string // the question_id the 422 names
		want     string
	}{
		{"unknown session", owner, "GET", "/api/v1/quiz/sessions/nope", nil, "", 404, "", "could not find"},
		{"unknown session answer", owner, "POST", "/api/v1/quiz/sessions/nope/answers", map[string]any{"question_id": "focus", "value": "hair"}, "", 404, "", "could not find"},
		{"another cookie's session", other, "GET", "/api/v1/quiz/sessions/" + id, nil, "", 404, "", "could not find"},
		{"another cookie's answer", other, "POST", answers, map[string]any{"question_id": "focus", "value": "hair"}, "", 404, "", "could not find"},
		{"another cookie's back", other, "POST", "/api/v1/quiz/sessions/" + id + "/back", nil, "", 404, "", "could not find"},
		{"wrong type: number for a choice", owner, "POST", answers, map[string]any{"question_id": "hair_type", "value": 3}, "", 422, "hair_type", "choose one of the options"},
		{"wrong type: object", owner, "POST", answers, map[string]any{"question_id": "hair_goals", "value": map[string]any{"a": 1}}, "", 422, "hair_goals", "choose from the options"},
		{"wrong type: text for a scale", owner, "POST", answers, map[string]any{"question_id": "dryness_level", "value": "very"}, "", 422, "dryness_level", "enter a number"},
		{"wrong type: list of numbers", owner, "POST", answers, map[string]any{"question_id": "hair_goals", "value": []any{1, 2}}, "", 422, "hair_goals", "choose from the options"},
		{"out of range", owner, "POST", answers, map[string]any{"question_id": "dryness_level", "value": 6}, "", 422, "dryness_level", "from 1 to 5"},
		{"not a step", owner, "POST", answers, map[string]any{"question_id": "dryness_level", "value": 2.5}, "", 422, "dryness_level", "steps of"},
		{"too many picks", owner, "POST", answers, map[string]any{"question_id": "hair_goals", "value": []string{"moisture", "volume", "smoothness", "strength"}}, "", 422, "hair_goals", "at most 3"},
		{"unknown option", owner, "POST", answers, map[string]any{"question_id": "hair_type", "value": "curvy"}, "", 422, "hair_type", "choose one of the options"},
		{"required left empty", owner, "POST", answers, map[string]any{"question_id": "hair_type", "value": nil}, "", 422, "hair_type", "answer this question"},
		{"over-long name", owner, "POST", answers, map[string]any{"question_id": "name", "value": strings.Repeat("é", 25)}, "", 422, "name", "24 characters"},
		{"control characters", owner, "POST", answers, map[string]any{"question_id": "name", "value": "Maya\u0000"}, "", 422, "name", "control characters"},
		{"line break", owner, "POST", answers, map[string]any{"question_id": "name", "value": "Ma\nya"}, "", 422, "name", "line breaks"},
		{"bidi override", owner, "POST", answers, map[string]any{"question_id": "name", "value": "Maya\u202e"}, "", 422, "name", "control characters"},
		{"unknown postal code", owner, "POST", answers, map[string]any{"question_id": "climate", "value": "1234"}, "", 422, "climate", "postal code"},
		{"unknown question", owner, "POST", answers, map[string]any{"question_id": "hair_tpye", "value": "curly"}, "", 422, "hair_tpye", "no such question"},
		{"no question id", owner, "POST", answers, map[string]any{"value": "curly"}, "", 422, "", "question_id"},
		{"not shown", owner, "POST", answers, map[string]any{"question_id": "skin_type", "value": "dry"}, "", 409, "", "not being asked"},
		{"back from an unknown question", owner, "POST", "/api/v1/quiz/sessions/" + id + "/back", map[string]string{"from": "nope"}, "", 422, "nope", "no such question"},
		{"malformed JSON", owner, "POST", answers, `{"question_id": "name", "value": `, "", 400, "", "malformed"},
		{"two JSON values", owner, "POST", answers, `{"question_id":"name","value":"A"} {}`, "", 400, "", "more than one"},
		{"question_id not a string", owner, "POST", answers, `{"question_id": 7, "value": "A"}`, "", 400, "", "question_id"},
		{"empty body", owner, "POST", answers, "", "application/json", 400, "", ""},
		{"huge body", owner, "POST", answers, `{"question_id":"name","value":"` + strings.Repeat("a", 2<<20) + `"}`, "", 413, "", "too large"},
		{"form-encoded body", owner, "POST", answers, "question_id=name&value=Maya", "application/x-www-form-urlencoded", 415, "", "Content-Type: application/json"},
		{"malformed create body", owner, "POST", "/api/v1/quiz/sessions", `{`, "", 400, "", "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *apptest.Response
			if tt.ctype != "" {
				req, _ := http.NewRequest(tt.method, s.URL+tt.path, strings.NewReader(tt.body.(string)))
				req.Header.Set("Content-Type", tt.ctype)
				r = tt.client.Do(req)
			} else {
				r = tt.client.JSON(tt.method, tt.path, tt.body)
			}
			var body struct {
				Error      string  `json:"error"`
				QuestionID *string `json:"question_id"`
			}
			r.JSON(t, &body)
			if r.StatusCode != tt.status || body.Error == "" || !strings.Contains(strings.ToLower(body.Error), strings.ToLower(tt.want)) {
				t.Fatalf("%d %s, want %d with %q", r.StatusCode, r.Body, tt.status, tt.want)
			}
			if tt.status == 422 && (body.QuestionID == nil || *body.QuestionID != tt.question) {
				t.Errorf("question_id %v, want %q", body.QuestionID, tt.question)
			}
		})
	}
	if got := stored(t, s, id).Revision; got != rev {
		t.Errorf("refused requests changed the response: revision %d → %d", rev, got)
	}
}

// TestAPIOnPostgres walks the quiz, edits an answer and checks ownership on PostgreSQL (skipped
// without ATELIER_TEST_DATABASE_URL).
func TestAPIOnPostgres(t *testing.T) {
	s := apptest.NewPostgres(t)
	c := s.Client()
	st := apiWalk(t, s, c, apiCreate(t, c), map[string][]string{"hair_type": {"curly"}})
	after := apiAnswer(t, c, st.ID, "hair_type", "straight")
	if after.Question == nil || after.Question.ID != "hair_thickness" {
		t.Errorf("after the edit: %+v", after.Question)
	}
	if _, ok := stored(t, s, st.ID).Answers["curl_pattern"]; ok {
		t.Error("curl_pattern kept after the edit")
	}
	if r := s.Client().JSON(http.MethodGet, "/api/v1/quiz/sessions/"+st.ID, nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("another cookie: %d", r.StatusCode)
	}
}
