package fulfillment

import "time"

// Outbox message kinds.
const (
	MailOrderConfirmation     = "order_confirmation"
	MailShipped               = "shipped"
	MailFeedbackRequest       = "feedback_request"
	MailReplenishmentReminder = "replenishment_reminder"
	MailSignInLink            = "sign_in_link"
	MailPasswordReset         = "password_reset"
	MailOrderRefunded         = "order_refunded"
)

// Outbox statuses. sending is a claimed message (CAS), with ClaimUntil bounding a crash.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxLogged  = "logged"
	OutboxFailed  = "failed"
)

// OutboxMessage is a customer email written in the same transaction as the event that
// causes it, and delivered later by DeliverOutbox. DedupeKey makes each event's email unique.
type OutboxMessage struct {
	ID            uint       `gorm:"primaryKey" json:"id"`
	Kind          string     `gorm:"size:32;not null;index" json:"kind"`
	To            string     `gorm:"column:to_addr;size:254;not null" json:"to"`
	Subject       string     `gorm:"size:300;not null" json:"subject"`
	Body          string     `gorm:"type:text;not null" json:"body"`
	DedupeKey     string     `gorm:"size:160;not null;uniqueIndex" json:"dedupe_key"`
	Status        string     `gorm:"size:16;not null;index:idx_outbox_due,priority:1" json:"status"`
	Attempts      int        `gorm:"not null;default:0" json:"attempts"`
	NextAttemptAt time.Time  `gorm:"not null;index:idx_outbox_due,priority:2" json:"next_attempt_at"`
	ClaimUntil    *time.Time `json:"-"`
	LastError     string     `gorm:"size:1000;not null;default:''" json:"last_error,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}
