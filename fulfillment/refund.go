package fulfillment

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Refundable reports whether an order in status may be refunded: it was paid, and is not
// refunded or cancelled already.
func Refundable(status string) bool {
	switch status {
	case OrderPaid, OrderInProduction, OrderShipped, OrderDelivered:
		return true
	}
	return false
}

// Refund records that an order's payment was given back in full (the payment provider has
// already done it: ref is its refund reference). In one transaction the order becomes
// refunded; its jobs still in production are cancelled (their claims released), so nobody
// compounds a bottle that will not be paid for; its open follow-ups are skipped; no check-in
// or replenishment is scheduled for it any more; the customer is emailed. reason (required)
// goes into the order's history and the audit log.
//
// Only admins may refund (ErrForbidden); an order that is not Refundable is an
// *IllegalTransitionError, so a second refund of the same order is refused, not repeated.
func (s *Service) Refund(ctx context.Context, admin Actor, orderID uint, reason, ref string) (*Order, error) {
	if !admin.isAdmin() {
		return nil, ErrForbidden
	}
	reason, err := CheckRefundReason(reason)
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		now := s.clock()
		o, err := lockOrder(tx, orderID)
		if err != nil {
			return err
		}
		if !Refundable(o.Status) {
			return &IllegalTransitionError{Object: object("order", o.ID), From: o.Status, To: OrderRefunded}
		}
		res := tx.Model(&Order{}).Where("id = ? AND status = ?", o.ID, o.Status).
			Updates(map[string]any{"status": OrderRefunded, "check_in_due_at": nil, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		note := reason
		if ref != "" {
			note += " (refund " + ref + ")"
		}
		actor := fmt.Sprintf("staff:%d", admin.StaffID)
		if err := s.orderEvent(tx, o.ID, o.Status, OrderRefunded, note, actor); err != nil {
			return err
		}
		if err := s.audit(tx, admin, "order.refunded", object("order", o.ID), o.Status, OrderRefunded, note); err != nil {
			return err
		}
		if err := s.stopOrderWork(tx, o, admin, "order refunded: "+reason, now); err != nil {
			return err
		}
		o.Status = OrderRefunded
		subject, body := s.refundedEmail(o)
		_, err = s.Enqueue(tx, OutboxMessage{Kind: MailOrderRefunded, To: o.Email, Subject: subject, Body: body,
			DedupeKey: fmt.Sprintf("order_refunded:order:%d", o.ID)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, orderID)
}

// CheckRefundReason returns the reason trimmed, or the *ValidationError Refund would give:
// check it before asking the payment provider to move money.
func CheckRefundReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", &ValidationError{Fields: map[string]string{"reason": "Say why the order is refunded; the customer's history keeps it."}}
	case utf8.RuneCountInString(reason) > 1000:
		return "", &ValidationError{Fields: map[string]string{"reason": "Please keep the reason under 1,000 characters."}}
	}
	return reason, nil
}

// JobsForOrder lists an order's production jobs, by unit.
func (s *Service) JobsForOrder(ctx context.Context, orderID uint) ([]ProductionJob, error) {
	var jobs []ProductionJob
	err := s.db.WithContext(ctx).Where("order_id = ?", orderID).Order("order_item_id, unit").Find(&jobs).Error
	return jobs, err
}

// stopOrderWork cancels the order's jobs still in production (or on hold), skips its open
// follow-ups and unschedules its replenishment reminders, each with an audit entry.
func (s *Service) stopOrderWork(tx *gorm.DB, o *Order, a Actor, why string, now time.Time) error {
	var jobs []ProductionJob
	open := []string{JobQueued, JobCompounding, JobQualityCheck, JobPacked, JobOnHold}
	if err := tx.Where("order_id = ? AND status IN ?", o.ID, open).Find(&jobs).Error; err != nil {
		return err
	}
	for _, j := range jobs {
		err := tx.Model(&ProductionJob{}).Where("id = ?", j.ID).Updates(map[string]any{"status": JobCancelled,
			"reason": truncate(why, 1000), "hold_from": "", "claimed_by": nil, "lease_until": nil,
			"version": j.Version + 1, "updated_at": now}).Error
		if err != nil {
			return err
		}
		if err := s.audit(tx, a, "job.cancelled", object("job", j.ID), j.Status, JobCancelled, why); err != nil {
			return err
		}
	}
	var tasks []FollowUpTask
	if err := tx.Where("order_id = ? AND state IN ?", o.ID, []string{TaskOpen, TaskClaimed}).Find(&tasks).Error; err != nil {
		return err
	}
	for _, t := range tasks {
		notes := strings.TrimSpace(t.Notes + "\n" + now.Format("2006-01-02 15:04") + " " + why)
		err := tx.Model(&FollowUpTask{}).Where("id = ?", t.ID).Updates(map[string]any{"state": TaskSkipped,
			"notes": truncate(notes, 4000), "claimed_by": nil, "lease_until": nil, "updated_at": now}).Error
		if err != nil {
			return err
		}
		if err := s.audit(tx, a, "task.skipped", object("task", t.ID), t.State, TaskSkipped, why); err != nil {
			return err
		}
	}
	return tx.Model(&OrderItem{}).Where("order_id = ? AND replenish_created_at IS NULL", o.ID).
		Update("replenish_due_at", nil).Error
}

func (s *Service) refundedEmail(o *Order) (string, string) {
	subject := fmt.Sprintf("Your %s order #%d has been refunded", s.opt.StoreName, o.ID)
	body := fmt.Sprintf(`%s

We have refunded your order #%d in full: %s. Depending on your bank, the money takes a few days
to show on your statement.

Anything still being made for this order has been stopped.

If this is not what you expected, or you would like us to make something else for you, simply
reply to this email.
%s`, greeting(o), o.ID, money(o.TotalCents, o.Currency), s.signature())
	return subject, body
}
