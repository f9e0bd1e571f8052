package fulfillment

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PaymentEvent records each payment notification once (unique EventID), in the same
// transaction as its effect, so redelivered and concurrent notifications change nothing.
type PaymentEvent struct {
	ID          uint      `gorm:"primaryKey" json:"id"`
	EventID     string    `gorm:"size:255;not null;uniqueIndex" json:"event_id"`
	Provider    string    `gorm:"size:16;not null" json:"provider"`
	Kind        string    `gorm:"size:16;not null" json:"kind"` // "completed" or "expired"
	OrderID     uint      `gorm:"index;not null" json:"order_id"`
	PaymentRef  string    `gorm:"size:255;not null;default:''" json:"payment_ref,omitempty"`
	AmountCents int64     `gorm:"not null;default:0" json:"amount_cents"`
	Currency    string    `gorm:"size:3;not null;default:''" json:"currency,omitempty"`
	At          time.Time `gorm:"not null" json:"at"`
}

// PaymentConfirmation is what a provider reports about a completed payment.
type PaymentConfirmation struct {
	OrderID uint
	// OrderPublicID is the order's public id as the provider echoes it back (Stripe's
	// metadata.order_public_id). It must match the order: a payment carrying another one
	// was made for another store sharing the provider account (staging, a developer's
	// machine), whose numeric order ids overlap ours, and is ErrNotFound here.
	OrderPublicID string
	Provider      string // ProviderStripe or ProviderDemo
	PaymentRef    string // e.g. the Checkout Session id
	EventID       string // unique per notification: the Stripe event id, or e.g. "session:cs_…:completed" from the success page, "demo:<order id>"
	AmountCents   int64
	Currency      string // any case
}

// ConfirmPayment marks an order paid and creates all its work — one production job per
// unit, the welcome follow-up and the confirmation email — in ONE transaction. It is
// idempotent and safe to call concurrently from the webhook, the success page and the demo
// payment: an EventID already recorded returns the order unchanged; an order already paid
// (or further along) is left as is; unique indexes guarantee one set of work per order.
//
// A payment for an order that was cancelled because its checkout expired still pays it
// (real money beats an expiry). If the amount or currency differs from the order, the order
// goes on_hold with an urgent manual follow-up for staff, that change is committed, and a
// *PaymentMismatchError is returned with the order. Unknown orders → ErrNotFound.
func (s *Service) ConfirmPayment(ctx context.Context, pc PaymentConfirmation) (*Order, error) {
	if err := pc.validate(); err != nil {
		return nil, err
	}
	var mismatch error
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.clock()
		fresh, err := s.recordPaymentEvent(tx, pc.EventID, pc.Provider, "completed", pc.OrderID, pc.PaymentRef, pc.AmountCents, pc.Currency)
		if err != nil || !fresh {
			return err
		}
		o, err := lockOrder(tx, pc.OrderID)
		if err != nil {
			return err
		}
		if o.PublicID != pc.OrderPublicID {
			return ErrNotFound // another store's order with the same number; the rollback forgets the event
		}
		actor := Actor{Role: "payment:" + pc.Provider}
		if o.Status != OrderPendingPayment && o.Status != OrderCancelled {
			// Already paid, further along, on hold or refunded. The same payment reported
			// again changes nothing; another one (a second checkout paid in another tab)
			// needs a person to refund it.
			return s.extraPayment(tx, o, pc, actor, now, "which was already paid")
		}
		if o.Status == OrderCancelled {
			// Only an expiry is undone by a payment. An order cancelled after a payment was
			// received (an admin declined a mismatched one) stays cancelled: the same payment
			// reported again is ignored, and a new one needs a person to refund it.
			var earlier int64
			if err := tx.Model(&PaymentEvent{}).Where("order_id = ? AND kind = ? AND event_id <> ?", o.ID, "completed", pc.EventID).
				Count(&earlier).Error; err != nil {
				return err
			}
			if earlier > 0 {
				return s.extraPayment(tx, o, pc, actor, now, "which was cancelled after an earlier payment")
			}
		}
		if pc.AmountCents != o.TotalCents || !strings.EqualFold(pc.Currency, o.Currency) {
			mismatch = &PaymentMismatchError{OrderID: o.ID, WantCents: o.TotalCents, WantCurrency: o.Currency,
				GotCents: pc.AmountCents, GotCurrency: strings.ToUpper(pc.Currency)}
			return s.holdOrder(tx, o, actor, mismatch.Error(), now)
		}
		upd := map[string]any{"status": OrderPaid, "paid_at": now, "payment_provider": pc.Provider, "updated_at": now}
		if pc.PaymentRef != "" {
			upd["payment_ref"] = pc.PaymentRef
		}
		res := tx.Model(&Order{}).Where("id = ? AND status = ?", o.ID, o.Status).Updates(upd)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil // lost a race on an engine without row locks; the winner did the work
		}
		note := "payment " + pc.PaymentRef
		if o.Status == OrderCancelled {
			note += " arrived after the checkout expired; a real payment beats the expiry"
		}
		if err := s.orderEvent(tx, o.ID, o.Status, OrderPaid, note, actor.Role); err != nil {
			return err
		}
		if err := s.audit(tx, actor, "order.paid", object("order", o.ID), o.Status, OrderPaid, pc.EventID); err != nil {
			return err
		}
		return s.startPaidOrder(tx, o, now)
	})
	if err != nil {
		return nil, err
	}
	o, err := s.Get(ctx, pc.OrderID)
	if err != nil {
		return nil, err
	}
	return o, mismatch
}

