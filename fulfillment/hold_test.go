package fulfillment

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// heldOrder creates an order and pays 1 cent for it, which puts it on hold.
func heldOrder(t *testing.T, s *Service, key string, qty int) *Order {
	t.Helper()
	ctx := context.Background()
	o, err := s.CreateOrder(ctx, validOrder(key, qty))
	if err != nil {
		t.Fatal(err)
	}
	pc := confirmation(o, "evt_low_"+key)
	pc.AmountCents = 1
	if _, err := s.ConfirmPayment(ctx, pc); !errors.Is(err, ErrPaymentMismatch) {
		t.Fatalf("want a mismatch, got %v", err)
	}
	return o
}

func TestResolveHold(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()

		t.Run("accepting pays the order and creates its work once", func(t *testing.T) {
			o := heldOrder(t, s, "accept", 2)
			got, err := s.ResolveHold(ctx, admin(1), o.ID, true, "Customer confirmed the amount by phone")
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != OrderPaid || got.PaidAt == nil || got.PaymentProvider != ProviderDemo || got.HoldReason != "" {
				t.Fatalf("order after accept: %+v", got)
			}
			if n := count(t, db, &ProductionJob{}, "order_id = ?", o.ID); n != 2 {
				t.Errorf("%d production jobs, want 2 (one per unit)", n)
			}
			if n := count(t, db, &FollowUpTask{}, "order_id = ? AND kind = ?", o.ID, TaskWelcome); n != 1 {
				t.Errorf("%d welcome tasks, want 1", n)
			}
			if n := count(t, db, &FollowUpTask{}, "dedupe_key = ? AND state = ?", paymentReviewKey(o.ID), TaskDone); n != 1 {
				t.Errorf("the payment review is not closed")
			}
			var ev OrderEvent
			if err := db.Where("order_id = ? AND to_status = ?", o.ID, OrderPaid).Take(&ev).Error; err != nil ||
				!strings.Contains(ev.Note, "by phone") || !strings.Contains(ev.Note, "0.01") {
				t.Errorf("order history: %+v %v", ev, err)
			}
			// Resolving twice is refused, and creates nothing more.
			var it *IllegalTransitionError
			if _, err := s.ResolveHold(ctx, admin(1), o.ID, true, "again"); !errors.As(err, &it) {
				t.Errorf("second resolve: %v", err)
			}
			if n := count(t, db, &ProductionJob{}, "order_id = ?", o.ID); n != 2 {
				t.Errorf("%d production jobs after a second resolve", n)
			}
		})

		t.Run("declining cancels the order without work", func(t *testing.T) {
			o := heldOrder(t, s, "decline", 1)
			got, err := s.ResolveHold(ctx, admin(1), o.ID, false, "Refunded in the Stripe dashboard")
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != OrderCancelled || got.PaidAt != nil || got.HoldReason == "" {
				t.Fatalf("order after decline: %+v", got)
			}
			if n := count(t, db, &ProductionJob{}, "order_id = ?", o.ID); n != 0 {
				t.Errorf("%d production jobs for a declined order", n)
			}
			if n := count(t, db, &AuditEntry{}, "action = ? AND object = ?", "order.hold_cancelled", object("order", o.ID)); n != 1 {
				t.Errorf("no audit entry for the decision")
			}
			// The same payment reported again (the success page after the webhook, another
			// event id) leaves the declined order cancelled, with no new task.
			again := confirmation(o, "session:decline")
			again.AmountCents = 1
			if got, err := s.ConfirmPayment(ctx, again); err != nil || got.Status != OrderCancelled {
				t.Fatalf("same payment again: %v %+v", err, got)
			}
			open := func() int64 {
				return count(t, db, &FollowUpTask{}, "order_id = ? AND state IN ?", o.ID, []string{TaskOpen, TaskClaimed})
			}
			if n := open(); n != 0 {
				t.Errorf("%d open tasks after the same payment again", n)
			}
			// A new payment for it is not made into an order: an urgent task to refund it.
			other := confirmation(o, "evt_second")
			other.PaymentRef = "pi_second"
			if got, err := s.ConfirmPayment(ctx, other); err != nil || got.Status != OrderCancelled {
				t.Fatalf("second payment: %v %+v", err, got)
			}
			if n := count(t, db, &FollowUpTask{}, "order_id = ? AND priority = ? AND title LIKE ?", o.ID, PriorityUrgent, "Refund an extra payment%"); n != 1 || open() != 1 {
				t.Errorf("refund tasks %d, open %d", n, open())
			}
			if n := count(t, db, &ProductionJob{}, "order_id = ?", o.ID); n != 0 {
				t.Errorf("%d jobs for a cancelled order", n)
			}
		})

		t.Run("refusals change nothing", func(t *testing.T) {
			o := heldOrder(t, s, "refuse", 1)
			var ve *ValidationError
			tests := []struct {
				name  string
				actor Actor
				id    uint
				note  string
				check func(error) bool
			}{
				{"not an admin", fulfiller(2), o.ID, "ok", func(err error) bool { return errors.Is(err, ErrForbidden) }},
				{"care staff", carer(3), o.ID, "ok", func(err error) bool { return errors.Is(err, ErrForbidden) }},
				{"no note", admin(1), o.ID, "  ", func(err error) bool { return errors.As(err, &ve) && ve.Fields["note"] != "" }},
				{"long note", admin(1), o.ID, strings.Repeat("x", 1001), func(err error) bool { return errors.As(err, &ve) }},
				{"unknown order", admin(1), 99999, "ok", func(err error) bool { return errors.Is(err, ErrNotFound) }},
			}
			for _, tt := range tests {
				if _, err := s.ResolveHold(ctx, tt.actor, tt.id, true, tt.note); !tt.check(err) {
					t.Errorf("%s: %v", tt.name, err)
				}
			}
			still, _ := s.Get(ctx, o.ID)
			if still.Status != OrderOnHold || count(t, db, &ProductionJob{}, "order_id = ?", o.ID) != 0 {
				t.Errorf("a refused resolve changed the order: %+v", still)
			}
			// An order that was never on hold cannot be "resolved" into paid.
			pending, _ := s.CreateOrder(ctx, validOrder("pending", 1))
			var it *IllegalTransitionError
			if _, err := s.ResolveHold(ctx, admin(1), pending.ID, true, "ok"); !errors.As(err, &it) {
				t.Errorf("pending order: %v", err)
			}
		})
	})
}
