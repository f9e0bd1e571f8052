package fulfillment

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// countingMailer records sends and fails while failing is set.
type countingMailer struct {
	mu      sync.Mutex
	sent    map[string]int
	failing atomic.Bool
}

func (m *countingMailer) Send(_ context.Context, to, subject, _ string) error {
	if m.failing.Load() {
		return errors.New("smtp: 451 try again later")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sent == nil {
		m.sent = map[string]int{}
	}
	m.sent[to+"|"+subject]++
	return nil
}

func enqueue(t *testing.T, s *Service, n int) {
	t.Helper()
	for i := range n {
		created, err := s.EnqueueEmail(context.Background(), OutboxMessage{Kind: MailSignInLink, To: fmt.Sprintf("u%d@example.com", i),
			Subject: "Your sign-in link", Body: "https://atelier.test/signin/abc", DedupeKey: fmt.Sprintf("signin:%d", i)})
		if err != nil || !created {
			t.Fatalf("enqueue: %v %v", created, err)
		}
	}
}

func TestOutboxDeliveredOnceByConcurrentDeliverers(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		enqueue(t, s, 60)
		if created, err := s.EnqueueEmail(context.Background(), OutboxMessage{Kind: MailSignInLink, To: "u0@example.com",
			Subject: "Again", Body: "x", DedupeKey: "signin:0"}); err != nil || created {
			t.Fatalf("duplicate dedupe key enqueued: %v %v", created, err)
		}
		m := &countingMailer{}
		var wg sync.WaitGroup
		reports := make([]DeliveryReport, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if reports[i], err = s.DeliverOutbox(context.Background(), m); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if reports[0].Sent+reports[1].Sent != 60 || len(m.sent) != 60 {
			t.Fatalf("reports %+v, distinct %d", reports, len(m.sent))
		}
		for k, n := range m.sent {
			if n != 1 {
				t.Fatalf("%s sent %d times", k, n)
			}
		}
		if n := count(t, db, &OutboxMessage{}, "status = ? AND sent_at IS NOT NULL", OutboxSent); n != 60 {
			t.Fatalf("%d marked sent", n)
		}
	})
}

func TestOutboxRetriesWithBackoff(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, clk := newTestService(t, db)
		ctx := context.Background()
		enqueue(t, s, 1)
		m := &countingMailer{}
		m.failing.Store(true)
		// Attempts 1..3 fail; retries come after 1m, then 2m.
		for i, wait := range []time.Duration{0, time.Minute, 2 * time.Minute} {
			clk.Advance(wait - time.Second)
			if rep, _ := s.DeliverOutbox(ctx, m); i > 0 && rep.Retried != 0 {
				t.Fatalf("attempt %d ran before its backoff", i+1)
			}
			clk.Advance(time.Second)
			if rep, err := s.DeliverOutbox(ctx, m); err != nil || rep.Retried != 1 {
				t.Fatalf("attempt %d: %v %+v", i+1, err, rep)
			}
		}
		msg, _ := s.ListOutbox(ctx, OutboxPending, 10)
		if len(msg) != 1 || msg[0].Attempts != 3 || !strings.Contains(msg[0].LastError, "451") ||
			!msg[0].NextAttemptAt.Equal(clk.Now().Add(4*time.Minute)) {
			t.Fatalf("after 3 failures: %+v", msg)
		}
		m.failing.Store(false)
		clk.Advance(4 * time.Minute)
		if rep, err := s.DeliverOutbox(ctx, m); err != nil || rep.Sent != 1 {
			t.Fatalf("recovery: %v %+v", err, rep)
		}
		// Gives up after OutboxMaxAttempts.
		s.opt.OutboxMaxAttempts = 2
		enqueue2 := OutboxMessage{Kind: MailShipped, To: "z@example.com", Subject: "s", Body: "b", DedupeKey: "z"}
		if _, err := s.EnqueueEmail(ctx, enqueue2); err != nil {
			t.Fatal(err)
		}
		m.failing.Store(true)
		s.DeliverOutbox(ctx, m)
		clk.Advance(time.Hour)
		if rep, _ := s.DeliverOutbox(ctx, m); rep.Failed != 1 {
			t.Fatalf("not failed after max attempts: %+v", rep)
		}
	})
}

func TestOutboxCrashedSenderIsRetried(t *testing.T) {
	db := databasetest.SQLite(t)
	s, clk := newTestService(t, db)
	enqueue(t, s, 1)
	// A sender claimed the message and died.
	if msg, err := s.claimMessage(context.Background(), 1); err != nil || msg == nil {
		t.Fatalf("claim: %v", err)
	}
	m := &countingMailer{}
	if rep, _ := s.DeliverOutbox(context.Background(), m); rep.Sent != 0 {
		t.Fatal("sent while another sender holds it")
	}
	clk.Advance(outboxClaim + time.Second)
	if rep, _ := s.DeliverOutbox(context.Background(), m); rep.Sent != 1 {
		t.Fatal("crashed sender's message not retried")
	}
}

func TestEmailContent(t *testing.T) {
	db := databasetest.SQLite(t)
	s, _ := newTestService(t, db)
	o := paidOrder(t, s, 2)
	msgs, err := s.ListOutbox(context.Background(), "", 10)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox: %v %d", err, len(msgs))
	}
	body := msgs[0].Body
	for _, want := range []string{"Hello Ada,", fmt.Sprintf("Order #%d", o.ID), "2 × Ada's calming serum (30 ml) — 78.00 EUR",
		"Total:    83.00 EUR", fmt.Sprintf("https://atelier.test/orders/%d", o.ID), "https://atelier.test/r/SER-0000", "75001 Paris"} {
		if !strings.Contains(body, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, body)
		}
	}
}

// fakeSMTP is a minimal SMTP server on a loopback port that records one message.
func fakeSMTP(t *testing.T) (addr string, got chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		w := func(s string) { fmt.Fprint(c, s+"\r\n") }
		w("220 fake ESMTP")
		var data strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.TrimSpace(line))
			switch {
			case strings.HasPrefix(cmd, "EHLO"):
				w("250-fake\r\n250 8BITMIME")
			case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"):
				data.WriteString(strings.TrimSpace(line) + "\n")
				w("250 ok")
			case cmd == "DATA":
				w("354 go ahead")
				for {
					l, err := r.ReadString('\n')
					if err != nil || l == ".\r\n" {
						break
					}
					data.WriteString(l)
				}
				w("250 queued")
			case cmd == "QUIT":
				w("221 bye")
				got <- data.String()
				return
			default:
				w("250 ok")
			}
		}
	}()
	return ln.Addr().String(), got
}

func TestSMTPMailer(t *testing.T) {
	addr, got := fakeSMTP(t)
	host, port, _ := net.SplitHostPort(addr)
	var p int
	fmt.Sscan(port, &p)
	m := SMTPMailer{Host: host, Port: p, From: "Atelier <hello@atelier.test>", Timeout: 5 * time.Second}
	if err := m.Send(context.Background(), "ada@example.com", "Votre commande est expédiée", "Line one\nLine two"); err != nil {
		t.Fatal(err)
	}
	msg := <-got
	for _, want := range []string{"MAIL FROM:<hello@atelier.test>", "RCPT TO:<ada@example.com>", "Subject: =?utf-8?q?", "Line one\r\nLine two\r\n", "Content-Type: text/plain; charset=utf-8"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if err := m.Send(context.Background(), "ada@example.com\r\nBcc: x@y.z", "s", "b"); err == nil {
		t.Fatal("header injection accepted")
	}
}
