package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/app/database/databasetest"
	"atelier/app/passhash"
)

// TestPasswordCost checks customer passwords are hashed at production cost (argon2id t=2,
// m=19 MiB, p=1) unless the options ask for less, and that any store verifies a hash of
// either cost, because a hash records its own.
func TestPasswordCost(t *testing.T) {
	db := databasetest.SQLite(t)
	if err := db.AutoMigrate(account.Models()...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	prod, cheap := account.NewStore(db, nil), account.NewStoreWithOptions(db, account.StoreOptions{Passwords: apptest.Passwords()})
	const pw = "correct horse battery"
	for _, tc := range []struct {
		name, email, prefix string
		made, check         *account.Store
	}{
		{"NewStore is production cost", "p@example.com", "$argon2id$v=19$m=19456,t=2,p=1$", prod, cheap},
		{"zero options are production cost", "z@example.com", "$argon2id$v=19$m=19456,t=2,p=1$",
			account.NewStoreWithOptions(db, account.StoreOptions{}), cheap},
		{"test cost when asked", "c@example.com", "$argon2id$v=19$m=64,t=1,p=1$", cheap, prod},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.made.Create(ctx, account.NewCustomer{Email: tc.email, Password: pw})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(c.PasswordHash, tc.prefix) {
				t.Fatalf("hash %q, want prefix %s", c.PasswordHash, tc.prefix)
			}
			confirm(t, tc.made, c.ID)
			if _, err := tc.check.Authenticate(ctx, tc.email, pw); err != nil {
				t.Fatalf("a store of the other cost does not verify it: %v", err)
			}
			if _, err := tc.check.Authenticate(ctx, tc.email, pw+"!"); !errors.Is(err, account.ErrBadCredentials) {
				t.Fatalf("wrong password: %v", err)
			}
		})
	}
	if passhash.Default() != (passhash.Params{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}) {
		t.Fatalf("production default is %+v", passhash.Default())
	}
}
