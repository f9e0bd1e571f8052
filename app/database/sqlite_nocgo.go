//go:build !cgo

package database

import (
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	_ "modernc.org/sqlite" // pure-Go SQLite, registered as "sqlite"
)

// SQLiteDriver names the SQLite driver this build uses.
const SQLiteDriver = "modernc.org/sqlite (pure Go)"

// sqliteDialector opens the file through the pure-Go driver, so a machine without a C
// compiler runs the store too. The writer begins transactions IMMEDIATE; readers are query-only.
func sqliteDialector(path string, readOnly bool) gorm.Dialector {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	if readOnly {
		dsn += "&_pragma=query_only(1)"
	} else {
		dsn += "&_txlock=immediate"
	}
	return sqlite.New(sqlite.Config{DriverName: "sqlite", DSN: dsn})
}
