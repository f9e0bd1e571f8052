package load

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Report is what a run measured.
type Report struct {
	Scenario     Scenario      `json:"scenario"`
	Concurrency  int           `json:"concurrency,omitempty"`
	Rate         float64       `json:"rate,omitempty"`
	Think        time.Duration `json:"think_ns,omitempty"`
	Duration     time.Duration `json:"duration_ns"`
	Targets      []string      `json:"targets"`
	StaffWorkers int           `json:"staff_workers"`
	StartedAt    time.Time     `json:"started_at"`

	// Prepare is the catalog read (and, for checkout, the quiz runs that found codes);
	// Trivial the GET /healthz phase; Main the scenario.
	Prepare PhaseReport `json:"prepare"`
	Trivial PhaseReport `json:"trivial"`
	Main    PhaseReport `json:"main"`

	// CreatedOrderIDs and PaidOrderIDs are the orders the shoppers saw created (201) and
	// paid, as the API named them.
	CreatedOrderIDs []string `json:"-"`
	PaidOrderIDs    []string `json:"-"`
	OrdersCreated   int      `json:"orders_created"`
	OrdersPaid      int      `json:"orders_paid"`
	PaidPerSecond   float64  `json:"paid_per_second"`
	// QuizAnswerRatio is quiz_answer throughput in the main phase over GET /healthz throughput
	// in the trivial phase (0 when either is missing, or when shoppers pause: then the
	// throughput is the shoppers' pace, not the server's).
	QuizAnswerRatio float64 `json:"quiz_answer_ratio"`
	// BudgetSpent is true when MaxRequests ended the run before its duration.
	BudgetSpent bool `json:"budget_spent,omitempty"`

	RSS   []RSSReport  `json:"rss,omitempty"`
	Audit *AuditReport `json:"audit,omitempty"`
}

// PhaseReport is one phase's measurements.
type PhaseReport struct {
	Name     string       `json:"name"`
	Seconds  float64      `json:"seconds"`
	Visits   uint64       `json:"visits"`
	Requests uint64       `json:"requests"`
	Steps    []StepReport `json:"steps"`
	Errors   []ErrorCount `json:"errors,omitempty"`
	// Expected counts outcomes that are not errors (a customisation conflict, an empty queue).
	Expected map[string]uint64 `json:"expected,omitempty"`
}

// StepReport is one step's throughput and latency.
type StepReport struct {
	Step      Step          `json:"step"`
	Count     uint64        `json:"count"` // responses timed (successes and counted errors with a status)
	OK        uint64        `json:"ok"`
	Errors    uint64        `json:"errors"`
	PerSecond float64       `json:"per_second"` // successful responses per second of the phase
	P50       time.Duration `json:"p50_ns"`
	P95       time.Duration `json:"p95_ns"`
	P99       time.Duration `json:"p99_ns"`
	Max       time.Duration `json:"max_ns"`
	Mean      time.Duration `json:"mean_ns"`
}

// ErrorCount is how often a step failed with one status (0: no response, e.g. refused).
type ErrorCount struct {
	Step    Step     `json:"step"`
	Status  int      `json:"status"`
	Count   uint64   `json:"count"`
	Samples []string `json:"samples,omitempty"`
}

func phaseReport(name string, st *stats, elapsed time.Duration, visits uint64) PhaseReport {
	p := PhaseReport{Name: name, Seconds: elapsed.Seconds(), Visits: visits, Errors: st.errorCounts(), Expected: st.expectedCounts()}
	for _, s := range Steps {
		ss := st.step(s)
		n, ok, bad := ss.hist.Count(), ss.ok.Load(), ss.errs.Load()
		if n == 0 && bad == 0 {
			continue
		}
		sr := StepReport{Step: s, Count: n, OK: ok, Errors: bad, P50: ss.hist.Quantile(0.50), P95: ss.hist.Quantile(0.95),
			P99: ss.hist.Quantile(0.99), Max: ss.hist.Max(), Mean: ss.hist.Mean()}
		if p.Seconds > 0 {
			sr.PerSecond = float64(ok) / p.Seconds
		}
		p.Requests += n
		p.Steps = append(p.Steps, sr)
	}
	return p
}

// Step returns the report of one step (zero when it made no request).
func (p PhaseReport) Step(s Step) StepReport {
	for _, r := range p.Steps {
		if r.Step == s {
			return r
		}
	}
	return StepReport{Step: s}
}

// ErrorTotal is the number of errors in the phase.
func (p PhaseReport) ErrorTotal() uint64 {
	var n uint64
	for _, e := range p.Errors {
		n += e.Count
	}
	return n
}

func (r *Report) computeRatio() {
	ceiling := r.Trivial.Step(StepHealthz).PerSecond
	if q := r.Main.Step(StepQuizAnswer).PerSecond; ceiling > 0 && q > 0 && r.Think == 0 {
		r.QuizAnswerRatio = q / ceiling
	}
}

