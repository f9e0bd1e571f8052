package account

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

// genericSent is the one answer to every link request, whether or not an account exists.
const genericSent = "If an account exists for that address, we have sent a link to it. It works once, for 20 minutes. Check your spam folder if it does not arrive."

// authView is the view of every sign-in, sign-up, link and reset page.
type authView struct {
	web.Page
	Heading string
	Message string
	Email   string
	Name    string
	Next    string
	Token   string
	Errors  map[string]string
}

func (h *Handlers) renderAuth(c echo.Context, status int, page string, v *authView) error {
	if v.Next == "" {
		v.Next = safeNext(c.QueryParam("next"))
	}
	return h.env.Render.Render(c, status, "account/"+page, v)
}

// limited takes a token from the per-address and the per-email buckets of action.
func (h *Handlers) limited(c echo.Context, action, email string) error {
	now := h.env.Now()
	ipOK := h.ipRate.Allow(action+":"+c.RealIP(), now)
	idOK := email == "" || h.idRate.Allow(action+":"+strings.ToLower(strings.TrimSpace(email)), now)
	if !ipOK || !idOK {
		h.env.Log.Warn("account: rate limited", "action", action, "ip", c.RealIP())
		return &web.Error{Status: http.StatusTooManyRequests, Message: "Too many attempts. Please wait a few minutes and try again.", Err: ErrRateLimited}
	}
	return nil
}

// SignInForm is GET /account/signin.
func (h *Handlers) SignInForm(c echo.Context) error {
	v := &authView{Email: c.QueryParam("email")}
	v.Title = "Sign in"
	return h.renderAuth(c, http.StatusOK, "signin", v)
}

// SignIn is POST /account/signin (email, password, next): password sign-in. A wrong email or
// password gets one message, never which of the two was wrong.
func (h *Handlers) SignIn(c echo.Context) error {
	email, next := c.FormValue("email"), safeNext(c.FormValue("next"))
	if err := h.limited(c, "signin", email); err != nil {
		return err
	}
	cust, err := h.store.Authenticate(c.Request().Context(), email, c.FormValue("password"))
	if errors.Is(err, ErrBadCredentials) {
		v := &authView{Email: email, Next: next, Errors: map[string]string{"password": "That email and password do not match. Try again, or get a sign-in link by email."}}
		v.Title = "Error: sign in"
		return h.renderAuth(c, http.StatusUnprocessableEntity, "signin", v)
	}
	if err != nil {
		return err
	}
	h.signIn(c, cust)
	return seeOther(c, next)
}

// SignOut is POST /account/signout: it ends this browser's session, owner key included, so the
// browser goes on as a new guest and nobody who uses it next reaches the customer's bag or
// orders; with everywhere=1 it ends every session of the account.
func (h *Handlers) SignOut(c echo.Context) error {
	if cust := CurrentCustomer(c); cust != nil && c.FormValue("everywhere") != "" {
		if _, err := h.store.EndSessions(c.Request().Context(), cust.ID); err != nil {
			return err
		}
	}
	web.SessionOf(c).Clear()
	return seeOther(c, "/")
}

// SignUpForm is GET /account/signup (email and next may be pre-filled, e.g. from checkout).
func (h *Handlers) SignUpForm(c echo.Context) error {
	v := &authView{Email: c.QueryParam("email")}
	v.Title = "Create your account"
	return h.renderAuth(c, http.StatusOK, "signup", v)
}

// keySignedUp is the session key of the customer id this browser signed up (see ConsumeVerify).
const keySignedUp = "signed_up"

// SignUp is POST /account/signup (email, name, password, next). Bad input is shown next to
// the fields (422). Otherwise the answer is always "check your email": a new account gets a
// confirmation link, an existing one a sign-in link, so the form never reveals who has an
// account. The account is usable once the link is followed, which also proves the email and
// attaches guest orders placed with it. The password is optional: without one the account
// signs in by emailed links, and a password can be set later from the account page.
func (h *Handlers) SignUp(c echo.Context) error {
	n := NewCustomer{Email: c.FormValue("email"), Name: c.FormValue("name"), Password: c.FormValue("password")}
	next := safeNext(c.FormValue("next"))
	if err := n.Validate(); err != nil {
		return h.signUpInvalid(c, n, next, err)
	}
	if err := h.register(c, n, next); err != nil {
		return err
	}
	return h.sent(c, n.Email)
}

