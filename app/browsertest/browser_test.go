package browsertest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds every single browser step; suiteTimeout bounds one browser's whole life.
const (
	stepTimeout  = 15 * time.Second
	suiteTimeout = 3 * time.Minute
)

// chromiumPath finds the browser: $ATELIER_CHROMIUM, then chromium (Debian), then the other
// usual names. Without one the test skips, unless ATELIER_REQUIRE_BROWSER=1 (CI), then it
// fails; -short skips too, unless the browser is required.
func chromiumPath(t *testing.T) string {
	t.Helper()
	required := os.Getenv("ATELIER_REQUIRE_BROWSER") == "1"
	if testing.Short() && !required {
		t.Skip("browser tests are slow; -short skips them (ATELIER_REQUIRE_BROWSER=1 runs them anyway)")
	}
	if p := os.Getenv("ATELIER_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "browser tests need chromium on PATH (apt-get install chromium) or ATELIER_CHROMIUM=/path/to/chrome"
	if required {
		t.Fatal(msg + "; ATELIER_REQUIRE_BROWSER=1 forbids skipping")
	}
	t.Skip(msg)
	return ""
}

// Browser is one chromium process; Tab is one page in one of its browser contexts (each
// context has its own cookies, so two Tabs in two contexts are two different shoppers).
type Browser struct {
	t     *testing.T
	base  string
	ctx   context.Context // the first tab's context; its browser lives until cleanup
	first *Tab
	arts  *artifacts
}

// newBrowser starts a fresh headless chromium (exe, from chromiumPath; its own profile in
// t.TempDir) and opens the first tab, named name, against the store at base.
func newBrowser(t *testing.T, exe, base, name string) *Browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	life, cancelLife := context.WithTimeout(context.Background(), suiteTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(life, opts...)
	b := &Browser{t: t, base: base, arts: newArtifacts(t)}
	// Cleanups run last-in first-out: the tabs report their last problems, then the
	// screenshots are written if anything failed, then the browser ends.
	t.Cleanup(func() {
		cancelAlloc()
		cancelLife()
	})
	t.Cleanup(b.arts.flush)
	tab := b.openTab(alloc, name)
	b.ctx, b.first = tab.ctx, tab
	return b
}

// openTab makes a tab whose console problems are recorded; parent is the allocator (first
// tab) or the first tab's context with a new browser context (other shoppers).
func (b *Browser) openTab(parent context.Context, name string, opts ...chromedp.ContextOption) *Tab {
	b.t.Helper()
	tab := &Tab{t: b.t, b: b, name: name}
	opts = append(opts, chromedp.WithListener(tab.listen))
	ctx, cancel := chromedp.NewContext(parent, opts...)
	tab.ctx = ctx
	if err := chromedp.Do(ctx); err != nil { // starts the browser (first tab) and the target
		cancel()
		b.t.Fatalf("start %s: %v", name, err)
	}
	b.t.Cleanup(func() {
		tab.flushProblems()
		cancel()
	})
	return tab
}

// NewShopper opens a tab in a new browser context: an unrelated visitor with no cookies.
func (b *Browser) NewShopper(name string) *Tab {
	b.t.Helper()
	return b.openTab(b.ctx, name, chromedp.WithNewBrowserContext())
}

// Tab is one page of the browser; its methods fail the test on error, with the page's address.
type Tab struct {
	t    *testing.T
	b    *Browser
	name string
	ctx  context.Context

	mu       sync.Mutex
	problems []string // JavaScript exceptions, console errors, browser-log errors
	allowed  []*regexp.Regexp
	reported int
}

// listen runs in the tab's event loop, in the order the browser sent the events, so every
// problem the page reported before a command's reply is recorded when the command returns.
func (tab *Tab) listen(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		p = fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, text)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			switch {
			case a.Description != "":
				parts = append(parts, a.Description)
			case len(a.Value) > 0:
				parts = append(parts, string(a.Value))
			}
		}
		p = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
	case *log.EventEntryAdded:
		if ev.Entry == nil || ev.Entry.Level != log.EntryLevelError {
			return
		}
		p = fmt.Sprintf("browser log (%s) %s: %s", ev.Entry.Source, ev.Entry.URL, ev.Entry.Text)
	default:
		return
	}
	tab.mu.Lock()
	tab.problems = append(tab.problems, p)
	tab.mu.Unlock()
}

// Allow accepts browser-log errors matching re from now on (e.g. the 422 of a form that is
// re-rendered with its problems on purpose). JavaScript exceptions are never allowed.
func (tab *Tab) Allow(re string) {
	tab.mu.Lock()
	tab.allowed = append(tab.allowed, regexp.MustCompile(re))
	tab.mu.Unlock()
}

// newProblems returns the problems not yet reported, minus the allowed ones.
func (tab *Tab) newProblems() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	var out []string
	for _, p := range tab.problems[tab.reported:] {
		ok := false
		if strings.HasPrefix(p, "browser log") {
			for _, re := range tab.allowed {
				ok = ok || re.MatchString(p)
			}
		}
		if !ok {
			out = append(out, p)
		}
	}
	tab.reported = len(tab.problems)
	return out
}

