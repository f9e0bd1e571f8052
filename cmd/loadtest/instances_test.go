package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database"
	"atelier/app/database/databasetest"
	"atelier/app/staff"
	"atelier/cmd/loadtest/load"
	"atelier/fulfillment"
)

// TestSeveralInstancesOnPostgres runs three servers on one PostgreSQL schema with the same
// session secret, each running the scheduler every 200ms, and shows that a shopper's session
// works on any of them, that the load tool spread over the three leaves a clean audit, and
// that the schedulers, ticking at once, create each follow-up task exactly once — also after
// their stamps are lost, as after a crash between a task and its stamp.
func TestSeveralInstancesOnPostgres(t *testing.T) {
	dsn := databasetest.PostgresURL(t)
	bin := atelierBinary(t)
	args := []string{"-database", dsn, "-worker-interval", "200ms"}
	var servers []*server
	for range 3 {
		servers = append(servers, startServer(t, bin, args...))
	}
	db, err := database.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = database.Close(db) })

	t.Run("a session works on every instance", func(t *testing.T) {
		sessionAcrossInstances(t, servers[0].URL, servers[1].URL, servers[2].URL)
	})

	// Three staff members, one per worker: a person works one job at a time.
	var tokens []string
	for i := range 3 {
		tokens = append(tokens, staffToken(t, bin, dsn, db, fmt.Sprintf("loadtest-staff%d@example.com", i)))
	}
	token := strings.Join(tokens, ",")
	cfg := load.Config{Scenario: load.Journey, Concurrency: 9, Duration: 4 * time.Second, StaffToken: token, StaffWorkers: 3,
		TrivialDuration: time.Second, DatabaseURL: dsn}
	for _, s := range servers {
		cfg.Targets = append(cfg.Targets, s.URL)
		cfg.PIDs = append(cfg.PIDs, s.cmd.Process.Pid)
	}
	rep, err := load.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Print(&out)
	t.Log("\n" + out.String())
	if n := rep.Main.ErrorTotal(); n > 0 {
		t.Errorf("%d errors under load", n)
	}
	if rep.OrdersPaid == 0 || rep.Main.Step(load.StepStaffClaim).OK == 0 {
		t.Fatalf("the run paid %d orders and made %d claims; nothing was exercised", rep.OrdersPaid, rep.Main.Step(load.StepStaffClaim).OK)
	}
	if !rep.Audit.Pass {
		t.Fatal("audit failed after the load run")
	}

	t.Run("the schedulers create each task once", func(t *testing.T) {
		// Time has not passed for real: make every paid order's check-in and every line's
		// replenishment due now, and let the three schedulers race for them.
		past := time.Now().UTC().Add(-time.Hour)
		paidIn := []string{fulfillment.OrderPaid, fulfillment.OrderInProduction, fulfillment.OrderShipped, fulfillment.OrderDelivered}
		mustExec(t, db, "UPDATE orders SET check_in_due_at = ? WHERE status IN ?", past, paidIn)
		mustExec(t, db, "UPDATE order_items SET replenish_due_at = ? WHERE order_id IN (SELECT id FROM orders WHERE status IN ?)", past, paidIn)
		waitStamped(t, db)
		// Lose the stamps, as a crash between a task and its stamp would: the dedupe keys
		// must still hold when every scheduler sees the rows again.
		mustExec(t, db, "UPDATE orders SET check_in_created_at = NULL WHERE check_in_due_at IS NOT NULL")
		mustExec(t, db, "UPDATE order_items SET replenish_created_at = NULL WHERE replenish_due_at IS NOT NULL")
		waitStamped(t, db)

		var orders, items, checkIns, reminders, replenishments, unaccounted, untied int64
		scan(t, db, &orders, "SELECT COUNT(*) FROM orders WHERE check_in_due_at IS NOT NULL")
		scan(t, db, &items, "SELECT COUNT(*) FROM order_items WHERE replenish_due_at IS NOT NULL")
		scan(t, db, &checkIns, "SELECT COUNT(*) FROM follow_up_tasks WHERE kind = ?", fulfillment.TaskCheckIn)
		scan(t, db, &reminders, "SELECT COUNT(*) FROM outbox_messages WHERE kind = ?", fulfillment.MailReplenishmentReminder)
		scan(t, db, &replenishments, "SELECT COUNT(*) FROM follow_up_tasks WHERE kind = ?", fulfillment.TaskReplenishment)
		// Every due line got its reminder, or was skipped because its product was reordered.
		scan(t, db, &unaccounted, `SELECT COUNT(*) FROM order_items i WHERE i.replenish_due_at IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM outbox_messages m WHERE m.dedupe_key = 'replenishment_reminder:item:' || i.id)
			AND NOT EXISTS (SELECT 1 FROM audit_entries a WHERE a.action = 'replenishment.skipped' AND a.object = 'order:' || i.order_id)`)
		// A staff call (for the customers whose segment asks for one) goes with a reminder.
		scan(t, db, &untied, `SELECT COUNT(*) FROM follow_up_tasks f WHERE f.kind = ? AND NOT EXISTS
			(SELECT 1 FROM outbox_messages m WHERE m.dedupe_key = 'replenishment_reminder:item:' || substr(f.dedupe_key, 20))`,
			fulfillment.TaskReplenishment)
		t.Logf("%d orders due a check-in, %d lines due a replenishment: %d check-in tasks, %d reminders, %d replenishment calls",
			orders, items, checkIns, reminders, replenishments)
		if orders == 0 || checkIns != orders {
			t.Errorf("want one check-in per order (%d); got %d", orders, checkIns)
		}
		if reminders == 0 || reminders > items || unaccounted != 0 || replenishments > reminders || untied != 0 {
			t.Errorf("replenishment: %d lines, %d reminders, %d lines neither reminded nor skipped, %d calls (%d without a reminder)",
				items, reminders, unaccounted, replenishments, untied)
		}
		var perKind []struct {
			OrderID uint
			Kind    string
			N       int64
		}
		if err := db.Raw("SELECT order_id, kind, COUNT(*) AS n FROM follow_up_tasks WHERE order_id IS NOT NULL AND kind IN ? GROUP BY order_id, kind HAVING COUNT(*) <> 1",
			[]string{fulfillment.TaskWelcome, fulfillment.TaskCheckIn}).Scan(&perKind).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range perKind {
			t.Errorf("order %d has %d %s tasks", r.OrderID, r.N, r.Kind)
		}
		a, err := load.Audit(context.Background(), db, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Pass {
			var out bytes.Buffer
			a.Print(&out)
			t.Errorf("audit after the schedulers ran:\n%s", out.String())
		}
	})
	for _, s := range servers {
		s.stop(30 * time.Second)
	}
}

