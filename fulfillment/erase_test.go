package fulfillment

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// Erasing a customer blanks the address and body of every email to them, whatever its status
// (cancelling what is still to be sent), and the personal parts of their follow-ups (closing
// the open ones), and leaves other customers alone.
func TestAnonymiseCustomerErasesEmailAndFollowUps(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		in := validOrder("owner-1")
		in.CustomerID = ptr(uint(7))
		o, err := s.CreateOrder(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if o, err = s.ConfirmPayment(ctx, confirmation(o, "evt_mine")); err != nil {
			t.Fatal(err)
		}
		other := validOrder("owner-2")
		other.Email, other.Shipping.Name = "bo@example.com", "Bo Other"
		bo, err := s.CreateOrder(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmPayment(ctx, confirmation(bo, "evt_other")); err != nil {
			t.Fatal(err)
		}
		// The confirmations are delivered; then a sign-in link waits, and staff complete the
		// welcome call with a note.
		if _, err := s.DeliverOutbox(ctx, LogMailer{Log: quietLog}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EnqueueEmail(ctx, OutboxMessage{Kind: MailAccountSignIn, To: "ada@example.com", Subject: "Your sign-in link",
			Body: "Hello Ada Lovelace", DedupeKey: "account:signin:1"}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(3 * time.Hour)
		c := carer(3)
		var welcome *FollowUpTask
		for welcome == nil || *welcome.OrderID != o.ID {
			if welcome, err = s.ClaimNextTask(ctx, c, 0); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CompleteTask(ctx, welcome.ID, c, OutcomeReached, "Ada Lovelace loves it", nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.EnsureTask(db, TaskSpec{Kind: TaskManual, CustomerID: ptr(uint(7)), Email: "ada@example.com",
			Title: "Call Ada Lovelace back", Notes: "12 Rue des Fleurs", DedupeKey: "manual:ada"}); err != nil {
			t.Fatal(err)
		}
		mails := count(t, db, &OutboxMessage{}, "")

		err = db.Transaction(func(tx *gorm.DB) error {
			_, err := s.AnonymiseCustomer(tx, Erasure{CustomerID: 7, VerifiedEmail: "ada@example.com", AccountEmail: "ada@example.com", AnonEmail: "deleted-7@invalid"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		var msgs []OutboxMessage
		if err := db.Order("id").Find(&msgs).Error; err != nil {
			t.Fatal(err)
		}
		if int64(len(msgs)) != mails {
			t.Fatalf("%d messages, want %d (counts stay)", len(msgs), mails)
		}
		kinds := map[string]string{}
		for _, m := range msgs {
			if m.To == "bo@example.com" {
				if !strings.Contains(m.Body, "Bo Other") {
					t.Errorf("another customer's email was erased: %+v", m)
				}
				continue
			}
			if m.To != "deleted-7@invalid" || m.Subject != ErasedSubject || m.Body != ErasedBody || m.Kind == "" {
				t.Errorf("not erased: %+v", m)
			}
			kinds[m.Kind] = m.Status
		}
		if kinds[MailOrderConfirmation] != OutboxLogged || kinds[MailAccountSignIn] != OutboxFailed {
			t.Errorf("statuses %v: the delivered one stays logged, the waiting one is cancelled", kinds)
		}

		var tasks []FollowUpTask
		if err := db.Where("customer_id = ?", 7).Order("id").Find(&tasks).Error; err != nil {
			t.Fatal(err)
		}
		if len(tasks) != 2 {
			t.Fatalf("tasks %+v", tasks)
		}
		for _, tk := range tasks {
			row := fmt.Sprintf("%+v", tk)
			if tk.Email != "" || strings.Contains(row, "Ada") || strings.Contains(row, "Fleurs") || tk.State == TaskOpen || tk.State == TaskClaimed {
				t.Errorf("task not erased or still open: %s", row)
			}
		}
		if tasks[0].State != TaskDone || tasks[0].Outcome != OutcomeReached || tasks[0].Title != fmt.Sprintf("Welcome follow-up for order #%d (the customer deleted their account)", o.ID) {
			t.Errorf("done welcome call: %+v", tasks[0])
		}
		if tasks[1].State != TaskSkipped || tasks[1].CompletedAt == nil || !strings.Contains(tasks[1].Notes, "deleted their account") {
			t.Errorf("open task not skipped with the reason: %+v", tasks[1])
		}
		if n := count(t, db, &AuditEntry{}, "object = ? AND action = ?", object("task", tasks[1].ID), "task.skipped"); n != 1 {
			t.Errorf("%d audit entries for the skip, want 1", n)
		}
		if n := count(t, db, &AuditEntry{}, "note LIKE ?", "%Ada%"); n != 0 {
			t.Errorf("%d audit entries still name the customer", n)
		}
		if n := count(t, db, &FollowUpTask{}, "title LIKE ?", "%Bo Other%"); n != 1 {
			t.Errorf("another customer's follow-up was erased")
		}
	})
}
