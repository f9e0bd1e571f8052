package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"atelier/app/database"
	"atelier/fulfillment"
)

// AuditReport is the verdict on the database after a run.
type AuditReport struct {
	Pass       bool         `json:"pass"`
	Engine     string       `json:"engine"`
	Orders     int64        `json:"orders"`
	PaidOrders int64        `json:"paid_orders"`
	Jobs       int64        `json:"jobs"`
	Tasks      int64        `json:"tasks"`
	Checks     []AuditCheck `json:"checks"`
}

// AuditCheck is one rule and how many rows break it (with a few of them as examples).
type AuditCheck struct {
	Name     string   `json:"name"`
	Failures int64    `json:"failures"`
	Examples []string `json:"examples,omitempty"`
}

// Failed returns the checks that did not pass.
func (a *AuditReport) Failed() []AuditCheck {
	var out []AuditCheck
	for _, c := range a.Checks {
		if c.Failures > 0 {
			out = append(out, c)
		}
	}
	return out
}

// Print writes the verdict: PASS or FAIL, then every check.
func (a *AuditReport) Print(w io.Writer) {
	verdict := "PASS"
	if !a.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "audit (%s): %s — %d orders, %d paid, %d production jobs, %d follow-up tasks\n",
		a.Engine, verdict, a.Orders, a.PaidOrders, a.Jobs, a.Tasks)
	for _, c := range a.Checks {
		mark := "ok  "
		if c.Failures > 0 {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s %s", mark, c.Name)
		if c.Failures > 0 {
			fmt.Fprintf(w, ": %d (e.g. %s)", c.Failures, strings.Join(c.Examples, "; "))
		}
		fmt.Fprintln(w)
	}
}

// paidStatuses are the order statuses that mean "paid, with its work created".
var paidStatuses = []string{fulfillment.OrderPaid, fulfillment.OrderInProduction, fulfillment.OrderShipped, fulfillment.OrderDelivered}

// unpaidStatuses are the statuses of orders that must have no production jobs.
var unpaidStatuses = []string{fulfillment.OrderPendingPayment, fulfillment.OrderCancelled, fulfillment.OrderOnHold}

// AuditURL opens the database a URL names (sqlite:PATH, a bare path, or postgres://…), audits
// it and closes it. A SQLite file that does not exist is an error, not a new empty database.
func AuditURL(ctx context.Context, dbURL string, created, paid []string) (*AuditReport, error) {
	t, err := database.Parse(dbURL)
	if err != nil {
		return nil, err
	}
	if t.Engine == "sqlite" {
		if _, err := os.Stat(t.Path); err != nil {
			return nil, fmt.Errorf("database file: %w", err)
		}
	}
	db, err := database.Open(ctx, dbURL, nil)
	if err != nil {
		return nil, err
	}
	defer database.Close(db)
	return Audit(ctx, db, created, paid)
}

// Audit checks the orders, production jobs and follow-up tasks in db: every paid order has
// exactly one job per unit of each line, there is no duplicate job, no job of an unpaid or
// missing order, every paid order has its welcome task, no task or email was created twice,
// every order id in created exists and every one in paid is paid; on SQLite, PRAGMA
// integrity_check says ok. It only reads.
func Audit(ctx context.Context, db *gorm.DB, created, paid []string) (*AuditReport, error) {
	db = db.WithContext(ctx)
	tn, err := tableNames(db)
	if err != nil {
		return nil, err
	}
	a := &AuditReport{Engine: db.Dialector.Name()}
	counts := []struct {
		dst   *int64
		query string
		args  []any
	}{
		{&a.Orders, "SELECT COUNT(*) FROM " + tn.orders, nil},
		{&a.PaidOrders, "SELECT COUNT(*) FROM " + tn.orders + " WHERE status IN ?", []any{paidStatuses}},
		{&a.Jobs, "SELECT COUNT(*) FROM " + tn.jobs, nil},
		{&a.Tasks, "SELECT COUNT(*) FROM " + tn.tasks, nil},
	}
	for _, c := range counts {
		if err := db.Raw(c.query, c.args...).Scan(c.dst).Error; err != nil {
			return nil, fmt.Errorf("audit count: %w", err)
		}
	}
	for _, c := range auditChecks(tn) {
		ck, err := runCheck(db, c.name, c.query, c.args...)
		if err != nil {
			return nil, fmt.Errorf("audit %q: %w", c.name, err)
		}
		a.Checks = append(a.Checks, ck)
	}
	ledger, err := checkLedger(db, tn, created, paid)
	if err != nil {
		return nil, err
	}
	a.Checks = append(a.Checks, ledger...)
	if a.Engine == "sqlite" {
		ck, err := integrityCheck(db)
		if err != nil {
			return nil, err
		}
		a.Checks = append(a.Checks, ck)
	}
	a.Pass = len(a.Failed()) == 0
	return a, nil
}

