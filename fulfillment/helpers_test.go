package fulfillment

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

// testClock is a movable clock, safe for concurrent use.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// newTestService migrates db and returns a Service on a movable clock.
func newTestService(tb testing.TB, db *gorm.DB) (*Service, *testClock) {
	tb.Helper()
	if err := db.AutoMigrate(Models()...); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	clk := newClock()
	return NewServiceWithOptions(db, Options{Now: clk.Now, Log: quietLog, BaseURL: "https://atelier.test"}), clk
}

func validOrder(owner string, quantities ...int) NewOrder {
	if len(quantities) == 0 {
		quantities = []int{1}
	}
	in := NewOrder{
		OwnerKey: owner, Email: "ada@example.com", Currency: "EUR", ShippingCents: 500, PaymentProvider: ProviderDemo,
		Shipping: Address{Name: "Ada Lovelace", Line1: "12 Rue des Fleurs", City: "Paris", PostalCode: "75001", Country: "fr"},
	}
	for i, q := range quantities {
		in.Items = append(in.Items, NewOrderItem{
			Code: fmt.Sprintf("SER-%04d", i), Line: "serum", Name: "Ada's calming serum", SizeLabel: "30 ml",
			Quantity: q, UnitPriceCents: 3900, CatalogVersion: "2026.1", ExpectedUseDays: 60,
			Options:   json.RawMessage(`{"base":"aloe","actives":["niacinamide","panthenol"]}`),
			Formula:   json.RawMessage(`{"ingredients":[{"inci":"Aqua","pct":80},{"inci":"Niacinamide","pct":20}]}`),
			Packaging: json.RawMessage(`{"bottle":"amber-30","label":"Ada"}`),
		})
	}
	return in
}

// paidOrder creates and confirms an order.
func paidOrder(tb testing.TB, s *Service, quantities ...int) *Order {
	tb.Helper()
	return confirmedOrder(tb, s, validOrder("owner-1", quantities...))
}

// paidOrderFor creates and confirms an order of email's (and customerID's, when not nil).
func paidOrderFor(tb testing.TB, s *Service, email string, customerID *uint, quantities ...int) *Order {
	tb.Helper()
	in := validOrder("owner-"+email, quantities...)
	in.Email, in.CustomerID = email, customerID
	return confirmedOrder(tb, s, in)
}

// confirmedOrder creates the order in and confirms its payment.
func confirmedOrder(tb testing.TB, s *Service, in NewOrder) *Order {
	tb.Helper()
	ctx := context.Background()
	o, err := s.CreateOrder(ctx, in)
	if err != nil {
		tb.Fatalf("create order: %v", err)
	}
	o, err = s.ConfirmPayment(ctx, confirmation(o, fmt.Sprintf("evt_%d", o.ID)))
	if err != nil {
		tb.Fatalf("confirm: %v", err)
	}
	return o
}

// walk moves job id through the given states as an admin.
func walk(t *testing.T, s *Service, id uint, states ...string) {
	t.Helper()
	for _, to := range states {
		if _, err := s.Transition(context.Background(), id, admin(1), JobTransition{To: to, Carrier: "UPS", Tracking: "1Z", Note: "test"}); err != nil {
			t.Fatalf("job %d → %s: %v", id, to, err)
		}
	}
}

var toDelivered = []string{JobCompounding, JobQualityCheck, JobPacked, JobShipped, JobDelivered}

// deliver walks every job of order o to delivered.
func deliver(t *testing.T, s *Service, o *Order) {
	t.Helper()
	var jobs []ProductionJob
	s.db.Where("order_id = ?", o.ID).Find(&jobs)
	for _, j := range jobs {
		walk(t, s, j.ID, toDelivered...)
	}
}

func confirmation(o *Order, eventID string) PaymentConfirmation {
	return PaymentConfirmation{OrderID: o.ID, OrderPublicID: o.PublicID, Provider: ProviderDemo, PaymentRef: "demo_" + o.PublicID,
		EventID: eventID, AmountCents: o.TotalCents, Currency: o.Currency}
}

func count(tb testing.TB, db *gorm.DB, model any, where string, args ...any) int64 {
	tb.Helper()
	var n int64
	q := db.Model(model)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		tb.Fatalf("count: %v", err)
	}
	return n
}

func fulfiller(id uint) Actor { return Actor{StaffID: id, Role: RoleFulfillment} }
func carer(id uint) Actor     { return Actor{StaffID: id, Role: RoleCare} }
func admin(id uint) Actor     { return Actor{StaffID: id, Role: RoleAdmin} }

func expiry(o *Order, eventID string) CheckoutExpiry {
	return CheckoutExpiry{OrderID: o.ID, OrderPublicID: o.PublicID, PaymentRef: o.PaymentRef, EventID: eventID}
}
