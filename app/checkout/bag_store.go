package checkout

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"atelier/app/web"
)

// Owner names whose bag (or order) it is: the cookie session's owner key and, when signed
// in, the customer. The owner key alone reaches only what has no customer: a customer's bag
// and orders are theirs, reachable only with them signed in.
type Owner struct {
	Key        string
	CustomerID *uint
}

// BagStore keeps bags in the database. It is safe for concurrent use.
type BagStore struct {
	db  *gorm.DB
	now func() time.Time
}

// NewBagStore returns a store over db with the given clock.
func NewBagStore(db *gorm.DB, now func() time.Time) *BagStore {
	return &BagStore{db: db, now: now}
}

// find returns the owner's bag with its items (oldest first), or nil when there is none. A
// signed-in customer's bag is found by customer, so it follows them across devices; failing
// that, their session's guest bag (see ensure). The owner key finds only a bag without a
// customer: a customer's bag keeps the key of the session it was made in, and that browser
// may since have been signed out and be someone else's.
func (s *BagStore) find(tx *gorm.DB, o Owner) (*Bag, error) {
	var b Bag
	q := func() *gorm.DB { return tx.Preload("Items", func(db *gorm.DB) *gorm.DB { return db.Order("id") }) }
	if o.CustomerID != nil {
		err := q().Where("customer_id = ?", *o.CustomerID).Order("id").Take(&b).Error
		if err == nil {
			return &b, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, err
		}
	}
	if o.Key == "" {
		return nil, nil
	}
	err := q().Where("owner_key = ? AND customer_id IS NULL", o.Key).Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &b, err
}

// Get returns the owner's bag, or an empty unsaved one.
func (s *BagStore) Get(ctx context.Context, o Owner) (*Bag, error) {
	b, err := s.find(s.db.WithContext(ctx), o)
	if err != nil || b != nil {
		return b, err
	}
	return &Bag{OwnerKey: o.Key, CustomerID: o.CustomerID}, nil
}

// ensure returns the owner's bag, creating it when missing (safe when two requests race). A
// signed-in customer's change to their session's guest bag makes it theirs. The owner key is
// unique among bags, so a key still held by another customer's bag (made in a session that
// ended without a new key: signed out elsewhere, or before sign-out renewed it) is first given
// up: that bag is found by its customer, and the key gets a new bag.
func (s *BagStore) ensure(tx *gorm.DB, o Owner) (*Bag, error) {
	b, err := s.find(tx, o)
	if err != nil {
		return nil, err
	}
	if b != nil {
		if b.CustomerID == nil && o.CustomerID != nil {
			if err := tx.Model(&Bag{}).Where("id = ?", b.ID).Update("customer_id", *o.CustomerID).Error; err != nil {
				return nil, err
			}
			b.CustomerID = o.CustomerID
		}
		return b, nil
	}
	now := s.now().UTC()
	// Here o's customer (if any) has no bag, so a customer's bag holding the key is another's.
	if err := tx.Model(&Bag{}).Where("owner_key = ? AND customer_id IS NOT NULL", o.Key).
		Update("owner_key", retiredKeyPrefix+web.RandomID(18)).Error; err != nil {
		return nil, err
	}
	nb := Bag{OwnerKey: o.Key, CustomerID: o.CustomerID, Rev: 1, CreatedAt: now, UpdatedAt: now}
	if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "owner_key"}}, DoNothing: true}).Create(&nb).Error; err != nil {
		return nil, err
	}
	b, err = s.find(tx, o)
	if err == nil && b == nil {
		err = errors.New("checkout: bag vanished after insert")
	}
	return b, err
}

// retiredKeyPrefix marks the owner key ensure gives a customer's bag in place of a session's
// key; no session key (base64url) contains its colon.
const retiredKeyPrefix = "customer:"

func (s *BagStore) bump(tx *gorm.DB, bagID uint) error {
	return tx.Model(&Bag{}).Where("id = ?", bagID).
		Updates(map[string]any{"rev": gorm.Expr("rev + 1"), "updated_at": s.now().UTC()}).Error
}

// Add puts quantity units of a product (code and size) in the owner's bag, creating the bag
// when needed. The same code and size already in the bag gain the quantity (at most
// MaxQuantity); a new line is refused once the bag holds MaxItems lines. The caller has
// checked that the code and size exist.
func (s *BagStore) Add(ctx context.Context, o Owner, it BagItem) (*Bag, error) {
	if err := checkQuantity(it.Quantity); err != nil {
		return nil, err
	}
	var out *Bag
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := s.ensure(tx, o)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		for _, have := range b.Items {
			if have.Code != it.Code || have.Size != it.Size {
				continue
			}
			q := have.Quantity + it.Quantity
			if q > MaxQuantity {
				return &ItemError{Field: "quantity", Message: "Your bag already holds " + itoa(have.Quantity) +
					" of this product; at most " + itoa(MaxQuantity) + " per product."}
			}
			upd := map[string]any{"quantity": q, "updated_at": now}
			if it.LabelName != "" {
				upd["label_name"] = it.LabelName
			}
			if err := tx.Model(&BagItem{}).Where("id = ?", have.ID).Updates(upd).Error; err != nil {
				return err
			}
			out = b
			return s.bump(tx, b.ID)
		}
		if len(b.Items) >= MaxItems {
			return &ItemError{Field: "items", Message: "Your bag is full: it holds at most " + itoa(MaxItems) + " different products."}
		}
		it.ID, it.BagID, it.CreatedAt, it.UpdatedAt = 0, b.ID, now, now
		if err := tx.Create(&it).Error; err != nil {
			return err
		}
		out = b
		return s.bump(tx, b.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, Owner{Key: out.OwnerKey, CustomerID: out.CustomerID})
}