// Print writes the report for a person.
func (r *Report) Print(w io.Writer) {
	model := fmt.Sprintf("closed model, %d concurrent shoppers", r.Concurrency)
	if r.Rate > 0 {
		model = fmt.Sprintf("open model, %.1f new shoppers/s", r.Rate)
	}
	if r.Think > 0 {
		model += fmt.Sprintf(" pausing %s on average before each request", r.Think)
	}
	fmt.Fprintf(w, "atelier loadtest: scenario %s, %s, %s, %d target(s): %s\n", r.Scenario, model, r.Duration,
		len(r.Targets), strings.Join(r.Targets, ", "))
	if r.StaffWorkers > 0 {
		fmt.Fprintf(w, "staff workers: %d\n", r.StaffWorkers)
	}
	if len(r.Prepare.Errors) > 0 {
		fmt.Fprintln(w, "\nprepare:")
		printErrors(w, r.Prepare)
	}
	if r.Trivial.Seconds > 0 {
		fmt.Fprintf(w, "\ntrivial route (ceiling): %.1fs, %d requests\n", r.Trivial.Seconds, r.Trivial.Requests)
		printSteps(w, r.Trivial)
		printErrors(w, r.Trivial)
	}
	fmt.Fprintf(w, "\nmain phase: %.1fs, %d visits completed (%.1f/s), %d requests (%.1f/s)\n", r.Main.Seconds, r.Main.Visits,
		perSecond(float64(r.Main.Visits), r.Main.Seconds), r.Main.Requests, perSecond(float64(r.Main.Requests), r.Main.Seconds))
	printSteps(w, r.Main)
	fmt.Fprintf(w, "\norders: %d created, %d paid (%.1f paid orders/s)\n", r.OrdersCreated, r.OrdersPaid, r.PaidPerSecond)
	if hz, q := r.Trivial.Step(StepHealthz).PerSecond, r.Main.Step(StepQuizAnswer).PerSecond; r.QuizAnswerRatio > 0 {
		fmt.Fprintf(w, "quiz_answer vs trivial route: %.1f/s vs %.1f/s = %.1f%% (target ≥ 30%%)\n", q, hz, 100*r.QuizAnswerRatio)
	}
	if q := r.Main.Step(StepQuizAnswer); r.Scenario == Quiz && q.OK > 0 {
		pace := "no pause (a saturation run: the mean alone is shoppers ÷ throughput)"
		if r.Think > 0 {
			pace = fmt.Sprintf("pausing %s on average", r.Think)
		}
		fmt.Fprintf(w, "quiz_answer p99: %s at %.0f answers/s, %d shoppers, %s (issue 9's target: < 25 ms at 100 concurrent shoppers)\n",
			ms(q.P99), q.PerSecond, r.Concurrency, pace)
	}
	if len(r.Main.Expected) > 0 {
		fmt.Fprintln(w, "expected outcomes (not errors):")
		for _, k := range sortedKeys(r.Main.Expected) {
			fmt.Fprintf(w, "  %-50s %d\n", k, r.Main.Expected[k])
		}
	}
	fmt.Fprintf(w, "errors: %d\n", r.Main.ErrorTotal())
	printErrors(w, r.Main)
	if r.BudgetSpent {
		fmt.Fprintln(w, "the request budget (-max-requests) ended the run early")
	}
	for _, m := range r.RSS {
		fmt.Fprintf(w, "RSS pid %d: max %.1f MiB, last %.1f MiB, %d samples", m.PID, m.MaxMiB(), float64(m.LastKiB)/1024, m.Samples)
		if m.Error != "" {
			fmt.Fprintf(w, " (last error: %s)", m.Error)
		}
		fmt.Fprintln(w)
	}
	if r.Audit != nil {
		fmt.Fprintln(w)
		r.Audit.Print(w)
	}
}

func printSteps(w io.Writer, p PhaseReport) {
	fmt.Fprintf(w, "  %-17s %9s %9s %10s %9s %9s %9s %9s\n", "step", "ok", "errors", "ok/s", "p50", "p95", "p99", "max")
	for _, s := range p.Steps {
		fmt.Fprintf(w, "  %-17s %9d %9d %10.1f %9s %9s %9s %9s\n", s.Step, s.OK, s.Errors, s.PerSecond,
			ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max))
	}
}

func printErrors(w io.Writer, p PhaseReport) {
	for _, e := range p.Errors {
		status := fmt.Sprint(e.Status)
		if e.Status == 0 {
			status = "no response"
		}
		fmt.Fprintf(w, "  %s %s: %d\n", e.Step, status, e.Count)
		for _, s := range e.Samples {
			fmt.Fprintf(w, "      e.g. %s\n", s)
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func perSecond(n, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return n / secs
}

func sortedKeys(m map[string]uint64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
