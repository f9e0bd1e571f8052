package staff

import (
	"errors"
	"sort"
	"strings"
	"time"

	"atelier/fulfillment"
)

// Member is a staff account. Its password and API token are stored only as hashes.
type Member struct {
	ID    uint   `gorm:"primaryKey" json:"id"`
	Email string `gorm:"size:254;uniqueIndex;not null" json:"email"` // lower-cased
	Name  string `gorm:"size:100;not null;default:''" json:"name"`
	Role  string `gorm:"size:16;not null" json:"role"` // fulfillment, care or admin
	// PasswordHash is an argon2id PHC string.
	PasswordHash string `gorm:"size:200;not null" json:"-"`
	// TokenHash is the hex SHA-256 of the API token (nil when none was issued); the token itself
	// is shown once.
	TokenHash      *string    `gorm:"size:64;uniqueIndex" json:"-"`
	TokenCreatedAt *time.Time `json:"token_created_at,omitempty"`
	FailedAttempts int        `gorm:"not null;default:0" json:"-"`
	LockedUntil    *time.Time `json:"locked_until,omitempty"`
	// Epoch is copied into each session at sign-in; bumping it (password change, disable,
	// sign out everywhere) ends every older session.
	Epoch     int64     `gorm:"not null;default:1" json:"-"`
	Disabled  bool      `gorm:"not null;default:false" json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps staff tables together.
func (Member) TableName() string { return "staff_members" }

// Actor is the member as the fulfillment domain sees them.
func (m *Member) Actor() fulfillment.Actor { return fulfillment.Actor{StaffID: m.ID, Role: m.Role} }

// Can reports whether the member's role is one of roles; admin may do everything, and no
// roles means any staff member.
func (m *Member) Can(roles ...string) bool {
	if m.Role == fulfillment.RoleAdmin || len(roles) == 0 {
		return true
	}
	for _, r := range roles {
		if m.Role == r {
			return true
		}
	}
	return false
}

// Locked reports whether sign-in is refused at now because of repeated failures.
func (m *Member) Locked(now time.Time) bool {
	return m.LockedUntil != nil && now.Before(*m.LockedUntil)
}

// AuditEntry records one change to a staff account: who, what, when, from → to. (Queue
// changes are audited by fulfillment in its own table.)
type AuditEntry struct {
	ID      uint      `gorm:"primaryKey" json:"id"`
	ActorID *uint     `json:"actor_id,omitempty"`                   // nil for the command line
	Action  string    `gorm:"size:64;not null" json:"action"`       // "staff.add", "staff.role", …
	Object  string    `gorm:"size:64;index;not null" json:"object"` // "staff:3"
	From    string    `gorm:"column:from_state;size:64;not null;default:''" json:"from,omitempty"`
	To      string    `gorm:"column:to_state;size:64;not null;default:''" json:"to,omitempty"`
	Note    string    `gorm:"size:500;not null;default:''" json:"note,omitempty"`
	At      time.Time `gorm:"not null;index" json:"at"`
}

// TableName names the staff audit table.
func (AuditEntry) TableName() string { return "staff_audit_entries" }

// Models lists the package's GORM models, for migrations.
func Models() []any { return []any{&Member{}, &AuditEntry{}} }

// Roles are the staff roles, in the order forms offer them.
var Roles = []string{fulfillment.RoleFulfillment, fulfillment.RoleCare, fulfillment.RoleAdmin}

// ValidRole reports whether r is a staff role.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Errors of the staff accounts.
var (
	// ErrBadCredentials: the email, password or token is wrong, or the account cannot sign in.
	// People always see the same generic message, whichever it was.
	ErrBadCredentials = errors.New("staff: email or password is wrong")
	// ErrLocked is an ErrBadCredentials for an account locked after repeated failures.
	ErrLocked = lockedError{}
	// ErrNotFound: no such staff member.
	ErrNotFound = errors.New("staff: no such staff member")
	// ErrValidation is matched by every *ValidationError.
	ErrValidation = errors.New("staff: invalid input")
)

type lockedError struct{}

func (lockedError) Error() string        { return "staff: account locked after repeated failures" }
func (lockedError) Is(target error) bool { return target == ErrBadCredentials }

// ValidationError names each bad field of a staff form with a message a person can read.
type ValidationError struct{ Fields map[string]string }

// Error lists the fields in a stable order.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "staff: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrValidation) true.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }
