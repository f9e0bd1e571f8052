package fulfillment

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Staff roles, as the app's staff accounts spell them.
const (
	RoleFulfillment = "fulfillment" // works the production queue
	RoleCare        = "care"        // works the follow-up queue
	RoleAdmin       = "admin"       // may do anything, including reassign and override claims
)

// Actor is the staff member performing an action. StaffID 0 with role "system" is the
// scheduler or the payment path.
type Actor struct {
	StaffID uint
	Role    string
}

// System is the actor used for automatic changes (payments, scheduler).
var System = Actor{Role: "system"}

func (a Actor) isAdmin() bool { return a.Role == RoleAdmin }

func (a Actor) can(role string) bool { return a.Role == role || a.Role == RoleAdmin }

// Options configures a Service. Zero values take the documented defaults.
type Options struct {
	// Now is the clock; default time.Now. Tests move it instead of sleeping.
	Now func() time.Time
	// Log receives structured logs; default slog.Default().
	Log *slog.Logger
	// BaseURL prefixes links in customer email, e.g. "https://atelier.example"; default "http://localhost:8080".
	BaseURL string
	// OrderURL, FeedbackURL and ReorderURL build the links in email. Defaults:
	// BaseURL+"/orders/{id}", BaseURL+"/feedback/{public_id}", BaseURL+"/r/{code}" (the
	// server sets a signed, expiring link naming the order: account.LinkSigner).
	OrderURL    func(o *Order) string
	FeedbackURL func(o *Order) string
	ReorderURL  func(code, orderPublicID string) string
	// StoreName signs the email; default "Atelier".
	StoreName string
	// JobLease is how long a claim on a production job lasts without activity; default 30m.
	JobLease time.Duration
	// TaskLease is how long a claim on a follow-up task lasts; default 30m.
	TaskLease time.Duration
	// WelcomeAfter is when the welcome follow-up falls due after payment; default 2h.
	WelcomeAfter time.Duration
	// CheckInAfter is when the check-in follow-up falls due after delivery; default 14 days.
	CheckInAfter time.Duration
	// ReplenishLead is how long before a product runs out the reminder is due; default 10 days.
	ReplenishLead time.Duration
	// ReplenishmentCall decides, by customer, whether a replenishment reminder also becomes a
	// follow-up task for staff: a personal touch, for the customers whose segment calls for one
	// (the loyalty area knows segments; fulfillment does not import it). It runs outside any
	// transaction of this package. nil: every reminder gets its task. With it, guests get none.
	ReplenishmentCall func(ctx context.Context, customerID uint) (bool, error)
	// DurableClaims makes claim transactions on PostgreSQL wait for the WAL flush like every
	// other write. By default a claim (and only a claim) commits with synchronous_commit=off:
	// a database crash may forget the last fraction of a second of claims, which returns
	// those jobs or tasks to the queue (their holders re-claim) and loses nothing else; it
	// takes the commit's fsync off the claim-next latency.
	DurableClaims bool
	// OutboxMaxAttempts is how many sends are tried before a message is marked failed; default 8.
	OutboxMaxAttempts int
	// OutboxBackoff is the first retry delay, doubled per attempt up to 6h; default 1m.
	OutboxBackoff time.Duration
}

// Service is the fulfillment domain over one database. It is safe for concurrent use and
// for use by several processes sharing one database.
type Service struct {
	db  *gorm.DB
	now func() time.Time
	log *slog.Logger
	opt Options

	// afterMarkPaid, when set (by tests only), runs inside ConfirmPayment's transaction
	// right after the order is marked paid and before its work is created.
	afterMarkPaid func(tx *gorm.DB) error
}

// NewService builds a Service with the given clock and logger (nil = defaults).
func NewService(db *gorm.DB, now func() time.Time, log *slog.Logger) *Service {
	return NewServiceWithOptions(db, Options{Now: now, Log: log})
}

// NewServiceWithOptions builds a Service with explicit options.
func NewServiceWithOptions(db *gorm.DB, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.BaseURL == "" {
		o.BaseURL = "http://localhost:8080"
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.OrderURL == nil {
		o.OrderURL = func(x *Order) string { return fmt.Sprintf("%s/orders/%d", o.BaseURL, x.ID) }
	}
	if o.FeedbackURL == nil {
		o.FeedbackURL = func(x *Order) string { return o.BaseURL + "/feedback/" + x.PublicID }
	}
	if o.ReorderURL == nil {
		o.ReorderURL = func(code, _ string) string { return o.BaseURL + "/r/" + url.PathEscape(code) }
	}
	if o.StoreName == "" {
		o.StoreName = "Atelier"
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.JobLease, 30*time.Minute)
	def(&o.TaskLease, 30*time.Minute)
	def(&o.WelcomeAfter, 2*time.Hour)
	def(&o.CheckInAfter, 14*24*time.Hour)
	def(&o.ReplenishLead, 10*24*time.Hour)
	def(&o.OutboxBackoff, time.Minute)
	if o.OutboxMaxAttempts <= 0 {
		o.OutboxMaxAttempts = 8
	}
	s := &Service{now: o.Now, log: o.Log, opt: o}
	s.db = db.Session(&gorm.Session{NowFunc: s.clock})
	return s
}

// Options returns the effective options (defaults filled in).
func (s *Service) Options() Options { return s.opt }

// clock returns the injected time in UTC at microsecond precision, which both SQLite and
// PostgreSQL store exactly, so values read back compare equal.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Models lists every GORM model of the package, for migrations.
func Models() []any {
	return []any{
		&Order{}, &OrderItem{}, &OrderEvent{}, &PaymentEvent{},
		&ProductionJob{}, &FollowUpTask{}, &Feedback{},
		&OutboxMessage{}, &AuditEntry{},
	}
}

// tx runs fn in one transaction bound to ctx.
func (s *Service) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn)
}

// claimTx runs a claim transaction; see Options.DurableClaims.
func (s *Service) claimTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if !s.opt.DurableClaims && tx.Dialector.Name() == "postgres" {
			if err := tx.Exec("SET LOCAL synchronous_commit = off").Error; err != nil {
				return err
			}
		}
		return fn(tx)
	})
}

func newPublicID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

func ptr[T any](v T) *T { return &v }
