package consult

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/questionnaire"
)

// apiQuestion is a question as the API sends it: the questionnaire's own JSON (id, kind,
// prompt, help, options, min, max, required, …) plus its section's title and the answer given so
// far (null when none).
type apiQuestion struct {
	*questionnaire.Question
	SectionTitle string `json:"section_title"`
	Position     int    `json:"position"`
	Answer       any    `json:"answer"`
}

// apiSession is where a consultation stands. Done means every question on the shopper's path
// is answered; Question is the one to show now, null once the shopper has reached the end
// (after an edit it may be an answered question shown again for confirmation).
type apiSession struct {
	ID        string                 `json:"id"`
	Question  *apiQuestion           `json:"question"`
	Progress  questionnaire.Progress `json:"progress"`
	Done      bool                   `json:"done"`
	ResumeURL string                 `json:"resume_url"`
}

// apiSessionDetail adds the answers and the profile built from them.
type apiSessionDetail struct {
	apiSession
	Answers questionnaire.Answers `json:"answers"`
	Profile questionnaire.Profile `json:"profile"`
}

// answerRequest is the body of POST …/answers; Value is a string, a number or a list of strings
// (null or "" skips an optional question).
type answerRequest struct {
	QuestionID string `json:"question_id"`
	Value      any    `json:"value"`
}

// backRequest is the optional body of POST …/back: From is the question shown (default: the
// consultation's current question).
type backRequest struct {
	From string `json:"from"`
}

func (h *Handlers) apiView(s *session, st *questionnaire.Position) apiSession {
	out := apiSession{ID: s.r.ID, Progress: st.Progress, Done: st.Done, ResumeURL: h.resumeURL(s.r)}
	if q := s.showing(st); q != nil {
		out.Question = &apiQuestion{Question: q, SectionTitle: sectionTitle(s.quiz, q), Position: position(st, q), Answer: s.r.Answers[q.ID]}
	}
	return out
}

// APICreate is POST /api/v1/quiz/sessions: it starts a consultation owned by this cookie
// (201). The body may be empty.
func (h *Handlers) APICreate(c echo.Context) error {
	if c.Request().ContentLength != 0 {
		var ignored struct{}
		if err := web.BindJSON(c, &ignored); err != nil {
			return err
		}
	}
	r, err := h.begin(c)
	if err != nil {
		return err
	}
	s := &session{r: r, quiz: h.current}
	st := s.quiz.State(r.Answers)
	return c.JSON(http.StatusCreated, h.apiView(s, &st.Position))
}

// APIShow is GET /api/v1/quiz/sessions/:id: where the consultation stands, with its answers
// and profile.
func (h *Handlers) APIShow(c echo.Context) error {
	s, err := h.load(c, c.Param("id"))
	if err != nil {
		return err
	}
	st := s.quiz.State(s.r.Answers)
	return c.JSON(http.StatusOK, apiSessionDetail{apiSession: h.apiView(s, &st.Position), Answers: s.r.Answers, Profile: st.Profile})
}

// APIAnswer is POST /api/v1/quiz/sessions/:id/answers: it records one answer and returns the
// question to show next. An invalid value is 422 {error, question_id}; a question that is not
// being asked is 409.
func (h *Handlers) APIAnswer(c echo.Context) error {
	var req answerRequest
	if err := web.BindJSON(c, &req); err != nil {
		return err
	}
	value := func(*questionnaire.Quiz) any { return req.Value }
	known := func(r *questionnaire.Response, quiz *questionnaire.Quiz) (questionnaire.Position, error) {
		if quiz.Question(req.QuestionID) == nil {
			return questionnaire.Position{}, unknownQuestion(req.QuestionID)
		}
		return answerEdit(req.QuestionID, value, false)(r, quiz)
	}
	s, st, err := h.update(c, c.Param("id"), known)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.apiView(s, st))
}

// APIBack is POST /api/v1/quiz/sessions/:id/back: the question before the one shown (409 at
// the first question).
func (h *Handlers) APIBack(c echo.Context) error {
	var req backRequest
	if c.Request().ContentLength != 0 {
		if err := web.BindJSON(c, &req); err != nil {
			return err
		}
	}
	back := func(r *questionnaire.Response, quiz *questionnaire.Quiz) (questionnaire.Position, error) {
		if req.From != "" && quiz.Question(req.From) == nil {
			return questionnaire.Position{}, unknownQuestion(req.From)
		}
		return backEdit(req.From)(r, quiz)
	}
	s, st, err := h.update(c, c.Param("id"), back)
	if errors.Is(err, errFirstQuestion) {
		return web.Errorf(http.StatusConflict, "This is the first question; there is nothing before it.")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.apiView(s, st))
}

// unknownQuestion is the 422 for a question id the consultation's quiz does not have.
func unknownQuestion(id string) error {
	msg := "There is no such question in this consultation."
	if id == "" {
		msg = "Say which question you answer in question_id."
	}
	return &web.Error{Status: http.StatusUnprocessableEntity, Message: msg,
		Fields: map[string]string{"question_id": msg}, Extra: map[string]any{"question_id": id}}
}
