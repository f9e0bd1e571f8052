package fulfillment

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// TestShutdownDuringSendDoesNotResend: the deliverer's context ends (the server shuts down)
// while the SMTP server is accepting the message; the message is still recorded as sent, so
// the next deliverer does not send it again once the claim runs out.
func TestShutdownDuringSendDoesNotResend(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		enqueue(t, s, 1)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		m := &recordingMailer{during: cancel}
		if _, err := s.DeliverOutbox(ctx, m); err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("deliver: %v", err)
		}
		clk.Advance(outboxClaim + 1)
		if _, err := s.DeliverOutbox(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		if len(m.bodies) != 1 {
			t.Fatalf("sent %d times", len(m.bodies))
		}
		if n := count(t, db, &OutboxMessage{}, "status = ?", OutboxSent); n != 1 {
			t.Fatalf("%d messages sent", n)
		}
	})
}

// quitDropper is an SMTP server that accepts every message and drops the connection when
// the client says QUIT, as servers and middleboxes do; it counts the messages it accepted.
func quitDropper(t *testing.T) (host string, port int, accepted func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	n := 0
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				r := bufio.NewReader(c)
				w := func(s string) { fmt.Fprint(c, s+"\r\n") }
				w("220 fake ESMTP")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
					case strings.HasPrefix(cmd, "EHLO"):
						w("250-fake\r\n250 8BITMIME")
					case cmd == "DATA":
						w("354 go ahead")
						for {
							l, err := r.ReadString('\n')
							if err != nil {
								return
							}
							if l == ".\r\n" {
								break
							}
						}
						mu.Lock()
						n++
						mu.Unlock()
						w("250 queued as 1")
					case cmd == "QUIT":
						return // no 221: the connection just closes
					default:
						w("250 ok")
					}
				}
			}()
		}
	}()
	a := ln.Addr().(*net.TCPAddr)
	return a.IP.String(), a.Port, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

func TestSMTPAcceptedMessageIsNotResentWhenQuitFails(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		enqueue(t, s, 1)
		host, port, accepted := quitDropper(t)
		m := SMTPMailer{Host: host, Port: port, From: "Atelier <hello@atelier.test>", Timeout: 5e9}
		rep, err := s.DeliverOutbox(ctx, m)
		if err != nil || rep.Sent != 1 || rep.Retried != 0 {
			t.Fatalf("deliver: %v %+v", err, rep)
		}
		clk.Advance(outboxClaim + s.opt.OutboxBackoff + 1)
		if _, err := s.DeliverOutbox(ctx, m); err != nil {
			t.Fatal(err)
		}
		msgs, _ := s.ListOutbox(ctx, "", 10)
		if accepted() != 1 || len(msgs) != 1 || msgs[0].Status != OutboxSent || msgs[0].Attempts != 1 {
			t.Fatalf("accepted %d times; outbox %+v", accepted(), msgs)
		}
	})
}
