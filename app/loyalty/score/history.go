// Package score computes a customer's four loyalty scores (satisfaction, current value,
// repurchase loyalty and future potential) and assigns their segment. It is pure: plain
// structs in, numbers and the reasons behind them out, at an injected time. No database, no
// HTTP; app/loyalty loads the History and stores the result.
//
// The formulas are documented in docs/LOYALTY.md; the constants below are those of the docs.
package score

import "time"

// History is everything the scores look at for one customer. Slices need not be sorted.
type History struct {
	CustomerID uint
	// Currency is the store's currency (e.g. "usd"), for amounts in the reasons.
	Currency string
	// Since is when the customer's account was created (tenure).
	Since time.Time
	// Orders are the customer's paid orders (paid or further along; not cancelled, refunded
	// or on hold).
	Orders []Order
	// Ratings are satisfaction ratings 1–5, from follow-up calls and from feedback.
	Ratings []Rating
	// RecommendedLines are the product lines the customer's latest completed quiz asked for.
	RecommendedLines []string
	// QuizCompleted is true when the customer has finished at least one consultation.
	QuizCompleted bool
	// Reached are follow-ups completed with the customer reached (a conversation), by time.
	Reached []time.Time
	// EmailsDelivered and EmailsFailed count the customer's outbox email by outcome.
	EmailsDelivered, EmailsFailed int
}

// Order is one paid order as the scores see it.
type Order struct {
	PaidAt     time.Time
	TotalCents int64
	// Lines and Codes are the product lines and reorder codes of its items.
	Lines []string
	Codes []string
	// ExpectedUseDays is how long the order's products typically last (the longest item).
	ExpectedUseDays int
}

// Rating sources.
const (
	SourceFollowUp = "follow_up"
	SourceFeedback = "feedback"
)

// Rating is one satisfaction rating.
type Rating struct {
	At     time.Time
	Stars  int // 1–5
	Source string
}

// AsOf returns the history as it stood at t: events after t are dropped. Used to replay
// segment movement over the past (the demo backfill) with the same formulas.
func (h History) AsOf(t time.Time) History {
	out := h
	out.Orders = nil
	for _, o := range h.Orders {
		if !o.PaidAt.After(t) {
			out.Orders = append(out.Orders, o)
		}
	}
	out.Ratings = nil
	for _, r := range h.Ratings {
		if !r.At.After(t) {
			out.Ratings = append(out.Ratings, r)
		}
	}
	out.Reached = nil
	for _, r := range h.Reached {
		if !r.After(t) {
			out.Reached = append(out.Reached, r)
		}
	}
	return out
}

// Facts are plain numbers about a customer that segments may test besides the scores.
type Facts struct {
	Orders int // paid orders, all time
	// DaysSinceLastOrder is -1 when there is no order.
	DaysSinceLastOrder int
	// UseElapsedPercent is DaysSinceLastOrder as a percentage of the last order's expected use
	// (the longest item's, DefaultUseDays when unknown): 100 means the product should just be
	// used up, 200 that it ran out as long ago as it was meant to last. -1 when there is no
	// order.
	UseElapsedPercent int
	TenureDays        int
}

// FactsOf derives the facts of h at now.
func FactsOf(h History, now time.Time) Facts {
	f := Facts{Orders: len(h.Orders), DaysSinceLastOrder: -1, UseElapsedPercent: -1, TenureDays: days(now.Sub(h.Since))}
	if last, ok := lastOrder(h.Orders); ok {
		f.DaysSinceLastOrder = max(days(now.Sub(last.PaidAt)), 0)
		f.UseElapsedPercent = f.DaysSinceLastOrder * 100 / useDays(last)
	}
	if f.TenureDays < 0 {
		f.TenureDays = 0
	}
	return f
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

func lastOrder(orders []Order) (Order, bool) {
	var last Order
	ok := false
	for _, o := range orders {
		if !ok || o.PaidAt.After(last.PaidAt) {
			last, ok = o, true
		}
	}
	return last, ok
}
