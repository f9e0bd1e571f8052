package fulfillment

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// assertWork checks that order o has exactly its jobs, welcome task and confirmation email.
func assertWork(t *testing.T, db *gorm.DB, o *Order) {
	t.Helper()
	units := 0
	for _, it := range o.Items {
		units += it.Quantity
	}
	if n := count(t, db, &ProductionJob{}, "order_id = ?", o.ID); n != int64(units) {
		t.Errorf("order %d: %d jobs, want %d", o.ID, n, units)
	}
	if n := count(t, db, &FollowUpTask{}, "order_id = ? AND kind = ?", o.ID, TaskWelcome); n != 1 {
		t.Errorf("order %d: %d welcome tasks, want 1", o.ID, n)
	}
	if n := count(t, db, &OutboxMessage{}, "dedupe_key = ?", fmt.Sprintf("order_confirmation:order:%d", o.ID)); n != 1 {
		t.Errorf("order %d: %d confirmation emails, want 1", o.ID, n)
	}
}

func TestConfirmPaymentIdempotent(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		o, err := s.CreateOrder(ctx, validOrder("k", 2, 1))
		if err != nil {
			t.Fatal(err)
		}
		// The same event 5 times, then other event ids for the same payment (success page, demo).
		for i := 0; i < 5; i++ {
			got, err := s.ConfirmPayment(ctx, confirmation(o, "evt_same"))
			if err != nil || got.Status != OrderPaid {
				t.Fatalf("confirm %d: %v %v", i, err, got)
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, 10)
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ev := "evt_same"
				if i%2 == 0 {
					ev = fmt.Sprintf("session:cs_%d:completed", i)
				}
				if _, err := s.ConfirmPayment(ctx, confirmation(o, ev)); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent confirm: %v", err)
		}
		got, _ := s.Get(ctx, o.ID)
		if got.Status != OrderPaid || got.PaidAt == nil {
			t.Fatalf("status %s", got.Status)
		}
		assertWork(t, db, got)
		if n := count(t, db, &OrderEvent{}, "order_id = ? AND to_status = ?", o.ID, OrderPaid); n != 1 {
			t.Errorf("%d paid events, want 1", n)
		}
		if n := count(t, db, &AuditEntry{}, "object = ? AND action = ?", fmt.Sprintf("order:%d", o.ID), "order.paid"); n != 1 {
			t.Errorf("%d paid audit entries, want 1", n)
		}
	})
}

func TestCompletedAfterExpiredStillPays(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		o, _ := s.CreateOrder(ctx, validOrder("k", 1))
		got, err := s.MarkExpired(ctx, expiry(o, "evt_expired"))
		if err != nil || got.Status != OrderCancelled {
			t.Fatalf("expire: %v %v", err, got.Status)
		}
		got, err = s.ConfirmPayment(ctx, confirmation(o, "evt_completed"))
		if err != nil || got.Status != OrderPaid {
			t.Fatalf("completed after expired: %v %v", err, got.Status)
		}
		// A redelivered expiry and a late one change nothing now.
		for _, ev := range []string{"evt_expired", "evt_expired_2"} {
			if got, err = s.MarkExpired(ctx, expiry(o, ev)); err != nil || got.Status != OrderPaid {
				t.Fatalf("expiry after paid: %v %v", err, got.Status)
			}
		}
		assertWork(t, db, got)
	})
}

func TestConfirmPaymentRollsBackOnFailure(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		o, _ := s.CreateOrder(ctx, validOrder("k", 3))
		boom := errors.New("injected failure")
		s.afterMarkPaid = func(tx *gorm.DB) error { return boom }
		if _, err := s.ConfirmPayment(ctx, confirmation(o, "evt_1")); !errors.Is(err, boom) {
			t.Fatalf("want injected failure, got %v", err)
		}
		got, _ := s.Get(ctx, o.ID)
		if got.Status != OrderPendingPayment || got.PaidAt != nil {
			t.Fatalf("order paid without its work: %s", got.Status)
		}
		for name, m := range map[string]any{"jobs": &ProductionJob{}, "tasks": &FollowUpTask{}, "outbox": &OutboxMessage{}, "events": &PaymentEvent{}} {
			if n := count(t, db, m, ""); n != 0 {
				t.Errorf("%s left behind: %d", name, n)
			}
		}
		// The provider retries the same event once the fault is gone: it now pays, with its work.
		s.afterMarkPaid = nil
		got, err := s.ConfirmPayment(ctx, confirmation(o, "evt_1"))
		if err != nil || got.Status != OrderPaid {
			t.Fatalf("retry: %v %v", err, got.Status)
		}
		assertWork(t, db, got)
	})
}

func TestConfirmPaymentMismatchHoldsOrder(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		o, _ := s.CreateOrder(ctx, validOrder("k", 1))
		pc := confirmation(o, "evt_low")
		pc.AmountCents = 1
		got, err := s.ConfirmPayment(ctx, pc)
		var me *PaymentMismatchError
		if !errors.As(err, &me) || !errors.Is(err, ErrPaymentMismatch) || me.GotCents != 1 {
			t.Fatalf("want mismatch, got %v", err)
		}
		if got == nil || got.Status != OrderOnHold {
			t.Fatalf("order not held: %+v", got)
		}
		if n := count(t, db, &ProductionJob{}, ""); n != 0 {
			t.Fatalf("jobs created for a mismatched payment: %d", n)
		}
		if n := count(t, db, &FollowUpTask{}, "kind = ? AND priority = ?", TaskManual, PriorityUrgent); n != 1 {
			t.Fatalf("no review task: %d", n)
		}
		// A later correct event does not silently pay a held order.
		if got, err := s.ConfirmPayment(ctx, confirmation(o, "evt_ok")); err != nil || got.Status != OrderOnHold {
			t.Fatalf("held order changed: %v %v", err, got.Status)
		}
	})
}

func TestConfirmPaymentUnknownOrder(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		_, err := s.ConfirmPayment(context.Background(), PaymentConfirmation{OrderID: 999, OrderPublicID: "x", Provider: ProviderDemo, EventID: "e", AmountCents: 1, Currency: "EUR"})
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("want ErrNotFound, got %v", err)
		}
		_, err = s.ConfirmPayment(context.Background(), PaymentConfirmation{})
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 4 {
			t.Fatalf("want 4 field errors, got %v", err)
		}
	})
}

func TestHundredConcurrentCheckouts(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		const n = 100
		var wg sync.WaitGroup
		errs := make(chan error, 3*n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				o, err := s.CreateOrder(ctx, validOrder(fmt.Sprintf("owner-%d", i), 1+i%3, 1))
				if err != nil {
					errs <- err
					return
				}
				// webhook and success page race each other
				var inner sync.WaitGroup
				for _, ev := range []string{"evt_" + o.PublicID, "session:" + o.PublicID} {
					inner.Add(1)
					go func() {
						defer inner.Done()
						if _, err := s.ConfirmPayment(ctx, confirmation(o, ev)); err != nil {
							errs <- err
						}
					}()
				}
				inner.Wait()
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("checkout: %v", err)
		}
		if got := count(t, db, &Order{}, "status = ?", OrderPaid); got != n {
			t.Fatalf("%d paid orders, want %d", got, n)
		}
		var orders []Order
		db.Preload("Items").Find(&orders)
		for i := range orders {
			assertWork(t, db, &orders[i])
		}
	})
}
