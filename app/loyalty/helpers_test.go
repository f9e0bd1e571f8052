package loyalty_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/account"
	"atelier/app/loyalty"
	"atelier/app/loyalty/demo"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

type fixture struct {
	db   *gorm.DB
	f    *fulfillment.Service
	quiz *questionnaire.Store
	svc  *loyalty.Service
	now  *time.Time
}

func migrate(tb testing.TB, db *gorm.DB) {
	tb.Helper()
	var models []any
	models = append(models, questionnaire.Models()...)
	models = append(models, fulfillment.Models()...)
	models = append(models, account.Models()...)
	models = append(models, loyalty.Models()...)
	if err := db.AutoMigrate(models...); err != nil {
		tb.Fatal(err)
	}
	if err := loyalty.EnsureIndexes(db); err != nil {
		tb.Fatal(err)
	}
}

func newFixture(tb testing.TB, db *gorm.DB) *fixture {
	tb.Helper()
	migrate(tb, db)
	now := testNow
	fx := &fixture{db: db, now: &now}
	clock := func() time.Time { return *fx.now }
	fx.f = fulfillment.NewServiceWithOptions(db, fulfillment.Options{Now: clock})
	fx.quiz = questionnaire.NewStore(db, clock)
	if err := fx.quiz.Register(context.Background(), questionnaire.Default()); err != nil {
		tb.Fatal(err)
	}
	var log *slog.Logger
	if os.Getenv("ATELIER_LOYALTY_DEBUG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	fx.svc = loyalty.NewService(db, fx.f, fx.quiz, loyalty.Options{Now: clock, Log: log, QuizVersion: questionnaire.Default().Version, DashboardTTL: -1})
	return fx
}

// seed writes n demo customers and backfills their segment history.
func (fx *fixture) seed(tb testing.TB, n int) demo.Stats {
	tb.Helper()
	cat, err := catalog.Default()
	if err != nil {
		tb.Fatal(err)
	}
	st, err := demo.Seed(context.Background(), fx.db, demo.Options{Customers: n, Seed: 7, Now: *fx.now,
		Quiz: questionnaire.Default(), Store: fx.quiz, Catalog: cat})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := fx.svc.Backfill(context.Background(), 12); err != nil {
		tb.Fatal(err)
	}
	return st
}

func (fx *fixture) customer(tb testing.TB, email string, created time.Time, optIn bool) uint {
	tb.Helper()
	c := account.Customer{Email: email, Name: "Test " + email, MarketingOptIn: optIn, CreatedAt: created, UpdatedAt: created}
	if err := fx.db.Create(&c).Error; err != nil {
		tb.Fatal(err)
	}
	return c.ID
}

func (fx *fixture) paidOrder(tb testing.TB, customerID uint, email string, paid time.Time, cents int64, line string) uint {
	tb.Helper()
	o := fulfillment.Order{PublicID: email + paid.Format("0102150405"), OwnerKey: "k", CustomerID: &customerID, Email: email,
		ShipName: "T", ShipLine1: "1", ShipCity: "C", ShipPostalCode: "1", ShipCountry: "FR", Currency: "EUR",
		SubtotalCents: cents, TotalCents: cents, Status: fulfillment.OrderDelivered, PaidAt: &paid, CreatedAt: paid, UpdatedAt: paid,
		Items: []fulfillment.OrderItem{{Position: 1, Code: "C-" + line, Line: line, Name: line, Quantity: 1, UnitPriceCents: cents,
			LineTotalCents: cents, ExpectedUseDays: 60, CreatedAt: paid}}}
	if err := fx.db.Create(&o).Error; err != nil {
		tb.Fatal(err)
	}
	return o.ID
}

func (fx *fixture) rating(tb testing.TB, customerID uint, email string, at time.Time, stars int, source string) {
	tb.Helper()
	if err := fx.db.Create(&fulfillment.Feedback{CustomerID: &customerID, Email: email, Rating: stars, Source: source, At: at}).Error; err != nil {
		tb.Fatal(err)
	}
}
