package fulfillment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// TaskSpec describes a follow-up task to ensure. DedupeKey identifies the reason for the
// task ("check_in:order:12", "loyalty:win_back:customer:7:2026-11"): one task per key, ever.
type TaskSpec struct {
	Kind       string
	CustomerID *uint
	OrderID    *uint
	Email      string
	Title      string
	Notes      string
	DueAt      time.Time
	Priority   int
	DedupeKey  string
}

// EnsureTask creates the task for spec.DedupeKey inside the caller's transaction tx, or,
// when it already exists and is still open or claimed, raises its priority and brings its
// due time forward if spec asks for more urgency (loyalty strategies re-prioritise this way).
// It returns the task and whether it was created. Safe under concurrency: the unique index
// on dedupe_key decides, and a loser simply reads the winner's row.
func (s *Service) EnsureTask(tx *gorm.DB, spec TaskSpec) (*FollowUpTask, bool, error) {
	fe := fieldErrors{}
	if !slices.Contains(taskKinds, spec.Kind) {
		fe.add("kind", "Unknown follow-up kind; use one of "+strings.Join(taskKinds, ", ")+".")
	}
	if spec.DedupeKey == "" || len(spec.DedupeKey) > 160 {
		fe.add("dedupe_key", "A task needs a dedupe key of at most 160 characters.")
	}
	if err := fe.err(); err != nil {
		return nil, false, err
	}
	now := s.clock()
	if spec.DueAt.IsZero() {
		spec.DueAt = now
	}
	t := FollowUpTask{Kind: spec.Kind, CustomerID: spec.CustomerID, OrderID: spec.OrderID, Email: spec.Email,
		Title: truncate(spec.Title, 200), Notes: spec.Notes, DueAt: spec.DueAt.UTC().Truncate(time.Microsecond),
		Priority: spec.Priority, State: TaskOpen, DedupeKey: spec.DedupeKey, CreatedAt: now, UpdatedAt: now}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&t)
	if res.Error != nil {
		return nil, false, res.Error
	}
	if res.RowsAffected == 1 {
		return &t, true, s.audit(tx, System, "task.create", object("task", t.ID), "", TaskOpen, t.DedupeKey)
	}
	var cur FollowUpTask
	if err := tx.Where("dedupe_key = ?", spec.DedupeKey).Take(&cur).Error; err != nil {
		return nil, false, err
	}
	if cur.State != TaskOpen && cur.State != TaskClaimed {
		return &cur, false, nil
	}
	upd := map[string]any{}
	if spec.Priority > cur.Priority {
		upd["priority"], cur.Priority = spec.Priority, spec.Priority
	}
	if cur.State == TaskOpen && t.DueAt.Before(cur.DueAt) {
		upd["due_at"], cur.DueAt = t.DueAt, t.DueAt
	}
	if len(upd) == 0 {
		return &cur, false, nil
	}
	upd["updated_at"] = now
	if err := tx.Model(&FollowUpTask{}).Where("id = ?", cur.ID).Updates(upd).Error; err != nil {
		return nil, false, err
	}
	return &cur, false, s.audit(tx, System, "task.reprioritise", object("task", cur.ID), "", "", fmt.Sprintf("priority %d due %s", cur.Priority, cur.DueAt.Format(time.RFC3339)))
}

// CreateManualTask lets staff add a manual follow-up (kind manual unless spec says otherwise);
// the dedupe key is generated when empty.
func (s *Service) CreateManualTask(ctx context.Context, a Actor, spec TaskSpec) (*FollowUpTask, error) {
	if !a.can(RoleCare) {
		return nil, ErrForbidden
	}
	if spec.Kind == "" {
		spec.Kind = TaskManual
	}
	if spec.DedupeKey == "" {
		spec.DedupeKey = "manual:" + newPublicID()
	}
	var t *FollowUpTask
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		t, _, err = s.EnsureTask(tx, spec)
		return err
	})
	return t, err
}

