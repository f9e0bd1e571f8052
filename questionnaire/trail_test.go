package questionnaire

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// trailCases are responses at various stages of the tiny quiz, with whether they completed.
func trailCases(t *testing.T, q *Quiz) []ResponseAnswers {
	t.Helper()
	return []ResponseAnswers{
		{Answers: Answers{}},
		{Answers: answerAll(t, q, "focus", "skin")},
		{Answers: answerAll(t, q, "focus", "skin")},
		{Answers: answerAll(t, q, "focus", "hair")},
		{Answers: answerAll(t, q, "focus", "skin", "concerns", []string{"redness"})},
		{Answers: answerAll(t, q, "focus", "skin", "concerns", nil, "vegan", nil, "age", 40, "where", "cold", "name", "X"), Completed: true},
	}
}

func TestTrail(t *testing.T) {
	q := mustTiny(t)
	tests := []struct {
		name    string
		answers Answers
		want    string
	}{
		{"nothing answered", Answers{}, "n"},
		{"first answered", answerAll(t, q, "focus", "skin"), "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := q.Trail(tt.answers)
			if len(got) != len(q.questions) || got[:len(tt.want)] != tt.want {
				t.Errorf("trail %q, want prefix %q and %d bytes", got, tt.want, len(q.questions))
			}
		})
	}
}

// TestAddTrailCountsLikeAdd: counting grouped trails gives the same rows as replaying answers.
func TestAddTrailCountsLikeAdd(t *testing.T) {
	q := mustTiny(t)
	cases := trailCases(t, q)
	want := CountDropOff(q, cases)
	type key struct {
		trail string
		done  bool
	}
	groups := map[key]int{}
	for _, c := range cases {
		groups[key{q.Trail(c.Answers), c.Completed}]++
	}
	d := NewDropOff(q)
	for k, n := range groups {
		d.AddTrail(k.trail, k.done, n)
	}
	d.AddTrail("zz", false, 5) // unknown bytes count nothing
	got := d.Rows()
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestDropOffTrailsAndBackfill: DropOff counts the same whether responses have trails (saved
// through the Store), have none (written in bulk), or had theirs backfilled.
func TestDropOffTrailsAndBackfill(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s, _ := newTestStore(t, db)
		q := mustTiny(t)
		cases := trailCases(t, q)
		want := CountDropOff(q, cases)
		for _, c := range cases {
			r, err := s.Create(ctx, "owner", q)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Answers) > 0 {
				r.Answers = c.Answers
				if err := s.Save(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
		}
		check := func(stage string) {
			t.Helper()
			got, err := s.DropOff(ctx, q.Version, 2)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s: row %d: %+v, want %+v", stage, i, got[i], want[i])
				}
			}
		}
		check("saved")
		if err := db.Model(&responseRow{}).Where("1 = 1").Update("trail", "").Error; err != nil {
			t.Fatal(err)
		}
		check("without trails")
		n, err := BackfillTrails(ctx, db)
		if err != nil || n != len(cases) {
			t.Fatalf("backfill: %d %v", n, err)
		}
		var empty int64
		if err := db.Model(&responseRow{}).Where("trail = ''").Count(&empty).Error; err != nil || empty != 0 {
			t.Fatalf("%d responses still without trail: %v", empty, err)
		}
		check("backfilled")
		if n, err := BackfillTrails(ctx, db); err != nil || n != 0 {
			t.Fatalf("second backfill: %d %v", n, err)
		}
	})
}
