package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Error is an error with the HTTP status and the message a person should see. Handlers return
// it for problems of the request itself; domain errors are mapped to it by Mapping.
type Error struct {
	Status  int
	Message string
	// Fields names each bad input field with a message, for 422 answers.
	Fields map[string]string
	// Extra is merged into a JSON error body (e.g. a question id, conflicts, a suggestion).
	Extra map[string]any
	// Err is the cause, logged for 5xx and never shown.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with status and a formatted message.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a 422 naming each bad field.
func Invalid(message string, fields map[string]string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Message: message, Fields: fields}
}

// NotFound is the 404 for an object that does not exist or belongs to someone else; the two
// are never told apart, so ids cannot be probed.
var NotFound = &Error{Status: http.StatusNotFound, Message: "We could not find that page."}

// ErrCSRF answers a state-changing form post without a valid token.
var ErrCSRF = &Error{Status: http.StatusForbidden,
	Message: "This form has expired or was sent from another site. Go back, reload the page and try again."}

// Mapper turns a domain error into an *Error, or returns nil when the error is not its own.
type Mapper func(err error) *Error

// Mapping holds the one table from domain errors to statuses (STYLE rule 5). Areas register
// their domain's errors here at start-up through Register.
type Mapping struct{ mappers []Mapper }

// Register adds mappers, consulted in order.
func (m *Mapping) Register(fns ...Mapper) { m.mappers = append(m.mappers, fns...) }

// Is maps a sentinel error to a status and message.
func Is(target error, status int, message string) Mapper {
	return func(err error) *Error {
		if errors.Is(err, target) {
			return &Error{Status: status, Message: message, Err: err}
		}
		return nil
	}
}

// Resolve returns the *Error for err: itself when it is one, a mapped domain error, an Echo
// HTTP error, or a generic 500 that shows nothing of the cause.
func (m *Mapping) Resolve(err error) *Error {
	var we *Error
	if errors.As(err, &we) {
		return we
	}
	for _, fn := range m.mappers {
		if mapped := fn(err); mapped != nil {
			return mapped
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg := http.StatusText(he.Code)
		switch he.Code {
		case http.StatusNotFound:
			msg = NotFound.Message
		case http.StatusMethodNotAllowed:
			msg = "That action is not available at this address."
		case http.StatusRequestEntityTooLarge:
			msg = "What you sent is too large."
		case http.StatusUnsupportedMediaType:
			msg = "Send JSON with Content-Type: application/json."
		case http.StatusTooManyRequests:
			msg = "Too many attempts. Wait a minute and try again."
		case http.StatusBadRequest:
			if s, ok := he.Message.(string); ok && s != "" {
				msg = "Bad request: " + s
			}
		}
		return &Error{Status: he.Code, Message: msg, Err: he.Internal}
	}
	return &Error{Status: http.StatusInternalServerError,
		Message: "Something went wrong on our side. Please try again in a moment.", Err: err}
}

// WantsJSON reports whether the request should be answered in JSON rather than HTML.
func WantsJSON(c echo.Context) bool {
	r := c.Request()
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/webhooks/") ||
		strings.Contains(r.Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON) &&
			!strings.Contains(r.Header.Get(echo.HeaderAccept), "text/html")
}