// SetQuantity changes the quantity of one item of the owner's bag.
func (s *BagStore) SetQuantity(ctx context.Context, o Owner, itemID uint, quantity int) error {
	if err := checkQuantity(quantity); err != nil {
		return err
	}
	return s.change(ctx, o, itemID, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&BagItem{}).Updates(map[string]any{"quantity": quantity, "updated_at": s.now().UTC()})
	})
}

// Remove takes one item out of the owner's bag.
func (s *BagStore) Remove(ctx context.Context, o Owner, itemID uint) error {
	return s.change(ctx, o, itemID, func(tx *gorm.DB) *gorm.DB { return tx.Delete(&BagItem{}) })
}

func (s *BagStore) change(ctx context.Context, o Owner, itemID uint, op func(*gorm.DB) *gorm.DB) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := s.find(tx, o)
		if err != nil {
			return err
		}
		if b == nil {
			return ErrItemNotFound
		}
		res := op(tx.Where("id = ? AND bag_id = ?", itemID, b.ID))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrItemNotFound
		}
		return s.bump(tx, b.ID)
	})
}

// Units counts the units in the customer's bag, or in guest bag bagID (0 once it belongs to a
// customer, like find); one indexed query for the count shown in every page's header.
func (s *BagStore) Units(ctx context.Context, bagID uint, customerID *uint) (int, error) {
	var n int64
	q := s.db.WithContext(ctx).Table("bag_items").Select("COALESCE(SUM(bag_items.quantity), 0)").
		Joins("JOIN bags ON bags.id = bag_items.bag_id")
	if customerID != nil {
		q = q.Where("bags.customer_id = ?", *customerID)
	} else {
		q = q.Where("bags.id = ? AND bags.customer_id IS NULL", bagID)
	}
	err := q.Scan(&n).Error
	return int(n), err
}

// DeleteCustomer deletes every bag of the customer with its items, for account deletion: an
// item holds the name to print on its label, and a bag is not kept for the books. Build the
// store over the caller's transaction to make it part of a larger erasure.
func (s *BagStore) DeleteCustomer(ctx context.Context, customerID uint) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ids []uint
		if err := tx.Model(&Bag{}).Where("customer_id = ?", customerID).Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("checkout: delete bags: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		if err := tx.Where("bag_id IN ?", ids).Delete(&BagItem{}).Error; err != nil {
			return fmt.Errorf("checkout: delete bag items: %w", err)
		}
		if err := tx.Where("id IN ?", ids).Delete(&Bag{}).Error; err != nil {
			return fmt.Errorf("checkout: delete bags: %w", err)
		}
		return nil
	})
}

// MarkCheckout records that order orderID was made from the bag at revision rev.
func (s *BagStore) MarkCheckout(ctx context.Context, bagID, orderID uint, rev int) error {
	return s.db.WithContext(ctx).Model(&Bag{}).Where("id = ?", bagID).
		Updates(map[string]any{"pending_order_id": orderID, "pending_rev": rev}).Error
}

// EmptyAfterPayment empties the bag order orderID was checked out from, once it is paid, if
// the bag has not changed since; a bag changed after checkout keeps its items. Idempotent.
func (s *BagStore) EmptyAfterPayment(ctx context.Context, orderID uint) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var b Bag
		err := tx.Where("pending_order_id = ?", orderID).Take(&b).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if b.Rev == b.PendingRev {
			if err := tx.Where("bag_id = ?", b.ID).Delete(&BagItem{}).Error; err != nil {
				return err
			}
		}
		return tx.Model(&Bag{}).Where("id = ?", b.ID).Updates(map[string]any{
			"pending_order_id": nil, "pending_rev": 0, "rev": gorm.Expr("rev + 1"), "updated_at": s.now().UTC()}).Error
	})
}

// AttachCustomer gives the visitor's guest bag (owner key, no customer) to a customer who
// just signed in. When the customer already has a bag (from another device), the visitor's
// items move into it: quantities of the same product add up to MaxQuantity, and lines beyond
// MaxItems stay behind in the visitor's bag. A bag that already has a customer stays theirs,
// whoever signs in with its key. Idempotent.
func (s *BagStore) AttachCustomer(ctx context.Context, ownerKey string, customerID uint) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		guest, err := s.find(tx, Owner{Key: ownerKey})
		if err != nil || guest == nil {
			return err
		}
		mine, err := s.find(tx, Owner{CustomerID: &customerID})
		if err != nil {
			return err
		}
		if mine == nil {
			return tx.Model(&Bag{}).Where("id = ? AND customer_id IS NULL", guest.ID).Update("customer_id", customerID).Error
		}
		now, lines := s.now().UTC(), len(mine.Items)
		for _, g := range guest.Items {
			merged := false
			for _, m := range mine.Items {
				if m.Code == g.Code && m.Size == g.Size {
					q := min(MaxQuantity, m.Quantity+g.Quantity)
					if err := tx.Model(&BagItem{}).Where("id = ?", m.ID).Updates(map[string]any{"quantity": q, "updated_at": now}).Error; err != nil {
						return err
					}
					merged = true
				}
			}
			if !merged {
				if lines >= MaxItems {
					continue
				}
				lines++
				if err := tx.Create(&BagItem{BagID: mine.ID, Code: g.Code, Size: g.Size, LabelName: g.LabelName,
					Quantity: g.Quantity, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
					return err
				}
			}
			if err := tx.Delete(&BagItem{}, g.ID).Error; err != nil {
				return err
			}
		}
		if err := s.bump(tx, guest.ID); err != nil {
			return err
		}
		return s.bump(tx, mine.ID)
	})
}
