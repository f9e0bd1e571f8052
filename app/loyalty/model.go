package loyalty

import "time"

// CustomerScore is a customer's latest scores and segment (table customer_scores).
type CustomerScore struct {
	CustomerID   uint   `gorm:"primaryKey;autoIncrement:false"`
	Satisfaction int    `gorm:"not null"`
	Value        int    `gorm:"not null"`
	Loyalty      int    `gorm:"not null"`
	Potential    int    `gorm:"not null"`
	Segment      string `gorm:"size:64;not null;index"`
	// Reasons is the JSON of score.Scores: each score's value and the facts that moved it.
	Reasons    string    `gorm:"type:text;not null"`
	ComputedAt time.Time `gorm:"not null"`
}

// TableName names the scores table.
func (CustomerScore) TableName() string { return "customer_scores" }

// SegmentMove records a customer entering a segment (table segment_history); From is "" for
// the first assignment.
type SegmentMove struct {
	ID         uint      `gorm:"primaryKey"`
	CustomerID uint      `gorm:"not null;index"`
	From       string    `gorm:"column:from_segment;size:64;not null;default:''"`
	To         string    `gorm:"column:to_segment;size:64;not null"`
	At         time.Time `gorm:"not null;index"`
}

// TableName names the movement table.
func (SegmentMove) TableName() string { return "segment_history" }

// Models lists the package's GORM models, for migrations.
func Models() []any { return []any{&CustomerScore{}, &SegmentMove{}} }
