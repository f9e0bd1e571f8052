package staff

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
	"atelier/fulfillment"
)

// Lockout policy: after MaxFailedAttempts wrong passwords in a row the account refuses every
// sign-in, even a right one, for LockoutFor.
const (
	MaxFailedAttempts = 5
	LockoutFor        = 15 * time.Minute
	maxNameLength     = 100
)

// Accounts keeps staff members, their passwords, tokens and sessions' epochs. Callers check
// who may change accounts (the console allows admins; the command line is the operator);
// every change is audited with the actor.
type Accounts struct {
	db    *gorm.DB
	now   func() time.Time
	argon passhash.Params
}

// AccountsOptions tune Accounts.
type AccountsOptions struct {
	// Now is the clock (nil = time.Now).
	Now func() time.Time
	// Passwords is the argon2id cost of new password hashes; the zero value is production
	// cost (passhash.Default). Verification always uses the cost a hash records, so tests may
	// lower it without weakening anything they check.
	Passwords passhash.Params
}

// NewAccounts returns the accounts over db with the clock now (nil = time.Now) and
// production password cost.
func NewAccounts(db *gorm.DB, now func() time.Time) *Accounts {
	return NewAccountsWithOptions(db, AccountsOptions{Now: now})
}

// NewAccountsWithOptions returns the accounts over db tuned by o.
func NewAccountsWithOptions(db *gorm.DB, o AccountsOptions) *Accounts {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &Accounts{db: db, now: func() time.Time { return now().UTC() }, argon: o.Passwords.OrDefault()}
}

// NewMember is the input to Add. An empty Password makes Add generate one.
type NewMember struct {
	Email    string
	Name     string
	Role     string
	Password string
}

// Add creates a staff member and returns them with their password: the one given, or a
// generated one-time password to hand over once, which the member must change before using
// the console (MustChangePassword). A taken email is a *ValidationError.
func (a *Accounts) Add(ctx context.Context, actor fulfillment.Actor, in NewMember) (*Member, string, error) {
	fields := map[string]string{}
	email, msg := fulfillment.ValidateEmail(in.Email)
	if msg != "" {
		fields["email"] = msg
	}
	email = strings.ToLower(email)
	in.Name = strings.TrimSpace(in.Name)
	if len(in.Name) > maxNameLength {
		fields["name"] = fmt.Sprintf("Use at most %d characters.", maxNameLength)
	}
	if !ValidRole(in.Role) {
		fields["role"] = "Choose fulfillment, care or admin."
	}
	oneTime := in.Password == ""
	if oneTime {
		in.Password = GeneratePassword()
	} else if msg := validatePassword(in.Password); msg != "" {
		fields["password"] = msg
	}
	if len(fields) > 0 {
		return nil, "", &ValidationError{Fields: fields}
	}
	hash, err := a.argon.Hash(in.Password)
	if err != nil {
		return nil, "", err
	}
	m := &Member{Email: email, Name: in.Name, Role: in.Role, PasswordHash: hash, Epoch: 1, MustChangePassword: oneTime}
	err = a.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(m)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &ValidationError{Fields: map[string]string{"email": "A staff member with this email already exists."}}
		}
		return a.audit(tx, actor, "staff.add", m.ID, "", m.Role, m.Email)
	})
	if err != nil {
		return nil, "", err
	}
	return m, in.Password, nil
}

