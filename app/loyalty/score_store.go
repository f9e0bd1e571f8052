package loyalty

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

const batchSize = 500

// currentSegments returns the stored segment of each subject that has one.
func currentSegments(tx *gorm.DB, subs []*subject) (map[uint]string, error) {
	out := make(map[uint]string, len(subs))
	var rows []CustomerScore
	q := tx.Select("customer_id", "segment")
	if len(subs) == 1 {
		q = q.Where("customer_id = ?", subs[0].ID)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("loyalty: read segments: %w", err)
	}
	for _, r := range rows {
		out[r.CustomerID] = r.Segment
	}
	return out, nil
}

// saveScores upserts the score rows and appends the segment moves, in batches.
func saveScores(tx *gorm.DB, rows []CustomerScore, moves []SegmentMove) error {
	if len(rows) > 0 {
		up := clause.OnConflict{Columns: []clause.Column{{Name: "customer_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"satisfaction", "value", "loyalty", "potential", "segment", "reasons", "computed_at"})}
		if err := tx.Clauses(up).CreateInBatches(rows, batchSize).Error; err != nil {
			return fmt.Errorf("loyalty: save scores: %w", err)
		}
	}
	if len(moves) > 0 {
		if err := tx.CreateInBatches(moves, batchSize).Error; err != nil {
			return fmt.Errorf("loyalty: save segment moves: %w", err)
		}
	}
	return nil
}

// Score returns a customer's stored scores with their reasons, or ErrNotFound.
func (s *Service) Score(ctx context.Context, customerID uint) (*Explained, error) {
	var row CustomerScore
	err := s.db.WithContext(ctx).Where("customer_id = ?", customerID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("loyalty: read score: %w", err)
	}
	return explain(row)
}

// Moves returns a customer's segment history, newest first.
func (s *Service) Moves(ctx context.Context, customerID uint) ([]SegmentMove, error) {
	var moves []SegmentMove
	if err := s.db.WithContext(ctx).Where("customer_id = ?", customerID).Order("at DESC, id DESC").Limit(100).Find(&moves).Error; err != nil {
		return nil, fmt.Errorf("loyalty: read segment history: %w", err)
	}
	return moves, nil
}
