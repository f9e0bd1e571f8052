package account

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"atelier/fulfillment"
	"atelier/questionnaire"
)

// Erase deletes a customer's personal data in one transaction: the customer row is
// anonymised (Store.Anonymise), their quiz responses lose names, notes and postal codes
// (questionnaire Store.EraseCustomer), and their orders keep items, amounts and country for
// the books but lose email, shipping name and street (fulfillment AnonymiseCustomer). Guest
// orders placed with the same email are included only when the email was verified.
func Erase(ctx context.Context, db *gorm.DB, now func() time.Time, orders *fulfillment.Service, cust *Customer) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		email := ""
		if cust.Verified() {
			email = cust.Email
		}
		if _, err := orders.AnonymiseCustomer(tx, cust.ID, email, fmt.Sprintf("deleted-%d@invalid", cust.ID)); err != nil {
			return err
		}
		if err := questionnaire.NewStore(tx, now).EraseCustomer(ctx, cust.ID); err != nil {
			return err
		}
		return NewStore(tx, now).Anonymise(ctx, cust.ID)
	})
}
