package fulfillment

import (
	"fmt"

	"gorm.io/gorm"
)

// MigrateFeedbackPerItem brings a database written before customer feedback was kept per
// order item up to one answer per item, inside the migration's transaction tx: it adds
// feedbacks.order_item_id, fills it for customer answers from the item named at the start of
// their note ("<item name>: …", as RecordFeedback wrote them), keeps only the newest answer
// of each item (the older ones were repeats that inflated the scores), and then adds the
// unique index. Answers it cannot place (a note erased with the account) stay as they are.
// It is idempotent, and on a fresh database it changes nothing.
func MigrateFeedbackPerItem(tx *gorm.DB) error {
	m := tx.Migrator()
	if !m.HasColumn(&Feedback{}, "OrderItemID") {
		if err := m.AddColumn(&Feedback{}, "OrderItemID"); err != nil {
			return fmt.Errorf("fulfillment: feedback per item: add column: %w", err)
		}
	}
	steps := []struct{ what, sql string }{
		{"place answers", `UPDATE feedbacks SET order_item_id = (
			SELECT MIN(oi.id) FROM order_items oi
			WHERE oi.order_id = feedbacks.order_id AND feedbacks.note LIKE oi.name || ': %')
			WHERE source = 'customer' AND order_item_id IS NULL AND order_id IS NOT NULL`},
		{"drop repeats", `DELETE FROM feedbacks WHERE order_item_id IS NOT NULL AND EXISTS (
			SELECT 1 FROM feedbacks newer WHERE newer.order_item_id = feedbacks.order_item_id
			AND (newer.at > feedbacks.at OR (newer.at = feedbacks.at AND newer.id > feedbacks.id)))`},
	}
	for _, st := range steps {
		if err := tx.Exec(st.sql).Error; err != nil {
			return fmt.Errorf("fulfillment: feedback per item: %s: %w", st.what, err)
		}
	}
	if err := tx.AutoMigrate(&Feedback{}); err != nil {
		return fmt.Errorf("fulfillment: feedback per item: index: %w", err)
	}
	return nil
}
