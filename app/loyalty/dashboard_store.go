package loyalty

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"atelier/fulfillment"
	"atelier/questionnaire"
)

// dashRaw holds the dashboard's aggregates as the database returns them; months are "YYYY-MM".
type dashRaw struct {
	segments map[string]int
	// periods are the movement matrix's periods at now and bounds their boundaries, over
	// which history's slots are counted; history is the segment moves since the first
	// boundary, by customer and time; steady counts the scored customers without such a
	// move, by segment
	periods []Period
	bounds  []time.Time
	history []historyRow
	steady  map[string]int
	// paid orders by month of payment: count, revenue in cents, and orders whose buyer had
	// paid before (the first-order count is subtracted from the month's orders)
	orders, revenue, reorders map[string]int64
	buyers, repeaters         int                  // buyers ever, and those with two or more orders
	hours                     map[string][]float64 // month of payment → hours to the first completed follow-up
	ratingSum, ratingN        map[string]int64     // ratings by month
	sum90, n90                float64              // ratings of the last 90 days
	started, completed        int
	converted                 int
	doneByMonth               map[string]int
	convByMonth               map[string]int
	dropoff                   []questionnaire.DropOffRow
	lines, options            map[string]float64
}

// loadDashboard reads the dashboard's aggregates with grouped queries (and the covering
// indexes of EnsureIndexes), so the database returns
// a few hundred rows (per month, per segment, per distinct option set) rather than every order,
// task, rating and consultation: the cold build stays under the 200 ms target on a store
// of 10,000 customers. The drop-off count groups the consultations' stored trails (see
// questionnaire.Quiz.Trail) instead of replaying every response through the quiz engine.
// The one row-level read is the last 12 months of segment moves (about two per customer),
// which the movement matrix needs to follow each customer from one period to the next.
func (s *Service) loadDashboard(ctx context.Context, now time.Time) (*dashRaw, error) {
	db := s.db.WithContext(ctx)
	raw := &dashRaw{segments: map[string]int{}, steady: map[string]int{},
		orders: map[string]int64{}, revenue: map[string]int64{}, reorders: map[string]int64{}, hours: map[string][]float64{},
		ratingSum: map[string]int64{}, ratingN: map[string]int64{}, doneByMonth: map[string]int{}, convByMonth: map[string]int{},
		lines: map[string]float64{}, options: map[string]float64{}}
	raw.periods = movementPeriods(now)
	raw.bounds = boundaries(raw.periods)
	l := &dashLoader{s: s, db: db, d: dialectOf(db), raw: raw, now: now, start: monthStart(now)}
	// the two halves fill disjoint fields of raw and run side by side on two read connections
	var salesErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		salesErr = l.sales()
	}()
	peopleErr := l.people(ctx)
	<-done
	if salesErr != nil {
		return nil, salesErr
	}
	if peopleErr != nil {
		return nil, peopleErr
	}
	return raw, nil
}

// dashLoader runs the dashboard's queries.
type dashLoader struct {
	s          *Service
	db         *gorm.DB
	d          sqlDialect
	raw        *dashRaw
	now, start time.Time
}

func (l *dashLoader) wrap(what string, err error) error {
	return fmt.Errorf("loyalty: dashboard %s: %w", what, err)
}

// query runs one grouped query and hands each row to row.
func (l *dashLoader) query(what, sql string, args []any, row func(scan func(...any) error) error) error {
	t := time.Now()
	if err := each(l.db.Raw(sql, args...), row); err != nil {
		return l.wrap(what, err)
	}
	l.s.log.Debug("loyalty: dashboard query", "what", what, "took", time.Since(t).String())
	return nil
}

