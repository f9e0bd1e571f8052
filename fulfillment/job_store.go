package fulfillment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// JobTransition is a requested move of a production job.
type JobTransition struct {
	To       string
	Note     string // required for on_hold and cancelled (the reason)
	Carrier  string // required for shipped
	Tracking string // required for shipped
}

// GetJob returns a production job or ErrNotFound.
func (s *Service) GetJob(ctx context.Context, id uint) (*ProductionJob, error) {
	return getJob(s.db.WithContext(ctx), id)
}

func getJob(db *gorm.DB, id uint) (*ProductionJob, error) { return byID[ProductionJob](db, id) }

// byID loads one row of T by primary key, translating a missing row into ErrNotFound.
func byID[T any](db *gorm.DB, id uint) (*T, error) {
	var v T
	err := db.Where("id = ?", id).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// holdsJob reports whether a holds a live claim on j at now.
func holdsJob(j *ProductionJob, a Actor, now time.Time) bool {
	return j.ClaimedBy != nil && *j.ClaimedBy == a.StaffID && a.StaffID != 0 && j.LeaseUntil != nil && !j.LeaseUntil.Before(now)
}

// Transition moves a job to in.To for actor a (role fulfillment or admin).
//
// Only the moves in the state machine are allowed (*IllegalTransitionError lists the
// allowed ones). While a job is in the queue (queued … packed) the actor must hold its live
// claim, or be admin; moving renews the lease. shipped needs carrier and tracking; on_hold
// and cancelled need a reason (Note); on_hold returns to the state it left; leaving the
// queue (shipped, on_hold, cancelled) releases the claim; resuming from on_hold gives the
// actor the claim. The order's status follows its jobs, with its emails and follow-ups.
func (s *Service) Transition(ctx context.Context, jobID uint, a Actor, in JobTransition) (*ProductionJob, error) {
	if !a.can(RoleFulfillment) {
		return nil, ErrForbidden
	}
	in.Note, in.Carrier, in.Tracking = strings.TrimSpace(in.Note), strings.TrimSpace(in.Carrier), strings.TrimSpace(in.Tracking)
	if _, known := jobMoves[in.To]; !known {
		return nil, &ValidationError{Fields: map[string]string{"to": fmt.Sprintf("Unknown status %q.", in.To)}}
	}
	var out ProductionJob
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.clock()
		j, err := getJob(forUpdate(tx), jobID)
		if err != nil {
			return err
		}
		allowed := jobAllowed(j)
		if !slices.Contains(allowed, in.To) {
			return &IllegalTransitionError{Object: object("job", j.ID), From: j.Status, To: in.To, Allowed: allowed}
		}
		if isOpenJob(j.Status) && !a.isAdmin() && !holdsJob(j, a, now) {
			return ErrNotClaimed
		}
		fe := fieldErrors{}
		if in.To == JobShipped {
			if in.Carrier == "" || len(in.Carrier) > 64 {
				fe.add("carrier", "Shipping needs the carrier (at most 64 characters).")
			}
			if in.Tracking == "" || len(in.Tracking) > 128 {
				fe.add("tracking", "Shipping needs the tracking number (at most 128 characters).")
			}
		}
		if (in.To == JobOnHold || in.To == JobCancelled) && in.Note == "" {
			fe.add("note", "Please give the reason.")
		}
		if err := fe.err(); err != nil {
			return err
		}
		upd := map[string]any{"status": in.To, "version": j.Version + 1, "updated_at": now}
		until := now.Add(s.opt.JobLease)
		switch {
		case in.To == JobOnHold:
			upd["hold_from"], upd["reason"], upd["claimed_by"], upd["lease_until"] = j.Status, in.Note, nil, nil
		case in.To == JobCancelled:
			upd["reason"], upd["claimed_by"], upd["lease_until"] = in.Note, nil, nil
		case in.To == JobShipped:
			upd["carrier"], upd["tracking"], upd["shipped_at"], upd["claimed_by"], upd["lease_until"] = in.Carrier, in.Tracking, now, nil, nil
		case in.To == JobDelivered:
			upd["delivered_at"] = now
		case j.Status == JobOnHold: // resuming
			upd["hold_from"], upd["reason"] = "", ""
			if a.StaffID != 0 {
				upd["claimed_by"], upd["lease_until"] = a.StaffID, until
			}
		default: // a step forward inside the queue: activity renews the lease
			if j.ClaimedBy == nil && a.StaffID != 0 {
				upd["claimed_by"] = a.StaffID
			}
			upd["lease_until"] = until
		}
		res := tx.Model(&ProductionJob{}).Where("id = ? AND version = ?", j.ID, j.Version).Updates(upd)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		if err := s.audit(tx, a, "job.transition", object("job", j.ID), j.Status, in.To, in.Note); err != nil {
			return err
		}
		if err := s.syncOrderStatus(tx, j.OrderID, a, now); err != nil {
			return err
		}
		return tx.Where("id = ?", j.ID).Take(&out).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ClaimNextJob gives actor a the next job of the production queue with a lease (≤ 0 uses
// Options.JobLease): the highest priority, then oldest, among jobs in the queue (queued …
// packed) that nobody holds or whose lease expired. Two staff never get the same job: the
// pick runs with FOR UPDATE SKIP LOCKED on PostgreSQL and the claim is a compare-and-set
// update checked by RowsAffected (a lost race picks again). ErrQueueEmpty when none.
func (s *Service) ClaimNextJob(ctx context.Context, a Actor, lease time.Duration) (*ProductionJob, error) {
	return s.claimJob(ctx, a, 0, lease)
}

// ClaimJob claims one particular job (e.g. picked from the list) if it is in the queue and
// free, expired, or already the actor's; otherwise ErrConflict (someone holds it) or an
// *IllegalTransitionError (not in the queue).
func (s *Service) ClaimJob(ctx context.Context, jobID uint, a Actor, lease time.Duration) (*ProductionJob, error) {
	if jobID == 0 {
		return nil, ErrNotFound
	}
	return s.claimJob(ctx, a, jobID, lease)
}

func (s *Service) claimJob(ctx context.Context, a Actor, jobID uint, lease time.Duration) (*ProductionJob, error) {
	if !a.can(RoleFulfillment) || a.StaffID == 0 {
		return nil, ErrForbidden
	}
	if lease <= 0 {
		lease = s.opt.JobLease
	}
	for attempt := 0; attempt < 50; attempt++ {
		var got *ProductionJob
		err := s.claimTx(ctx, func(tx *gorm.DB) error {
			now := s.clock()
			best, err := s.pickJob(tx, jobID, a, now)
			if err != nil {
				return err
			}
			until := now.Add(lease)
			res := tx.Model(&ProductionJob{}).
				Where("id = ? AND "+openJobStatusesSQL+" AND (claimed_by IS NULL OR lease_until < ? OR claimed_by = ?)", best.ID, now, a.StaffID).
				Updates(map[string]any{"claimed_by": a.StaffID, "lease_until": until, "version": gorm.Expr("version + 1"), "updated_at": now})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // lost the race: pick again
			}
			best.ClaimedBy, best.LeaseUntil, best.Version, best.UpdatedAt = ptr(a.StaffID), &until, best.Version+1, now
			got = best
			return s.audit(tx, a, "job.claim", object("job", best.ID), best.Status, best.Status, "claimed until "+until.Format(time.RFC3339))
		})
		if err != nil {
			return nil, err
		}
		if got != nil {
			return got, nil
		}
	}
	return nil, ErrConflict
}

// pickJob finds the claim candidate: a given job, or the best of the unclaimed and the
// lease-expired heads of the queue (each found through its own index).
func (s *Service) pickJob(tx *gorm.DB, jobID uint, a Actor, now time.Time) (*ProductionJob, error) {
	if jobID != 0 {
		j, err := getJob(forUpdate(tx), jobID)
		if err != nil {
			return nil, err
		}
		if !isOpenJob(j.Status) {
			return nil, &IllegalTransitionError{Object: object("job", j.ID), From: j.Status, To: "claimed", Allowed: jobAllowed(j)}
		}
		if j.ClaimedBy != nil && *j.ClaimedBy != a.StaffID && j.LeaseUntil != nil && !j.LeaseUntil.Before(now) {
			return nil, ErrConflict
		}
		return j, nil
	}
	// SQLite's planner, without statistics, prefers the wrong index here; name the right one.
	free, expired := tx.Model(&ProductionJob{}), tx.Model(&ProductionJob{})
	if tx.Dialector.Name() == "sqlite" {
		free = tx.Table("production_jobs INDEXED BY idx_jobs_claimable")
		expired = tx.Table("production_jobs INDEXED BY idx_production_jobs_lease_until")
	}
	var cands []ProductionJob
	for _, q := range []*gorm.DB{
		free.Where("claimed_by IS NULL AND " + openJobStatusesSQL),
		expired.Where("claimed_by IS NOT NULL AND lease_until < ? AND "+openJobStatusesSQL, now),
	} {
		var c ProductionJob
		err := skipLocked(q).Order("priority DESC, created_at, id").Limit(1).Take(&c).Error
		if err == nil {
			cands = append(cands, c)
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, err
		}
	}
	if len(cands) == 0 {
		return nil, ErrQueueEmpty
	}
	best := slices.MinFunc(cands, func(x, y ProductionJob) int {
		if x.Priority != y.Priority {
			return y.Priority - x.Priority
		}
		if c := x.CreatedAt.Compare(y.CreatedAt); c != 0 {
			return c
		}
		return int(x.ID) - int(y.ID)
	})
	return &best, nil
}

// ReleaseJob gives a claimed job back to the queue in its current state (not lost: the
// next claim-next can take it). The holder or an admin may release.
func (s *Service) ReleaseJob(ctx context.Context, jobID uint, a Actor) (*ProductionJob, error) {
	return s.changeClaim(ctx, jobID, a, "job.release", func(j *ProductionJob, now time.Time) (map[string]any, string, string, error) {
		if !holdsJob(j, a, now) && !a.isAdmin() {
			return nil, "", "", ErrNotClaimed
		}
		return map[string]any{"claimed_by": nil, "lease_until": nil}, j.Status, j.Status, nil
	})
}

// RenewJobLease extends the holder's lease to now + lease (≤ 0 uses Options.JobLease).
func (s *Service) RenewJobLease(ctx context.Context, jobID uint, a Actor, lease time.Duration) (*ProductionJob, error) {
	if lease <= 0 {
		lease = s.opt.JobLease
	}
	return s.changeClaim(ctx, jobID, a, "job.renew", func(j *ProductionJob, now time.Time) (map[string]any, string, string, error) {
		if !holdsJob(j, a, now) {
			return nil, "", "", ErrNotClaimed
		}
		return map[string]any{"lease_until": now.Add(lease)}, j.Status, j.Status, nil
	})
}

// ReassignJob (admin only) gives a job in the queue to another staff member with a fresh
// lease. Its audit entry goes from the previous holder to the new one ("staff:3" →
// "staff:7"; "unclaimed" when nobody held it), with the job's status in the note.
func (s *Service) ReassignJob(ctx context.Context, jobID uint, admin Actor, toStaffID uint) (*ProductionJob, error) {
	if !admin.isAdmin() {
		return nil, ErrForbidden
	}
	if toStaffID == 0 {
		return nil, &ValidationError{Fields: map[string]string{"staff_id": "Choose a staff member."}}
	}
	return s.changeClaim(ctx, jobID, admin, "job.reassign", func(j *ProductionJob, now time.Time) (map[string]any, string, string, error) {
		from := "unclaimed"
		if j.ClaimedBy != nil {
			from = object("staff", *j.ClaimedBy)
		}
		return map[string]any{"claimed_by": toStaffID, "lease_until": now.Add(s.opt.JobLease)}, from, object("staff", toStaffID), nil
	})
}

// changeClaim applies a change to a job's claim, in the queue only, with its audit entry:
// change returns the update and the entry's from and to.
func (s *Service) changeClaim(ctx context.Context, jobID uint, a Actor, action string,
	change func(j *ProductionJob, now time.Time) (upd map[string]any, from, to string, err error)) (*ProductionJob, error) {
	if !a.can(RoleFulfillment) {
		return nil, ErrForbidden
	}
	var out ProductionJob
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.clock()
		j, err := getJob(forUpdate(tx), jobID)
		if err != nil {
			return err
		}
		if !isOpenJob(j.Status) {
			return &IllegalTransitionError{Object: object("job", j.ID), From: j.Status, To: "claim change", Allowed: jobAllowed(j)}
		}
		upd, from, to, err := change(j, now)
		if err != nil {
			return err
		}
		upd["version"], upd["updated_at"] = j.Version+1, now
		res := tx.Model(&ProductionJob{}).Where("id = ? AND version = ?", j.ID, j.Version).Updates(upd)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		note := ""
		if from != j.Status {
			note = "status " + j.Status
		}
		if err := s.audit(tx, a, action, object("job", j.ID), from, to, note); err != nil {
			return err
		}
		return tx.Where("id = ?", j.ID).Take(&out).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