// GetTask returns a task or ErrNotFound.
func (s *Service) GetTask(ctx context.Context, id uint) (*FollowUpTask, error) {
	return getTask(s.db.WithContext(ctx), id)
}

func getTask(db *gorm.DB, id uint) (*FollowUpTask, error) { return byID[FollowUpTask](db, id) }

// ClaimNextTask gives the actor (care or admin) the most urgent due task: open tasks due
// now, or claimed ones whose lease expired, by priority (higher first) then due time.
// lease ≤ 0 uses Options.TaskLease. ErrQueueEmpty when nothing is due.
func (s *Service) ClaimNextTask(ctx context.Context, a Actor, lease time.Duration) (*FollowUpTask, error) {
	if !a.can(RoleCare) || a.StaffID == 0 {
		return nil, ErrForbidden
	}
	if lease <= 0 {
		lease = s.opt.TaskLease
	}
	for attempt := 0; attempt < 20; attempt++ {
		var got *FollowUpTask
		err := s.claimTx(ctx, func(tx *gorm.DB) error {
			now := s.clock()
			var cands []FollowUpTask
			for _, q := range []*gorm.DB{
				tx.Where("state = ? AND due_at <= ?", TaskOpen, now),
				tx.Where("state = ? AND lease_until < ?", TaskClaimed, now),
			} {
				var c FollowUpTask
				err := skipLocked(q).Order("priority DESC, due_at, id").Limit(1).Take(&c).Error
				if err == nil {
					cands = append(cands, c)
				} else if !errors.Is(err, gorm.ErrRecordNotFound) {
					return err
				}
			}
			if len(cands) == 0 {
				return ErrQueueEmpty
			}
			best := slices.MinFunc(cands, func(x, y FollowUpTask) int {
				if x.Priority != y.Priority {
					return y.Priority - x.Priority
				}
				return x.DueAt.Compare(y.DueAt)
			})
			until := now.Add(lease)
			res := tx.Model(&FollowUpTask{}).
				Where("id = ? AND (state = ? OR (state = ? AND lease_until < ?))", best.ID, TaskOpen, TaskClaimed, now).
				Updates(map[string]any{"state": TaskClaimed, "claimed_by": a.StaffID, "lease_until": until, "updated_at": now})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // lost the race: got stays nil, try again
			}
			from := best.State
			best.State, best.ClaimedBy, best.LeaseUntil, best.UpdatedAt = TaskClaimed, ptr(a.StaffID), &until, now
			got = &best
			return s.audit(tx, a, "task.claim", object("task", best.ID), from, TaskClaimed, "")
		})
		if err != nil {
			return nil, err
		}
		if got != nil {
			return got, nil
		}
	}
	return nil, ErrConflict
}

