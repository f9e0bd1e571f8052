package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"atelier/app/passhash"
)

// Token purposes.
const (
	// PurposeSignIn is a one-time sign-in link (also verifies the email).
	PurposeSignIn = "signin"
	// PurposeReset is a password reset link (also verifies the email).
	PurposeReset = "reset"
	// PurposeVerify confirms the email address of a new account.
	PurposeVerify = "verify"
)

// TokenTTL is how long a sign-in, reset or verification link stays valid.
const TokenTTL = 20 * time.Minute

// tokenRow is a one-time link. Only the SHA-256 of the random token is stored, so a copy of
// the database does not hold usable links.
type tokenRow struct {
	ID         uint   `gorm:"primaryKey"`
	Hash       string `gorm:"size:64;not null;uniqueIndex"`
	CustomerID uint   `gorm:"not null;index"`
	Purpose    string `gorm:"size:16;not null"`
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     *time.Time
}

func (tokenRow) TableName() string { return "customer_tokens" }

// Models lists the GORM models of this package, for migrations.
func Models() []any { return []any{&Customer{}, &tokenRow{}} }

// Store keeps customers and their one-time links.
type Store struct {
	db  *gorm.DB
	now func() time.Time
	pw  passhash.Params
}

// StoreOptions tune a Store.
type StoreOptions struct {
	// Now is the clock (nil = time.Now).
	Now func() time.Time
	// Passwords is the argon2id cost of new password hashes; the zero value is production
	// cost (passhash.Default). Verification always uses the cost a hash records, so tests may
	// lower it without weakening anything they check.
	Passwords passhash.Params
}

// NewStore returns a Store over db with production password cost; now is the clock
// (time.Now in production).
func NewStore(db *gorm.DB, now func() time.Time) *Store {
	return NewStoreWithOptions(db, StoreOptions{Now: now})
}

// NewStoreWithOptions returns a Store over db tuned by o.
func NewStoreWithOptions(db *gorm.DB, o StoreOptions) *Store {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{db: db, now: o.Now, pw: o.Passwords.OrDefault()}
}

// WithTx returns a Store that works inside tx, to compose with other stores in one transaction.
func (s *Store) WithTx(tx *gorm.DB) *Store { return &Store{db: tx, now: s.now, pw: s.pw} }

func (s *Store) clock() time.Time { return s.now().UTC() }

// Create validates n and stores a new customer (hashing the password if one is given).
// It returns a *ValidationError for bad input and ErrEmailTaken if the email is in use.
func (s *Store) Create(ctx context.Context, n NewCustomer) (*Customer, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	c := &Customer{Email: n.Email, Name: n.Name}
	if n.Password != "" {
		h, err := s.pw.Hash(n.Password)
		if err != nil {
			return nil, err
		}
		c.PasswordHash = h
	}
	now := s.clock()
	c.CreatedAt, c.UpdatedAt = now, now
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Customer{}).Where("email = ?", c.Email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrEmailTaken
		}
		return tx.Create(c).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) || (err != nil && strings.Contains(strings.ToLower(err.Error()), "unique")) {
		return nil, ErrEmailTaken
	}
	if err != nil {
		if errors.Is(err, ErrEmailTaken) {
			return nil, err
		}
		return nil, fmt.Errorf("account: create customer: %w", err)
	}
	return c, nil
}

// ByID returns the customer with id (anonymised ones included), or ErrNotFound.
func (s *Store) ByID(ctx context.Context, id uint) (*Customer, error) {
	var c Customer
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&c).Error
	return s.one(&c, err)
}

// ByEmail returns the customer with that email (normalised first), or ErrNotFound.
func (s *Store) ByEmail(ctx context.Context, email string) (*Customer, error) {
	e, err := NormaliseEmail(email)
	if err != nil {
		return nil, ErrNotFound
	}
	var c Customer
	err = s.db.WithContext(ctx).Where("email = ? AND deleted_at IS NULL", e).Take(&c).Error
	return s.one(&c, err)
}

func (s *Store) one(c *Customer, err error) (*Customer, error) {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("account: load customer: %w", err)
	}
	return c, nil
}

