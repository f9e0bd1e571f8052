package staff

import (
	"context"
	"errors"
	"time"

	"atelier/questionnaire"
)

// customerProfile is what the follow-up screen shows of a customer's skin and hair: the
// summary of their latest completed consultation, read with the quiz version it was taken on.
type customerProfile struct {
	// Guest is true when the task has no customer account (a guest order): there is no
	// consultation to look up.
	Guest bool
	// Summary is Profile.Summary() of the latest completed consultation; empty when the
	// customer has none.
	Summary     []string
	CompletedAt time.Time
}

// profileOf returns the profile summary of customerID (nil = a guest).
func (h *Handlers) profileOf(ctx context.Context, customerID *uint) (customerProfile, error) {
	if customerID == nil {
		return customerProfile{Guest: true}, nil
	}
	r, err := h.quiz.LatestCompleted(ctx, *customerID)
	if errors.Is(err, questionnaire.ErrNotFound) {
		return customerProfile{}, nil
	}
	if err != nil {
		return customerProfile{}, err
	}
	def, err := h.quiz.Definition(ctx, r.QuizVersion)
	if err != nil {
		return customerProfile{}, err
	}
	p := customerProfile{Summary: def.State(r.Answers).Profile.Summary()}
	if r.CompletedAt != nil {
		p.CompletedAt = *r.CompletedAt
	}
	return p, nil
}