// CompleteTask closes a claimed task with an outcome (reached, left_message, no_answer,
// emailed), an optional note and an optional satisfaction 1–5. A satisfaction of 1 or 2
// creates a high-priority recovery task (once per completed task).
func (s *Service) CompleteTask(ctx context.Context, taskID uint, a Actor, outcome, note string, satisfaction *int) (*FollowUpTask, error) {
	fe := fieldErrors{}
	if !slices.Contains(outcomes, outcome) {
		fe.add("outcome", "Choose an outcome: "+strings.Join(outcomes, ", ")+".")
	}
	if satisfaction != nil && (*satisfaction < 1 || *satisfaction > 5) {
		fe.add("satisfaction", "Satisfaction is a number from 1 to 5.")
	}
	if len(note) > 10000 {
		fe.add("note", "The note is too long (10,000 characters at most).")
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	return s.changeTask(ctx, taskID, a, TaskDone, note, func(tx *gorm.DB, t *FollowUpTask, upd map[string]any, now time.Time) error {
		upd["outcome"], upd["completed_at"] = outcome, now
		if satisfaction != nil {
			upd["satisfaction"] = *satisfaction
			fb := Feedback{OrderID: t.OrderID, CustomerID: t.CustomerID, TaskID: &t.ID, Email: t.Email,
				Rating: *satisfaction, Note: note, Source: "staff", At: now}
			if err := tx.Create(&fb).Error; err != nil {
				return err
			}
			if *satisfaction <= 2 {
				return s.recoveryTask(tx, t.OrderID, t.CustomerID, t.Email, *satisfaction, note, fmt.Sprintf("recovery:task:%d", t.ID))
			}
		}
		return nil
	})
}

// SkipTask closes a task without contact (e.g. the customer asked not to be called).
func (s *Service) SkipTask(ctx context.Context, taskID uint, a Actor, note string) (*FollowUpTask, error) {
	return s.changeTask(ctx, taskID, a, TaskSkipped, note, func(_ *gorm.DB, _ *FollowUpTask, upd map[string]any, now time.Time) error {
		upd["completed_at"] = now
		return nil
	})
}

// SnoozeTask puts a task back in the queue, due at until (which must be in the future).
func (s *Service) SnoozeTask(ctx context.Context, taskID uint, a Actor, until time.Time, note string) (*FollowUpTask, error) {
	if !until.After(s.clock()) {
		return nil, &ValidationError{Fields: map[string]string{"until": "Snooze until a time in the future."}}
	}
	return s.changeTask(ctx, taskID, a, TaskOpen, note, func(_ *gorm.DB, _ *FollowUpTask, upd map[string]any, _ time.Time) error {
		upd["due_at"], upd["claimed_by"], upd["lease_until"] = until.UTC().Truncate(time.Microsecond), nil, nil
		return nil
	})
}

// ReleaseTask gives a claimed task back to the queue unchanged.
func (s *Service) ReleaseTask(ctx context.Context, taskID uint, a Actor) (*FollowUpTask, error) {
	return s.changeTask(ctx, taskID, a, TaskOpen, "", func(_ *gorm.DB, _ *FollowUpTask, upd map[string]any, _ time.Time) error {
		upd["claimed_by"], upd["lease_until"] = nil, nil
		return nil
	})
}

// ReassignTask (admin only) gives an open or claimed task to another staff member with a fresh lease.
func (s *Service) ReassignTask(ctx context.Context, taskID uint, admin Actor, toStaffID uint) (*FollowUpTask, error) {
	if !admin.isAdmin() {
		return nil, ErrForbidden
	}
	if toStaffID == 0 {
		return nil, &ValidationError{Fields: map[string]string{"staff_id": "Choose a staff member."}}
	}
	return s.changeTask(ctx, taskID, admin, TaskClaimed, fmt.Sprintf("reassigned to staff %d", toStaffID), func(_ *gorm.DB, _ *FollowUpTask, upd map[string]any, now time.Time) error {
		upd["claimed_by"], upd["lease_until"] = toStaffID, now.Add(s.opt.TaskLease)
		return nil
	})
}

// changeTask applies one state change to a live task the actor holds (admins may act on
// any open or claimed task), with its audit entry, in one transaction.
func (s *Service) changeTask(ctx context.Context, taskID uint, a Actor, to, note string,
	apply func(tx *gorm.DB, t *FollowUpTask, upd map[string]any, now time.Time) error) (*FollowUpTask, error) {
	if !a.can(RoleCare) {
		return nil, ErrForbidden
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.clock()
		t, err := getTask(forUpdate(tx), taskID)
		if err != nil {
			return err
		}
		if t.State != TaskOpen && t.State != TaskClaimed {
			return &IllegalTransitionError{Object: object("task", t.ID), From: t.State, To: to}
		}
		holds := t.State == TaskClaimed && t.ClaimedBy != nil && *t.ClaimedBy == a.StaffID && !t.LeaseUntil.Before(now)
		if !holds && !a.isAdmin() {
			return ErrNotClaimed
		}
		upd := map[string]any{"state": to, "updated_at": now}
		if note != "" && to != TaskClaimed {
			notes := strings.TrimSpace(t.Notes + "\n" + now.Format("2006-01-02 15:04") + " " + note)
			upd["notes"] = notes
		}
		if err := apply(tx, t, upd, now); err != nil {
			return err
		}
		res := tx.Model(&FollowUpTask{}).Where("id = ? AND state = ?", t.ID, t.State).Updates(upd)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		return s.audit(tx, a, "task."+to, object("task", t.ID), t.State, to, note)
	})
	if err != nil {
		return nil, err
	}
	return s.GetTask(ctx, taskID)
}