// people reads segments and their movement, ratings, consultations and drop-off.
func (l *dashLoader) people(ctx context.Context) error {
	var err error
	var segs []struct {
		Segment string
		N       int
	}
	if err := l.db.Model(&CustomerScore{}).Select("segment, COUNT(*) AS n").Group("segment").Find(&segs).Error; err != nil {
		return l.wrap("segments", err)
	}
	for _, r := range segs {
		l.raw.segments[r.Segment] = r.N
	}
	if err = l.history(); err != nil {
		return err
	}

	// ratings per month and over the last 90 days
	err = l.query("ratings", "SELECT "+l.d.month("at")+", CAST(SUM(rating) AS BIGINT), COUNT(*) FROM feedbacks WHERE at >= ? GROUP BY 1",
		[]any{l.start}, func(scan func(...any) error) error {
			var m string
			var sum, n int64
			if err := scan(&m, &sum, &n); err != nil {
				return err
			}
			l.raw.ratingSum[m], l.raw.ratingN[m] = sum, n
			return nil
		})
	if err != nil {
		return err
	}
	err = l.query("recent ratings", "SELECT CAST(COALESCE(SUM(rating), 0) AS BIGINT), COUNT(*) FROM feedbacks WHERE at > ?",
		[]any{l.now.Add(-90 * 24 * time.Hour)}, func(scan func(...any) error) error {
			var sum, n int64
			err := scan(&sum, &n)
			l.raw.sum90, l.raw.n90 = float64(sum), float64(n)
			return err
		})
	if err != nil {
		return err
	}

	// consultations: started, completed, and completed by a customer who paid afterwards
	if err = l.query("consultations", "SELECT COUNT(*) FROM quiz_responses", nil, func(scan func(...any) error) error {
		return scan(&l.raw.started)
	}); err != nil {
		return err
	}
	err = l.query("conversion", "SELECT "+l.d.month("r.completed_at")+", COUNT(*), SUM(CASE WHEN l.last >= r.completed_at THEN 1 ELSE 0 END) "+
		"FROM quiz_responses r LEFT JOIN (SELECT customer_id, MAX(paid_at) AS last FROM orders WHERE "+l.d.plain("status")+" IN ? AND customer_id IS NOT NULL GROUP BY customer_id) l ON l.customer_id = r.customer_id "+
		"WHERE r.completed_at IS NOT NULL GROUP BY 1",
		[]any{paidStatuses}, func(scan func(...any) error) error {
			var m string
			var done, conv int
			if err := scan(&m, &done, &conv); err != nil {
				return err
			}
			l.raw.completed += done
			l.raw.converted += conv
			l.raw.doneByMonth[m], l.raw.convByMonth[m] = done, conv
			return nil
		})
	if err != nil {
		return err
	}
	if l.s.quizVersion != "" {
		rows, err := l.s.quiz.DropOff(ctx, l.s.quizVersion, 2000)
		if err != nil {
			return l.wrap("drop-off", err)
		}
		l.raw.dropoff = rows
	}

	return err
}

// history reads the segment moves the movement matrix needs: every move since the first
// period boundary (a few per customer a year), each with its slot among the boundaries, and,
// grouped by segment, the scored customers who did not move since then.
func (l *dashLoader) history() error {
	// newest boundary first: most moves are recent (the store grows), so most rows stop early
	slot := "CASE"
	args := make([]any, 0, len(l.raw.bounds)+1)
	for i := len(l.raw.bounds) - 1; i >= 0; i-- {
		slot += fmt.Sprintf(" WHEN at >= ? THEN %d", i+1)
		args = append(args, l.raw.bounds[i])
	}
	slot += " ELSE 0 END"
	since := l.raw.bounds[0]
	// a scan and a sort: walking the customer_id index fetches every row at random (2× slower)
	err := l.query("moves", "SELECT customer_id, from_segment, to_segment, "+slot+" FROM "+l.d.scan("segment_history")+" WHERE at >= ? ORDER BY customer_id, at, id",
		append(args, since), func(scan func(...any) error) error {
			var r historyRow
			if err := scan(&r.customer, &r.from, &r.to, &r.slot); err != nil {
				return err
			}
			l.raw.history = append(l.raw.history, r)
			return nil
		})
	if err != nil {
		return err
	}
	return l.query("steady customers", "SELECT segment, COUNT(*) FROM customer_scores s WHERE NOT EXISTS "+
		"(SELECT 1 FROM segment_history h WHERE h.customer_id = s.customer_id AND h.at >= ?) GROUP BY segment",
		[]any{since}, func(scan func(...any) error) error {
			var seg string
			var n int
			err := scan(&seg, &n)
			l.raw.steady[seg] += n
			return err
		})
}

