package fulfillment

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

func TestSchedulerConcurrentAndAfterRestart(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		var orders []*Order
		for i := range 20 {
			o := paidOrderFor(t, s, fmt.Sprintf("c%d@example.com", i), nil, 1, 1) // 20 customers: none reordered
			deliver(t, s, o)
			orders = append(orders, o)
		}
		clk.Advance(60 * 24 * time.Hour) // past the check-ins and every replenishment date
		// A second instance on the same database and clock.
		other := NewServiceWithOptions(db, Options{Now: clk.Now, Log: quietLog})
		var wg sync.WaitGroup
		for _, inst := range []*Service{s, other, s, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := inst.Tick(ctx); err != nil {
					t.Errorf("tick: %v", err)
				}
			}()
		}
		wg.Wait()
		// "Restart": a brand new Service, and stamps cleared as if a crash lost them.
		db.Model(&Order{}).Where("1 = 1").Update("check_in_created_at", nil)
		db.Model(&OrderItem{}).Where("1 = 1").Update("replenish_created_at", nil)
		restarted := NewServiceWithOptions(db, Options{Now: clk.Now, Log: quietLog})
		rep, err := restarted.Tick(ctx)
		if err != nil || rep != (TickReport{}) {
			t.Fatalf("restart created again: %v %+v", err, rep)
		}
		if n := count(t, db, &FollowUpTask{}, "kind = ?", TaskCheckIn); n != int64(len(orders)) {
			t.Fatalf("%d check-ins, want %d", n, len(orders))
		}
		if n := count(t, db, &FollowUpTask{}, "kind = ?", TaskReplenishment); n != int64(2*len(orders)) {
			t.Fatalf("%d replenishment tasks, want %d", n, 2*len(orders))
		}
		if n := count(t, db, &OutboxMessage{}, "kind = ?", MailReplenishmentReminder); n != int64(2*len(orders)) {
			t.Fatalf("%d reminders, want %d", n, 2*len(orders))
		}
		// A worker pass ticks and delivers everything once.
		w := &Worker{Service: restarted, Mailer: LogMailer{Log: quietLog}}
		if err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, &OutboxMessage{}, "status <> ?", OutboxLogged); n != 0 {
			t.Fatalf("%d messages not logged", n)
		}
	})
}

func TestWorkerRunStopsWithContext(t *testing.T) {
	db := databasetest.SQLite(t)
	s, _ := newTestService(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := &Worker{Service: s, Interval: time.Hour}
	if err := w.Run(ctx); err != context.Canceled {
		t.Fatalf("Run = %v", err)
	}
}
