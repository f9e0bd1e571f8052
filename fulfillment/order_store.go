package fulfillment

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"
)

// CreateOrder validates the input, computes totals from unit prices × quantities and saves
// the order (pending_payment) with its items and first history entry.
func (s *Service) CreateOrder(ctx context.Context, in NewOrder) (*Order, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.clock()
	o := in.build(newPublicID(), now)
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(o).Error; err != nil {
			return err
		}
		if err := s.orderEvent(tx, o.ID, "", OrderPendingPayment, "order placed", "customer"); err != nil {
			return err
		}
		return s.audit(tx, Actor{Role: "customer"}, "order.create", object("order", o.ID), "", OrderPendingPayment, "")
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Get returns an order with its items, or ErrNotFound.
func (s *Service) Get(ctx context.Context, id uint) (*Order, error) {
	return getOrder(s.db.WithContext(ctx), id)
}

// GetByPublicID returns an order by the opaque id used in email links, or ErrNotFound.
func (s *Service) GetByPublicID(ctx context.Context, publicID string) (*Order, error) {
	var o Order
	err := s.db.WithContext(ctx).Preload("Items", orderItems).Where("public_id = ?", publicID).Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || publicID == "" {
		return nil, ErrNotFound
	}
	return &o, err
}

// GetForOwner returns a customer's order only to that customer (customerID), and a guest
// order (no customer) only to the session that created it (ownerKey); anyone else gets
// ErrNotFound, so existence does not leak. The owner key never unlocks a customer's order:
// the browser that placed it may be someone else's by now.
func (s *Service) GetForOwner(ctx context.Context, id uint, ownerKey string, customerID *uint) (*Order, error) {
	o, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if o.CustomerID != nil {
		if customerID != nil && *customerID == *o.CustomerID {
			return o, nil
		}
		return nil, ErrNotFound
	}
	if ownerKey != "" && o.OwnerKey == ownerKey {
		return o, nil
	}
	return nil, ErrNotFound
}

// ListForCustomer returns a customer's orders with items, newest first.
func (s *Service) ListForCustomer(ctx context.Context, customerID uint) ([]Order, error) {
	var out []Order
	err := s.db.WithContext(ctx).Preload("Items", orderItems).
		Where("customer_id = ?", customerID).Order("created_at DESC, id DESC").Find(&out).Error
	return out, err
}

// Events returns an order's status history, oldest first.
func (s *Service) Events(ctx context.Context, orderID uint) ([]OrderEvent, error) {
	var out []OrderEvent
	err := s.db.WithContext(ctx).Where("order_id = ?", orderID).Order("at, id").Find(&out).Error
	return out, err
}

// SetPaymentRef records the provider and its reference (e.g. the Stripe Checkout Session id)
// on a pending order. On any other status it returns an *IllegalTransitionError.
func (s *Service) SetPaymentRef(ctx context.Context, orderID uint, provider, ref string) error {
	if provider != ProviderStripe && provider != ProviderDemo {
		return &ValidationError{Fields: map[string]string{"payment_provider": `must be "stripe" or "demo"`}}
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&Order{}).Where("id = ? AND status = ?", orderID, OrderPendingPayment).
			Updates(map[string]any{"payment_provider": provider, "payment_ref": strings.TrimSpace(ref), "updated_at": s.clock()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return s.orderNotPending(tx, orderID)
		}
		return nil
	})
}

// BumpPaymentAttempt increments PaymentAttemptRev of a pending order and returns the new
// value; callers derive payment idempotency keys from (order id, rev), so a new attempt
// with other parameters never reuses an old key.
func (s *Service) BumpPaymentAttempt(ctx context.Context, orderID uint) (int, error) {
	var rev int
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&Order{}).Where("id = ? AND status = ?", orderID, OrderPendingPayment).
			Updates(map[string]any{"payment_attempt_rev": gorm.Expr("payment_attempt_rev + 1"), "updated_at": s.clock()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return s.orderNotPending(tx, orderID)
		}
		return tx.Model(&Order{}).Where("id = ?", orderID).Pluck("payment_attempt_rev", &rev).Error
	})
	return rev, err
}

func (s *Service) orderNotPending(tx *gorm.DB, orderID uint) error {
	o, err := getOrder(tx, orderID)
	if err != nil {
		return err
	}
	return &IllegalTransitionError{Object: object("order", orderID), From: o.Status, To: "payment", Allowed: nil}
}

func orderItems(db *gorm.DB) *gorm.DB { return db.Order("position, id") }

func getOrder(db *gorm.DB, id uint) (*Order, error) {
	var o Order
	err := db.Preload("Items", orderItems).Where("id = ?", id).Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &o, nil
}

func (s *Service) orderEvent(tx *gorm.DB, orderID uint, from, to, note, actor string) error {
	return tx.Create(&OrderEvent{OrderID: orderID, From: from, To: to, Note: truncate(note, 1000), Actor: actor, At: s.clock()}).Error
}
