package checkout_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"sort"
	"sync"
	"testing"
	"time"

	"atelier/app/apptest"
)

// shopper is a raw API client for goroutines (no testing.T inside).
type shopper struct {
	base string
	http *http.Client
}

func newShopper(s *apptest.Store) *shopper {
	jar, _ := cookiejar.New(nil)
	return &shopper{base: s.URL, http: &http.Client{Jar: jar, Timeout: 60 * time.Second}}
}

func (sh *shopper) do(method, path string, body any, want int, out any) error {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, sh.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := sh.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// buy places an order of qty units of code and pays it in demo mode.
func (sh *shopper) buy(code string, qty int) (uint, error) {
	var o created
	if err := sh.do(http.MethodPost, "/api/v1/orders", orderBody(code, qty), http.StatusCreated, &o); err != nil {
		return 0, err
	}
	var paid created
	if err := sh.do(http.MethodPost, fmt.Sprintf("/api/v1/orders/%d/demo-payment", o.ID), nil, http.StatusOK, &paid); err != nil {
		return 0, err
	}
	if paid.Status != "paid" {
		return 0, fmt.Errorf("order %d is %s", o.ID, paid.Status)
	}
	return o.ID, nil
}

// TestConcurrentCheckouts: 100 shoppers create and pay orders at once → exactly 100 paid
// orders, each with exactly its jobs (one per unit), its welcome task and its email.
func TestConcurrentCheckouts(t *testing.T) {
	for _, engine := range []struct {
		name  string
		start func(testing.TB, ...apptest.Option) *apptest.Store
	}{{"sqlite", apptest.New}, {"postgres", apptest.NewPostgres}} {
		t.Run(engine.name, func(t *testing.T) {
			s := engine.start(t)
			code := products(t, s)[0].Code
			const n, units = 100, 2
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := newShopper(s).buy(code, units); err != nil {
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if w := countWork(t, s.DB); w != (counts{Paid: n, Jobs: n * units, Tasks: n, Outbox: n, Events: n}) {
				t.Fatalf("work = %+v", w)
			}
			var per []struct {
				OrderID uint
				Jobs    int
			}
			s.DB.Table("production_jobs").Select("order_id, count(*) as jobs").Group("order_id").Scan(&per)
			if len(per) != n {
				t.Fatalf("%d orders have jobs", len(per))
			}
			for _, p := range per {
				if p.Jobs != units {
					t.Fatalf("order %d has %d jobs", p.OrderID, p.Jobs)
				}
			}
			var tasks, mails int64
			s.DB.Table("follow_up_tasks").Distinct("order_id").Count(&tasks)
			s.DB.Table("outbox_messages").Distinct("dedupe_key").Count(&mails)
			if tasks != n || mails != n {
				t.Fatalf("%d orders with tasks, %d distinct emails", tasks, mails)
			}
		})
	}
}

// BenchmarkCheckoutAPI creates and demo-pays one order per iteration through the router on
// SQLite (one shopper, sequential) and reports orders per second.
func BenchmarkCheckoutAPI(b *testing.B) {
	s := apptest.New(b)
	code := products(b, s)[0].Code
	sh := newShopper(s)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := sh.buy(code, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "orders/s")
}

// BenchmarkCreateOrderP99 runs b.N POST /api/v1/orders from 50 concurrent clients on SQLite
// and reports the p50 and p99 latency in milliseconds.
func BenchmarkCreateOrderP99(b *testing.B) {
	s := apptest.New(b)
	code := products(b, s)[0].Code
	const clients = 50
	shoppers := make([]*shopper, clients)
	for i := range shoppers {
		shoppers[i] = newShopper(s)
		shoppers[i].http.Transport = &http.Transport{MaxIdleConnsPerHost: 2}
	}
	b.ReportAllocs()
	b.ResetTimer()
	lat := make([]time.Duration, b.N)
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	var failed error
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func(sh *shopper) {
			defer wg.Done()
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= b.N {
					return
				}
				t0 := time.Now()
				if err := sh.do(http.MethodPost, "/api/v1/orders", orderBody(code, 1), http.StatusCreated, nil); err != nil {
					next.Lock()
					failed = err
					next.Unlock()
					return
				}
				lat[k] = time.Since(t0)
			}
		}(shoppers[c])
	}
	wg.Wait()
	elapsed := time.Since(start)
	if failed != nil {
		b.Fatal(failed)
	}
	sort.Slice(lat, func(a, c int) bool { return lat[a] < lat[c] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*99)/100]), "p99-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
}
