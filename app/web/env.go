package web

import (
	"log/slog"
	"net/url"
	"time"
)

// Env is what every area's handlers share; app builds it once and passes it to each area's
// constructor next to the domain services that area needs.
type Env struct {
	Render *Renderer
	Log    *slog.Logger
	Now    func() time.Time
	// BaseURL is the store's public address, for absolute links (resume links, email).
	BaseURL *url.URL
	// Demo is true while payments run in demo mode.
	Demo bool
}

// AbsURL returns the public absolute URL of a path such as "/quiz/resume/abc".
func (e Env) AbsURL(path string) string {
	u := *e.BaseURL
	u.Path, u.RawQuery = "", ""
	return u.String() + path
}

// Session keys shared across areas.
const (
	// KeyQuiz holds the id of the visitor's current consultation (questionnaire.Response.ID).
	KeyQuiz = "quiz"
	// KeyCustomer holds the signed-in customer's id (int64).
	KeyCustomer = "customer_id"
	// KeyCustomerEpoch holds the customer's session epoch when they signed in; a sign-out
	// everywhere bumps the stored epoch and so ends every older session.
	KeyCustomerEpoch = "customer_epoch"
	// KeyStaff holds the signed-in staff member's id (int64).
	KeyStaff = "staff_id"
	// KeyStaffEpoch and KeyStaffSince bound staff sessions (revocation and expiry).
	KeyStaffEpoch = "staff_epoch"
	KeyStaffSince = "staff_since"
)