type tables struct{ orders, items, jobs, tasks, outbox string }

func tableNames(db *gorm.DB) (tables, error) {
	var t tables
	for dst, model := range map[*string]any{&t.orders: &fulfillment.Order{}, &t.items: &fulfillment.OrderItem{},
		&t.jobs: &fulfillment.ProductionJob{}, &t.tasks: &fulfillment.FollowUpTask{}, &t.outbox: &fulfillment.OutboxMessage{}} {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(model); err != nil {
			return t, fmt.Errorf("audit: table of %T: %w", model, err)
		}
		*dst = stmt.Schema.Table
	}
	return t, nil
}

type auditQuery struct {
	name  string
	query string // selects the offending rows; the first column names each in examples
	args  []any
}

func auditChecks(t tables) []auditQuery {
	paidIn := []any{paidStatuses}
	unitsOf := "(SELECT COALESCE(SUM(i.quantity), 0) FROM " + t.items + " i WHERE i.order_id = o.id)"
	jobsOf := "(SELECT COUNT(*) FROM " + t.jobs + " j WHERE j.order_id = o.id)"
	return []auditQuery{
		{"paid order without production jobs",
			"SELECT o.id FROM " + t.orders + " o WHERE o.status IN ? AND " + jobsOf + " = 0", paidIn},
		{"paid order whose jobs do not match its units (one job per unit)",
			"SELECT o.id, " + unitsOf + " AS units, " + jobsOf + " AS jobs FROM " + t.orders + " o WHERE o.status IN ? AND " +
				jobsOf + " <> " + unitsOf, paidIn},
		{"order line of a paid order without exactly units 1..quantity",
			"SELECT i.id, i.quantity, (SELECT COUNT(DISTINCT j.unit) FROM " + t.jobs + " j WHERE j.order_item_id = i.id AND j.unit BETWEEN 1 AND i.quantity) AS units FROM " +
				t.items + " i JOIN " + t.orders + " o ON o.id = i.order_id WHERE o.status IN ? AND " +
				"(SELECT COUNT(DISTINCT j.unit) FROM " + t.jobs + " j WHERE j.order_item_id = i.id AND j.unit BETWEEN 1 AND i.quantity) <> i.quantity", paidIn},
		{"duplicate production job (same line and unit)",
			"SELECT order_item_id, unit, COUNT(*) FROM " + t.jobs + " GROUP BY order_item_id, unit HAVING COUNT(*) > 1", nil},
		{"production job without a paid order",
			"SELECT j.id, j.order_id, COALESCE(o.status, 'missing') FROM " + t.jobs + " j LEFT JOIN " + t.orders + " o ON o.id = j.order_id " +
				"WHERE o.id IS NULL OR o.status IN ?", []any{unpaidStatuses}},
		{"production job whose line belongs to another order",
			"SELECT j.id, j.order_item_id FROM " + t.jobs + " j LEFT JOIN " + t.items + " i ON i.id = j.order_item_id " +
				"WHERE i.id IS NULL OR i.order_id <> j.order_id", nil},
		{"paid order without its welcome task",
			"SELECT o.id FROM " + t.orders + " o WHERE o.status IN ? AND NOT EXISTS (SELECT 1 FROM " + t.tasks +
				" k WHERE k.order_id = o.id AND k.kind = '" + fulfillment.TaskWelcome + "')", paidIn},
		{"follow-up task created twice (dedupe key)",
			"SELECT dedupe_key, COUNT(*) FROM " + t.tasks + " GROUP BY dedupe_key HAVING COUNT(*) > 1", nil},
		{"order with more than one welcome or check-in task",
			"SELECT order_id, kind, COUNT(*) FROM " + t.tasks + " WHERE order_id IS NOT NULL AND kind IN ? GROUP BY order_id, kind HAVING COUNT(*) > 1",
			[]any{[]string{fulfillment.TaskWelcome, fulfillment.TaskCheckIn}}},
		{"order with more replenishment tasks than lines",
			"SELECT k.order_id, COUNT(*) FROM " + t.tasks + " k WHERE k.order_id IS NOT NULL AND k.kind = '" + fulfillment.TaskReplenishment +
				"' GROUP BY k.order_id HAVING COUNT(*) > (SELECT COUNT(*) FROM " + t.items + " i WHERE i.order_id = k.order_id)", nil},
		{"email queued twice (outbox dedupe key)",
			"SELECT dedupe_key, COUNT(*) FROM " + t.outbox + " GROUP BY dedupe_key HAVING COUNT(*) > 1", nil},
	}
}

