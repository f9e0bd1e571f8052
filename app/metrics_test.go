package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMetricsLabels: latencies are labelled by status as counts are, and a method a client
// makes up is counted as OTHER, so nobody can grow the series without bound.
func TestMetricsLabels(t *testing.T) {
	s := newTestServer(t)
	do(t, s.Handler(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	do(t, s.Handler(), httptest.NewRequest("FOO1", "/healthz", nil))
	rec := do(t, s.Handler(), httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`atelier_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`atelier_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"} 1`,
		`method="OTHER"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "FOO1") {
		t.Error("a made-up method became a label value")
	}
}
