package score_test

import (
	"errors"
	"testing"
	"time"

	"atelier/app/loyalty/score"
)

func scores(sat, val, loy, pot int) score.Scores {
	return score.Scores{Satisfaction: score.Score{Value: sat}, Value: score.Score{Value: val},
		Loyalty: score.Score{Value: loy}, Potential: score.Score{Value: pot}}
}

func TestAssignDefaultSegmentsAtBoundaries(t *testing.T) {
	segs := score.DefaultSegments()
	old := score.Facts{Orders: 3, DaysSinceLastOrder: 20, UseElapsedPercent: 33, TenureDays: 400}
	lastOrderAgo := func(days, useDays int) score.Facts {
		return score.Facts{Orders: 3, DaysSinceLastOrder: days, UseElapsedPercent: days * 100 / useDays, TenureDays: 700}
	}
	tests := []struct {
		name string
		s    score.Scores
		f    score.Facts
		want string
	}{
		{"at risk: satisfaction exactly 40, value exactly 50", scores(40, 50, 10, 10), old, "at_risk_valuable"},
		{"satisfaction 41 is not at risk", scores(41, 50, 10, 10), old, "steady"},
		{"value 49 is not at risk", scores(40, 49, 10, 10), old, "steady"},
		{"at risk wins over lapsed", scores(20, 80, 0, 0), score.Facts{Orders: 2, DaysSinceLastOrder: 200, TenureDays: 400}, "at_risk_valuable"},
		{"champion at 70/60", scores(70, 10, 60, 0), old, "champions"},
		{"satisfaction 69 is no champion", scores(69, 10, 60, 0), old, "steady"},
		{"loyalty 59 is neither champion nor occasional", scores(70, 10, 59, 0), old, "steady"},
		{"champion at twice the expected use (120 of 60 days)", scores(90, 10, 80, 0), lastOrderAgo(120, 60), "champions"},
		{"121 of 60 days is no champion", scores(90, 10, 80, 0), lastOrderAgo(121, 60), "steady"},
		{"a 90-day product: champion at 180 days", scores(90, 10, 80, 0), lastOrderAgo(180, 90), "champions"},
		{"292 days after the last order: lapsed, not champion", scores(95, 40, 60, 0), lastOrderAgo(292, 60), "lapsed"},
		{"champions need an order", scores(90, 10, 80, 0), score.Facts{Orders: 0, DaysSinceLastOrder: -1, UseElapsedPercent: -1, TenureDays: 400}, "steady"},
		{"lapsed at exactly 180 days", scores(50, 0, 0, 0), score.Facts{Orders: 1, DaysSinceLastOrder: 180, TenureDays: 400}, "lapsed"},
		{"179 days is not lapsed", scores(50, 0, 0, 0), score.Facts{Orders: 1, DaysSinceLastOrder: 179, TenureDays: 400}, "steady"},
		{"no orders is never lapsed", scores(50, 0, 0, 0), score.Facts{Orders: 0, DaysSinceLastOrder: -1, TenureDays: 400}, "steady"},
		{"new and high potential at 90 days, potential 60", scores(50, 0, 0, 60), score.Facts{TenureDays: 90, DaysSinceLastOrder: -1}, "new_high_potential"},
		{"91 days is no longer new", scores(50, 0, 0, 60), score.Facts{TenureDays: 91, DaysSinceLastOrder: -1}, "steady"},
		{"potential 59 is not high", scores(50, 0, 0, 59), score.Facts{TenureDays: 10, DaysSinceLastOrder: -1}, "steady"},
		{"satisfied occasional at 60/40", scores(60, 30, 40, 0), old, "satisfied_occasional"},
		{"loyalty 41 is not occasional", scores(60, 30, 41, 0), old, "steady"},
		{"occasional needs an order", scores(60, 0, 0, 0), score.Facts{Orders: 0, DaysSinceLastOrder: -1, TenureDays: 400}, "steady"},
		{"champions before occasional", scores(90, 30, 60, 0), old, "champions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := segs.Assign(tt.s, tt.f).Name; got != tt.want {
				t.Errorf("Assign = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDefaultSegmentsStrategies(t *testing.T) {
	segs := score.DefaultSegments()
	want := map[string]string{"at_risk_valuable": "task", "new_high_potential": "task", "satisfied_occasional": "email", "lapsed": "email", "champions": "", "steady": ""}
	for name, kind := range want {
		s, ok := segs.Get(name)
		if !ok {
			t.Fatalf("no segment %s", name)
		}
		got := ""
		if s.Strategy.Task != nil {
			got = "task"
		}
		if s.Strategy.Email != nil {
			got = "email"
		}
		if got != kind {
			t.Errorf("%s strategy = %q, want %q", name, got, kind)
		}
	}
	at, _ := segs.Get("at_risk_valuable")
	if at.Strategy.Task.DueWithin != 48*time.Hour || at.Strategy.Task.Priority < 50 {
		t.Errorf("at-risk call: due within %v, priority %d; want 48h and high", at.Strategy.Task.DueWithin, at.Strategy.Task.Priority)
	}
	if segs[len(segs)-1].Name != "steady" {
		t.Errorf("default bucket is %s", segs[len(segs)-1].Name)
	}
}

func TestLoadSegmentsProblems(t *testing.T) {
	tests := []struct{ name, yaml string }{
		{"not yaml", "segments: [oops"},
		{"unknown field", "segments:\n  - name: a\n    label: A\n    colour: red\n"},
		{"no default bucket", "segments:\n  - name: a\n    label: A\n    when: {value: {min: 1}}\n"},
		{"default not last", "segments:\n  - name: a\n    label: A\n    priority: 1\n  - name: b\n    label: B\n    priority: 2\n    when: {value: {min: 1}}\n"},
		{"duplicate", "segments:\n  - name: a\n    label: A\n    when: {value: {min: 1}}\n  - name: a\n    label: A\n    priority: 5\n"},
		{"bad period", "segments:\n  - name: a\n    label: A\n    strategy: {email: {kind: k, subject: s, body: b, period: fortnight}}\n"},
		{"missing label", "segments:\n  - name: a\n"},
		{"empty", "segments: []\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := score.LoadSegments([]byte(tt.yaml)); !errors.Is(err, score.ErrSegments) {
				t.Errorf("err = %v, want ErrSegments", err)
			}
		})
	}
}

func TestPeriodKey(t *testing.T) {
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for p, want := range map[string]string{"week": "2026-W48", "month": "2026-11", "quarter": "2026-Q4", "year": "2026", "once": "once"} {
		if got := score.PeriodKey(p, at); got != want {
			t.Errorf("PeriodKey(%s) = %s, want %s", p, got, want)
		}
	}
}

func FuzzLoadSegments(f *testing.F) {
	f.Add(score.DefaultYAML())
	f.Add([]byte("segments:\n  - name: a\n    label: A\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		segs, err := score.LoadSegments(data)
		if err == nil && len(segs) > 0 {
			segs.Assign(scores(50, 50, 50, 50), score.Facts{DaysSinceLastOrder: -1})
		}
	})
}

// The audit's case: a customer who reordered one formula monthly and then stopped 292 days ago
// keeps a loyalty of 60 from that past; three fresh 5★ ratings used to make them a champion.
// The last order is far past twice its expected use, so they are lapsed.
func TestLapsedCustomerWithFreshRatingsIsNoChampion(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	h := score.History{Since: now.Add(-700 * day)}
	for _, ago := range []time.Duration{352, 322, 292} {
		h.Orders = append(h.Orders, score.Order{PaidAt: now.Add(-ago * day), TotalCents: 4400, Codes: []string{"MOI-1"}, ExpectedUseDays: 60})
	}
	for range 3 {
		h.Ratings = append(h.Ratings, score.Rating{At: now, Stars: 5, Source: score.SourceFeedback})
	}
	s, f := score.Compute(h, now), score.FactsOf(h, now)
	if s.Satisfaction.Value < 70 || s.Loyalty.Value < 60 {
		t.Fatalf("the case needs champion-level scores: %+v", s)
	}
	if f.DaysSinceLastOrder != 292 || f.UseElapsedPercent != 486 {
		t.Fatalf("facts %+v, want 292 days and 486%% of a 60-day use", f)
	}
	if got := score.DefaultSegments().Assign(s, f).Name; got != "lapsed" {
		t.Fatalf("segment %s, want lapsed", got)
	}
}
