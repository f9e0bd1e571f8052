package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"atelier/app/database/databasetest"
	"atelier/catalog"
)

// TestCatalogPins: a version's content is pinned in the database the first time it is served;
// a later start (another registry over the same database) with other content for it is
// refused, and the last good catalog keeps serving on a reload.
func TestCatalogPins(t *testing.T) {
	db := databasetest.SQLite(t)
	if _, err := Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }
	first, err := catalog.NewDefaultRegistry(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Guard(CatalogPins(db, now)); err != nil {
		t.Fatal(err)
	}
	// The same files again: a restart.
	again, _ := catalog.NewDefaultRegistry(nil)
	if err := again.Guard(CatalogPins(db, now)); err != nil {
		t.Fatalf("restart with the same catalogs: %v", err)
	}
	// Version 3 is served once, by one instance.
	v3 := strings.Replace(string(catalog.DefaultYAML()), "version: 2", "version: 3", 1)
	if err := again.Reload([]byte(v3)); err != nil {
		t.Fatal(err)
	}
	// Another instance, or a later start, with a different version 3.
	other := strings.Replace(v3, "base_price: 2200", "base_price: 2300", 1)
	fresh, err := catalog.NewDefaultRegistry([]byte(other))
	if err != nil {
		t.Fatal(err) // in memory it is new
	}
	err = fresh.Guard(CatalogPins(db, now))
	if !errors.Is(err, catalog.ErrVersionReused) || !strings.Contains(err.Error(), "2026-11-23") {
		t.Fatalf("start with a changed version 3: %v", err)
	}
	if err := first.Reload([]byte(other)); !errors.Is(err, catalog.ErrVersionReused) || first.Current().Version() != "2" {
		t.Fatalf("reload of a changed version 3: %v (current %s)", err, first.Current().Version())
	}
}
