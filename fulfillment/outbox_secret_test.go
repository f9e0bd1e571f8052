package fulfillment

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"atelier/app/database/databasetest"
)

// recordingMailer keeps the bodies it was given.
type recordingMailer struct {
	bodies []string
	during func() // runs inside Send, e.g. to cancel the deliverer's context
}

func (m *recordingMailer) Send(_ context.Context, _, _, body string) error {
	m.bodies = append(m.bodies, body)
	if m.during != nil {
		m.during()
	}
	return nil
}

func TestSecretBodiesAreBlankedOnceFinished(t *testing.T) {
	db := databasetest.SQLite(t)
	s, _ := newTestService(t, db)
	ctx := context.Background()
	const link = "https://atelier.test/account/signin/link/tok_secret"
	for i, kind := range []string{MailAccountSignIn, MailAccountReset, MailAccountVerify, MailShipped} {
		if _, err := s.EnqueueEmail(ctx, OutboxMessage{Kind: kind, To: "ada@example.com", Subject: "s",
			Body: "Use this link: " + link, DedupeKey: fmt.Sprintf("k%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	m := &recordingMailer{}
	if rep, err := s.DeliverOutbox(ctx, m); err != nil || rep.Sent != 4 {
		t.Fatalf("deliver: %v %+v", err, rep)
	}
	for _, b := range m.bodies {
		if !strings.Contains(b, link) {
			t.Errorf("the mailer did not get the whole body: %q", b)
		}
	}
	msgs, err := s.ListOutbox(ctx, OutboxSent, 10)
	if err != nil || len(msgs) != 4 {
		t.Fatalf("sent: %v %d", err, len(msgs))
	}
	for _, msg := range msgs {
		if secret := CarriesSecret(msg.Kind); secret == strings.Contains(msg.Body, link) {
			t.Errorf("%s: stored body %q after sending", msg.Kind, msg.Body)
		}
	}
}

func TestFailedSecretMessageIsBlanked(t *testing.T) {
	db := databasetest.SQLite(t)
	s, _ := newTestService(t, db)
	ctx := context.Background()
	s.opt.OutboxMaxAttempts = 1
	if _, err := s.EnqueueEmail(ctx, OutboxMessage{Kind: MailAccountReset, To: "ada@example.com", Subject: "s",
		Body: "https://atelier.test/account/reset/tok_secret", DedupeKey: "failing"}); err != nil {
		t.Fatal(err)
	}
	m := &countingMailer{}
	m.failing.Store(true)
	if rep, err := s.DeliverOutbox(ctx, m); err != nil || rep.Failed != 1 {
		t.Fatalf("deliver: %v %+v", err, rep)
	}
	msgs, _ := s.ListOutbox(ctx, OutboxFailed, 10)
	if len(msgs) != 1 || strings.Contains(msgs[0].Body, "tok_secret") {
		t.Fatalf("failed message: %+v", msgs)
	}
}

func TestLogOnlyMailerNeverGetsSecrets(t *testing.T) {
	db := databasetest.SQLite(t)
	s, _ := newTestService(t, db)
	ctx := context.Background()
	if _, err := s.EnqueueEmail(ctx, OutboxMessage{Kind: MailAccountSignIn, To: "ada@example.com", Subject: "Your sign-in link",
		Body: "https://atelier.test/account/signin/link/tok_secret", DedupeKey: "k"}); err != nil {
		t.Fatal(err)
	}
	m := &logOnlyRecorder{}
	if rep, err := s.DeliverOutbox(ctx, m); err != nil || rep.Logged != 1 {
		t.Fatalf("deliver: %v %+v", err, rep)
	}
	if len(m.bodies) != 1 || strings.Contains(m.bodies[0], "tok_secret") {
		t.Fatalf("the log-only mailer got %q", m.bodies)
	}
}

type logOnlyRecorder struct{ recordingMailer }

func (*logOnlyRecorder) LogOnly() bool { return true }
