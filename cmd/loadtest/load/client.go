package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strings"
	"time"
)

// errUnexpected reports a response the step did not want; it has been counted already.
var errUnexpected = errors.New("unexpected response")

// errNoResponse reports a request that got no response at all (refused, reset, timed out);
// it has been counted already.
var errNoResponse = fmt.Errorf("%w: no response", errUnexpected)

// errBudget reports that the run's request budget is spent.
var errBudget = errors.New("request budget spent")

// maxBody bounds how much of a response the tool reads (product JSON with an SVG is the largest).
const maxBody = 4 << 20

// client is one virtual shopper's (or staff worker's) view of one server: its own cookie jar,
// a shared transport, and the run's stats. It only ever requests paths on its base URL and
// never follows redirects, so the tool touches nothing but the targets it was given.
type client struct {
	base   string
	http   *http.Client
	bearer string
	run    *runner
	stats  *stats
	// think, when set, is the pause before each request (a shopper reading; see Config.Think).
	think func() time.Duration
}

// newClient returns a client for base with a fresh cookie jar.
func newClient(r *runner, base string, st *stats) *client {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &client{base: base, run: r, stats: st, http: &http.Client{
		Transport: r.transport,
		Jar:       jar,
		Timeout:   r.cfg.RequestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// on returns a client for another base URL sharing this one's cookie jar (a shopper moving
// between instances behind a load balancer).
func (c *client) on(base string) *client {
	cp := *c
	cp.base = base
	return &cp
}

// do sends one request and counts it under step: a status in want is a success and its body is
// decoded into out (when out is not nil); anything else is counted as an error and returned as
// errUnexpected. A request cut short by the end of the run is not an error.
func (c *client) do(ctx context.Context, step Step, method, path string, in, out any, want ...int) (int, error) {
	if c.think != nil {
		t := time.NewTimer(c.think())
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, ctx.Err() // nothing was sent

		case <-t.C:
		}
	}
	if !c.run.spend() {
		return 0, errBudget
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	st := c.stats.step(step)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			c.stats.expect(OutcomeAborted)
			return 0, ctx.Err()
		}
		c.stats.fail(step, 0, err.Error())
		return 0, errNoResponse
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			c.stats.expect(OutcomeAborted)
			return 0, ctx.Err()
		}
		c.stats.fail(step, 0, "reading the body: "+err.Error())
		return 0, errNoResponse
	}
	st.hist.Record(elapsed)
	if !slices.Contains(want, resp.StatusCode) {
		c.stats.fail(step, resp.StatusCode, fmt.Sprintf("%s %s: %s", method, path, strings.TrimSpace(string(data))))
		return resp.StatusCode, errUnexpected
	}
	if out != nil && len(data) > 0 && resp.StatusCode != http.StatusNoContent {
		if err := json.Unmarshal(data, out); err != nil {
			c.stats.fail(step, resp.StatusCode, fmt.Sprintf("%s %s: undecodable JSON: %v", method, path, err))
			return resp.StatusCode, errUnexpected
		}
	}
	st.ok.Add(1)
	return resp.StatusCode, nil
}
