package load

import (
	"sort"
	"sync"
	"sync/atomic"
)

// Step names one kind of request a virtual shopper or staff worker makes; each has its own
// latency histogram and error counts.
type Step string

// The steps, in the order a report lists them.
const (
	StepHealthz         Step = "healthz"          // GET /healthz, the trivial route
	StepCatalog         Step = "catalog"          // GET /api/v1/catalog, once per target before the run
	StepQuizStart       Step = "quiz_start"       // POST /api/v1/quiz/sessions
	StepQuizAnswer      Step = "quiz_answer"      // POST /api/v1/quiz/sessions/{id}/answers
	StepQuizShow        Step = "quiz_show"        // GET /api/v1/quiz/sessions/{id}
	StepRecommendation  Step = "recommendation"   // GET /api/v1/quiz/sessions/{id}/recommendation
	StepCustomize       Step = "customize"        // POST /api/v1/products/{code}/customize
	StepOrderCreate     Step = "order_create"     // POST /api/v1/orders
	StepDemoPay         Step = "demo_pay"         // POST /api/v1/orders/{id}/demo-payment
	StepStaffClaim      Step = "staff_claim"      // POST /api/v1/staff/production/claim
	StepStaffTransition Step = "staff_transition" // POST /api/v1/staff/production/{id}/transition
	StepVisit           Step = "visit"            // a visit that failed outside any request
)

// Steps lists every step in report order.
var Steps = []Step{StepHealthz, StepCatalog, StepQuizStart, StepQuizAnswer, StepQuizShow, StepRecommendation,
	StepCustomize, StepOrderCreate, StepDemoPay, StepStaffClaim, StepStaffTransition, StepVisit}

// Expected outcomes that are not errors.
const (
	OutcomeCustomizeConflict = "customize 409 with a suggestion"
	OutcomeQueueEmpty        = "staff claim 204 (queue empty)"
	OutcomeArrivalDropped    = "arrival dropped (too many shoppers in flight)"
	OutcomeAborted           = "request cut short by the end of the run"
)

// stepStats is what one step counted.
type stepStats struct {
	hist Histogram
	ok   atomic.Uint64
	errs atomic.Uint64
}

// errorKey groups errors by step and HTTP status (0: no response at all).
type errorKey struct {
	step   Step
	status int
}

// maxErrorSamples bounds how many example messages are kept per step and status.
const maxErrorSamples = 3

// stats gathers one phase's measurements; safe for concurrent use.
type stats struct {
	steps    map[Step]*stepStats // fixed at creation: read without locking
	requests atomic.Uint64

	mu       sync.Mutex
	errors   map[errorKey]uint64
	samples  map[errorKey][]string
	expected map[string]uint64
}

func newStats() *stats {
	s := &stats{steps: map[Step]*stepStats{}, errors: map[errorKey]uint64{},
		samples: map[errorKey][]string{}, expected: map[string]uint64{}}
	for _, st := range Steps {
		s.steps[st] = &stepStats{}
	}
	return s
}

func (s *stats) step(st Step) *stepStats { return s.steps[st] }

func (s *stats) fail(st Step, status int, msg string) {
	s.step(st).errs.Add(1)
	k := errorKey{st, status}
	s.mu.Lock()
	s.errors[k]++
	if len(s.samples[k]) < maxErrorSamples {
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		s.samples[k] = append(s.samples[k], msg)
	}
	s.mu.Unlock()
}

func (s *stats) expect(outcome string) {
	s.mu.Lock()
	s.expected[outcome]++
	s.mu.Unlock()
}

// errorCounts returns the errors sorted by step order, then status.
func (s *stats) errorCounts() []ErrorCount {
	order := map[Step]int{}
	for i, st := range Steps {
		order[st] = i
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ErrorCount, 0, len(s.errors))
	for k, n := range s.errors {
		out = append(out, ErrorCount{Step: k.step, Status: k.status, Count: n, Samples: append([]string(nil), s.samples[k]...)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Step != out[j].Step {
			return order[out[i].Step] < order[out[j].Step]
		}
		return out[i].Status < out[j].Status
	})
	return out
}

func (s *stats) expectedCounts() map[string]uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]uint64, len(s.expected))
	for k, v := range s.expected {
		out[k] = v
	}
	return out
}
