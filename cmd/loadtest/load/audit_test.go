package load_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
	"atelier/cmd/loadtest/load"
	"atelier/fulfillment"
)

// paidOrders creates n orders (quantities 2 and 1) and pays all but the last.
func paidOrders(t *testing.T, db *gorm.DB, n int) (svc *fulfillment.Service, ids []string) {
	t.Helper()
	if err := db.AutoMigrate(fulfillment.Models()...); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }
	svc = fulfillment.NewServiceWithOptions(db, fulfillment.Options{Now: now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "https://atelier.test"})
	ctx := context.Background()
	for i := range n {
		in := fulfillment.NewOrder{OwnerKey: "owner", Email: "ada@example.com", Currency: "EUR", PaymentProvider: fulfillment.ProviderDemo,
			Shipping: fulfillment.Address{Name: "Ada", Line1: "1 Rue", City: "Paris", PostalCode: "75001", Country: "FR"}}
		for q := 2; q >= 1; q-- {
			in.Items = append(in.Items, fulfillment.NewOrderItem{Code: fmt.Sprintf("C%d-%d", i, q), Line: "serum", Name: "Serum",
				Quantity: q, UnitPriceCents: 1000, CatalogVersion: "1", Options: json.RawMessage(`{}`),
				Formula: json.RawMessage(`[]`), Packaging: json.RawMessage(`{}`)})
		}
		o, err := svc.CreateOrder(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, strconv.FormatUint(uint64(o.ID), 10))
		if i == n-1 {
			break // the last stays pending
		}
		if _, err := svc.ConfirmPayment(ctx, fulfillment.PaymentConfirmation{OrderID: o.ID, OrderPublicID: o.PublicID, Provider: fulfillment.ProviderDemo,
			EventID: "demo:" + ids[i], AmountCents: o.TotalCents, Currency: o.Currency}); err != nil {
			t.Fatal(err)
		}
	}
	return svc, ids
}

func TestAudit(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(t *testing.T, db *gorm.DB, ids []string)
		paid    func(ids []string) []string
		failing []string // the checks that must fail (and no other); none for a clean pass
	}{
		{name: "clean"},
		{name: "paid order lost a job", failing: []string{"jobs do not match", "units 1..quantity"},
			corrupt: func(t *testing.T, db *gorm.DB, ids []string) {
				exec(t, db, "DELETE FROM production_jobs WHERE id = (SELECT MIN(id) FROM production_jobs WHERE order_id = ?)", ids[0])
			}},
		{name: "paid order without any job", failing: []string{"paid order without production jobs", "jobs do not match", "units 1..quantity"},
			corrupt: func(t *testing.T, db *gorm.DB, ids []string) {
				exec(t, db, "DELETE FROM production_jobs WHERE order_id = ?", ids[1])
			}},
		{name: "job of an unpaid order", failing: []string{"production job without a paid order", "saw paid is not paid"},
			corrupt: func(t *testing.T, db *gorm.DB, ids []string) {
				exec(t, db, "UPDATE orders SET status = 'pending_payment' WHERE id = ?", ids[0])
			}},
		{name: "paid order without welcome task", failing: []string{"welcome task"},
			corrupt: func(t *testing.T, db *gorm.DB, ids []string) {
				exec(t, db, "DELETE FROM follow_up_tasks WHERE order_id = ?", ids[0])
			}},
		{name: "order seen paid is pending", failing: []string{"saw paid is not paid"},
			paid: func(ids []string) []string { return ids }},
		{name: "order seen created is missing", failing: []string{"saw created (201) is missing"},
			paid: func(ids []string) []string { return []string{"999999"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
				_, ids := paidOrders(t, db, 3)
				if tt.corrupt != nil {
					tt.corrupt(t, db, ids)
				}
				created, paid := ids, ids[:2]
				if tt.paid != nil {
					paid = tt.paid(ids)
					if paid[0] == "999999" {
						created, paid = paid, nil
					}
				}
				a, err := load.Audit(context.Background(), db, created, paid)
				if err != nil {
					t.Fatal(err)
				}
				var out bytes.Buffer
				a.Print(&out)
				if len(tt.failing) == 0 {
					if !a.Pass || !strings.Contains(out.String(), "PASS") {
						t.Fatalf("want PASS:\n%s", out.String())
					}
					return
				}
				if a.Pass {
					t.Fatalf("want FAIL on %q:\n%s", tt.failing, out.String())
				}
				failed := map[string]bool{}
				for _, c := range a.Failed() {
					ok := false
					for _, f := range tt.failing {
						if strings.Contains(c.Name, f) {
							ok, failed[f] = true, true
						}
					}
					if !ok {
						t.Errorf("unexpected failed check %q (%v)", c.Name, c.Examples)
					}
				}
				for _, f := range tt.failing {
					if !failed[f] {
						t.Errorf("check %q did not fail:\n%s", f, out.String())
					}
				}
			})
		})
	}
}

func exec(t *testing.T, db *gorm.DB, sql string, args ...any) {
	t.Helper()
	if err := db.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
