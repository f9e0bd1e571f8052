package fulfillment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

func TestClaimConcurrentEveryJobOnce(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		for i := 0; i < 50; i++ { // 50 orders × 10 units = 500 jobs
			paidOrder(t, s, 10)
		}
		if n := count(t, db, &ProductionJob{}, ""); n != 500 {
			t.Fatalf("%d jobs, want 500", n)
		}
		ctx := context.Background()
		var (
			mu      sync.Mutex
			claimed = map[uint]uint{}
			wg      sync.WaitGroup
		)
		for w := 1; w <= 20; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					j, err := s.ClaimNextJob(ctx, fulfiller(uint(w)), time.Hour)
					if errors.Is(err, ErrQueueEmpty) {
						return
					}
					if err != nil {
						t.Errorf("claimer %d: %v", w, err)
						return
					}
					mu.Lock()
					if prev, dup := claimed[j.ID]; dup {
						t.Errorf("job %d claimed by %d and %d", j.ID, prev, w)
					}
					claimed[j.ID] = uint(w)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(claimed) != 500 {
			t.Fatalf("%d jobs claimed, want 500", len(claimed))
		}
		if n := count(t, db, &ProductionJob{}, "claimed_by IS NULL"); n != 0 {
			t.Fatalf("%d jobs left unclaimed", n)
		}
	})
}

func TestClaimOrderLeaseExpiryAndRelease(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		first := paidOrder(t, s, 1)
		clk.Advance(time.Minute)
		second := paidOrder(t, s, 1)
		// Priority beats age.
		if err := db.Model(&ProductionJob{}).Where("order_id = ?", second.ID).Update("priority", 5).Error; err != nil {
			t.Fatal(err)
		}
		a, b := fulfiller(1), fulfiller(2)
		j1, err := s.ClaimNextJob(ctx, a, 10*time.Minute)
		if err != nil || j1.OrderID != second.ID {
			t.Fatalf("first claim: %v %+v", err, j1)
		}
		j2, err := s.ClaimNextJob(ctx, b, 10*time.Minute)
		if err != nil || j2.OrderID != first.ID {
			t.Fatalf("second claim: %v %+v", err, j2)
		}
		if _, err := s.ClaimNextJob(ctx, b, 10*time.Minute); !errors.Is(err, ErrQueueEmpty) {
			t.Fatalf("want empty queue, got %v", err)
		}
		// a's lease expires: b can claim that job; a can no longer move it.
		clk.Advance(11 * time.Minute)
		j3, err := s.ClaimNextJob(ctx, b, 10*time.Minute)
		if err != nil || (j3.ID != j1.ID && j3.ID != j2.ID) {
			t.Fatalf("reclaim after expiry: %v %+v", err, j3)
		}
		if _, err := s.Transition(ctx, j1.ID, a, JobTransition{To: JobCompounding}); j3.ID == j1.ID && !errors.Is(err, ErrNotClaimed) {
			t.Fatalf("expired holder moved the job: %v", err)
		}
		// A released job is not lost.
		if _, err := s.ReleaseJob(ctx, j3.ID, b); err != nil {
			t.Fatal(err)
		}
		j4, err := s.ClaimNextJob(ctx, a, time.Minute)
		if err != nil || j4.ID != j3.ID {
			t.Fatalf("released job not reclaimable: %v %+v", err, j4)
		}
		// Admin reassigns; the new holder can work it.
		if _, err := s.ReassignJob(ctx, j4.ID, fulfiller(9), 2); !errors.Is(err, ErrForbidden) {
			t.Fatalf("non-admin reassign: %v", err)
		}
		if _, err := s.ReassignJob(ctx, j4.ID, admin(9), 2); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, j4.ID, b, JobTransition{To: JobCompounding}); err != nil {
			t.Fatalf("reassigned holder: %v", err)
		}
		if _, err := s.RenewJobLease(ctx, j4.ID, a, 0); !errors.Is(err, ErrNotClaimed) {
			t.Fatalf("renew by non-holder: %v", err)
		}
		// Roles: care staff cannot claim or ship.
		if _, err := s.ClaimNextJob(ctx, carer(5), 0); !errors.Is(err, ErrForbidden) {
			t.Fatalf("care claimed a job: %v", err)
		}
		if _, err := s.Transition(ctx, j4.ID, carer(5), JobTransition{To: JobQualityCheck}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("care moved a job: %v", err)
		}
	})
}

