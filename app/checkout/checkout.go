// Package checkout is the store's till: the bag, the checkout form, payments (Stripe
// Checkout or the built-in demo), the Stripe webhook, order pages and the orders JSON API.
// Prices always come from the catalog on the server; orders, payment confirmation and the
// work a paid order creates belong to package fulfillment.
package checkout

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"atelier/app/web"
	"atelier/catalog"
	"atelier/fulfillment"
)

// sessionBag caches the visitor's bag id in the session, so every page can show the bag
// count with one indexed query and without creating a session for visitors who have no bag.
const sessionBag = "checkout_bag"

// WebhookBodyLimit is the largest webhook body read.
const WebhookBodyLimit = 64 << 10

// Config tunes checkout.
type Config struct {
	// ShippingCents is the flat shipping price per order (0 = DefaultShippingCents).
	ShippingCents int64
	// Customer returns the signed-in customer's id for a request, nil for a guest. Sign-in
	// belongs to the account area, which also ends sessions whose epoch moved on; app passes
	// account.CustomerID (checkout cannot import account, which imports checkout). Nil treats
	// every visitor as a guest.
	Customer func(echo.Context) *uint
	// OnCustomerChanged, if set, is called after a payment of a customer's order is confirmed
	// (outside its transaction), e.g. to rescore the customer; it logs its own failures.
	OnCustomerChanged func(ctx context.Context, customerID uint)
	// SignUp, if set, creates a guest's account from the checkout form ("create an account",
	// an optional password) once the order is placed: account's SignUpAtCheckout. It returns
	// bad fields by name, shown beside them with 422.
	SignUp func(c echo.Context, email, name, password string) (map[string]string, error)
}

// Handlers serve the bag, checkout, payment, order pages and the orders API.
type Handlers struct {
	env    web.Env
	svc    *Service
	orders *fulfillment.Service
	pay    Provider
	// customer is Config.Customer (never nil).
	customer func(echo.Context) *uint
	signUp   func(c echo.Context, email, name, password string) (map[string]string, error)
}

// New builds the handlers over the database (bags), the catalog (prices), fulfillment
// (orders and payment confirmation) and a payment provider (nil = Demo). It registers the
// page decorator that fills Page.BagCount.
func New(env web.Env, db *gorm.DB, reg *catalog.Registry, orders *fulfillment.Service, pay Provider, cfg Config) *Handlers {
	if pay == nil {
		pay = Demo{Base: env.AbsURL("")}
	}
	log := env.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Customer == nil {
		cfg.Customer = func(echo.Context) *uint { return nil }
	}
	h := &Handlers{env: env, orders: orders, pay: pay, customer: cfg.Customer, signUp: cfg.SignUp, svc: &Service{
		Bags: NewBagStore(db, env.Now), Pricer: NewPricer(reg, cfg.ShippingCents), Orders: orders, Payments: pay, Log: log,
		OnCustomerChanged: cfg.OnCustomerChanged,
	}}
	if env.Render != nil {
		env.Render.AddDecorator(h.decorate)
	}
	return h
}

// Service returns the checkout service the handlers use (for tests and other areas).
func (h *Handlers) Service() *Service { return h.svc }

// decorate sets the bag count shown in the header of every page.
func (h *Handlers) decorate(c echo.Context, p *web.Page) {
	s := web.SessionOf(c)
	bagID, cust := s.Int(sessionBag), h.customerOf(c)
	if bagID == 0 && cust == nil {
		return
	}
	n, err := h.svc.Bags.Units(c.Request().Context(), uint(bagID), cust)
	if err != nil {
		h.svc.Log.Warn("bag count", slog.Any("error", err))
		return
	}
	p.BagCount = n
}

// ownerOf is whose bag and orders this request may see.
func (h *Handlers) ownerOf(c echo.Context) Owner {
	return Owner{Key: web.SessionOf(c).OwnerKey(), CustomerID: h.customerOf(c)}
}

// customerOf is the signed-in customer's id, nil for a guest.
func (h *Handlers) customerOf(c echo.Context) *uint { return h.customer(c) }

// orderFor returns order :id (or the named param) if this visitor may see it, else
// fulfillment.ErrNotFound.
func (h *Handlers) orderFor(c echo.Context, param string) (*fulfillment.Order, error) {
	id, err := strconv.ParseUint(c.Param(param), 10, 32)
	if err != nil || id == 0 {
		return nil, fulfillment.ErrNotFound
	}
	o := h.ownerOf(c)
	return h.orders.GetForOwner(c.Request().Context(), uint(id), o.Key, o.CustomerID)
}

// demo reports whether payments run in demo mode.
func (h *Handlers) demo() bool { return h.pay.Name() == fulfillment.ProviderDemo }

// returnURLs are where the payment provider sends the shopper back.
func (h *Handlers) returnURLs(o *fulfillment.Order) Return {
	id := strconv.FormatUint(uint64(o.ID), 10)
	return Return{
		SuccessURL: h.env.AbsURL("/checkout/success") + "?session_id={CHECKOUT_SESSION_ID}",
		CancelURL:  h.env.AbsURL("/checkout/cancel") + "?order=" + id,
	}
}

// OrderPath is the order page of an order.
func OrderPath(id uint) string { return "/orders/" + strconv.FormatUint(uint64(id), 10) }
