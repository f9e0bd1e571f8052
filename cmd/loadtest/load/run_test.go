package load_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"atelier/app/apptest"
	"atelier/app/staff"
	"atelier/cmd/loadtest/load"
	"atelier/fulfillment"
)

// TestRunAgainstTheStore runs every scenario of the engine against the real store in-process
// (apptest, SQLite), bounded by a number of visits, and audits the database afterwards.
func TestRunAgainstTheStore(t *testing.T) {
	tests := []struct {
		scenario load.Scenario
		staff    bool
		want     []load.Step
	}{
		{load.Journey, true, []load.Step{load.StepQuizStart, load.StepQuizAnswer, load.StepRecommendation, load.StepCustomize,
			load.StepOrderCreate, load.StepDemoPay, load.StepStaffClaim}},
		{load.Quiz, false, []load.Step{load.StepQuizStart, load.StepQuizAnswer}},
		{load.Checkout, false, []load.Step{load.StepOrderCreate, load.StepDemoPay}},
	}
	for _, tt := range tests {
		t.Run(string(tt.scenario), func(t *testing.T) {
			s := apptest.New(t)
			cfg := load.Config{Targets: []string{s.URL}, Scenario: tt.scenario, Concurrency: 2, MaxJourneys: 4,
				Duration: time.Minute, TrivialDuration: 100 * time.Millisecond, TrivialConcurrency: 2}
			if tt.staff {
				cfg.StaffToken, cfg.StaffWorkers = staffToken(t, s), 1
			}
			rep, err := load.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			rep.Print(&out)
			if n := rep.Main.ErrorTotal() + rep.Prepare.ErrorTotal(); n > 0 {
				t.Fatalf("%d errors:\n%s", n, out.String())
			}
			if rep.Main.Visits != 4 {
				t.Errorf("%d visits completed, want 4:\n%s", rep.Main.Visits, out.String())
			}
			for _, st := range tt.want {
				if r := rep.Main.Step(st); r.OK == 0 || r.P99 <= 0 {
					t.Errorf("step %s: %d ok, p99 %v:\n%s", st, r.OK, r.P99, out.String())
				}
			}
			if rep.Trivial.Step(load.StepHealthz).PerSecond <= 0 {
				t.Errorf("no trivial-route throughput:\n%s", out.String())
			}
			if tt.scenario != load.Quiz && rep.OrdersPaid != 4 {
				t.Errorf("%d orders paid, want 4", rep.OrdersPaid)
			}
			a, err := load.Audit(context.Background(), s.DB, rep.CreatedOrderIDs, rep.PaidOrderIDs)
			if err != nil {
				t.Fatal(err)
			}
			if !a.Pass {
				a.Print(&out)
				t.Fatalf("audit failed:\n%s", out.String())
			}
		})
	}
}

// TestThinkTime runs paced shoppers: every visit still completes, the report says how they
// paced, and it makes no throughput-versus-ceiling claim (the pace sets the throughput).
func TestThinkTime(t *testing.T) {
	s := apptest.New(t)
	cfg := load.Config{Targets: []string{s.URL}, Scenario: load.Quiz, Concurrency: 2, MaxJourneys: 2, Think: time.Millisecond,
		Duration: time.Minute, TrivialDuration: 50 * time.Millisecond, TrivialConcurrency: 1}
	rep, err := load.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Print(&out)
	if rep.Main.Visits != 2 || rep.Main.ErrorTotal() > 0 || rep.Main.Step(load.StepQuizAnswer).OK < 30 {
		t.Fatalf("paced run:\n%s", out.String())
	}
	if rep.Think != time.Millisecond || !bytes.Contains(out.Bytes(), []byte("pausing 1ms on average")) {
		t.Errorf("the report does not say the shoppers paused:\n%s", out.String())
	}
	if !bytes.Contains(out.Bytes(), []byte("quiz_answer p99: ")) || !bytes.Contains(out.Bytes(), []byte("2 shoppers, pausing 1ms on average (")) {
		t.Errorf("the report does not give the answer p99 with its pace:\n%s", out.String())
	}
	if rep.QuizAnswerRatio != 0 || bytes.Contains(out.Bytes(), []byte("vs trivial route")) {
		t.Errorf("a paced run claims a share of the ceiling:\n%s", out.String())
	}
}

func TestConfigRefusals(t *testing.T) {
	tests := []struct {
		name string
		cfg  load.Config
	}{
		{"no target", load.Config{Duration: time.Second}},
		{"remote target", load.Config{Targets: []string{"http://example.com"}, Duration: time.Second}},
		{"not http", load.Config{Targets: []string{"ftp://127.0.0.1"}, Duration: time.Second}},
		{"both models", load.Config{Targets: []string{"http://127.0.0.1:1"}, Concurrency: 1, Rate: 1, Duration: time.Second}},
		{"no duration", load.Config{Targets: []string{"http://127.0.0.1:1"}}},
		{"unknown scenario", load.Config{Targets: []string{"http://127.0.0.1:1"}, Scenario: "browse", Duration: time.Second}},
		{"negative think time", load.Config{Targets: []string{"http://127.0.0.1:1"}, Think: -time.Second, Duration: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load.Run(context.Background(), tt.cfg)
			var ce *load.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("want a *ConfigError, got %v", err)
			}
		})
	}
}

func staffToken(t *testing.T, s *apptest.Store) string {
	t.Helper()
	ctx := context.Background()
	acc := staff.NewAccounts(s.DB, s.Clock.Now)
	m, _, err := acc.Add(ctx, fulfillment.System, staff.NewMember{Email: "worker@example.com", Name: "Worker", Role: fulfillment.RoleFulfillment})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := acc.IssueToken(ctx, fulfillment.System, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
