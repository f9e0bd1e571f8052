package browsertest_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"atelier/app/apptest"
)

// TestHomePage checks the harness itself: the home page loads with its stylesheet and hero
// picture and logs no error, and an error a page does log is seen (so the other tests' "no
// JavaScript error" is not a pass by blindness).
func TestHomePage(t *testing.T) {
	exe := chromiumPath(t)
	s := apptest.New(t)
	b := newBrowser(t, exe, s.URL, "visitor")
	tab := b.first
	tab.Visit("/")
	tab.Contains("h1", "made for you")
	if !Eval[bool](tab, `document.styleSheets.length > 0 && getComputedStyle(document.body).fontFamily !== ""`) {
		tab.fail("no stylesheet applied")
	}
	if w := Eval[int](tab, `(() => { const i = document.querySelector(".hero-art img"); return i && i.complete ? i.naturalWidth : -1 })()`); w <= 0 {
		tab.fail("hero picture did not load (naturalWidth %d)", w)
	}
	tab.NoJSErrors()

	// A thrown error and a console.error in the page reach the listener before the reply.
	if _, err := run(tab, chromedp.Evaluate[chromedp.Void](`new Promise(done => setTimeout(() => {
		console.error("probe: console");
		done();
		throw new Error("probe: thrown");
	}, 0))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(tab.newProblems(), "\n")
	for _, want := range []string{"probe: console", "probe: thrown"} {
		if !strings.Contains(got, want) {
			t.Errorf("the listener did not see %q; it saw:\n%s", want, got)
		}
	}
}
