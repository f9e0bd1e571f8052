package account_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/catalog"
	"atelier/questionnaire"
)

// quizState is the part of the consultation API's JSON these tests read.
type quizState struct {
	ID       string `json:"id"`
	Question *struct {
		ID      string   `json:"id"`
		Kind    string   `json:"kind"`
		Min     *float64 `json:"min"`
		Options []struct {
			Value string `json:"value"`
		} `json:"options"`
	} `json:"question"`
	Done    bool           `json:"done"`
	Answers map[string]any `json:"answers"`
}

// skinAnswers is a shopper after a moisturiser: normal skin, a medium texture, a humid
// climate and pores as the concern. Every other question gets its first option.
var skinAnswers = map[string]any{
	"focus": "skin", "skin_lines": []string{"moisturiser"}, "skin_type": "normal", "sensitivity": "low",
	"skin_concerns": []string{"pores"}, "texture": "medium", "climate": "humid", "values": []string{},
}

// answerAll answers every question the API asks until the consultation is done, with
// overrides by question id, else the first option(s), the lowest value or a name.
func answerAll(t *testing.T, c *apptest.Client, st quizState, overrides map[string]any) quizState {
	t.Helper()
	for range 100 {
		if st.Question == nil {
			if !st.Done {
				t.Fatalf("no question and not done: %+v", st)
			}
			return st
		}
		q := st.Question
		v, ok := overrides[q.ID]
		if !ok {
			switch q.Kind {
			case "multi":
				n := 1
				if q.Min != nil && int(*q.Min) > 1 {
					n = int(*q.Min)
				}
				var vals []string
				for _, o := range q.Options[:n] {
					vals = append(vals, o.Value)
				}
				v = vals
			case "scale", "number":
				v = 1.0
				if q.Min != nil {
					v = *q.Min
				}
			case "text":
				v = "Ada"
			default:
				v = q.Options[0].Value
			}
		}
		r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions/"+st.ID+"/answers", map[string]any{"question_id": q.ID, "value": v})
		if r.StatusCode != http.StatusOK {
			t.Fatalf("answer %s=%v: %d %s", q.ID, v, r.StatusCode, r.Body)
		}
		st = quizState{}
		r.JSON(t, &st)
	}
	t.Fatal("the consultation did not end within 100 answers")
	return st
}

// consulted creates a customer who finished a consultation as a guest and then signed in
// (which attaches it to the account), and returns the customer, the signed-in client and the
// consultation's id.
func consulted(t *testing.T, s *apptest.Store, email string) (*account.Customer, *apptest.Client, string) {
	t.Helper()
	cust := s.Customer(email, "Ada", password)
	c := s.Client()
	r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions", nil)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("start consultation: %d %s", r.StatusCode, r.Body)
	}
	var st quizState
	r.JSON(t, &st)
	st = answerAll(t, c, st, skinAnswers)
	if resp := c.PostForm("/account/signin", url.Values{"email": {email}, "password": {password}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", resp.StatusCode, resp.Body)
	}
	old := response(t, s, st.ID)
	if old.CustomerID == nil || *old.CustomerID != cust.ID || !old.Completed() {
		t.Fatalf("consultation not completed and attached at sign-in: %+v", old)
	}
	// Later re-consultations complete after this one, so "latest" is never a tie.
	s.Clock.Advance(time.Hour)
	return cust, c, st.ID
}

// response reads a quiz response from the store.
func response(t *testing.T, s *apptest.Store, id string) *questionnaire.Response {
	t.Helper()
	r, err := s.Deps.Quiz.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("response %s: %v", id, err)
	}
	return r
}

