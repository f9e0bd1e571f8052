package fulfillment

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

func TestFollowUpClaimCompleteAndRecovery(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		o := paidOrder(t, s, 1)
		c := carer(4)
		if _, err := s.ClaimNextTask(ctx, c, 0); !errors.Is(err, ErrQueueEmpty) {
			t.Fatalf("welcome task claimable before due: %v", err)
		}
		if _, err := s.ClaimNextTask(ctx, fulfiller(1), 0); !errors.Is(err, ErrForbidden) {
			t.Fatalf("fulfillment claimed a follow-up: %v", err)
		}
		clk.Advance(2 * time.Hour)
		task, err := s.ClaimNextTask(ctx, c, 0)
		if err != nil || task.Kind != TaskWelcome || task.OrderID == nil || *task.OrderID != o.ID {
			t.Fatalf("claim welcome: %v %+v", err, task)
		}
		if _, err := s.CompleteTask(ctx, task.ID, carer(5), OutcomeReached, "", nil); !errors.Is(err, ErrNotClaimed) {
			t.Fatalf("non-holder completed: %v", err)
		}
		if _, err := s.CompleteTask(ctx, task.ID, fulfiller(4), OutcomeReached, "", nil); !errors.Is(err, ErrForbidden) {
			t.Fatalf("fulfillment completed a follow-up: %v", err)
		}
		bad := 9
		_, err = s.CompleteTask(ctx, task.ID, c, "shrugged", "", &bad)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Fields["outcome"] == "" || ve.Fields["satisfaction"] == "" {
			t.Fatalf("validation: %v", err)
		}
		low := 2
		done, err := s.CompleteTask(ctx, task.ID, c, OutcomeReached, "the serum stings", &low)
		if err != nil || done.State != TaskDone || done.CompletedAt == nil || *done.Satisfaction != 2 {
			t.Fatalf("complete: %v %+v", err, done)
		}
		if _, err := s.CompleteTask(ctx, task.ID, c, OutcomeReached, "", nil); !errors.Is(err, ErrIllegalTransition) {
			t.Fatalf("completed twice: %v", err)
		}
		// The low rating produced one urgent recovery task, due now, first in line.
		rec, err := s.ClaimNextTask(ctx, c, 0)
		if err != nil || rec.Kind != TaskRecovery || rec.Priority != PriorityUrgent {
			t.Fatalf("recovery: %v %+v", err, rec)
		}
		// Customer feedback: a low rating makes one recovery task per order, however often sent.
		for range 3 {
			if _, err := s.RecordFeedback(ctx, FeedbackInput{OrderID: o.ID, OrderItemID: o.Items[0].ID, Rating: 1, Note: "itchy"}); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, db, &FollowUpTask{}, "kind = ?", TaskRecovery); n != 2 {
			t.Fatalf("%d recovery tasks, want 2 (one per source)", n)
		}
		if _, err := s.RecordFeedback(ctx, FeedbackInput{OrderID: o.ID, OrderItemID: o.Items[0].ID, Rating: 0}); !errors.Is(err, ErrValidation) {
			t.Fatalf("rating 0: %v", err)
		}
		story, err := s.CustomerStory(ctx, nil, "ADA@example.com")
		if err != nil || len(story.Orders) != 1 || len(story.Tasks) != 3 || len(story.Feedback) != 2 {
			t.Fatalf("story: %v %+v", err, story)
		}
		if story.AverageRating != 1.5 { // staff 2, customer 1 (answered three times, counted once)
			t.Fatalf("average %v", story.AverageRating)
		}
	})
}

func TestFollowUpSnoozeSkipReassignLease(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		task, err := s.CreateManualTask(ctx, carer(1), TaskSpec{Email: "bo@example.com", Title: "Call Bo", Priority: PriorityHigh})
		if err != nil {
			t.Fatal(err)
		}
		c1, c2 := carer(1), carer(2)
		got, err := s.ClaimNextTask(ctx, c1, 10*time.Minute)
		if err != nil || got.ID != task.ID {
			t.Fatalf("claim: %v", err)
		}
		if _, err := s.SnoozeTask(ctx, task.ID, c1, clk.Now().Add(-time.Hour), ""); !errors.Is(err, ErrValidation) {
			t.Fatalf("snooze into the past: %v", err)
		}
		if _, err := s.SnoozeTask(ctx, task.ID, c1, clk.Now().Add(3*time.Hour), "call back after lunch"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimNextTask(ctx, c2, 0); !errors.Is(err, ErrQueueEmpty) {
			t.Fatalf("snoozed task claimable: %v", err)
		}
		due, _ := s.ListTasks(ctx, TaskFilter{DueBefore: ptr(clk.Now().Add(4 * time.Hour))})
		if len(due) != 1 || due[0].Overdue {
			t.Fatalf("list due_before: %+v", due)
		}
		clk.Advance(3 * time.Hour)
		if _, err := s.ClaimNextTask(ctx, c2, 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		// c2's lease expires: c1 picks it up again.
		clk.Advance(11 * time.Minute)
		if got, err := s.ClaimNextTask(ctx, c1, 10*time.Minute); err != nil || got.ID != task.ID {
			t.Fatalf("expired task lease: %v", err)
		}
		if _, err := s.ReassignTask(ctx, task.ID, c1, 2); !errors.Is(err, ErrForbidden) {
			t.Fatalf("care reassigned: %v", err)
		}
		if _, err := s.ReassignTask(ctx, task.ID, admin(9), 2); err != nil {
			t.Fatal(err)
		}
		skipped, err := s.SkipTask(ctx, task.ID, c2, "asked not to be called")
		if err != nil || skipped.State != TaskSkipped {
			t.Fatalf("skip: %v %+v", err, skipped)
		}
		clk.Advance(48 * time.Hour)
		if over, _ := s.ListTasks(ctx, TaskFilter{}); len(over) != 0 {
			t.Fatalf("skipped task still listed: %+v", over)
		}
	})
}

func TestEnsureTaskIdempotentAndReprioritises(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		spec := TaskSpec{Kind: TaskLoyalty, Email: "cy@example.com", DueAt: clk.Now().Add(48 * time.Hour), Priority: PriorityLow, DedupeKey: "loyalty:win_back:cy"}
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.tx(ctx, func(tx *gorm.DB) error {
					_, c, err := s.EnsureTask(tx, spec)
					if c {
						mu.Lock()
						created++
						mu.Unlock()
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if created != 1 || count(t, db, &FollowUpTask{}, "") != 1 {
			t.Fatalf("created %d", created)
		}
		spec.Priority, spec.DueAt = PriorityHigh, clk.Now()
		var got *FollowUpTask
		_ = s.tx(ctx, func(tx *gorm.DB) (err error) { got, _, err = s.EnsureTask(tx, spec); return })
		if got.Priority != PriorityHigh || !got.DueAt.Equal(clk.Now()) {
			t.Fatalf("not re-prioritised: %+v", got)
		}
		if _, _, err := s.EnsureTask(db, TaskSpec{Kind: "party", DedupeKey: ""}); !errors.Is(err, ErrValidation) {
			t.Fatalf("bad spec: %v", err)
		}
	})
}