// Authenticate checks an email and password. Every refusal is ErrBadCredentials (ErrLocked
// while the account is locked, which also matches ErrBadCredentials), so callers show one
// generic message. MaxFailedAttempts wrong passwords in a row lock the account for LockoutFor.
func (a *Accounts) Authenticate(ctx context.Context, email, password string) (*Member, error) {
	if len(password) > MaxPasswordLength {
		return nil, ErrBadCredentials
	}
	var m Member
	err := a.db.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && m.Disabled {
		a.argon.Equalise(password) // same time as a real check
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if err := a.verify(ctx, &m, password); err != nil {
		return nil, err
	}
	return &m, nil
}

// verify checks password against m's hash and keeps the lockout count: a right password
// clears it; a wrong one is ErrBadCredentials and adds to it, and MaxFailedAttempts in a row
// lock the account for LockoutFor. While locked every password is ErrLocked.
func (a *Accounts) verify(ctx context.Context, m *Member, password string) error {
	ok, err := passhash.Verify(m.PasswordHash, password)
	if err != nil {
		return err
	}
	now := a.now()
	if m.Locked(now) {
		return ErrLocked
	}
	if ok {
		if m.FailedAttempts != 0 || m.LockedUntil != nil {
			err := a.db.WithContext(ctx).Model(&Member{}).Where("id = ?", m.ID).
				Updates(map[string]any{"failed_attempts": 0, "locked_until": nil}).Error
			if err != nil {
				return err
			}
			m.FailedAttempts, m.LockedUntil = 0, nil
		}
		return nil
	}
	err = a.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&Member{}).Where("id = ?", m.ID).
			Update("failed_attempts", gorm.Expr("failed_attempts + 1")).Error; err != nil {
			return err
		}
		var n int
		if err := tx.Model(&Member{}).Where("id = ?", m.ID).Select("failed_attempts").Scan(&n).Error; err != nil {
			return err
		}
		if n < MaxFailedAttempts {
			return nil
		}
		until := now.Add(LockoutFor)
		if err := tx.Model(&Member{}).Where("id = ?", m.ID).
			Updates(map[string]any{"failed_attempts": 0, "locked_until": until}).Error; err != nil {
			return err
		}
		return a.audit(tx, fulfillment.System, "staff.locked", m.ID, "", until.Format(time.RFC3339), fmt.Sprintf("%d wrong passwords", n))
	})
	if err != nil {
		return err
	}
	return ErrBadCredentials
}

