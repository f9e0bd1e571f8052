package demo

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"gorm.io/gorm"

	"atelier/app/account"
	"atelier/app/checkout"
	"atelier/fulfillment"
)

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// write inserts the planned history in batches, in dependency order (customers, then orders,
// their items, jobs, payments, tasks, feedback, email and consultations).
func (g *gen) write(tx *gorm.DB) error {
	now := g.o.Now
	custs := make([]account.Customer, len(g.people_))
	for i, p := range g.people_ {
		custs[i] = p.c
	}
	if err := tx.CreateInBatches(&custs, batch).Error; err != nil {
		return fmt.Errorf("demo: customers: %w", err)
	}
	for i := range g.people_ {
		g.people_[i].c.ID = custs[i].ID
	}
	g.stats.Customers = len(custs)

	// orders
	type ref struct {
		p *person
		o plannedOrder
	}
	var orders []fulfillment.Order
	var refs []ref
	for _, p := range g.people_ {
		id := p.c.ID
		for _, po := range p.orders {
			o := fulfillment.Order{PublicID: g.token(12), OwnerKey: "demo-owner-" + fmt.Sprint(id), CustomerID: &id, Email: p.c.Email,
				ShipName: p.c.Name, ShipLine1: fmt.Sprintf("%d Demo Street", 1+g.rng.IntN(200)), ShipCity: "Portland", ShipPostalCode: "97201",
				ShipCountry: "US", Currency: g.currency(po), ShippingCents: checkout.DefaultShippingCents, PaymentProvider: fulfillment.ProviderDemo,
				PaymentRef: "demo", PaymentAttemptRev: 1, CreatedAt: po.paidAt.Add(-3 * time.Minute)}
			for _, pr := range po.products {
				o.SubtotalCents += pr.PriceCents
			}
			o.TotalCents = o.SubtotalCents + o.ShippingCents
			paid := po.paidAt
			o.PaidAt = &paid
			age := now.Sub(paid)
			switch {
			case age > 12*24*time.Hour:
				o.Status = fulfillment.OrderDelivered
				sh, dl := paid.Add(g.days(2, 4)), paid.Add(g.days(5, 9))
				o.ShippedAt, o.DeliveredAt = &sh, &dl
				due := dl.Add(14 * 24 * time.Hour)
				o.CheckInDueAt = &due
				if due.Before(now) {
					o.CheckInCreatedAt = &due
				}
			case age > 5*24*time.Hour:
				o.Status = fulfillment.OrderShipped
				sh := paid.Add(g.days(2, 4))
				o.ShippedAt = &sh
			case age > 2*24*time.Hour:
				o.Status = fulfillment.OrderInProduction
			default:
				o.Status = fulfillment.OrderPaid
			}
			o.UpdatedAt = paid
			if o.DeliveredAt != nil {
				o.UpdatedAt = *o.DeliveredAt
			}
			orders = append(orders, o)
			refs = append(refs, ref{p, po})
		}
	}
	if err := tx.CreateInBatches(&orders, batch).Error; err != nil {
		return fmt.Errorf("demo: orders: %w", err)
	}
	g.stats.Orders = len(orders)

	// items, payments
	var items []fulfillment.OrderItem
	var events []fulfillment.PaymentEvent
	for i, o := range orders {
		for pos, pr := range refs[i].o.products {
			it := fulfillment.OrderItem{OrderID: o.ID, Position: pos + 1, Code: pr.Code, Line: pr.Line, Name: pr.Name,
				SizeLabel: fmt.Sprintf("%d ml", pr.Packaging.SizeML), Quantity: 1, UnitPriceCents: pr.PriceCents, LineTotalCents: pr.PriceCents,
				CatalogVersion: pr.Version, Options: fulfillment.JSONText(pr.options), Formula: fulfillment.JSONText(pr.formula),
				Packaging: fulfillment.JSONText(pr.packaging), ExpectedUseDays: pr.useDays, CreatedAt: o.CreatedAt}
			if o.DeliveredAt != nil {
				due := o.DeliveredAt.Add(time.Duration(pr.useDays-10) * 24 * time.Hour)
				it.ReplenishDueAt = &due
				if due.Before(now) {
					it.ReplenishCreatedAt = &due
				}
			}
			items = append(items, it)
		}
		events = append(events, fulfillment.PaymentEvent{EventID: fmt.Sprintf("demo:%d", o.ID), Provider: fulfillment.ProviderDemo,
			Kind: "completed", OrderID: o.ID, PaymentRef: "demo", AmountCents: o.TotalCents, Currency: o.Currency, At: *o.PaidAt})
	}
	if err := tx.CreateInBatches(&items, batch).Error; err != nil {
		return fmt.Errorf("demo: items: %w", err)
	}
	if err := tx.CreateInBatches(&events, batch).Error; err != nil {
		return fmt.Errorf("demo: payments: %w", err)
	}
	g.stats.Items = len(items)

	// production jobs, one per unit, in the state the order reached
	byOrder := map[uint]*fulfillment.Order{}
	for i := range orders {
		byOrder[orders[i].ID] = &orders[i]
	}
	var jobs []fulfillment.ProductionJob
	firstItem := map[uint]uint{} // order → its first item, which the demo's feedback rates
	for _, it := range items {
		o := byOrder[it.OrderID]
		if _, ok := firstItem[o.ID]; !ok {
			firstItem[o.ID] = it.ID
		}
		j := fulfillment.ProductionJob{OrderID: o.ID, OrderItemID: it.ID, Unit: 1, Version: 1, CreatedAt: *o.PaidAt, UpdatedAt: o.UpdatedAt,
			ShippedAt: o.ShippedAt, DeliveredAt: o.DeliveredAt}
		switch o.Status {
		case fulfillment.OrderDelivered:
			j.Status, j.Carrier, j.Tracking = fulfillment.JobDelivered, "La Poste", fmt.Sprintf("DEMO%09d", it.ID)
		case fulfillment.OrderShipped:
			j.Status, j.Carrier, j.Tracking = fulfillment.JobShipped, "La Poste", fmt.Sprintf("DEMO%09d", it.ID)
		case fulfillment.OrderInProduction:
			j.Status = fulfillment.JobCompounding
		default:
			j.Status = fulfillment.JobQueued
		}
		jobs = append(jobs, j)
	}
	if err := tx.CreateInBatches(&jobs, batch).Error; err != nil {
		return fmt.Errorf("demo: jobs: %w", err)
	}

	// follow-ups (welcome after payment, check-in after delivery) and ratings
	var tasks []fulfillment.FollowUpTask
	type rated struct {
		task  int // index into tasks
		stars int
	}
	var staffRatings []rated
	var feedback []fulfillment.Feedback
	for i := range orders {
		o := &orders[i]
		p := refs[i].p
		cid, oid := p.c.ID, o.ID
		welcome := fulfillment.FollowUpTask{Kind: fulfillment.TaskWelcome, CustomerID: &cid, OrderID: &oid, Email: o.Email,
			Title: "Welcome call: " + p.c.Name, DueAt: o.PaidAt.Add(2 * time.Hour), Priority: fulfillment.PriorityNormal,
			DedupeKey: fmt.Sprintf("welcome:order:%d", o.ID), CreatedAt: *o.PaidAt, UpdatedAt: *o.PaidAt}
		g.complete(&welcome, now, g.days(0.05, 1.8))
		tasks = append(tasks, welcome)
		if o.CheckInCreatedAt != nil {
			ci := fulfillment.FollowUpTask{Kind: fulfillment.TaskCheckIn, CustomerID: &cid, OrderID: &oid, Email: o.Email,
				Title: "How is it working? " + p.c.Name, DueAt: *o.CheckInDueAt, Priority: fulfillment.PriorityNormal,
				DedupeKey: fmt.Sprintf("check_in:order:%d", o.ID), CreatedAt: *o.CheckInDueAt, UpdatedAt: *o.CheckInDueAt}
			g.complete(&ci, now, g.days(0.1, 3))
			tasks = append(tasks, ci)
			if ci.State == fulfillment.TaskDone && ci.Outcome == fulfillment.OutcomeReached && g.rng.Float64() < 0.8 {
				s := g.stars(p.mood)
				tasks[len(tasks)-1].Satisfaction = &s
				staffRatings = append(staffRatings, rated{len(tasks) - 1, s})
			}
		}
		if o.DeliveredAt != nil && g.rng.Float64() < 0.35 {
			at := o.DeliveredAt.Add(g.days(3, 20))
			if at.Before(now) {
				fb := fulfillment.Feedback{OrderID: &oid, CustomerID: &cid, Email: o.Email, Rating: g.stars(p.mood), Source: "customer", At: at}
				if item, ok := firstItem[o.ID]; ok {
					fb.OrderItemID = &item
				}
				feedback = append(feedback, fb)
			}
		}
	}
	if err := tx.CreateInBatches(&tasks, batch).Error; err != nil {
		return fmt.Errorf("demo: tasks: %w", err)
	}
	for _, r := range staffRatings {
		t := tasks[r.task]
		feedback = append(feedback, fulfillment.Feedback{OrderID: t.OrderID, CustomerID: t.CustomerID, TaskID: &t.ID, Email: t.Email,
			Rating: r.stars, Source: "staff", At: *t.CompletedAt})
	}
	if len(feedback) > 0 {
		if err := tx.CreateInBatches(&feedback, batch).Error; err != nil {
			return fmt.Errorf("demo: feedback: %w", err)
		}
	}
	g.stats.Tasks, g.stats.Feedback = len(tasks), len(feedback)

	// email: each order's confirmation, logged (demo mail) or failed for bouncing addresses
	var mails []fulfillment.OutboxMessage
	for i, o := range orders {
		m := fulfillment.OutboxMessage{Kind: fulfillment.MailOrderConfirmation, To: o.Email, Subject: "Your Atelier order is confirmed",
			Body: "Thank you for your order. We are mixing it now.", DedupeKey: fmt.Sprintf("order_confirmation:order:%d", o.ID),
			Status: fulfillment.OutboxLogged, Attempts: 1, NextAttemptAt: *o.PaidAt, CreatedAt: *o.PaidAt, SentAt: o.PaidAt}
		if refs[i].p.bounces {
			m.Status, m.Attempts, m.SentAt, m.LastError = fulfillment.OutboxFailed, 8, nil, "550 mailbox unavailable"
		}
		mails = append(mails, m)
	}
	if err := tx.CreateInBatches(&mails, batch).Error; err != nil {
		return fmt.Errorf("demo: email: %w", err)
	}
	g.stats.Emails = len(mails)
	return g.writeResponses(tx)
}

