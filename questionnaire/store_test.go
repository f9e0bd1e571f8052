package questionnaire

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newTestStore(t *testing.T, db *gorm.DB) (*Store, *fakeClock) {
	t.Helper()
	if err := db.AutoMigrate(Models()...); err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	return NewStore(db, clock.now), clock
}

func TestStore(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s, clock := newTestStore(t, db)
		quiz := mustTiny(t)

		r, err := s.Create(ctx, "owner-1", quiz)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.ID) < 22 || len(r.ResumeToken) < 22 || r.ID == r.ResumeToken {
			t.Fatalf("ids %q %q", r.ID, r.ResumeToken)
		}
		if _, err := s.GetForOwner(ctx, r.ID, "owner-2"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("other owner: %v", err)
		}
		if _, err := s.Get(ctx, "missing"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing: %v", err)
		}

		// Answer and save; a stale revision conflicts.
		r.Answers = answerAll(t, quiz, "focus", "skin", "concerns", []string{"redness"})
		r.Current = "vegan"
		clock.t = clock.t.Add(time.Minute)
		if err := s.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
		stale := *r
		stale.Revision--
		if err := s.Save(ctx, &stale); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale save: %v", err)
		}
		got, err := s.GetForOwner(ctx, r.ID, "owner-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Current != "vegan" || got.Completed() || !got.UpdatedAt.Equal(clock.t) {
			t.Fatalf("got %+v", got)
		}
		if l := got.Answers["concerns"].([]string); len(l) != 1 || l[0] != "redness" {
			t.Fatalf("answers %v", got.Answers)
		}

		// Resume on another device.
		if _, err := s.Resume(ctx, "wrong", "owner-2"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("bad token: %v", err)
		}
		moved, err := s.Resume(ctx, r.ResumeToken, "owner-2")
		if err != nil || moved.ID != r.ID {
			t.Fatalf("resume: %v", err)
		}
		if _, err := s.GetForOwner(ctx, r.ID, "owner-2"); err != nil {
			t.Fatalf("new owner: %v", err)
		}

		// The definition changes (new version): the response stays on its own.
		changed := strings.Replace(tinyQuiz, `version: "t1"`, `version: "t2"`, 1)
		changed = strings.Replace(changed, "prompt: \"Vegan?\"", "prompt: \"Vegan, please?\"", 1)
		quiz2, err := Load([]byte(changed))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(ctx, "owner-3", quiz2); err != nil {
			t.Fatal(err)
		}
		fresh := NewStore(db, clock.now) // empty cache: reads quiz_definitions
		def, err := fresh.Definition(ctx, got.QuizVersion)
		if err != nil || def.Question("vegan").Prompt != "Vegan?" {
			t.Fatalf("pinned definition: %v", err)
		}
		reused, _ := Load([]byte(strings.Replace(tinyQuiz, "prompt: \"Vegan?\"", "prompt: \"Changed\"", 1)))
		if err := fresh.Register(ctx, reused); !errors.Is(err, ErrVersionReused) {
			t.Fatalf("reused version: %v", err)
		}

		// Complete, attach, find, erase.
		moved.Answers = answerAll(t, quiz, "focus", "skin", "concerns", nil, "vegan", "yes", "age", 40, "where", "10001", "name", "Ana")
		clock.t = clock.t.Add(time.Minute)
		if err := s.Save(ctx, moved); err != nil || !moved.Completed() {
			t.Fatalf("complete: %v %v", err, moved.CompletedAt)
		}
		if err := s.AttachCustomer(ctx, r.ID, 7); err != nil {
			t.Fatal(err)
		}
		latest, err := s.LatestCompleted(ctx, 7)
		if err != nil || latest.ID != r.ID || latest.Answers["name"] != "Ana" {
			t.Fatalf("latest: %v %+v", err, latest)
		}
		// The browser that completed it finds it for an order placed afterwards, not before.
		if byOwner, err := s.LatestCompletedByOwner(ctx, "owner-2", clock.t); err != nil || byOwner.ID != r.ID {
			t.Fatalf("by owner: %v %+v", err, byOwner)
		}
		for what, args := range map[string]struct {
			owner  string
			before time.Time
		}{"earlier order": {"owner-2", clock.t.Add(-time.Second)}, "other browser": {"owner-1", clock.t}, "no owner": {"", clock.t}} {
			if _, err := s.LatestCompletedByOwner(ctx, args.owner, args.before); !errors.Is(err, ErrNotFound) {
				t.Fatalf("by owner, %s: %v", what, err)
			}
		}
		rows, err := s.DropOff(ctx, "t1", 1)
		if err != nil || rows[0].QuestionID != "focus" || rows[0].Reached != 1 || rows[0].Answered != 1 {
			t.Fatalf("drop-off: %v %+v", err, rows)
		}
		if err := s.EraseCustomer(ctx, 7); err != nil {
			t.Fatal(err)
		}
		erased, err := s.Get(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := erased.Answers["name"]; ok || erased.CustomerID != nil || erased.ResumeToken == r.ResumeToken || erased.OwnerKey != "" {
			t.Fatalf("not erased: %+v", erased)
		}
		if _, err := s.LatestCompleted(ctx, 7); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after erase: %v", err)
		}
	})
}
