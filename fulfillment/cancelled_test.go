package fulfillment

import (
	"context"
	"fmt"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

func TestAllUnitsCancelledAsksAnAdminToRefundOrRemake(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		o := paidOrder(t, s, 2, 1)
		var jobs []ProductionJob
		db.Where("order_id = ?", o.ID).Order("id").Find(&jobs)
		key := fmt.Sprintf("all_cancelled:order:%d", o.ID)
		walk(t, s, jobs[0].ID, JobCancelled)
		walk(t, s, jobs[1].ID, JobOnHold, JobCancelled)
		if n := count(t, db, &FollowUpTask{}, "dedupe_key = ?", key); n != 0 {
			t.Fatal("a task while a unit is still live")
		}
		walk(t, s, jobs[2].ID, JobCompounding, JobCancelled) // the last live unit
		var task FollowUpTask
		if err := db.Where("dedupe_key = ?", key).Take(&task).Error; err != nil {
			t.Fatal(err)
		}
		if task.Title != fmt.Sprintf("All units of order #%d were cancelled: refund or remake", o.ID) ||
			task.Priority != PriorityUrgent || task.State != TaskOpen || task.OrderID == nil || *task.OrderID != o.ID {
			t.Fatalf("task: %+v", task)
		}
		var welcome FollowUpTask
		db.Where("dedupe_key = ?", fmt.Sprintf("welcome:order:%d", o.ID)).Take(&welcome)
		if welcome.State != TaskSkipped {
			t.Fatalf("welcome call still %s", welcome.State)
		}
		if got, _ := s.Get(ctx, o.ID); got.Status != OrderInProduction {
			t.Fatalf("order %s: the order waits for an admin's decision", got.Status)
		}
		// Once: a later sync of the order creates nothing more.
		s.tx(ctx, func(tx *gorm.DB) error { return s.syncOrderStatus(tx, o.ID, System, s.clock()) })
		if n := count(t, db, &FollowUpTask{}, "order_id = ?", o.ID); n != 2 {
			t.Fatalf("%d tasks for the order, want the welcome and the refund-or-remake", n)
		}
	})
}
