package loyalty

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"atelier/app/loyalty/score"
)

// PersonalTouch is fulfillment's Options.ReplenishmentCall: a replenishment reminder also
// becomes a staff follow-up when the customer's segment has a task in its strategy (at-risk
// valuable, new with high potential, …), and stays an email alone for the segments whose
// strategy is email only (satisfied but occasional, lapsed). A customer not scored yet gets
// the call: the store knows too little to leave them to an email. segs nil means the default
// segments.
func PersonalTouch(db *gorm.DB, segs score.Segments) func(ctx context.Context, customerID uint) (bool, error) {
	if segs == nil {
		segs = score.DefaultSegments()
	}
	return func(ctx context.Context, customerID uint) (bool, error) {
		var cs CustomerScore
		err := db.WithContext(ctx).Select("segment").Where("customer_id = ?", customerID).Take(&cs).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		seg, ok := segs.Get(cs.Segment)
		return !ok || seg.Strategy.Task != nil, nil
	}
}
