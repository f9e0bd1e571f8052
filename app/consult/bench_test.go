package consult_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"atelier/app/apptest"
)

// BenchmarkAPIAnswer measures one POST /api/v1/quiz/sessions/{id}/answers through the whole
// router (middleware, session cookie, ownership check, engine, SQLite write) on a fixed walk of
// the default quiz (hair and skin, high sensitivity: 27 answers); a fresh consultation is started, untimed,
// whenever the walk ends.
func BenchmarkAPIAnswer(b *testing.B) {
	s := apptest.New(b)
	c := s.Client()
	overrides := map[string][]string{"focus": {"both"}, "sensitivity": {"high"}}
	// Record the walk once: the question ids and JSON bodies, in order.
	var bodies [][]byte
	st := apiCreate(b, c)
	for !st.Done {
		body, _ := json.Marshal(map[string]any{"question_id": st.Question.ID, "value": jsonValue(s.Deps.QuizCurrent.Question(st.Question.ID), overrides)})
		bodies = append(bodies, body)
		st = apiAnswer(b, c, st.ID, st.Question.ID, jsonValue(s.Deps.QuizCurrent.Question(st.Question.ID), overrides))
	}
	cookie := c.HTTP.Jar.Cookies(mustURL(b, s.URL))
	h := s.Server.Handler()
	step := len(bodies)
	var id string
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if step == len(bodies) {
			b.StopTimer()
			id, step = apiCreate(b, c).ID, 0
			b.StartTimer()
		}
		req := httptest.NewRequest(http.MethodPost, "/api/v1/quiz/sessions/"+id+"/answers", bytes.NewReader(bodies[step]))
		req.Header.Set("Content-Type", "application/json")
		for _, ck := range cookie {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("step %d: %d %s", step, rec.Code, rec.Body)
		}
		step++
	}
	b.ReportMetric(float64(len(bodies)), "answers/walk")
}
