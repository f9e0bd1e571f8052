package fulfillment

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"
)

// TickReport counts what one scheduler tick created.
type TickReport struct {
	CheckIns       int // check-in tasks created
	Replenishments int // replenishment reminder emails queued
	ReplenishCalls int // …of which also became a follow-up task for staff
	Reordered      int // replenishment reminders dropped: the customer had reordered already
}

// Tick runs the scheduler's rules once, at the injected clock's now:
//
//   - an order delivered CheckInAfter ago (its check_in_due_at has passed) gets a check-in task;
//   - an item whose replenishment date has passed gets a reminder email, and a replenishment
//     task when Options.ReplenishmentCall says the customer should get a personal touch (every
//     time without it), unless the customer has reordered the same product (same code) in a
//     later paid order, when nothing is sent.
//
// Each rule stamps the row it handled, so it is scanned once; the task and email are
// created through dedupe keys backed by unique indexes, so ticks running at the same time
// in several processes, or again after a restart, create each task and email exactly once.
func (s *Service) Tick(ctx context.Context) (TickReport, error) {
	var rep TickReport
	now := s.clock()
	for {
		var ids []uint
		err := s.db.WithContext(ctx).Model(&Order{}).
			Where("check_in_due_at <= ? AND check_in_created_at IS NULL", now).Order("id").Limit(200).Pluck("id", &ids).Error
		if err != nil {
			return rep, err
		}
		for _, id := range ids {
			created, err := s.checkInRule(ctx, id, now)
			if err != nil {
				return rep, err
			}
			if created {
				rep.CheckIns++
			}
		}
		if len(ids) < 200 {
			break
		}
	}
	for {
		var ids []uint
		err := s.db.WithContext(ctx).Model(&OrderItem{}).
			Where("replenish_due_at <= ? AND replenish_created_at IS NULL", now).Order("id").Limit(200).Pluck("id", &ids).Error
		if err != nil {
			return rep, err
		}
		for _, id := range ids {
			if err := s.replenishRule(ctx, id, now, &rep); err != nil {
				return rep, err
			}
		}
		if len(ids) < 200 {
			break
		}
	}
	return rep, nil
}

func (s *Service) checkInRule(ctx context.Context, orderID uint, now time.Time) (created bool, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		o, err := getOrder(tx, orderID)
		if err != nil {
			return err
		}
		if o.CheckInCreatedAt != nil || o.CheckInDueAt == nil {
			return nil // another instance got here first
		}
		_, created, err = s.EnsureTask(tx, TaskSpec{
			Kind: TaskCheckIn, OrderID: &o.ID, CustomerID: o.CustomerID, Email: o.Email,
			Title: fmt.Sprintf("Check in with %s about order #%d", o.ShipName, o.ID),
			DueAt: *o.CheckInDueAt, Priority: PriorityNormal,
			DedupeKey: fmt.Sprintf("check_in:order:%d", o.ID),
		})
		if err != nil {
			return err
		}
		return tx.Model(&Order{}).Where("id = ? AND check_in_created_at IS NULL", o.ID).Update("check_in_created_at", now).Error
	})
	return created, err
}

// liveOrderStatuses are the statuses of an order that was paid and not undone.
var liveOrderStatuses = []string{OrderPaid, OrderInProduction, OrderShipped, OrderDelivered}

func (s *Service) replenishRule(ctx context.Context, itemID uint, now time.Time, rep *TickReport) error {
	// Asked before the transaction: the answer may come from another area's tables, and on
	// SQLite a query outside the transaction's connection would wait for it to end.
	call, err := s.replenishmentCall(ctx, itemID)
	if err != nil {
		return err
	}
	var mailed, tasked, reordered bool
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var it OrderItem
		if err := tx.Where("id = ?", itemID).Take(&it).Error; err != nil {
			return err
		}
		if it.ReplenishCreatedAt != nil || it.ReplenishDueAt == nil {
			return nil
		}
		o, err := getOrder(tx, it.OrderID)
		if err != nil {
			return err
		}
		stamp := func() error {
			return tx.Model(&OrderItem{}).Where("id = ? AND replenish_created_at IS NULL", it.ID).Update("replenish_created_at", now).Error
		}
		later, err := reorderOf(tx, o, it.Code)
		if err != nil {
			return err
		}
		if later != 0 {
			reordered = true
			if err := s.audit(tx, System, "replenishment.skipped", object("order", o.ID), "", "",
				fmt.Sprintf("%s (item %d) was reordered in order #%d", it.Code, it.ID, later)); err != nil {
				return err
			}
			return stamp()
		}
		if call {
			_, tasked, err = s.EnsureTask(tx, TaskSpec{
				Kind: TaskReplenishment, OrderID: &o.ID, CustomerID: o.CustomerID, Email: o.Email,
				Title: fmt.Sprintf("%s is running low on %s (order #%d)", o.ShipName, it.Name, o.ID),
				DueAt: *it.ReplenishDueAt, Priority: PriorityLow,
				DedupeKey: fmt.Sprintf("replenishment:item:%d", it.ID),
			})
			if err != nil {
				return err
			}
		}
		subject, body := s.replenishmentEmail(o, &it)
		if mailed, err = s.Enqueue(tx, OutboxMessage{Kind: MailReplenishmentReminder, To: o.Email, Subject: subject, Body: body,
			DedupeKey: fmt.Sprintf("replenishment_reminder:item:%d", it.ID)}); err != nil {
			return err
		}
		return stamp()
	})
	if err != nil {
		return err
	}
	switch {
	case reordered:
		rep.Reordered++
	case mailed:
		rep.Replenishments++
		if tasked {
			rep.ReplenishCalls++
		}
	}
	return nil
}

