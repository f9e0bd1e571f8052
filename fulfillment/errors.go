package fulfillment

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Sentinel errors. The web layer maps them to HTTP statuses with errors.Is.
var (
	// ErrNotFound: the order, job or task does not exist or is not visible to the caller (404).
	ErrNotFound = errors.New("fulfillment: not found")
	// ErrQueueEmpty: nothing can be claimed right now (204 for claim-next).
	ErrQueueEmpty = errors.New("fulfillment: queue is empty")
	// ErrForbidden: the actor's role may not perform this action (403).
	ErrForbidden = errors.New("fulfillment: not allowed for this role")
	// ErrNotClaimed: the actor does not hold a live claim on the job or task (409).
	ErrNotClaimed = errors.New("fulfillment: you do not hold the claim on this item")
	// ErrConflict: the row changed under us (optimistic lock lost); retry (409).
	ErrConflict = errors.New("fulfillment: changed concurrently, please retry")
	// ErrIllegalTransition is matched by every *IllegalTransitionError (409).
	ErrIllegalTransition = errors.New("fulfillment: illegal transition")
	// ErrPaymentMismatch is matched by every *PaymentMismatchError.
	ErrPaymentMismatch = errors.New("fulfillment: payment does not match the order")
	// ErrValidation is matched by every *ValidationError (422).
	ErrValidation = errors.New("fulfillment: invalid input")
)

// ValidationError names every bad input field with a message a person can read.
// Field names follow the JSON API ("email", "shipping_address.country", "items[2].quantity").
type ValidationError struct {
	Fields map[string]string
}

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
	return "invalid input: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrValidation) true.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// fieldErrors collects problems and turns into a *ValidationError when non-empty.
type fieldErrors map[string]string

func (f fieldErrors) add(field, msg string) {
	if _, dup := f[field]; !dup {
		f[field] = msg
	}
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: map[string]string(f)}
}

// IllegalTransitionError says a job or task cannot move From → To and which moves are allowed.
type IllegalTransitionError struct {
	Object  string // "job:12", "task:7", "order:3"
	From    string
	To      string
	Allowed []string
}

// Error names the allowed transitions so the user knows what to do instead.
func (e *IllegalTransitionError) Error() string {
	allowed := "none"
	if len(e.Allowed) > 0 {
		allowed = strings.Join(e.Allowed, ", ")
	}
	return fmt.Sprintf("%s cannot move from %s to %s (allowed: %s)", e.Object, e.From, e.To, allowed)
}

// Is makes errors.Is(err, ErrIllegalTransition) true.
func (e *IllegalTransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// PaymentMismatchError reports a confirmed payment whose amount or currency differs from
// the order. The order is put on hold (status on_hold) for staff to review; the error is
// returned after that change is committed.
type PaymentMismatchError struct {
	OrderID                   uint
	WantCents, GotCents       int64
	WantCurrency, GotCurrency string
}

// Error describes both amounts.
func (e *PaymentMismatchError) Error() string {
	return fmt.Sprintf("payment for order %d does not match: expected %s, got %s",
		e.OrderID, money(e.WantCents, e.WantCurrency), money(e.GotCents, e.GotCurrency))
}

// Is makes errors.Is(err, ErrPaymentMismatch) true.
func (e *PaymentMismatchError) Is(target error) bool { return target == ErrPaymentMismatch }