// waitStamped waits (bounded) until the schedulers have handled every due check-in and
// replenishment.
func waitStamped(t *testing.T, db *gorm.DB) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var left int64
		scan(t, db, &left, "SELECT (SELECT COUNT(*) FROM orders WHERE check_in_due_at IS NOT NULL AND check_in_created_at IS NULL) + "+
			"(SELECT COUNT(*) FROM order_items WHERE replenish_due_at IS NOT NULL AND replenish_created_at IS NULL)")
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rows still not handled by the schedulers after 60s", left)
		}
		// The schedulers tick every 200ms; look again after one tick.
		<-time.After(200 * time.Millisecond)
	}
}

func mustExec(t *testing.T, db *gorm.DB, sql string, args ...any) {
	t.Helper()
	if err := db.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func scan(t *testing.T, db *gorm.DB, dst any, sql string, args ...any) {
	t.Helper()
	if err := db.Raw(sql, args...).Scan(dst).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// tokenRE finds a staff API token in the command's output.
var tokenRE = regexp.MustCompile(`\batl_[A-Za-z0-9_-]{20,}`)

// staffToken creates a fulfillment staff member and an API token with the atelier command
// (`staff add`, `staff token`); while those subcommands are missing it does the same through
// the staff accounts directly.
func staffToken(t *testing.T, bin, dsn string, db *gorm.DB, email string) string {
	t.Helper()
	if out, err := tryAtelier(bin, "", "-database", dsn, "staff", "add", "--email", email, "--role", fulfillment.RoleFulfillment); err == nil {
		out, err = tryAtelier(bin, "", "-database", dsn, "staff", "token", "--email", email)
		if tok := tokenRE.FindString(out); err == nil && tok != "" {
			return tok
		}
		t.Fatalf("atelier staff token: %v\n%s", err, out)
	} else if !strings.Contains(out, "unknown command") {
		t.Fatalf("atelier staff add: %v\n%s", err, out)
	}
	t.Log("atelier has no staff subcommand yet: creating the staff token through staff.Accounts")
	acc := staff.NewAccounts(db, func() time.Time { return time.Now().UTC() })
	m, _, err := acc.Add(context.Background(), fulfillment.System, staff.NewMember{Email: email, Name: "Load Test", Role: fulfillment.RoleFulfillment})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := acc.IssueToken(context.Background(), fulfillment.System, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// sessionAcrossInstances starts a quiz on a, answers its first question on b with the same
// cookies, and reads it back on c; another shopper cannot read it anywhere.
func sessionAcrossInstances(t *testing.T, a, b, c string) {
	jar, _ := cookiejar.New(nil)
	shopper := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	var sess struct {
		ID       string `json:"id"`
		Question struct {
			ID      string `json:"id"`
			Kind    string `json:"kind"`
			Options []struct {
				Value string `json:"value"`
			} `json:"options"`
		} `json:"question"`
	}
	callJSON(t, shopper, http.MethodPost, a+"/api/v1/quiz/sessions", nil, http.StatusCreated, &sess)
	q := sess.Question
	var value any = "Maya"
	switch {
	case len(q.Options) > 0 && q.Kind == "multi":
		value = []string{q.Options[0].Value}
	case len(q.Options) > 0:
		value = q.Options[0].Value
	case q.Kind == "scale" || q.Kind == "number":
		value = 3
	}
	var next struct {
		Progress struct {
			Answered int `json:"answered"`
		} `json:"progress"`
	}
	callJSON(t, shopper, http.MethodPost, b+"/api/v1/quiz/sessions/"+sess.ID+"/answers",
		map[string]any{"question_id": q.ID, "value": value}, http.StatusOK, &next)
	if next.Progress.Answered != 1 {
		t.Errorf("after one answer on the second instance, progress.answered = %d", next.Progress.Answered)
	}
	var shown struct {
		Answers map[string]any `json:"answers"`
	}
	callJSON(t, shopper, http.MethodGet, c+"/api/v1/quiz/sessions/"+sess.ID, nil, http.StatusOK, &shown)
	if _, ok := shown.Answers[q.ID]; !ok {
		t.Errorf("the third instance does not show the answer to %s: %v", q.ID, shown.Answers)
	}
	stranger := &http.Client{Timeout: 20 * time.Second}
	for _, base := range []string{a, b, c} {
		callJSON(t, stranger, http.MethodGet, base+"/api/v1/quiz/sessions/"+sess.ID, nil, http.StatusNotFound, nil)
	}
}

func callJSON(t *testing.T, c *http.Client, method, url string, in any, want int, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, url, resp.StatusCode, data, want)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, data)
		}
	}
}

// tryAtelier runs the binary and returns its output and error without failing the test.
func tryAtelier(bin, stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := execCommand(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("atelier %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}