// replenishmentCall asks Options.ReplenishmentCall whether item's customer gets a
// replenishment task; true for everyone without it, false for guests with it.
func (s *Service) replenishmentCall(ctx context.Context, itemID uint) (bool, error) {
	if s.opt.ReplenishmentCall == nil {
		return true, nil
	}
	var row struct{ CustomerID *uint }
	err := s.db.WithContext(ctx).Model(&OrderItem{}).Joins("JOIN orders ON orders.id = order_items.order_id").
		Where("order_items.id = ?", itemID).Select("orders.customer_id").Limit(1).Scan(&row).Error
	if err != nil || row.CustomerID == nil {
		return false, err
	}
	call, err := s.opt.ReplenishmentCall(ctx, *row.CustomerID)
	if err != nil {
		return false, fmt.Errorf("replenishment call for customer %d: %w", *row.CustomerID, err)
	}
	return call, nil
}

// reorderOf returns the id of a later paid order of o's customer (by customer id or, for
// guests and orders placed before the account, by email) with a line of the same code, or 0.
func reorderOf(tx *gorm.DB, o *Order, code string) (uint, error) {
	q := tx.Model(&OrderItem{}).Joins("JOIN orders ON orders.id = order_items.order_id").
		Where("order_items.code = ? AND orders.status IN ?", code, liveOrderStatuses).
		Where("(orders.created_at > ? OR (orders.created_at = ? AND orders.id > ?))", o.CreatedAt, o.CreatedAt, o.ID)
	email := strings.ToLower(strings.TrimSpace(o.Email))
	if o.CustomerID != nil {
		q = q.Where("(orders.customer_id = ? OR LOWER(orders.email) = ?)", *o.CustomerID, email)
	} else {
		q = q.Where("LOWER(orders.email) = ?", email)
	}
	var ids []uint
	if err := q.Order("orders.id").Limit(1).Pluck("orders.id", &ids).Error; err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// Worker runs the scheduler and the outbox on an interval, in the server process or as
// `atelier worker`. Several workers may run against one database.
type Worker struct {
	Service  *Service
	Mailer   Mailer        // LogMailer when nil
	Interval time.Duration // default 30s
	Log      *slog.Logger  // default the Service's logger
}

// RunOnce runs one scheduler tick and one outbox delivery pass.
func (w *Worker) RunOnce(ctx context.Context) error {
	log := w.Log
	if log == nil {
		log = w.Service.log
	}
	m := w.Mailer
	if m == nil {
		m = LogMailer{Log: log}
	}
	tick, err := w.Service.Tick(ctx)
	if err != nil {
		return fmt.Errorf("scheduler tick: %w", err)
	}
	rep, err := w.Service.DeliverOutbox(ctx, m)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if tick != (TickReport{}) || rep != (DeliveryReport{}) {
		log.Info("fulfillment worker", "check_ins", tick.CheckIns, "replenishments", tick.Replenishments,
			"replenish_calls", tick.ReplenishCalls, "reordered", tick.Reordered,
			"sent", rep.Sent, "logged", rep.Logged, "retried", rep.Retried, "failed", rep.Failed)
	}
	return nil
}

// Run calls RunOnce at once and then every Interval until ctx ends; errors are logged and
// the loop goes on. It returns ctx.Err().
func (w *Worker) Run(ctx context.Context) error {
	interval := w.Interval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	log := w.Log
	if log == nil {
		log = w.Service.log
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			log.Error("fulfillment worker", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
