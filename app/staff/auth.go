package staff

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
)

// SessionLifetime bounds a staff session from sign-in, whatever the activity.
const SessionLifetime = 12 * time.Hour

const ctxMember = "staff.member"

// MemberOf returns the staff member the request is authenticated as, or nil.
func MemberOf(c echo.Context) *Member {
	m, _ := c.Get(ctxMember).(*Member)
	return m
}

// sessionMember returns the member of the request's staff session when it is still valid:
// the account exists and is enabled, the session's epoch is current and it is younger than
// SessionLifetime. A stale session is cleared of its staff keys.
func (h *Handlers) sessionMember(c echo.Context) (*Member, error) {
	sess := web.SessionOf(c)
	id := sess.Int(web.KeyStaff)
	if id <= 0 {
		return nil, nil
	}
	m, err := h.accounts.ByID(c.Request().Context(), uint(id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	since := time.Unix(sess.Int(web.KeyStaffSince), 0)
	if m == nil || m.Disabled || m.Epoch != sess.Int(web.KeyStaffEpoch) || !h.env.Now().Before(since.Add(SessionLifetime)) {
		endStaffSession(sess)
		return nil, nil
	}
	return m, nil
}

func endStaffSession(sess *web.Session) {
	sess.Delete(web.KeyStaff)
	sess.Delete(web.KeyStaffEpoch)
	sess.Delete(web.KeyStaffSince)
}

// authenticate finds the member of a request: from a bearer token on the API, else from the
// staff session. A wrong token is ErrBadCredentials (never a fall-back to the cookie).
func (h *Handlers) authenticate(c echo.Context, api bool) (*Member, error) {
	if m := MemberOf(c); m != nil {
		return m, nil
	}
	var m *Member
	var err error
	if auth := c.Request().Header.Get(echo.HeaderAuthorization); api && auth != "" {
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return nil, ErrBadCredentials
		}
		m, err = h.accounts.ByToken(c.Request().Context(), strings.TrimSpace(token))
	} else {
		m, err = h.sessionMember(c)
	}
	if err != nil {
		return nil, err
	}
	if m != nil {
		c.Set(ctxMember, m)
	}
	return m, nil
}

var (
	errNeedStaffAPI = &web.Error{Status: http.StatusUnauthorized,
		Message: "Sign in as staff, or send Authorization: Bearer <token>."}
	errRole = &web.Error{Status: http.StatusForbidden, Message: "Your role does not allow this."}
	// errMustChange answers the API for a session whose password is one-time; an API token
	// is its own credential and is not held back.
	errMustChange = &web.Error{Status: http.StatusForbidden,
		Message: "Your password is a one-time password: change it at /staff/password before using the API with this session."}
)

// Page guards console pages: without a staff session it redirects (303) to the staff login
// with the page to return to; while the member's password is one-time it redirects (303) to
// /staff/password; with the wrong role it answers 403. No roles = any staff; admin passes
// every guard.
func (h *Handlers) Page(roles ...string) echo.MiddlewareFunc { return h.page(false, roles) }

// SignedIn guards the one page a member with a one-time password may open, the one where
// they change it: without a staff session it redirects (303) to the staff login.
func (h *Handlers) SignedIn() echo.MiddlewareFunc { return h.page(true, nil) }

func (h *Handlers) page(oneTimeOK bool, roles []string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			m, err := h.authenticate(c, false)
			if err != nil {
				return err
			}
			get := c.Request().Method == http.MethodGet
			if m == nil {
				target := "/staff"
				if get {
					target = c.Request().URL.RequestURI()
				}
				return c.Redirect(http.StatusSeeOther, "/staff/login?next="+url.QueryEscape(target))
			}
			if m.MustChangePassword && !oneTimeOK {
				target := "/staff/password"
				if get {
					target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
				}
				return c.Redirect(http.StatusSeeOther, target)
			}
			if !m.Can(roles...) {
				return errRole
			}
			return next(c)
		}
	}
}

// API guards the staff JSON API: 401 without a staff session or a valid bearer token, 403
// with the wrong role, and 403 for a session (not a token) whose password is one-time.
func (h *Handlers) API(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			m, err := h.authenticate(c, true)
			if errors.Is(err, ErrBadCredentials) || err == nil && m == nil {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="atelier staff"`)
				return errNeedStaffAPI
			}
			if err != nil {
				return err
			}
			// authenticate read a bearer token whenever the header was sent (never the cookie)
			if m.MustChangePassword && c.Request().Header.Get(echo.HeaderAuthorization) == "" {
				return errMustChange
			}
			if !m.Can(roles...) {
				return errRole
			}
			return next(c)
		}
	}
}

// decorate fills Page.Staff for signed-in staff on every page.
func (h *Handlers) decorate(c echo.Context, p *web.Page) {
	m := MemberOf(c)
	if m == nil && web.SessionOf(c).Int(web.KeyStaff) > 0 {
		m, _ = h.authenticate(c, false)
	}
	if m != nil {
		p.Staff = &web.Viewer{ID: m.ID, Name: m.Name, Email: m.Email, Role: m.Role}
	}
}

// localPath returns next when it is a path on this site, else "/staff": a login link must
// not send anyone elsewhere.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/staff"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/staff"
	}
	return u.RequestURI()
}

// ctx is the request's context.
func ctx(c echo.Context) context.Context { return c.Request().Context() }
