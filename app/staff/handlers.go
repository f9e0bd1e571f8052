// Package staff is the staff side of Atelier: staff accounts and sign-in, the console
// (production queue with printable batch sheets, follow-up queue with the customer's story,
// outbox, team, quiz drop-off) and the staff JSON API under /api/v1/staff. The queues
// themselves live in package fulfillment; this package authenticates, authorises and renders.
package staff

import (
	"context"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// Handlers serves the staff console and API.
type Handlers struct {
	env         web.Env
	accounts    *Accounts
	stats       *Stats
	ful         *fulfillment.Service
	quiz        *questionnaire.Store
	quizCurrent *questionnaire.Quiz
	logins      *web.Limiter
	// changed is called after a follow-up with a customer is completed (SetCustomerChanged).
	changed func(ctx context.Context, customerID uint)
	// refunders give payments back, by provider name (SetRefunders).
	refunders map[string]Refunder
}

// New builds the staff handlers and registers the page decorator that shows signed-in staff.
func New(env web.Env, accounts *Accounts, stats *Stats, ful *fulfillment.Service, quiz *questionnaire.Store, quizCurrent *questionnaire.Quiz) *Handlers {
	h := &Handlers{env: env, accounts: accounts, stats: stats, ful: ful, quiz: quiz, quizCurrent: quizCurrent,
		logins: web.NewLimiter(LoginEvery, LoginBurst)}
	env.Render.AddDecorator(h.decorate)
	return h
}

// idParam reads the :id path parameter; anything but a positive number is a 404.
func idParam(c echo.Context) (uint, error) {
	n, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || n == 0 {
		return 0, web.NotFound
	}
	return uint(n), nil
}

// actor is the signed-in member as a fulfillment actor (the guards ran first).
func actor(c echo.Context) fulfillment.Actor { return MemberOf(c).Actor() }

// parseDueBefore reads due_before as RFC 3339 or an HTML date-time (UTC); empty is nil.
func parseDueBefore(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, web.Invalid("due_before is not a date.", map[string]string{"due_before": "Use a date such as 2026-11-30 or 2026-11-30T09:00:00Z."})
}
