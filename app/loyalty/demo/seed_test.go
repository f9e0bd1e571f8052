package demo_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app"
	"atelier/app/database/databasetest"
	"atelier/app/loyalty/demo"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

func seed(t *testing.T, n int, s int64) (demo.Stats, error) {
	t.Helper()
	st, _, err := seedDB(t, n, s)
	return st, err
}

func seedDB(t *testing.T, n int, s int64) (demo.Stats, *gorm.DB, error) {
	t.Helper()
	db := databasetest.SQLite(t)
	if _, err := app.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	store := questionnaire.NewStore(db, func() time.Time { return now })
	opts := demo.Options{Customers: n, Seed: s, Now: now, Quiz: questionnaire.Default(), Store: store, Catalog: cat}
	st, err := demo.Seed(context.Background(), db, opts)
	if err != nil {
		return st, db, err
	}
	// every generated consultation is valid for the quiz engine, and paid orders have their work
	rows, err := store.DropOff(context.Background(), questionnaire.Default().Version, 0)
	if err != nil || len(rows) == 0 {
		t.Fatalf("drop-off over the seeded consultations: %v", err)
	}
	var unpaidWork int64
	db.Model(&fulfillment.Order{}).Where("paid_at IS NOT NULL AND id NOT IN (SELECT order_id FROM production_jobs)").Count(&unpaidWork)
	if unpaidWork != 0 {
		t.Errorf("%d paid orders without production jobs", unpaidWork)
	}
	if _, err := demo.Seed(context.Background(), db, opts); !errors.Is(err, demo.ErrAlreadySeeded) {
		t.Errorf("seeding twice: %v, want ErrAlreadySeeded", err)
	}
	return st, db, nil
}

func TestSeedIsDeterministic(t *testing.T) {
	a, err := seed(t, 40, 9)
	if err != nil {
		t.Fatal(err)
	}
	b, err := seed(t, 40, 9)
	if err != nil {
		t.Fatal(err)
	}
	a.Took, b.Took = 0, 0
	if a != b {
		t.Errorf("same seed, different data: %+v vs %+v", a, b)
	}
	if a.Customers != 40 || a.Orders == 0 || a.Responses <= a.Customers || a.Feedback == 0 {
		t.Errorf("stats %+v", a)
	}
}

// TestLabelsSayTheCustomersFirstName: customers share a few hundred consultations, but each
// one's name answer, product names and bottle labels say their own first name.
func TestLabelsSayTheCustomersFirstName(t *testing.T) {
	_, db, err := seedDB(t, 60, 4)
	if err != nil {
		t.Fatal(err)
	}
	var items []struct {
		Customer, Product, Packaging string
	}
	err = db.Table("order_items i").Select("c.name AS customer, i.name AS product, i.packaging").
		Joins("JOIN orders o ON o.id = i.order_id").Joins("JOIN customers c ON c.id = o.customer_id").Scan(&items).Error
	if err != nil || len(items) == 0 {
		t.Fatalf("%d items: %v", len(items), err)
	}
	for _, it := range items {
		first := strings.Fields(it.Customer)[0]
		var pack catalog.Packaging
		if err := json.Unmarshal([]byte(it.Packaging), &pack); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(it.Product, first+"'s ") || !strings.HasPrefix(pack.LabelText, first+"'s ") {
			t.Errorf("%s bought %q labelled %q", it.Customer, it.Product, pack.LabelText)
		}
	}
	var answers []struct{ Customer, Answers string }
	err = db.Table("quiz_responses r").Select("c.name AS customer, r.answers").Joins("JOIN customers c ON c.id = r.customer_id").
		Where("r.completed_at IS NOT NULL").Scan(&answers).Error
	if err != nil || len(answers) == 0 {
		t.Fatalf("%d consultations: %v", len(answers), err)
	}
	for _, r := range answers {
		var a map[string]any
		if err := json.Unmarshal([]byte(r.Answers), &a); err != nil {
			t.Fatal(err)
		}
		if first := strings.Fields(r.Customer)[0]; a["name"] != first {
			t.Errorf("%s answered the name question %v", r.Customer, a["name"])
		}
	}
}