func TestTransitionRules(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		paidOrder(t, s, 1)
		a := fulfiller(1)
		j, err := s.ClaimNextJob(ctx, a, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Transition(ctx, j.ID, a, JobTransition{To: JobShipped})
		var it *IllegalTransitionError
		if !errors.As(err, &it) || !errors.Is(err, ErrIllegalTransition) {
			t.Fatalf("want illegal transition, got %v", err)
		}
		if want := []string{JobCompounding, JobOnHold, JobCancelled}; !slices.Equal(it.Allowed, want) || it.From != JobQueued {
			t.Fatalf("allowed = %v, want %v", it.Allowed, want)
		}
		if _, err := s.Transition(ctx, j.ID, a, JobTransition{To: "teleported"}); !errors.Is(err, ErrValidation) {
			t.Fatalf("unknown status: %v", err)
		}
		if _, err := s.Transition(ctx, j.ID, a, JobTransition{To: JobOnHold}); !errors.Is(err, ErrValidation) {
			t.Fatalf("hold without reason: %v", err)
		}
		for _, to := range []string{JobCompounding, JobQualityCheck, JobPacked} {
			if _, err := s.Transition(ctx, j.ID, a, JobTransition{To: to}); err != nil {
				t.Fatalf("→ %s: %v", to, err)
			}
		}
		_, err = s.Transition(ctx, j.ID, a, JobTransition{To: JobShipped, Carrier: "DHL"})
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Fields["tracking"] == "" || ve.Fields["carrier"] != "" {
			t.Fatalf("shipped without tracking: %v", err)
		}
		// Hold returns to the state it left.
		if _, err := s.Transition(ctx, j.ID, a, JobTransition{To: JobOnHold, Note: "label misprinted"}); err != nil {
			t.Fatal(err)
		}
		held, _ := s.GetJob(ctx, j.ID)
		if held.HoldFrom != JobPacked || held.ClaimedBy != nil {
			t.Fatalf("hold: %+v", held)
		}
		_, err = s.Transition(ctx, j.ID, a, JobTransition{To: JobQueued})
		if !errors.As(err, &it) || !slices.Equal(it.Allowed, []string{JobPacked, JobCancelled}) {
			t.Fatalf("from hold: %v", err)
		}
		if _, err := s.Transition(ctx, j.ID, a, JobTransition{To: JobPacked}); err != nil {
			t.Fatal(err)
		}
		shipped, err := s.Transition(ctx, j.ID, a, JobTransition{To: JobShipped, Carrier: "DHL", Tracking: "JD0001"})
		if err != nil || shipped.Tracking != "JD0001" || shipped.ClaimedBy != nil {
			t.Fatalf("ship: %v %+v", err, shipped)
		}
		trail, _ := s.AuditFor(ctx, fmt.Sprintf("job:%d", j.ID))
		if len(trail) != 7 { // claim + 6 moves
			t.Fatalf("audit trail has %d entries: %+v", len(trail), trail)
		}
	})
}

