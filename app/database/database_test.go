package database_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database"
	"atelier/app/database/databasetest"
)

type note struct {
	ID      uint   `gorm:"primaryKey"`
	Counter string `gorm:"size:50;index"`
	N       int
}

var migrations = []database.Migration{
	{Version: 1, Name: "notes", Up: func(tx *gorm.DB) error { return tx.AutoMigrate(&note{}) }},
}

func TestParse(t *testing.T) {
	tests := []struct {
		in, engine, path string
		bad              bool
	}{
		{in: "", engine: "sqlite", path: "atelier.db"},
		{in: "sqlite:data/x.db", engine: "sqlite", path: "data/x.db"},
		{in: "file:x.db", engine: "sqlite", path: "x.db"},
		{in: "/var/lib/atelier.db", engine: "sqlite", path: "/var/lib/atelier.db"},
		{in: "postgres://u@db:5432/atelier", engine: "postgres"},
		{in: "postgresql://u@db/atelier?sslmode=disable", engine: "postgres"},
		{in: "mysql://u@db/atelier", bad: true},
		{in: "postgres:///nohost", bad: true},
		{in: "postgres://u:p@[::1/x", bad: true},
		{in: "sqlite:", bad: true},
		{in: "sqlite:x.db?_txlock=deferred", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := database.Parse(tt.in)
			if tt.bad {
				if !errors.Is(err, database.ErrBadURL) {
					t.Fatalf("Parse(%q) error = %v, want ErrBadURL", tt.in, err)
				}
				return
			}
			if err != nil || got.Engine != tt.engine || got.Path != tt.path {
				t.Fatalf("Parse(%q) = %+v, %v; want engine %s path %q", tt.in, got, err, tt.engine, tt.path)
			}
		})
	}
}

func TestMigrateWriteReadConcurrent(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		applied, err := database.Migrate(ctx, db, migrations)
		if err != nil || len(applied) != 1 {
			t.Fatalf("Migrate = %v, %v; want [1]", applied, err)
		}
		if again, err := database.Migrate(ctx, db, migrations); err != nil || len(again) != 0 {
			t.Fatalf("second Migrate = %v, %v; want nothing applied", again, err)
		}

		if err := db.Create(&note{Counter: "hello", N: 1}).Error; err != nil {
			t.Fatal(err)
		}
		var got note
		if err := db.Where("counter = ?", "hello").First(&got).Error; err != nil || got.N != 1 {
			t.Fatalf("read back = %+v, %v", got, err)
		}

		// 50 goroutines each read then write in one transaction: none may fail.
		const writers = 50
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.Transaction(func(tx *gorm.DB) error {
					var n int64
					if err := tx.Model(&note{}).Where("counter = ?", "c").Count(&n).Error; err != nil {
						return err
					}
					return tx.Create(&note{Counter: "c", N: int(n) + i}).Error
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent writer: %v", err)
			}
		}
		var n int64
		db.Model(&note{}).Where("counter = ?", "c").Count(&n)
		if n != writers {
			t.Fatalf("rows = %d, want %d", n, writers)
		}
		if err := database.Ping(ctx, db); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		newer := append(migrations, database.Migration{Version: 2, Name: "later", Up: func(tx *gorm.DB) error {
			return tx.Exec("CREATE TABLE later_things (id INTEGER PRIMARY KEY)").Error
		}})
		if _, err := database.Migrate(ctx, db, newer); err != nil {
			t.Fatal(err)
		}
		_, err := database.Migrate(ctx, db, migrations)
		if !errors.Is(err, database.ErrDatabaseNewer) {
			t.Fatalf("old binary on newer database: err = %v, want ErrDatabaseNewer", err)
		}
	})
}

func TestMigrateRollsBackAFailedStep(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		bad := append(migrations, database.Migration{Version: 2, Name: "fails", Up: func(tx *gorm.DB) error {
			if err := tx.Exec("CREATE TABLE half_done (id INTEGER PRIMARY KEY)").Error; err != nil {
				return err
			}
			return fmt.Errorf("boom")
		}})
		if _, err := database.Migrate(ctx, db, bad); err == nil {
			t.Fatal("want an error from the failing migration")
		}
		if v, _ := database.Version(ctx, db); v != 1 {
			t.Fatalf("version = %d, want 1 (the failed step must not be recorded)", v)
		}
		if db.Migrator().HasTable("half_done") {
			t.Fatal("the failed migration's table survived its rollback")
		}
	})
}
