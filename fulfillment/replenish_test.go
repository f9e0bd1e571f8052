package fulfillment

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

func TestReplenishmentDateCountsTheUnitsDelivered(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		o := paidOrder(t, s, 3, 1) // 3 and 1 units of a product that lasts 60 days each
		var jobs []ProductionJob
		db.Where("order_id = ?", o.ID).Order("id").Find(&jobs)
		walk(t, s, jobs[0].ID, JobCancelled) // one of the three is cancelled: 2 are delivered
		for _, j := range jobs[1:] {
			walk(t, s, j.ID, toDelivered...)
		}
		delivered := clk.Now()
		var items []OrderItem
		db.Where("order_id = ?", o.ID).Order("position").Find(&items)
		for i, wantDays := range []int{2*60 - 10, 60 - 10} {
			if it := items[i]; it.ReplenishDueAt == nil || !it.ReplenishDueAt.Equal(delivered.Add(time.Duration(wantDays)*24*time.Hour)) {
				t.Errorf("item %d (%d units): due %v, want delivered + %d days", i, it.Quantity, it.ReplenishDueAt, wantDays)
			}
		}
	})
}

func TestNoReplenishmentReminderAfterAReorder(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		first := paidOrderFor(t, s, "ada@example.com", nil, 1, 1) // codes SER-0000 and SER-0001
		deliver(t, s, first)
		clk.Advance(20 * 24 * time.Hour)
		// Ada reorders the first product only (another order of hers, same code), and
		// someone else orders the second one; an unpaid checkout of it does not count either.
		reorder := paidOrderFor(t, s, "ADA@example.com", nil, 1)
		paidOrderFor(t, s, "bo@example.com", nil, 1, 1)
		in := validOrder("owner-ada", 1, 1)
		if _, err := s.CreateOrder(ctx, in); err != nil {
			t.Fatal(err)
		}
		clk.Advance(60 * 24 * time.Hour)
		rep, err := s.Tick(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Reordered != 1 || rep.Replenishments != 1 {
			t.Fatalf("tick: %+v, want one reminder and one dropped", rep)
		}
		var mails []OutboxMessage
		db.Where("kind = ?", MailReplenishmentReminder).Find(&mails)
		if len(mails) != 1 || mails[0].To != "ada@example.com" || !strings.Contains(mails[0].Body, "SER-0001") {
			t.Fatalf("reminders: %+v", mails)
		}
		audit, _ := s.AuditFor(ctx, object("order", first.ID))
		found := false
		for _, e := range audit {
			found = found || e.Action == "replenishment.skipped" && strings.Contains(e.Note, fmt.Sprintf("order #%d", reorder.ID))
		}
		if !found {
			t.Errorf("the dropped reminder is not audited: %+v", audit)
		}
		if rep, err := s.Tick(ctx); err != nil || rep != (TickReport{}) {
			t.Fatalf("second tick: %v %+v", err, rep)
		}
	})
}

func TestReplenishmentTaskOnlyWhenTheCustomerCallsForIt(t *testing.T) {
	db := databasetest.SQLite(t)
	s, clk := newTestService(t, db)
	ctx := context.Background()
	var asked []uint
	s.opt.ReplenishmentCall = func(_ context.Context, customerID uint) (bool, error) {
		asked = append(asked, customerID)
		return customerID == 7, nil
	}
	seven, eight := uint(7), uint(8)
	for _, o := range []*Order{
		paidOrderFor(t, s, "vip@example.com", &seven, 1),
		paidOrderFor(t, s, "steady@example.com", &eight, 1),
		paidOrderFor(t, s, "guest@example.com", nil, 1),
	} {
		deliver(t, s, o)
	}
	clk.Advance(60 * 24 * time.Hour)
	rep, err := s.Tick(ctx)
	if err != nil || rep.Replenishments != 3 || rep.ReplenishCalls != 1 {
		t.Fatalf("tick: %v %+v", err, rep)
	}
	var tasks []FollowUpTask
	db.Where("kind = ?", TaskReplenishment).Find(&tasks)
	if len(tasks) != 1 || tasks[0].Email != "vip@example.com" {
		t.Fatalf("replenishment tasks: %+v", tasks)
	}
	if fmt.Sprint(asked) != "[7 8]" {
		t.Errorf("asked about %v: guests have no segment", asked)
	}
}