// NoJSErrors fails the test if the page logged a JavaScript error since the last check.
func (tab *Tab) NoJSErrors() {
	tab.t.Helper()
	// One round trip: every event sent before its reply has gone through listen.
	_, _ = run(tab, chromedp.Evaluate[chromedp.Void](`0`))
	tab.reportProblems()
}

// reportProblems fails the test (without stopping it) for problems not yet reported.
func (tab *Tab) reportProblems() {
	tab.t.Helper()
	if ps := tab.newProblems(); len(ps) > 0 {
		tab.t.Errorf("%s: the page at %s logged errors:\n  %s", tab.name, tab.path(), strings.Join(ps, "\n  "))
	}
}

func (tab *Tab) flushProblems() {
	if ps := tab.newProblems(); len(ps) > 0 {
		tab.t.Errorf("%s: pages logged errors:\n  %s", tab.name, strings.Join(ps, "\n  "))
	}
}

// run runs one action within stepTimeout; the tab outlives the step's deadline.
func run[T any](tab *Tab, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(tab.ctx, stepTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// do runs actions in order within one stepTimeout.
func do(tab *Tab, steps ...chromedp.Action[chromedp.Void]) error {
	_, err := run(tab, chromedp.Steps(steps...))
	return err
}

// runResponse runs steps and waits for the page they load, within stepTimeout.
func runResponse(tab *Tab, steps ...chromedp.Action[chromedp.Void]) (*network.Response, error) {
	ctx, cancel := context.WithTimeout(tab.ctx, stepTimeout)
	defer cancel()
	return chromedp.RunResponse(ctx, steps...)
}

// fail records a screenshot of where the tab is and stops the test.
func (tab *Tab) fail(format string, args ...any) {
	tab.t.Helper()
	tab.Shot("failure")
	tab.t.Fatalf("%s at %s: %s", tab.name, tab.path(), fmt.Sprintf(format, args...))
}

// path is the tab's current path and query, for messages.
func (tab *Tab) path() string {
	ctx, cancel := context.WithTimeout(tab.ctx, 3*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown page)"
	}
	if u, err := url.Parse(loc); err == nil {
		return u.RequestURI()
	}
	return loc
}

// Path is the tab's current path and query.
func (tab *Tab) Path() string { return tab.path() }

// Visit opens a path of the store, expects a 2xx page and checks it logged no error.
func (tab *Tab) Visit(path string) {
	tab.t.Helper()
	resp, err := run(tab, chromedp.NavigateResponse(tab.b.base+path))
	tab.checkPage("visit "+path, resp, err)
}

// VisitStatus opens a path that is expected to answer an error page (its status is returned;
// the browser's own "failed to load resource" line for it is not counted as a page error).
func (tab *Tab) VisitStatus(path string) int64 {
	tab.t.Helper()
	tab.Allow(regexp.QuoteMeta(tab.b.base+path) + `: Failed to load resource`)
	resp, err := run(tab, chromedp.NavigateResponse(tab.b.base+path))
	if err != nil {
		tab.fail("visit %s: %v", path, err)
	}
	tab.Shot(shotName(path))
	tab.reportProblems()
	return resp.Status
}

// VisitURL opens an absolute URL (e.g. a resume link copied from a page).
func (tab *Tab) VisitURL(u string) {
	tab.t.Helper()
	resp, err := run(tab, chromedp.NavigateResponse(u))
	tab.checkPage("visit "+u, resp, err)
}

// Follow clicks sel (a link or a submit button) and waits for the page it leads to, which
// must answer 2xx (after redirects).
func (tab *Tab) Follow(sel string) {
	tab.t.Helper()
	resp, err := runResponse(tab, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	tab.checkPage("click "+sel, resp, err)
}

// KeyNavigate sends keys (see chromedp/kb) to the focused element and waits for the page they load.
func (tab *Tab) KeyNavigate(keys string) {
	tab.t.Helper()
	resp, err := runResponse(tab, chromedp.KeyEvent(keys))
	tab.checkPage(fmt.Sprintf("key %q", keys), resp, err)
}

// Key sends keys to the focused element, with no navigation expected.
func (tab *Tab) Key(keys string) {
	tab.t.Helper()
	if err := do(tab, chromedp.KeyEvent(keys)); err != nil {
		tab.fail("key %q: %v", keys, err)
	}
}

func (tab *Tab) checkPage(what string, resp *network.Response, err error) {
	tab.t.Helper()
	if err != nil {
		tab.fail("%s: %v", what, err)
	}
	name := what
	if resp != nil {
		if u, err := url.Parse(resp.URL); err == nil {
			name = u.Path // the page reached, after redirects
		}
	}
	tab.Shot(shotName(name))
	if resp != nil && (resp.Status < 200 || resp.Status > 299) {
		body, _ := run(tab, chromedp.Text(chromedp.CSS("main")))
		tab.fail("%s: status %d %s\n%s", what, resp.Status, resp.StatusText, trim(body, 600))
	}
	// The page's load event has come, and the listener saw every event before it.
	tab.reportProblems()
}

// Click clicks a visible element (no navigation expected).
func (tab *Tab) Click(sel string) {
	tab.t.Helper()
	if err := do(tab, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		tab.fail("click %s: %v", sel, err)
	}
}

// Fill replaces the value of a field with v, by typing it.
func (tab *Tab) Fill(sel, v string) {
	tab.t.Helper()
	if err := do(tab,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(sel), v),
	); err != nil {
		tab.fail("fill %s: %v", sel, err)
	}
}

// SetValue sets a field's value directly (selects, hidden-by-style inputs).
func (tab *Tab) SetValue(sel, v string) {
	tab.t.Helper()
	if err := do(tab, chromedp.SetValue(chromedp.CSS(sel), v, chromedp.NodeReady)); err != nil {
		tab.fail("set %s: %v", sel, err)
	}
}

// WaitVisible waits until sel is visible.
func (tab *Tab) WaitVisible(sel string) {
	tab.t.Helper()
	if err := do(tab, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		tab.fail("wait for %s: %v", sel, err)
	}
}

// Text is the rendered text of the first element matching sel.
func (tab *Tab) Text(sel string) string {
	tab.t.Helper()
	s, err := run(tab, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tab.fail("text of %s: %v", sel, err)
	}
	return s
}

// Has reports whether an element matches sel right now (no waiting).
func (tab *Tab) Has(sel string) bool {
	tab.t.Helper()
	return Eval[bool](tab, fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
}

// Contains fails unless the text of sel contains want (case-insensitive).
func (tab *Tab) Contains(sel, want string) {
	tab.t.Helper()
	got := tab.Text(sel)
	if !strings.Contains(strings.ToLower(got), strings.ToLower(want)) {
		tab.fail("%s says %q, want it to contain %q", sel, trim(got, 400), want)
	}
}

// Eval evaluates a JavaScript expression in the page and decodes its value.
func Eval[T any](tab *Tab, expr string) T {
	tab.t.Helper()
	v, err := run(tab, chromedp.Evaluate[T](expr))
	if err != nil {
		tab.fail("evaluate %s: %v", trim(expr, 120), err)
	}
	return v
}

// EvalAwait evaluates an expression that gives a promise and decodes what it resolves to.
func EvalAwait[T any](tab *Tab, expr string) T {
	tab.t.Helper()
	v, err := run(tab, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tab.fail("evaluate %s: %v", trim(expr, 120), err)
	}
	return v
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Shot captures the viewport as a small JPEG into memory; the pictures are written out only
// if the test fails. A failure's own picture is of the whole page.
func (tab *Tab) Shot(name string) {
	ctx, cancel := context.WithTimeout(tab.ctx, 5*time.Second)
	defer cancel()
	var img []byte
	var err error
	if name == "failure" {
		img, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)) // PNG
	} else {
		img, err = chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
			r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
				Format: page.CaptureScreenshotFormatJpeg, Quality: new(int64(60)), OptimizeForSpeed: new(true),
			})
			return r.Data, err
		})
	}
	if err != nil {
		return
	}
	ext := ".jpg"
	if len(img) > 4 && string(img[1:4]) == "PNG" {
		ext = ".png"
	}
	tab.b.arts.add(tab.name+"-"+name+ext, img)
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9]+`)

func shotName(what string) string {
	n := strings.Trim(unsafeName.ReplaceAllString(what, "-"), "-")
	if n == "" {
		n = "home"
	}
	return trim(n, 60)
}

func trim(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// artifacts keeps screenshots in memory and writes them out when the test failed.
type artifacts struct {
	t     *testing.T
	mu    sync.Mutex
	shots []shot
}

type shot struct {
	name string
	data []byte
}

func newArtifacts(t *testing.T) *artifacts { return &artifacts{t: t} }

func (a *artifacts) add(name string, data []byte) {
	a.mu.Lock()
	a.shots = append(a.shots, shot{name, data})
	a.mu.Unlock()
}

// artifactDir is $ATELIER_ARTIFACTS/<test> or testdata/artifacts/<test>.
func (a *artifacts) dir() string {
	root := os.Getenv("ATELIER_ARTIFACTS")
	if root == "" {
		root = filepath.Join("testdata", "artifacts")
	}
	return filepath.Join(root, unsafeName.ReplaceAllString(a.t.Name(), "_"))
}

func (a *artifacts) flush() {
	if !a.t.Failed() {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	dir := a.dir()
	if err := os.RemoveAll(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		a.t.Logf("artifacts: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		a.t.Logf("artifacts: %v", err)
		return
	}
	for i, s := range a.shots {
		p := filepath.Join(dir, fmt.Sprintf("%03d-%s", i+1, s.name))
		if err := os.WriteFile(p, s.data, 0o644); err != nil {
			a.t.Logf("artifacts: %v", err)
			return
		}
	}
	abs, _ := filepath.Abs(dir)
	a.t.Logf("screenshots of the %d pages seen are in %s", len(a.shots), abs)
}
