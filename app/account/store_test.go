package account_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/app/database/databasetest"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newStore(t *testing.T, db *gorm.DB) (*account.Store, *clock) {
	t.Helper()
	if err := db.AutoMigrate(account.Models()...); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	return account.NewStoreWithOptions(db, account.StoreOptions{Now: c.now, Passwords: apptest.Passwords()}), c
}

func TestStoreCustomers(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s, _ := newStore(t, db)
		c, err := s.Create(ctx, account.NewCustomer{Email: "  Ada@Example.COM ", Name: " Ada ", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Email != "ada@example.com" || c.Name != "Ada" || c.PasswordHash == "" {
			t.Fatalf("stored %+v", c)
		}
		if _, err := s.Create(ctx, account.NewCustomer{Email: "ADA@example.com"}); !errors.Is(err, account.ErrEmailTaken) {
			t.Fatalf("duplicate: %v", err)
		}
		got, err := s.ByEmail(ctx, "ada@EXAMPLE.com")
		if err != nil || got.ID != c.ID {
			t.Fatalf("by email: %v %v", got, err)
		}
		if _, err := s.Authenticate(ctx, "ada@example.com", "correct horse battery"); !errors.Is(err, account.ErrEmailNotVerified) || !errors.Is(err, account.ErrBadCredentials) {
			t.Fatalf("authenticate before the email is confirmed: %v", err)
		}
		c = confirm(t, s, c.ID) // the confirmation moves the epoch on
		if _, err := s.Authenticate(ctx, "ada@example.com", "correct horse battery"); err != nil {
			t.Fatalf("authenticate: %v", err)
		}
		for _, pw := range []string{"wrong password!", ""} {
			if _, err := s.Authenticate(ctx, "ada@example.com", pw); !errors.Is(err, account.ErrBadCredentials) {
				t.Fatalf("wrong password %q: %v", pw, err)
			}
		}
		if _, err := s.Authenticate(ctx, "nobody@example.com", "whatever1234"); !errors.Is(err, account.ErrBadCredentials) {
			t.Fatalf("unknown: %v", err)
		}
		if _, err := s.Create(ctx, account.NewCustomer{Email: "bob@example.com"}); err != nil {
			t.Fatal(err)
		}
		list, total, err := s.List(ctx, account.Page{Limit: 1})
		if err != nil || total != 2 || len(list) != 1 || list[0].Email != "bob@example.com" {
			t.Fatalf("list: %v %d %v", list, total, err)
		}
		if err := s.Anonymise(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		anon, _ := s.ByID(ctx, c.ID)
		if anon.Email == "ada@example.com" || anon.Name != "" || anon.PasswordHash != "" || anon.DeletedAt == nil || anon.Epoch != c.Epoch+1 {
			t.Fatalf("anonymised: %+v", anon)
		}
		if _, err := s.ByEmail(ctx, "ada@example.com"); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("erased email still found: %v", err)
		}
		if _, total, _ := s.List(ctx, account.Page{}); total != 1 {
			t.Fatalf("deleted listed: %d", total)
		}
	})
}

func TestCreateValidation(t *testing.T) {
	s, _ := newStore(t, databasetest.SQLite(t))
	tests := []struct {
		name  string
		in    account.NewCustomer
		field string
	}{
		{"empty email", account.NewCustomer{}, "email"},
		{"not an email", account.NewCustomer{Email: "ada"}, "email"},
		{"display name form", account.NewCustomer{Email: "Ada <ada@example.com>"}, "email"},
		{"short password", account.NewCustomer{Email: "ada@example.com", Password: "short"}, "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Create(context.Background(), tt.in)
			var ve *account.ValidationError
			if !errors.As(err, &ve) || ve.FieldMap()[tt.field] == "" {
				t.Fatalf("want a %s problem, got %v", tt.field, err)
			}
		})
	}
}

func TestTokensWorkOnceAndExpire(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s, clk := newStore(t, db)
		c, _ := s.Create(ctx, account.NewCustomer{Email: "ada@example.com"})
		tok, err := s.IssueToken(ctx, c.ID, account.PurposeSignIn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConsumeToken(ctx, tok, account.PurposeReset); !errors.Is(err, account.ErrTokenInvalid) {
			t.Fatalf("other purpose: %v", err)
		}
		got, err := s.ConsumeToken(ctx, tok, account.PurposeSignIn)
		if err != nil || got.ID != c.ID || !got.Verified() {
			t.Fatalf("consume: %+v %v", got, err)
		}
		if _, err := s.ConsumeToken(ctx, tok, account.PurposeSignIn); !errors.Is(err, account.ErrTokenUsed) {
			t.Fatalf("reuse: %v", err)
		}
		old, _ := s.IssueToken(ctx, c.ID, account.PurposeSignIn)
		clk.t = clk.t.Add(account.TokenTTL)
		if _, err := s.ConsumeToken(ctx, old, account.PurposeSignIn); !errors.Is(err, account.ErrTokenExpired) {
			t.Fatalf("expired: %v", err)
		}
		forged := tok[:42] + "A"
		if forged == tok {
			forged = tok[:42] + "B"
		}
		if _, err := s.ConsumeToken(ctx, forged, account.PurposeSignIn); !errors.Is(err, account.ErrTokenInvalid) {
			t.Fatalf("forged: %v", err)
		}
	})
}

// confirm follows the customer's sign-up confirmation link, as the owner of the address
// would, and returns the customer as it left them.
func confirm(t *testing.T, s *account.Store, id uint) *account.Customer {
	t.Helper()
	ctx := context.Background()
	tok, err := s.IssueToken(ctx, id, account.PurposeVerify)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.ConsumeToken(ctx, tok, account.PurposeVerify)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
