package questionnaire

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// answerWith is the Edit of one answer, as the web handlers make it.
func answerWith(questionID string, raw any) Edit {
	return func(r *Response, quiz *Quiz) (Position, error) {
		answers, st, err := quiz.AnswerPosition(r.Answers, questionID, raw)
		if err != nil {
			return st, err
		}
		r.Answers = answers
		return st, nil
	}
}

// countReads counts the queries that read quiz responses.
func countReads(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	err := db.Callback().Query().Before("gorm:query").Register("test:count_reads", func(tx *gorm.DB) {
		if tx.Statement.Table == "quiz_responses" {
			n.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return &n
}

func TestUpdate(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		reads := countReads(t, db)
		// Two stores over one database stand for two instances of the server.
		a, _ := newTestStore(t, db)
		b := NewStore(db, a.now)
		quiz := mustTiny(t)
		r, err := a.Create(ctx, "owner-1", quiz)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("a remembered response is answered without a read", func(t *testing.T) {
			before := reads.Load()
			got, q, st, err := a.Update(ctx, r.ID, "owner-1", answerWith("focus", "hair"))
			if err != nil {
				t.Fatal(err)
			}
			if n := reads.Load() - before; n != 0 {
				t.Errorf("%d reads, want none", n)
			}
			if q != quiz || got.Revision != 1 || st.Next == nil || st.Next.ID != "hair_type" {
				t.Errorf("revision %d, next %v", got.Revision, st.Next)
			}
			stored, _ := a.Get(ctx, r.ID)
			if !reflect.DeepEqual(stored.Answers, Answers{"focus": "hair"}) {
				t.Errorf("stored %v", stored.Answers)
			}
		})

		t.Run("another owner is not found, remembered or not", func(t *testing.T) {
			for _, s := range []*Store{a, b} {
				if _, _, _, err := s.Update(ctx, r.ID, "owner-2", answerWith("hair_type", "curly")); !errors.Is(err, ErrNotFound) {
					t.Errorf("other owner: %v", err)
				}
				if _, _, _, err := s.Update(ctx, r.ID, "", answerWith("hair_type", "curly")); !errors.Is(err, ErrNotFound) {
					t.Errorf("no owner: %v", err)
				}
			}
		})

		t.Run("a copy made stale by another instance is read again", func(t *testing.T) {
			// b answers hair_type (a's copy still has only focus); a then answers curl, which
			// only the stored answers show.
			if _, _, _, err := b.Update(ctx, r.ID, "owner-1", answerWith("hair_type", "curly")); err != nil {
				t.Fatal(err)
			}
			before := reads.Load()
			got, _, st, err := a.Update(ctx, r.ID, "owner-1", answerWith("curl", "tight"))
			if err != nil {
				t.Fatalf("answer after another instance's write: %v", err)
			}
			if reads.Load() == before {
				t.Error("the stale copy was used without reading the stored response")
			}
			want := Answers{"focus": "hair", "hair_type": "curly", "curl": "tight"}
			if !reflect.DeepEqual(got.Answers, want) || st.Next == nil || st.Next.ID != "dry" {
				t.Errorf("answers %v, next %v", got.Answers, st.Next)
			}
			// b's copy is stale now in the other direction: its write conflicts and is retried.
			got, _, _, err = b.Update(ctx, r.ID, "owner-1", answerWith("dry", 4))
			if err != nil || got.Answers["curl"] != "tight" || got.Answers["dry"] == nil {
				t.Fatalf("b after a: %v %v", got, err)
			}
		})

		t.Run("an error from a stale copy is checked against the stored response", func(t *testing.T) {
			// b changes focus to skin, which hides curl. a remembers focus=hair, where curl is
			// asked: it must refuse curl (ErrNotShown) as the stored response says, not
			// accept it from its stale copy.
			if _, _, _, err := b.Update(ctx, r.ID, "owner-1", answerWith("focus", "skin")); err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := a.Update(ctx, r.ID, "owner-1", answerWith("curl", "loose")); !errors.Is(err, ErrNotShown) {
				t.Fatalf("curl after focus moved to skin elsewhere: %v", err)
			}
			stored, _ := a.Get(ctx, r.ID)
			if _, ok := stored.Answers["curl"]; ok || stored.Answers["focus"] != "skin" {
				t.Errorf("stored %v", stored.Answers)
			}
		})

		t.Run("a resume on another instance takes the response from the old owner", func(t *testing.T) {
			// a remembers the response under owner-1; the resume link opens it on b for owner-3.
			if _, _, _, err := a.Update(ctx, r.ID, "owner-1", answerWith("concerns", []string{"redness"})); err != nil {
				t.Fatal(err)
			}
			if _, err := b.Resume(ctx, r.ResumeToken, "owner-3"); err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := a.Update(ctx, r.ID, "owner-1", answerWith("vegan", "yes")); !errors.Is(err, ErrNotFound) {
				t.Fatalf("old owner after resume elsewhere: %v", err)
			}
			if _, _, _, err := a.Update(ctx, r.ID, "owner-3", answerWith("vegan", "yes")); err != nil {
				t.Fatalf("new owner: %v", err)
			}
		})

		t.Run("an edit error writes nothing", func(t *testing.T) {
			before, _ := a.Get(ctx, r.ID)
			_, _, _, err := a.Update(ctx, r.ID, "owner-3", answerWith("age", 7))
			var ae *AnswerError
			if !errors.As(err, &ae) || !strings.Contains(ae.Message, "16") {
				t.Fatalf("age 7: %v", err)
			}
			after, _ := a.Get(ctx, r.ID)
			if after.Revision != before.Revision || !reflect.DeepEqual(after.Answers, before.Answers) {
				t.Errorf("changed by a refused answer: %+v", after)
			}
		})

		t.Run("concurrent answers on two instances all land", func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, s := range []*Store{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, _, errs[i] = s.Update(ctx, r.ID, "owner-3", answerWith([]string{"age", "vegan"}[i], []any{40, "no"}[i]))
				}()
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			stored, _ := a.Get(ctx, r.ID)
			if stored.Answers["age"] == nil || stored.Answers["vegan"] != "no" {
				t.Errorf("stored %v", stored.Answers)
			}
		})
	})
}

