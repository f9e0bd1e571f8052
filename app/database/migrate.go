package database

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Migration is one ordered, versioned change to the schema. Versions start at 1 and never
// change meaning once released; a later change is a new migration.
type Migration struct {
	Version int
	Name    string
	Up      func(tx *gorm.DB) error
}

// ErrDatabaseNewer is returned when the database was migrated by a newer Atelier.
var ErrDatabaseNewer = errors.New("database schema is newer than this binary")

// schemaMigration records an applied migration.
type schemaMigration struct {
	Version   int    `gorm:"primaryKey;autoIncrement:false"`
	Name      string `gorm:"size:200;not null"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// pgLockKey serialises migrations across instances sharing one PostgreSQL database.
const pgLockKey = 7_236_121_001

// Migrate applies, in order and each in its own transaction, the migrations db lacks. It
// refuses, with ErrDatabaseNewer, a database that records a version it does not know, so an
// old binary never writes to a schema it does not understand. It returns the versions applied.
func Migrate(ctx context.Context, db *gorm.DB, migrations []Migration) ([]int, error) {
	for i, m := range migrations {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %q has version %d, want %d (versions are 1, 2, 3, … in order)", m.Name, m.Version, i+1)
		}
	}
	db = db.WithContext(ctx)
	if db.Dialector.Name() == "postgres" {
		conn, err := db.DB()
		if err != nil {
			return nil, err
		}
		c, err := conn.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock($1)", pgLockKey); err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		defer c.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", pgLockKey) //nolint:errcheck
	}
	if err := db.AutoMigrate(&schemaMigration{}); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	current, err := Version(ctx, db)
	if err != nil {
		return nil, err
	}
	if current > len(migrations) {
		return nil, fmt.Errorf("%w: the database is at version %d but this atelier knows only up to %d; run a newer atelier", ErrDatabaseNewer, current, len(migrations))
	}
	var applied []int
	for _, m := range migrations[current:] {
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := m.Up(tx); err != nil {
				return err
			}
			return tx.Create(&schemaMigration{Version: m.Version, Name: m.Name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return applied, fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// Version returns the highest migration version applied, 0 for an empty database.
func Version(ctx context.Context, db *gorm.DB) (int, error) {
	var v *int
	err := db.WithContext(ctx).Clauses(writeClause()).Model(&schemaMigration{}).Select("MAX(version)").Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}
