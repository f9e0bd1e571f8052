package staff

import (
	"fmt"

	"gorm.io/gorm"
)

// MigrateMustChangePassword adds staff_members.must_change_password (false) to a database
// written before one-time passwords had to be changed, inside the migration's transaction
// tx. Existing members keep working as before: nothing records whether their password was a
// generated one. It is idempotent, and on a fresh database it changes nothing.
func MigrateMustChangePassword(tx *gorm.DB) error {
	m := tx.Migrator()
	if m.HasColumn(&Member{}, "MustChangePassword") {
		return nil
	}
	if err := m.AddColumn(&Member{}, "MustChangePassword"); err != nil {
		return fmt.Errorf("staff: must change password: add column: %w", err)
	}
	return nil
}