// TestUpdateCopies checks that a response handed out by Update is the caller's own: changing
// it does not change what the store remembers.
func TestUpdateCopies(t *testing.T) {
	db := databasetest.SQLite(t)
	ctx := context.Background()
	s, _ := newTestStore(t, db)
	quiz := mustTiny(t)
	r, err := s.Create(ctx, "o", quiz)
	if err != nil {
		t.Fatal(err)
	}
	got, _, _, err := s.Update(ctx, r.ID, "o", answerWith("focus", "skin"))
	if err != nil {
		t.Fatal(err)
	}
	got.Answers["focus"] = "hair"
	r.Answers["focus"] = "hair"
	again, _, _, err := s.Update(ctx, r.ID, "o", func(r *Response, quiz *Quiz) (Position, error) {
		return quiz.State(r.Answers).Position, nil
	})
	if err != nil || again.Answers["focus"] != "skin" {
		t.Fatalf("remembered answers changed through a handed-out copy: %v %v", again.Answers, err)
	}
}

// TestEraseRacesAnAnswer: an answer that lands between the erase's read and its write does not
// survive the erase, and a copy another instance remembers cannot write the response back.
func TestEraseRacesAnAnswer(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a, _ := newTestStore(t, db)
		b := NewStore(db, a.now)
		quiz := mustTiny(t)
		r, err := a.Create(ctx, "o1", quiz)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.AttachCustomer(ctx, r.ID, 7); err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			id  string
			raw any
		}{{"focus", "skin"}, {"concerns", []string{"redness"}}, {"vegan", "no"}, {"age", 30}, {"where", "dry"}} {
			if _, _, _, err := b.Update(ctx, r.ID, "o1", answerWith(step.id, step.raw)); err != nil {
				t.Fatal(err)
			}
		}
		// Right after the erase reads the customer's responses, the shopper types a name on b.
		var raced atomic.Bool
		err = db.Callback().Query().After("gorm:query").Register("test:race_erase", func(tx *gorm.DB) {
			if tx.Statement.Table == "quiz_responses" && strings.Contains(tx.Statement.SQL.String(), "customer_id") && raced.CompareAndSwap(false, true) {
				if _, _, _, err := b.Update(context.Background(), r.ID, "o1", answerWith("name", "Zed")); err != nil {
					t.Errorf("racing answer: %v", err)
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Callback().Query().Remove("test:race_erase")
		if err := a.EraseCustomer(ctx, 7); err != nil {
			t.Fatal(err)
		}
		if !raced.Load() {
			t.Fatal("the racing answer never ran")
		}
		stored, err := a.Get(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := stored.Answers["name"]; ok || stored.OwnerKey != "" || stored.CustomerID != nil {
			t.Fatalf("after erase: name %v, owner %q, customer %v", stored.Answers["name"], stored.OwnerKey, stored.CustomerID)
		}
		// b remembers the response under o1 with the name: it must not write it back.
		if _, _, _, err := b.Update(ctx, r.ID, "o1", answerWith("name", "Zed")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("old cookie after erase: %v", err)
		}
		if again, _ := a.Get(ctx, r.ID); again.Answers["name"] != nil {
			t.Fatalf("the erased name came back: %v", again.Answers)
		}
	})
}