// ByID returns a member (disabled ones too), or ErrNotFound.
func (a *Accounts) ByID(ctx context.Context, id uint) (*Member, error) {
	var m Member
	if err := a.db.WithContext(ctx).Take(&m, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return &m, nil
}

// ByEmail returns a member by email (any case), or ErrNotFound.
func (a *Accounts) ByEmail(ctx context.Context, email string) (*Member, error) {
	var m Member
	err := a.db.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &m, err
}

// ByToken returns the enabled member whose API token this is, or ErrBadCredentials.
func (a *Accounts) ByToken(ctx context.Context, token string) (*Member, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return nil, ErrBadCredentials
	}
	var m Member
	err := a.db.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && m.Disabled {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// List returns every member, by email.
func (a *Accounts) List(ctx context.Context) ([]Member, error) {
	var ms []Member
	err := a.db.WithContext(ctx).Order("email").Find(&ms).Error
	return ms, err
}

// SetPassword replaces a member's password, clears a lockout and ends their sessions. The
// password is not marked one-time (ResetPassword is the one to hand over).
func (a *Accounts) SetPassword(ctx context.Context, actor fulfillment.Actor, id uint, password string) error {
	return a.setPassword(ctx, actor, id, password, false)
}

// ResetPassword gives a member a generated one-time password and returns it: their sessions
// end, and they must change it after signing in (MustChangePassword).
func (a *Accounts) ResetPassword(ctx context.Context, actor fulfillment.Actor, id uint) (string, error) {
	pw := GeneratePassword()
	return pw, a.setPassword(ctx, actor, id, pw, true)
}

func (a *Accounts) setPassword(ctx context.Context, actor fulfillment.Actor, id uint, password string, oneTime bool) error {
	if msg := validatePassword(password); msg != "" {
		return &ValidationError{Fields: map[string]string{"password": msg}}
	}
	hash, err := a.argon.Hash(password)
	if err != nil {
		return err
	}
	return a.change(ctx, actor, id, "staff.password", func(m *Member) (map[string]any, string, string) {
		return map[string]any{"password_hash": hash, "failed_attempts": 0, "locked_until": nil,
			"must_change_password": oneTime, "epoch": m.Epoch + 1}, "", ""
	})
}

// PasswordChange is a member's change of their own password: the current one, and the new
// one twice.
type PasswordChange struct {
	Current string
	New     string
	Confirm string
}

// ChangePassword replaces the member's own password after checking the current one. Problems
// with the fields are a *ValidationError (current, new, confirm), found before the current
// password is tried; a wrong current password is ErrBadCredentials and counts toward the
// lockout exactly as a wrong sign-in does (ErrLocked while locked). On success the
// one-time mark and any failed attempts clear and the epoch moves on, which ends every session
// of the member; it returns the member as changed, so the caller can re-stamp the session it
// keeps. The audit entry says who and when, never the password.
func (a *Accounts) ChangePassword(ctx context.Context, id uint, in PasswordChange) (*Member, error) {
	fields := map[string]string{}
	if in.Current == "" {
		fields["current_password"] = "Enter your current password."
	}
	if msg := validatePassword(in.New); msg != "" {
		fields["new_password"] = msg
	} else if in.New == in.Current {
		fields["new_password"] = "Choose a password other than your current one."
	}
	if _, bad := fields["new_password"]; !bad && in.Confirm != in.New {
		fields["confirm_password"] = "This does not match the new password."
	}
	if len(fields) > 0 {
		return nil, &ValidationError{Fields: fields}
	}
	m, err := a.ByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.Disabled || len(in.Current) > MaxPasswordLength {
		return nil, ErrBadCredentials
	}
	if err := a.verify(ctx, m, in.Current); err != nil {
		return nil, err
	}
	hash, err := a.argon.Hash(in.New)
	if err != nil {
		return nil, err
	}
	var changed Member
	err = a.change(ctx, m.Actor(), id, "staff.password_change", func(m *Member) (map[string]any, string, string) {
		changed = *m
		changed.PasswordHash, changed.MustChangePassword, changed.Epoch = hash, false, m.Epoch+1
		changed.FailedAttempts, changed.LockedUntil = 0, nil
		return map[string]any{"password_hash": hash, "failed_attempts": 0, "locked_until": nil,
			"must_change_password": false, "epoch": changed.Epoch}, "", ""
	})
	if err != nil {
		return nil, err
	}
	return &changed, nil
}

// SetRole changes a member's role. It takes effect on their next request.
func (a *Accounts) SetRole(ctx context.Context, actor fulfillment.Actor, id uint, role string) error {
	if !ValidRole(role) {
		return &ValidationError{Fields: map[string]string{"role": "Choose fulfillment, care or admin."}}
	}
	return a.change(ctx, actor, id, "staff.role", func(m *Member) (map[string]any, string, string) {
		return map[string]any{"role": role}, m.Role, role
	})
}

// Disable stops a member from signing in: their sessions end and their API token stops working.
func (a *Accounts) Disable(ctx context.Context, actor fulfillment.Actor, id uint) error {
	return a.change(ctx, actor, id, "staff.disable", func(m *Member) (map[string]any, string, string) {
		return map[string]any{"disabled": true, "token_hash": nil, "epoch": m.Epoch + 1}, "enabled", "disabled"
	})
}

// SignOut ends every session of a member when they sign out (their own action, audited as
// such): the session cookie they signed out of, and any copy of it, no longer works.
func (a *Accounts) SignOut(ctx context.Context, actor fulfillment.Actor, id uint) error {
	return a.change(ctx, actor, id, "staff.sign_out", func(m *Member) (map[string]any, string, string) {
		return map[string]any{"epoch": m.Epoch + 1}, "", ""
	})
}

// SignOutEverywhere ends every session of a member.
func (a *Accounts) SignOutEverywhere(ctx context.Context, actor fulfillment.Actor, id uint) error {
	return a.change(ctx, actor, id, "staff.sign_out_everywhere", func(m *Member) (map[string]any, string, string) {
		return map[string]any{"epoch": m.Epoch + 1}, "", ""
	})
}

const tokenPrefix = "atl_"

// IssueToken gives a member a new API token (revoking the old one) and returns it; only its
// hash is kept, so it is shown this once.
func (a *Accounts) IssueToken(ctx context.Context, actor fulfillment.Actor, id uint) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	h, now := hashToken(token), a.now()
	err := a.change(ctx, actor, id, "staff.token", func(m *Member) (map[string]any, string, string) {
		return map[string]any{"token_hash": h, "token_created_at": now}, "", ""
	})
	return token, err
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// change applies an update to one member and audits it in one transaction.
func (a *Accounts) change(ctx context.Context, actor fulfillment.Actor, id uint, action string,
	fn func(m *Member) (updates map[string]any, from, to string)) error {
	return a.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m Member
		if err := tx.Take(&m, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		updates, from, to := fn(&m)
		updates["updated_at"] = a.now()
		if err := tx.Model(&Member{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
		return a.audit(tx, actor, action, id, from, to, "")
	})
}

func (a *Accounts) audit(tx *gorm.DB, actor fulfillment.Actor, action string, id uint, from, to, note string) error {
	e := AuditEntry{Action: action, Object: fmt.Sprintf("staff:%d", id), From: from, To: to, Note: note, At: a.now()}
	if actor.StaffID != 0 {
		aid := actor.StaffID
		e.ActorID = &aid
	}
	return tx.Create(&e).Error
}

// Audit lists the audit entries of one member, oldest first.
func (a *Accounts) Audit(ctx context.Context, id uint) ([]AuditEntry, error) {
	var es []AuditEntry
	err := a.db.WithContext(ctx).Where("object = ?", fmt.Sprintf("staff:%d", id)).Order("id").Find(&es).Error
	return es, err
}
