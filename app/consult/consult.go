// Package consult is the shopper's consultation: the quiz pages (one question per page, Back,
// resume on another device, the profile at the end) and the quiz JSON API. The engine and the
// response store are package questionnaire; this package only binds requests to them.
package consult

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/questionnaire"
)

// Handlers answers the consultation's pages and API.
type Handlers struct {
	env      web.Env
	store    *questionnaire.Store
	current  *questionnaire.Quiz
	customer func(echo.Context) *uint
}

// New returns the consultation handlers: store keeps responses, current is the quiz version
// new consultations start on (a response stays on the version it began with).
//
// customer returns the signed-in customer's id (epoch-checked by app/account), or nil; a
// consultation started while signed in belongs to that customer from its first answer. A nil
// func treats every visitor as a guest.
func New(env web.Env, store *questionnaire.Store, current *questionnaire.Quiz, customer func(echo.Context) *uint) *Handlers {
	return &Handlers{env: env, store: store, current: current, customer: customer}
}

// session is one request's consultation: the response (owned by this cookie) and the quiz
// version it is pinned to.
type session struct {
	r    *questionnaire.Response
	quiz *questionnaire.Quiz
}

// load returns the response with the given id if it belongs to this visitor's cookie, with
// its quiz version; another visitor's response is questionnaire.ErrNotFound, like a missing one.
func (h *Handlers) load(c echo.Context, id string) (*session, error) {
	ctx := c.Request().Context()
	r, err := h.store.GetForOwner(ctx, id, web.SessionOf(c).OwnerKey())
	if err != nil {
		return nil, err
	}
	quiz, err := h.store.Definition(ctx, r.QuizVersion)
	if err != nil {
		return nil, err
	}
	return &session{r: r, quiz: quiz}, nil
}

// begin starts a response on the current quiz for this visitor and remembers it in the cookie.
func (h *Handlers) begin(c echo.Context) (*questionnaire.Response, error) {
	sess := web.SessionOf(c)
	r, err := h.store.Create(c.Request().Context(), sess.OwnerKey(), h.current)
	if err != nil {
		return nil, err
	}
	if h.customer != nil {
		if id := h.customer(c); id != nil {
			if err := h.store.AttachCustomer(c.Request().Context(), r.ID, *id); err != nil {
				return nil, err
			}
			r.CustomerID = id
		}
	}
	sess.Set(web.KeyQuiz, r.ID)
	h.env.Log.Info("consultation started", "response_id", r.ID, "quiz_version", r.QuizVersion)
	return r, nil
}

// errFirstQuestion is a Back from the first question: there is nothing before it.
var errFirstQuestion = errors.New("consult: nothing before the first question")

// update applies edit to this visitor's consultation id and saves it (Store.Update: no read
// when the store remembers the consultation's last write).
func (h *Handlers) update(c echo.Context, id string, edit questionnaire.Edit) (*session, *questionnaire.Position, error) {
	r, quiz, st, err := h.store.Update(c.Request().Context(), id, web.SessionOf(c).OwnerKey(), edit)
	if err != nil {
		return nil, nil, err
	}
	return &session{r: r, quiz: quiz}, &st, nil
}

// answerEdit applies one answer, the value raw returns for the consultation's quiz, and moves
// the response on: to the question after the one answered (which after an edit may be a kept
// answer shown again for confirmation), or, with resume set, back to wherever the shopper
// stands (the next unanswered question or the end).
func answerEdit(questionID string, raw func(*questionnaire.Quiz) any, resume bool) questionnaire.Edit {
	return func(r *questionnaire.Response, quiz *questionnaire.Quiz) (questionnaire.Position, error) {
		answers, st, err := quiz.AnswerPosition(r.Answers, questionID, raw(quiz))
		if err != nil {
			return st, err
		}
		r.Answers = answers
		r.Current = ""
		if next, ok := st.Following(questionID); ok && !resume {
			r.Current = next
		}
		return st, nil
	}
}

// backEdit moves the response to the question before from (the question shown; "" means the
// current one); errFirstQuestion at the first question.
func backEdit(from string) questionnaire.Edit {
	return func(r *questionnaire.Response, quiz *questionnaire.Quiz) (questionnaire.Position, error) {
		shown := from
		if shown == "" {
			shown = r.Current
		}
		prev, ok := quiz.Back(r.Answers, shown)
		if !ok {
			return questionnaire.Position{}, errFirstQuestion
		}
		r.Current = prev
		return quiz.State(r.Answers).Position, nil
	}
}

// showing returns the question to show now — the response's current question while it is on
// the shopper's path, otherwise the next unanswered one — or nil at the end.
func (s *session) showing(st *questionnaire.Position) *questionnaire.Question {
	if q := onPath(st, s.r.Current); q != nil {
		return q
	}
	return st.Next
}

// onPath returns question id when it is one this shopper is shown (answered, or the next),
// nil otherwise.
func onPath(st *questionnaire.Position, id string) *questionnaire.Question {
	for _, q := range st.Path {
		if q.ID == id {
			return q
		}
	}
	return nil
}

// position is the 1-based place of q on the shopper's path.
func position(st *questionnaire.Position, q *questionnaire.Question) int {
	for i, p := range st.Path {
		if p == q {
			return i + 1
		}
	}
	return st.Progress.Answered + 1
}

// seeOther is the redirect after a form post (and for GETs that only forward).
func seeOther(c echo.Context, path string) error { return c.Redirect(http.StatusSeeOther, path) }

// quizPath is the page of a consultation.
func quizPath(id string) string { return "/quiz/" + id }

// resumeURL is the absolute link that opens a consultation on another device.
func (h *Handlers) resumeURL(r *questionnaire.Response) string {
	return h.env.AbsURL("/quiz/resume/" + r.ResumeToken)
}
