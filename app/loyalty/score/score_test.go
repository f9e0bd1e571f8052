package score_test

import (
	"strings"
	"testing"
	"time"

	"atelier/app/loyalty/score"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func daysAgo(d int) time.Time { return now.Add(-time.Duration(d) * 24 * time.Hour) }

func order(d int, cents int64, use int, lines ...string) score.Order {
	var codes []string
	for _, l := range lines {
		codes = append(codes, "CODE-"+l)
	}
	return score.Order{PaidAt: daysAgo(d), TotalCents: cents, Lines: lines, Codes: codes, ExpectedUseDays: use}
}

func rating(d, stars int, src string) score.Rating {
	return score.Rating{At: daysAgo(d), Stars: stars, Source: src}
}

func hasReason(s score.Score, sub string) bool {
	for _, r := range s.Reasons {
		if strings.Contains(r.String(), sub) {
			return true
		}
	}
	return false
}

func TestSatisfaction(t *testing.T) {
	tests := []struct {
		name    string
		ratings []score.Rating
		want    int
		reason  string
	}{
		{"no ratings is neutral", nil, 50, "no ratings yet: neutral 50"},
		{"one fresh five", []score.Rating{rating(0, 5, score.SourceFeedback)}, 83, "+33: 1 rating averaging 5.0/5"},
		{"one fresh one", []score.Rating{rating(0, 1, score.SourceFollowUp)}, 17, "-33: 1 rating"},
		{"many fives approach 100", []score.Rating{rating(1, 5, "feedback"), rating(2, 5, "feedback"), rating(3, 5, "feedback"), rating(4, 5, "feedback"), rating(5, 5, "feedback")}, 95, "5 ratings averaging 5.0/5"},
		// old 5 (one half-life ago, weight 0.5) and a fresh 1 (weight 1): (0.5·100 + 0 + 0.5·50)/2 = 37.5
		{"recent weighted more", []score.Rating{rating(90, 5, "feedback"), rating(0, 1, "follow_up")}, 38, "latest: 1/5 by follow-up call, today"},
		// the same two ratings the other way round: (0.5·0 + 100 + 25)/2 = 62.5
		{"recent good outweighs old bad", []score.Rating{rating(90, 1, "feedback"), rating(0, 5, "follow_up")}, 63, "2 ratings averaging 3.0/5"},
		{"threes stay neutral", []score.Rating{rating(10, 3, "feedback"), rating(200, 3, "feedback")}, 50, "+0"},
		{"out of range stars clamp", []score.Rating{rating(0, 9, "feedback")}, 83, "1 rating"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := score.Satisfaction(score.History{Ratings: tt.ratings}, now)
			if got.Value != tt.want {
				t.Errorf("value = %d, want %d (%v)", got.Value, tt.want, got.Reasons)
			}
			if tt.reason != "+0" && !hasReason(got, tt.reason) {
				t.Errorf("reasons %v lack %q", got.Reasons, tt.reason)
			}
		})
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		name   string
		orders []score.Order
		want   int
		reason string
	}{
		{"no orders", nil, 0, "no purchases in the last 12 months"},
		{"only old orders", []score.Order{order(400, 50000, 60)}, 0, "no purchases"},
		{"$60 in one order", []score.Order{order(10, 6000, 60)}, 47, "+47: $60.00 spent in the last 12 months over 1 order"},
		{"$120 in two orders", []score.Order{order(10, 6000, 60), order(100, 6000, 60)}, 62, "over 2 orders"},
		{"reference spend is 100", []score.Order{order(1, 60000, 60)}, 100, "100 = $600.00 or more"},
		{"above reference caps at 100", []score.Order{order(1, 250000, 60)}, 100, "$2,500.00"},
		{"364 days counts, 366 does not", []score.Order{order(364, 6000, 60), order(366, 6000, 60)}, 47, "over 1 order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := score.Value(score.History{Orders: tt.orders}, now)
			if got.Value != tt.want || !hasReason(got, tt.reason) {
				t.Errorf("got %d %v, want %d with %q", got.Value, got.Reasons, tt.want, tt.reason)
			}
		})
	}
}

func TestLoyalty(t *testing.T) {
	tests := []struct {
		name    string
		orders  []score.Order
		want    int
		reasons []string
	}{
		{"no orders", nil, 0, []string{"no paid orders yet"}},
		{"one recent order", []score.Order{order(30, 5000, 60, "shampoo")}, 35, []string{"1 order in the last 12 months", "+35: last order 30 days ago, expected to last 60 days"}},
		{"one order, a bit late", []score.Order{order(100, 5000, 60, "shampoo")}, 20, []string{"+20: last order 100 days ago"}},
		{"one order, late", []score.Order{order(170, 5000, 60, "shampoo")}, 5, []string{"+5: last order 170 days ago"}},
		{"one order, long gone", []score.Order{order(300, 5000, 60, "shampoo")}, 0, []string{"(5× overdue)"}},
		{"unknown use defaults to 60 days", []score.Order{order(70, 5000, 0, "serum")}, 35, []string{"expected to last 60 days"}},
		{
			"three orders on time, same formula",
			[]score.Order{order(10, 5000, 60, "shampoo"), order(70, 5000, 60, "shampoo"), order(130, 5000, 60, "shampoo")},
			30 + 10 + 35 + 20,
			[]string{"+30: 3 orders in the last 12 months", "+10: reordered the same formula", "+35: last order 10 days ago", "+20: reorders every 60 days against 60 days of expected use"},
		},
		{
			"two orders, slow interval, different formulas",
			[]score.Order{order(20, 5000, 60, "serum"), order(200, 5000, 60, "cleanser")},
			15 + 35 + 0, // a 180-day habit against 60 days of use earns nothing
			[]string{"+15: 2 orders in the last 12 months", "+35: last order 20 days ago", "reorders every 180 days against 60 days"},
		},
		{
			"five orders cap reorder points at 45 and the total at 100",
			[]score.Order{order(5, 5000, 30, "a"), order(35, 5000, 30, "a"), order(65, 5000, 30, "a"), order(95, 5000, 30, "a"), order(125, 5000, 30, "a")},
			100,
			[]string{"+45: 5 orders in the last 12 months"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := score.Loyalty(score.History{Orders: tt.orders}, now)
			if got.Value != tt.want {
				t.Errorf("value = %d, want %d (%v)", got.Value, tt.want, got.Reasons)
			}
			for _, r := range tt.reasons {
				if !hasReason(got, r) {
					t.Errorf("reasons %v lack %q", got.Reasons, r)
				}
			}
		})
	}
}

