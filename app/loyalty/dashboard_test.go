package loyalty_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
	"atelier/app/loyalty"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

func TestDashboardCacheServesStaleWhileRefreshing(t *testing.T) {
	fx := newFixture(t, databasetest.SQLite(t))
	svc := loyalty.NewService(fx.db, fx.f, fx.quiz, loyalty.Options{Now: func() time.Time { return *fx.now },
		QuizVersion: questionnaire.Default().Version, DashboardTTL: time.Minute})
	ctx := context.Background()
	first, err := svc.Dashboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := svc.Dashboard(ctx); again != first {
		t.Error("a second request within the TTL rebuilt the dashboard")
	}
	*fx.now = fx.now.Add(2 * time.Minute)
	if stale, _ := svc.Dashboard(ctx); stale != first {
		t.Error("an expired dashboard was not served while refreshing")
	}
	svc.InvalidateDashboard()
	if fresh, _ := svc.Dashboard(ctx); fresh == first {
		t.Error("InvalidateDashboard kept the old copy")
	}
}

// TestDashboardAggregates checks the grouped queries' numbers on a crafted store, on both
// engines (month buckets, reorders, hours to the first follow-up, ratings, funnel, drop-off,
// top lines and options).
func TestDashboardAggregates(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		fx := newFixture(t, db)
		ctx := context.Background()
		at := func(month time.Month, day, hour int) time.Time {
			return time.Date(2026, month, day, hour, 0, 0, 0, time.UTC)
		}
		ana := fx.customer(t, "ana@example.com", at(9, 1, 9), true)
		ben := fx.customer(t, "ben@example.com", at(9, 1, 9), true)
		first := fx.paidOrder(t, ana, "ana@example.com", at(10, 5, 10), 3000, "serum")
		fx.paidOrder(t, ana, "ana@example.com", at(11, 10, 10), 5000, "serum")
		fx.paidOrder(t, ben, "ben@example.com", at(11, 12, 10), 2000, "cleanser")
		fx.paidOrder(t, ben, "ben@example.com", time.Date(2025, 10, 12, 10, 0, 0, 0, time.UTC), 1000, "cleanser") // before the 12 months shown
		if err := db.Exec("UPDATE order_items SET options = ? WHERE line = ?", `{"size":["ml50"],"actives":["niacinamide","zinc"]}`, "serum").Error; err != nil {
			t.Fatal(err)
		}
		done, later := at(10, 5, 15), at(10, 6, 10)
		for i, end := range []time.Time{later, done} { // the first completed follow-up counts: 5 hours
			task := fulfillment.FollowUpTask{Kind: "welcome", CustomerID: &ana, OrderID: &first, State: fulfillment.TaskDone,
				DueAt: done, DedupeKey: fmt.Sprintf("t%d", i), CompletedAt: &end, CreatedAt: done, UpdatedAt: end}
			if err := db.Create(&task).Error; err != nil {
				t.Fatal(err)
			}
		}
		fx.rating(t, ana, "ana@example.com", at(10, 1, 9), 3, "follow_up")
		fx.rating(t, ana, "ana@example.com", at(11, 1, 9), 5, "feedback")
		if _, err := fx.quiz.Create(ctx, "visitor", questionnaire.Default()); err != nil {
			t.Fatal(err)
		}

		d, err := fx.svc.Dashboard(ctx)
		if err != nil {
			t.Fatal(err)
		}
		value := func(chartID, series, label string) float64 {
			t.Helper()
			c, ok := d.Chart(chartID)
			if !ok {
				t.Fatalf("no chart %s", chartID)
			}
			for _, s := range c.Series {
				if s.Name != series {
					continue
				}
				for i, l := range c.Labels {
					if l == label {
						return s.Values[i]
					}
				}
			}
			t.Fatalf("%s: no %q at %q in %v", chartID, series, label, c.Labels)
			return 0
		}
		tests := []struct {
			chart, series, label string
			want                 float64
		}{
			{"revenue", "Revenue (USD)", "2026-10", 30},
			{"revenue", "Revenue (USD)", "2026-11", 70},
			{"revenue", "Revenue (USD)", "2025-12", 0},
			{"reorders", "Orders", "2026-11", 2},
			{"reorders", "Reorders (% of orders)", "2026-11", 100},
			{"reorders", "Reorders (% of orders)", "2026-10", 0},
			{"first_follow_up", "Median hours", "2026-10", 5},
			{"satisfaction", "Average rating (1–5)", "2026-10", 3},
			{"satisfaction", "Average rating (1–5)", "2026-11", 5},
			{"funnel", "Consultations", "Started", 1},
			{"funnel", "Consultations", "Completed", 0},
			{"top_lines", "Units", "serum", 2},
			{"top_lines", "Units", "cleanser", 1},
			{"top_options", "Units", "size: ml50", 2},
			{"top_options", "Units", "actives: zinc", 2},
			{"dropoff", "Reached", questionnaire.Default().Questions()[0].ID, 1},
			{"dropoff", "Left here", questionnaire.Default().Questions()[0].ID, 1},
		}
		for _, tt := range tests {
			t.Run(tt.chart+"/"+tt.label, func(t *testing.T) {
				if got := value(tt.chart, tt.series, tt.label); math.Abs(got-tt.want) > 1e-9 {
					t.Errorf("%s %q at %s = %v, want %v", tt.chart, tt.series, tt.label, got, tt.want)
				}
			})
		}
		figures := map[string]string{}
		for _, f := range d.Figures {
			figures[f.Label] = f.Value
		}
		if figures["Reorder rate"] != "100.0%" || figures["Revenue, last 12 months"] != "$100" || figures["Time to first follow-up"] != "5.0 h" {
			t.Errorf("figures %v", figures)
		}
	})
}
