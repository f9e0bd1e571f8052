package loyalty

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"atelier/app/account"
	"atelier/app/loyalty/chart"
	"atelier/app/loyalty/score"
	"atelier/app/web"
	"atelier/fulfillment"
)

// Handlers serves the owner's dashboard and the customer pages under /staff. The routes put
// them behind the staff admin guard (app/staff).
type Handlers struct {
	env web.Env
	svc *Service
	f   *fulfillment.Service
}

// New builds the loyalty handlers.
func New(env web.Env, svc *Service, f *fulfillment.Service) *Handlers {
	return &Handlers{env: env, svc: svc, f: f}
}

type chartView struct {
	ID, Title, Summary string
	SVG                template.HTML
	Table              chart.Table
	CSV                string // the export's URL
}

type segmentView struct {
	score.Segment
	Count    int
	Criteria string
}

type dashboardView struct {
	web.Page
	Figures  []Figure
	Charts   []chartView
	Segments []segmentView
	// Periods the movement matrix offers; Period is the one shown (its key), PeriodError
	// says why the one asked for was not.
	Periods     []Period
	Period      string
	PeriodError string
}

// Dashboard shows the owner's dashboard (GET /staff/dashboard?period=), the movement matrix
// for the chosen period (DefaultPeriod when none; an unknown one re-renders with 422).
func (h *Handlers) Dashboard(c echo.Context) error {
	d, err := h.svc.Dashboard(c.Request().Context())
	if err != nil {
		return err
	}
	v := &dashboardView{Figures: d.Figures, Periods: d.Periods, Period: c.QueryParam("period")}
	v.Title = "Dashboard"
	status := http.StatusOK
	movement, ok := d.MovementChart(v.Period)
	if !ok {
		status, v.PeriodError = http.StatusUnprocessableEntity, "Choose one of the listed periods."
		movement, _ = d.MovementChart(DefaultPeriod)
	}
	if !ok || v.Period == "" {
		v.Period = DefaultPeriod
	}
	for i := range d.Charts {
		ch, csv := &d.Charts[i], "/staff/dashboard/"+d.Charts[i].ID+".csv"
		if ch.ID == "movement" && movement != nil {
			ch = movement
			if v.Period != DefaultPeriod {
				csv += "?period=" + url.QueryEscape(v.Period)
			}
		}
		v.Charts = append(v.Charts, chartView{ID: ch.ID, Title: ch.Title, Summary: ch.Summary, SVG: ch.SVG(), Table: ch.Table(), CSV: csv})
	}
	counts, _ := d.Chart("segments")
	for i, sg := range h.svc.Segments() {
		n := 0
		if counts != nil && len(counts.Series) > 0 && i < len(counts.Series[0].Values) {
			n = int(counts.Series[0].Values[i])
		}
		v.Segments = append(v.Segments, segmentView{Segment: sg, Count: n, Criteria: sg.When.Describe()})
	}
	return h.env.Render.Render(c, status, "loyalty/dashboard", v)
}

// DashboardCSV answers one chart's numbers as CSV (GET /staff/dashboard/{chart}.csv; the
// movement matrix takes ?period=, DefaultPeriod when none), every cell escaped against
// spreadsheet formula injection. 404 for an unknown chart or period.
func (h *Handlers) DashboardCSV(c echo.Context) error {
	id, ok := strings.CutSuffix(c.Param("file"), ".csv")
	if !ok {
		return web.NotFound
	}
	d, err := h.svc.Dashboard(c.Request().Context())
	if err != nil {
		return err
	}
	ch, ok := d.Chart(id)
	name := id
	if id == "movement" {
		period := c.QueryParam("period")
		if period == "" {
			period = DefaultPeriod
		}
		ch, ok = d.MovementChart(period)
		name += "-" + period
	}
	if !ok {
		return web.NotFound
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="atelier-%s-%s.csv"`, name, d.At.Format("2006-01-02")))
	res.Header().Set(echo.HeaderCacheControl, "no-store")
	res.WriteHeader(http.StatusOK)
	return chart.WriteCSV(res, ch.Table())
}

type listView struct {
	web.Page
	Filter     Filter
	Rows       []ListRow
	Total      int64
	Pages      int
	Prev, Next string
	Segments   score.Segments
	Scores     []string
	Error      *FilterError
}

// Customers lists scored customers with filters (GET /staff/customers?segment=&score=&min_score=&max_score=&q=&page=).
func (h *Handlers) Customers(c echo.Context) error {
	v := &listView{Segments: h.svc.Segments(), Scores: ScoreNames}
	v.Title = "Customers"
	f, err := h.svc.ParseFilter(c.QueryParam)
	v.Filter = f
	if errors.As(err, &v.Error) {
		v.Filter.Score = "value"
		return h.env.Render.Render(c, http.StatusUnprocessableEntity, "loyalty/customers", v)
	}
	if v.Rows, v.Total, err = h.svc.List(c.Request().Context(), f); err != nil {
		return err
	}
	v.Pages = max(1, int(math.Ceil(float64(v.Total)/PageSize)))
	link := func(page int) string {
		q := c.QueryParams()
		q.Set("page", strconv.Itoa(page))
		return "/staff/customers?" + q.Encode()
	}
	if f.Page > 1 {
		v.Prev = link(f.Page - 1)
	}
	if f.Page < v.Pages {
		v.Next = link(f.Page + 1)
	}
	return h.env.Render.Render(c, http.StatusOK, "loyalty/customers", v)
}

type moveView struct {
	From, To string
	SegmentMove
}

type customerView struct {
	web.Page
	Customer *account.Customer
	Score    *Explained
	Gauges   []gauge
	Segment  *score.Segment
	Moves    []moveView
	Story    *fulfillment.CustomerStory
	Back     string
}

type gauge struct {
	Name  string
	Score score.Score
}

// Customer shows one customer's scores with their reasons, segment and strategy, segment
// history, orders and follow-ups (GET /staff/customers/{id}).
func (h *Handlers) Customer(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return web.NotFound
	}
	ctx := c.Request().Context()
	v := &customerView{Back: "/staff/customers"}
	if v.Customer, err = h.svc.Customer(ctx, uint(id)); err != nil {
		return err
	}
	v.Title = v.Customer.DisplayName()
	if v.Score, err = h.svc.Score(ctx, v.Customer.ID); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if v.Score != nil {
		s := v.Score.Scores
		v.Gauges = []gauge{{"Satisfaction", s.Satisfaction}, {"Current value", s.Value}, {"Repurchase loyalty", s.Loyalty}, {"Future potential", s.Potential}}
		v.Segment, _ = h.svc.Segments().Get(v.Score.Segment)
	}
	moves, err := h.svc.Moves(ctx, v.Customer.ID)
	if err != nil {
		return err
	}
	for _, m := range moves {
		v.Moves = append(v.Moves, moveView{From: h.svc.SegmentLabel(m.From), To: h.svc.SegmentLabel(m.To), SegmentMove: m})
	}
	cid := v.Customer.ID
	if v.Story, err = h.f.CustomerStory(ctx, &cid, v.Customer.Email); err != nil && !errors.Is(err, fulfillment.ErrNotFound) {
		return err
	}
	return h.env.Render.Render(c, http.StatusOK, "loyalty/customer", v)
}

// Recompute rescores one customer now and runs their segment's strategy (POST /staff/customers/{id}/recompute).
func (h *Handlers) Recompute(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return web.NotFound
	}
	if _, err := h.svc.Recompute(c.Request().Context(), uint(id)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/customers/"+url.PathEscape(c.Param("id")))
}
