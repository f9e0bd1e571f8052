package loyalty

import (
	"fmt"

	"gorm.io/gorm"
)

// sqlDialect spells the few expressions the dashboard's grouped queries need that SQLite and
// PostgreSQL write differently. Timestamps are stored in UTC: on SQLite as text beginning
// "YYYY-MM-DD HH:MM:SS" (both drivers), on PostgreSQL as timestamptz.
type sqlDialect struct{ postgres bool }

func dialectOf(db *gorm.DB) sqlDialect {
	return sqlDialect{postgres: db.Dialector.Name() == "postgres"}
}

// month is col's month as "YYYY-MM" text.
func (d sqlDialect) month(col string) string {
	if d.postgres {
		return fmt.Sprintf("to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM')", col)
	}
	return fmt.Sprintf("substr(%s, 1, 7)", col)
}

// hours is the number of hours from earlier to later, as a floating-point number.
func (d sqlDialect) hours(later, earlier string) string {
	if d.postgres {
		return fmt.Sprintf("CAST(EXTRACT(EPOCH FROM (%s - %s)) / 3600 AS DOUBLE PRECISION)", later, earlier)
	}
	return fmt.Sprintf("(julianday(substr(%s, 1, 19)) - julianday(substr(%s, 1, 19))) * 24", later, earlier)
}

// scan names table (optionally with its alias) for a query that reads most of its rows: on SQLite, whose planner has no
// statistics here, NOT INDEXED keeps it from walking a barely selective index (such as the
// task queue's on state, where most tasks are done) row by row instead of scanning the table.
func (d sqlDialect) scan(table string) string {
	if d.postgres {
		return table
	}
	return table + " NOT INDEXED"
}

// plain is expr such that SQLite's planner will not use an index for it (a unary +): for a
// column whose index would be read row by row when a scan or another, covering index is
// cheaper (the task queue's index on state, where most tasks are done; GROUP BY on an
// item's code, which would walk the code index and fetch every wide item row).
func (d sqlDialect) plain(expr string) string {
	if d.postgres {
		return expr
	}
	return "+" + expr
}

// dashboardIndexes are the covering indexes the dashboard's grouped queries read through,
// so they touch narrow index pages instead of wide rows (an order item carries its formula).
var dashboardIndexes = []struct{ name, table, columns string }{
	{"idx_order_items_dashboard", "order_items", "order_id, code, quantity"},
	{"idx_follow_up_tasks_first_done", "follow_up_tasks", "order_id, state, completed_at"},
}

// EnsureIndexes creates the covering indexes the dashboard reads through, if missing. The
// tables belong to fulfillment; the indexes are the dashboard's, so a migration step calls
// this after fulfillment's tables exist. The queries stay correct without them, only slower.
func EnsureIndexes(db *gorm.DB) error {
	for _, ix := range dashboardIndexes {
		if err := db.Exec(fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (%s)", ix.name, ix.table, ix.columns)).Error; err != nil {
			return fmt.Errorf("loyalty: create index %s: %w", ix.name, err)
		}
	}
	return nil
}

// buyer identifies who paid for an order: the customer, or the email of a guest.
func buyer(prefix string) string {
	return fmt.Sprintf("CASE WHEN %[1]scustomer_id IS NULL THEN 'e' || %[1]semail ELSE 'c' || CAST(%[1]scustomer_id AS TEXT) END", prefix)
}
