package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"atelier/app/database"
)

// usageError is a mistake in the command line or environment; main exits 2 on it.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// config is everything the binary reads from flags and the environment. A flag wins over its
// environment variable, which wins over the default.
type config struct {
	Addr            string
	DatabaseURL     string
	BaseURL         string
	SessionSecrets  []string
	StripeSecretKey string
	StripeWebhook   string
	StripeAPIURL    string
	Dev             bool
	TemplateDir     string
	TrustProxy      bool
	Production      bool
	LogFormat       string
	LogLevel        string
	BodyLimit       string
	ShutdownTimeout time.Duration
	QuizFile        string
	CatalogFile     string
	WorkerInterval  time.Duration
	// DemoData loads a small demo store on the first start (never in production).
	DemoData bool
	// SMTPURL sends customer email, e.g. smtp://user:pass@host:587?from=atelier@example.com;
	// empty logs each email in the outbox instead.
	SMTPURL string
}

// envVars documents each setting's environment variable (README lists the same).
var envVars = map[string]string{
	"addr":              "ATELIER_ADDR",
	"database":          "ATELIER_DATABASE_URL",
	"base-url":          "ATELIER_BASE_URL",
	"session-secrets":   "ATELIER_SESSION_SECRETS",
	"stripe-secret-key": "ATELIER_STRIPE_SECRET_KEY",
	"stripe-webhook":    "ATELIER_STRIPE_WEBHOOK_SECRET",
	"stripe-api-url":    "ATELIER_STRIPE_API_URL",
	"dev":               "ATELIER_DEV",
	"templates":         "ATELIER_TEMPLATE_DIR",
	"trust-proxy":       "ATELIER_TRUST_PROXY",
	"production":        "ATELIER_PRODUCTION",
	"log-format":        "ATELIER_LOG_FORMAT",
	"log-level":         "ATELIER_LOG_LEVEL",
	"body-limit":        "ATELIER_BODY_LIMIT",
	"shutdown-timeout":  "ATELIER_SHUTDOWN_TIMEOUT",
	"quiz":              "ATELIER_QUIZ_FILE",
	"catalog":           "ATELIER_CATALOG_FILE",
	"worker-interval":   "ATELIER_WORKER_INTERVAL",
	"demo-data":         "ATELIER_DEMO_DATA",
	"smtp-url":          "ATELIER_SMTP_URL",
}

// flagsAfter names the commands that take no arguments of their own, so the flags may also
// follow them: "atelier serve -addr :9000" is "atelier -addr :9000 serve".
var flagsAfter = map[string]bool{"serve": true, "migrate": true, "version": true, "worker": true}

