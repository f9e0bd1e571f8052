package fulfillment

import (
	"context"
	"encoding/json"
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

// Erasing a customer takes the label name out of their order items (name, packaging label
// text, preview picture) and clears what staff wrote about their orders (status events, audit
// entries, job reasons), keeping codes, prices, formula, steps and the store's own notes; other
// customers' orders keep theirs.
func TestAnonymiseCustomerErasesLabelNameAndStaffNotes(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		in := validOrder("owner-1", 1, 1)
		in.CustomerID = ptr(uint(7))
		in.Items[0].Name, in.Items[0].PreviewSVG = "Maya's Curl Quench Shampoo", `<svg><text>Maya</text></svg>`
		in.Items[0].Packaging = json.RawMessage(`{"shape":"pump","size_ml":250,"label_text":"Maya's Curl Quench Shampoo · 250 ml"}`)
		in.Items[1].Name = "Your Daily Conditioner"
		in.Items[1].Packaging = json.RawMessage(`{"shape":"bottle","label_text":"Your Daily Conditioner"}`)
		mine := placeWithStaffNotes(t, s, in, "evt_mine", "Maya Lovelace")
		other := validOrder("owner-2")
		other.Email, other.Shipping.Name = "bo@example.com", "Bo Other"
		placeWithStaffNotes(t, s, other, "evt_other", "Bo Other")
		before, err := s.Get(ctx, mine.ID)
		if err != nil {
			t.Fatal(err)
		}

		// Twice: erasing again changes nothing more.
		for range 2 {
			err = db.Transaction(func(tx *gorm.DB) error {
				_, err := s.AnonymiseCustomer(tx, Erasure{CustomerID: 7, AccountEmail: "maya@example.com", AnonEmail: "deleted-7@invalid"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}

		after, err := s.Get(ctx, mine.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantNames := []string{"Curl Quench Shampoo", "Daily Conditioner"}
		wantLabels := []string{"Curl Quench Shampoo · 250 ml", "Daily Conditioner"}
		for i, it := range after.Items {
			var pk map[string]any
			if err := json.Unmarshal([]byte(it.Packaging), &pk); err != nil {
				t.Fatal(err)
			}
			was := before.Items[i]
			if it.Name != wantNames[i] || pk["label_text"] != wantLabels[i] || it.PreviewSVG != "" {
				t.Errorf("item %d: name %q, label %q, preview %q; want %q, %q and none", i, it.Name, pk["label_text"], it.PreviewSVG, wantNames[i], wantLabels[i])
			}
			if pk["shape"] != map[bool]string{true: "pump", false: "bottle"}[i == 0] || it.Code != was.Code || it.Formula != was.Formula ||
				it.Options != was.Options || it.LineTotalCents != was.LineTotalCents || it.Quantity != was.Quantity {
				t.Errorf("item %d lost what the books keep: %+v, was %+v", i, it, was)
			}
		}
		if after.TotalCents != before.TotalCents || after.Status != OrderRefunded {
			t.Errorf("order after erasure: %+v", after)
		}
		for _, q := range []struct {
			model any
			where string
		}{
			{&OrderEvent{}, "note LIKE ?"}, {&AuditEntry{}, "note LIKE ?"}, {&ProductionJob{}, "reason LIKE ?"},
			{&OrderItem{}, "name LIKE ? OR packaging LIKE ? OR preview_svg LIKE ?"},
		} {
			args := []any{"%Maya%"}
			if strings.Count(q.where, "?") == 3 {
				args = []any{"%Maya%", "%Maya%", "%Maya%"}
			}
			if n := count(t, db, q.model, q.where, args...); n != 0 {
				t.Errorf("%d %T rows still name the customer", n, q.model)
			}
			args[0] = "%Bo Other%"
			if _, ok := q.model.(*OrderItem); !ok && count(t, db, q.model, q.where, args[0]) == 0 {
				t.Errorf("another customer's %T notes were erased", q.model)
			}
		}
		// The store's own notes stay: the payment's event id, the order's first step.
		if n := count(t, db, &AuditEntry{}, "object = ? AND note = ?", object("order", mine.ID), "evt_mine"); n != 1 {
			t.Errorf("the payment's audit entry lost its event id")
		}
		if n := count(t, db, &OrderEvent{}, "order_id = ? AND note = ?", mine.ID, "order placed"); n != 1 {
			t.Errorf("the order's first event lost its note")
		}
	})
}

// placeWithStaffNotes places and pays an order, holds its first unit and refunds it, with
// notes naming who.
func placeWithStaffNotes(t *testing.T, s *Service, in NewOrder, eventID, who string) *Order {
	t.Helper()
	ctx := context.Background()
	o, err := s.CreateOrder(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if o, err = s.ConfirmPayment(ctx, confirmation(o, eventID)); err != nil {
		t.Fatal(err)
	}
	jobs, err := s.ListJobs(ctx, JobFilter{OrderID: &o.ID})
	if err != nil || len(jobs) == 0 {
		t.Fatalf("jobs %v: %v", jobs, err)
	}
	if _, err := s.ClaimJob(ctx, jobs[0].ID, fulfiller(2), time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Transition(ctx, jobs[0].ID, fulfiller(2), JobTransition{To: JobOnHold, Note: who + " asks us to wait"}); err != nil {
		t.Fatal(err)
	}
	if o, err = s.Refund(ctx, admin(1), o.ID, who+" changed their mind", ""); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestAnonymousName(t *testing.T) {
	for _, tc := range []struct{ name, line, want string }{
		{"Maya's Curl Quench Shampoo", "shampoo", "Curl Quench Shampoo"},
		{"Your Daily Conditioner", "conditioner", "Daily Conditioner"},
		{"Jo's Mum's Silk Shampoo", "shampoo", "Silk Shampoo"}, // the owner ends at the last "'s "
		{"Zoë’s Calm Serum", "serum", "Calm Serum"},
		{"Maya's ", "hair_mask", "Hair mask"},
		{"Calm Serum for Maya", "serum", "Serum"}, // another template: the line
		{"", "", "Product"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := anonymousName(tc.name, tc.line); got != tc.want {
				t.Errorf("anonymousName(%q, %q) = %q, want %q", tc.name, tc.line, got, tc.want)
			}
		})
	}
}
