package staff

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
)

// Login rate: a burst of LoginBurst attempts per client address, then one per LoginEvery.
const (
	LoginBurst = 10
	LoginEvery = 6 * time.Second
)

// loginView is the staff sign-in form.
type loginView struct {
	web.Page
	Next      string
	Email     string
	Error     string
	SignedOut bool
}

// errTooMany answers a client address that tries to sign in too often.
var errTooMany = web.Errorf(http.StatusTooManyRequests, "Too many sign-in attempts from your address. Wait a minute and try again.")

// LoginForm shows the staff sign-in form (GET /staff/login); signed-in staff go on to next.
func (h *Handlers) LoginForm(c echo.Context) error {
	next := localPath(c.QueryParam("next"))
	if m, err := h.sessionMember(c); err == nil && m != nil {
		return c.Redirect(http.StatusSeeOther, next)
	}
	v := &loginView{Next: next, SignedOut: c.QueryParam("signed_out") == "1"}
	v.Title = "Staff sign-in"
	return h.env.Render.Render(c, http.StatusOK, "staff/login", v)
}

// Login checks the email and password (POST /staff/login) and starts a staff session. Every
// refusal shows the same words, so the form tells nobody which emails exist or are locked.
func (h *Handlers) Login(c echo.Context) error {
	if !h.logins.Allow(c.RealIP(), h.env.Now()) {
		return errTooMany
	}
	email, next := c.FormValue("email"), localPath(c.FormValue("next"))
	m, err := h.accounts.Authenticate(ctx(c), email, c.FormValue("password"))
	if errors.Is(err, ErrBadCredentials) {
		h.env.Log.Info("staff sign-in refused", "ip", c.RealIP(), "locked", errors.Is(err, ErrLocked))
		v := &loginView{Next: next, Email: email, Error: "Email or password is wrong."}
		v.Title = "Staff sign-in"
		return h.env.Render.Render(c, http.StatusUnprocessableEntity, "staff/login", v)
	}
	if err != nil {
		return err
	}
	sess := web.SessionOf(c)
	sess.Set(web.KeyStaff, int64(m.ID))
	sess.Set(web.KeyStaffEpoch, m.Epoch)
	sess.Set(web.KeyStaffSince, h.env.Now().Unix())
	h.env.Log.Info("staff signed in", "staff_id", m.ID, "role", m.Role)
	return c.Redirect(http.StatusSeeOther, next)
}

// Logout ends the staff session (POST /staff/logout) on the server too: deleting the cookie's
// keys alone would leave a copy of the cookie working until SessionLifetime. A cookie session
// cannot be revoked by itself, so signing out moves the member's session epoch on, which ends
// every session of theirs, on every device.
func (h *Handlers) Logout(c echo.Context) error {
	m, err := h.sessionMember(c)
	if err != nil {
		return err
	}
	if m != nil {
		if err := h.accounts.SignOut(ctx(c), m.Actor(), m.ID); err != nil {
			return err
		}
		h.env.Log.Info("staff signed out", "staff_id", m.ID)
	}
	endStaffSession(web.SessionOf(c))
	return c.Redirect(http.StatusSeeOther, "/staff/login?signed_out=1")
}
