package account

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"atelier/app/checkout"
	"atelier/app/passhash"
	"atelier/app/web"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// Deps are the services the account area works with.
type Deps struct {
	DB          *gorm.DB
	Quiz        *questionnaire.Store
	QuizCurrent *questionnaire.Quiz
	Catalog     *catalog.Registry
	Orders      *fulfillment.Service
	// Bags is checkout's bag store; reorders put products there.
	Bags *checkout.BagStore
	// LinkSecret signs replenishment links (the newest session secret; see LinkSigner). When
	// empty a random key is used, so links do not survive a restart.
	LinkSecret []byte
	// Passwords is the argon2id cost of new password hashes (zero = production cost).
	Passwords passhash.Params
	// OnCustomerChanged, if set, is called after a customer's feedback is recorded (e.g. to
	// rescore them); it logs its own failures.
	OnCustomerChanged func(ctx context.Context, customerID uint)
}

// Handlers serve the account pages and the /api/v1/me API.
type Handlers struct {
	env    web.Env
	d      Deps
	store  *Store
	links  *LinkSigner
	ipRate *web.Limiter // sign-in and link requests per client address
	idRate *web.Limiter // per email address
}

// New builds the account handlers and registers the page decorator that fills
// Page.Customer.
func New(env web.Env, d Deps) *Handlers {
	secret := d.LinkSecret
	if len(secret) == 0 {
		secret = []byte(web.RandomID(32))
		env.Log.Warn("account: no link secret configured; replenishment links will not survive a restart")
	}
	h := &Handlers{env: env, d: d, store: NewStoreWithOptions(d.DB, StoreOptions{Now: env.Now, Passwords: d.Passwords}), links: NewLinkSigner(secret, env.Now),
		ipRate: web.NewLimiter(6*time.Second, 20), idRate: web.NewLimiter(time.Minute, 5)}
	env.Render.AddDecorator(h.decorate)
	return h
}

// Store returns the customer store the handlers use.
func (h *Handlers) Store() *Store { return h.store }

// Links returns the signer of replenishment links.
func (h *Handlers) Links() *LinkSigner { return h.links }

const ctxCustomer = "account.customer"

// Middleware loads the signed-in customer for every request and ends the session when the
// account's epoch moved on (signed out everywhere, password changed, account deleted) or its
// email is not verified (only a password sign-in from before that rule could have started
// one; see Store.Authenticate). Register it after the session middleware.
func (h *Handlers) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := web.SessionOf(c)
		if id := sess.Int(web.KeyCustomer); id > 0 {
			cust, err := h.store.ByID(c.Request().Context(), uint(id))
			switch {
			case err == nil && !cust.Deleted() && cust.Verified() && int64(cust.Epoch) == sess.Int(web.KeyCustomerEpoch):
				c.Set(ctxCustomer, cust)
			case err == nil || errors.Is(err, ErrNotFound):
				// Ended as a sign-out is: the browser starts again as a new guest, so its owner
				// key no longer reaches the customer's consultations.
				sess.Clear()
			default:
				return err
			}
		}
		return next(c)
	}
}

// CurrentCustomer returns the signed-in customer, or nil. Other areas call it (after
// Middleware has run) instead of reading web.KeyCustomer, so ended sessions stay ended.
func CurrentCustomer(c echo.Context) *Customer {
	cust, _ := c.Get(ctxCustomer).(*Customer)
	return cust
}

// CustomerID returns the signed-in customer's id, or nil.
func CustomerID(c echo.Context) *uint {
	if cust := CurrentCustomer(c); cust != nil {
		id := cust.ID
		return &id
	}
	return nil
}

func (h *Handlers) decorate(c echo.Context, p *web.Page) {
	if cust := CurrentCustomer(c); cust != nil {
		p.Customer = &web.Viewer{ID: cust.ID, Name: cust.DisplayName(), Email: cust.Email, Role: "customer"}
	}
}

// errSignIn answers pages that need an account: HTML visitors go to the sign-in page.
var errSignIn = &web.Error{Status: http.StatusUnauthorized, Message: "Please sign in to see your account."}

// RequireCustomer guards routes that need an account: JSON callers get 401, page visitors
// are sent to sign in and brought back afterwards.
func (h *Handlers) RequireCustomer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if CurrentCustomer(c) != nil {
			return next(c)
		}
		if web.WantsJSON(c) || c.Request().Method != http.MethodGet {
			return errSignIn
		}
		return seeOther(c, "/account/signin?next="+url.QueryEscape(safeNext(c.Request().URL.RequestURI())))
	}
}

// signIn starts the customer's session in this browser and brings along what the visitor
// did before signing in: their consultation, their bag and (for a verified email) their guest
// orders.
func (h *Handlers) signIn(c echo.Context, cust *Customer) {
	sess := web.SessionOf(c)
	sess.Set(web.KeyCustomer, int64(cust.ID))
	sess.Set(web.KeyCustomerEpoch, int64(cust.Epoch))
	c.Set(ctxCustomer, cust)
	ctx := c.Request().Context()
	if id := sess.String(web.KeyQuiz); id != "" {
		if r, err := h.d.Quiz.GetForOwner(ctx, id, sess.OwnerKey()); err == nil && r.CustomerID == nil {
			h.logErr(h.d.Quiz.AttachCustomer(ctx, id, cust.ID), "attach consultation")
		}
	}
	if a, ok := any(h.d.Bags).(interface {
		AttachCustomer(ctx context.Context, ownerKey string, customerID uint) error
	}); ok {
		h.logErr(a.AttachCustomer(ctx, sess.OwnerKey(), cust.ID), "attach bag")
	}
	if cust.Verified() {
		n, err := h.store.AttachGuestOrders(ctx, cust.ID, cust.Email)
		h.logErr(err, "attach guest orders")
		if n > 0 {
			h.env.Log.Info("guest orders attached", "customer_id", cust.ID, "orders", n)
		}
	}
	h.env.Log.Info("customer signed in", "customer_id", cust.ID)
}

func (h *Handlers) logErr(err error, what string) {
	if err != nil {
		h.env.Log.Warn("account: "+what, "error", err)
	}
}

// owner is the checkout bag owner for this request.
func owner(c echo.Context) checkout.Owner {
	return checkout.Owner{Key: web.SessionOf(c).OwnerKey(), CustomerID: CustomerID(c)}
}

// safeNext keeps a post-sign-in destination on this site: a path that starts with one "/",
// has no scheme or host, and holds no backslash or control character anywhere (browsers drop
// tabs and newlines and read "\\" as "/", so "/\t/evil.example" would become
// "//evil.example", another site). Anything else becomes "/account".
func safeNext(next string) string {
	const fallback = "/account"
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') ||
		strings.IndexFunc(next, unicode.IsControl) >= 0 || !utf8.ValidString(next) {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.ContainsRune(u.Path, '\\') {
		return fallback
	}
	return next
}

func seeOther(c echo.Context, path string) error { return c.Redirect(http.StatusSeeOther, path) }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