// Page asks for one page of a listing; Limit is clamped to 1..200 (default 50).
type Page struct {
	Offset int
	Limit  int
	// IncludeDeleted lists anonymised accounts too.
	IncludeDeleted bool
}

// List returns customers by id, newest first, and the total count matching.
func (s *Store) List(ctx context.Context, p Page) ([]Customer, int64, error) {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	p.Limit = min(p.Limit, 200)
	p.Offset = max(p.Offset, 0)
	q := s.db.WithContext(ctx).Model(&Customer{})
	if !p.IncludeDeleted {
		q = q.Where("deleted_at IS NULL")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("account: count customers: %w", err)
	}
	var out []Customer
	if err := q.Order("id DESC").Offset(p.Offset).Limit(p.Limit).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("account: list customers: %w", err)
	}
	return out, total, nil
}

// Anonymise erases the personal data of the customer row: the email becomes
// deleted-<id>@invalid, name and password are cleared, marketing consent withdrawn, the epoch
// bumped (ending every session) and unused links dropped. It is idempotent.
func (s *Store) Anonymise(ctx context.Context, id uint) error {
	now := s.clock()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Customer{}).Where("id = ?", id).Updates(map[string]any{
			"email":             fmt.Sprintf("deleted-%d@invalid", id),
			"name":              "",
			"password_hash":     "",
			"email_verified_at": nil,
			"marketing_opt_in":  false,
			"epoch":             gorm.Expr("epoch + 1"),
			"deleted_at":        now,
			"updated_at":        now,
		})
		if res.Error != nil {
			return fmt.Errorf("account: anonymise: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return tx.Where("customer_id = ?", id).Delete(&tokenRow{}).Error
	})
}

// Authenticate returns the customer whose email and password match, or ErrBadCredentials.
// It spends the same argon2 work whether or not the account exists. An account whose email
// is not verified yet never signs in with a password (ErrEmailNotVerified, which matches
// ErrBadCredentials): anyone can sign up with someone else's address and a password of
// their own, and the data that address later brings (guest orders, addresses) must not be
// theirs to read. The owner of the address confirms it with a link (ConsumeToken).
func (s *Store) Authenticate(ctx context.Context, email, password string) (*Customer, error) {
	c, err := s.ByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if c == nil || !c.HasPassword() {
		s.pw.Equalise(password)
		return nil, ErrBadCredentials
	}
	if len(password) > maxPasswordLength || !verifyPassword(c.PasswordHash, password) {
		return nil, ErrBadCredentials
	}
	if !c.Verified() {
		return nil, ErrEmailNotVerified
	}
	return c, nil
}

// SetPassword replaces the customer's password and bumps the epoch, ending other sessions.
// It returns the new epoch.
func (s *Store) SetPassword(ctx context.Context, id uint, password string) (int, error) {
	if err := CheckPassword(password); err != nil {
		return 0, err
	}
	h, err := s.pw.Hash(password)
	if err != nil {
		return 0, err
	}
	return s.bump(ctx, id, map[string]any{"password_hash": h})
}

// EndSessions bumps the customer's epoch so that every existing session ends; it returns the
// new epoch.
func (s *Store) EndSessions(ctx context.Context, id uint) (int, error) { return s.bump(ctx, id, nil) }

func (s *Store) bump(ctx context.Context, id uint, set map[string]any) (int, error) {
	if set == nil {
		set = map[string]any{}
	}
	set["epoch"] = gorm.Expr("epoch + 1")
	set["updated_at"] = s.clock()
	var c Customer
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Customer{}).Where("id = ? AND deleted_at IS NULL", id).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return tx.Where("id = ?", id).Take(&c).Error
	})
	if err != nil {
		return 0, err
	}
	return c.Epoch, nil
}

