// Package database opens Atelier's database — a SQLite file on one machine, PostgreSQL past
// it — and runs its versioned migrations. The database URL alone chooses the engine.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"
)

// DefaultURL is the embedded default: a SQLite file in the working directory.
const DefaultURL = "sqlite:atelier.db"

// ErrBadURL reports a database URL that names no engine Atelier knows or cannot be parsed.
var ErrBadURL = errors.New("database URL")

// Target is a parsed database URL.
type Target struct {
	Engine string // "sqlite" or "postgres"
	Path   string // SQLite file path
	DSN    string // PostgreSQL connection URL
}

// Parse reads a database URL: "postgres://…" or "postgresql://…" selects PostgreSQL;
// "sqlite:PATH", "file:PATH" or a bare path selects a SQLite file. An empty URL is DefaultURL.
func Parse(raw string) (Target, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = DefaultURL
	}
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			return Target{}, fmt.Errorf("%w %q: %v", ErrBadURL, redact(raw), err)
		}
		if u.Host == "" {
			return Target{}, fmt.Errorf("%w %q: no host (want postgres://user@host:5432/dbname)", ErrBadURL, redact(raw))
		}
		return Target{Engine: "postgres", DSN: raw}, nil
	case strings.HasPrefix(raw, "sqlite:"), strings.HasPrefix(raw, "file:"):
		p := raw[strings.Index(raw, ":")+1:]
		p = strings.TrimPrefix(p, "//")
		if i := strings.IndexByte(p, '?'); i >= 0 {
			return Target{}, fmt.Errorf("%w %q: SQLite options are set by Atelier; give only the file path", ErrBadURL, raw)
		}
		if p == "" {
			return Target{}, fmt.Errorf("%w %q: no file path (want sqlite:atelier.db)", ErrBadURL, raw)
		}
		return Target{Engine: "sqlite", Path: p}, nil
	case strings.Contains(raw, "://"):
		return Target{}, fmt.Errorf("%w %q: unknown scheme (want sqlite:PATH or postgres://…)", ErrBadURL, redact(raw))
	default:
		return Target{Engine: "sqlite", Path: raw}, nil
	}
}

// redact hides a password in a URL for error messages and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redacted returns the URL with any password hidden, for logs.
func Redacted(raw string) string { return redact(raw) }

// Open connects to the database a URL names and checks that it answers.
//
// SQLite opens one writer connection whose transactions begin IMMEDIATE (so a transaction that
// reads then writes never fails with "database is locked") and a pool of read-only connections
// for plain reads, routed by gorm's dbresolver; inside db.Transaction always use the tx given,
// never db, or the single writer deadlocks. PostgreSQL opens one pool.
func Open(ctx context.Context, raw string, log *slog.Logger) (*gorm.DB, error) {
	t, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := &gorm.Config{
		Logger: logger.New(slogWriter{log}, logger.Config{
			SlowThreshold:             500 * time.Millisecond,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
		}),
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	}
	var db *gorm.DB
	switch t.Engine {
	case "sqlite":
		db, err = openSQLite(t.Path, cfg)
	default:
		db, err = openPostgres(t.DSN, cfg)
	}
	if err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("database %s: %w", redact(raw), err)
	}
	return db, nil
}

func openSQLite(path string, cfg *gorm.Config) (*gorm.DB, error) {
	// gorm.Open keeps and fills in the config it is given (the pool lives in it): each pool
	// needs its own copy.
	wcfg, rcfg := *cfg, *cfg
	db, err := gorm.Open(sqliteDialector(path, false), &wcfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	rdb, err := gorm.Open(sqliteDialector(path, true), &rcfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite read pool %s: %w", path, err)
	}
	readers, err := rdb.DB()
	if err != nil {
		return nil, err
	}
	n := max(4, 2*runtime.NumCPU())
	readers.SetMaxOpenConns(n)
	readers.SetMaxIdleConns(n)
	resolver := dbresolver.Register(dbresolver.Config{
		Replicas: []gorm.Dialector{sqlite.New(sqlite.Config{Conn: readers})},
	})
	if err := db.Use(resolver); err != nil {
		return nil, fmt.Errorf("sqlite read pool: %w", err)
	}
	w, err := db.DB()
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// Checkpoint in the background rather than in the commit that crosses the WAL's
	// 1,000-page mark: that commit used to pay the checkpoint and its fsync, about one claim
	// or order in a hundred (the p99). If the writer's connection is ever replaced, SQLite's
	// default automatic checkpoint simply comes back.
	if err := db.Exec("PRAGMA wal_autocheckpoint=0").Error; err != nil {
		return nil, fmt.Errorf("sqlite wal_autocheckpoint: %w", err)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go checkpointLoop(readers, stop, done)
	extras.Store(w, func() error {
		close(stop)
		<-done
		return readers.Close()
	})
	return db, nil
}

// extras holds, per SQLite writer pool, what Close must stop and close besides it (the
// checkpointer and the read pool); database.Close looks it up.
var extras sync.Map // *sql.DB → func() error

// checkpointInterval is how often the background checkpointer copies the WAL into the
// database file. PASSIVE never blocks the writer or readers.
const checkpointInterval = 250 * time.Millisecond

func checkpointLoop(readers *sql.DB, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			_, _ = readers.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

func openPostgres(dsn string, cfg *gorm.Config) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.Open(dsn), cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", redact(dsn), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// Close closes every connection pool of db.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	var first error
	if f, ok := extras.LoadAndDelete(sqlDB); ok {
		first = f.(func() error)()
	}
	if err := sqlDB.Close(); err != nil && first == nil {
		first = err
	}
	return first
}

// Ping checks that the database answers, for /healthz.
func Ping(ctx context.Context, db *gorm.DB) error {
	var one int
	return db.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error
}

type slogWriter struct{ log *slog.Logger }

func (w slogWriter) Printf(format string, args ...any) {
	w.log.Warn("gorm", "message", fmt.Sprintf(format, args...))
}
