package staff_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/apptest"
	"atelier/app/database/databasetest"
	"atelier/app/staff"
	"atelier/fulfillment"
)

func TestAccountsStore(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := db.AutoMigrate(staff.Models()...); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		clock := apptest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		acc := staff.NewAccountsWithOptions(db, staff.AccountsOptions{Now: clock.Now, Passwords: apptest.Passwords()})
		admin, _, err := acc.Add(ctx, fulfillment.System, staff.NewMember{Email: " Ada@Atelier.TEST ", Role: "admin", Password: "a long password"})
		if err != nil || admin.Email != "ada@atelier.test" || admin.Epoch != 1 {
			t.Fatalf("add: %+v, %v", admin, err)
		}
		boss := admin.Actor()

		// duplicates (any case), and concurrent adds of one email: exactly one wins
		var wg sync.WaitGroup
		results := make([]error, 6)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, results[i] = acc.Add(ctx, boss, staff.NewMember{Email: "CAL@atelier.test", Role: "care"})
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range results {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, staff.ErrValidation):
				t.Errorf("concurrent add: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d concurrent adds of one email succeeded", wins)
		}
		cal, err := acc.ByEmail(ctx, "cal@atelier.test")
		if err != nil {
			t.Fatal(err)
		}

		// tokens: shown once, hashed, replaced, dropped on disable
		tok, err := acc.IssueToken(ctx, boss, cal.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m, err := acc.ByToken(ctx, tok); err != nil || m.ID != cal.ID {
			t.Fatalf("ByToken: %v", err)
		}
		var stored staff.Member
		db.Take(&stored, cal.ID)
		if stored.TokenHash == nil || *stored.TokenHash == tok || len(*stored.TokenHash) != 64 {
			t.Error("the token is not stored as a SHA-256 hash")
		}
		if err := acc.SetRole(ctx, boss, cal.ID, "fulfillment"); err != nil {
			t.Fatal(err)
		}
		if err := acc.Disable(ctx, boss, cal.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := acc.ByToken(ctx, tok); !errors.Is(err, staff.ErrBadCredentials) {
			t.Errorf("a disabled member's token still works: %v", err)
		}
		m, _ := acc.ByID(ctx, cal.ID)
		if !m.Disabled || m.Epoch != 2 || m.Role != "fulfillment" {
			t.Errorf("after disable: %+v", m)
		}

		// lockout counts consecutive failures only
		for i := 0; i < staff.MaxFailedAttempts-1; i++ {
			_, _ = acc.Authenticate(ctx, "ada@atelier.test", "wrong")
		}
		if _, err := acc.Authenticate(ctx, "ada@atelier.test", "a long password"); err != nil {
			t.Fatalf("right password after 4 failures: %v", err)
		}
		for i := 0; i < staff.MaxFailedAttempts; i++ {
			_, _ = acc.Authenticate(ctx, "ada@atelier.test", "wrong")
		}
		if _, err := acc.Authenticate(ctx, "ada@atelier.test", "a long password"); !errors.Is(err, staff.ErrLocked) {
			t.Fatalf("after 5 failures: %v, want ErrLocked", err)
		}
		clock.Advance(staff.LockoutFor)
		if _, err := acc.Authenticate(ctx, "ada@atelier.test", "a long password"); err != nil {
			t.Fatalf("after the lockout: %v", err)
		}

		// errors a person can read
		for _, in := range []staff.NewMember{
			{Email: "x", Role: "care"}, {Email: "y@atelier.test", Role: "boss"},
			{Email: "z@atelier.test", Role: "care", Password: "short"},
		} {
			var ve *staff.ValidationError
			if _, _, err := acc.Add(ctx, boss, in); !errors.As(err, &ve) || len(ve.Fields) != 1 {
				t.Errorf("Add(%+v) = %v", in, err)
			}
		}
		if err := acc.SetRole(ctx, boss, 999, "care"); !errors.Is(err, staff.ErrNotFound) {
			t.Errorf("SetRole(missing) = %v", err)
		}
		audit, _ := acc.Audit(ctx, cal.ID)
		if len(audit) != 4 { // add, token, role, disable
			t.Errorf("audit of cal: %+v", audit)
		}
		lockAudit, _ := acc.Audit(ctx, admin.ID)
		if len(lockAudit) != 2 || lockAudit[1].Action != "staff.locked" {
			t.Errorf("audit of the lockout: %+v", lockAudit)
		}
	})
}