// SetMarketing records the customer's email marketing choice.
func (s *Store) SetMarketing(ctx context.Context, id uint, optIn bool) error {
	res := s.db.WithContext(ctx).Model(&Customer{}).Where("id = ? AND deleted_at IS NULL", id).
		Updates(map[string]any{"marketing_opt_in": optIn, "updated_at": s.clock()})
	if res.Error != nil {
		return fmt.Errorf("account: marketing preference: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// IssueToken creates a one-time link token for the customer and purpose, valid for TokenTTL.
// It returns the raw token (to put in the link); only its hash is stored.
func (s *Store) IssueToken(ctx context.Context, customerID uint, purpose string) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("account: token: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(raw)
	now := s.clock()
	row := tokenRow{Hash: hashToken(tok), CustomerID: customerID, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(TokenTTL)}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return "", fmt.Errorf("account: store token: %w", err)
	}
	return tok, nil
}

// ConsumeToken uses the token once: it returns the customer it was issued for, marking the
// token used and the email verified, in one transaction. It returns ErrTokenInvalid (unknown,
// altered, other purpose, or deleted account), ErrTokenUsed or ErrTokenExpired.
//
// The first verification ends every other session (the epoch moves on) and, unless the token
// is the confirmation link of the sign-up (PurposeVerify), drops a password set before it:
// whoever chose that password has not shown they own the address, and a sign-in or reset
// link only proves that its user does. The returned customer carries the new epoch.
func (s *Store) ConsumeToken(ctx context.Context, token, purpose string) (*Customer, error) {
	return s.consume(ctx, token, purpose, func(uint) bool { return purpose == PurposeVerify })
}

// ConsumeVerify uses a sign-up confirmation link (PurposeVerify) like ConsumeToken, but keeps
// the password chosen at sign-up only when the link is used in the browser that signed up
// (signedUp is the customer id that browser's session remembers, else 0). Someone who signs
// up with another person's address and a password of their own cannot have it confirmed by
// that person clicking the email they did not ask for: followed elsewhere, the link proves
// the address and drops the password, as a sign-in link does.
func (s *Store) ConsumeVerify(ctx context.Context, token string, signedUp uint) (*Customer, error) {
	return s.consume(ctx, token, PurposeVerify, func(id uint) bool { return signedUp != 0 && id == signedUp })
}

// consume is ConsumeToken; keepsPassword says whether the first verification of the
// token's customer keeps a password set before it.
func (s *Store) consume(ctx context.Context, token, purpose string, keepsPassword func(customerID uint) bool) (*Customer, error) {
	if len(token) != 43 {
		return nil, ErrTokenInvalid
	}
	now := s.clock()
	var c Customer
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row tokenRow
		err := tx.Where("hash = ?", hashToken(token)).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && row.Purpose != purpose) {
			return ErrTokenInvalid
		}
		if err != nil {
			return err
		}
		if row.UsedAt != nil {
			return ErrTokenUsed
		}
		if !now.Before(row.ExpiresAt) {
			return ErrTokenExpired
		}
		// Compare-and-set so that two concurrent uses cannot both succeed.
		res := tx.Model(&tokenRow{}).Where("id = ? AND used_at IS NULL", row.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrTokenUsed
		}
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND deleted_at IS NULL", row.CustomerID).Take(&c).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrTokenInvalid
			}
			return err
		}
		if c.EmailVerifiedAt != nil {
			return nil
		}
		set := map[string]any{"email_verified_at": now, "updated_at": now, "epoch": gorm.Expr("epoch + 1")}
		if !keepsPassword(c.ID) {
			set["password_hash"] = ""
		}
		if err := tx.Model(&Customer{}).Where("id = ?", c.ID).Updates(set).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", c.ID).Take(&c).Error
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// AttachGuestOrders gives the customer every order placed as a guest with their (verified)
// email, in one transaction, and returns how many. It writes fulfillment's orders table
// directly (only customer_id of rows without one), which fulfillment documents as the link
// between guest orders and accounts.
func (s *Store) AttachGuestOrders(ctx context.Context, customerID uint, email string) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Table("orders").Where("customer_id IS NULL AND email = ?", email).
			Updates(map[string]any{"customer_id": customerID, "updated_at": s.clock()})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("account: attach guest orders: %w", err)
	}
	return n, nil
}
