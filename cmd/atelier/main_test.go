package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestRunServes starts the real program on port 0 with a SQLite file and checks the home page
// and /healthz, then stops it as SIGTERM would.
func TestRunServes(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-database", "sqlite:" + filepath.Join(dir, "a.db")}, env(nil), pw, io.Discard)
		pw.Close()
	}()
	addrRe := regexp.MustCompile(`msg=listening addr=(\S+)`)
	sc := bufio.NewScanner(pr)
	var addr string
	for sc.Scan() {
		if m := addrRe.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	if addr == "" {
		t.Fatalf("server never said it was listening: %v", <-done)
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck // keep the log pipe drained
	for _, path := range []string{"/", "/healthz"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a.db.keys")); err != nil {
		t.Fatalf("session key file not kept beside the database: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{name: "unknown flag", args: []string{"-nope"}, want: "flag provided but not defined"},
		{name: "bad database URL", args: []string{"-database", "mysql://x/y"}, want: "unknown scheme"},
		{name: "bad database URL from env", env: map[string]string{"ATELIER_DATABASE_URL": "postgres:///x"}, want: "no host"},
		{name: "bad base URL", args: []string{"-base-url", "ftp://x"}, want: "base-url"},
		{name: "short secret", args: []string{"-session-secrets", "short"}, want: "at least 32"},
		{name: "bad addr", args: []string{"-addr", "8080"}, want: "addr"},
		{name: "unknown command", args: []string{"frobnicate"}, want: "unknown command"},
		{name: "bad bool", env: map[string]string{"ATELIER_DEV": "maybe"}, want: "dev"},
		{name: "unknown flag after serve", args: []string{"serve", "-nope"}, want: "flag provided but not defined"},
		{name: "unknown flag after migrate", args: []string{"migrate", "-nope"}, want: "flag provided but not defined"},
		{name: "bad flag value after serve", args: []string{"serve", "-addr", "8080"}, want: "addr"},
		{name: "argument after serve", args: []string{"serve", "now"}, want: "no arguments"},
		{name: "argument after version", args: []string{"version", "extra"}, want: "no arguments"},
		{name: "argument after worker", args: []string{"worker", "extra"}, want: "no arguments"},
		{name: "argument after help", args: []string{"help", "serve"}, want: "no arguments"},
		{name: "argument after catalog stats", args: []string{"catalog", "stats", "extra"}, want: "no arguments"},
		{name: "argument after demo seed", args: []string{"demo", "seed", "extra"}, want: "unexpected argument"},
		{name: "production without session secrets", args: []string{"-production"}, want: "ATELIER_SESSION_SECRETS"},
		{name: "production Stripe without webhook secret", args: []string{"-production=true", "-stripe-secret-key", "sk_test_x"},
			env: map[string]string{"ATELIER_SESSION_SECRETS": strings.Repeat("s", 32)}, want: "ATELIER_STRIPE_WEBHOOK_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A cancelled context makes a wrongly accepted config stop at once instead of serving.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			e := map[string]string{"ATELIER_ADDR": "127.0.0.1:0", "ATELIER_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "x.db")}
			for k, v := range tt.env {
				e[k] = v
			}
			err := run(ctx, tt.args, env(e), io.Discard, io.Discard)
			var ue *usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a usage error mentioning %q", err, tt.want)
			}
		})
	}
}

// TestFlagsAfterCommand: the flags may follow serve (and the other commands without
// arguments), and win over the same flags before it.
func TestFlagsAfterCommand(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "f.db")
	c, rest, err := parseConfig("atelier", []string{"-database", db, "-addr", ":1", "serve", "-addr", ":9000"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" || c.DatabaseURL != db || len(rest) != 1 || rest[0] != "serve" {
		t.Fatalf("addr %q, database %q, rest %q; want :9000, %s, [serve]", c.Addr, c.DatabaseURL, rest, db)
	}
	// other commands keep what follows them as their own arguments
	_, rest, err = parseConfig("atelier", []string{"catalog", "decode", "-x"}, env(nil), io.Discard)
	if err != nil || len(rest) != 3 {
		t.Fatalf("catalog decode -x: rest %q, err %v", rest, err)
	}
}