func TestPotential(t *testing.T) {
	tests := []struct {
		name    string
		h       score.History
		want    int
		reasons []string
	}{
		{"old customer, nothing else", score.History{Since: daysAgo(800)}, 0, []string{"has not completed the consultation", "customer for 2.2 years"}},
		{"brand new after the quiz", score.History{Since: daysAgo(3), QuizCompleted: true, RecommendedLines: []string{"shampoo", "conditioner", "serum"}},
			10 + 36 + 20, []string{"+10: completed the consultation", "+36: 3 lines recommended but not bought yet (shampoo, conditioner, serum)", "+20: new customer (3 days)"}},
		{"bought lines do not count", score.History{Since: daysAgo(200), QuizCompleted: true, RecommendedLines: []string{"shampoo", "serum"},
			Orders: []score.Order{order(100, 5000, 60, "shampoo")}}, 10 + 12 + 10, []string{"+12: 1 line recommended but not bought yet (serum)", "+10: customer for 6 months"}},
		{"engaged", score.History{Since: daysAgo(500), Ratings: []score.Rating{rating(10, 5, "feedback"), rating(20, 4, "feedback"), rating(30, 4, "follow_up"), rating(400, 5, "feedback")},
			Reached: []time.Time{daysAgo(5), daysAgo(50)}, EmailsDelivered: 4}, 16 + 10 + 6, []string{"+16: gave feedback twice in the last 12 months", "+10: took our follow-up call twice", "+6: 4 emails delivered"}},
		{"bouncing email costs", score.History{Since: daysAgo(100), QuizCompleted: true, EmailsDelivered: 2, EmailsFailed: 1}, 10 + 10 - 10, []string{"-10: 1 email could not be delivered"}},
		{"never below zero", score.History{Since: daysAgo(1000), EmailsFailed: 3}, 0, nil},
		{"capped at 100", score.History{Since: daysAgo(1), QuizCompleted: true, RecommendedLines: []string{"a", "b", "c", "d"},
			Ratings: []score.Rating{rating(1, 5, "feedback"), rating(1, 5, "feedback"), rating(1, 5, "feedback")}, Reached: []time.Time{daysAgo(1), daysAgo(1), daysAgo(1)}, EmailsDelivered: 1}, 100, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := score.Potential(tt.h, now)
			if got.Value != tt.want {
				t.Errorf("value = %d, want %d (%v)", got.Value, tt.want, got.Reasons)
			}
			for _, r := range tt.reasons {
				if !hasReason(got, r) {
					t.Errorf("reasons %v lack %q", got.Reasons, r)
				}
			}
		})
	}
}

func TestComputeIsDeterministic(t *testing.T) {
	h := score.History{Since: daysAgo(300), QuizCompleted: true, RecommendedLines: []string{"serum"},
		Orders:  []score.Order{order(200, 4000, 60, "serum"), order(20, 9000, 60, "serum")},
		Ratings: []score.Rating{rating(15, 4, "feedback")}}
	a, b := score.Compute(h, now), score.Compute(h, now)
	if a.Satisfaction.Value != b.Satisfaction.Value || a.Loyalty.Value != b.Loyalty.Value || len(a.Potential.Reasons) != len(b.Potential.Reasons) {
		t.Fatal("Compute differs between runs")
	}
}

func TestAsOf(t *testing.T) {
	h := score.History{Orders: []score.Order{order(100, 1, 60), order(10, 1, 60)},
		Ratings: []score.Rating{rating(50, 5, "feedback"), rating(5, 1, "feedback")}, Reached: []time.Time{daysAgo(80), daysAgo(1)}}
	past := h.AsOf(daysAgo(30))
	if len(past.Orders) != 1 || len(past.Ratings) != 1 || len(past.Reached) != 1 {
		t.Fatalf("AsOf kept %d orders, %d ratings, %d calls", len(past.Orders), len(past.Ratings), len(past.Reached))
	}
	if len(h.Orders) != 2 {
		t.Fatal("AsOf changed its receiver")
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		cents    int64
		currency string
		want     string
		whole    string
	}{
		{6000, "usd", "$60.00", "$60"},
		{250000, "", "$2,500.00", "$2,500"},
		{123456789, "eur", "€1,234,567.89", "€1,234,567"},
		{-1999, "gbp", "-£19.99", "-£19"},
		{100050, "chf", "1,000.50 CHF", "1,000 CHF"},
	}
	for _, tt := range tests {
		if got := score.Money(tt.cents, tt.currency); got != tt.want {
			t.Errorf("Money(%d, %q) = %q, want %q", tt.cents, tt.currency, got, tt.want)
		}
		if got := score.MoneyWhole(tt.cents, tt.currency); got != tt.whole {
			t.Errorf("MoneyWhole(%d, %q) = %q, want %q", tt.cents, tt.currency, got, tt.whole)
		}
	}
}
