package load

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Histogram counts latencies in HDR-style log-linear buckets: exact below 128 µs, then 64
// buckets per power of two (at most 1.6% relative error), up to about 19 hours. Its memory is
// fixed (histBuckets counters) whatever the number of samples, and Record is lock-free, so
// every virtual shopper records into the same histogram.
type Histogram struct {
	counts [histBuckets]atomic.Uint64
	n      atomic.Uint64
	sumUS  atomic.Uint64
	maxUS  atomic.Uint64
}

const (
	histSubBits = 6                // 64 sub-buckets per power of two
	histSub     = 1 << histSubBits // 64
	histMaxExp  = 30               // largest shift: values up to 2^37 µs
	histBuckets = (histMaxExp + 2) * histSub
	histMaxUS   = 1<<(histMaxExp+histSubBits+1) - 1
)

// bucketOf returns the bucket index of v microseconds.
func bucketOf(v uint64) int {
	if v > histMaxUS {
		v = histMaxUS
	}
	if v < 2*histSub {
		return int(v)
	}
	shift := bits.Len64(v) - (histSubBits + 1)
	return (shift+1)*histSub + int(v>>uint(shift)) - histSub
}

// bucketRange returns the lowest and highest value (µs) that fall in bucket i.
func bucketRange(i int) (lo, hi uint64) {
	if i < 2*histSub {
		return uint64(i), uint64(i)
	}
	shift := uint(i/histSub - 1)
	lo = uint64(i%histSub+histSub) << shift
	return lo, lo + (1 << shift) - 1
}

// Record adds one latency. Negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	us := uint64(max(d, 0) / time.Microsecond)
	h.counts[bucketOf(us)].Add(1)
	h.n.Add(1)
	h.sumUS.Add(us)
	for {
		m := h.maxUS.Load()
		if us <= m || h.maxUS.CompareAndSwap(m, us) {
			break
		}
	}
}

// Count is the number of recorded latencies.
func (h *Histogram) Count() uint64 { return h.n.Load() }

// Max is the largest recorded latency (exact).
func (h *Histogram) Max() time.Duration { return time.Duration(h.maxUS.Load()) * time.Microsecond }

// Mean is the average recorded latency, or 0 with no samples.
func (h *Histogram) Mean() time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(h.sumUS.Load()/n) * time.Microsecond
}

// Quantile returns the latency at or below which a fraction q (0..1) of the samples fall: the
// upper edge of the bucket holding that rank, never more than the recorded maximum. It is 0
// with no samples.
func (h *Histogram) Quantile(q float64) time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	q = min(max(q, 0), 1)
	rank := uint64(q*float64(n) + 0.5)
	rank = min(max(rank, 1), n)
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			_, hi := bucketRange(i)
			return time.Duration(min(hi, h.maxUS.Load())) * time.Microsecond
		}
	}
	return h.Max()
}
