package fulfillment

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditEntry records one state change: who, what, when, from → to. Entries are written in
// the same transaction as the change they describe.
type AuditEntry struct {
	ID        uint      `gorm:"primaryKey" json:"id"`
	ActorID   *uint     `json:"actor_id,omitempty"`
	ActorRole string    `gorm:"size:32;not null" json:"actor_role"`
	Action    string    `gorm:"size:64;not null" json:"action"`       // "order.paid", "job.transition", "task.complete"…
	Object    string    `gorm:"size:64;index;not null" json:"object"` // "order:3", "job:12", "task:7"
	From      string    `gorm:"column:from_state;size:64;not null;default:''" json:"from,omitempty"`
	To        string    `gorm:"column:to_state;size:64;not null;default:''" json:"to,omitempty"`
	Note      string    `gorm:"size:1000;not null;default:''" json:"note,omitempty"`
	At        time.Time `gorm:"not null" json:"at"`
}

func object(kind string, id uint) string { return fmt.Sprintf("%s:%d", kind, id) }

func (s *Service) audit(tx *gorm.DB, a Actor, action, obj, from, to, note string) error {
	e := AuditEntry{ActorRole: a.Role, Action: action, Object: obj, From: from, To: to, Note: truncate(note, 1000), At: s.clock()}
	if a.StaffID != 0 {
		e.ActorID = ptr(a.StaffID)
	}
	return tx.Create(&e).Error
}

// AuditFor lists the audit entries of one object ("job:12"), oldest first.
func (s *Service) AuditFor(ctx context.Context, obj string) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.db.WithContext(ctx).Where("object = ?", obj).Order("at, id").Find(&out).Error
	return out, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 { // do not cut a UTF-8 sequence
		n--
	}
	return s[:n]
}