// register creates the account of a validated sign-up and sends its confirmation link, or,
// when the email already has an account, a sign-in link (the caller answers the same either
// way). The browser remembers the sign-up, so the link keeps the password only there.
func (h *Handlers) register(c echo.Context, n NewCustomer, next string) error {
	if err := h.limited(c, "link", n.Email); err != nil {
		return err
	}
	ctx := c.Request().Context()
	cust, err := h.store.Create(ctx, n)
	switch {
	case errors.Is(err, ErrEmailTaken):
		if existing, err := h.store.ByEmail(ctx, n.Email); err == nil {
			h.logErr(h.sendLink(ctx, existing, PurposeSignIn, next), "send sign-in link")
		}
	case err != nil:
		return err
	default:
		h.env.Log.Info("customer signed up", "customer_id", cust.ID)
		web.SessionOf(c).Set(keySignedUp, int64(cust.ID))
		h.logErr(h.sendLink(ctx, cust, PurposeVerify, next), "send confirmation link")
	}
	return nil
}

// SignUpAtCheckout creates a guest's account from the checkout form ("create an account",
// optional password): checkout.Config.SignUp. A signed-in customer needs none (nil, nil).
// Bad fields come back by name (422 on the checkout page); otherwise the confirmation link is
// sent as from the sign-up page, and once followed the order joins the account (its email is
// proven). A rate limit is an error like the sign-up page's.
func (h *Handlers) SignUpAtCheckout(c echo.Context, email, name, password string) (map[string]string, error) {
	if CurrentCustomer(c) != nil {
		return nil, nil
	}
	n := NewCustomer{Email: email, Name: name, Password: password}
	if err := n.Validate(); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			return ve.FieldMap(), nil
		}
		return nil, err
	}
	return nil, h.register(c, n, "/account")
}

func (h *Handlers) signUpInvalid(c echo.Context, n NewCustomer, next string, err error) error {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	v := &authView{Email: n.Email, Name: n.Name, Next: next, Errors: ve.FieldMap()}
	v.Title = "Error: create your account"
	return h.renderAuth(c, http.StatusUnprocessableEntity, "signup", v)
}

func (h *Handlers) sent(c echo.Context, email string) error {
	v := &authView{Heading: "Check your email", Message: genericSent, Email: strings.TrimSpace(email)}
	v.Title = "Check your email"
	return h.renderAuth(c, http.StatusOK, "sent", v)
}

// RequestLink is POST /account/signin/link (email, next): a one-time sign-in link by email.
func (h *Handlers) RequestLink(c echo.Context) error {
	return h.requestLink(c, PurposeSignIn)
}

// RequestReset is POST /account/reset (email): a password reset link by email.
func (h *Handlers) RequestReset(c echo.Context) error {
	return h.requestLink(c, PurposeReset)
}

// requestLink answers identically for known and unknown addresses (same page, same status);
// only a malformed address gets a field message.
func (h *Handlers) requestLink(c echo.Context, purpose string) error {
	email := c.FormValue("email")
	if _, err := NormaliseEmail(email); err != nil {
		v := &authView{Email: email, Errors: err.(*ValidationError).FieldMap()}
		v.Title = "Error: check your email address"
		page := map[string]string{PurposeSignIn: "signin", PurposeReset: "reset"}[purpose]
		return h.renderAuth(c, http.StatusUnprocessableEntity, page, v)
	}
	if err := h.limited(c, "link", email); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if cust, err := h.store.ByEmail(ctx, email); err == nil {
		h.logErr(h.sendLink(ctx, cust, purpose, safeNext(c.FormValue("next"))), "send "+purpose+" link")
	} else if !errors.Is(err, ErrNotFound) {
		h.logErr(err, "look up email")
	}
	return h.sent(c, email)
}