// changeLinks are the question ids of the page's "Change" links into consultation id, in page order.
func changeLinks(page, id string) []string {
	re := regexp.MustCompile(`href="/quiz/` + regexp.QuoteMeta(id) + `\?q=([a-z_]+)"`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestReconsultPrefillsAndOffersLikelyChangesFirst(t *testing.T) {
	s := apptest.New(t)
	cust, c, oldID := consulted(t, s, "ada@example.com")

	r := c.PostForm("/account/reconsult", nil)
	loc := r.Location()
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/account/reconsult/") {
		t.Fatalf("reconsult: %d %q %.300s", r.StatusCode, loc, r.Body)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	newID := strings.TrimPrefix(u.Path, "/account/reconsult/")
	if newID == oldID || u.Query().Get("from") != oldID {
		t.Fatalf("redirect %q: want a new consultation from %s", loc, oldID)
	}

	old, fresh := response(t, s, oldID), response(t, s, newID)
	if !reflect.DeepEqual(fresh.Answers, old.Answers) {
		t.Fatalf("pre-filled answers differ:\n new %v\n old %v", fresh.Answers, old.Answers)
	}
	if fresh.CustomerID == nil || *fresh.CustomerID != cust.ID {
		t.Fatalf("new consultation belongs to customer %v, want %d", fresh.CustomerID, cust.ID)
	}
	if fresh.Current != "climate" {
		t.Fatalf("new consultation starts at %q, want climate", fresh.Current)
	}
	// It belongs to this browser: the consultation API shows it with the old answers.
	var api quizState
	got := c.JSON(http.MethodGet, "/api/v1/quiz/sessions/"+newID, nil)
	got.JSON(t, &api)
	if got.StatusCode != http.StatusOK || api.Question == nil || api.Question.ID != "climate" {
		t.Fatalf("API show: %d %s", got.StatusCode, got.Body)
	}
	if api.Answers["climate"] != "humid" || !reflect.DeepEqual(api.Answers["skin_concerns"], []any{"pores"}) {
		t.Fatalf("API answers: %v", api.Answers)
	}

	page := c.Get(loc)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Something changed?") {
		t.Fatalf("reconsult page: %d %.500s", page.StatusCode, page.Body)
	}
	links := changeLinks(page.Body, newID)
	if len(links) < 3 || links[0] != "climate" || links[1] != "skin_concerns" {
		t.Fatalf("change links %v: want climate, then skin concerns, first", links)
	}
	if want := `href="/account/compare?old=` + oldID + `&amp;new=` + newID + `"`; !strings.Contains(page.Body, want) {
		t.Fatalf("reconsult page lacks the compare link %s", want)
	}
	// The link to the first likely change opens that question.
	if q := c.Get("/quiz/" + newID + "?q=climate"); q.StatusCode != http.StatusOK || !strings.Contains(q.Body, `name="question_id" value="climate"`) {
		t.Fatalf("climate question: %d", q.StatusCode)
	}
}

func TestReconsultAPIFromLatest(t *testing.T) {
	s := apptest.New(t)
	cust, c, oldID := consulted(t, s, "ada@example.com")

	r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions?from=latest", nil)
	var body struct {
		ID            string         `json:"id"`
		From          string         `json:"from"`
		Prefilled     bool           `json:"prefilled"`
		StartAt       string         `json:"start_at"`
		LikelyChanged []string       `json:"likely_changed"`
		Answers       map[string]any `json:"answers"`
		Done          bool           `json:"done"`
		EditURL       string         `json:"edit_url"`
		CompareURL    string         `json:"compare_url"`
	}
	r.JSON(t, &body)
	if r.StatusCode != http.StatusCreated || !body.Prefilled || body.From != oldID || body.ID == "" || body.ID == oldID || !body.Done {
		t.Fatalf("from=latest: %d %s", r.StatusCode, r.Body)
	}
	if body.StartAt != "climate" || body.EditURL != "/quiz/"+body.ID+"?q=climate" || body.CompareURL != "/account/compare?old="+oldID+"&new="+body.ID {
		t.Fatalf("from=latest links: %s", r.Body)
	}
	if !reflect.DeepEqual(body.LikelyChanged, account.LikelyChanged) {
		t.Fatalf("likely_changed %v", body.LikelyChanged)
	}
	old, fresh := response(t, s, oldID), response(t, s, body.ID)
	if !reflect.DeepEqual(fresh.Answers, old.Answers) || fresh.CustomerID == nil || *fresh.CustomerID != cust.ID {
		t.Fatalf("re-consultation: %+v, old answers %v", fresh, old.Answers)
	}
	if body.Answers["climate"] != "humid" || body.Answers["skin_type"] != "normal" {
		t.Fatalf("answers in the reply: %v", body.Answers)
	}

	// Without from=latest the route is consult's: an empty consultation.
	var plain quizState
	if r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions", nil); r.StatusCode != http.StatusCreated {
		t.Fatalf("plain create: %d", r.StatusCode)
	} else if r.JSON(t, &plain); len(plain.Answers) != 0 || plain.Question == nil || plain.Question.ID != "focus" {
		t.Fatalf("plain create: %s", r.Body)
	}

	_, fresher := customer(t, s, "new@example.com")
	tests := []struct {
		name   string
		c      *apptest.Client
		status int
		says   string
	}{
		{"signed out", s.Client(), http.StatusUnauthorized, "sign in"},
		{"no finished consultation", fresher, http.StatusNotFound, "no finished consultation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.c.JSON(http.MethodPost, "/api/v1/quiz/sessions?from=latest", nil)
			if r.StatusCode != tt.status || !strings.Contains(r.Body, tt.says) {
				t.Fatalf("%d %s, want %d saying %q", r.StatusCode, r.Body, tt.status, tt.says)
			}
		})
	}
	// The page form of a customer without a consultation goes to a fresh quiz.
	if r := fresher.PostForm("/account/reconsult", nil); r.StatusCode != http.StatusSeeOther || r.Location() != "/quiz" {
		t.Fatalf("page reconsult without a consultation: %d %q", r.StatusCode, r.Location())
	}
}

