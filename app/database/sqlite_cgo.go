//go:build cgo

package database

import (
	"net/url"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// SQLiteDriver names the SQLite driver this build uses.
const SQLiteDriver = "mattn/go-sqlite3 (cgo)"

// sqliteDialector opens the file through the cgo driver. The writer begins transactions
// IMMEDIATE; readers are query-only.
func sqliteDialector(path string, readOnly bool) gorm.Dialector {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_synchronous", "NORMAL")
	q.Set("_foreign_keys", "on")
	if readOnly {
		q.Set("_query_only", "1")
	} else {
		q.Set("_txlock", "immediate")
	}
	return sqlite.Open("file:" + path + "?" + q.Encode())
}
