package account

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"atelier/app/checkout"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// Erase deletes a customer's personal data in one transaction: the customer row is
// anonymised (Store.Anonymise), their quiz responses lose names, notes and postal codes
// (questionnaire Store.EraseCustomer), their bags are deleted (checkout
// BagStore.DeleteCustomer), and fulfillment's tables lose their contact data (fulfillment
// AnonymiseCustomer): orders keep items, amounts and country for the books but lose email,
// shipping name and street, and their items the name on the label (item name, label text,
// preview picture); staff's notes on the orders go; the email sent to them keeps only its
// kind and status; their follow-ups lose names, email and notes, and open ones are closed.
// Guest orders placed with the same email are included only when the email was verified.
func Erase(ctx context.Context, db *gorm.DB, now func() time.Time, orders *fulfillment.Service, cust *Customer) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e := fulfillment.Erasure{CustomerID: cust.ID, AccountEmail: cust.Email, AnonEmail: fmt.Sprintf("deleted-%d@invalid", cust.ID)}
		if cust.Verified() {
			e.VerifiedEmail = cust.Email
		}
		if _, err := orders.AnonymiseCustomer(tx, e); err != nil {
			return err
		}
		if err := questionnaire.NewStore(tx, now).EraseCustomer(ctx, cust.ID); err != nil {
			return err
		}
		if err := checkout.NewBagStore(tx, now).DeleteCustomer(ctx, cust.ID); err != nil {
			return err
		}
		return NewStore(tx, now).Anonymise(ctx, cust.ID)
	})
}
