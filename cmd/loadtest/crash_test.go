package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"atelier/cmd/loadtest/load"
)

// crashSeed makes the kill moments reproducible; change it to explore other schedules.
const crashSeed = 20261109

// TestCrashRecovery starts the store on a SQLite file, drives checkouts (order + demo payment)
// from several shoppers, kills the server with SIGKILL at random moments (right after the
// N-th request is sent, N drawn from a seeded generator), restarts it on the same file each
// time, and finally audits: every order a shopper saw created is there, every order it saw
// paid is paid with exactly its jobs, no job is orphaned or duplicated, and PRAGMA
// integrity_check is ok.
func TestCrashRecovery(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the crash test uses SIGKILL and /proc; it runs on Linux")
	}
	kills, shoppers := 20, 6
	if testing.Short() {
		kills = 5
	}
	bin := atelierBinary(t)
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "crash.db")
	args := []string{"-database", dbURL, "-worker-interval", "0", "-demo-data=false"}
	rng := rand.New(rand.NewPCG(crashSeed, 0))
	book := &orderBook{}
	clients := make([]*crashShopper, shoppers)
	for i := range clients {
		jar, _ := cookiejar.New(nil)
		clients[i] = &crashShopper{n: i, book: book, http: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
	}

	srv := startServer(t, bin, args...)
	codes, err := load.ProductCodes(context.Background(), srv.URL)
	if err != nil {
		t.Fatalf("finding product codes: %v", err)
	}
	start := time.Now()
	for k := 0; k < kills; k++ {
		after := int64(1 + rng.IntN(60)) // kill right after this many requests are sent
		ctx, cancel := context.WithCancel(context.Background())
		var sent atomic.Int64
		var once sync.Once
		onSend := func() {
			if sent.Add(1) == after {
				go once.Do(func() { srv.kill(); cancel() })
			}
		}
		var wg sync.WaitGroup
		for i, c := range clients {
			c.seed(uint64(k*shoppers + i))
			wg.Go(func() { c.shop(ctx, srv.URL, codes, onSend) })
		}
		<-ctx.Done()
		wg.Wait()
		once.Do(func() { srv.kill() })
		cancel()
		srv = startServer(t, bin, args...)
	}
	// The last life: pay what was left pending, then shut down cleanly.
	for _, c := range clients {
		c.seed(uint64(kills * shoppers))
		c.shop(context.Background(), srv.URL, nil, func() {})
	}
	srv.stop(30 * time.Second)
	created, paid := book.snapshot()
	t.Logf("%d kills in %s; shoppers saw %d orders created and %d paid; %d unexpected answers",
		kills, time.Since(start).Round(time.Millisecond), len(created), len(paid), book.unexpected.Load())
	for _, e := range book.errors() {
		t.Errorf("unexpected answer: %s", e)
	}
	if len(paid) < kills {
		t.Errorf("only %d orders paid across %d lives; the test did not exercise checkout", len(paid), kills)
	}
	audit, err := load.AuditURL(context.Background(), dbURL, created, paid)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	audit.Print(&out)
	t.Log(out.String())
	if !audit.Pass {
		t.Fatalf("audit failed after %d kills", kills)
	}
}

// orderBook is what the shoppers saw: orders answered 201 and orders answered paid.
type orderBook struct {
	mu             sync.Mutex
	created, paid  []string
	unexpectedMsgs []string
	unexpected     atomic.Int64
}

func (b *orderBook) add(list *[]string, id string) {
	b.mu.Lock()
	*list = append(*list, id)
	b.mu.Unlock()
}

func (b *orderBook) fail(msg string) {
	b.unexpected.Add(1)
	b.mu.Lock()
	if len(b.unexpectedMsgs) < 10 {
		b.unexpectedMsgs = append(b.unexpectedMsgs, msg)
	}
	b.mu.Unlock()
}

func (b *orderBook) errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.unexpectedMsgs...)
}

func (b *orderBook) snapshot() (created, paid []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.created...), append([]string(nil), b.paid...)
}

// crashShopper orders and pays in a loop; its cookie jar survives restarts (the session
// secret is the same), so it can pay after a crash an order it created before.
type crashShopper struct {
	n       int
	book    *orderBook
	http    *http.Client
	rng     *rand.Rand
	pending []string // created (201) but not yet seen paid
}

func (c *crashShopper) seed(s uint64) { c.rng = rand.New(rand.NewPCG(crashSeed, s)) }

// shop pays its pending orders, then (when codes is not nil) creates and pays orders until
// ctx ends. A request that gets no answer (the server was killed) leaves its outcome unknown:
// the audit decides. Any answer but the expected one is recorded as a failure.
func (c *crashShopper) shop(ctx context.Context, base string, codes []string, onSend func()) {
	for len(c.pending) > 0 {
		id := c.pending[0]
		if !c.pay(ctx, base, id, onSend) {
			return
		}
		c.pending = c.pending[1:]
	}
	for codes != nil && ctx.Err() == nil {
		body := map[string]any{
			"items": []map[string]any{{"code": codes[c.rng.IntN(len(codes))], "quantity": 1 + c.rng.IntN(3)}},
			"email": fmt.Sprintf("crash%d@example.com", c.n),
			"shipping_address": map[string]any{"name": "Crash Test", "line1": "1 Test Street", "city": "Springfield",
				"postal_code": "12345", "country": "US"},
		}
		var created struct {
			ID json.RawMessage `json:"id"`
		}
		status, ok := c.post(ctx, base+"/api/v1/orders", body, &created, onSend)
		if !ok {
			return
		}
		if status != http.StatusCreated {
			continue
		}
		id := strconv.Quote(string(created.ID))
		if n, err := strconv.ParseUint(string(created.ID), 10, 64); err == nil {
			id = strconv.FormatUint(n, 10)
		} else if s, err := strconv.Unquote(string(created.ID)); err == nil {
			id = s
		}
		c.book.add(&c.book.created, id)
		c.pending = append(c.pending, id)
		if !c.pay(ctx, base, id, onSend) {
			return
		}
		c.pending = c.pending[:len(c.pending)-1]
	}
}

// pay asks for the demo payment of id; false means no answer (the server is gone).
func (c *crashShopper) pay(ctx context.Context, base, id string, onSend func()) bool {
	var out struct {
		Status string `json:"status"`
	}
	status, ok := c.post(ctx, base+"/api/v1/orders/"+id+"/demo-payment", nil, &out, onSend)
	if ok && status == http.StatusOK {
		c.book.add(&c.book.paid, id)
	}
	return ok
}

// post sends JSON and decodes the answer; ok is false when no answer came. Any status other
// than 200/201 is a failure of the store (it must answer correctly right after a restart).
func (c *crashShopper) post(ctx context.Context, url string, in, out any, onSend func()) (int, bool) {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		c.book.fail(err.Error())
		return 0, false
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	onSend()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, false
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, false
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		c.book.fail(fmt.Sprintf("POST %s: %d %s", url, resp.StatusCode, data))
		return resp.StatusCode, true
	}
	if err := json.Unmarshal(data, out); err != nil && !errors.Is(err, io.EOF) {
		c.book.fail(fmt.Sprintf("POST %s: undecodable %q", url, data))
	}
	return resp.StatusCode, true
}
