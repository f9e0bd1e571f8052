package fulfillment

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// seedQueue inserts n open production jobs directly (no orders: claiming reads only jobs).
func seedQueue(b *testing.B, db *gorm.DB, n int, now time.Time) {
	b.Helper()
	jobs := make([]ProductionJob, 0, 1000)
	for i := 0; i < n; i++ {
		jobs = append(jobs, ProductionJob{OrderID: uint(i/3 + 1), OrderItemID: uint(i + 1), Unit: 1, Status: JobQueued,
			Priority: i % 5, Version: 1, CreatedAt: now.Add(time.Duration(i) * time.Second), UpdatedAt: now})
		if len(jobs) == cap(jobs) || i == n-1 {
			if err := db.CreateInBatches(&jobs, 500).Error; err != nil {
				b.Fatal(err)
			}
			jobs = jobs[:0]
		}
	}
}

func explainClaim(b *testing.B, db *gorm.DB) {
	var rows []map[string]any
	q := "SELECT * FROM production_jobs WHERE claimed_by IS NULL AND " + openJobStatusesSQL + " ORDER BY priority DESC, created_at, id LIMIT 1"
	if db.Dialector.Name() == "postgres" {
		db.Raw("EXPLAIN " + q).Scan(&rows)
	} else {
		db.Raw("EXPLAIN QUERY PLAN " + q).Scan(&rows)
	}
	b.Logf("%s plan: %v", db.Dialector.Name(), rows)
}

// BenchmarkClaimNextJob claims jobs one by one from a queue of 100,000 open jobs and
// reports p50/p99 latency of a claim.
func BenchmarkClaimNextJob(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var db *gorm.DB
			if engine == "sqlite" {
				db = databasetest.SQLite(b)
			} else {
				db = databasetest.Postgres(b)
			}
			clk := newClock()
			if err := db.AutoMigrate(Models()...); err != nil {
				b.Fatal(err)
			}
			s := NewServiceWithOptions(db, Options{Now: clk.Now, Log: quietLog})
			seedQueue(b, db, 100_000, clk.Now().Add(-200_000*time.Second))
			if engine == "postgres" {
				db.Exec("ANALYZE production_jobs")
			}
			explainClaim(b, db)
			ctx := context.Background()
			b.Run("100k", func(b *testing.B) {
				db.Model(&ProductionJob{}).Where("claimed_by IS NOT NULL").Updates(map[string]any{"claimed_by": nil, "lease_until": nil})
				b.ReportAllocs()
				lat := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					if _, err := s.ClaimNextJob(ctx, fulfiller(uint(i%20+1)), time.Hour); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
				}
				b.StopTimer()
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			})
		})
	}
}

// BenchmarkCreateAndConfirmOrder measures order creation + payment confirmation (with its
// jobs, welcome task and confirmation email) on SQLite, single process, sequential.
func BenchmarkCreateAndConfirmOrder(b *testing.B) {
	db := databasetest.SQLite(b)
	s, _ := newTestService(b, db)
	ctx := context.Background()
	b.ReportAllocs()
	start := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o, err := s.CreateOrder(ctx, validOrder(fmt.Sprintf("bench-%d", i), 1, 2))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ConfirmPayment(ctx, confirmation(o, fmt.Sprintf("evt_b_%d", o.ID))); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "orders/s")
}