// maxExamples is how many offending rows a failed check shows.
const maxExamples = 5

func runCheck(db *gorm.DB, name, query string, args ...any) (AuditCheck, error) {
	c := AuditCheck{Name: name}
	if err := db.Raw("SELECT COUNT(*) FROM ("+query+") AS x", args...).Scan(&c.Failures).Error; err != nil {
		return c, err
	}
	if c.Failures == 0 {
		return c, nil
	}
	rows, err := db.Raw(query+" LIMIT "+strconv.Itoa(maxExamples), args...).Rows()
	if err != nil {
		return c, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return c, err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return c, err
		}
		parts := make([]string, len(cols))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprintf("%s=%v", cols[i], v)
		}
		c.Examples = append(c.Examples, strings.Join(parts, " "))
	}
	return c, rows.Err()
}

// checkLedger checks the orders the client saw: each created one exists, each paid one is paid.
// An id is the order's number or its public id.
func checkLedger(db *gorm.DB, t tables, created, paid []string) ([]AuditCheck, error) {
	status := map[string]string{}
	seen := append(append([]string(nil), created...), paid...)
	for start := 0; start < len(seen); start += 500 {
		batch := seen[start:min(start+500, len(seen))]
		var nums []uint64
		for _, id := range batch {
			if n, err := strconv.ParseUint(id, 10, 64); err == nil {
				nums = append(nums, n)
			}
		}
		var rows []struct {
			ID       uint64
			PublicID string
			Status   string
		}
		q := db.Table(t.orders).Select("id, public_id, status").Where("public_id IN ?", batch)
		if len(nums) > 0 {
			q = q.Or("id IN ?", nums)
		}
		if err := q.Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("audit ledger: %w", err)
		}
		for _, r := range rows {
			status[strconv.FormatUint(r.ID, 10)] = r.Status
			status[r.PublicID] = r.Status
		}
	}
	lost := AuditCheck{Name: fmt.Sprintf("order the client saw created (201) is missing (of %d)", len(created))}
	for _, id := range created {
		if _, ok := status[id]; !ok {
			lost.add("order " + id)
		}
	}
	unpaid := AuditCheck{Name: fmt.Sprintf("order the client saw paid is not paid (of %d)", len(paid))}
	for _, id := range paid {
		if s, ok := status[id]; !ok || !isPaid(s) {
			unpaid.add(fmt.Sprintf("order %s is %q", id, s))
		}
	}
	return []AuditCheck{lost, unpaid}, nil
}

func (c *AuditCheck) add(example string) {
	c.Failures++
	if len(c.Examples) < maxExamples {
		c.Examples = append(c.Examples, example)
	}
}

func isPaid(status string) bool {
	for _, s := range paidStatuses {
		if s == status {
			return true
		}
	}
	return false
}

// integrityCheck runs SQLite's PRAGMA integrity_check, which answers one row "ok" or the problems.
func integrityCheck(db *gorm.DB) (AuditCheck, error) {
	c := AuditCheck{Name: "SQLite PRAGMA integrity_check is ok"}
	var lines []string
	if err := db.Raw("PRAGMA integrity_check").Scan(&lines).Error; err != nil {
		return c, fmt.Errorf("integrity_check: %w", err)
	}
	if len(lines) == 1 && lines[0] == "ok" {
		return c, nil
	}
	if len(lines) == 0 {
		return c, errors.New("integrity_check returned nothing")
	}
	for _, l := range lines {
		c.add(l)
	}
	return c, nil
}
