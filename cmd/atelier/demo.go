package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"atelier/app"
	"atelier/app/account"
	"atelier/app/database"
	"atelier/app/loyalty"
	"atelier/app/loyalty/demo"
	"atelier/app/staff"
	"atelier/fulfillment"
)

// demoSetting records in the settings table that the first-start demo set was loaded.
const demoSetting = "demo_data_loaded"

// DemoCustomers is the size of the demo set loaded on the first start of a non-production store.
const demoCustomers = 200

// demoCmd is "atelier demo seed [--customers N] [--seed S]": it writes a realistic year of
// history into the configured database and scores it.
func demoCmd(ctx context.Context, c config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "seed" {
		return usagef("usage: atelier demo seed [--customers N] [--seed S]")
	}
	fs := flag.NewFlagSet("demo seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("customers", demoCustomers, "how many customers to generate")
	seed := fs.Int64("seed", 1, "random seed: the same seed writes the same history")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("demo seed: unexpected argument %q; want [--customers N] [--seed S]", fs.Arg(0))
	}
	if *n < 1 || *n > 1_000_000 {
		return usagef("--customers %d: want 1 to 1000000", *n)
	}
	db, err := open(ctx, c, log)
	if err != nil {
		return err
	}
	defer database.Close(db)
	st, rep, err := seedDemo(ctx, c, db, log, *n, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d customers, %d consultations, %d orders (%d items), %d follow-ups, %d ratings, %d emails in %s\n",
		st.Customers, st.Responses, st.Orders, st.Items, st.Tasks, st.Feedback, st.Emails, st.Took.Round(time.Millisecond))
	fmt.Fprintf(stdout, "scored %d customers in %s: %d loyalty tasks and %d emails queued by the segment strategies\n",
		rep.Customers, rep.Took.Round(time.Millisecond), rep.TasksCreated, rep.EmailsQueued)
	return nil
}

// seedDemo generates the history, replays a year of segment movement and scores everyone.
func seedDemo(ctx context.Context, c config, db *gorm.DB, log *slog.Logger, n int, seed int64) (demo.Stats, loyalty.Report, error) {
	svc, err := services(ctx, c, db, log, "http://localhost")
	if err != nil {
		return demo.Stats{}, loyalty.Report{}, err
	}
	now := time.Now().UTC()
	st, err := demo.Seed(ctx, db, demo.Options{Customers: n, Seed: seed, Now: now, Quiz: svc.quizCurrent, Store: svc.quiz, Catalog: svc.catalog.Current()})
	if err != nil {
		return st, loyalty.Report{}, err
	}
	ls := loyalty.NewService(db, svc.fulfillment, svc.quiz, loyalty.Options{Log: log, QuizVersion: svc.quizCurrent.Version})
	if _, err := ls.Backfill(ctx, 12); err != nil {
		return st, loyalty.Report{}, err
	}
	rep, err := ls.RecomputeAll(ctx)
	return st, rep, err
}

// loadDemoOnce loads the small demo set on the first start of an empty, non-production store
// and records it in the settings table, so it happens once. It also creates a demo admin and
// logs its one-time credentials.
func loadDemoOnce(ctx context.Context, c config, db *gorm.DB, log *slog.Logger) error {
	var setting app.Setting
	err := db.WithContext(ctx).Where(&app.Setting{Key: demoSetting}).Take(&setting).Error
	if err == nil {
		return nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	var customers int64
	if err := db.WithContext(ctx).Model(&account.Customer{}).Count(&customers).Error; err != nil {
		return err
	}
	if customers == 0 {
		st, rep, err := seedDemo(ctx, c, db, log, demoCustomers, 1)
		if err != nil {
			return err
		}
		log.Info("loaded the demo store (off with -production or ATELIER_DEMO_DATA=false)", "customers", st.Customers,
			"orders", st.Orders, "scored", rep.Customers, "took", (st.Took + rep.Took).Round(time.Millisecond).String())
		if err := demoAdmin(ctx, db, log); err != nil {
			return err
		}
	}
	return db.WithContext(ctx).Create(&app.Setting{Key: demoSetting, Value: time.Now().UTC().Format(time.RFC3339), UpdatedAt: time.Now().UTC()}).Error
}

// demoAdmin creates owner@demo.atelier with a generated one-time password (changed at the
// first sign-in) and logs it once.
func demoAdmin(ctx context.Context, db *gorm.DB, log *slog.Logger) error {
	_, pw, err := staff.NewAccounts(db, func() time.Time { return time.Now().UTC() }).Add(ctx, fulfillment.System,
		staff.NewMember{Email: "owner@demo.atelier", Name: "Demo owner", Role: fulfillment.RoleAdmin})
	if err != nil {
		return fmt.Errorf("demo admin: %w", err)
	}
	log.Warn("demo admin created: sign in at /staff/login with this one-time password, then choose your own (shown once, demo stores only)", "email", "owner@demo.atelier", "password", pw)
	return nil
}
