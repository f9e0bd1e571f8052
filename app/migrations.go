package app

import (
	"context"
	"time"

	"gorm.io/gorm"

	"atelier/app/account"
	"atelier/app/checkout"
	"atelier/app/database"
	"atelier/app/loyalty"
	"atelier/app/staff"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// Setting is a store-wide key/value fact, such as when demo data was loaded.
type Setting struct {
	Key       string `gorm:"primaryKey;size:100"`
	Value     string `gorm:"type:text"`
	UpdatedAt time.Time
}

// Migrations is the ordered schema history of the store. Append only: never edit or reorder
// a released step. Each domain package owns its models; a step migrates them with AutoMigrate,
// which only adds tables, columns and indexes, so it behaves the same on SQLite and PostgreSQL.
func Migrations() []database.Migration {
	return []database.Migration{
		{Version: 1, Name: "settings", Up: func(tx *gorm.DB) error { return tx.AutoMigrate(&Setting{}) }},
		{Version: 2, Name: "quiz responses", Up: func(tx *gorm.DB) error { return tx.AutoMigrate(questionnaire.Models()...) }},
		{Version: 3, Name: "orders and fulfillment", Up: func(tx *gorm.DB) error { return tx.AutoMigrate(fulfillment.Models()...) }},
		{Version: 4, Name: "customer accounts", Up: func(tx *gorm.DB) error { return tx.AutoMigrate(account.Models()...) }},
		{Version: 5, Name: "staff accounts", Up: func(tx *gorm.DB) error { return tx.AutoMigrate(staff.Models()...) }},
		{Version: 6, Name: "bags", Up: func(tx *gorm.DB) error { return tx.AutoMigrate(checkout.Models()...) }},
		{Version: 7, Name: "loyalty scores and segment history", Up: func(tx *gorm.DB) error { return tx.AutoMigrate(loyalty.Models()...) }},
		{Version: 8, Name: "quiz response trails for the drop-off count", Up: func(tx *gorm.DB) error {
			if err := tx.AutoMigrate(questionnaire.Models()...); err != nil {
				return err
			}
			_, err := questionnaire.BackfillTrails(tx.Statement.Context, tx)
			return err
		}},
		{Version: 9, Name: "covering indexes for the loyalty dashboard", Up: func(tx *gorm.DB) error { return loyalty.EnsureIndexes(tx) }},
		{Version: 10, Name: "one customer feedback answer per order item", Up: fulfillment.MigrateFeedbackPerItem},
		{Version: 11, Name: "staff one-time passwords must be changed", Up: staff.MigrateMustChangePassword},
	}
}

// Migrate brings db up to this binary's schema.
func Migrate(ctx context.Context, db *gorm.DB) ([]int, error) {
	return database.Migrate(ctx, db, Migrations())
}
