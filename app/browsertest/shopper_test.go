package browsertest_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"atelier/app/apptest"
)

// TestShopperJourney takes one shopper through the store in a real browser: the consultation
// with Back and a resume on a second browser (its own cookies), the products, the product page
// with its bottle preview, a customisation next to a greyed-out option and its reason, the bag,
// a demo checkout, an account and a reorder. Every page is checked for JavaScript errors.
func TestShopperJourney(t *testing.T) {
	exe := chromiumPath(t)
	s := apptest.New(t)
	b := newBrowser(t, exe, s.URL, "shopper")
	phone := b.first

	// Home → start the consultation.
	phone.Visit("/")
	phone.Follow(`.hero a[href="/quiz"]`)
	phone.Contains("h1", "Tell us about you")
	phone.Follow(`form[action="/quiz"] button[type=submit]`)
	id := quizID(phone)

	// Answer three questions by clicking, remembering the third.
	var third question
	var thirdAnswer []string
	for i := range 3 {
		q, ok := readQuestion(phone)
		if !ok {
			phone.fail("question %d is not on the page", i+1)
		}
		got := answerByClicking(phone, q)
		if i == 2 {
			third, thirdAnswer = q, got
		}
		phone.Follow("form[data-quiz-form] [data-quiz-continue]")
	}
	fourth, ok := readQuestion(phone)
	if !ok || fourth.ID == third.ID {
		phone.fail("after the third answer the page shows no new question")
	}

	// Back: the third question is shown again, with its answer.
	phone.Follow(`button[form="quiz-back"]`)
	again, ok := readQuestion(phone)
	if !ok || again.ID != third.ID || again.Prompt != third.Prompt {
		phone.fail("Back showed %q, want the previous question %q", again.Prompt, third.Prompt)
	}
	if !sameSet(again.Checked, thirdAnswer) {
		phone.fail("Back showed question %q with %s chosen, want %s", third.Prompt, quote(again.Checked), quote(thirdAnswer))
	}
	phone.Follow("form[data-quiz-form] [data-quiz-continue]")

	// Copy the resume link from the page and carry on in another browser context.
	link := Eval[string](phone, `document.querySelector("#resume-link").value`)
	if !strings.HasPrefix(link, s.URL+"/quiz/resume/") {
		phone.fail("resume link %q is not a /quiz/resume/ link of this store", link)
	}
	laptop := b.NewShopper("laptop")
	if st := laptop.VisitStatus("/quiz/" + id); st != http.StatusNotFound {
		laptop.fail("another browser opened the consultation without its resume link: status %d, want 404", st)
	}
	laptop.VisitURL(link)
	if got := quizID(laptop); got != id {
		laptop.fail("the resume link opened consultation %s, want %s", got, id)
	}
	resumed, ok := readQuestion(laptop)
	if !ok || resumed.ID != fourth.ID {
		laptop.fail("the resume link shows %q, want where the shopper was: %q", resumed.Prompt, fourth.Prompt)
	}
	finishQuiz(laptop)
	laptop.Contains("h1", "Thank you, Ada")

	// The products, and one product's page with its bottle preview.
	laptop.Follow(`.quiz-next a[href$="/products"]`)
	laptop.WaitVisible(".product-card")
	laptop.Follow(".product-card h2 a")
	code := productCode(laptop)
	checkBottle(laptop, ".product-art img.bottle")

	// Customise: a greyed-out option shows its reason; an allowed one makes a new product.
	newCode := customise(laptop, code)
	t.Logf("customised %s into %s", code, newCode)
	checkBottle(laptop, ".product-art img.bottle")

	checkoutAndReorder(t, s, laptop, newCode)
}

var productPath = regexp.MustCompile(`^/p/([^/?#]+)$`)

// productCode is the product code in the tab's address, which must be a product page.
func productCode(tab *Tab) string {
	tab.t.Helper()
	m := productPath.FindStringSubmatch(tab.Path())
	if m == nil {
		tab.fail("not on a product page")
	}
	tab.WaitVisible("article.product h1")
	if got := strings.TrimSpace(tab.Text(".reorder .code")); got != m[1] {
		tab.fail("the page shows reorder code %q, its address says %q", got, m[1])
	}
	return m[1]
}

// checkBottle waits until the bottle preview at sel is visible and its SVG has loaded.
func checkBottle(tab *Tab, sel string) {
	tab.t.Helper()
	tab.WaitVisible(sel)
	src := Eval[string](tab, `document.querySelector(`+jsString(sel)+`).getAttribute("src")`)
	if !strings.Contains(src, ".svg") {
		tab.fail("the bottle preview's src %q is not an SVG", src)
	}
	w := EvalAwait[int](tab, `(async () => {
		const img = document.querySelector(`+jsString(sel)+`);
		try { await img.decode(); } catch (e) { return -1; }
		return img.naturalWidth;
	})()`)
	if w <= 0 {
		tab.fail("the bottle preview %s did not load (naturalWidth %d)", src, w)
	}
}

// customise finds a greyed-out option with its reason, then chooses an allowed alternative
// in a group that has one, submits, and returns the new product's code.
func customise(tab *Tab, code string) string {
	tab.t.Helper()
	tab.WaitVisible("form.customise")
	// A disabled option with a visible reason next to it.
	reason := Eval[string](tab, `(() => {
		for (const i of document.querySelectorAll("form.customise .opt input:disabled")) {
			const why = document.getElementById(i.getAttribute("aria-describedby") || "");
			if (!why) continue;
			const r = why.getBoundingClientRect();
			const text = why.innerText.trim();
			if (r.width > 0 && r.height > 0 && text !== "" && getComputedStyle(why).visibility !== "hidden") return text;
		}
		return "";
	})()`)
	if reason == "" {
		tab.fail("no greyed-out option with a visible reason on the customise form")
	}
	tab.t.Logf("greyed-out option: %q", reason)
	// An allowed alternative: an enabled, unchosen radio.
	target := Eval[string](tab, `(() => {
		for (const i of document.querySelectorAll("form.customise .opt input[type=radio]:not(:disabled):not(:checked)")) {
			if (!i.closest(".opt").classList.contains("is-unavailable")) return i.id;
		}
		return "";
	})()`)
	if target == "" {
		tab.fail("no allowed alternative option to choose on the customise form")
	}
	tab.Click(`label[for="` + target + `"]`)
	if !Eval[bool](tab, `document.getElementById(`+jsString(target)+`).checked`) {
		tab.fail("clicking the label of %s did not choose it", target)
	}
	tab.Follow("form.customise button.btn-primary[type=submit]")
	next := productCode(tab)
	if next == code {
		tab.fail("customising kept the code %s, want a new product", code)
	}
	if !Eval[bool](tab, `document.getElementById(`+jsString(target)+`).checked`) {
		tab.fail("the new product %s does not have the chosen option %s", next, target)
	}
	return next
}
