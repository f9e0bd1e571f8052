package fulfillment

import (
	"fmt"

	"gorm.io/gorm"
)

// AnonymiseCustomer is for account deletion: inside the caller's transaction tx it strips
// the contact data from every order of the customer (and every order placed as a guest with
// the same email) — the email becomes anonEmail, the shipping name, street lines, city and
// postal code are cleared — and removes the email from their feedback. Country, amounts,
// items and statuses stay, so the books and the statistics keep adding up. It returns the
// number of orders changed. Pending outbox email to the address is cancelled (marked failed)
// so that nothing more is sent to it.
func (s *Service) AnonymiseCustomer(tx *gorm.DB, customerID uint, email, anonEmail string) (int64, error) {
	now := s.clock()
	q := tx.Model(&Order{}).Where("customer_id = ?", customerID)
	if email != "" {
		q = tx.Model(&Order{}).Where("customer_id = ? OR email = ?", customerID, email)
	}
	res := q.Updates(map[string]any{
		"customer_id": customerID, "email": anonEmail, "ship_name": "", "ship_line1": "", "ship_line2": "",
		"ship_city": "", "ship_postal_code": "", "updated_at": now,
	})
	if res.Error != nil {
		return 0, fmt.Errorf("fulfillment: anonymise orders: %w", res.Error)
	}
	fq := tx.Model(&Feedback{}).Where("customer_id = ?", customerID)
	if email != "" {
		fq = tx.Model(&Feedback{}).Where("customer_id = ? OR email = ?", customerID, email)
	}
	if err := fq.Updates(map[string]any{"email": "", "note": ""}).Error; err != nil {
		return 0, fmt.Errorf("fulfillment: anonymise feedback: %w", err)
	}
	if email != "" {
		if err := tx.Model(&OutboxMessage{}).Where("to_addr = ? AND status = ?", email, OutboxPending).
			Updates(map[string]any{"status": OutboxFailed, "last_error": "recipient deleted their account"}).Error; err != nil {
			return 0, fmt.Errorf("fulfillment: cancel outbox: %w", err)
		}
	}
	return res.RowsAffected, nil
}