// compareForm matches an add-to-bag form on the compare page.
var compareForm = regexp.MustCompile(`<form method="post" action="/r/([A-Za-z0-9-]+)">`)

func TestReconsultCompareShowsDifferencesWithReasons(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { reconsultCompare(t, apptest.New(t)) })
	t.Run("postgres", func(t *testing.T) { reconsultCompare(t, apptest.NewPostgres(t)) })
}

func reconsultCompare(t *testing.T, s *apptest.Store) {
	_, c, oldID := consulted(t, s, "ada@example.com")
	r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions?from=latest", nil)
	var st quizState
	r.JSON(t, &st)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("from=latest: %d %s", r.StatusCode, r.Body)
	}
	// The customer moved somewhere dry and now worries about dehydration, not pores.
	for _, a := range []struct {
		id    string
		value any
	}{{"climate", "dry"}, {"skin_concerns", []string{"dehydration"}}} {
		resp := c.JSON(http.MethodPost, "/api/v1/quiz/sessions/"+st.ID+"/answers", map[string]any{"question_id": a.id, "value": a.value})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("change %s: %d %s", a.id, resp.StatusCode, resp.Body)
		}
	}
	newID := st.ID
	fresh := response(t, s, newID)
	if !fresh.Completed() || fresh.Answers["climate"] != "dry" {
		t.Fatalf("changed consultation: %+v", fresh)
	}

	tests := []struct {
		name, path string
		answers    bool // the page lists the changed answers too
	}{
		{"by consultation", "/account/compare?old=" + url.QueryEscape(oldID) + "&new=" + url.QueryEscape(newID), true},
	}
	// The same comparison by product codes, as the bottle labels carry them.
	codes := compareCodes(t, c, tests[0].path)
	tests = append(tests, struct {
		name, path string
		answers    bool
	}{"by product code", "/account/compare?old=" + codes[0] + "&new=" + codes[1], false})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := c.Get(tt.path)
			if page.StatusCode != http.StatusOK {
				t.Fatalf("compare: %d %.500s", page.StatusCode, page.Body)
			}
			body := page.Body
			for _, want := range []string{"Before", "Now", "Actives:", "Niacinamide", "Hyaluronic acid"} {
				if !strings.Contains(body, want) {
					t.Errorf("compare page lacks %q", want)
				}
			}
			if strings.Contains(body, "No difference") {
				t.Error("compare page says nothing changed")
			}
			if !regexp.MustCompile(`<li><strong>Actives:</strong>[^<]*<span class="muted">[^<]+</span></li>`).MatchString(body) {
				t.Errorf("the actives change has no reason:\n%s", body)
			}
			if forms := compareForm.FindAllStringSubmatch(body, -1); len(forms) != 2 || forms[0][1] == forms[1][1] {
				t.Errorf("add-to-bag forms %v: want one for the old and one for the new product", forms)
			}
			if got := strings.Contains(body, "Humid → Dry"); got != tt.answers {
				t.Errorf("answer change listed: %v, want %v", got, tt.answers)
			}
		})
	}
	// Choosing the new product puts it in the bag.
	if r := c.PostForm("/r/"+codes[1], nil); r.StatusCode != http.StatusSeeOther || r.Location() != "/bag" {
		t.Fatalf("add the new product: %d", r.StatusCode)
	}
	if bag := c.Get("/bag"); !strings.Contains(bag.Body, codes[1]) {
		t.Fatal("bag lacks the chosen product")
	}
}

// compareCodes returns the old and new product codes of a compare page's add-to-bag forms.
func compareCodes(t *testing.T, c *apptest.Client, path string) [2]string {
	t.Helper()
	page := c.Get(path)
	forms := compareForm.FindAllStringSubmatch(page.Body, -1)
	if page.StatusCode != http.StatusOK || len(forms) != 2 {
		t.Fatalf("compare %s: %d, %d forms", path, page.StatusCode, len(forms))
	}
	return [2]string{forms[0][1], forms[1][1]}
}

