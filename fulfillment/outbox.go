package fulfillment

import (
	"strings"
	"time"
)

// Outbox message kinds.
const (
	MailOrderConfirmation     = "order_confirmation"
	MailShipped               = "shipped"
	MailFeedbackRequest       = "feedback_request"
	MailReplenishmentReminder = "replenishment_reminder"
	MailSignInLink            = "sign_in_link"
	MailPasswordReset         = "password_reset"
	MailOrderRefunded         = "order_refunded"
	// The customer account's one-time links ("account_" + the token's purpose): whoever
	// reads one of these bodies can sign in as the customer.
	MailAccountSignIn = "account_signin"
	MailAccountReset  = "account_reset"
	MailAccountVerify = "account_verify"
)

// RedactedBody replaces the body of a finished message that carried a secret.
const RedactedBody = "(removed after delivery: this email carried a one-time sign-in link)"

// CarriesSecret reports whether messages of kind hold a secret in their body (a sign-in,
// password-reset or verification link): every "account_" kind, and the sign-in and reset
// kinds. Their bodies are never shown in the console, never handed to a log-only mailer,
// and are replaced by RedactedBody once the message is finished.
func CarriesSecret(kind string) bool {
	return kind == MailSignInLink || kind == MailPasswordReset || strings.HasPrefix(kind, "account_")
}

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

// CarriesSecret reports whether the message's body holds a one-time link (see CarriesSecret).
func (m OutboxMessage) CarriesSecret() bool { return CarriesSecret(m.Kind) }
