package loyalty

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"atelier/app/account"
)

// ScoreNames are the scores a list can filter and sort by.
var ScoreNames = []string{"satisfaction", "value", "loyalty", "potential"}

// PageSize is how many customers a list page shows.
const PageSize = 50

// Filter selects customers for the staff list.
type Filter struct {
	Segment  string
	Score    string // one of ScoreNames; default "value"
	MinScore int
	MaxScore int // default 100
	Query    string
	Page     int // 1-based
}

// FilterError names the list parameter that is wrong, in words a person understands.
type FilterError struct{ Field, Message string }

func (e *FilterError) Error() string { return "loyalty: " + e.Field + ": " + e.Message }

// ErrInvalidFilter is matched by every *FilterError.
var ErrInvalidFilter = errors.New("loyalty: invalid filter")

// Is makes errors.Is(err, ErrInvalidFilter) true.
func (e *FilterError) Is(target error) bool { return target == ErrInvalidFilter }

// ParseFilter reads the list's query parameters (segment, score, min_score, max_score, q,
// page) and returns a *FilterError for the first bad one.
func (s *Service) ParseFilter(get func(string) string) (Filter, error) {
	f := Filter{Segment: strings.TrimSpace(get("segment")), Score: strings.TrimSpace(get("score")), Query: strings.TrimSpace(get("q"))}
	if f.Segment != "" {
		if _, ok := s.segs.Get(f.Segment); !ok {
			return f, &FilterError{"segment", "Choose one of the listed segments."}
		}
	}
	if f.Score == "" {
		f.Score = "value"
	}
	known := false
	for _, n := range ScoreNames {
		known = known || n == f.Score
	}
	if !known {
		return f, &FilterError{"score", "Choose satisfaction, value, loyalty or potential."}
	}
	var err error
	if f.MinScore, err = atoi("min_score", get("min_score"), 0, 100, 0); err != nil {
		return f, err
	}
	if f.MaxScore, err = atoi("max_score", get("max_score"), 0, 100, 100); err != nil {
		return f, err
	}
	if f.MinScore > f.MaxScore {
		return f, &FilterError{"min_score", "The lowest score must not be above the highest."}
	}
	if len([]rune(f.Query)) > 100 {
		return f, &FilterError{"q", "Search for at most 100 characters."}
	}
	if f.Page, err = atoi("page", get("page"), 1, 100000, 1); err != nil {
		return f, err
	}
	return f, nil
}

// ListRow is one customer in the list.
type ListRow struct {
	ID                                      uint
	Email, Name                             string
	Satisfaction, Value, Loyalty, Potential int
	Segment                                 string
	ComputedAt                              time.Time
}

// List returns one page of scored customers matching f, by the chosen score (highest first),
// and how many match in all.
func (s *Service) List(ctx context.Context, f Filter) ([]ListRow, int64, error) {
	q := s.db.WithContext(ctx).Table("customer_scores").
		Joins("JOIN customers ON customers.id = customer_scores.customer_id AND customers.deleted_at IS NULL")
	if f.Segment != "" {
		q = q.Where("customer_scores.segment = ?", f.Segment)
	}
	col := "customer_scores." + f.Score // f.Score is validated against ScoreNames
	if f.MinScore > 0 {
		q = q.Where(col+" >= ?", f.MinScore)
	}
	if f.MaxScore < 100 {
		q = q.Where(col+" <= ?", f.MaxScore)
	}
	if f.Query != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "").Replace(strings.ToLower(f.Query)) + "%"
		q = q.Where("LOWER(customers.email) LIKE ? OR LOWER(customers.name) LIKE ?", like, like)
	}
	var total int64
	if err := q.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("loyalty: count customers: %w", err)
	}
	var rows []ListRow
	err := q.Select("customers.id, customers.email, customers.name, customer_scores.satisfaction, customer_scores.value, " +
		"customer_scores.loyalty, customer_scores.potential, customer_scores.segment, customer_scores.computed_at").
		Order(col + " DESC").Order("customers.id").Limit(PageSize).Offset((f.Page - 1) * PageSize).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("loyalty: list customers: %w", err)
	}
	return rows, total, nil
}

// Customer returns the account of a live customer, or ErrNotFound.
func (s *Service) Customer(ctx context.Context, id uint) (*account.Customer, error) {
	var c account.Customer
	err := s.db.WithContext(ctx).Where("id = ? AND deleted_at IS NULL", id).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("loyalty: read customer: %w", err)
	}
	return &c, nil
}

func atoi(field, v string, lo, hi, def int) (int, error) {
	if strings.TrimSpace(v) == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		return 0, &FilterError{field, fmt.Sprintf("Enter a whole number from %d to %d.", lo, hi)}
	}
	return n, nil
}
