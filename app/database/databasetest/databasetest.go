// Package databasetest opens real databases for tests: a fresh SQLite file, opened exactly as
// production opens it, and, when ATELIER_TEST_DATABASE_URL is set, a fresh PostgreSQL schema.
package databasetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database"
)

// EnvPostgres names the environment variable holding the PostgreSQL test DSN.
const EnvPostgres = "ATELIER_TEST_DATABASE_URL"

// SQLite opens a new SQLite database file in tb.TempDir() and closes it when the test ends.
func SQLite(tb testing.TB) *gorm.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "atelier-test.db")
	db, err := database.Open(context.Background(), "sqlite:"+path, nil)
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { _ = database.Close(db) })
	return db
}

// PostgresURL returns a DSN for a fresh, empty schema (dropped when the test ends), or skips
// the test when EnvPostgres is unset.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		tb.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", EnvPostgres)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := database.Open(context.Background(), base, nil)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		_ = admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error
		_ = database.Close(admin)
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a fresh, empty PostgreSQL schema, or skips the test when EnvPostgres is unset.
func Postgres(tb testing.TB) *gorm.DB {
	tb.Helper()
	dsn := PostgresURL(tb)
	db, err := database.Open(context.Background(), dsn, nil)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	// Registered after PostgresURL's cleanup, so it runs first: close before the schema drops.
	tb.Cleanup(func() { _ = database.Close(db) })
	return db
}

// Each runs fn on SQLite and on PostgreSQL (skipped without its DSN) as subtests.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
