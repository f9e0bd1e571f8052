package fulfillment

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// The feedback link works signed out and without a limit: each answer about an item replaces
// the previous one, so repeating a 5★ answer does not add ratings.
func TestFeedbackOneAnswerPerItem(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		o := paidOrder(t, s, 1, 2)
		first, second := o.Items[0].ID, o.Items[1].ID
		for _, stars := range []int{5, 5, 5, 3} {
			clk.Advance(time.Hour)
			fb, err := s.RecordFeedback(ctx, FeedbackInput{OrderID: o.ID, OrderItemID: first, Rating: stars, Note: "answer"})
			if err != nil {
				t.Fatal(err)
			}
			if fb.Rating != stars || fb.OrderItemID == nil || *fb.OrderItemID != first || !fb.At.Equal(clk.Now().UTC()) {
				t.Fatalf("answer %d: %+v", stars, fb)
			}
		}
		if _, err := s.RecordFeedback(ctx, FeedbackInput{OrderID: o.ID, OrderItemID: second, Rating: 4}); err != nil {
			t.Fatal(err)
		}
		var rows []Feedback
		if err := db.Order("order_item_id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Rating != 3 || *rows[0].OrderItemID != first || rows[1].Rating != 4 {
			t.Fatalf("feedback rows: %+v", rows)
		}
		other := paidOrder(t, s, 1)
		if _, err := s.RecordFeedback(ctx, FeedbackInput{OrderID: o.ID, OrderItemID: other.Items[0].ID, Rating: 5}); !errors.Is(err, ErrValidation) {
			t.Fatalf("an item of another order: %v", err)
		}
		if n := count(t, db, &Feedback{}, "1 = 1"); n != 2 {
			t.Fatalf("%d feedback rows after a refused answer, want 2", n)
		}
	})
}

// feedbackV9 is the feedbacks table as schema version 9 left it: no order_item_id.
type feedbackV9 struct {
	ID         uint  `gorm:"primaryKey"`
	OrderID    *uint `gorm:"index"`
	CustomerID *uint `gorm:"index"`
	TaskID     *uint `gorm:"index"`
	Email      string
	Rating     int
	Note       string
	Source     string
	At         time.Time
}

func (feedbackV9) TableName() string { return "feedbacks" }

func TestMigrateFeedbackPerItemKeepsNewestAnswer(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		o := paidOrder(t, s, 1, 1)
		if err := db.Migrator().DropTable(&Feedback{}); err != nil {
			t.Fatal(err)
		}
		if err := db.AutoMigrate(&feedbackV9{}); err != nil {
			t.Fatal(err)
		}
		at := clk.Now()
		name := o.Items[0].Name
		old := []feedbackV9{
			{OrderID: &o.ID, Rating: 5, Note: name + ": fine", Source: "customer", At: at},
			{OrderID: &o.ID, Rating: 5, Note: name + ": fine", Source: "customer", At: at.Add(time.Minute)},
			{OrderID: &o.ID, Rating: 2, Note: name + ": too heavy", Source: "customer", At: at.Add(2 * time.Minute)},
			{OrderID: &o.ID, Rating: 4, Note: "", Source: "customer", At: at}, // erased note: kept, unplaced
			{OrderID: &o.ID, Rating: 3, Note: "called", Source: "staff", At: at},
		}
		if err := db.Create(&old).Error; err != nil {
			t.Fatal(err)
		}
		for range 2 { // idempotent
			if err := db.Transaction(MigrateFeedbackPerItem); err != nil {
				t.Fatal(err)
			}
		}
		var rows []Feedback
		if err := db.Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0].Rating != 2 || rows[0].OrderItemID == nil || *rows[0].OrderItemID != o.Items[0].ID ||
			rows[1].OrderItemID != nil || rows[2].Source != "staff" || rows[2].OrderItemID != nil {
			t.Fatalf("after migration: %+v", rows)
		}
		if _, err := s.RecordFeedback(context.Background(), FeedbackInput{OrderID: o.ID, OrderItemID: o.Items[0].ID, Rating: 5}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, &Feedback{}, "order_item_id = ?", o.Items[0].ID); n != 1 {
			t.Fatalf("%d answers for the item after migration, want 1", n)
		}
	})
}
