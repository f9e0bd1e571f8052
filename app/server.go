// Package app is Atelier's web face: the Echo server, its middleware and routes, sessions,
// and the handlers that wire the domain packages (questionnaire, catalog, fulfillment) to
// pages and JSON. Areas that grow live in sub-packages; app/web holds what they share.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"atelier/app/account"
	"atelier/app/checkout"
	"atelier/app/consult"
	"atelier/app/loyalty"
	"atelier/app/openapi"
	"atelier/app/passhash"
	"atelier/app/products"
	"atelier/app/staff"
	"atelier/app/web"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
	"atelier/static"
	"atelier/templates"
)

// Config is what the server needs to know about where and how it runs.
type Config struct {
	// BaseURL is the public address, e.g. https://atelier.example; cookies are Secure when it is https.
	BaseURL string
	// Dev re-reads templates from TemplateDir on every request.
	Dev         bool
	TemplateDir string
	// BodyLimit caps request bodies, e.g. "1M".
	BodyLimit string
	// TrustProxy takes the client address from X-Forwarded-For (only behind a proxy you run).
	TrustProxy bool
	// ShutdownTimeout bounds how long in-flight requests may take to finish on shutdown.
	ShutdownTimeout time.Duration
}

// Deps are the server's dependencies, built by cmd/atelier and passed in.
type Deps struct {
	Config   Config
	DB       *gorm.DB
	Sessions sessions.Store
	Log      *slog.Logger
	Now      func() time.Time
	// Demo is true when payments run in demo mode; every page says so.
	Demo bool

	// Quiz keeps consultation responses and every quiz version they began on; QuizCurrent is
	// the version new consultations start on.
	Quiz        *questionnaire.Store
	QuizCurrent *questionnaire.Quiz
	// Catalog holds the current catalog and every older version codes may name.
	Catalog *catalog.Registry
	// Fulfillment holds orders, payment confirmation, the production and follow-up queues.
	Fulfillment *fulfillment.Service
	// Payments takes payments: checkout.NewStripe when a Stripe key is configured; nil runs
	// the built-in demo provider (then set Demo too, so every page says so).
	Payments checkout.Provider
	// LinkSecret signs replenishment reorder links (account.LinkSigner derives its key from
	// it): pass the newest session secret. Empty uses a random key per start.
	LinkSecret []byte
	// Passwords is the argon2id cost of new staff and customer password hashes. Leave it zero
	// in production (passhash.Default: t=2, m=19 MiB); tests lower it. Hashes record their
	// own cost, so sign-in verifies any stored hash whatever this is.
	Passwords passhash.Params
}

// Server is the HTTP face of the store.
type Server struct {
	deps    Deps
	echo    *echo.Echo
	render  *web.Renderer
	assets  *web.Assets
	errs    *web.Mapping
	metrics *metrics
	base    *url.URL
	openapi []byte
	env     web.Env
	consult *consult.Handlers
	account *account.Handlers
	// checkout: the bag, checkout, payments, the Stripe webhook, order pages and the orders API.
	checkout *checkout.Handlers
	// products: the product pages, customisation, preview and catalog API.
	products *products.Handlers
	// staff: staff sign-in, the console and the staff API.
	staff *staff.Handlers
	// loyalty: scores and segments, the owner's dashboard and the customer pages.
	loyalty    *loyalty.Handlers
	loyaltySvc *loyalty.Service
}

