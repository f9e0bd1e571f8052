package account

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"atelier/app/products"
	"atelier/app/web"
	"atelier/catalog"
	"atelier/questionnaire"
)

// LikelyChanged are the questions most likely to have changed since the last consultation,
// in the order a re-consultation offers them: season and climate, then concerns, then goals,
// then the answers that decide what is safe to put in a formula (a pregnancy, new reactions,
// more sun), which must never be carried over unseen.
var LikelyChanged = []string{"climate", "skin_concerns", "hair_concerns", "hair_goals", "sensitivity",
	"skin_reactions", "sun_exposure", "pregnancy"}

// Prefill starts a new consultation for the customer, pre-filled with the answers of their
// latest completed one, positioned at the first of LikelyChanged on their path. It returns the
// new response and the old one; nil, nil when there is no earlier consultation. The new
// response belongs to this browser and the customer, and becomes the visitor's current one.
func (h *Handlers) Prefill(c echo.Context, cust *Customer) (*questionnaire.Response, *questionnaire.Response, error) {
	ctx := c.Request().Context()
	old, err := h.latest(ctx, cust.ID)
	if err != nil || old == nil {
		return nil, nil, err
	}
	sess := web.SessionOf(c)
	r, err := h.d.Quiz.Create(ctx, sess.OwnerKey(), h.d.QuizCurrent)
	if err != nil {
		return nil, nil, err
	}
	r.Answers = carryAnswers(old, h.d.QuizCurrent)
	st := h.d.QuizCurrent.State(r.Answers)
	for _, id := range LikelyChanged {
		if slices.ContainsFunc(st.Path, func(q *questionnaire.Question) bool { return q.ID == id }) {
			r.Current = id
			break
		}
	}
	if err := h.d.Quiz.Save(ctx, r); err != nil {
		return nil, nil, err
	}
	if err := h.d.Quiz.AttachCustomer(ctx, r.ID, cust.ID); err != nil {
		return nil, nil, err
	}
	sess.Set(web.KeyQuiz, r.ID)
	return r, old.r, nil
}

// carryAnswers copies the old answers onto quiz: as they are on the same version, otherwise
// re-answered one by one in the old order, dropping those the new version refuses.
func carryAnswers(old *consultation, quiz *questionnaire.Quiz) questionnaire.Answers {
	if old.quiz.Version == quiz.Version {
		return old.r.Answers.Clone()
	}
	answers := questionnaire.Answers{}
	for _, a := range old.answers {
		if next, err := quiz.Answer(answers, a.QuestionID, old.r.Answers[a.QuestionID]); err == nil {
			answers = next
		}
	}
	return answers
}

// Reconsult is POST /account/reconsult: "Something changed?" starts a pre-filled
// consultation and shows the questions most likely to have changed.
func (h *Handlers) Reconsult(c echo.Context) error {
	r, old, err := h.Prefill(c, CurrentCustomer(c))
	if err != nil {
		return err
	}
	if r == nil {
		return seeOther(c, "/quiz")
	}
	return seeOther(c, "/account/reconsult/"+url.PathEscape(r.ID)+"?from="+url.QueryEscape(old.ID))
}

type reconsultView struct {
	web.Page
	ID      string
	Likely  []AnswerLine
	Others  []AnswerLine
	OldID   string
	Compare string
}

