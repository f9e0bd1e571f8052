package load

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxQuestions bounds one quiz: a server that never says done is an error, not a hang.
const maxQuestions = 200

// quizSession is the part of a quiz session the tool reads.
type quizSession struct {
	ID       string    `json:"id"`
	Question *question `json:"question"`
	Done     bool      `json:"done"`
	Progress struct {
		Answered int `json:"answered"`
		Percent  int `json:"percent"`
	} `json:"progress"`
	Answers map[string]any `json:"answers"`
}

type question struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Required  bool     `json:"required"`
	Options   []option `json:"options"`
	Min       *float64 `json:"min"`
	Max       *float64 `json:"max"`
	Step      *float64 `json:"step"`
	MaxLength int      `json:"max_length"`
}

type option struct {
	Value string `json:"value"`
}

// product is the part of a product the tool reads.
type product struct {
	Code    string   `json:"code"`
	Line    string   `json:"line"`
	Choices []choice `json:"choices"`
}

type choice struct {
	Dimension string   `json:"dimension"`
	Options   []string `json:"options"`
}

type recommendation struct {
	Products []product `json:"products"`
}

// conflict is a 409 answer to a customisation.
type conflict struct {
	Suggestion *struct {
		Code string `json:"code"`
	} `json:"suggestion"`
}

// orderCreated is the answer to POST /api/v1/orders. The id may be a number or a string.
type orderCreated struct {
	ID     json.RawMessage `json:"id"`
	Status string          `json:"status"`
}

// idString reads a JSON id that is a number or a string.
func idString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// shopper is one virtual shopper on one server.
type shopper struct {
	c   *client
	rng *rand.Rand
	n   uint64 // the shopper's number in the run
}

// answer returns a sensible value for q: the first option (or a random one), the middle of a
// scale or range, or a name.
func (s *shopper) answer(q *question, random bool) any {
	pick := func(n int) int {
		if random && n > 0 {
			return s.rng.IntN(n)
		}
		return 0
	}
	switch q.Kind {
	case "single", "location":
		if len(q.Options) > 0 {
			return q.Options[pick(len(q.Options))].Value
		}
		if q.Kind == "location" {
			return "10001"
		}
	case "multi":
		want := 1
		if q.Min != nil && int(*q.Min) > want {
			want = int(*q.Min)
		}
		if q.Max != nil && int(*q.Max) > 0 && want > int(*q.Max) {
			want = int(*q.Max)
		}
		want = min(want, len(q.Options))
		start := pick(len(q.Options) - want + 1)
		vals := make([]string, 0, want)
		for _, o := range q.Options[start : start+want] {
			vals = append(vals, o.Value)
		}
		return vals
	case "scale", "number":
		lo, hi := 1.0, 5.0
		if q.Kind == "number" {
			lo, hi = 0, 60
		}
		if q.Min != nil {
			lo = *q.Min
		}
		if q.Max != nil {
			hi = *q.Max
		}
		step := 1.0
		if q.Step != nil && *q.Step > 0 {
			step = *q.Step
		}
		return lo + math.Floor((hi-lo)/2/step)*step
	}
	name := "Maya"
	if q.MaxLength > 0 && len(name) > q.MaxLength {
		name = name[:q.MaxLength]
	}
	return name
}

// takeQuiz starts a quiz session and answers every question until the server says done.
func (s *shopper) takeQuiz(ctx context.Context) (string, error) {
	var sess quizSession
	if _, err := s.c.do(ctx, StepQuizStart, http.MethodPost, "/api/v1/quiz/sessions", nil, &sess, http.StatusCreated); err != nil {
		return "", err
	}
	if sess.ID == "" {
		s.c.stats.fail(StepQuizStart, http.StatusCreated, "the new session has no id")
		return "", errUnexpected
	}
	return sess.ID, s.finishQuiz(ctx, &sess)
}

// finishQuiz answers the session's questions until done.
func (s *shopper) finishQuiz(ctx context.Context, sess *quizSession) error {
	id := sess.ID
	random := s.c.run.cfg.Answers == "random"
	for i := 0; !sess.Done && sess.Question != nil; i++ {
		if i >= maxQuestions {
			s.c.stats.fail(StepQuizAnswer, http.StatusOK, fmt.Sprintf("quiz not done after %d answers", maxQuestions))
			return errUnexpected
		}
		if s.c.run.stopping() {
			return errStopped
		}
		body := map[string]any{"question_id": sess.Question.ID, "value": s.answer(sess.Question, random)}
		var next quizSession
		if _, err := s.c.do(ctx, StepQuizAnswer, http.MethodPost, "/api/v1/quiz/sessions/"+url.PathEscape(id)+"/answers", body, &next, http.StatusOK); err != nil {
			return err
		}
		*sess = next
	}
	if !sess.Done {
		s.c.stats.fail(StepQuizAnswer, http.StatusOK, "no next question but the quiz is not done")
		return errUnexpected
	}
	return nil
}

// recommend fetches the products made for a finished quiz session.
func (s *shopper) recommend(ctx context.Context, sessionID string) ([]product, error) {
	var rec recommendation
	if _, err := s.c.do(ctx, StepRecommendation, http.MethodGet, "/api/v1/quiz/sessions/"+url.PathEscape(sessionID)+"/recommendation", nil, &rec, http.StatusOK); err != nil {
		return nil, err
	}
	var out []product
	for _, p := range rec.Products {
		if p.Code != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		s.c.stats.fail(StepRecommendation, http.StatusOK, "the recommendation has no product")
		return nil, errUnexpected
	}
	return out, nil
}