// FeedbackInput is a customer's answer to the feedback link of an order, about one of its
// items.
type FeedbackInput struct {
	OrderID     uint
	OrderItemID uint // an item of the order
	Rating      int  // 1–5
	Note        string
}

// RecordFeedback stores the customer's rating of an order item. There is one answer per
// item: answering again replaces the rating and note (an upsert on the item), so however
// often the link is used the scores count one answer. A rating of 1 or 2 creates a
// high-priority recovery task (once per order, however often the customer answers).
func (s *Service) RecordFeedback(ctx context.Context, in FeedbackInput) (*Feedback, error) {
	fe := fieldErrors{}
	if in.Rating < 1 || in.Rating > 5 {
		fe.add("rating", "Please choose a rating from 1 to 5.")
	}
	if len(in.Note) > 5000 {
		fe.add("note", "Your note is too long (5,000 characters at most).")
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	var fb Feedback
	err := s.tx(ctx, func(tx *gorm.DB) error {
		o, err := getOrder(tx, in.OrderID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(o.Items, func(it OrderItem) bool { return it.ID == in.OrderItemID }) {
			return &ValidationError{Fields: map[string]string{"item": "Please choose one of the order's products."}}
		}
		var before Feedback
		had := tx.Where("order_item_id = ?", in.OrderItemID).Limit(1).Find(&before).RowsAffected == 1
		now := s.clock()
		fb = Feedback{OrderID: &o.ID, OrderItemID: &in.OrderItemID, CustomerID: o.CustomerID, Email: o.Email, Rating: in.Rating,
			Note: strings.TrimSpace(in.Note), Source: "customer", At: now}
		err = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "order_item_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"customer_id", "email", "rating", "note", "at"})}).Create(&fb).Error
		if err != nil {
			return err
		}
		if err := tx.Where("order_item_id = ?", in.OrderItemID).Take(&fb).Error; err != nil {
			return err
		}
		from := ""
		if had {
			from = fmt.Sprint(before.Rating)
		}
		if err := s.audit(tx, Actor{Role: "customer"}, "order.feedback", object("order", o.ID), from, fmt.Sprint(in.Rating), fmt.Sprintf("item %d", in.OrderItemID)); err != nil {
			return err
		}
		if in.Rating <= 2 {
			return s.recoveryTask(tx, &o.ID, o.CustomerID, o.Email, in.Rating, fb.Note, fmt.Sprintf("recovery:order-feedback:%d", o.ID))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &fb, nil
}

func (s *Service) recoveryTask(tx *gorm.DB, orderID, customerID *uint, email string, rating int, note, key string) error {
	title := fmt.Sprintf("Recovery: %s rated %d/5", email, rating)
	if orderID != nil {
		title = fmt.Sprintf("Recovery: %s rated order #%d %d/5", email, *orderID, rating)
	}
	_, _, err := s.EnsureTask(tx, TaskSpec{Kind: TaskRecovery, OrderID: orderID, CustomerID: customerID, Email: email,
		Title: title, Notes: note, DueAt: s.clock(), Priority: PriorityUrgent, DedupeKey: key})
	return err
}

// forUpdate locks the rows read on PostgreSQL for the rest of the transaction.
func forUpdate(q *gorm.DB) *gorm.DB {
	if q.Dialector.Name() == "postgres" {
		return q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q
}

// skipLocked adds FOR UPDATE SKIP LOCKED on PostgreSQL, so concurrent claimers pass over
// each other's candidate rows; SQLite serialises writers and needs nothing.
func skipLocked(q *gorm.DB) *gorm.DB {
	if q.Dialector.Name() == "postgres" {
		return q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
	}
	return q
}
