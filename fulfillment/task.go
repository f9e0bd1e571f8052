package fulfillment

import "time"

// Follow-up task kinds.
const (
	TaskWelcome       = "welcome"
	TaskCheckIn       = "check_in"
	TaskReplenishment = "replenishment"
	TaskRecovery      = "recovery"
	TaskLoyalty       = "loyalty"
	TaskManual        = "manual"
)

// Follow-up task states: open → claimed → done | skipped (a claimed task whose lease
// expires may be claimed again; snoozing returns it to open with a later due time).
const (
	TaskOpen    = "open"
	TaskClaimed = "claimed"
	TaskDone    = "done"
	TaskSkipped = "skipped"
)

// Outcomes of a completed follow-up.
const (
	OutcomeReached     = "reached"
	OutcomeLeftMessage = "left_message"
	OutcomeNoAnswer    = "no_answer"
	OutcomeEmailed     = "emailed"
)

// Task priorities (higher first). Any int is allowed; these are the ones the rules use.
const (
	PriorityLow    = 0
	PriorityNormal = 10
	PriorityHigh   = 50
	PriorityUrgent = 100
)

var taskKinds = []string{TaskWelcome, TaskCheckIn, TaskReplenishment, TaskRecovery, TaskLoyalty, TaskManual}

var outcomes = []string{OutcomeReached, OutcomeLeftMessage, OutcomeNoAnswer, OutcomeEmailed}

// FollowUpTask is a personal follow-up with a customer: a call or a note, due at a time.
type FollowUpTask struct {
	ID           uint       `gorm:"primaryKey;index:idx_tasks_claim,priority:4" json:"id"`
	Kind         string     `gorm:"size:32;not null;index" json:"kind"`
	CustomerID   *uint      `gorm:"index" json:"customer_id,omitempty"`
	OrderID      *uint      `gorm:"index" json:"order_id,omitempty"`
	Email        string     `gorm:"size:254;not null;default:'';index" json:"email"`
	Title        string     `gorm:"size:200;not null;default:''" json:"title"` // one line for the queue view
	DueAt        time.Time  `gorm:"not null;index:idx_tasks_claim,priority:3" json:"due_at"`
	Priority     int        `gorm:"not null;default:0;index:idx_tasks_claim,priority:2,sort:desc" json:"priority"`
	State        string     `gorm:"size:16;not null;index:idx_tasks_claim,priority:1" json:"state"`
	ClaimedBy    *uint      `gorm:"index" json:"claimed_by,omitempty"`
	LeaseUntil   *time.Time `gorm:"index" json:"lease_until,omitempty"`
	Outcome      string     `gorm:"size:32;not null;default:''" json:"outcome,omitempty"`
	Notes        string     `gorm:"type:text" json:"notes,omitempty"`
	Satisfaction *int       `json:"satisfaction,omitempty"` // 1–5, recorded by staff
	DedupeKey    string     `gorm:"size:160;not null;uniqueIndex" json:"dedupe_key"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	CompletedAt  *time.Time `json:"completed_at,omitempty"`
}

// Feedback is a satisfaction rating (1–5), from the customer's feedback link or recorded
// by staff when completing a follow-up. The customer answers once per order item:
// OrderItemID is unique, so a new answer replaces the previous one and scores count it once.
// Staff ratings leave it nil (one per completed task).
type Feedback struct {
	ID          uint      `gorm:"primaryKey" json:"id"`
	OrderID     *uint     `gorm:"index" json:"order_id,omitempty"`
	OrderItemID *uint     `gorm:"uniqueIndex" json:"order_item_id,omitempty"`
	CustomerID  *uint     `gorm:"index" json:"customer_id,omitempty"`
	TaskID      *uint     `gorm:"index" json:"task_id,omitempty"`
	Email       string    `gorm:"size:254;not null;default:'';index" json:"email"`
	Rating      int       `gorm:"not null" json:"rating"`
	Note        string    `gorm:"type:text" json:"note,omitempty"`
	Source      string    `gorm:"size:16;not null" json:"source"` // "customer" or "staff"
	At          time.Time `gorm:"not null" json:"at"`
}
