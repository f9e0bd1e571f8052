// Package account is the returning customer's side of Atelier: customer accounts and their
// sessions, sign-in and reset links, "my account", one-step reorder, re-consultation, feedback
// that refines the formula, and signed replenishment links.
//
// The customer model and its store (this file and store.go) have no web dependency; other
// areas (loyalty, checkout, staff) import them as account.Customer and account.NewStore.
package account

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Customer is a person with an account. Email is unique, lower-cased and trimmed.
// PasswordHash is an argon2id PHC string, empty when the account signs in by link only.
// Epoch is compared with the session's copy on each request: bumping it ends every session.
// DeletedAt is set when the account was anonymised at the customer's request; the row stays so
// that orders kept for the books still point at it.
type Customer struct {
	ID              uint   `gorm:"primaryKey"`
	Email           string `gorm:"size:254;not null;uniqueIndex"`
	Name            string `gorm:"size:200"`
	PasswordHash    string `gorm:"size:200"`
	EmailVerifiedAt *time.Time
	Epoch           int  `gorm:"not null;default:0"`
	MarketingOptIn  bool `gorm:"not null;default:false"`
	CreatedAt       time.Time
	UpdatedAt       time.Time
	DeletedAt       *time.Time `gorm:"index"`
}

// TableName pins the table name.
func (Customer) TableName() string { return "customers" }

// Verified reports whether the customer proved they own the email address.
func (c *Customer) Verified() bool { return c.EmailVerifiedAt != nil }

// Deleted reports whether the account was anonymised.
func (c *Customer) Deleted() bool { return c.DeletedAt != nil }

// HasPassword reports whether the account can sign in with a password.
func (c *Customer) HasPassword() bool { return c.PasswordHash != "" }

// DisplayName is the name to greet the customer with: their name, or the part of the email
// before the @.
func (c *Customer) DisplayName() string {
	if c.Name != "" {
		return c.Name
	}
	local, _, _ := strings.Cut(c.Email, "@")
	return local
}

// Errors of the account domain. The web layer maps them to statuses in app/errormap.go.
var (
	// ErrNotFound: no such customer (or token), or it belongs to someone else.
	ErrNotFound = errors.New("account: not found")
	// ErrEmailTaken: an account already uses that email. The web layer never shows it to a
	// visitor (that would reveal who has an account); it is for staff tools and tests.
	ErrEmailTaken = errors.New("account: an account already exists for that email")
	// ErrBadCredentials: the email and password do not match an account (deliberately vague).
	ErrBadCredentials = errors.New("account: that email and password do not match")
	// ErrEmailNotVerified: the password matches an account whose email is not confirmed yet.
	// It matches ErrBadCredentials, so visitors get the same answer as for a wrong password
	// and learn nothing about who has an account.
	ErrEmailNotVerified = fmt.Errorf("%w (the email is not confirmed yet)", ErrBadCredentials)
	// ErrTokenInvalid: the link is unknown or was altered.
	ErrTokenInvalid = errors.New("account: this link is not valid")
	// ErrTokenUsed: the link was already used; links work once.
	ErrTokenUsed = errors.New("account: this link was already used")
	// ErrTokenExpired: the link is too old.
	ErrTokenExpired = errors.New("account: this link has expired")
	// ErrRateLimited: too many attempts; try again later.
	ErrRateLimited = errors.New("account: too many attempts, please wait a few minutes and try again")
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// maxPasswordLength bounds the work argon2 does on hostile input.
const maxPasswordLength = 1024

// FieldError is a problem with one input field, in words a person understands.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists the field problems of one request.
type ValidationError struct{ Fields []FieldError }

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "account: " + strings.Join(parts, "; ")
}

// FieldMap returns the problems keyed by field name.
func (e *ValidationError) FieldMap() map[string]string {
	m := make(map[string]string, len(e.Fields))
	for _, f := range e.Fields {
		m[f.Field] = f.Message
	}
	return m
}

// NormaliseEmail trims and lower-cases an address and checks that it is one plain address.
func NormaliseEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", &ValidationError{Fields: []FieldError{{"email", "Please enter your email address."}}}
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || len(e) > 254 || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") {
		return "", &ValidationError{Fields: []FieldError{{"email", "Please enter an email address like name@example.com."}}}
	}
	return e, nil
}

// CheckPassword returns a field problem if password is too short or too long.
func CheckPassword(password string) error {
	switch {
	case len([]rune(password)) < MinPasswordLength:
		return &ValidationError{Fields: []FieldError{{"password", fmt.Sprintf("Please choose a password of at least %d characters.", MinPasswordLength)}}}
	case len(password) > maxPasswordLength:
		return &ValidationError{Fields: []FieldError{{"password", "That password is too long."}}}
	}
	return nil
}

// NewCustomer is what sign-up asks for. Password may be empty (an account that signs in by
// link, e.g. created at checkout).
type NewCustomer struct {
	Email    string
	Name     string
	Password string
}

// Validate normalises the email and trims the name, and reports every field problem at once.
func (n *NewCustomer) Validate() error {
	var fields []FieldError
	email, err := NormaliseEmail(n.Email)
	if err != nil {
		fields = append(fields, err.(*ValidationError).Fields...)
	}
	n.Email = email
	n.Name = strings.TrimSpace(n.Name)
	if len(n.Name) > 200 {
		fields = append(fields, FieldError{"name", "Please keep the name under 200 characters."})
	}
	if n.Password != "" {
		if err := CheckPassword(n.Password); err != nil {
			fields = append(fields, err.(*ValidationError).Fields...)
		}
	}
	if len(fields) > 0 {
		return &ValidationError{Fields: fields}
	}
	return nil
}
