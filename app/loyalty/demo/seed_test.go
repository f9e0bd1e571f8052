package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"atelier/app"
	"atelier/app/database/databasetest"
	"atelier/app/loyalty/demo"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

func seed(t *testing.T, n int, s int64) (demo.Stats, error) {
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
		return st, err
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
	return st, nil
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
