package loyalty

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"atelier/app/loyalty/score"
)

// Backfill replays the segments month by month over the past months (from the first day of
// the month months ago until now) from the stored history, as the formulas would have seen it
// then (History.AsOf), and records the moves in segment_history; the last step's scores become
// the stored scores. It runs no strategies and is meant for demo data or for a new install
// that imports its past; it refuses nothing but should run once, before the first
// RecomputeAll.
func (s *Service) Backfill(ctx context.Context, months int) (int, error) {
	subs, err := s.loadSubjects(ctx, 0)
	if err != nil {
		return 0, err
	}
	now := s.clock()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -months, 0)
	var steps []time.Time
	for t := first; t.Before(now); t = t.AddDate(0, 1, 0) {
		steps = append(steps, t)
	}
	steps = append(steps, now)
	last := make(map[uint]string, len(subs))
	var moves []SegmentMove
	rows := make([]CustomerScore, 0, len(subs))
	for _, sub := range subs {
		for i, t := range steps {
			if t.Before(sub.History.Since) {
				continue
			}
			h := sub.History.AsOf(t)
			sc := score.Compute(h, t)
			seg := s.segs.Assign(sc, score.FactsOf(h, t)).Name
			if prev, ok := last[sub.ID]; !ok || prev != seg {
				moves = append(moves, SegmentMove{CustomerID: sub.ID, From: prev, To: seg, At: t})
				last[sub.ID] = seg
			}
			if i == len(steps)-1 {
				reasons, _ := json.Marshal(sc)
				rows = append(rows, CustomerScore{CustomerID: sub.ID, Satisfaction: sc.Satisfaction.Value, Value: sc.Value.Value,
					Loyalty: sc.Loyalty.Value, Potential: sc.Potential.Value, Segment: seg, Reasons: string(reasons), ComputedAt: t})
			}
		}
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return saveScores(tx, rows, moves) })
	if err != nil {
		return 0, err
	}
	s.invalidate()
	return len(moves), nil
}
