// Package loyalty is Atelier's e-CRM: it scores every customer on satisfaction, current value,
// repurchase loyalty and future potential (app/loyalty/score), puts them in a segment, runs
// the segment's strategy (follow-up tasks and outbox email through fulfillment), and serves
// the owner's dashboard and the customer pages under /staff. See docs/LOYALTY.md.
package loyalty

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	"atelier/app/loyalty/score"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// ErrNotFound: no such customer, or no scores yet.
var ErrNotFound = errors.New("loyalty: customer not found")

// Service computes and stores scores and segments and runs the strategies.
type Service struct {
	db   *gorm.DB
	f    *fulfillment.Service
	quiz *questionnaire.Store
	// quizVersion is the consultation version whose drop-off the dashboard shows.
	quizVersion string
	cur         string
	segs        score.Segments
	now         func() time.Time
	log         *slog.Logger

	linesMu sync.Mutex
	lines   map[string]cachedLines // quiz response id → recommended lines at a revision

	cacheTTL time.Duration
	mu       sync.Mutex
	cached   *Dashboard
	cachedAt time.Time
	building bool
}

// Options configures a Service; zero values take the defaults.
type Options struct {
	// QuizVersion is the current consultation version, for the drop-off chart ("" = none).
	QuizVersion string
	// Currency is the store's currency (the catalog's), for amounts on the dashboard and in
	// the score reasons; default "usd".
	Currency string
	// Segments replaces the default segment definitions.
	Segments score.Segments
	// Now is the clock; default time.Now.
	Now func() time.Time
	Log *slog.Logger
	// DashboardTTL is how long the dashboard's aggregates are cached; default 30s, < 0 none.
	DashboardTTL time.Duration
}

// NewService builds the loyalty service over db, creating tasks and email through f and
// reading consultations through quiz.
func NewService(db *gorm.DB, f *fulfillment.Service, quiz *questionnaire.Store, o Options) *Service {
	if o.Segments == nil {
		o.Segments = score.DefaultSegments()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.DashboardTTL == 0 {
		o.DashboardTTL = 30 * time.Second
	}
	if o.Currency == "" {
		o.Currency = "usd"
	}
	return &Service{db: db, f: f, quiz: quiz, quizVersion: o.QuizVersion, cur: o.Currency, segs: o.Segments, now: o.Now, log: o.Log, cacheTTL: o.DashboardTTL}
}

// currency is the store's currency, for amounts people read.
func (s *Service) currency() string { return s.cur }

// Segments returns the segment definitions in priority order.
func (s *Service) Segments() score.Segments { return s.segs }

func (s *Service) clock() time.Time { return s.now().UTC() }

// Result is one customer's recomputed scores and segment.
type Result struct {
	CustomerID uint
	Scores     score.Scores
	Facts      score.Facts
	Segment    string
	// Moved is true when the segment changed (or was assigned for the first time).
	Moved bool
}

// Report counts what a RecomputeAll did.
type Report struct {
	Customers, Moved, TasksCreated, TasksRaised, EmailsQueued int
	Took                                                      time.Duration
}

// Recompute scores one customer now, stores the result, records a segment move and runs the
// segment's strategy, in one transaction. Call it after the customer's data changes (payment,
// feedback, a completed follow-up). ErrNotFound for an unknown or deleted customer.
func (s *Service) Recompute(ctx context.Context, customerID uint) (*Result, error) {
	subs, err := s.loadSubjects(ctx, customerID)
	if err != nil {
		return nil, err
	}
	if len(subs) == 0 {
		return nil, ErrNotFound
	}
	var out *Result
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		results, rep, err := s.apply(tx, subs)
		if err != nil {
			return err
		}
		_ = rep
		out = &results[0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.invalidate()
	return out, nil
}

// RecomputeAll scores every live customer: histories are read in a few set-based queries,
// scores computed in memory, and results, segment moves and strategy work written in one
// transaction with batched statements.
func (s *Service) RecomputeAll(ctx context.Context) (Report, error) {
	start := time.Now()
	subs, err := s.loadSubjects(ctx, 0)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, rep, err = s.apply(tx, subs)
		return err
	})
	if err != nil {
		return Report{}, err
	}
	s.invalidate()
	rep.Took = time.Since(start)
	s.log.Info("loyalty: recomputed", "customers", rep.Customers, "moved", rep.Moved, "tasks_created", rep.TasksCreated,
		"tasks_raised", rep.TasksRaised, "emails", rep.EmailsQueued, "took", rep.Took.String())
	return rep, nil
}

// apply computes, stores and acts for subs inside tx.
func (s *Service) apply(tx *gorm.DB, subs []*subject) ([]Result, Report, error) {
	now := s.clock()
	prev, err := currentSegments(tx, subs)
	if err != nil {
		return nil, Report{}, err
	}
	results := make([]Result, len(subs))
	rows := make([]CustomerScore, len(subs))
	var moves []SegmentMove
	rep := Report{Customers: len(subs)}
	for i, sub := range subs {
		sc := score.Compute(sub.History, now)
		facts := score.FactsOf(sub.History, now)
		seg := s.segs.Assign(sc, facts)
		reasons, _ := json.Marshal(sc)
		rows[i] = CustomerScore{CustomerID: sub.ID, Satisfaction: sc.Satisfaction.Value, Value: sc.Value.Value,
			Loyalty: sc.Loyalty.Value, Potential: sc.Potential.Value, Segment: seg.Name, Reasons: string(reasons), ComputedAt: now}
		from, had := prev[sub.ID]
		moved := !had || from != seg.Name
		if moved {
			moves = append(moves, SegmentMove{CustomerID: sub.ID, From: from, To: seg.Name, At: now})
		}
		results[i] = Result{CustomerID: sub.ID, Scores: sc, Facts: facts, Segment: seg.Name, Moved: moved}
	}
	rep.Moved = len(moves)
	if err := saveScores(tx, rows, moves); err != nil {
		return nil, rep, err
	}
	if err := s.runStrategies(tx, subs, results, now, &rep); err != nil {
		return nil, rep, err
	}
	return results, rep, nil
}

// Explained is a stored score row with its reasons decoded.
type Explained struct {
	CustomerScore
	Scores score.Scores
}

func explain(row CustomerScore) (*Explained, error) {
	e := &Explained{CustomerScore: row}
	if err := json.Unmarshal([]byte(row.Reasons), &e.Scores); err != nil {
		return nil, fmt.Errorf("loyalty: decode reasons of customer %d: %w", row.CustomerID, err)
	}
	return e, nil
}
