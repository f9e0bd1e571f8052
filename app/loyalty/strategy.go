package loyalty

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"atelier/app/loyalty/score"
	"atelier/fulfillment"
)

// TaskKey is the dedupe key of a segment's follow-up task for one customer in one period,
// e.g. "loyalty:at_risk_valuable:customer:7:2026-11": one task per key, ever.
func TaskKey(segment string, customerID uint, period string) string {
	return fmt.Sprintf("loyalty:%s:customer:%d:%s", segment, customerID, period)
}

// EmailKey is the dedupe key of a segment's email for one customer in one period.
func EmailKey(segment string, customerID uint, period string) string {
	return fmt.Sprintf("loyalty-mail:%s:customer:%d:%s", segment, customerID, period)
}

// runStrategies creates the segment strategies' tasks and email for results. Existing work is
// looked up first in chunked set queries, so a nightly run over every customer touches only
// what is missing or must become more urgent; fulfillment's dedupe keys still guarantee
// once-only under concurrency.
func (s *Service) runStrategies(tx *gorm.DB, subs []*subject, results []Result, now time.Time, rep *Report) error {
	var tasks []fulfillment.TaskSpec
	var mails []fulfillment.OutboxMessage
	for i, r := range results {
		seg, ok := s.segs.Get(r.Segment)
		if !ok {
			continue
		}
		sub := subs[i]
		if t := seg.Strategy.Task; t != nil {
			id := sub.ID
			tasks = append(tasks, fulfillment.TaskSpec{
				Kind: t.Kind, CustomerID: &id, Email: sub.Email,
				Title:     truncate(t.Title+" — "+sub.Name, 200),
				Notes:     fill(t.Notes, sub),
				DueAt:     now.Add(t.DueWithin),
				Priority:  t.Priority,
				DedupeKey: TaskKey(seg.Name, sub.ID, score.PeriodKey(t.Period, now)),
			})
		}
		// Segment email is marketing: only for customers who opted in.
		if e := seg.Strategy.Email; e != nil && sub.OptIn && sub.Email != "" {
			mails = append(mails, fulfillment.OutboxMessage{Kind: e.Kind, To: sub.Email, Subject: e.Subject,
				Body: fill(e.Body, sub), DedupeKey: EmailKey(seg.Name, sub.ID, score.PeriodKey(e.Period, now))})
		}
	}
	existing, err := existingTasks(tx, tasks)
	if err != nil {
		return err
	}
	for _, spec := range tasks {
		if t, ok := existing[spec.DedupeKey]; ok {
			live := t.State == fulfillment.TaskOpen || t.State == fulfillment.TaskClaimed
			if !live || (t.Priority >= spec.Priority && !t.DueAt.After(spec.DueAt)) {
				continue // done, or already as urgent as asked
			}
		}
		_, created, err := s.f.EnsureTask(tx, spec)
		if err != nil {
			return fmt.Errorf("loyalty: ensure task %s: %w", spec.DedupeKey, err)
		}
		if created {
			rep.TasksCreated++
		} else {
			rep.TasksRaised++
		}
	}
	sent, err := existingMail(tx, mails)
	if err != nil {
		return err
	}
	for _, m := range mails {
		if sent[m.DedupeKey] {
			continue
		}
		created, err := s.f.Enqueue(tx, m)
		if err != nil {
			return fmt.Errorf("loyalty: enqueue %s: %w", m.DedupeKey, err)
		}
		if created {
			rep.EmailsQueued++
		}
	}
	return nil
}

func existingTasks(tx *gorm.DB, specs []fulfillment.TaskSpec) (map[string]fulfillment.FollowUpTask, error) {
	out := make(map[string]fulfillment.FollowUpTask, len(specs))
	for start := 0; start < len(specs); start += batchSize {
		keys := make([]string, 0, batchSize)
		for _, sp := range specs[start:min(start+batchSize, len(specs))] {
			keys = append(keys, sp.DedupeKey)
		}
		var rows []fulfillment.FollowUpTask
		if err := tx.Select("dedupe_key", "state", "priority", "due_at").Where("dedupe_key IN ?", keys).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("loyalty: read tasks: %w", err)
		}
		for _, r := range rows {
			out[r.DedupeKey] = r
		}
	}
	return out, nil
}

func existingMail(tx *gorm.DB, msgs []fulfillment.OutboxMessage) (map[string]bool, error) {
	out := make(map[string]bool, len(msgs))
	for start := 0; start < len(msgs); start += batchSize {
		keys := make([]string, 0, batchSize)
		for _, m := range msgs[start:min(start+batchSize, len(msgs))] {
			keys = append(keys, m.DedupeKey)
		}
		var found []string
		if err := tx.Model(&fulfillment.OutboxMessage{}).Where("dedupe_key IN ?", keys).Pluck("dedupe_key", &found).Error; err != nil {
			return nil, fmt.Errorf("loyalty: read outbox: %w", err)
		}
		for _, k := range found {
			out[k] = true
		}
	}
	return out, nil
}

// fill replaces {name} and {lines} (recommended lines not bought yet) in a strategy's text.
func fill(text string, sub *subject) string {
	bought := map[string]bool{}
	for _, o := range sub.History.Orders {
		for _, l := range o.Lines {
			bought[l] = true
		}
	}
	var open []string
	for _, l := range sub.History.RecommendedLines {
		if !bought[l] {
			open = append(open, strings.ReplaceAll(l, "_", " "))
		}
	}
	lines := "the other lines their consultation recommended"
	if len(open) > 0 {
		lines = strings.Join(open, ", ")
	}
	return strings.NewReplacer("{name}", sub.Name, "{lines}", lines).Replace(text)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