// CheckoutExpiry is a provider's news that a checkout (one payment attempt) expired unpaid.
type CheckoutExpiry struct {
	OrderID       uint
	OrderPublicID string // as echoed back by the provider; another store's order → ErrNotFound
	PaymentRef    string // the expired checkout (Stripe Checkout Session id)
	EventID       string
}

// MarkExpired handles an expired checkout (checkout.session.expired): a pending order
// becomes cancelled; a paid order is left alone, and so is one whose current checkout is
// another (the shopper started a new attempt, which is still open). Idempotent by event id
// like ConfirmPayment.
func (s *Service) MarkExpired(ctx context.Context, ex CheckoutExpiry) (*Order, error) {
	if ex.EventID == "" || ex.OrderID == 0 || ex.OrderPublicID == "" {
		return nil, &ValidationError{Fields: map[string]string{"event_id": "An expiry needs its order, the order's public id and its event id."}}
	}
	orderID, eventID := ex.OrderID, ex.EventID
	err := s.tx(ctx, func(tx *gorm.DB) error {
		fresh, err := s.recordPaymentEvent(tx, eventID, "", "expired", orderID, ex.PaymentRef, 0, "")
		if err != nil || !fresh {
			return err
		}
		o, err := lockOrder(tx, orderID)
		if err != nil {
			return err
		}
		if o.PublicID != ex.OrderPublicID {
			return ErrNotFound
		}
		if o.Status != OrderPendingPayment || (ex.PaymentRef != "" && o.PaymentRef != "" && ex.PaymentRef != o.PaymentRef) {
			return nil
		}
		now := s.clock()
		res := tx.Model(&Order{}).Where("id = ? AND status = ?", o.ID, OrderPendingPayment).
			Updates(map[string]any{"status": OrderCancelled, "updated_at": now})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		if err := s.orderEvent(tx, o.ID, OrderPendingPayment, OrderCancelled, "checkout expired", "payment"); err != nil {
			return err
		}
		return s.audit(tx, Actor{Role: "payment"}, "order.expired", object("order", o.ID), OrderPendingPayment, OrderCancelled, eventID)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, orderID)
}

func (pc PaymentConfirmation) validate() error {
	fe := fieldErrors{}
	if pc.OrderID == 0 {
		fe.add("order_id", "A payment needs its order.")
	}
	if pc.Provider != ProviderStripe && pc.Provider != ProviderDemo {
		fe.add("provider", `The provider must be "stripe" or "demo".`)
	}
	if strings.TrimSpace(pc.EventID) == "" || len(pc.EventID) > 255 {
		fe.add("event_id", "A payment needs its event id.")
	}
	if pc.OrderPublicID == "" {
		fe.add("order_public_id", "A payment needs its order's public id.")
	}
	return fe.err()
}

// recordPaymentEvent inserts the event id; fresh is false when it was already recorded.
func (s *Service) recordPaymentEvent(tx *gorm.DB, eventID, provider, kind string, orderID uint, ref string, amount int64, currency string) (bool, error) {
	ev := PaymentEvent{EventID: eventID, Provider: provider, Kind: kind, OrderID: orderID,
		PaymentRef: ref, AmountCents: amount, Currency: strings.ToUpper(currency), At: s.clock()}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&ev)
	return res.RowsAffected == 1, res.Error
}

