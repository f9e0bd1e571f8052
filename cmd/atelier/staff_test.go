package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"atelier/app/database"
	"atelier/app/staff"
)

func TestStaffCommands(t *testing.T) {
	ctx := context.Background()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "s.db")
	c, _, err := parseConfig("atelier", []string{"-database", dbURL}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	staffRun := func(stdin string, args ...string) (string, string, error) {
		var out, errOut strings.Builder
		err := staffCmd(ctx, c, args, strings.NewReader(stdin), &out, &errOut)
		return out.String(), errOut.String(), err
	}

	out, msg, err := staffRun("", "add", "--email", "Ada@Atelier.test", "--role", "admin", "--name", "Ada")
	if err != nil {
		t.Fatal(err)
	}
	pw := strings.TrimSpace(out)
	if len(pw) < staff.MinPasswordLength || strings.Contains(pw, " ") || !strings.Contains(msg, "one-time password") {
		t.Fatalf("add printed %q / %q", out, msg)
	}
	if out, _, err = staffRun("a chosen password\n", "add", "--email", "cal@atelier.test", "--role", "care", "--password-stdin"); err != nil || out != "" {
		t.Fatalf("add --password-stdin: %q, %v", out, err)
	}
	token1, _, err := staffRun("", "token", "--email", "ada@atelier.test")
	if err != nil || !strings.HasPrefix(token1, "atl_") {
		t.Fatalf("token: %q, %v", token1, err)
	}
	token2, _, _ := staffRun("", "token", "--email", "ada@atelier.test")

	db, err := database.Open(ctx, dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	acc := staff.NewAccounts(db, nil)
	if m, err := acc.Authenticate(ctx, "ada@atelier.test", pw); err != nil || !m.MustChangePassword {
		t.Errorf("the printed password does not sign in as a one-time password: %+v, %v", m, err)
	}
	if m, err := acc.Authenticate(ctx, "cal@atelier.test", "a chosen password"); err != nil || m.MustChangePassword {
		t.Errorf("the stdin password does not sign in as a lasting password: %+v, %v", m, err)
	}
	if _, err := acc.ByToken(ctx, strings.TrimSpace(token1)); !errors.Is(err, staff.ErrBadCredentials) {
		t.Errorf("the old token still works: %v", err)
	}
	if m, err := acc.ByToken(ctx, strings.TrimSpace(token2)); err != nil || m.Email != "ada@atelier.test" {
		t.Errorf("the new token: %v", err)
	}

	bad := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", nil, "want add or token"},
		{"", []string{"remove"}, "unknown subcommand"},
		{"", []string{"add", "--role", "care"}, "want --email"},
		{"", []string{"add", "--email", "ada@atelier.test", "--role", "care"}, "already exists"},
		{"", []string{"add", "--email", "x@atelier.test", "--role", "boss"}, "role"},
		{"", []string{"add", "--email", "x@atelier.test", "--role", "care", "--password-stdin"}, "no password"},
		{"short\n", []string{"add", "--email", "x@atelier.test", "--role", "care", "--password-stdin"}, "at least"},
		{"", []string{"token", "--email", "nobody@atelier.test"}, "no staff member"},
		{"", []string{"add", "--email"}, "flag needs an argument"},
	}
	for _, tc := range bad {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, _, err := staffRun(tc.stdin, tc.args...)
			var ue *usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want a usage error containing %q", err, tc.want)
			}
		})
	}
}

func TestParseSMTPURL(t *testing.T) {
	m, err := parseSMTPURL("smtp://mailer:s3cret@smtp.example.com:2525?from=atelier@example.com")
	if err != nil || m.Host != "smtp.example.com" || m.Port != 2525 || m.Username != "mailer" || m.Password != "s3cret" || m.From != "atelier@example.com" {
		t.Fatalf("parsed %+v, %v", m, err)
	}
	if m, err := parseSMTPURL("smtp://localhost?from=a@b.example"); err != nil || m.Port != 587 || m.Username != "" {
		t.Fatalf("defaults: %+v, %v", m, err)
	}
	for _, bad := range []string{"http://smtp.example.com?from=a@b.example", "smtp://smtp.example.com", "smtp://:25?from=a@b.example",
		"smtp://h:99999?from=a@b.example", "smtp://h?from=not-an-address", "::"} {
		if _, err := parseSMTPURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, _, err := parseConfig("atelier", []string{"-smtp-url", "smtp://h"}, env(nil), io.Discard); err == nil {
		t.Error("parseConfig accepted an smtp url without from")
	}
	c, _, err := parseConfig("atelier", nil, env(map[string]string{"ATELIER_SMTP_URL": "smtp://h?from=a@b.example"}), io.Discard)
	if err != nil || c.SMTPURL == "" {
		t.Errorf("ATELIER_SMTP_URL not read: %v", err)
	}
}

// TestWorkerRunsUntilStopped starts "atelier worker" and stops it as SIGTERM would.
func TestWorkerRunsUntilStopped(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	db := "sqlite:" + filepath.Join(t.TempDir(), "w.db")
	go func() {
		done <- run(ctx, []string{"-database", db, "-worker-interval", "1h", "worker"}, env(nil), pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	started := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "msg=\"worker running\"") {
			started = true
			if !strings.Contains(sc.Text(), "logged (no -smtp-url)") {
				t.Errorf("worker does not say email is logged: %s", sc.Text())
			}
			break
		}
	}
	if !started {
		t.Fatalf("worker never started: %v", <-done)
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck // keep the log pipe drained
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("worker: %v", err)
	}
}
