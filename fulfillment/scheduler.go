package fulfillment

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
)

// TickReport counts what one scheduler tick created.
type TickReport struct {
	CheckIns       int // check-in tasks created
	Replenishments int // replenishment tasks created (each with its reminder email)
}

// Tick runs the scheduler's rules once, at the injected clock's now:
//
//   - an order delivered CheckInAfter ago (its check_in_due_at has passed) gets a check-in task;
//   - an item whose replenishment date has passed gets a replenishment task and a reminder email.
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
			created, err := s.replenishRule(ctx, id, now)
			if err != nil {
				return rep, err
			}
			if created {
				rep.Replenishments++
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

func (s *Service) replenishRule(ctx context.Context, itemID uint, now time.Time) (created bool, err error) {
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
		_, created, err = s.EnsureTask(tx, TaskSpec{
			Kind: TaskReplenishment, OrderID: &o.ID, CustomerID: o.CustomerID, Email: o.Email,
			Title: fmt.Sprintf("%s is running low on %s (order #%d)", o.ShipName, it.Name, o.ID),
			DueAt: *it.ReplenishDueAt, Priority: PriorityLow,
			DedupeKey: fmt.Sprintf("replenishment:item:%d", it.ID),
		})
		if err != nil {
			return err
		}
		subject, body := s.replenishmentEmail(o, &it)
		if _, err := s.Enqueue(tx, OutboxMessage{Kind: MailReplenishmentReminder, To: o.Email, Subject: subject, Body: body,
			DedupeKey: fmt.Sprintf("replenishment_reminder:item:%d", it.ID)}); err != nil {
			return err
		}
		return tx.Model(&OrderItem{}).Where("id = ? AND replenish_created_at IS NULL", it.ID).Update("replenish_created_at", now).Error
	})
	return created, err
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
