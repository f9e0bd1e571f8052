package fulfillment

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

func TestRefund(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clock := newTestService(t, db)
		ctx := context.Background()

		t.Run("stops the work still to do and tells the customer", func(t *testing.T) {
			o := paidOrder(t, s, 3)
			// One unit is being compounded by a worker, one is shipped, one still queued.
			j, err := s.ClaimNextJob(ctx, fulfiller(5), 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Transition(ctx, j.ID, fulfiller(5), JobTransition{To: JobCompounding}); err != nil {
				t.Fatal(err)
			}
			var shipped ProductionJob
			db.Where("order_id = ? AND id <> ?", o.ID, j.ID).Order("id").Take(&shipped)
			for _, to := range []JobTransition{{To: JobCompounding}, {To: JobQualityCheck}, {To: JobPacked}, {To: JobShipped, Carrier: "DHL", Tracking: "T1"}} {
				if _, err := s.Transition(ctx, shipped.ID, admin(1), to); err != nil {
					t.Fatalf("ship: %v", err)
				}
			}
			clock.Advance(1)
			got, err := s.Refund(ctx, admin(1), o.ID, "  Allergic reaction to the serum  ", "re_123")
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != OrderRefunded || got.CheckInDueAt != nil {
				t.Fatalf("order after refund: %+v", got)
			}
			var jobs []ProductionJob
			db.Where("order_id = ?", o.ID).Order("id").Find(&jobs)
			for _, jb := range jobs {
				want := JobCancelled
				if jb.ID == shipped.ID {
					want = JobShipped // already on its way: left as it is
				}
				if jb.Status != want || (want == JobCancelled && (jb.ClaimedBy != nil || !strings.Contains(jb.Reason, "Allergic"))) {
					t.Errorf("job %d: %s claimed %v reason %q, want %s", jb.ID, jb.Status, jb.ClaimedBy, jb.Reason, want)
				}
			}
			if n := count(t, db, &FollowUpTask{}, "order_id = ? AND state IN ?", o.ID, []string{TaskOpen, TaskClaimed}); n != 0 {
				t.Errorf("%d follow-ups still open", n)
			}
			if n := count(t, db, &OutboxMessage{}, "kind = ? AND to_addr = ?", MailOrderRefunded, o.Email); n != 1 {
				t.Errorf("%d refund emails", n)
			}
			var ev OrderEvent
			if err := db.Where("order_id = ? AND to_status = ?", o.ID, OrderRefunded).Take(&ev).Error; err != nil || ev.Note != "Allergic reaction to the serum (refund re_123)" || ev.Actor != "staff:1" {
				t.Errorf("history: %+v %v", ev, err)
			}
			// The worker's next move on the cancelled unit is refused; a second refund too.
			if _, err := s.Transition(ctx, j.ID, fulfiller(5), JobTransition{To: JobQualityCheck}); !errors.Is(err, ErrIllegalTransition) {
				t.Errorf("moving a cancelled unit: %v", err)
			}
			var it *IllegalTransitionError
			if _, err := s.Refund(ctx, admin(1), o.ID, "again", "re_124"); !errors.As(err, &it) {
				t.Errorf("second refund: %v", err)
			}
			if n := count(t, db, &OutboxMessage{}, "kind = ?", MailOrderRefunded); n != 1 {
				t.Errorf("%d refund emails after a second try", n)
			}
		})

		t.Run("refusals", func(t *testing.T) {
			paid := paidOrder(t, s, 1)
			pending, err := s.CreateOrder(ctx, validOrder("refund-pending", 1))
			if err != nil {
				t.Fatal(err)
			}
			var ve *ValidationError
			var it *IllegalTransitionError
			tests := []struct {
				name   string
				actor  Actor
				id     uint
				reason string
				check  func(error) bool
			}{
				{"fulfillment staff", fulfiller(2), paid.ID, "ok", func(err error) bool { return errors.Is(err, ErrForbidden) }},
				{"care staff", carer(3), paid.ID, "ok", func(err error) bool { return errors.Is(err, ErrForbidden) }},
				{"no reason", admin(1), paid.ID, " ", func(err error) bool { return errors.As(err, &ve) && ve.Fields["reason"] != "" }},
				{"long reason", admin(1), paid.ID, strings.Repeat("é", 1001), func(err error) bool { return errors.As(err, &ve) }},
				{"not paid", admin(1), pending.ID, "ok", func(err error) bool { return errors.As(err, &it) }},
				{"unknown order", admin(1), 99999, "ok", func(err error) bool { return errors.Is(err, ErrNotFound) }},
			}
			for _, tt := range tests {
				if _, err := s.Refund(ctx, tt.actor, tt.id, tt.reason, "re_x"); !tt.check(err) {
					t.Errorf("%s: %v", tt.name, err)
				}
			}
			if got, _ := s.Get(ctx, paid.ID); got.Status != OrderPaid {
				t.Errorf("a refused refund changed the order: %s", got.Status)
			}
			// 1,000 characters that are not ASCII are within the limit.
			if _, err := CheckRefundReason(strings.Repeat("é", 1000)); err != nil {
				t.Errorf("1,000 accented characters: %v", err)
			}
		})
	})
}
