// Command loadtest drives realistic traffic against running Atelier servers and reports
// throughput, latency per step, errors, server memory and a database audit.
//
// Each virtual shopper has its own cookie jar and stays on one target (shoppers are spread over
// the targets round-robin). In the default "journey" scenario a shopper takes the quiz through
// the JSON API to the end (first option, middle of each scale, a name), reads the
// recommendation, customises the product once or twice (a 409 with a suggestion is an expected
// outcome, not an error), orders it and pays in demo mode. The "quiz" scenario is the quiz
// alone; "checkout" orders and pays codes found by one quiz per target before the run. With
// -staff-token, staff workers claim production jobs and move each to delivered alongside.
//
// Before the main phase, GET /healthz is measured alone for -trivial-duration with the same
// number of clients: the ceiling of this machine, printed with the quiz answer step's share.
//
// Usage:
//
//	go run ./cmd/loadtest [flags]
//
// Flags:
//
//	-targets URLS          comma-separated base URLs (default http://127.0.0.1:8080); loopback only
//	                       unless -allow-remote
//	-scenario NAME         journey (default), quiz or checkout
//	-concurrency N         closed model: N concurrent shoppers (default 10 when -rate is not set)
//	-rate R                open model: R new shoppers per second (-max-inflight caps those under way)
//	-think D               a shopper's mean pause before each request (exponential, capped at 5×D);
//	                       0, the default, is a saturation run
//	-duration D            main phase length (default 30s); visits under way may finish within -grace
//	-trivial-duration D    GET /healthz phase before it (default 5s; 0 skips)
//	-staff-token T[,T2…]   staff API token(s) (atelier staff token --email E) for the staff
//	                       workers; worker i uses token i mod n
//	-staff-workers N       staff workers with -staff-token (default 2)
//	-pid N / -pids N,M     server processes whose VmRSS is sampled (Linux /proc)
//	-database URL          audit this database afterwards (sqlite:PATH or postgres://…); the
//	                       command exits 1 when the audit fails
//	-max-requests N        stop after N requests whatever the duration (default 10,000,000)
//	-max-journeys N        stop after N visits (default 0: only the duration)
//	-answers first|random  how the quiz is answered (random is seeded by -seed)
//	-no-gzip               do not ask for compressed responses (browsers do; this shows the cost)
//	-json                  print the report as JSON instead of text
//
// Example (see docs/PERFORMANCE.md):
//
//	go run ./cmd/loadtest -targets http://127.0.0.1:8080 -concurrency 100 -duration 30s \
//	    -staff-token "$TOKEN" -pid "$(pgrep -n atelier)" -database sqlite:/tmp/atelier-load.db
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"atelier/cmd/loadtest/load"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole command; it returns the exit code: 0 done, 1 audit failed or run failed,
// 2 bad flags.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, asJSON, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 2
	}
	rep, err := load.Run(ctx, cfg)
	var ce *load.ConfigError
	if errors.As(err, &ce) {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 2
	}
	if rep != nil {
		if asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			_ = enc.Encode(rep)
		} else {
			rep.Print(stdout)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 1
	}
	if rep.Audit != nil && !rep.Audit.Pass {
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (load.Config, bool, error) {
	var c load.Config
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	targets := fs.String("targets", "http://127.0.0.1:8080", "comma-separated base URLs of the servers")
	fs.BoolVar(&c.AllowRemote, "allow-remote", false, "allow targets that are not loopback addresses")
	scenario := fs.String("scenario", "journey", "journey, quiz or checkout")
	fs.IntVar(&c.Concurrency, "concurrency", 0, "closed model: concurrent shoppers (default 10 without -rate)")
	fs.Float64Var(&c.Rate, "rate", 0, "open model: new shoppers per second")
	fs.DurationVar(&c.Think, "think", 0, "a shopper's mean pause before each request (exponential; 0: none, the saturation run)")
	fs.IntVar(&c.MaxInFlight, "max-inflight", 2000, "open model: most shoppers under way at once")
	fs.DurationVar(&c.Duration, "duration", 30*time.Second, "main phase length")
	fs.DurationVar(&c.Grace, "grace", 10*time.Second, "how long visits under way may finish after -duration")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", 30*time.Second, "timeout of one request")
	fs.BoolVar(&c.NoGzip, "no-gzip", false, "do not ask for gzip-compressed responses (browsers do)")
	fs.DurationVar(&c.TrivialDuration, "trivial-duration", 5*time.Second, "GET /healthz phase length before the main phase (0 skips)")
	fs.IntVar(&c.TrivialConcurrency, "trivial-concurrency", 0, "clients in the /healthz phase (default: -concurrency, or 100)")
	fs.StringVar(&c.StaffToken, "staff-token", "", "staff API token(s) for the staff workers, comma-separated (atelier staff token --email E)")
	fs.IntVar(&c.StaffWorkers, "staff-workers", 2, "staff workers when -staff-token is set")
	fs.IntVar(&c.Customizations, "customizations", 2, "most customisations per visit (each visit makes 1..N)")
	fs.IntVar(&c.Quantity, "quantity", 2, "largest quantity ordered per visit")
	fs.StringVar(&c.Answers, "answers", "first", "quiz answers: first or random")
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of the shoppers' random choices")
	pid := fs.Int("pid", 0, "server process whose memory (VmRSS) is sampled")
	pids := fs.String("pids", "", "comma-separated server processes whose memory is sampled")
	fs.DurationVar(&c.RSSInterval, "rss-interval", 250*time.Millisecond, "memory sampling interval")
	fs.StringVar(&c.DatabaseURL, "database", "", "audit this database after the run: sqlite:PATH or postgres://…")
	fs.Uint64Var(&c.MaxRequests, "max-requests", 10_000_000, "stop after this many requests")
	fs.Uint64Var(&c.MaxJourneys, "max-journeys", 0, "stop after this many visits (0: only the duration)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return c, false, err
	}
	if fs.NArg() > 0 {
		return c, false, fmt.Errorf("unexpected arguments %q (flags only; see -h)", fs.Args())
	}
	c.Scenario = load.Scenario(*scenario)
	for _, t := range strings.Split(*targets, ",") {
		if t = strings.TrimSpace(t); t != "" {
			c.Targets = append(c.Targets, t)
		}
	}
	if *pid > 0 {
		c.PIDs = append(c.PIDs, *pid)
	}
	for _, p := range strings.Split(*pids, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			return c, false, fmt.Errorf("-pids: %q is not a process id", p)
		}
		c.PIDs = append(c.PIDs, n)
	}
	return c, *asJSON, nil
}
