package browsertest_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"atelier/app/apptest"
	"atelier/app/staff"
	"atelier/catalog"
	"atelier/fulfillment"
)

// staffPassword is every test staff member's password (staff passwords need 12 characters).
const staffPassword = "studio-password-2026"

// TestStaffJourney follows a paid order through the studio in a real browser: a fulfillment
// member signs in, claims the job, moves it through every step to shipped (carrier and
// tracking, which the shopper's order page then shows) and delivered; two weeks later the
// scheduler has made a check-in, and a care member signs in, claims the follow-ups and
// completes them with a rating.
func TestStaffJourney(t *testing.T) {
	exe := chromiumPath(t)
	s := apptest.New(t)
	ctx := context.Background()
	accounts := staff.NewAccounts(s.DB, s.Clock.Now)
	system := fulfillment.Actor{Role: "system"}
	for _, m := range []staff.NewMember{
		{Email: "maker@atelier.test", Name: "Mo Maker", Role: fulfillment.RoleFulfillment, Password: staffPassword},
		{Email: "carer@atelier.test", Name: "Cy Carer", Role: fulfillment.RoleCare, Password: staffPassword},
	} {
		if _, _, err := accounts.Add(ctx, system, m); err != nil {
			t.Fatalf("add staff member %s: %v", m.Email, err)
		}
	}

	// A shopper buys one product, so there is a job to make.
	b := newBrowser(t, exe, s.URL, "shopper")
	shopper := b.first
	products, err := s.Deps.Catalog.Current().Recommend(catalog.Profile{Name: "Grace", Traits: map[string][]string{"lines": {"shampoo"}}})
	if err != nil || len(products) == 0 {
		t.Fatalf("recommend a product: %v (%d)", err, len(products))
	}
	code := products[0].Code
	shopper.Visit("/p/" + code)
	addToBag(shopper, code)
	order := demoCheckout(shopper, "Grace Hopper")

	// The fulfillment member signs in, claims the job and walks it to delivered.
	maker := b.NewShopper("maker")
	staffSignIn(maker, "maker@atelier.test")
	maker.Visit("/staff/production")
	maker.Contains(".staff-table", "Grace Hopper")
	maker.Follow(`form[action="/staff/production/claim"] button[type=submit]`)
	jobID := idAfter(maker, "/staff/jobs/")
	maker.Contains(".batch-sheet", "by you")
	const tracking = "RR123456785GB"
	moves := walkJob(maker, tracking)
	if !contains(moves, fulfillment.JobShipped) || moves[len(moves)-1] != fulfillment.JobDelivered {
		maker.fail("the job moved through %s, want it shipped and then delivered", quote(moves))
	}
	job, err := s.Deps.Fulfillment.GetJob(ctx, jobID)
	if err != nil || job.Status != fulfillment.JobDelivered {
		t.Fatalf("job %d after the walk: %+v, %v; want delivered", jobID, job, err)
	}
	t.Logf("job %d moved through %s", jobID, strings.Join(moves, " → "))

	// The shopper's order page shows the tracking number.
	shopper.Visit(order)
	shopper.Contains("main", tracking)

	// Two weeks later the scheduler has made a check-in; the care member completes the
	// follow-ups with a rating.
	s.Clock.Advance(15 * 24 * time.Hour)
	if _, err := s.Deps.Fulfillment.Tick(ctx); err != nil {
		t.Fatalf("tick: %v", err)
	}
	carer := b.NewShopper("carer")
	staffSignIn(carer, "carer@atelier.test")
	done := completeFollowUps(carer, 5)
	var kinds []string
	for _, id := range done {
		task, err := s.Deps.Fulfillment.GetTask(ctx, id)
		if err != nil {
			t.Fatalf("task %d: %v", id, err)
		}
		if task.State != fulfillment.TaskDone || task.Satisfaction == nil || *task.Satisfaction != 5 {
			t.Errorf("task %d (%s) after completing it: state %s, satisfaction %v; want done with 5", id, task.Kind, task.State, task.Satisfaction)
		}
		kinds = append(kinds, task.Kind)
	}
	if !contains(kinds, fulfillment.TaskCheckIn) {
		t.Errorf("the care member completed %s, want the check-in among them", quote(kinds))
	}
}

// staffSignIn signs a staff member in through the login page.
func staffSignIn(tab *Tab, email string) {
	tab.t.Helper()
	tab.Visit("/staff/login")
	tab.Fill("#email", email)
	tab.Fill("#password", staffPassword)
	tab.Follow(`form[action="/staff/login"] button[type=submit]`)
	if !strings.HasPrefix(tab.Path(), "/staff") || strings.HasPrefix(tab.Path(), "/staff/login") {
		tab.fail("signing in as %s did not open the staff console", email)
	}
}

// walkJob moves the job on the page forward (never on hold or cancelled) until no move is
// left or it is delivered, filling carrier and tracking to ship; it returns the moves made.
func walkJob(tab *Tab, tracking string) []string {
	tab.t.Helper()
	var moves []string
	for range 10 {
		next := Eval[string](tab, `(() => {
			const to = [...document.querySelectorAll('form[action$="/transition"] input[name=to]')].map(i => i.value);
			return to.find(v => v !== "on_hold" && v !== "cancelled") || "";
		})()`)
		if next == "" {
			break
		}
		if next == fulfillment.JobShipped {
			tab.Fill("#carrier", "Royal Mail")
			tab.Fill("#tracking", tracking)
		}
		tab.Follow(fmt.Sprintf(`form[action$="/transition"]:has(input[name=to][value=%q]) button[type=submit]`, next))
		moves = append(moves, next)
		if next == fulfillment.JobDelivered {
			break
		}
	}
	return moves
}

// completeFollowUps claims the next follow-up and completes it (reached, the rating, a note)
// until nothing is due or max are done; it returns the ids of the tasks completed.
func completeFollowUps(tab *Tab, rating int) []uint {
	tab.t.Helper()
	var done []uint
	for range 5 {
		tab.Visit("/staff/followups")
		tab.Follow(`form[action="/staff/followups/claim"] button[type=submit]`)
		if !strings.HasPrefix(tab.Path(), "/staff/followups/") || !tab.Has(`form[action$="/complete"]`) {
			break
		}
		id := idAfter(tab, "/staff/followups/")
		tab.SetValue("#outcome", fulfillment.OutcomeReached)
		tab.Click(fmt.Sprintf(`form[action$="/complete"] label:has(> input[name=satisfaction][value="%d"])`, rating))
		tab.Fill("#note", "Loves it; the scent is just right.")
		tab.Follow(`form[action$="/complete"] button[type=submit]`)
		done = append(done, id)
	}
	if len(done) == 0 {
		tab.fail("there was no follow-up to claim")
	}
	return done
}

var trailingID = regexp.MustCompile(`^(\d+)`)

// idAfter is the numeric id that follows prefix in the tab's path.
func idAfter(tab *Tab, prefix string) uint {
	tab.t.Helper()
	p := tab.Path()
	m := trailingID.FindStringSubmatch(strings.TrimPrefix(p, prefix))
	if !strings.HasPrefix(p, prefix) || m == nil {
		tab.fail("the address is not %s<id>", prefix)
	}
	n, _ := strconv.ParseUint(m[1], 10, 64)
	return uint(n)
}
