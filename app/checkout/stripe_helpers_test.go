package checkout_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/app"
	"atelier/app/checkout"
)

// TestMain stops the shared stripe-mock, if a test started it.
func TestMain(m *testing.M) {
	code := m.Run()
	mock.stop()
	os.Exit(code)
}

// stripeMock is one stripe-mock process shared by the package's tests.
type stripeMock struct {
	once sync.Once
	url  string
	err  error
	cmd  *exec.Cmd
	dir  string
}

var mock stripeMock

// stripeMockURL builds stripe-mock (the Go tool in go.mod) once, starts it on loopback
// ports and returns its HTTP address; it skips the test only if the build fails (offline).
func stripeMockURL(t testing.TB) string {
	t.Helper()
	mock.once.Do(mock.start)
	if mock.err != nil {
		t.Skipf("stripe-mock unavailable: %v", mock.err)
	}
	return mock.url
}

func (m *stripeMock) start() {
	if m.dir, m.err = os.MkdirTemp("", "atelier-stripe-mock-"); m.err != nil {
		return
	}
	bin := filepath.Join(m.dir, "stripe-mock")
	build := exec.Command("go", "build", "-o", bin, "github.com/stripe/stripe-mock")
	if out, err := build.CombinedOutput(); err != nil {
		m.err = fmt.Errorf("go build github.com/stripe/stripe-mock: %v\n%s", err, out)
		return
	}
	m.cmd = exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	stdout, err := m.cmd.StdoutPipe()
	if err != nil {
		m.err = err
		return
	}
	m.cmd.Stderr = m.cmd.Stdout
	if m.err = m.cmd.Start(); m.err != nil {
		return
	}
	re := regexp.MustCompile(`Listening for HTTP at address: (\S+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if mm := re.FindStringSubmatch(sc.Text()); mm != nil {
				found <- mm[1]
			}
		}
	}()
	select {
	case addr := <-found:
		m.url = "http://" + addr
	case <-time.After(60 * time.Second):
		m.err = fmt.Errorf("stripe-mock printed no HTTP address within a minute")
	}
}

func (m *stripeMock) stop() {
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait()
	}
	if m.dir != "" {
		_ = os.RemoveAll(m.dir)
	}
}

// sent is one request the Stripe client sent.
type sent struct {
	Method, Path string
	Header       http.Header
	Form         url.Values
}

// recorder is an http.RoundTripper that records what is sent to Stripe and passes it on
// (to stripe-mock), or answers itself when fake returns a response.
type recorder struct {
	mu   sync.Mutex
	reqs []sent
	next http.RoundTripper
	fake func(r *http.Request, form url.Values) *http.Response
}

func (rc *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	form, _ := url.ParseQuery(string(body))
	if r.Method == http.MethodGet {
		form = r.URL.Query()
	}
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, sent{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Form: form})
	fake := rc.fake
	rc.mu.Unlock()
	if fake != nil {
		if resp := fake(r, form); resp != nil {
			return resp, nil
		}
	}
	if rc.next == nil {
		return jsonResponse(r, http.StatusServiceUnavailable, `{"error":{"type":"api_error","message":"no backend"}}`), nil
	}
	return rc.next.RoundTrip(r)
}

// sessionsCreated returns the recorded Checkout Session creations.
func (rc *recorder) sessionsCreated() []sent {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []sent
	for _, s := range rc.reqs {
		if s.Method == http.MethodPost && s.Path == "/v1/checkout/sessions" {
			out = append(out, s)
		}
	}
	return out
}

func jsonResponse(r *http.Request, status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}, "Request-Id": {"req_test"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r, ContentLength: int64(len(body))}
}

// fakeSessions answers session creation like Stripe would, without any server: the same
// idempotency key gets the same session back.
func fakeSessions() func(*http.Request, url.Values) *http.Response {
	var mu sync.Mutex
	byKey := map[string]string{}
	return func(r *http.Request, form url.Values) *http.Response {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/checkout/sessions" {
			return nil
		}
		mu.Lock()
		key := r.Header.Get("Idempotency-Key")
		id, ok := byKey[key]
		if !ok {
			id = fmt.Sprintf("cs_test_fake%d", len(byKey)+1)
			byKey[key] = id
		}
		mu.Unlock()
		return jsonResponse(r, http.StatusOK, fmt.Sprintf(`{"id":%q,"object":"checkout.session","url":"https://checkout.stripe.com/c/pay/%s","client_reference_id":%q,"payment_status":"unpaid","status":"open"}`,
			id, id, form.Get("client_reference_id")))
	}
}

const webhookSecret = "whsec_atelier_test_secret"

// withStripe runs the store with the Stripe provider over rc (pointed at apiURL).
func withStripe(t testing.TB, rc *recorder, apiURL string) func(*app.Deps) {
	t.Helper()
	p, err := checkout.NewStripe(checkout.StripeConfig{SecretKey: "sk_test_123", WebhookSecret: webhookSecret,
		APIURL: apiURL, HTTPClient: &http.Client{Transport: rc, Timeout: 20 * time.Second}, MaxNetworkRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return func(d *app.Deps) { d.Payments, d.Demo = p, false }
}

var _ = context.Background