func TestJobWalkToDeliveredSchedulesFollowUps(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		o := paidOrder(t, s, 2)
		a := fulfiller(3)
		var ids []uint
		for range 2 {
			j, err := s.ClaimNextJob(ctx, a, 0)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, j.ID)
		}
		orderStatus := func() string { got, _ := s.Get(ctx, o.ID); return got.Status }
		move := func(id uint, to string) {
			t.Helper()
			in := JobTransition{To: to}
			if to == JobShipped {
				in.Carrier, in.Tracking = "La Poste", fmt.Sprintf("LP%d", id)
			}
			if _, err := s.Transition(ctx, id, a, in); err != nil {
				t.Fatalf("job %d → %s: %v", id, to, err)
			}
		}
		move(ids[0], JobCompounding)
		if st := orderStatus(); st != OrderInProduction {
			t.Fatalf("order %s after first compounding", st)
		}
		for _, to := range []string{JobQualityCheck, JobPacked, JobShipped} {
			move(ids[0], to)
		}
		if st := orderStatus(); st != OrderInProduction {
			t.Fatalf("order %s with one job shipped", st)
		}
		for _, to := range []string{JobCompounding, JobQualityCheck, JobPacked, JobShipped} {
			move(ids[1], to)
		}
		if st := orderStatus(); st != OrderShipped {
			t.Fatalf("order %s with all shipped", st)
		}
		move(ids[0], JobDelivered)
		move(ids[1], JobDelivered)
		if st := orderStatus(); st != OrderDelivered {
			t.Fatalf("order %s with all delivered", st)
		}
		for _, key := range []string{"shipped:order:%d", "feedback_request:order:%d"} {
			if n := count(t, db, &OutboxMessage{}, "dedupe_key = ?", fmt.Sprintf(key, o.ID)); n != 1 {
				t.Fatalf("%s: %d", key, n)
			}
		}
		// The check-in appears on schedule, not before.
		checkIns := func() int64 { return count(t, db, &FollowUpTask{}, "kind = ? AND order_id = ?", TaskCheckIn, o.ID) }
		clk.Advance(13 * 24 * time.Hour)
		if _, err := s.Tick(ctx); err != nil || checkIns() != 0 {
			t.Fatalf("check-in too early: %v %d", err, checkIns())
		}
		clk.Advance(24 * time.Hour)
		rep, err := s.Tick(ctx)
		if err != nil || checkIns() != 1 || rep.CheckIns != 1 {
			t.Fatalf("check-in not created on day 14: %v %d %+v", err, checkIns(), rep)
		}
		// Replenishment: 2 units of 60 days of use, reminder 10 days before → day 110 after delivery.
		repl := func() int64 { return count(t, db, &FollowUpTask{}, "kind = ?", TaskReplenishment) }
		clk.Advance(95 * 24 * time.Hour) // day 109
		if _, _ = s.Tick(ctx); repl() != 0 {
			t.Fatal("replenishment too early")
		}
		clk.Advance(24 * time.Hour)
		if _, err := s.Tick(ctx); err != nil || repl() != 1 {
			t.Fatalf("replenishment on day 110: %v %d", err, repl())
		}
		if n := count(t, db, &OutboxMessage{}, "kind = ?", MailReplenishmentReminder); n != 1 {
			t.Fatalf("reminder emails: %d", n)
		}
		if st, _ := s.Get(ctx, o.ID); st.Status != OrderDelivered {
			t.Fatal("order moved backwards")
		}
	})
}

func TestReadModels(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		o := paidOrder(t, s, 2)
		j, err := s.ClaimNextJob(ctx, fulfiller(1), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Minute)
		list, err := s.ListJobs(ctx, JobFilter{Status: JobQueued})
		if err != nil || len(list) != 2 || list[0].Email != o.Email || list[0].Code != "SER-0000" || list[0].Quantity != 2 {
			t.Fatalf("list: %v %+v", err, list)
		}
		if !list[0].LeaseExpired && !list[1].LeaseExpired {
			t.Fatal("expired lease not flagged")
		}
		if _, err := s.ListJobs(ctx, JobFilter{Status: "lost"}); !errors.Is(err, ErrValidation) {
			t.Fatalf("bad status: %v", err)
		}
		sheet, err := s.BatchSheet(ctx, j.ID)
		if err != nil || sheet.Units != 2 || sheet.Item.Formula == "" || sheet.Item.Packaging == "" || sheet.Order.ID != o.ID {
			t.Fatalf("batch sheet: %v %+v", err, sheet)
		}
		if _, err := s.BatchSheet(ctx, 9999); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing job: %v", err)
		}
	})
}