// sendLink issues a one-time token and writes its email to fulfillment's outbox.
func (h *Handlers) sendLink(ctx context.Context, cust *Customer, purpose, next string) error {
	tok, err := h.store.IssueToken(ctx, cust.ID, purpose)
	if err != nil {
		return err
	}
	var path, subject, what string
	switch purpose {
	case PurposeReset:
		path, subject, what = "/account/reset/"+tok, "Reset your Atelier password", "choose a new password"
	case PurposeVerify:
		path, subject, what = "/account/signin/link/"+tok, "Confirm your Atelier account", "confirm your email address and sign in"
	default:
		path, subject, what = "/account/signin/link/"+tok, "Your Atelier sign-in link", "sign in"
	}
	if next != "/account" && next != "" {
		path += "?next=" + urlQueryEscape(next)
	}
	body := fmt.Sprintf("Hello %s,\n\nUse this link to %s:\n\n%s\n\nIt works once, for the next 20 minutes. If you did not ask for it, ignore this email: nothing changes.\n\nAtelier\n",
		cust.DisplayName(), what, h.env.AbsURL(path))
	_, err = h.d.Orders.EnqueueEmail(ctx, fulfillment.OutboxMessage{Kind: "account_" + purpose, To: cust.Email,
		Subject: subject, Body: body, DedupeKey: "account:" + purpose + ":" + hashToken(tok)[:32]})
	return err
}

// LinkShow is GET /account/signin/link/:token: a page with one button that uses the link.
// Opening the link does not use it, so mail scanners that fetch links do not burn it.
func (h *Handlers) LinkShow(c echo.Context) error {
	v := &authView{Heading: "Sign in to Atelier", Token: c.Param("token")}
	v.Title = "Sign in"
	return h.renderAuth(c, http.StatusOK, "link", v)
}

// LinkUse is POST /account/signin/link/:token: uses the one-time link and signs in. A used,
// expired or forged link gets a page that says so and offers a new one.
func (h *Handlers) LinkUse(c echo.Context) error {
	ctx := c.Request().Context()
	cust, err := h.store.ConsumeToken(ctx, c.Param("token"), PurposeSignIn)
	if errors.Is(err, ErrTokenInvalid) {
		// The password chosen at sign-up holds only if the link is followed where it was chosen.
		cust, err = h.store.ConsumeVerify(ctx, c.Param("token"), uint(web.SessionOf(c).Int(keySignedUp)))
	}
	if err != nil {
		return h.linkProblem(c, err)
	}
	h.signIn(c, cust)
	return seeOther(c, safeNext(c.QueryParam("next")))
}

func (h *Handlers) linkProblem(c echo.Context, err error) error {
	v := &authView{}
	switch {
	case errors.Is(err, ErrTokenUsed):
		v.Heading, v.Message = "This link was already used", "Each link works once. Ask for a new one below."
	case errors.Is(err, ErrTokenExpired):
		v.Heading, v.Message = "This link has expired", "Links work for 20 minutes. Ask for a new one below."
	case errors.Is(err, ErrTokenInvalid):
		v.Heading, v.Message = "This link is not valid", "It may have been copied incompletely. Ask for a new one below."
	default:
		return err
	}
	v.Title = v.Heading
	return h.renderAuth(c, http.StatusGone, "link_problem", v)
}

// ResetForm is GET /account/reset: ask for a reset link.
func (h *Handlers) ResetForm(c echo.Context) error {
	v := &authView{Email: c.QueryParam("email")}
	v.Title = "Reset your password"
	return h.renderAuth(c, http.StatusOK, "reset", v)
}

// ResetShow is GET /account/reset/:token: the new-password form (the link is used on submit).
func (h *Handlers) ResetShow(c echo.Context) error {
	v := &authView{Token: c.Param("token")}
	v.Title = "Choose a new password"
	return h.renderAuth(c, http.StatusOK, "reset_password", v)
}

// ResetUse is POST /account/reset/:token (password): checks the password, uses the link,
// sets the password (ending every other session) and signs in.
func (h *Handlers) ResetUse(c echo.Context) error {
	password := c.FormValue("password")
	if err := CheckPassword(password); err != nil {
		v := &authView{Token: c.Param("token"), Errors: err.(*ValidationError).FieldMap()}
		v.Title = "Error: choose a new password"
		return h.renderAuth(c, http.StatusUnprocessableEntity, "reset_password", v)
	}
	ctx := c.Request().Context()
	cust, err := h.store.ConsumeToken(ctx, c.Param("token"), PurposeReset)
	if err != nil {
		return h.linkProblem(c, err)
	}
	if cust.Epoch, err = h.store.SetPassword(ctx, cust.ID, password); err != nil {
		return err
	}
	h.signIn(c, cust)
	return seeOther(c, "/account")
}
