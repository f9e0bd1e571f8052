package questionnaire

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// Response is one person's way through one version of the quiz.
type Response struct {
	ID          string  // opaque random id (22 base64url characters), kept in the cookie session
	ResumeToken string  // separate random secret (43 characters) for the resume link
	OwnerKey    string  // the cookie session key allowed to read and answer it
	CustomerID  *uint   // the account it belongs to, once attached
	QuizVersion string  // the definition version it began on; it stays on it
	Answers     Answers // never nil after a Store read
	Current     string  // the question last shown, "" when unknown
	Revision    int     // moved by every write; Save fails with ErrConflict on a stale one
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CompletedAt *time.Time // set by Save when the answers complete the quiz, cleared if an edit reopens it
}

// Completed reports whether the response reached the end of its quiz.
func (r *Response) Completed() bool { return r.CompletedAt != nil }

func randomID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("questionnaire: crypto/rand failed: " + err.Error()) // never happens on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
