package loyalty

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"atelier/app/account"
	"atelier/app/loyalty/score"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// subject is one customer with their history, as the recompute sees them.
type subject struct {
	ID      uint
	Email   string
	Name    string
	OptIn   bool
	History score.History
}

// paidStatuses are the order statuses that count as bought.
var paidStatuses = []string{fulfillment.OrderPaid, fulfillment.OrderInProduction, fulfillment.OrderShipped, fulfillment.OrderDelivered}

// loadSubjects reads the histories of every live customer (only is 0) or of one, in a fixed
// number of set-based queries, and assembles them in memory. Orders and ratings without a
// customer id are matched to a customer by email. Rows are scanned directly (not through
// GORM's reflection), which is most of the cost at ten thousand customers.
func (s *Service) loadSubjects(ctx context.Context, only uint) ([]*subject, error) {
	db := s.db.WithContext(ctx)
	var subs []*subject
	q := db.Model(&account.Customer{}).Select("id", "email", "name", "marketing_opt_in", "created_at").Where("deleted_at IS NULL")
	if only != 0 {
		q = q.Where("id = ?", only)
	}
	err := each(q.Order("id"), func(scan func(...any) error) error {
		var c account.Customer
		var name sql.NullString
		if err := scan(&c.ID, &c.Email, &name, &c.MarketingOptIn, &c.CreatedAt); err != nil {
			return err
		}
		c.Name = name.String
		subs = append(subs, &subject{ID: c.ID, Email: c.Email, Name: c.DisplayName(), OptIn: c.MarketingOptIn,
			History: score.History{CustomerID: c.ID, Currency: s.currency(), Since: c.CreatedAt.UTC()}})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loyalty: load customers: %w", err)
	}
	if len(subs) == 0 {
		return subs, nil
	}
	byID := make(map[uint]*subject, len(subs))
	byEmail := make(map[string]*subject, len(subs))
	for _, sub := range subs {
		byID[sub.ID], byEmail[strings.ToLower(sub.Email)] = sub, sub
	}
	find := func(id sql.NullInt64, email string) *subject {
		if id.Valid {
			return byID[uint(id.Int64)]
		}
		return byEmail[strings.ToLower(email)]
	}
	// scope limits a query on a table with customer_id and an email column to the one customer.
	scope := func(q *gorm.DB, prefix string) *gorm.DB {
		if only == 0 {
			return q
		}
		return q.Where(prefix+"customer_id = ? OR ("+prefix+"customer_id IS NULL AND "+prefix+"email = ?)", only, subs[0].Email)
	}

	// orders and their items
	type ref struct {
		sub *subject
		i   int
	}
	orderAt := map[uint]ref{}
	oq := db.Model(&fulfillment.Order{}).Select("id", "customer_id", "email", "paid_at", "total_cents").
		Where("status IN ? AND paid_at IS NOT NULL", paidStatuses)
	err = each(scope(oq, ""), func(scan func(...any) error) error {
		var id uint
		var cid sql.NullInt64
		var email string
		var paid time.Time
		var total int64
		if err := scan(&id, &cid, &email, &paid, &total); err != nil {
			return err
		}
		if sub := find(cid, email); sub != nil {
			sub.History.Orders = append(sub.History.Orders, score.Order{PaidAt: paid.UTC(), TotalCents: total})
			orderAt[id] = ref{sub, len(sub.History.Orders) - 1}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loyalty: load orders: %w", err)
	}
	iq := db.Table("order_items").Select("order_items.order_id, order_items.line, order_items.code, order_items.expected_use_days").
		Joins("JOIN orders ON orders.id = order_items.order_id").
		Where("orders.status IN ? AND orders.paid_at IS NOT NULL", paidStatuses)
	err = each(scope(iq, "orders."), func(scan func(...any) error) error {
		var oid uint
		var line, code string
		var use int
		if err := scan(&oid, &line, &code, &use); err != nil {
			return err
		}
		if r, ok := orderAt[oid]; ok {
			o := &r.sub.History.Orders[r.i]
			o.Lines = append(o.Lines, line)
			o.Codes = append(o.Codes, code)
			o.ExpectedUseDays = max(o.ExpectedUseDays, use)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loyalty: load order items: %w", err)
	}

	// ratings: staff-recorded (follow-up) and customer feedback
	fq := db.Model(&fulfillment.Feedback{}).Select("customer_id", "email", "rating", "source", "at")
	err = each(scope(fq, ""), func(scan func(...any) error) error {
		var cid sql.NullInt64
		var email, source string
		var rating int
		var at time.Time
		if err := scan(&cid, &email, &rating, &source, &at); err != nil {
			return err
		}
		if sub := find(cid, email); sub != nil {
			src := score.SourceFeedback
			if source == "staff" {
				src = score.SourceFollowUp
			}
			sub.History.Ratings = append(sub.History.Ratings, score.Rating{At: at.UTC(), Stars: rating, Source: src})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loyalty: load feedback: %w", err)
	}

	// conversations: follow-ups completed with the customer reached
	tq := db.Model(&fulfillment.FollowUpTask{}).Select("customer_id", "email", "completed_at").
		Where("state = ? AND outcome = ? AND completed_at IS NOT NULL", fulfillment.TaskDone, fulfillment.OutcomeReached)
	err = each(scope(tq, ""), func(scan func(...any) error) error {
		var cid sql.NullInt64
		var email string
		var at time.Time
		if err := scan(&cid, &email, &at); err != nil {
			return err
		}
		if sub := find(cid, email); sub != nil {
			sub.History.Reached = append(sub.History.Reached, at.UTC())
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loyalty: load follow-ups: %w", err)
	}

	// email outcomes, grouped in the database
	mq := db.Model(&fulfillment.OutboxMessage{}).Select("to_addr, status, COUNT(*) AS n").
		Where("status IN ?", []string{fulfillment.OutboxSent, fulfillment.OutboxLogged, fulfillment.OutboxFailed})
	if only != 0 {
		mq = mq.Where("to_addr = ?", subs[0].Email)
	}
	err = each(mq.Group("to_addr, status"), func(scan func(...any) error) error {
		var to, status string
		var n int
		if err := scan(&to, &status, &n); err != nil {
			return err
		}
		if sub := byEmail[strings.ToLower(to)]; sub != nil {
			if status == fulfillment.OutboxFailed {
				sub.History.EmailsFailed += n
			} else {
				sub.History.EmailsDelivered += n
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loyalty: load email outcomes: %w", err)
	}
	if err := s.loadQuiz(ctx, only, byID); err != nil {
		return nil, err
	}
	return subs, nil
}

// each runs q and calls fn with a scan function for every row.
func each(q *gorm.DB, fn func(scan func(...any) error) error) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// loadQuiz sets QuizCompleted and RecommendedLines (the profile trait "lines" of the latest
// completed consultation, computed by the quiz engine on the version it was taken on). The
// lines of a response are remembered by id and revision, so a nightly run re-reads and
// re-evaluates only consultations that changed since the last run in this process.
func (s *Service) loadQuiz(ctx context.Context, only uint, byID map[uint]*subject) error {
	type row struct {
		ID          string
		CustomerID  uint
		Revision    int
		QuizVersion string
		CompletedAt time.Time
	}
	var rows []row
	q := s.db.WithContext(ctx).Table("quiz_responses").Select("id, customer_id, revision, quiz_version, completed_at").
		Where("customer_id IS NOT NULL AND completed_at IS NOT NULL")
	if only != 0 {
		q = q.Where("customer_id = ?", only)
	}
	if err := q.Find(&rows).Error; err != nil {
		return fmt.Errorf("loyalty: load consultations: %w", err)
	}
	latest := make(map[uint]int, len(rows))
	for i, r := range rows {
		if j, ok := latest[r.CustomerID]; !ok || r.CompletedAt.After(rows[j].CompletedAt) {
			latest[r.CustomerID] = i
		}
	}
	s.linesMu.Lock()
	defer s.linesMu.Unlock()
	if s.lines == nil {
		s.lines = map[string]cachedLines{}
	}
	var missing []string
	for id, i := range latest {
		if sub := byID[id]; sub != nil {
			sub.History.QuizCompleted = true
			if c, ok := s.lines[rows[i].ID]; ok && c.revision == rows[i].Revision {
				sub.History.RecommendedLines = c.lines
			} else {
				missing = append(missing, rows[i].ID)
			}
		}
	}
	for start := 0; start < len(missing); start += batchSize {
		var got []struct {
			ID          string
			CustomerID  uint
			Revision    int
			QuizVersion string
			Answers     string
		}
		err := s.db.WithContext(ctx).Table("quiz_responses").Select("id, customer_id, revision, quiz_version, answers").
			Where("id IN ?", missing[start:min(start+batchSize, len(missing))]).Find(&got).Error
		if err != nil {
			return fmt.Errorf("loyalty: load consultation answers: %w", err)
		}
		for _, g := range got {
			quiz, err := s.quiz.Definition(ctx, g.QuizVersion)
			if err != nil {
				s.log.Warn("loyalty: quiz version of a response is unknown", "customer_id", g.CustomerID, "version", g.QuizVersion)
				continue
			}
			var answers questionnaire.Answers
			if err := json.Unmarshal([]byte(g.Answers), &answers); err != nil {
				continue
			}
			lines := quiz.State(answers).Profile.Traits["lines"]
			s.lines[g.ID] = cachedLines{revision: g.Revision, lines: lines}
			if sub := byID[g.CustomerID]; sub != nil {
				sub.History.RecommendedLines = lines
			}
		}
	}
	return nil
}

type cachedLines struct {
	revision int
	lines    []string
}