// TestOnOffFlags: on/off flags work alone (as the docs write them: -trust-proxy), with
// =true/=false, and over the environment.
func TestOnOffFlags(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		env   map[string]string
		trust bool
		demo  bool
	}{
		{"defaults", nil, nil, false, true},
		{"alone, before another flag", []string{"-trust-proxy", "-addr", ":1"}, nil, true, true},
		{"=false", []string{"-demo-data=false"}, nil, false, false},
		{"the flag over the environment", []string{"-trust-proxy=false"}, map[string]string{"ATELIER_TRUST_PROXY": "true"}, false, true},
		{"the environment alone", nil, map[string]string{"ATELIER_DEMO_DATA": "false"}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := parseConfig("atelier", tc.args, env(tc.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if c.TrustProxy != tc.trust || c.DemoData != tc.demo {
				t.Fatalf("trust-proxy %v, demo-data %v; want %v, %v", c.TrustProxy, c.DemoData, tc.trust, tc.demo)
			}
		})
	}
}

// TestHelpListsCommands: -h, before or after serve, lists the commands and the flags.
func TestHelpListsCommands(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a wrongly started server stops at once
	for _, args := range [][]string{{"-h"}, {"serve", "-h"}} {
		var out strings.Builder
		err := run(ctx, args, env(map[string]string{"ATELIER_ADDR": "127.0.0.1:0",
			"ATELIER_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "h.db")}), io.Discard, &out)
		if !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%q: err = %v, want flag.ErrHelp", args, err)
		}
		for _, want := range []string{"commands:", "  migrate ", "  worker ", "  staff ", "-addr", "-database"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%q does not mention %s:\n%s", args, want, out.String())
			}
		}
	}
}

// TestMainExitStatus runs main in a child process: a usage error exits 2, -h exits 0.
func TestMainExitStatus(t *testing.T) {
	if args := os.Getenv("ATELIER_TEST_MAIN_ARGS"); args != "" {
		os.Args = append([]string{"atelier"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	for _, tc := range []struct {
		args string
		want int
	}{
		{"migrate -nope", 2},
		{"version extra", 2},
		{"-h", 0},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainExitStatus$")
		cmd.Env = append(os.Environ(), "ATELIER_TEST_MAIN_ARGS="+tc.args, "ATELIER_ADDR=127.0.0.1:0",
			"ATELIER_DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "x.db"))
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.want {
			t.Errorf("atelier %s: exit %d, want %d\n%s", tc.args, code, tc.want, out)
		}
	}
}

func TestPostgresNeedsSecrets(t *testing.T) {
	_, err := sessionSecrets(config{DatabaseURL: "postgres://u@h/db"}, nil)
	var ue *usageError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want a usage error asking for ATELIER_SESSION_SECRETS", err)
	}
}

// TestProductionNeedsSecrets: -production never generates session secrets, even for SQLite.
func TestProductionNeedsSecrets(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	_, err := sessionSecrets(config{DatabaseURL: "sqlite:" + db, Production: true}, nil)
	var ue *usageError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want a usage error asking for ATELIER_SESSION_SECRETS", err)
	}
	if _, err := os.Stat(db + ".keys"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a session key file was written in production: %v", err)
	}
}

// TestStartJobsWaits: stop returns only when every job has returned (the database is closed
// after it), and an error other than the cancellation is logged even though it comes during
// shutdown.
func TestStartJobsWaits(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	var finished atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := startJobs(ctx, log,
		job{"quiet", func(ctx context.Context) error {
			<-ctx.Done()
			finished.Store(true)
			return ctx.Err()
		}},
		job{"failing", func(ctx context.Context) error {
			<-ctx.Done()
			return errors.New("sql: database is closed")
		}},
	)
	cancel() // SIGTERM
	stop()
	if !finished.Load() {
		t.Error("stop returned before a job had finished")
	}
	if !strings.Contains(logs.String(), "failing stopped") || !strings.Contains(logs.String(), "database is closed") {
		t.Errorf("the failing job's error was not logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "quiet stopped") {
		t.Errorf("a job stopped by the cancellation was logged as an error:\n%s", logs.String())
	}
}

func TestMigrateCommand(t *testing.T) {
	var out strings.Builder
	db := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	if err := run(context.Background(), []string{"-database", db, "migrate"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "database schema at version") {
		t.Fatalf("migrate printed %q", out.String())
	}
}
