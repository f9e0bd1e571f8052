package fulfillment

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// JobFilter selects production jobs for the console.
type JobFilter struct {
	Status    string // "" = every job still in the queue (queued … packed) plus on_hold
	ClaimedBy *uint
	OrderID   *uint
	Limit     int // default 100, at most 500
	Offset    int
}

// JobView is a job with the order and item data a queue row shows.
type JobView struct {
	ProductionJob
	OrderStatus  string `json:"order_status"`
	Email        string `json:"email"`
	ShipName     string `json:"ship_name"`
	ShipCountry  string `json:"ship_country"`
	ItemName     string `json:"item_name"`
	Code         string `json:"code"`
	Line         string `json:"line"`
	SizeLabel    string `json:"size_label"`
	Quantity     int    `json:"quantity"` // units on the order line (this job is one of them)
	LeaseExpired bool   `json:"lease_expired"`
}

// ListJobs lists jobs in claim order (priority, then age).
func (s *Service) ListJobs(ctx context.Context, f JobFilter) ([]JobView, error) {
	q := s.db.WithContext(ctx).Order("priority DESC, created_at, id").Limit(clampLimit(f.Limit)).Offset(max(f.Offset, 0))
	if f.Status != "" {
		if _, ok := jobMoves[f.Status]; !ok {
			return nil, &ValidationError{Fields: map[string]string{"status": "Unknown job status."}}
		}
		q = q.Where("status = ?", f.Status)
	} else {
		q = q.Where("status IN ?", []string{JobQueued, JobCompounding, JobQualityCheck, JobPacked, JobOnHold})
	}
	if f.ClaimedBy != nil {
		q = q.Where("claimed_by = ?", *f.ClaimedBy)
	}
	if f.OrderID != nil {
		q = q.Where("order_id = ?", *f.OrderID)
	}
	var jobs []ProductionJob
	if err := q.Find(&jobs).Error; err != nil {
		return nil, err
	}
	orderIDs, itemIDs := make([]uint, 0, len(jobs)), make([]uint, 0, len(jobs))
	for _, j := range jobs {
		orderIDs, itemIDs = append(orderIDs, j.OrderID), append(itemIDs, j.OrderItemID)
	}
	orders, items := map[uint]Order{}, map[uint]OrderItem{}
	if len(jobs) > 0 {
		var os []Order
		if err := s.db.WithContext(ctx).Where("id IN ?", orderIDs).Find(&os).Error; err != nil {
			return nil, err
		}
		for _, o := range os {
			orders[o.ID] = o
		}
		var is []OrderItem
		if err := s.db.WithContext(ctx).Omit("formula", "packaging", "preview_svg", "options").Where("id IN ?", itemIDs).Find(&is).Error; err != nil {
			return nil, err
		}
		for _, it := range is {
			items[it.ID] = it
		}
	}
	now := s.clock()
	out := make([]JobView, len(jobs))
	for i, j := range jobs {
		o, it := orders[j.OrderID], items[j.OrderItemID]
		out[i] = JobView{ProductionJob: j, OrderStatus: o.Status, Email: o.Email, ShipName: o.ShipName, ShipCountry: o.ShipCountry,
			ItemName: it.Name, Code: it.Code, Line: it.Line, SizeLabel: it.SizeLabel, Quantity: it.Quantity,
			LeaseExpired: j.ClaimedBy != nil && j.LeaseUntil != nil && j.LeaseUntil.Before(now)}
	}
	return out, nil
}

// BatchSheet is what the printable batch sheet of one job needs: the job, its order
// (without other lines) and the line's raw formula and packaging snapshots (the app renders).
type BatchSheet struct {
	Job   ProductionJob `json:"job"`
	Order Order         `json:"order"`
	Item  OrderItem     `json:"item"`
	// Units is how many units of this line the order has; Job.Unit is this one's number.
	Units int `json:"units"`
}

// BatchSheet returns the data of a job's batch sheet, or ErrNotFound.
func (s *Service) BatchSheet(ctx context.Context, jobID uint) (*BatchSheet, error) {
	db := s.db.WithContext(ctx)
	j, err := getJob(db, jobID)
	if err != nil {
		return nil, err
	}
	var o Order
	if err := db.Where("id = ?", j.OrderID).Take(&o).Error; err != nil {
		return nil, err
	}
	var it OrderItem
	if err := db.Where("id = ?", j.OrderItemID).Take(&it).Error; err != nil {
		return nil, err
	}
	return &BatchSheet{Job: *j, Order: o, Item: it, Units: it.Quantity}, nil
}

