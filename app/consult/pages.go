package consult

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/questionnaire"
)

// QuizStart is GET /quiz: it sends a visitor with an unfinished consultation back to it, and
// shows everyone else the introduction (with their result, if they finished one).
func (h *Handlers) QuizStart(c echo.Context) error {
	v := &introView{}
	v.Title = "Your consultation"
	if id := web.SessionOf(c).String(web.KeyQuiz); id != "" {
		s, err := h.load(c, id)
		switch {
		case errors.Is(err, questionnaire.ErrNotFound):
			web.SessionOf(c).Delete(web.KeyQuiz)
		case err != nil:
			return err
		case !s.r.Completed():
			return seeOther(c, quizPath(id))
		default:
			v.Finished = id
		}
	}
	return h.env.Render.Render(c, http.StatusOK, "consult/intro", v)
}

// QuizBegin is POST /quiz: it starts a consultation and shows its first question.
func (h *Handlers) QuizBegin(c echo.Context) error {
	r, err := h.begin(c)
	if err != nil {
		return err
	}
	return seeOther(c, quizPath(r.ID))
}

// QuizShow is GET /quiz/:id: the question to answer now, an earlier question to change
// (?q=ID, when it is on the shopper's path), or the result once every question is answered.
func (h *Handlers) QuizShow(c echo.Context) error {
	s, err := h.load(c, c.Param("id"))
	if err != nil {
		return err
	}
	st := s.quiz.State(s.r.Answers)
	q := s.showing(&st.Position)
	if id := c.QueryParam("q"); id != "" {
		if q = onPath(&st.Position, id); q == nil {
			return seeOther(c, quizPath(s.r.ID)) // hidden by a later edit, or not reached yet
		}
	}
	if q == nil {
		return h.env.Render.Render(c, http.StatusOK, "consult/result", newResultView(h, s, &st))
	}
	return h.renderQuestion(c, http.StatusOK, s, &st.Position, q, s.r.Answers[q.ID], "")
}

// QuizAnswer is POST /quiz/:id/answer (question_id, value — repeated for several picks —,
// postal_code for a location, resume to return to where the shopper was after an edit). A
// refused answer re-renders the question with the message (422); a question that is not being
// asked is a 409 page.
func (h *Handlers) QuizAnswer(c echo.Context) error {
	id, qid := c.Param("id"), c.FormValue("question_id")
	raw := func(quiz *questionnaire.Quiz) any { return formValue(c, quiz.Question(qid)) }
	_, _, err := h.update(c, id, answerEdit(qid, raw, c.FormValue("resume") != ""))
	var ae *questionnaire.AnswerError
	switch {
	case errors.As(err, &ae):
		s, err := h.load(c, id)
		if err != nil {
			return err
		}
		st := s.quiz.State(s.r.Answers)
		return h.renderQuestion(c, http.StatusUnprocessableEntity, s, &st.Position, s.quiz.Question(qid), raw(s.quiz), ae.Message)
	case errors.Is(err, questionnaire.ErrNotShown):
		return h.notice(c, http.StatusConflict, "That question is not being asked right now",
			"An earlier answer skips it, or you have not reached it yet. Nothing was changed.",
			quizPath(id), "Back to your consultation")
	case err != nil:
		return err
	}
	return seeOther(c, quizPath(id))
}

// formValue reads the answer a form sent for question q: every checked box of a multiple
// choice, the postal code of a location when one was typed (else the climate picked), or the
// single value.
func formValue(c echo.Context, q *questionnaire.Question) any {
	if q == nil {
		return c.FormValue("value")
	}
	switch q.Kind {
	case questionnaire.KindMulti:
		form, _ := c.FormParams()
		return append([]string{}, form["value"]...)
	case questionnaire.KindLocation:
		if code := strings.TrimSpace(c.FormValue("postal_code")); code != "" {
			return code
		}
	}
	return c.FormValue("value")
}

// QuizBack is POST /quiz/:id/back (from: the question shown): the question before it.
func (h *Handlers) QuizBack(c echo.Context) error {
	id := c.Param("id")
	s, _, err := h.update(c, id, backEdit(c.FormValue("from")))
	if errors.Is(err, errFirstQuestion) {
		return seeOther(c, quizPath(id))
	}
	if err != nil {
		return err
	}
	return seeOther(c, quizPath(id)+"?q="+s.r.Current)
}

// QuizResume is GET /quiz/resume/:token: the resume link binds the consultation to this
// browser and opens it.
func (h *Handlers) QuizResume(c echo.Context) error {
	sess := web.SessionOf(c)
	r, err := h.store.Resume(c.Request().Context(), c.Param("token"), sess.OwnerKey())
	if errors.Is(err, questionnaire.ErrNotFound) {
		return h.notice(c, http.StatusNotFound, "This link does not open a consultation",
			"The resume link may be mistyped or out of date. You can start a new consultation: it takes about four minutes.",
			"/quiz", "Start a consultation")
	}
	if err != nil {
		return err
	}
	sess.Set(web.KeyQuiz, r.ID)
	h.env.Log.Info("consultation resumed", "response_id", r.ID)
	return seeOther(c, quizPath(r.ID))
}

// renderQuestion shows question q pre-filled with value, with msg as its error when set.
func (h *Handlers) renderQuestion(c echo.Context, status int, s *session, st *questionnaire.Position, q *questionnaire.Question, value any, msg string) error {
	v := newQuestionView(s, st, q, value)
	v.Error = msg
	v.ResumeURL = h.resumeURL(s.r)
	if next, ok := st.Following(q.ID); ok && v.Editing {
		_, v.Resumable = s.r.Answers[next]
	}
	if msg != "" {
		v.Title = "Error: " + q.Prompt
	}
	return h.env.Render.Render(c, status, "consult/question", v)
}

// notice renders a short explanation with one way on.
func (h *Handlers) notice(c echo.Context, status int, heading, msg, href, text string) error {
	v := &noticeView{Status: status, Heading: heading, Message: msg, LinkHref: href, LinkText: text}
	v.Title = heading
	return h.env.Render.Render(c, status, "consult/notice", v)
}