// NewServer builds the router, middleware and handlers. It does not listen.
func NewServer(d Deps) (*Server, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Config.BodyLimit == "" {
		d.Config.BodyLimit = "1M"
	}
	if d.Config.ShutdownTimeout == 0 {
		d.Config.ShutdownTimeout = 15 * time.Second
	}
	if d.Config.BaseURL == "" {
		d.Config.BaseURL = "http://localhost:8080"
	}
	base, err := url.Parse(d.Config.BaseURL)
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("base URL %q: want http(s)://host[:port]", d.Config.BaseURL)
	}
	if d.DB == nil || d.Sessions == nil || d.Quiz == nil || d.QuizCurrent == nil || d.Catalog == nil || d.Fulfillment == nil {
		return nil, errors.New("app: DB, Sessions, Quiz, QuizCurrent, Catalog and Fulfillment are required")
	}
	assets, err := web.NewAssets(static.FS)
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	tmplFS := templates.FS
	var render *web.Renderer
	if d.Config.Dev && d.Config.TemplateDir != "" {
		render, err = web.NewRenderer(os.DirFS(d.Config.TemplateDir), assets, true)
	} else {
		render, err = web.NewRenderer(tmplFS, assets, false)
	}
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	render.Demo, render.Now = d.Demo, d.Now
	s := &Server{deps: d, render: render, assets: assets, errs: &web.Mapping{}, base: base}
	s.errs.Register(domainErrors()...)
	if s.openapi, err = openapi.Document(); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	s.echo = echo.New()
	s.echo.HideBanner, s.echo.HidePort = true, true
	s.echo.HTTPErrorHandler = s.handleError
	if d.Config.TrustProxy {
		s.echo.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		s.echo.IPExtractor = echo.ExtractIPDirect()
	}
	s.metrics = newMetrics()
	s.env = web.Env{Render: render, Log: d.Log, Now: d.Now, BaseURL: base, Demo: d.Demo}
	// areas: each builds its handlers from s.env and the domain services it needs.
	s.consult = consult.New(s.env, d.Quiz, d.QuizCurrent, account.CustomerID)
	s.checkout = checkout.New(s.env, d.DB, d.Catalog, d.Fulfillment, d.Payments, checkout.Config{Customer: account.CustomerID,
		OnCustomerChanged: s.customerChanged,
		// s.account is built next; the checkout form calls it only when serving.
		SignUp: func(c echo.Context, email, name, password string) (map[string]string, error) {
			return s.account.SignUpAtCheckout(c, email, name, password)
		}})
	s.account = account.New(s.env, account.Deps{DB: d.DB, Quiz: d.Quiz, QuizCurrent: d.QuizCurrent, Catalog: d.Catalog,
		Orders: d.Fulfillment, Bags: s.checkout.Service().Bags, LinkSecret: d.LinkSecret, Passwords: d.Passwords, OnCustomerChanged: s.customerChanged})
	s.products = products.New(s.env, d.Quiz, d.Catalog)
	s.staff = staff.New(s.env, staff.NewAccountsWithOptions(d.DB, staff.AccountsOptions{Now: d.Now, Passwords: d.Passwords}), staff.NewStats(d.DB), d.Fulfillment, d.Quiz, d.QuizCurrent)
	s.staff.SetCustomerChanged(s.customerChanged)
	refunders := map[string]staff.Refunder{fulfillment.ProviderDemo: checkout.Demo{}}
	if r, ok := d.Payments.(staff.Refunder); ok && d.Payments.Name() == fulfillment.ProviderStripe {
		refunders[fulfillment.ProviderStripe] = r
	}
	s.staff.SetRefunders(refunders)
	s.loyaltySvc = loyalty.NewService(d.DB, d.Fulfillment, d.Quiz, loyalty.Options{Now: d.Now, Log: d.Log, QuizVersion: d.QuizCurrent.Version, Currency: d.Catalog.Current().Currency()})
	s.loyalty = loyalty.New(s.env, s.loyaltySvc, d.Fulfillment)

	s.middleware()
	s.echo.Use(s.account.Middleware) // after the session middleware: the signed-in customer, epoch-checked
	s.routes()
	return s, nil
}

// Loyalty returns the loyalty service: call Recompute after a customer's data changes; the
// command runs its nightly RecomputeAll.
func (s *Server) Loyalty() *loyalty.Service { return s.loyaltySvc }

// Handler returns the server's HTTP handler, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.echo }

// Serve answers HTTP on ln until ctx is cancelled, then stops taking connections and waits
// up to Config.ShutdownTimeout for in-flight requests to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.deps.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.deps.Log.Info("shutting down", "drain_timeout", s.deps.Config.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.deps.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