func TestReconsultIsPrivate(t *testing.T) {
	s := apptest.New(t)
	_, a, oldA := consulted(t, s, "a@example.com")
	_, b, oldB := consulted(t, s, "b@example.com")
	r := a.PostForm("/account/reconsult", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reconsult: %d", r.StatusCode)
	}
	loc := r.Location()
	newA := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/account/reconsult/")
	if a.Get(loc).StatusCode != http.StatusOK {
		t.Fatal("A cannot open their own re-consultation")
	}
	if p := a.Get("/account/compare?old=" + oldA + "&new=" + newA); p.StatusCode != http.StatusOK {
		t.Fatalf("A cannot compare their own consultations: %d", p.StatusCode)
	}
	tests := []struct{ name, path string }{
		{"reconsult page", loc},
		{"reconsult page without from", "/account/reconsult/" + newA},
		{"compare A's consultations", "/account/compare?old=" + oldA + "&new=" + newA},
		{"compare A's old with B's own", "/account/compare?old=" + oldA + "&new=" + oldB},
		{"compare B's own with A's new", "/account/compare?old=" + oldB + "&new=" + newA},
		{"guessed consultation", "/account/compare?old=" + oldB + "&new=" + strings.Repeat("A", len(newA))},
		{"consultation API", "/api/v1/quiz/sessions/" + newA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.Get(tt.path)
			if r.StatusCode != http.StatusNotFound {
				t.Fatalf("B got %d, want 404: %.300s", r.StatusCode, r.Body)
			}
			if strings.Contains(r.Body, "Humid") || strings.Contains(r.Body, "a@example.com") {
				t.Fatal("the 404 shows A's data")
			}
		})
	}
	if r := s.Client().Get(loc); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/account/signin") {
		t.Fatalf("signed out: %d %q", r.StatusCode, r.Location())
	}
}

// TestReconsultComparesWithWhatWasBought: the "before" side is the product the customer
// actually has (the latest bought in each line), and a line bought but no longer recommended
// is shown on its own, still reorderable, as are answers given on one side only.
func TestReconsultComparesWithWhatWasBought(t *testing.T) {
	s := apptest.New(t)
	cust, c, oldID := consulted(t, s, "ada@example.com")
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	serumLine, err := cat.Line("serum")
	if err != nil {
		t.Fatal(err)
	}
	mine := moisturiser(t, catalog.Selection{"base": {"rich_cream"}})
	serum := product(t, serumLine, nil)
	paidOrder(t, s, &cust.ID, "ada@example.com", serum)
	paidOrder(t, s, &cust.ID, "ada@example.com", mine)

	r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions?from=latest", nil)
	var st quizState
	r.JSON(t, &st)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("from=latest: %d %s", r.StatusCode, r.Body)
	}
	if resp := c.JSON(http.MethodPost, "/api/v1/quiz/sessions/"+st.ID+"/answers",
		map[string]any{"question_id": "climate", "value": "dry"}); resp.StatusCode != http.StatusOK {
		t.Fatalf("change climate: %d %s", resp.StatusCode, resp.Body)
	}
	page := c.Get("/account/compare?old=" + url.QueryEscape(oldID) + "&new=" + url.QueryEscape(st.ID))
	if page.StatusCode != http.StatusOK {
		t.Fatalf("compare: %d %.500s", page.StatusCode, page.Body)
	}
	forms := compareForm.FindAllStringSubmatch(page.Body, -1)
	if len(forms) != 3 {
		t.Fatalf("add-to-bag forms %v: want what you have and the new moisturiser, and the serum", forms)
	}
	if forms[0][1] != mine.Code {
		t.Errorf("before side is %s, want the moisturiser bought, %s", forms[0][1], mine.Code)
	}
	if forms[2][1] != serum.Code {
		t.Errorf("last form is %s, want the serum bought, %s", forms[2][1], serum.Code)
	}
	for _, want := range []string{"What you have", "Not in your new recommendation", "Humid → Dry"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("compare page lacks %q", want)
		}
	}
}

// TestSessionEndedElsewhereForgetsConsultations: "sign out everywhere" from another browser
// ends this browser's session as a sign-out would: it becomes a new guest, and its old owner
// key no longer opens the customer's consultation.
func TestSessionEndedElsewhereForgetsConsultations(t *testing.T) {
	s := apptest.New(t)
	_, c, oldID := consulted(t, s, "ada@example.com")
	if r := c.JSON(http.MethodGet, "/api/v1/quiz/sessions/"+oldID, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("own consultation: %d", r.StatusCode)
	}
	other := s.Client()
	if r := other.PostForm("/account/signin", url.Values{"email": {"ada@example.com"}, "password": {password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in elsewhere: %d %s", r.StatusCode, r.Body)
	}
	if r := other.PostForm("/account/signout", url.Values{"everywhere": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", r.StatusCode)
	}
	if r := c.JSON(http.MethodGet, "/api/v1/quiz/sessions/"+oldID, nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("consultation after the session ended elsewhere: %d, want 404", r.StatusCode)
	}
	if r := c.JSON(http.MethodGet, "/api/v1/me", nil); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/api/v1/me after the session ended elsewhere: %d, want 401", r.StatusCode)
	}
}