// parseConfig reads the flags of args (before the command, or after one of flagsAfter) and
// the environment, and returns the config and the command with its remaining arguments.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (config, []string, error) {
	var c config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\nflags:\n", usage)
		fs.PrintDefaults()
	}
	env := func(flagName, def string) string {
		if v := strings.TrimSpace(getenv(envVars[flagName])); v != "" {
			return v
		}
		return def
	}
	var secrets, shutdown, dev, trust, prod, workerEvery string
	var demoData string
	fs.StringVar(&c.Addr, "addr", env("addr", ":8080"), "listen address (env ATELIER_ADDR)")
	fs.StringVar(&c.DatabaseURL, "database", env("database", database.DefaultURL), "database URL: sqlite:PATH or postgres://… (env ATELIER_DATABASE_URL)")
	fs.StringVar(&c.BaseURL, "base-url", env("base-url", ""), "public base URL, e.g. https://shop.example (env ATELIER_BASE_URL; default http://localhost:PORT)")
	fs.StringVar(&secrets, "session-secrets", env("session-secrets", ""), "comma-separated session secrets, newest first, each ≥ 32 characters (env ATELIER_SESSION_SECRETS)")
	fs.StringVar(&c.StripeSecretKey, "stripe-secret-key", env("stripe-secret-key", ""), "Stripe secret key; empty runs payments in demo mode (env ATELIER_STRIPE_SECRET_KEY)")
	fs.StringVar(&c.StripeWebhook, "stripe-webhook-secret", env("stripe-webhook", ""), "Stripe webhook signing secret whsec_… (env ATELIER_STRIPE_WEBHOOK_SECRET)")
	fs.StringVar(&c.StripeAPIURL, "stripe-api-url", env("stripe-api-url", ""), "Stripe API address; empty is Stripe itself, e.g. http://127.0.0.1:12111 for stripe-mock in tests (env ATELIER_STRIPE_API_URL)")
	dev = env("dev", "false")
	fs.Var(onOff{&dev}, "dev", "re-read templates from -templates on every request (env ATELIER_DEV)")
	fs.StringVar(&c.TemplateDir, "templates", env("templates", "templates"), "template directory used with -dev (env ATELIER_TEMPLATE_DIR)")
	trust = env("trust-proxy", "false")
	fs.Var(onOff{&trust}, "trust-proxy", "take client addresses from X-Forwarded-For (env ATELIER_TRUST_PROXY)")
	prod = env("production", "false")
	fs.Var(onOff{&prod}, "production", "production mode: no demo data; refuses to serve without session secrets, or with a Stripe key but no webhook secret (env ATELIER_PRODUCTION)")
	fs.StringVar(&c.LogFormat, "log-format", env("log-format", "text"), "log format: text or json (env ATELIER_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", env("log-level", "info"), "log level: debug, info, warn, error (env ATELIER_LOG_LEVEL)")
	fs.StringVar(&c.BodyLimit, "body-limit", env("body-limit", "1M"), "largest request body, e.g. 512K or 1M (env ATELIER_BODY_LIMIT)")
	fs.StringVar(&shutdown, "shutdown-timeout", env("shutdown-timeout", "15s"), "how long in-flight requests may finish on shutdown (env ATELIER_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.QuizFile, "quiz", env("quiz", ""), "quiz definition YAML replacing the embedded one (env ATELIER_QUIZ_FILE)")
	fs.StringVar(&c.CatalogFile, "catalog", env("catalog", ""), "catalog definition YAML replacing the embedded one (env ATELIER_CATALOG_FILE)")
	fs.StringVar(&workerEvery, "worker-interval", env("worker-interval", "30s"), "how often the in-process scheduler and outbox run; 0 turns them off (env ATELIER_WORKER_INTERVAL)")
	demoData = env("demo-data", "true")
	fs.Var(onOff{&demoData}, "demo-data", "load a small demo store (200 customers, a demo admin) on the first start; never with -production (env ATELIER_DEMO_DATA)")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("smtp-url", ""), "SMTP server for customer email, smtp://user:pass@host:587?from=atelier@example.com; empty logs emails in the outbox (env ATELIER_SMTP_URL)")
	parse := func(args []string) error {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usagef("%v", err)
		}
		return nil
	}
	if err := parse(args); err != nil {
		return c, nil, err
	}
	rest := fs.Args()
	if len(rest) > 0 && flagsAfter[rest[0]] {
		if err := parse(rest[1:]); err != nil {
			return c, nil, err
		}
		rest = append([]string{rest[0]}, fs.Args()...)
	}
	var err error
	if c.Dev, err = parseBool("dev", dev); err != nil {
		return c, nil, err
	}
	if c.TrustProxy, err = parseBool("trust-proxy", trust); err != nil {
		return c, nil, err
	}
	if c.Production, err = parseBool("production", prod); err != nil {
		return c, nil, err
	}
	if c.DemoData, err = parseBool("demo-data", demoData); err != nil {
		return c, nil, err
	}
	if c.ShutdownTimeout, err = time.ParseDuration(shutdown); err != nil || c.ShutdownTimeout <= 0 {
		return c, nil, usagef("shutdown-timeout %q: want a duration such as 15s", shutdown)
	}
	if c.WorkerInterval, err = time.ParseDuration(workerEvery); err != nil || c.WorkerInterval < 0 {
		return c, nil, usagef("worker-interval %q: want a duration such as 30s, or 0", workerEvery)
	}
	if c.SMTPURL != "" {
		if _, err := parseSMTPURL(c.SMTPURL); err != nil {
			return c, nil, usagef("%v", err)
		}
	}
	if _, err := database.Parse(c.DatabaseURL); err != nil {
		return c, nil, usagef("%v", err)
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, nil, usagef("addr %q: want host:port or :port", c.Addr)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, nil, usagef("base-url %q: want http(s)://host[:port]", c.BaseURL)
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	for _, s := range strings.Split(secrets, ",") {
		if s = strings.TrimSpace(s); s != "" {
			if len(s) < 32 {
				return c, nil, usagef("a session secret is %d characters; use at least 32 random characters (openssl rand -base64 32)", len(s))
			}
			c.SessionSecrets = append(c.SessionSecrets, s)
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return c, nil, usagef("log-format %q: want text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, nil, usagef("log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	if !validSize(c.BodyLimit) {
		return c, nil, usagef("body-limit %q: want a size such as 512K or 1M", c.BodyLimit)
	}
	return c, rest, nil
}

func parseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, usagef("%s %q: want true or false", name, v)
	}
	return b, nil
}

func validSize(s string) bool {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimRight(s, "BKMG")
	n, err := strconv.Atoi(s)
	return err == nil && n > 0
}

// baseURLFor defaults the base URL to localhost on the listening port.
func baseURLFor(c config, ln net.Addr) string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	_, port, _ := net.SplitHostPort(ln.String())
	return "http://localhost:" + port
}

// onOff is an on/off flag kept as text (parsed with the environment's value by parseBool): a
// bare -production means true, and -production=false or ATELIER_PRODUCTION=false work too.
type onOff struct{ v *string }

func (f onOff) String() string {
	if f.v == nil {
		return ""
	}
	return *f.v
}

func (f onOff) Set(v string) error { *f.v = v; return nil }

// IsBoolFlag lets the flag package take the flag alone.
func (onOff) IsBoolFlag() bool { return true }