// ReconsultShow is GET /account/reconsult/:id: the pre-filled answers, likely changes first,
// each with a link to change it, and the way to the comparison.
func (h *Handlers) ReconsultShow(c echo.Context) error {
	ctx := c.Request().Context()
	cust := CurrentCustomer(c)
	r, err := h.d.Quiz.GetForOwner(ctx, c.Param("id"), web.SessionOf(c).OwnerKey())
	if err != nil || r.CustomerID == nil || *r.CustomerID != cust.ID {
		return questionnaire.ErrNotFound
	}
	cons, err := h.consultationOf(ctx, r)
	if err != nil {
		return err
	}
	v := &reconsultView{ID: r.ID}
	for _, a := range cons.answers {
		if slices.Contains(LikelyChanged, a.QuestionID) {
			v.Likely = append(v.Likely, a)
		} else {
			v.Others = append(v.Others, a)
		}
	}
	// Offer them in LikelyChanged's order (climate first), not the quiz's.
	slices.SortStableFunc(v.Likely, func(a, b AnswerLine) int {
		return slices.Index(LikelyChanged, a.QuestionID) - slices.Index(LikelyChanged, b.QuestionID)
	})
	v.Compare = "/account/compare?old=" + url.QueryEscape(c.QueryParam("from")) + "&new=" + url.QueryEscape(r.ID)
	v.Title = "Something changed?"
	return h.env.Render.Render(c, http.StatusOK, "account/reconsult", v)
}

// ComparePair is one line's old and new product side by side. Old is the product the
// customer last bought in that line (Bought) or, for a line never bought, the one the earlier
// consultation recommended. A line on one side only has OnlyOld (no longer recommended) or
// OnlyNew (newly recommended) set, and no changes.
type ComparePair struct {
	Line       string          `json:"line"`
	Old        catalog.Product `json:"old"`
	New        catalog.Product `json:"new"`
	Bought     bool            `json:"old_is_bought"`
	OnlyOld    bool            `json:"only_old,omitempty"`
	OnlyNew    bool            `json:"only_new,omitempty"`
	OldPreview string          `json:"old_preview_url"`
	NewPreview string          `json:"new_preview_url"`
	Changes    []Change        `json:"changes"`
	Formula    []string        `json:"formula_changes"`
}

// AnswerChange is one answer that differs between two consultations.
type AnswerChange struct {
	Question string `json:"question"`
	From     string `json:"from"`
	To       string `json:"to"`
}

type compareView struct {
	web.Page
	Pairs   []ComparePair
	Answers []AnswerChange
}

// Compare is GET /account/compare: old and new products side by side with every difference
// and its reason, each with an Add-to-bag button. Either old=CODE&new=CODE, or new=RESPONSE
// and old=RESPONSE (a re-consultation and the one it started from): the recommendations of both are paired by line.
func (h *Handlers) Compare(c echo.Context) error {
	ctx := c.Request().Context()
	cust := CurrentCustomer(c)
	v := &compareView{}
	v.Title = "What changed"
	oldID, newID := c.QueryParam("old"), c.QueryParam("new")
	if oldP, err := h.d.Catalog.Decode(oldID, catalog.Profile{}); err == nil {
		newP, err := h.d.Catalog.Decode(newID, catalog.Profile{})
		if err != nil {
			return err
		}
		v.Pairs = append(v.Pairs, h.pair(oldP, newP))
		return h.env.Render.Render(c, http.StatusOK, "account/compare", v)
	}
	newC, err := h.ownConsultation(ctx, c, cust, newID)
	if err != nil {
		return err
	}
	oldC, err := h.ownConsultation(ctx, c, cust, oldID)
	if err != nil {
		return err
	}
	owned, _, err := h.ownedProducts(ctx, cust.ID, newC.profile)
	if err != nil {
		return err
	}
	v.Pairs, v.Answers, err = h.compareConsultations(oldC, newC, owned)
	if err != nil {
		return err
	}
	return h.env.Render.Render(c, http.StatusOK, "account/compare", v)
}

// ownConsultation loads a response of this customer (or this browser), else ErrNotFound.
func (h *Handlers) ownConsultation(ctx context.Context, c echo.Context, cust *Customer, id string) (*consultation, error) {
	r, err := h.d.Quiz.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	mine := r.CustomerID != nil && *r.CustomerID == cust.ID
	if !mine && r.OwnerKey != web.SessionOf(c).OwnerKey() {
		return nil, questionnaire.ErrNotFound
	}
	return h.consultationOf(ctx, r)
}

