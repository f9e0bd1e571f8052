package web

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(time.Second, 3)
	for i := 0; i < 3; i++ {
		if !l.Allow("a", now) {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	if l.Allow("a", now) {
		t.Error("fourth attempt allowed")
	}
	if !l.Allow("b", now) {
		t.Error("another address is limited too")
	}
	if !l.Allow("a", now.Add(time.Second)) {
		t.Error("no token after the refill time")
	}
}
