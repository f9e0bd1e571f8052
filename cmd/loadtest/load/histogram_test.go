package load

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketsAreContinuous(t *testing.T) {
	prevHi := uint64(0)
	for i := 1; i < histBuckets; i++ {
		lo, hi := bucketRange(i)
		if lo != prevHi+1 {
			t.Fatalf("bucket %d starts at %d, previous ended at %d", i, lo, prevHi)
		}
		if bucketOf(lo) != i || bucketOf(hi) != i {
			t.Fatalf("bucket %d = [%d,%d] but bucketOf gives %d and %d", i, lo, hi, bucketOf(lo), bucketOf(hi))
		}
		prevHi = hi
	}
	if prevHi != histMaxUS {
		t.Fatalf("last bucket ends at %d, want %d", prevHi, histMaxUS)
	}
}

func TestQuantilesAgainstSortedSamples(t *testing.T) {
	tests := []struct {
		name string
		gen  func(r *rand.Rand) time.Duration
	}{
		{"uniform 0-10ms", func(r *rand.Rand) time.Duration { return time.Duration(r.Int64N(int64(10 * time.Millisecond))) }},
		{"exponential 2ms", func(r *rand.Rand) time.Duration { return time.Duration(r.ExpFloat64() * float64(2*time.Millisecond)) }},
		{"tiny", func(r *rand.Rand) time.Duration { return time.Duration(r.Int64N(100)) * time.Microsecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var h Histogram
			var all []time.Duration
			for range 20000 {
				d := tt.gen(r).Truncate(time.Microsecond)
				h.Record(d)
				all = append(all, d)
			}
			slices.Sort(all)
			for _, q := range []float64{0.5, 0.95, 0.99, 1} {
				want := all[min(int(q*float64(len(all))+0.5), len(all))-1]
				got := h.Quantile(q)
				tol := want/50 + time.Microsecond // 2% + rounding
				if got < want-tol || got > want+tol {
					t.Errorf("q%.2f = %v, want %v ± %v", q, got, want, tol)
				}
			}
			if h.Max() != all[len(all)-1] {
				t.Errorf("max = %v, want %v", h.Max(), all[len(all)-1])
			}
			if h.Count() != uint64(len(all)) {
				t.Errorf("count = %d", h.Count())
			}
		})
	}
}

func TestEmptyAndHugeValues(t *testing.T) {
	var h Histogram
	if h.Quantile(0.99) != 0 || h.Mean() != 0 {
		t.Fatal("empty histogram should report zero")
	}
	h.Record(-time.Second)
	h.Record(1000 * time.Hour)
	if got := h.Quantile(0); got != 0 {
		t.Errorf("q0 = %v, want 0", got)
	}
	if got := h.Quantile(1); got <= 0 {
		t.Errorf("q1 = %v, want the capped maximum", got)
	}
}

func BenchmarkRecord(b *testing.B) {
	b.ReportAllocs()
	var h Histogram
	b.RunParallel(func(pb *testing.PB) {
		d := time.Duration(0)
		for pb.Next() {
			d += 7 * time.Microsecond
			h.Record(d % (50 * time.Millisecond))
		}
	})
}
