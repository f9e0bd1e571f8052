package staff

import (
	"context"
	"time"

	"gorm.io/gorm"

	"atelier/fulfillment"
)

// Stats counts the queues for the console's overview. It reads fulfillment's tables (which
// that package owns) with plain aggregate queries and never writes them.
type Stats struct{ db *gorm.DB }

// NewStats returns the queue counters over db.
func NewStats(db *gorm.DB) *Stats { return &Stats{db: db} }

// Count is one group of a count.
type Count struct {
	Key string
	N   int64
}

// QueueCounts is how much work is where.
type QueueCounts struct {
	Jobs         map[string]int64 // by status
	Tasks        map[string]int64 // by state
	OverdueTasks int64
}

// Counts returns jobs per status, tasks per state and the open tasks overdue at now.
func (s *Stats) Counts(ctx context.Context, now time.Time) (*QueueCounts, error) {
	db := s.db.WithContext(ctx)
	out := &QueueCounts{Jobs: map[string]int64{}, Tasks: map[string]int64{}}
	var rows []Count
	if err := db.Model(&fulfillment.ProductionJob{}).Select("status AS key, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out.Jobs[r.Key] = r.N
	}
	rows = nil
	if err := db.Model(&fulfillment.FollowUpTask{}).Select("state AS key, COUNT(*) AS n").Group("state").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out.Tasks[r.Key] = r.N
	}
	err := db.Model(&fulfillment.FollowUpTask{}).
		Where("state IN ? AND due_at < ?", []string{fulfillment.TaskOpen, fulfillment.TaskClaimed}, now).
		Count(&out.OverdueTasks).Error
	return out, err
}