// lockOrder reads an order, holding its row lock on PostgreSQL so concurrent confirmations
// of one order queue up (SQLite's single writer already serialises them).
func lockOrder(tx *gorm.DB, id uint) (*Order, error) {
	var o Order
	if err := forUpdate(tx).Where("id = ?", id).Take(&o).Error; err != nil {
		if err == gorm.ErrRecordNotFound {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var items []OrderItem
	if err := tx.Where("order_id = ?", id).Order("position, id").Find(&items).Error; err != nil {
		return nil, err
	}
	o.Items = items
	return &o, nil
}

func (s *Service) holdOrder(tx *gorm.DB, o *Order, a Actor, reason string, now time.Time) error {
	err := tx.Model(&Order{}).Where("id = ?", o.ID).
		Updates(map[string]any{"status": OrderOnHold, "hold_reason": truncate(reason, 500), "updated_at": now}).Error
	if err != nil {
		return err
	}
	if err := s.orderEvent(tx, o.ID, o.Status, OrderOnHold, reason, a.Role); err != nil {
		return err
	}
	if err := s.audit(tx, a, "order.hold", object("order", o.ID), o.Status, OrderOnHold, reason); err != nil {
		return err
	}
	_, _, err = s.EnsureTask(tx, TaskSpec{
		Kind: TaskManual, OrderID: &o.ID, CustomerID: o.CustomerID, Email: o.Email,
		Title: fmt.Sprintf("Review payment of order #%d", o.ID), Notes: reason,
		DueAt: now, Priority: PriorityUrgent, DedupeKey: paymentReviewKey(o.ID),
	})
	return err
}

// extraPayment handles a payment for an order that will not take it: one cancelled after an
// earlier payment, or one already paid. The same payment (its reference is the order's, or
// was reported before) changes nothing; another one gets an urgent task to refund it, once.
func (s *Service) extraPayment(tx *gorm.DB, o *Order, pc PaymentConfirmation, a Actor, now time.Time, state string) error {
	if pc.PaymentRef == "" || pc.PaymentRef == o.PaymentRef {
		return nil
	}
	var seen int64
	if err := tx.Model(&PaymentEvent{}).Where("order_id = ? AND kind = ? AND payment_ref = ? AND event_id <> ?",
		o.ID, "completed", pc.PaymentRef, pc.EventID).Count(&seen).Error; err != nil {
		return err
	}
	if seen > 0 {
		return nil
	}
	note := fmt.Sprintf("payment %s of %s received for order #%d, %s; refund it",
		pc.PaymentRef, money(pc.AmountCents, strings.ToUpper(pc.Currency)), o.ID, state)
	if err := s.audit(tx, a, "order.extra_payment", object("order", o.ID), o.Status, o.Status, note); err != nil {
		return err
	}
	_, _, err := s.EnsureTask(tx, TaskSpec{
		Kind: TaskManual, OrderID: &o.ID, CustomerID: o.CustomerID, Email: o.Email,
		Title: fmt.Sprintf("Refund an extra payment for order #%d", o.ID), Notes: note,
		DueAt: now, Priority: PriorityUrgent, DedupeKey: fmt.Sprintf("extra_payment:%x", sha256.Sum256([]byte(pc.PaymentRef))),
	})
	return err
}

// startPaidOrder follows an order's move to paid inside its transaction: the afterMarkPaid
// hook, then the order's work.
func (s *Service) startPaidOrder(tx *gorm.DB, o *Order, now time.Time) error {
	if s.afterMarkPaid != nil {
		if err := s.afterMarkPaid(tx); err != nil {
			return err
		}
	}
	o.Status, o.PaidAt = OrderPaid, &now
	return s.createOrderWork(tx, o, now)
}

// createOrderWork creates, idempotently, the jobs (one per unit), the welcome task and the
// confirmation email of a paid order.
func (s *Service) createOrderWork(tx *gorm.DB, o *Order, now time.Time) error {
	var jobs []ProductionJob
	for _, it := range o.Items {
		for u := 1; u <= it.Quantity; u++ {
			jobs = append(jobs, ProductionJob{OrderID: o.ID, OrderItemID: it.ID, Unit: u, Status: JobQueued,
				Version: 1, CreatedAt: now, UpdatedAt: now})
		}
	}
	if len(jobs) > 0 {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&jobs, 100).Error; err != nil {
			return err
		}
	}
	if _, _, err := s.EnsureTask(tx, TaskSpec{
		Kind: TaskWelcome, OrderID: &o.ID, CustomerID: o.CustomerID, Email: o.Email,
		Title: fmt.Sprintf("Welcome %s (order #%d)", o.ShipName, o.ID),
		DueAt: now.Add(s.opt.WelcomeAfter), Priority: PriorityNormal,
		DedupeKey: fmt.Sprintf("welcome:order:%d", o.ID),
	}); err != nil {
		return err
	}
	subject, body := s.orderConfirmationEmail(o)
	_, err := s.Enqueue(tx, OutboxMessage{Kind: MailOrderConfirmation, To: o.Email, Subject: subject, Body: body,
		DedupeKey: fmt.Sprintf("order_confirmation:order:%d", o.ID)})
	return err
}