// compareConsultations pairs, line by line, what the customer has (the latest product bought
// in each line, else the earlier recommendation) with what the new consultation recommends,
// and lists every answer that differs, including questions asked on one side only.
func (h *Handlers) compareConsultations(oldC, newC *consultation, owned []OwnedProduct) ([]ComparePair, []AnswerChange, error) {
	cur := h.d.Catalog.Current()
	oldRec, err := cur.Recommend(oldC.profile)
	if err != nil {
		return nil, nil, err
	}
	newRec, err := cur.Recommend(newC.profile)
	if err != nil {
		return nil, nil, err
	}
	before := map[string]catalog.Product{} // line → what the customer has
	bought := map[string]bool{}
	var order []string // lines in the order they are first met: new recommendation first
	for _, o := range oldRec {
		before[o.Line] = o
	}
	for _, op := range owned { // most recently bought first
		if op.decodeProblem == "" && !bought[op.Line] {
			before[op.Line], bought[op.Line] = op.Product, true
		}
	}
	var pairs []ComparePair
	seen := map[string]bool{}
	for _, n := range newRec {
		seen[n.Line] = true
		o, ok := before[n.Line]
		if !ok {
			pairs = append(pairs, ComparePair{Line: n.LineLabel, New: n, OnlyNew: true,
				NewPreview: products.PreviewURL(n.Code, ""), Changes: []Change{}})
			continue
		}
		p := h.pair(o, n)
		p.Bought = bought[n.Line]
		pairs = append(pairs, p)
	}
	for _, o := range oldRec {
		order = append(order, o.Line)
	}
	for _, op := range owned {
		order = append(order, op.Line)
	}
	for _, line := range order {
		if seen[line] {
			continue
		}
		seen[line] = true
		o := before[line]
		pairs = append(pairs, ComparePair{Line: o.LineLabel, Old: o, Bought: bought[line], OnlyOld: true,
			OldPreview: products.PreviewURL(o.Code, ""), Changes: []Change{}})
	}

	var answers []AnswerChange
	was := map[string]AnswerLine{}
	for _, a := range oldC.answers {
		was[a.QuestionID] = a
	}
	now := map[string]bool{}
	for _, a := range newC.answers {
		now[a.QuestionID] = true
		w, ok := was[a.QuestionID]
		switch {
		case !ok:
			answers = append(answers, AnswerChange{Question: a.Question, From: "not asked before", To: a.Answer})
		case w.Answer != a.Answer:
			answers = append(answers, AnswerChange{Question: a.Question, From: w.Answer, To: a.Answer})
		}
	}
	for _, a := range oldC.answers {
		if !now[a.QuestionID] {
			answers = append(answers, AnswerChange{Question: a.Question, From: a.Answer, To: "no longer asked"})
		}
	}
	return pairs, answers, nil
}

func (h *Handlers) pair(o, n catalog.Product) ComparePair {
	p := ComparePair{Line: n.LineLabel, Old: o, New: n,
		OldPreview: products.PreviewURL(o.Code, ""), NewPreview: products.PreviewURL(n.Code, "")}
	if line, err := h.d.Catalog.Current().Line(n.Line); err == nil {
		p.Changes = Diff(lineInfo(line), o, n, nil)
	}
	p.Formula = formulaChanges(o, n)
	return p
}

// formulaChanges lists ingredients added, removed or changed in dose, in words.
func formulaChanges(o, n catalog.Product) []string {
	was := map[string]catalog.Percent{}
	for _, r := range o.Formula {
		was[r.INCI] = r.Percent
	}
	var out []string
	for _, r := range n.Formula {
		w, ok := was[r.INCI]
		switch {
		case !ok:
			out = append(out, "Added "+r.INCI)
		case w != r.Percent && !r.QS:
			out = append(out, fmt.Sprintf("%s: %v → %v", r.INCI, w, r.Percent))
		}
		delete(was, r.INCI)
	}
	for _, r := range o.Formula {
		if _, gone := was[r.INCI]; gone {
			out = append(out, "Removed "+r.INCI)
		}
	}
	return out
}
