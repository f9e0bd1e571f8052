package loyalty_test

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database"
	"atelier/app/database/databasetest"
)

// benchCustomers is the size of the seeded store the benchmarks run on.
var benchCustomers = envInt("ATELIER_LOYALTY_BENCH_CUSTOMERS", 10000)

// benchFixture returns a store seeded with benchCustomers. Seeding takes a while, so with
// ATELIER_LOYALTY_BENCH_DB=/path/file.db the seeded file is kept and reused across runs.
func benchFixture(b *testing.B) *fixture {
	b.Helper()
	path := os.Getenv("ATELIER_LOYALTY_BENCH_DB")
	var db *gorm.DB
	_, statErr := os.Stat(path)
	if path == "" {
		db = databasetest.SQLite(b)
	} else {
		var err error
		if db, err = database.Open(context.Background(), "sqlite:"+path, nil); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = database.Close(db) })
	}
	fx := newFixture(b, db)
	if path == "" || statErr != nil {
		st := fx.seed(b, benchCustomers)
		b.Logf("seeded %+v", st)
		if _, err := fx.svc.RecomputeAll(context.Background()); err != nil { // the first run creates the strategies' work
			b.Fatal(err)
		}
	}
	return fx
}

func BenchmarkRecomputeAll(b *testing.B) {
	fx := benchFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		rep, err := fx.svc.RecomputeAll(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Customers != benchCustomers {
			b.Fatalf("recomputed %d customers", rep.Customers)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime is the process's user+system CPU time: on a shared, busy machine wall time
// overstates the work, so benchmarks report CPU per operation too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDashboard renders /staff/dashboard through the router for an admin on a store of
// benchCustomers seeded customers: "cached" is the steady state (aggregates cached for 30 s),
// "uncached" rebuilds every aggregate on each request.
func BenchmarkDashboard(b *testing.B) {
	s := seededStore(b, benchCustomers)
	admin := signedIn(b, s, "admin")
	for _, cached := range []bool{true, false} {
		name := map[bool]string{true: "cached", false: "uncached"}[cached]
		b.Run(name, func(b *testing.B) {
			admin.Get("/staff/dashboard") // warm: the first render builds the aggregates
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if !cached {
					s.Server.Loyalty().InvalidateDashboard()
				}
				if r := admin.Get("/staff/dashboard"); r.StatusCode != 200 {
					b.Fatalf("%d", r.StatusCode)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkDashboardBuild is the cold build alone (no HTTP, no cache) on the seeded store:
// what the first request after start, a recompute or a cache expiry pays for.
func BenchmarkDashboardBuild(b *testing.B) {
	fx := benchFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := fx.svc.Dashboard(ctx); err != nil { // DashboardTTL < 0: built every time
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
