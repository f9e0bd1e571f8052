package account

import (
	"context"
	"errors"

	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// AnswerLine is one quiz answer in plain words.
type AnswerLine struct {
	QuestionID string `json:"question_id"`
	Question   string `json:"question"`
	Answer     string `json:"answer"`
}

// consultation is a completed quiz response with its quiz version, answers in words and profile.
type consultation struct {
	r       *questionnaire.Response
	quiz    *questionnaire.Quiz
	answers []AnswerLine
	profile catalog.Profile
}

// latest returns the customer's latest completed consultation, or nil when they have none.
func (h *Handlers) latest(ctx context.Context, customerID uint) (*consultation, error) {
	r, err := h.d.Quiz.LatestCompleted(ctx, customerID)
	if errors.Is(err, questionnaire.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return h.consultationOf(ctx, r)
}

func (h *Handlers) consultationOf(ctx context.Context, r *questionnaire.Response) (*consultation, error) {
	quiz, err := h.d.Quiz.Definition(ctx, r.QuizVersion)
	if err != nil {
		return nil, err
	}
	st := quiz.State(r.Answers)
	c := &consultation{r: r, quiz: quiz, profile: catalog.Profile(st.Profile)}
	for _, q := range st.Path {
		if v, ok := r.Answers[q.ID]; ok {
			c.answers = append(c.answers, AnswerLine{QuestionID: q.ID, Question: q.Prompt, Answer: q.Describe(v)})
		}
	}
	return c, nil
}

// orderProfile is the profile behind an order: its customer's latest one, or for a guest
// order the latest consultation completed in the browser that placed it (before it was
// placed); empty when neither exists. The feedback link needs it to keep the hard rules
// (allergies, pregnancy, vegan, fragrance-free) when it refines a product for someone who is
// not signed in: the order's public id in the link is the proof.
func (h *Handlers) orderProfile(ctx context.Context, o *fulfillment.Order) catalog.Profile {
	if o.CustomerID != nil {
		return h.profileOf(ctx, *o.CustomerID)
	}
	r, err := h.d.Quiz.LatestCompletedByOwner(ctx, o.OwnerKey, o.CreatedAt)
	if err != nil {
		if !errors.Is(err, questionnaire.ErrNotFound) {
			h.logErr(err, "guest consultation of an order")
		}
		return catalog.Profile{}
	}
	c, err := h.consultationOf(ctx, r)
	if err != nil {
		h.logErr(err, "guest consultation of an order")
		return catalog.Profile{}
	}
	return c.profile
}

// profileOf is the customer's latest profile, or an empty one.
func (h *Handlers) profileOf(ctx context.Context, customerID uint) catalog.Profile {
	c, err := h.latest(ctx, customerID)
	if err != nil {
		h.logErr(err, "latest consultation")
	}
	if c == nil {
		return catalog.Profile{}
	}
	return c.profile
}
