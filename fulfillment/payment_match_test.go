package fulfillment

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// A payment provider account can be shared by several stores (production, staging, a
// developer's machine), whose order numbers overlap: the public id tells them apart.
func TestPaymentForAnotherStoresOrderIsIgnored(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		o, _ := s.CreateOrder(ctx, validOrder("k", 1))

		foreign := confirmation(o, "evt_foreign_paid")
		foreign.OrderPublicID = "someone-elses"
		if _, err := s.ConfirmPayment(ctx, foreign); !errors.Is(err, ErrNotFound) {
			t.Fatalf("foreign payment: want ErrNotFound, got %v", err)
		}
		if _, err := s.MarkExpired(ctx, CheckoutExpiry{OrderID: o.ID, OrderPublicID: "someone-elses",
			PaymentRef: "cs_other", EventID: "evt_foreign_expired"}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("foreign expiry: want ErrNotFound, got %v", err)
		}
		got, err := s.Get(ctx, o.ID)
		if err != nil || got.Status != OrderPendingPayment {
			t.Fatalf("order after foreign events: %v %v, want pending_payment", err, got.Status)
		}
		if n := count(t, db, &PaymentEvent{}, "order_id = ?", o.ID); n != 0 {
			t.Errorf("%d payment events recorded for foreign events, want 0", n)
		}
		if n := count(t, db, &ProductionJob{}, "order_id = ?", o.ID); n != 0 {
			t.Errorf("%d jobs after a foreign payment, want 0", n)
		}
		// The store's own payment still goes through afterwards.
		if got, err = s.ConfirmPayment(ctx, confirmation(o, "evt_ours")); err != nil || got.Status != OrderPaid {
			t.Fatalf("own payment: %v %v", err, got.Status)
		}
		assertWork(t, db, got)
	})
}

// A shopper who started a second checkout (a new attempt) and then let the first one expire
// still has an open checkout: the old session's expiry leaves the order pending.
func TestExpiryOfAnOlderCheckoutKeepsOrderPending(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		o, _ := s.CreateOrder(ctx, validOrder("k", 1))
		if err := s.SetPaymentRef(ctx, o.ID, ProviderStripe, "cs_second"); err != nil {
			t.Fatal(err)
		}
		got, err := s.MarkExpired(ctx, CheckoutExpiry{OrderID: o.ID, OrderPublicID: o.PublicID, PaymentRef: "cs_first", EventID: "evt_first_expired"})
		if err != nil || got.Status != OrderPendingPayment {
			t.Fatalf("older checkout expired: %v %v, want pending_payment", err, got.Status)
		}
		got, err = s.MarkExpired(ctx, CheckoutExpiry{OrderID: o.ID, OrderPublicID: o.PublicID, PaymentRef: "cs_second", EventID: "evt_second_expired"})
		if err != nil || got.Status != OrderCancelled {
			t.Fatalf("current checkout expired: %v %v, want cancelled", err, got.Status)
		}
	})
}

// Two checkouts of one order paid (two tabs): the first pays the order, the second becomes
// one urgent refund task, however often it is reported; the first reported again (the
// success page after the webhook) is no extra payment.
func TestSecondPaymentOfAPaidOrderAsksForARefund(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		o, _ := s.CreateOrder(ctx, validOrder("k", 2))
		first := confirmation(o, "evt_first")
		first.Provider, first.PaymentRef = ProviderStripe, "cs_first"
		got, err := s.ConfirmPayment(ctx, first)
		if err != nil || got.Status != OrderPaid {
			t.Fatalf("first payment: %v %v", err, got.Status)
		}
		refundTasks := func() int64 {
			return count(t, db, &FollowUpTask{}, "order_id = ? AND priority = ? AND title LIKE ?", o.ID, PriorityUrgent, "Refund an extra payment%")
		}
		again := first
		again.EventID = "session:cs_first"
		if _, err := s.ConfirmPayment(ctx, again); err != nil {
			t.Fatal(err)
		}
		if n := refundTasks(); n != 0 {
			t.Fatalf("the same payment reported twice made %d refund tasks, want 0", n)
		}
		second := first
		second.PaymentRef = "cs_second"
		for _, ev := range []string{"evt_second", "evt_second", "session:cs_second"} {
			second.EventID = ev
			got, err = s.ConfirmPayment(ctx, second)
			if err != nil || got.Status != OrderPaid {
				t.Fatalf("second payment (%s): %v %v", ev, err, got.Status)
			}
		}
		if n := refundTasks(); n != 1 {
			t.Fatalf("%d refund tasks for the second payment, want 1", n)
		}
		if got.PaymentRef != "cs_first" {
			t.Errorf("payment ref %q, want the first payment's", got.PaymentRef)
		}
		assertWork(t, db, got)
	})
}
