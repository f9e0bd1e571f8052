package fulfillment

import (
	"slices"
	"time"
)

// Production job statuses. A job is one unit (one bottle) of one order line.
const (
	JobQueued       = "queued"
	JobCompounding  = "compounding"
	JobQualityCheck = "quality_check"
	JobPacked       = "packed"
	JobShipped      = "shipped"
	JobDelivered    = "delivered"
	JobOnHold       = "on_hold"
	JobCancelled    = "cancelled"
)

// openJobStatuses are the states in which a job sits in the production queue and can be
// claimed. The literal is repeated in the partial index and in the claim queries so both
// engines can prove the index applies.
const openJobStatusesSQL = "status IN ('queued','compounding','quality_check','packed')"

// jobMoves lists the allowed transitions. on_hold returns to the state it left (HoldFrom),
// which jobAllowed adds at run time; quality_check may send a unit back to compounding.
var jobMoves = map[string][]string{
	JobQueued:       {JobCompounding, JobOnHold, JobCancelled},
	JobCompounding:  {JobQualityCheck, JobOnHold, JobCancelled},
	JobQualityCheck: {JobPacked, JobCompounding, JobOnHold, JobCancelled},
	JobPacked:       {JobShipped, JobOnHold, JobCancelled},
	JobShipped:      {JobDelivered},
	JobDelivered:    nil,
	JobOnHold:       {JobCancelled},
	JobCancelled:    nil,
}

// jobRank orders the forward path, so the order's status can follow the least advanced job.
var jobRank = map[string]int{
	JobQueued: 0, JobCompounding: 1, JobQualityCheck: 2, JobPacked: 3, JobShipped: 4, JobDelivered: 5,
}

// ProductionJob is one unit of an order line to compound, check, pack and ship.
type ProductionJob struct {
	ID          uint   `gorm:"primaryKey;index:idx_jobs_claimable,priority:3" json:"id"`
	OrderID     uint   `gorm:"index;not null" json:"order_id"`
	OrderItemID uint   `gorm:"uniqueIndex:idx_jobs_item_unit,priority:1;not null" json:"order_item_id"`
	Unit        int    `gorm:"uniqueIndex:idx_jobs_item_unit,priority:2;not null" json:"unit"` // 1..quantity
	Status      string `gorm:"size:32;not null;index:idx_jobs_status_created,priority:1" json:"status"`
	// HoldFrom is the state an on_hold job left and returns to; Reason explains a hold or cancellation.
	HoldFrom    string     `gorm:"size:32;not null;default:''" json:"hold_from,omitempty"`
	Reason      string     `gorm:"size:1000;not null;default:''" json:"reason,omitempty"`
	Priority    int        `gorm:"not null;default:0;index:idx_jobs_claimable,priority:1,sort:desc,where:claimed_by IS NULL AND status IN ('queued'\\,'compounding'\\,'quality_check'\\,'packed')" json:"priority"`
	ClaimedBy   *uint      `gorm:"index" json:"claimed_by,omitempty"`
	LeaseUntil  *time.Time `gorm:"index" json:"lease_until,omitempty"`
	Carrier     string     `gorm:"size:64;not null;default:''" json:"carrier,omitempty"`
	Tracking    string     `gorm:"size:128;not null;default:''" json:"tracking,omitempty"`
	Version     int        `gorm:"not null;default:1" json:"version"` // optimistic lock, bumped on every change
	CreatedAt   time.Time  `gorm:"not null;index:idx_jobs_claimable,priority:2;index:idx_jobs_status_created,priority:2" json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	ShippedAt   *time.Time `json:"shipped_at,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
}

// jobAllowed returns the states job may move to next.
func jobAllowed(j *ProductionJob) []string {
	out := slices.Clone(jobMoves[j.Status])
	if j.Status == JobOnHold && j.HoldFrom != "" {
		out = append([]string{j.HoldFrom}, out...)
	}
	return out
}

// AllowedJobTransitions returns the states a job in status (held from holdFrom when
// status is on_hold) may move to; for UIs that offer only legal buttons.
func AllowedJobTransitions(status, holdFrom string) []string {
	return jobAllowed(&ProductionJob{Status: status, HoldFrom: holdFrom})
}

// isOpenJob reports whether a job in this status sits in the production queue.
func isOpenJob(status string) bool {
	switch status {
	case JobQueued, JobCompounding, JobQualityCheck, JobPacked:
		return true
	}
	return false
}
