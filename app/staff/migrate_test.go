package staff_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/apptest"
	"atelier/app/database/databasetest"
	"atelier/app/staff"
)

// memberV10 is the staff_members table as schema version 10 left it: no must_change_password.
type memberV10 struct {
	ID             uint    `gorm:"primaryKey"`
	Email          string  `gorm:"size:254;uniqueIndex;not null"`
	Name           string  `gorm:"size:100;not null;default:''"`
	Role           string  `gorm:"size:16;not null"`
	PasswordHash   string  `gorm:"size:200;not null"`
	TokenHash      *string `gorm:"size:64;uniqueIndex"`
	TokenCreatedAt *time.Time
	FailedAttempts int `gorm:"not null;default:0"`
	LockedUntil    *time.Time
	Epoch          int64 `gorm:"not null;default:1"`
	Disabled       bool  `gorm:"not null;default:false"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (memberV10) TableName() string { return "staff_members" }

// TestMigrateMustChangePassword: members of an older database keep signing in as before
// (not one-time), and the step is idempotent.
func TestMigrateMustChangePassword(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if err := db.AutoMigrate(&memberV10{}); err != nil {
			t.Fatal(err)
		}
		hash, err := apptest.Passwords().Hash(password)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&memberV10{Email: "old@atelier.test", Role: "care", PasswordHash: hash, Epoch: 1}).Error; err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := db.Transaction(staff.MigrateMustChangePassword); err != nil {
				t.Fatal(err)
			}
		}
		if !db.Migrator().HasColumn(&staff.Member{}, "MustChangePassword") {
			t.Fatal("no must_change_password column")
		}
		// a row written the old way after the step gets the column's default too
		if err := db.Create(&memberV10{Email: "later@atelier.test", Role: "care", PasswordHash: hash, Epoch: 1}).Error; err != nil {
			t.Fatal(err)
		}
		acc := staff.NewAccountsWithOptions(db, staff.AccountsOptions{Passwords: apptest.Passwords()})
		for _, email := range []string{"old@atelier.test", "later@atelier.test"} {
			if m, err := acc.Authenticate(ctx, email, password); err != nil || m.MustChangePassword {
				t.Errorf("%s after the migration: %+v, %v", email, m, err)
			}
		}
	})
}
