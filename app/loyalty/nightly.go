package loyalty

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// NightlyEvery is how old the oldest stored score may grow before the periodic job rescores
// everyone.
const NightlyEvery = 23 * time.Hour

// Due reports whether a full recompute is due: some customer exists and the oldest stored
// score is older than NightlyEvery, or nothing was scored yet.
func (s *Service) Due(ctx context.Context) (bool, error) {
	var oldest []CustomerScore
	db := s.db.WithContext(ctx)
	if err := db.Select("customer_id", "computed_at").Order("computed_at").Limit(1).Find(&oldest).Error; err != nil {
		return false, fmt.Errorf("loyalty: oldest score: %w", err)
	}
	if len(oldest) == 1 {
		return s.clock().Sub(oldest[0].ComputedAt) > NightlyEvery, nil
	}
	var n int64
	if err := db.Table("customers").Where("deleted_at IS NULL").Limit(1).Count(&n).Error; err != nil {
		return false, fmt.Errorf("loyalty: count customers: %w", err)
	}
	return n > 0, nil
}

// RunNightly checks every interval whether a full recompute is due (see Due) and runs it; it
// is the loyalty job of the server's worker loop. Several instances may run it: the
// strategies' dedupe keys keep their work once-only. It returns ctx.Err().
func (s *Service) RunNightly(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if due, err := s.Due(ctx); err != nil {
			s.log.Error("loyalty: nightly check", slog.Any("error", err))
		} else if due {
			if _, err := s.RecomputeAll(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("loyalty: nightly recompute", slog.Any("error", err))
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
