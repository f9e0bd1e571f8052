package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"atelier/catalog"
)

// catalogPinPrefix keys, in the settings table, the content hash each catalog version was
// first served with: "catalog_version:2" → the hex SHA-256 of version 2's definition.
const catalogPinPrefix = "catalog_version:"

// CatalogPins returns the registry guard (catalog.Registry.Guard) that keeps a catalog
// version's content fixed for good: the first time a version is served its content hash is
// written to the settings table; afterwards, on any instance and after any restart, the same
// version with another hash is refused with catalog.ErrVersionReused, so reorder codes always
// decode to the product they were made for. The first writer wins when two instances start
// at once.
func CatalogPins(db *gorm.DB, now func() time.Time) catalog.VersionGuard {
	return func(version, hash string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		key := catalogPinPrefix + version
		err := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
			Create(&Setting{Key: key, Value: hash, UpdatedAt: now()}).Error
		if err != nil {
			return fmt.Errorf("record catalog version %s: %w", version, err)
		}
		var pinned Setting
		if err := db.WithContext(ctx).Where(&Setting{Key: key}).Take(&pinned).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return fmt.Errorf("record catalog version %s: not stored", version)
			}
			return fmt.Errorf("read catalog version %s: %w", version, err)
		}
		if pinned.Value != hash {
			return fmt.Errorf("%w: version %s was first served on %s with other content (sha256 %.12s…, this file %.12s…), so its reorder codes would name other products; give the changed catalog a new version",
				catalog.ErrVersionReused, version, pinned.UpdatedAt.Format("2006-01-02"), pinned.Value, hash)
		}
		return nil
	}
}
