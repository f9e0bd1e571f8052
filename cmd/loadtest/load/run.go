package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// noResponseBackoff is how long a shopper waits after a request got no response at all.
const noResponseBackoff = 10 * time.Millisecond

// runner is one run's shared state.
type runner struct {
	cfg       Config
	transport *http.Transport
	spent     atomic.Uint64 // requests sent
	stop      atomic.Bool   // the main phase's duration is over
	visits    atomic.Uint64 // visits started
	catalog   *catalogIndex
	codes     codePool
	orders    ledger
}

// spend takes one request from the budget.
func (r *runner) spend() bool { return r.spent.Add(1) <= r.cfg.MaxRequests }

// stopping reports that visits should end at their next step.
func (r *runner) stopping() bool { return r.stop.Load() }

// nextVisit numbers a new visit, or reports false when the visit budget is spent.
func (r *runner) nextVisit() (uint64, bool) {
	n := r.visits.Add(1)
	if r.cfg.MaxJourneys > 0 && n > r.cfg.MaxJourneys {
		return 0, false
	}
	return n, true
}

func (r *runner) shopper(n uint64, st *stats) *shopper {
	base := r.cfg.Targets[int(n%uint64(len(r.cfg.Targets)))]
	s := &shopper{c: newClient(r, base, st), n: n, rng: rand.New(rand.NewPCG(r.cfg.Seed, n))}
	if mean := r.cfg.Think; mean > 0 {
		// Its own generator, so a seed gives the same answers with or without pauses.
		pace := rand.New(rand.NewPCG(r.cfg.Seed^0x7468696e6b, n))
		s.c.think = func() time.Duration {
			return time.Duration(min(pace.ExpFloat64(), 5) * float64(mean))
		}
	}
	return s
}

// ConfigError is a Config that cannot run (no target, a remote target, both models…).
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Run drives one load run against the targets and returns what it measured: first GET /healthz
// alone for TrivialDuration (the machine's ceiling), then the scenario for Duration with staff
// workers alongside, then the audit when DatabaseURL is set. It returns a *ConfigError for a
// bad Config and an error when the run could not take place; failed requests are counted in
// the report, and a failed audit is in the report too (Report.Audit.Pass).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.Targets = append([]string(nil), cfg.Targets...)
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, &ConfigError{err}
	}
	conns := max(cfg.Concurrency, cfg.TrivialConcurrency, min(cfg.MaxInFlight, int(cfg.Rate)+1)) + cfg.StaffWorkers
	r := &runner{cfg: cfg, transport: &http.Transport{
		Proxy:               nil, // never through a proxy: only the given addresses
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns * len(cfg.Targets),
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  cfg.NoGzip,
	}}
	defer r.transport.CloseIdleConnections()

	rssCtx, stopRSS := context.WithCancel(ctx)
	sampler, rssDone := sampleRSS(rssCtx, cfg.PIDs, cfg.RSSInterval)
	defer func() { stopRSS(); <-rssDone }()

	rep := &Report{Scenario: cfg.Scenario, Concurrency: cfg.Concurrency, Rate: cfg.Rate, Think: cfg.Think, Duration: cfg.Duration,
		Targets: cfg.Targets, StartedAt: time.Now().UTC()}
	if cfg.StaffToken != "" {
		rep.StaffWorkers = cfg.StaffWorkers
	}

	prep := newStats()
	err = r.prepare(ctx, prep)
	rep.Prepare = phaseReport("prepare", prep, 0, 0)
	if err != nil {
		return rep, err
	}

	if cfg.TrivialDuration > 0 {
		st := newStats()
		start := time.Now()
		r.trivial(ctx, st)
		rep.Trivial = phaseReport("trivial", st, time.Since(start), 0)
	}
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}

	st := newStats()
	start := time.Now()
	visits := r.main(ctx, st)
	rep.Main = phaseReport("main", st, time.Since(start), visits)
	created, paid := r.orders.snapshot()
	rep.CreatedOrderIDs, rep.PaidOrderIDs = created, paid
	rep.OrdersCreated, rep.OrdersPaid = len(created), len(paid)
	if rep.Main.Seconds > 0 {
		rep.PaidPerSecond = float64(len(paid)) / rep.Main.Seconds
	}
	rep.BudgetSpent = r.spent.Load() > cfg.MaxRequests
	rep.computeRatio()

	stopRSS()
	<-rssDone
	rep.RSS = sampler.reports()

	if cfg.DatabaseURL != "" {
		a, err := AuditURL(ctx, cfg.DatabaseURL, created, paid)
		if err != nil {
			return rep, fmt.Errorf("audit: %w", err)
		}
		rep.Audit = a
	}
	return rep, nil
}