// complete finishes a task that fell due long enough ago, with a realistic outcome.
func (g *gen) complete(t *fulfillment.FollowUpTask, now time.Time, after time.Duration) {
	t.State = fulfillment.TaskOpen
	done := t.DueAt.Add(after)
	if done.After(now) {
		return
	}
	t.State, t.CompletedAt, t.UpdatedAt = fulfillment.TaskDone, &done, done
	switch x := g.rng.Float64(); {
	case x < 0.6:
		t.Outcome = fulfillment.OutcomeReached
	case x < 0.85:
		t.Outcome = fulfillment.OutcomeLeftMessage
	default:
		t.Outcome = fulfillment.OutcomeNoAnswer
	}
}

func (g *gen) stars(mood float64) int {
	return int(math.Max(1, math.Min(5, math.Round(mood+g.rng.NormFloat64()*0.7))))
}

// writeResponses stores the consultations straight into the questionnaire's table (a bulk
// insert; Store.Create and Save would cost two statements per response).
func (g *gen) writeResponses(tx *gorm.DB) error {
	var rows []map[string]any
	add := func(r response, customerID *uint) {
		updated := r.created
		if r.completed != nil {
			updated = *r.completed
		}
		rows = append(rows, map[string]any{"id": g.token(16), "resume_token": g.token(32), "owner_key": "demo-visitor-" + g.token(9),
			"customer_id": customerID, "quiz_version": g.o.Quiz.Version, "answers": r.answers, "trail": r.trail, "current": r.current,
			"revision": 1, "created_at": r.created, "updated_at": updated, "completed_at": r.completed})
	}
	for _, p := range g.people_ {
		id := p.c.ID
		add(p.resp, &id)
	}
	for _, r := range g.anon {
		add(r, nil)
	}
	for start := 0; start < len(rows); start += batch {
		if err := tx.Table("quiz_responses").Create(rows[start:min(start+batch, len(rows))]).Error; err != nil {
			return fmt.Errorf("demo: consultations: %w", err)
		}
	}
	g.stats.Responses = len(rows)
	return nil
}

// currency is the one the order's products are priced in (the catalog's), as checkout does.
func (g *gen) currency(po plannedOrder) string {
	for _, pr := range po.products {
		if pr.Currency != "" {
			return pr.Currency
		}
	}
	return "usd"
}