// customize changes one single-choice dimension of p to another option of its line and returns
// the new product; a conflict (409) is an expected outcome and gives the suggested product, or
// p itself when there is no suggestion.
func (s *shopper) customize(ctx context.Context, p product) (product, error) {
	dim, opt, ok := s.change(p)
	if !ok {
		return p, nil
	}
	body := map[string]any{"changes": map[string]any{dim: opt}}
	var raw json.RawMessage
	status, err := s.c.do(ctx, StepCustomize, http.MethodPost, "/api/v1/products/"+url.PathEscape(p.Code)+"/customize", body, &raw,
		http.StatusOK, http.StatusConflict)
	if err != nil {
		return p, err
	}
	if status == http.StatusConflict {
		s.c.stats.expect(OutcomeCustomizeConflict)
		var cf conflict
		if json.Unmarshal(raw, &cf) == nil && cf.Suggestion != nil && cf.Suggestion.Code != "" {
			return product{Code: cf.Suggestion.Code, Line: p.Line, Choices: p.Choices}, nil
		}
		return p, nil
	}
	var np product
	if err := json.Unmarshal(raw, &np); err != nil || np.Code == "" {
		s.c.stats.fail(StepCustomize, status, "the customised product has no code")
		return p, errUnexpected
	}
	if np.Line == "" {
		np.Line = p.Line
	}
	return np, nil
}

// change picks a single-choice dimension of p's line with another option, from the catalog.
func (s *shopper) change(p product) (dim, opt string, ok bool) {
	line := s.c.run.catalog.line(p.Line)
	if line == nil {
		return "", "", false
	}
	current := map[string]string{}
	for _, ch := range p.Choices {
		if len(ch.Options) == 1 {
			current[ch.Dimension] = ch.Options[0]
		}
	}
	var dims []catalogDimension
	for _, d := range line.Dimensions {
		if !d.Pick && len(d.Options) > 1 {
			dims = append(dims, d)
		}
	}
	if len(dims) == 0 {
		return "", "", false
	}
	d := dims[s.rng.IntN(len(dims))]
	o := d.Options[s.rng.IntN(len(d.Options))].ID
	if o == current[d.ID] {
		o = d.Options[(s.rng.IntN(len(d.Options)-1)+1+indexOf(d.Options, o))%len(d.Options)].ID
	}
	return d.ID, o, true
}

func indexOf(opts []catalogOption, id string) int {
	for i, o := range opts {
		if o.ID == id {
			return i
		}
	}
	return 0
}

// checkout orders codes (quantity 1..Quantity of the first) and pays for the order in demo mode.
func (s *shopper) checkout(ctx context.Context, codes []string) error {
	items := make([]map[string]any, 0, len(codes))
	for i, code := range codes {
		q := 1
		if i == 0 {
			q = 1 + s.rng.IntN(s.c.run.cfg.Quantity)
		}
		items = append(items, map[string]any{"code": code, "quantity": q})
	}
	body := map[string]any{
		"items": items,
		"email": "shopper" + strconv.FormatUint(s.n, 10) + "@example.com",
		"shipping_address": map[string]any{
			"name": "Maya Loadtest", "line1": "1 Test Street", "city": "Springfield",
			"postal_code": "12345", "country": "US",
		},
	}
	var created orderCreated
	if _, err := s.c.do(ctx, StepOrderCreate, http.MethodPost, "/api/v1/orders", body, &created, http.StatusCreated); err != nil {
		return err
	}
	id := idString(created.ID)
	if id == "" {
		s.c.stats.fail(StepOrderCreate, http.StatusCreated, "the new order has no id")
		return errUnexpected
	}
	s.c.run.orders.created(id)
	// Pay even when the run is stopping: an order left unpaid would only be noise.
	var paid struct {
		Status string `json:"status"`
	}
	if _, err := s.c.do(ctx, StepDemoPay, http.MethodPost, "/api/v1/orders/"+url.PathEscape(id)+"/demo-payment", nil, &paid, http.StatusOK); err != nil {
		return err
	}
	if paid.Status != "" && !isPaid(paid.Status) {
		s.c.stats.fail(StepDemoPay, http.StatusOK, fmt.Sprintf("order %s is %q after payment", id, paid.Status))
		return errUnexpected
	}
	s.c.run.orders.paid(id)
	return nil
}

// visit is one shopper's whole visit in the run's scenario.
func (s *shopper) visit(ctx context.Context) error {
	switch s.c.run.cfg.Scenario {
	case Checkout:
		codes := s.c.run.codes.pick(s.rng)
		if len(codes) == 0 {
			return errors.New("no product codes to order")
		}
		return s.checkout(ctx, codes)
	case Quiz:
		_, err := s.takeQuiz(ctx)
		return err
	}
	id, err := s.takeQuiz(ctx)
	if err != nil {
		return err
	}
	if s.c.run.stopping() {
		return errStopped
	}
	products, err := s.recommend(ctx, id)
	if err != nil {
		return err
	}
	p := products[s.rng.IntN(len(products))]
	for range 1 + s.rng.IntN(s.c.run.cfg.Customizations) {
		if s.c.run.stopping() {
			return errStopped
		}
		if p, err = s.customize(ctx, p); err != nil {
			return err
		}
	}
	if s.c.run.stopping() {
		return errStopped
	}
	return s.checkout(ctx, []string{p.Code})
}

// errStopped ends a visit early because the run's duration is over.
var errStopped = errors.New("run stopping")

// isQuiet reports errors that were counted already or mean the run is ending.
func isQuiet(err error) bool {
	return err == nil || errors.Is(err, errUnexpected) || errors.Is(err, errStopped) ||
		errors.Is(err, errBudget) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "context canceled")
}
