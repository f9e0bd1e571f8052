package fulfillment

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// orderRank orders the statuses an order moves through after payment; the order only
// ever moves forward along it.
var orderRank = map[string]int{OrderPaid: 0, OrderInProduction: 1, OrderShipped: 2, OrderDelivered: 3}

// syncOrderStatus makes the order follow its jobs: the first job past queued → in_production,
// every live job shipped (or delivered) → shipped, every live job delivered → delivered.
// Cancelled jobs do not count; a held job counts at the state it left. On shipped it queues
// the shipping email; on delivered the feedback request, the check-in date and each item's
// replenishment date (the scheduler turns those into tasks when they come).
func (s *Service) syncOrderStatus(tx *gorm.DB, orderID uint, a Actor, now time.Time) error {
	var jobs []ProductionJob
	if err := tx.Where("order_id = ?", orderID).Find(&jobs).Error; err != nil {
		return err
	}
	minRank, started, live := 99, false, 0
	for _, j := range jobs {
		st := j.Status
		if st == JobCancelled {
			continue
		}
		if st == JobOnHold {
			st = j.HoldFrom
		}
		live++
		r := jobRank[st]
		minRank = min(minRank, r)
		started = started || r >= 1
	}
	if live == 0 {
		if len(jobs) == 0 {
			return nil
		}
		return s.allUnitsCancelled(tx, orderID, a, now)
	}
	target := OrderPaid
	switch {
	case minRank >= 5:
		target = OrderDelivered
	case minRank >= 4:
		target = OrderShipped
	case started:
		target = OrderInProduction
	}
	o, err := lockOrder(tx, orderID)
	if err != nil {
		return err
	}
	cur, ok := orderRank[o.Status]
	if !ok || orderRank[target] <= cur {
		return nil
	}
	// Walk each step, so a jump (e.g. paid → shipped by an admin) still sends every email.
	for r := cur + 1; r <= orderRank[target]; r++ {
		if err := s.advanceOrder(tx, o, statusAt(r), jobs, a, now); err != nil {
			return err
		}
	}
	return nil
}

// allUnitsCancelled handles an order whose every production job was cancelled: nothing will
// ship, yet the order stays paid, so an admin must refund it or have it made again. It opens
// one urgent task saying so and skips the welcome call, which would greet the customer for
// an order that is not coming. An order someone has already settled (refunded, cancelled) is
// left alone.
func (s *Service) allUnitsCancelled(tx *gorm.DB, orderID uint, a Actor, now time.Time) error {
	o, err := lockOrder(tx, orderID)
	if err != nil {
		return err
	}
	if o.Status != OrderPaid && o.Status != OrderInProduction {
		return nil
	}
	if _, _, err := s.EnsureTask(tx, TaskSpec{
		Kind: TaskManual, OrderID: &o.ID, CustomerID: o.CustomerID, Email: o.Email,
		Title: fmt.Sprintf("All units of order #%d were cancelled: refund or remake", o.ID),
		Notes: fmt.Sprintf("Every production job of order #%d was cancelled, so nothing will ship, but the order is still %s. "+
			"An admin refunds it from its page (/staff/orders/%d), or the customer agrees to have it made again (a new order).", o.ID, o.Status, o.ID),
		DueAt: now, Priority: PriorityUrgent,
		DedupeKey: fmt.Sprintf("all_cancelled:order:%d", o.ID),
	}); err != nil {
		return err
	}
	var welcome FollowUpTask
	err = tx.Where("dedupe_key = ? AND state = ?", fmt.Sprintf("welcome:order:%d", o.ID), TaskOpen).Take(&welcome).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	why := "every unit of the order was cancelled"
	notes := strings.TrimSpace(welcome.Notes + "\n" + now.Format("2006-01-02 15:04") + " " + why)
	res := tx.Model(&FollowUpTask{}).Where("id = ? AND state = ?", welcome.ID, TaskOpen).Updates(map[string]any{
		"state": TaskSkipped, "notes": notes, "completed_at": now, "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	return s.audit(tx, a, "task.skipped", object("task", welcome.ID), TaskOpen, TaskSkipped, why)
}

func statusAt(rank int) string {
	for st, r := range orderRank {
		if r == rank {
			return st
		}
	}
	return ""
}

func (s *Service) advanceOrder(tx *gorm.DB, o *Order, to string, jobs []ProductionJob, a Actor, now time.Time) error {
	from := o.Status
	upd := map[string]any{"status": to, "updated_at": now}
	switch to {
	case OrderShipped:
		upd["shipped_at"] = now
	case OrderDelivered:
		upd["delivered_at"], upd["check_in_due_at"] = now, now.Add(s.opt.CheckInAfter)
	}
	res := tx.Model(&Order{}).Where("id = ? AND status = ?", o.ID, from).Updates(upd)
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	o.Status = to
	actor := "system"
	if a.StaffID != 0 {
		actor = fmt.Sprintf("staff:%d", a.StaffID)
	}
	if err := s.orderEvent(tx, o.ID, from, to, "follows its production jobs", actor); err != nil {
		return err
	}
	if err := s.audit(tx, a, "order.status", object("order", o.ID), from, to, ""); err != nil {
		return err
	}
	switch to {
	case OrderShipped:
		subject, body := s.shippedEmail(o, jobs)
		_, err := s.Enqueue(tx, OutboxMessage{Kind: MailShipped, To: o.Email, Subject: subject, Body: body,
			DedupeKey: fmt.Sprintf("shipped:order:%d", o.ID)})
		return err
	case OrderDelivered:
		for _, it := range o.Items {
			units := liveUnits(jobs, it.ID)
			if it.ExpectedUseDays <= 0 || units == 0 {
				continue
			}
			// The customer uses the units one after another: n bottles last n times as long.
			lasts := time.Duration(it.ExpectedUseDays*units) * 24 * time.Hour
			due := now.Add(lasts - s.opt.ReplenishLead)
			if half := now.Add(lasts / 2); due.Before(half) {
				due = half // short-lived products: remind half way through rather than at once
			}
			if err := tx.Model(&OrderItem{}).Where("id = ?", it.ID).Update("replenish_due_at", due).Error; err != nil {
				return err
			}
		}
		subject, body := s.feedbackRequestEmail(o)
		_, err := s.Enqueue(tx, OutboxMessage{Kind: MailFeedbackRequest, To: o.Email, Subject: subject, Body: body,
			DedupeKey: fmt.Sprintf("feedback_request:order:%d", o.ID)})
		return err
	}
	return nil
}

// liveUnits counts the units of order item itemID that were not cancelled.
func liveUnits(jobs []ProductionJob, itemID uint) int {
	n := 0
	for _, j := range jobs {
		if j.OrderItemID == itemID && j.Status != JobCancelled {
			n++
		}
	}
	return n
}
