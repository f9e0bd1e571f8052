package fulfillment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// ResolveHold settles an order that went on hold because its payment did not match the order
// (see ConfirmPayment), once an admin has looked into it.
//
// With accept, the payment received is taken as the order's: the order becomes paid and gets
// its production jobs, welcome task and confirmation email exactly as a matching payment would
// have given it. Without, the order is cancelled; the money goes back through the payment
// provider's dashboard, which Atelier does not drive. Either way note (required: what was
// decided and why) goes into the order's history, the audit log and the payment-review
// follow-up, which is closed. Everything is one transaction. Only admins may resolve
// (ErrForbidden); an order that is not on hold is an *IllegalTransitionError.
func (s *Service) ResolveHold(ctx context.Context, admin Actor, orderID uint, accept bool, note string) (*Order, error) {
	if !admin.isAdmin() {
		return nil, ErrForbidden
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, &ValidationError{Fields: map[string]string{"note": "Say what you decided and why (for example: the customer confirmed the amount by phone)."}}
	}
	if utf8.RuneCountInString(note) > 1000 {
		return nil, &ValidationError{Fields: map[string]string{"note": "Please keep the note under 1,000 characters."}}
	}
	to, action := OrderCancelled, "order.hold_cancelled"
	if accept {
		to, action = OrderPaid, "order.hold_accepted"
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.clock()
		o, err := lockOrder(tx, orderID)
		if err != nil {
			return err
		}
		if o.Status != OrderOnHold {
			return &IllegalTransitionError{Object: object("order", o.ID), From: o.Status, To: to}
		}
		// A declined order keeps its hold reason: it says why it was cancelled after a payment.
		upd := map[string]any{"status": to, "updated_at": now}
		if accept {
			upd["hold_reason"] = ""
			var pay PaymentEvent
			err := tx.Where("order_id = ? AND kind = ?", o.ID, "completed").Order("id DESC").Take(&pay).Error
			switch {
			case errors.Is(err, gorm.ErrRecordNotFound):
				return &IllegalTransitionError{Object: object("order", o.ID), From: o.Status, To: to}
			case err != nil:
				return err
			}
			upd["paid_at"], upd["payment_provider"] = now, pay.Provider
			if pay.PaymentRef != "" {
				upd["payment_ref"] = pay.PaymentRef
			}
			note = fmt.Sprintf("%s (accepted %s)", note, money(pay.AmountCents, pay.Currency))
		}
		res := tx.Model(&Order{}).Where("id = ? AND status = ?", o.ID, OrderOnHold).Updates(upd)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		if err := s.orderEvent(tx, o.ID, OrderOnHold, to, note, fmt.Sprintf("staff:%d", admin.StaffID)); err != nil {
			return err
		}
		if err := s.audit(tx, admin, action, object("order", o.ID), OrderOnHold, to, note); err != nil {
			return err
		}
		if err := s.closePaymentReview(tx, o.ID, admin, note, now); err != nil {
			return err
		}
		if !accept {
			return nil
		}
		return s.startPaidOrder(tx, o, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, orderID)
}

// closePaymentReview marks the order's payment-review follow-up done with the decision.
func (s *Service) closePaymentReview(tx *gorm.DB, orderID uint, a Actor, note string, now time.Time) error {
	var t FollowUpTask
	err := tx.Where("dedupe_key = ?", paymentReviewKey(orderID)).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && t.State != TaskOpen && t.State != TaskClaimed {
		return nil
	}
	if err != nil {
		return err
	}
	notes := strings.TrimSpace(t.Notes + "\n" + now.Format("2006-01-02 15:04") + " " + note)
	upd := map[string]any{"state": TaskDone, "notes": truncate(notes, 4000), "claimed_by": nil, "lease_until": nil,
		"completed_at": now, "updated_at": now}
	if err := tx.Model(&FollowUpTask{}).Where("id = ?", t.ID).Updates(upd).Error; err != nil {
		return err
	}
	return s.audit(tx, a, "task.done", object("task", t.ID), t.State, TaskDone, note)
}

func paymentReviewKey(orderID uint) string { return fmt.Sprintf("payment_review:order:%d", orderID) }
