package loyalty_test

import (
	"context"
	"testing"

	"atelier/app/database/databasetest"
	"atelier/app/loyalty"
)

// TestPersonalTouch: a replenishment reminder becomes a call only for the segments whose
// strategy has a task, and for customers not scored yet.
func TestPersonalTouch(t *testing.T) {
	db := databasetest.SQLite(t)
	migrate(t, db)
	call := loyalty.PersonalTouch(db, nil)
	for i, tc := range []struct {
		segment string // "" = not scored
		want    bool
	}{
		{"", true},
		{"at_risk_valuable", true},
		{"new_high_potential", true},
		{"satisfied_occasional", false},
		{"lapsed", false},
		{"champions", false},
		{"no_longer_defined", true},
	} {
		id := uint(i + 1)
		if tc.segment != "" {
			if err := db.Create(&loyalty.CustomerScore{CustomerID: id, Segment: tc.segment, Reasons: "{}", ComputedAt: testNow}).Error; err != nil {
				t.Fatal(err)
			}
		}
		got, err := call(context.Background(), id)
		if err != nil || got != tc.want {
			t.Errorf("segment %q: call %v (%v), want %v", tc.segment, got, err, tc.want)
		}
	}
}