// prepare reads the catalog and, for the checkout scenario, finds product codes by taking the
// quiz once on each target.
func (r *runner) prepare(ctx context.Context, st *stats) error {
	r.catalog = fetchCatalog(ctx, newClient(r, r.cfg.Targets[0], st))
	if r.cfg.Scenario != Checkout {
		return nil
	}
	for i := range r.cfg.Targets {
		s := r.shopper(uint64(i), st)
		id, err := s.takeQuiz(ctx)
		if err != nil {
			continue
		}
		products, err := s.recommend(ctx, id)
		if err != nil {
			continue
		}
		for _, p := range products {
			r.codes.add(p.Code)
		}
	}
	if r.codes.len() == 0 {
		return errors.New("could not find any product code to order: the quiz or the recommendation failed (see the prepare errors)")
	}
	return nil
}

// trivial measures GET /healthz with TrivialConcurrency closed-loop clients.
func (r *runner) trivial(ctx context.Context, st *stats) {
	deadline := time.Now().Add(r.cfg.TrivialDuration)
	var wg sync.WaitGroup
	for i := range r.cfg.TrivialConcurrency {
		c := newClient(r, r.cfg.Targets[i%len(r.cfg.Targets)], st)
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if _, err := c.do(ctx, StepHealthz, http.MethodGet, "/healthz", nil, nil, http.StatusOK); errors.Is(err, errBudget) {
					return
				}
			}
		})
	}
	wg.Wait()
}

// main runs the scenario for Duration (plus at most Grace for visits under way) and returns
// the number of visits completed.
func (r *runner) main(ctx context.Context, st *stats) uint64 {
	hard, cancel := context.WithCancel(ctx)
	defer cancel()
	timer := time.AfterFunc(r.cfg.Duration, func() {
		r.stop.Store(true)
		time.AfterFunc(r.cfg.Grace, cancel)
	})
	defer timer.Stop()

	var staff sync.WaitGroup
	if r.cfg.StaffToken != "" {
		for i := range r.cfg.StaffWorkers {
			c := newClient(r, r.cfg.Targets[i%len(r.cfg.Targets)], st)
			tokens := strings.Split(r.cfg.StaffToken, ",")
			c.bearer = strings.TrimSpace(tokens[i%len(tokens)])
			staff.Go(func() { staffWork(hard, c, i) })
		}
	}
	var done atomic.Uint64
	visit := func(n uint64) {
		err := r.shopper(n, st).visit(hard)
		switch {
		case err == nil:
			done.Add(1)
		case errors.Is(err, errNoResponse):
			wait(hard, noResponseBackoff) // a server that is down is not hammered in a tight loop
		case !isQuiet(err):
			st.fail(StepVisit, 0, err.Error())
		}
	}
	var wg sync.WaitGroup
	if r.cfg.Rate > 0 {
		r.openModel(hard, &wg, visit, st)
	} else {
		for range r.cfg.Concurrency {
			wg.Go(func() {
				for !r.stopping() && hard.Err() == nil && r.spent.Load() < r.cfg.MaxRequests {
					n, ok := r.nextVisit()
					if !ok {
						return
					}
					visit(n)
				}
			})
		}
	}
	wg.Wait()
	r.stop.Store(true) // a visit budget may end the run before the timer
	staff.Wait()
	return done.Load()
}

// openModel starts visits at the configured rate until the duration is over, whatever the
// server's speed, dropping (and counting) arrivals past MaxInFlight.
func (r *runner) openModel(ctx context.Context, wg *sync.WaitGroup, visit func(uint64), st *stats) {
	var inFlight atomic.Int64
	start := time.Now()
	interval := time.Duration(float64(time.Second) / r.cfg.Rate)
	for i := 0; !r.stopping() && ctx.Err() == nil && r.spent.Load() < r.cfg.MaxRequests; i++ {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 && !wait(ctx, d) {
			return
		}
		if r.stopping() {
			return
		}
		if inFlight.Load() >= int64(r.cfg.MaxInFlight) {
			st.expect(OutcomeArrivalDropped)
			continue
		}
		n, ok := r.nextVisit()
		if !ok {
			return
		}
		inFlight.Add(1)
		wg.Go(func() {
			defer inFlight.Add(-1)
			visit(n)
		})
	}
}

// ProductCodes takes the quiz once on base, answering as the load tool does, and returns the
// codes of the products recommended; tests use them to drive checkouts.
func ProductCodes(ctx context.Context, base string) ([]string, error) {
	cfg, err := Config{Targets: []string{base}, Duration: time.Second}.withDefaults()
	if err != nil {
		return nil, &ConfigError{err}
	}
	r := &runner{cfg: cfg, transport: &http.Transport{Proxy: nil}}
	defer r.transport.CloseIdleConnections()
	st := newStats()
	s := r.shopper(0, st)
	id, err := s.takeQuiz(ctx)
	var products []product
	if err == nil {
		products, err = s.recommend(ctx, id)
	}
	if err != nil {
		if errs := st.errorCounts(); len(errs) > 0 && len(errs[0].Samples) > 0 {
			return nil, fmt.Errorf("%s %d: %s", errs[0].Step, errs[0].Status, errs[0].Samples[0])
		}
		return nil, err
	}
	codes := make([]string, 0, len(products))
	for _, p := range products {
		codes = append(codes, p.Code)
	}
	return codes, nil
}
