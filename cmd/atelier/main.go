// Command atelier runs the Atelier store: the web server (default), migrations, and the
// operator's subcommands. Configuration comes from flags and ATELIER_* environment variables;
// see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"gorm.io/gorm"

	"atelier/app"
	"atelier/app/checkout"
	"atelier/app/database"
	"atelier/app/web"
	"atelier/fulfillment"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	var ue *usageError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "atelier:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "atelier:", err)
		os.Exit(1)
	}
}

const usage = `usage: atelier [flags] [command]

commands:
  serve      serve the store over HTTP (the default)
  migrate    bring the database schema up to date and exit
  version    print the schema version this binary knows and the database's
  catalog    stats | check FILE | decode CODE: inspect catalogs and reorder codes
  demo       seed [--customers N] [--seed S]: write a realistic year of demo history and score it
  staff      add --email E --role R [--name N] [--password-stdin] | token --email E
  worker     run the follow-up scheduler and the email outbox until stopped
  help       print this

The flags go before the command, or after serve, migrate, version or worker; every flag
also has an ATELIER_* environment variable.`

// run is the whole program, with its world passed in so tests can run it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, rest, err := parseConfig("atelier", args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(c, stdout)
	cmd := "serve"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	if (flagsAfter[cmd] || cmd == "help") && len(rest) > 0 {
		return usagef("%s takes no arguments, not %q; run \"atelier -h\" for the flags", cmd, rest[0])
	}
	switch cmd {
	case "serve":
		return serve(ctx, c, log)
	case "migrate":
		return migrate(ctx, c, log, stdout)
	case "version":
		return version(ctx, c, stdout)
	case "catalog":
		return catalogCmd(c, rest, stdout)
	case "staff":
		return staffCmd(ctx, c, rest, os.Stdin, stdout, stderr)
	case "worker":
		return workerCmd(ctx, c, log)
	case "demo":
		return demoCmd(ctx, c, log, rest, stdout, stderr)
	case "help":
		fmt.Fprintf(stdout, "%s\n\nRun \"atelier -h\" for the flags.\n", usage)
		return nil
	default:
		return usagef("unknown command %q\n%s", cmd, usage)
	}
}

func newLogger(c config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// open connects to the database and migrates it.
func open(ctx context.Context, c config, log *slog.Logger) (*gorm.DB, error) {
	db, err := database.Open(ctx, c.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	applied, err := app.Migrate(ctx, db)
	if err != nil {
		_ = database.Close(db)
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("migrated database", "versions", applied)
	}
	return db, nil
}

func serve(ctx context.Context, c config, log *slog.Logger) error {
	// Secrets first, so that production refuses to start before touching the database.
	secrets, err := sessionSecrets(c, log)
	if err != nil {
		return err
	}
	if c.Production && c.StripeSecretKey != "" && c.StripeWebhook == "" {
		return usagef("production mode with a Stripe secret key needs its webhook signing secret: set ATELIER_STRIPE_WEBHOOK_SECRET (or -stripe-webhook-secret); without it a payment is confirmed only if the shopper comes back to the store")
	}
	db, err := open(ctx, c, log)
	if err != nil {
		return err
	}
	defer database.Close(db)
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	base := baseURLFor(c, ln.Addr())
	sessions, err := web.NewSessionStore(secrets, len(base) > 5 && base[:6] == "https:")
	if err != nil {
		return err
	}
	demo := c.StripeSecretKey == ""
	var payments checkout.Provider
	if !demo {
		if c.StripeWebhook == "" {
			log.Warn("no Stripe webhook secret: payments are confirmed only when shoppers return to the store")
		}
		if payments, err = checkout.NewStripe(checkout.StripeConfig{SecretKey: c.StripeSecretKey,
			WebhookSecret: c.StripeWebhook, APIURL: c.StripeAPIURL, Log: log}); err != nil {
			return err
		}
	}
	svc, err := services(ctx, c, db, log, base)
	if err != nil {
		return err
	}
	go reloadOnHangup(ctx, svc.catalog, c.CatalogFile, log)
	srv, err := app.NewServer(app.Deps{
		Quiz: svc.quiz, QuizCurrent: svc.quizCurrent, Catalog: svc.catalog, Fulfillment: svc.fulfillment,
		Config: app.Config{
			BaseURL: base, Dev: c.Dev, TemplateDir: c.TemplateDir, BodyLimit: c.BodyLimit,
			TrustProxy: c.TrustProxy, ShutdownTimeout: c.ShutdownTimeout,
		},
		DB: db, Sessions: sessions, Log: log, Demo: demo, Payments: payments,
		LinkSecret: secrets[0],
	})
	if err != nil {
		return err
	}
	if c.DemoData && !c.Production {
		if err := loadDemoOnce(ctx, c, db, log); err != nil {
			log.Warn("demo data not loaded", slog.Any("error", err))
		}
	}
	log.Info("listening", "addr", ln.Addr().String(), "base_url", base, "database", database.Redacted(c.DatabaseURL),
		"sqlite_driver", database.SQLiteDriver, "payments", map[bool]string{true: "demo", false: "stripe"}[demo])
	if c.WorkerInterval > 0 {
		w := &fulfillment.Worker{Service: svc.fulfillment, Mailer: mailerFor(c, log), Interval: c.WorkerInterval, Log: log}
		stop := startJobs(ctx, log,
			job{"worker", w.Run},
			// loyalty: rescore everyone nightly (strategies create their tasks and email)
			job{"loyalty job", func(ctx context.Context) error { return srv.Loyalty().RunNightly(ctx, c.WorkerInterval) }},
		)
		defer stop() // deferred after database.Close, so it runs before it
	}
	return srv.Serve(ctx, ln)
}

// job is a background loop of the server that runs until its context ends.
type job struct {
	name string
	run  func(context.Context) error
}

// startJobs runs each job in its own goroutine. The returned stop cancels them and waits
// until all have returned, so that what they use, the database, is closed only after them.
// An error other than the cancellation is logged, during shutdown too.
func startJobs(ctx context.Context, log *slog.Logger, jobs ...job) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := j.run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error(j.name+" stopped", slog.Any("error", err))
			}
		}()
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

func migrate(ctx context.Context, c config, log *slog.Logger, stdout io.Writer) error {
	db, err := open(ctx, c, log)
	if err != nil {
		return err
	}
	defer database.Close(db)
	v, err := database.Version(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database schema at version %d\n", v)
	return nil
}

func version(ctx context.Context, c config, stdout io.Writer) error {
	fmt.Fprintf(stdout, "atelier schema version %d\n", len(app.Migrations()))
	db, err := database.Open(ctx, c.DatabaseURL, nil)
	if err != nil {
		return err
	}
	defer database.Close(db)
	v, err := database.Version(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database schema version %d\n", v)
	return nil
}