// sales reads orders, buyers, time to first follow-up and units per product.
func (l *dashLoader) sales() error {
	var err error
	// paid orders per month; then each buyer's first order, by month, for the reorder rate
	err = l.query("orders", "SELECT "+l.d.month("paid_at")+", COUNT(*), CAST(SUM(total_cents) AS BIGINT) FROM "+l.d.scan("orders")+" "+
		"WHERE status IN ? AND paid_at >= ? GROUP BY 1", []any{paidStatuses, l.start}, func(scan func(...any) error) error {
		var m string
		var n, cents int64
		if err := scan(&m, &n, &cents); err != nil {
			return err
		}
		l.raw.orders[m], l.raw.revenue[m], l.raw.reorders[m] = n, cents, n
		return nil
	})
	if err != nil {
		return err
	}
	err = l.query("buyers", "SELECT "+l.d.month("first")+", COUNT(*), SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) FROM "+
		"(SELECT "+buyer("")+" AS buyer, MIN(paid_at) AS first, COUNT(*) AS n FROM "+l.d.scan("orders")+" WHERE status IN ? AND paid_at IS NOT NULL GROUP BY 1) b "+
		"GROUP BY 1", []any{paidStatuses}, func(scan func(...any) error) error {
		var m string
		var firsts, repeaters int64
		if err := scan(&m, &firsts, &repeaters); err != nil {
			return err
		}
		l.raw.buyers += int(firsts)
		l.raw.repeaters += int(repeaters)
		if _, ok := l.raw.reorders[m]; ok {
			l.raw.reorders[m] -= firsts
		}
		return nil
	})
	if err != nil {
		return err
	}
	// hours from payment to each order's first completed follow-up, counted per month and tenth
	// of an hour (the median is read from these counts: exact to 6 minutes, as it is shown)
	err = l.query("first follow-ups", "SELECT "+l.d.month("o.paid_at")+", CAST(ROUND("+l.d.hours("f.first", "o.paid_at")+" * 10) AS INTEGER), COUNT(*) FROM "+
		"(SELECT order_id, MIN(completed_at) AS first FROM follow_up_tasks WHERE "+l.d.plain("state")+" = ? AND order_id IS NOT NULL AND completed_at >= ? GROUP BY order_id) f "+
		"JOIN orders o ON o.id = f.order_id WHERE o.status IN ? AND o.paid_at >= ? AND f.first >= o.paid_at GROUP BY 1, 2",
		[]any{fulfillment.TaskDone, l.start, paidStatuses, l.start}, func(scan func(...any) error) error {
			var m string
			var tenths, n int64
			if err := scan(&m, &tenths, &n); err != nil {
				return err
			}
			for range n {
				l.raw.hours[m] = append(l.raw.hours[m], float64(tenths)/10)
			}
			return nil
		})
	if err != nil {
		return err
	}

	// units per product over the year, through the covering index on order_items (order_id,
	// code, quantity): a reorder code names one product (catalog version, line, rank), so the
	// line and options of each code are read once, from one of its items, and the options JSON
	// is parsed once per product rather than once per order line
	qtyByItem := map[uint]int64{} // a representative item of each code → units of the code
	err = l.query("items", "SELECT MIN(i.id), CAST(SUM(i.quantity) AS BIGINT) FROM "+l.d.scan("orders o")+" JOIN order_items i ON i.order_id = o.id "+
		"WHERE o.status IN ? AND o.paid_at >= ? GROUP BY "+l.d.plain("i.code"), []any{paidStatuses, l.now.Add(-365 * 24 * time.Hour)},
		func(scan func(...any) error) error {
			var id uint
			var qty int64
			err := scan(&id, &qty)
			qtyByItem[id] = qty
			return err
		})
	if err != nil {
		return err
	}
	ids := make([]uint, 0, len(qtyByItem))
	for id := range qtyByItem {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		err = l.query("products", "SELECT id, line, COALESCE(options, '') FROM order_items WHERE id IN ?", []any{chunk}, func(scan func(...any) error) error {
			var id uint
			var line, options string
			if err := scan(&id, &line, &options); err != nil {
				return err
			}
			qty := float64(qtyByItem[id])
			l.raw.lines[line] += qty
			var sel map[string][]string
			if json.Unmarshal([]byte(options), &sel) != nil {
				return nil
			}
			for dim, opts := range sel {
				for _, o := range opts {
					l.raw.options[dim+": "+o] += qty
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return err
}
