package loyalty_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
	"atelier/app/loyalty"
	"atelier/fulfillment"
)

func day(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func TestRecomputeAtRiskCreatesOneCallTask(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		fx := newFixture(t, db)
		ctx := context.Background()
		id := fx.customer(t, "unhappy@example.com", testNow.Add(-day(300)), true)
		fx.paidOrder(t, id, "unhappy@example.com", testNow.Add(-day(100)), 30000, "serum")
		fx.paidOrder(t, id, "unhappy@example.com", testNow.Add(-day(20)), 20000, "serum")
		fx.rating(t, id, "unhappy@example.com", testNow.Add(-day(5)), 1, "staff")
		fx.rating(t, id, "unhappy@example.com", testNow.Add(-day(10)), 2, "customer")

		for run := range 2 {
			res, err := fx.svc.Recompute(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if res.Segment != "at_risk_valuable" {
				t.Fatalf("segment = %s (%+v)", res.Segment, res.Scores)
			}
			if res.Moved != (run == 0) {
				t.Errorf("run %d: moved = %v", run, res.Moved)
			}
		}
		if _, err := fx.svc.RecomputeAll(ctx); err != nil {
			t.Fatal(err)
		}
		var tasks []fulfillment.FollowUpTask
		db.Where("customer_id = ? AND kind = ?", id, fulfillment.TaskLoyalty).Find(&tasks)
		if len(tasks) != 1 {
			t.Fatalf("%d loyalty tasks after three runs, want 1", len(tasks))
		}
		tk := tasks[0]
		if tk.Priority != fulfillment.PriorityHigh || !tk.DueAt.Equal(testNow.Add(48*time.Hour)) || tk.DedupeKey != loyalty.TaskKey("at_risk_valuable", id, "2026-11") {
			t.Errorf("task = priority %d due %v key %s", tk.Priority, tk.DueAt, tk.DedupeKey)
		}
		var moves int64
		db.Model(&loyalty.SegmentMove{}).Where("customer_id = ?", id).Count(&moves)
		if moves != 1 {
			t.Errorf("%d segment moves, want 1", moves)
		}
		ex, err := fx.svc.Score(ctx, id)
		if err != nil || ex.Satisfaction > 40 || ex.Value < 50 || len(ex.Scores.Satisfaction.Reasons) == 0 {
			t.Fatalf("stored score %+v, %v", ex, err)
		}
		// next month the call is due again: one more task, once
		*fx.now = testNow.Add(day(10))
		for range 2 {
			if _, err := fx.svc.RecomputeAll(ctx); err != nil {
				t.Fatal(err)
			}
		}
		db.Model(&fulfillment.FollowUpTask{}).Where("customer_id = ? AND kind = ?", id, fulfillment.TaskLoyalty).Find(&tasks)
		if len(tasks) != 2 {
			t.Errorf("%d loyalty tasks after a new month, want 2", len(tasks))
		}
	})
}

func TestStrategyEmailOncePerPeriodAndOnlyWithOptIn(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		fx := newFixture(t, db)
		ctx := context.Background()
		in := fx.customer(t, "gone@example.com", testNow.Add(-day(600)), true)
		out := fx.customer(t, "gone-quiet@example.com", testNow.Add(-day(600)), false)
		for _, c := range []struct {
			id    uint
			email string
		}{{in, "gone@example.com"}, {out, "gone-quiet@example.com"}} {
			fx.paidOrder(t, c.id, c.email, testNow.Add(-day(250)), 4000, "shampoo")
		}
		for range 2 {
			rep, err := fx.svc.RecomputeAll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Customers != 2 {
				t.Fatalf("report %+v", rep)
			}
		}
		var msgs []fulfillment.OutboxMessage
		db.Where("kind = ?", "loyalty_win_back").Find(&msgs)
		if len(msgs) != 1 || msgs[0].To != "gone@example.com" || msgs[0].DedupeKey != loyalty.EmailKey("lapsed", in, "2026-Q4") {
			t.Fatalf("win-back mails = %+v", msgs)
		}
	})
}

func TestRecomputeUnknownCustomer(t *testing.T) {
	fx := newFixture(t, databasetest.SQLite(t))
	if _, err := fx.svc.Recompute(context.Background(), 999); !errors.Is(err, loyalty.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func TestSeededStoreSegmentsAndDashboard(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		fx := newFixture(t, db)
		st := fx.seed(t, 200)
		if st.Customers != 200 || st.Orders < 200 || st.Feedback == 0 {
			t.Fatalf("seed stats %+v", st)
		}
		ctx := context.Background()
		rep, err := fx.svc.RecomputeAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Customers != 200 || rep.TasksCreated == 0 {
			t.Errorf("report %+v", rep)
		}
		var segs []struct {
			Segment string
			N       int
		}
		db.Model(&loyalty.CustomerScore{}).Select("segment, COUNT(*) AS n").Group("segment").Find(&segs)
		if len(segs) < 4 {
			t.Errorf("only %d segments populated: %+v", len(segs), segs)
		}
		again, err := fx.svc.RecomputeAll(ctx)
		if err != nil || again.TasksCreated != 0 || again.EmailsQueued != 0 || again.Moved != 0 {
			t.Errorf("second run %+v, %v; want no new work", again, err)
		}
		d, err := fx.svc.Dashboard(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Charts) != len(loyalty.ChartIDs) {
			t.Fatalf("%d charts", len(d.Charts))
		}
		for i, id := range loyalty.ChartIDs {
			c := d.Charts[i]
			if c.ID != id || c.Empty() {
				t.Errorf("chart %d = %s, empty %v", i, c.ID, c.Empty())
			}
		}
		t.Logf("seed %+v; recompute %+v; figures %+v; segments %+v", st, rep, d.Figures, segs)
	})
}

func TestDue(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		fx := newFixture(t, db)
		ctx := context.Background()
		if due, err := fx.svc.Due(ctx); err != nil || due {
			t.Fatalf("empty store due = %v, %v", due, err)
		}
		fx.customer(t, "a@example.com", testNow.Add(-day(3)), false)
		if due, _ := fx.svc.Due(ctx); !due {
			t.Fatal("unscored customer: not due")
		}
		if _, err := fx.svc.RecomputeAll(ctx); err != nil {
			t.Fatal(err)
		}
		if due, _ := fx.svc.Due(ctx); due {
			t.Fatal("due right after a recompute")
		}
		*fx.now = testNow.Add(24 * time.Hour)
		if due, _ := fx.svc.Due(ctx); !due {
			t.Fatal("not due a day later")
		}
	})
}
