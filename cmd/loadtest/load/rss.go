package load

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RSSReport is the resident memory of one server process over the run.
type RSSReport struct {
	PID     int    `json:"pid"`
	MaxKiB  uint64 `json:"max_kib"`
	LastKiB uint64 `json:"last_kib"`
	Samples int    `json:"samples"`
	// Error is the last failure to read the process's memory (e.g. it exited).
	Error string `json:"error,omitempty"`
}

// MaxMiB is the largest resident set seen, in MiB.
func (r RSSReport) MaxMiB() float64 { return float64(r.MaxKiB) / 1024 }

// ReadRSS returns the resident set size of process pid in KiB, from /proc/PID/status (Linux).
func ReadRSS(pid int) (uint64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				break
			}
			return strconv.ParseUint(fields[0], 10, 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("process %d: no VmRSS line", pid)
}

// rssSampler samples the resident memory of processes until stopped.
type rssSampler struct {
	mu  sync.Mutex
	out []RSSReport
}

// sampleRSS samples every interval until ctx ends; done is closed when it has stopped.
func sampleRSS(ctx context.Context, pids []int, every time.Duration) (*rssSampler, <-chan struct{}) {
	s := &rssSampler{}
	for _, p := range pids {
		s.out = append(s.out, RSSReport{PID: p})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return s, done
}

func (s *rssSampler) sample() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.out {
		kib, err := ReadRSS(s.out[i].PID)
		if err != nil {
			s.out[i].Error = err.Error()
			continue
		}
		s.out[i].Samples++
		s.out[i].LastKiB = kib
		s.out[i].MaxKiB = max(s.out[i].MaxKiB, kib)
	}
}

func (s *rssSampler) reports() []RSSReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RSSReport(nil), s.out...)
}