// Overdue reports whether a task in state, due at due, is overdue at now: it is still open
// or claimed and its due time has passed.
func Overdue(state string, due, now time.Time) bool {
	return (state == TaskOpen || state == TaskClaimed) && due.Before(now)
}

// TaskFilter selects follow-up tasks for the console.
type TaskFilter struct {
	State     string // "" = open and claimed
	Kind      string
	DueBefore *time.Time // only tasks due before this time
	ClaimedBy *uint
	Limit     int // default 100, at most 500
	Offset    int
}

// TaskView is a task with its overdue flag.
type TaskView struct {
	FollowUpTask
	Overdue bool `json:"overdue"`
}

// ListTasks lists tasks overdue first, then by priority, then due time. The database orders
// them, so a page (Limit, Offset) never leaves out an overdue task behind busier ones.
func (s *Service) ListTasks(ctx context.Context, f TaskFilter) ([]TaskView, error) {
	now := s.clock()
	q := s.db.WithContext(ctx).Order(clause.OrderBy{Expression: clause.Expr{
		SQL:                "CASE WHEN state IN (?, ?) AND due_at < ? THEN 0 ELSE 1 END, priority DESC, due_at, id",
		Vars:               []any{TaskOpen, TaskClaimed, now},
		WithoutParentheses: true,
	}}).Limit(clampLimit(f.Limit)).Offset(max(f.Offset, 0))
	switch f.State {
	case "":
		q = q.Where("state IN ?", []string{TaskOpen, TaskClaimed})
	case TaskOpen, TaskClaimed, TaskDone, TaskSkipped:
		q = q.Where("state = ?", f.State)
	default:
		return nil, &ValidationError{Fields: map[string]string{"state": "Unknown task state."}}
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.DueBefore != nil {
		q = q.Where("due_at < ?", f.DueBefore.UTC())
	}
	if f.ClaimedBy != nil {
		q = q.Where("claimed_by = ?", *f.ClaimedBy)
	}
	var tasks []FollowUpTask
	if err := q.Find(&tasks).Error; err != nil {
		return nil, err
	}
	out := make([]TaskView, len(tasks))
	for i, t := range tasks {
		out[i] = TaskView{FollowUpTask: t, Overdue: Overdue(t.State, t.DueAt, now)}
	}
	return out, nil
}

// CustomerStory is everything the follow-up screen shows about one customer.
type CustomerStory struct {
	CustomerID    *uint          `json:"customer_id,omitempty"`
	Email         string         `json:"email"`
	Orders        []Order        `json:"orders"` // newest first, with items
	Tasks         []FollowUpTask `json:"tasks"`  // newest first
	Feedback      []Feedback     `json:"feedback"`
	AverageRating float64        `json:"average_rating"` // 0 when no rating
}

// CustomerStory gathers a customer's orders, items, tasks and ratings, by customer id
// (when not nil) or else by email. ErrNotFound when there is nothing.
func (s *Service) CustomerStory(ctx context.Context, customerID *uint, email string) (*CustomerStory, error) {
	email = strings.TrimSpace(email)
	if customerID == nil && email == "" {
		return nil, &ValidationError{Fields: map[string]string{"customer": "Give a customer id or an email."}}
	}
	db := s.db.WithContext(ctx)
	by := func(q *gorm.DB) *gorm.DB {
		if customerID != nil {
			return q.Where("customer_id = ?", *customerID)
		}
		return q.Where("LOWER(email) = ?", strings.ToLower(email))
	}
	st := &CustomerStory{CustomerID: customerID, Email: email}
	if err := by(db.Preload("Items", orderItems)).Order("created_at DESC, id DESC").Limit(200).Find(&st.Orders).Error; err != nil {
		return nil, err
	}
	if err := by(db).Order("created_at DESC, id DESC").Limit(200).Find(&st.Tasks).Error; err != nil {
		return nil, err
	}
	if err := by(db).Order("at DESC, id DESC").Limit(200).Find(&st.Feedback).Error; err != nil {
		return nil, err
	}
	if len(st.Orders)+len(st.Tasks)+len(st.Feedback) == 0 {
		return nil, ErrNotFound
	}
	if st.Email == "" && len(st.Orders) > 0 {
		st.Email = st.Orders[0].Email
	}
	sum := 0
	for _, f := range st.Feedback {
		sum += f.Rating
	}
	if n := len(st.Feedback); n > 0 {
		st.AverageRating = float64(sum) / float64(n)
	}
	return st, nil
}
