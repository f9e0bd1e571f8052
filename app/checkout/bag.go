package checkout

import (
	"errors"
	"fmt"
	"time"

	"atelier/fulfillment"
)

// Limits on a bag. They match what an order may hold, so a bag that fits always checks out.
const (
	// MaxQuantity is the most units of one product and size in a bag.
	MaxQuantity = fulfillment.MaxQuantity
	// MaxItems is the most distinct products (code and size) in a bag.
	MaxItems = fulfillment.MaxItems
	// MaxLabelName is the longest name a shopper may have printed on a label.
	MaxLabelName = 40
)

// ErrItemNotFound: the bag item does not exist or is in someone else's bag (404).
var ErrItemNotFound = errors.New("checkout: bag item not found")

// ItemError is a bag or order line the store refuses, with the field it concerns and a
// message a shopper understands (422).
type ItemError struct {
	Field   string // "code", "size", "quantity", "items"
	Message string
}

func (e *ItemError) Error() string { return fmt.Sprintf("checkout: %s: %s", e.Field, e.Message) }

// Bag is a visitor's bag (cart). It belongs to the cookie session's owner key and, once
// accounts exist, to the signed-in customer too, so it follows them across devices. Rev
// counts every change; a checkout records the revision it was made from (PendingRev), so a
// payment empties the bag only if nothing was added after checkout.
type Bag struct {
	ID             uint   `gorm:"primaryKey"`
	OwnerKey       string `gorm:"size:128;not null;uniqueIndex"`
	CustomerID     *uint  `gorm:"index"`
	Rev            int    `gorm:"not null;default:1"`
	PendingOrderID *uint  `gorm:"index"`
	PendingRev     int    `gorm:"not null;default:0"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Items          []BagItem `gorm:"foreignKey:BagID"`
}

// BagItem is one product in a bag: its reorder code, the size option chosen, how many, and
// the name to print on its label. It holds no price: prices are computed from the catalog
// every time the bag is shown or checked out.
type BagItem struct {
	ID        uint   `gorm:"primaryKey"`
	BagID     uint   `gorm:"not null;uniqueIndex:idx_bag_items_line,priority:1"`
	Code      string `gorm:"size:64;not null;uniqueIndex:idx_bag_items_line,priority:2"`
	Size      string `gorm:"size:64;not null;default:'';uniqueIndex:idx_bag_items_line,priority:3"`
	LabelName string `gorm:"size:160;not null;default:''"`
	Quantity  int    `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Models lists the package's GORM models (bags and bag_items), for migrations.
func Models() []any { return []any{&Bag{}, &BagItem{}} }

// Units is the number of units in the bag.
func (b *Bag) Units() int {
	n := 0
	for _, it := range b.Items {
		n += it.Quantity
	}
	return n
}

func checkQuantity(q int) error {
	if q < 1 || q > MaxQuantity {
		return &ItemError{Field: "quantity", Message: fmt.Sprintf("Choose a quantity from 1 to %d.", MaxQuantity)}
	}
	return nil
}
