package checkout_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"atelier/app/apptest"
	"atelier/catalog"
	"atelier/fulfillment"
)

// products returns the best product of each line of the current catalog.
func products(t testing.TB, s *apptest.Store) []catalog.Product {
	t.Helper()
	var out []catalog.Product
	for _, l := range s.Deps.Catalog.Current().Lines() {
		p, err := l.Best(catalog.Profile{Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// otherSize returns an available size of p other than its own, or "".
func otherSize(p catalog.Product) (option string, price int64) {
	for _, sp := range p.PricesBySize {
		if sp.Available && sp.SizeML != p.Packaging.SizeML {
			return sp.Option, sp.PriceCents
		}
	}
	return "", 0
}

func address() map[string]any {
	return map[string]any{"name": "Ana Lima", "line1": "1 Rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR"}
}

func orderBody(code string, qty any) map[string]any {
	return map[string]any{
		"items":            []map[string]any{{"code": code, "quantity": qty}},
		"email":            "ana@example.com",
		"shipping_address": address(),
	}
}

func checkoutForm() url.Values {
	return url.Values{"email": {"ana@example.com"}, "name": {"Ana Lima"}, "line1": {"1 Rue de Rivoli"},
		"city": {"Paris"}, "postal_code": {"75001"}, "country": {"FR"}}
}

type created struct {
	ID         uint   `json:"id"`
	Status     string `json:"status"`
	TotalCents int64  `json:"total_cents"`
	Currency   string `json:"currency"`
	PaymentURL string `json:"payment_url"`
	Items      []struct {
		Code           string `json:"code"`
		Quantity       int    `json:"quantity"`
		UnitPriceCents int64  `json:"unit_price_cents"`
	} `json:"items"`
}

// counts is the number of rows of the work a paid order makes.
type counts struct{ Paid, Jobs, Tasks, Outbox, Events int64 }

func countWork(t testing.TB, db *gorm.DB) counts {
	t.Helper()
	var c counts
	for _, q := range []struct {
		n     *int64
		model any
		where string
	}{
		{&c.Paid, &fulfillment.Order{}, "status = 'paid'"},
		{&c.Jobs, &fulfillment.ProductionJob{}, ""},
		{&c.Tasks, &fulfillment.FollowUpTask{}, ""},
		{&c.Outbox, &fulfillment.OutboxMessage{}, ""},
		{&c.Events, &fulfillment.PaymentEvent{}, ""},
	} {
		tx := db.WithContext(context.Background()).Model(q.model)
		if q.where != "" {
			tx = tx.Where(q.where)
		}
		if err := tx.Count(q.n).Error; err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func mustContain(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("body lacks %q:\n%s", w, trim(body))
		}
	}
}

func trim(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// manyCodes returns at least n distinct valid product codes: each line's best product and
// its single-option variations.
func manyCodes(t testing.TB, s *apptest.Store, n int) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	for _, l := range s.Deps.Catalog.Current().Lines() {
		best, err := l.Best(catalog.Profile{})
		if err != nil {
			t.Fatal(err)
		}
		avail, err := l.Availability(best.Selection(), catalog.Profile{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range avail {
			for _, o := range d.Options {
				p, err := l.Customize(best.Selection(), catalog.Selection{d.Dimension: {o.Option}}, catalog.Profile{})
				if err == nil && !seen[p.Code] {
					seen[p.Code] = true
					out = append(out, p.Code)
				}
				if len(out) >= n {
					return out
				}
			}
		}
	}
	t.Fatalf("only %d codes", len(out))
	return nil
}
