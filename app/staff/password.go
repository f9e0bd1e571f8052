package staff

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
)

// Password limits. The upper bound keeps a hostile login from spending the server's memory
// and time on hashing megabytes.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 128
)

// GeneratePassword returns a random one-time password of 20 characters from an alphabet
// without look-alikes.
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	const limit = 256 - 256%len(alphabet) // reject bytes that would bias the draw
	out := make([]byte, 0, 20)
	buf := make([]byte, 32)
	for len(out) < cap(out) {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < cap(out) {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// validatePassword returns a message when pw is too short or too long.
func validatePassword(pw string) string {
	switch {
	case len(pw) < MinPasswordLength:
		return fmt.Sprintf("Use at least %d characters.", MinPasswordLength)
	case len(pw) > MaxPasswordLength:
		return fmt.Sprintf("Use at most %d characters.", MaxPasswordLength)
	}
	return ""
}

// passwordView is the form where signed-in staff change their own password.
type passwordView struct {
	web.Page
	// Next is where to go once the password is changed ("" = back here, saying so).
	Next string
	// Required: the password is one-time, so nothing else opens until it is changed.
	Required bool
	Changed  bool
	Errors   map[string]string
	Min, Max int
}

// errTooManyPasswords answers a client address that tries passwords too often; it shares
// the sign-in's bucket, so the form is no way around the sign-in's rate.
var errTooManyPasswords = web.Errorf(http.StatusTooManyRequests, "Too many password attempts from your address. Wait a minute and try again.")

func (h *Handlers) renderPassword(c echo.Context, status int, v *passwordView) error {
	v.Required, v.Min, v.Max = MemberOf(c).MustChangePassword, MinPasswordLength, MaxPasswordLength
	if v.Next != "" {
		v.Next = localPath(v.Next)
	}
	v.Title = "Change your password"
	return h.env.Render.Render(c, status, "staff/password", v)
}

// PasswordForm shows the form to change one's own password (any staff; GET /staff/password),
// also to a member whose one-time password has to be changed first.
func (h *Handlers) PasswordForm(c echo.Context) error {
	return h.renderPassword(c, http.StatusOK, &passwordView{Next: c.QueryParam("next"), Changed: c.QueryParam("changed") == "1"})
}

// PasswordChange replaces the signed-in member's password (any staff; POST /staff/password):
// current_password, new_password, confirm_password. Attempts count against the sign-in's
// rate per address, and a wrong current password toward the account's lockout. On success
// every other session of the member ends and this one is kept, stamped with the new epoch.
func (h *Handlers) PasswordChange(c echo.Context) error {
	if !h.logins.Allow(c.RealIP(), h.env.Now()) {
		return errTooManyPasswords
	}
	m, next := MemberOf(c), c.FormValue("next")
	changed, err := h.accounts.ChangePassword(ctx(c), m.ID, PasswordChange{
		Current: c.FormValue("current_password"), New: c.FormValue("new_password"), Confirm: c.FormValue("confirm_password")})
	var ve *ValidationError
	switch {
	case errors.As(err, &ve):
		return h.renderPassword(c, http.StatusUnprocessableEntity, &passwordView{Next: next, Errors: ve.Fields})
	case errors.Is(err, ErrBadCredentials):
		h.env.Log.Info("staff password change refused", "staff_id", m.ID, "ip", c.RealIP(), "locked", errors.Is(err, ErrLocked))
		msg := "This is not your current password."
		if errors.Is(err, ErrLocked) {
			msg = fmt.Sprintf("Too many wrong passwords: your account is locked for %d minutes.", int(LockoutFor.Minutes()))
		}
		return h.renderPassword(c, http.StatusUnprocessableEntity, &passwordView{Next: next, Errors: map[string]string{"current_password": msg}})
	case err != nil:
		return err
	}
	web.SessionOf(c).Set(web.KeyStaffEpoch, changed.Epoch)
	c.Set(ctxMember, changed)
	h.env.Log.Info("staff changed their password", "staff_id", m.ID)
	if next != "" {
		return c.Redirect(http.StatusSeeOther, localPath(next))
	}
	return c.Redirect(http.StatusSeeOther, "/staff/password?changed=1")
}
