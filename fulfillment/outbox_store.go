package fulfillment

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// outboxClaim bounds how long a sender may hold a message; after it, a crashed sender's
// message is retried (the only case in which an email can be sent twice).
const outboxClaim = 5 * time.Minute

// Enqueue writes msg into the outbox inside the caller's transaction tx, once per
// msg.DedupeKey: a second Enqueue with the same key does nothing and reports created=false.
// Kind, To, Subject, Body and DedupeKey are required.
func (s *Service) Enqueue(tx *gorm.DB, msg OutboxMessage) (created bool, err error) {
	fe := fieldErrors{}
	if msg.Kind == "" {
		fe.add("kind", "An email needs its kind.")
	}
	if _, m := ValidateEmail(msg.To); m != "" {
		fe.add("to", m)
	}
	if msg.Subject == "" || strings.ContainsAny(msg.Subject, "\r\n") {
		fe.add("subject", "An email needs a one-line subject.")
	}
	if msg.Body == "" {
		fe.add("body", "An email needs a body.")
	}
	if msg.DedupeKey == "" || len(msg.DedupeKey) > 160 {
		fe.add("dedupe_key", "An email needs a dedupe key of at most 160 characters.")
	}
	if err := fe.err(); err != nil {
		return false, err
	}
	now := s.clock()
	msg.ID, msg.Status, msg.Attempts, msg.NextAttemptAt, msg.CreatedAt = 0, OutboxPending, 0, now, now
	msg.To, msg.Subject = strings.TrimSpace(msg.To), truncate(msg.Subject, 300)
	msg.ClaimUntil, msg.SentAt, msg.LastError = nil, nil, ""
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&msg)
	return res.RowsAffected == 1, res.Error
}

// EnqueueEmail is Enqueue in its own transaction, for callers outside one (e.g. the app's
// sign-in link and password-reset emails).
func (s *Service) EnqueueEmail(ctx context.Context, msg OutboxMessage) (bool, error) {
	var created bool
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		created, err = s.Enqueue(tx, msg)
		return err
	})
	return created, err
}

// DeliveryReport counts what one DeliverOutbox call did.
type DeliveryReport struct {
	Sent, Logged, Retried, Failed int
}

// DeliverOutbox sends the due messages through m (up to 500 per call). Each message is
// claimed with a compare-and-set update before sending, so two deliverers never send one
// message twice; a failed send is retried with exponential backoff (Options.OutboxBackoff
// doubled per attempt, at most 6h) on the injected clock, and marked failed after
// Options.OutboxMaxAttempts. A Mailer that implements LogOnly marks messages "logged".
func (s *Service) DeliverOutbox(ctx context.Context, m Mailer) (DeliveryReport, error) {
	var rep DeliveryReport
	for handled := 0; handled < 500; {
		var ids []uint
		now := s.clock()
		err := s.db.WithContext(ctx).Model(&OutboxMessage{}).
			Where("(status = ? AND next_attempt_at <= ?) OR (status = ? AND claim_until < ?)", OutboxPending, now, OutboxSending, now).
			Order("next_attempt_at, id").Limit(50).Pluck("id", &ids).Error
		if err != nil || len(ids) == 0 {
			return rep, err
		}
		progressed := false
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			msg, err := s.claimMessage(ctx, id)
			if err != nil {
				return rep, err
			}
			if msg == nil {
				continue // another deliverer has it
			}
			progressed = true
			handled++
			body, logOnly := msg.Body, isLogOnly(m)
			if logOnly && msg.CarriesSecret() {
				body = RedactedBody // a log is read by more people than the customer's inbox
			}
			if err := s.finishMessage(ctx, msg, m.Send(ctx, msg.To, msg.Subject, body), logOnly, &rep); err != nil {
				return rep, err
			}
		}
		if !progressed {
			return rep, nil
		}
	}
	return rep, nil
}

func (s *Service) claimMessage(ctx context.Context, id uint) (*OutboxMessage, error) {
	now := s.clock()
	until := now.Add(outboxClaim)
	res := s.db.WithContext(ctx).Model(&OutboxMessage{}).
		Where("id = ? AND ((status = ? AND next_attempt_at <= ?) OR (status = ? AND claim_until < ?))", id, OutboxPending, now, OutboxSending, now).
		Updates(map[string]any{"status": OutboxSending, "claim_until": until, "attempts": gorm.Expr("attempts + 1")})
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, res.Error
	}
	var msg OutboxMessage
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&msg).Error; err != nil {
		return nil, err
	}
	return &msg, nil
}

func (s *Service) finishMessage(ctx context.Context, msg *OutboxMessage, sendErr error, logOnly bool, rep *DeliveryReport) error {
	now := s.clock()
	upd := map[string]any{"claim_until": nil}
	switch {
	case sendErr == nil && logOnly:
		upd["status"], upd["sent_at"], upd["last_error"] = OutboxLogged, now, ""
		rep.Logged++
	case sendErr == nil:
		upd["status"], upd["sent_at"], upd["last_error"] = OutboxSent, now, ""
		rep.Sent++
	case msg.Attempts >= s.opt.OutboxMaxAttempts:
		upd["status"], upd["last_error"] = OutboxFailed, truncate(sendErr.Error(), 1000)
		rep.Failed++
		s.log.Error("outbox: giving up", "message_id", msg.ID, "kind", msg.Kind, "attempts", msg.Attempts, slog.Any("error", sendErr))
	default:
		upd["status"], upd["last_error"] = OutboxPending, truncate(sendErr.Error(), 1000)
		upd["next_attempt_at"] = now.Add(s.backoff(msg.Attempts))
		rep.Retried++
		s.log.Warn("outbox: send failed, will retry", "message_id", msg.ID, "kind", msg.Kind, "attempts", msg.Attempts, slog.Any("error", sendErr))
	}
	if upd["status"] != OutboxPending && msg.CarriesSecret() {
		upd["body"] = RedactedBody // finished: nobody needs the link any more
	}
	// Only the claim we made may finish the message (attempts identifies it). The message
	// has gone out, or not, whatever happened to ctx meanwhile: record it even when ctx was
	// cancelled (a shutdown mid-send), or it stays "sending" and is sent again after its claim.
	return s.db.WithContext(context.WithoutCancel(ctx)).Model(&OutboxMessage{}).
		Where("id = ? AND status = ? AND attempts = ?", msg.ID, OutboxSending, msg.Attempts).Updates(upd).Error
}

// backoff returns the delay after the n-th failed attempt: base × 2^(n−1), at most 6h.
func (s *Service) backoff(n int) time.Duration {
	d := s.opt.OutboxBackoff
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// ListOutbox returns messages in a status ("" = all), newest first, for the console.
func (s *Service) ListOutbox(ctx context.Context, status string, limit int) ([]OutboxMessage, error) {
	q := s.db.WithContext(ctx).Order("created_at DESC, id DESC").Limit(clampLimit(limit))
	if status != "" {
		q = q.Where("status = ?", status)
	}
	var out []OutboxMessage
	return out, q.Find(&out).Error
}

// GetOutboxMessage returns one message or ErrNotFound.
func (s *Service) GetOutboxMessage(ctx context.Context, id uint) (*OutboxMessage, error) {
	return byID[OutboxMessage](s.db.WithContext(ctx), id)
}

func clampLimit(n int) int {
	if n <= 0 || n > 500 {
		return 100
	}
	return n
}
