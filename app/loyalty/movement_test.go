package loyalty_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
	"atelier/app/loyalty"
)

// TestMovementMatrix checks the from×to counts of each period on a crafted segment history,
// on both engines. Now is 2026-11-23 12:00; "30d" starts 2026-10-24 12:00, "12m" 2025-12-01.
func TestMovementMatrix(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		fx := newFixture(t, db)
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		type move struct {
			from, to string
			at       time.Time
		}
		history := []struct {
			name  string
			moves []move
		}{
			// first scored in September, then steady → champions inside the last 30 days
			{"ana", []move{{"", "steady", day(2026, 9, 1)}, {"steady", "champions", day(2026, 10, 28)}}},
			// champions → lapsed in November
			{"ben", []move{{"", "champions", day(2025, 6, 1)}, {"champions", "lapsed", day(2026, 11, 5)}}},
			// stays steady: no move in the 12 months at all
			{"cy", []move{{"", "steady", day(2025, 5, 1)}}},
			// leaves steady and comes back within November: counts as staying
			{"dee", []move{{"", "steady", day(2025, 5, 1)}, {"steady", "lapsed", day(2026, 11, 2)}, {"lapsed", "steady", day(2026, 11, 20)}}},
			// first scored in November
			{"eve", []move{{"", "new_high_potential", day(2026, 11, 10)}}},
			// moves at the first instant of November: a November move, not an October one
			{"fay", []move{{"", "steady", day(2025, 5, 1)}, {"steady", "champions", day(2026, 11, 1)}}},
			// first scored at this very instant (a recompute now)
			{"gus", []move{{"", "satisfied_occasional", testNow}}},
			// a segment that is no longer defined keeps its name
			{"hal", []move{{"", "vip", day(2025, 4, 1)}, {"vip", "steady", day(2026, 11, 3)}}},
		}
		for _, c := range history {
			id := fx.customer(t, c.name+"@example.com", day(2025, 1, 1), false)
			for _, m := range c.moves {
				if err := db.Create(&loyalty.SegmentMove{CustomerID: id, From: m.from, To: m.to, At: m.at}).Error; err != nil {
					t.Fatal(err)
				}
			}
			last := c.moves[len(c.moves)-1]
			if err := db.Create(&loyalty.CustomerScore{CustomerID: id, Segment: last.to, Reasons: "{}", ComputedAt: last.at}).Error; err != nil {
				t.Fatal(err)
			}
		}

		d, err := fx.svc.Dashboard(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, p := range d.Periods {
			keys = append(keys, p.Key)
		}
		if len(keys) != 14 || keys[0] != "30d" || keys[1] != "12m" || keys[2] != "2026-11" || keys[13] != "2025-12" {
			t.Errorf("periods %v", keys)
		}
		if def, _ := d.Chart("movement"); def == nil || def.Title != "Movement between segments: Last 30 days" {
			t.Errorf("the dashboard's movement chart is not the last 30 days: %+v", def)
		}

		const (
			none  = "Not scored before"
			st    = "Steady"
			champ = "Champions"
			lap   = "Lapsed"
			nhp   = "New, high potential"
			sat   = "Satisfied, occasional"
		)
		tests := []struct {
			period string
			cells  map[[2]string]float64 // every other cell is 0
			scored float64               // the customers counted: the table's grand total
		}{
			{"2026-08", map[[2]string]float64{{champ, champ}: 1, {st, st}: 3, {"vip", "vip"}: 1}, 5},
			{"2026-09", map[[2]string]float64{{none, st}: 1, {champ, champ}: 1, {st, st}: 3, {"vip", "vip"}: 1}, 6},
			{"2026-10", map[[2]string]float64{{st, champ}: 1, {champ, champ}: 1, {st, st}: 3, {"vip", "vip"}: 1}, 6},
			{"2026-11", map[[2]string]float64{{champ, champ}: 1, {champ, lap}: 1, {st, st}: 2, {none, nhp}: 1, {st, champ}: 1,
				{none, sat}: 1, {"vip", st}: 1}, 8},
			{"30d", map[[2]string]float64{{st, champ}: 2, {champ, lap}: 1, {st, st}: 2, {none, nhp}: 1, {none, sat}: 1, {"vip", st}: 1}, 8},
			{"12m", map[[2]string]float64{{none, champ}: 1, {champ, lap}: 1, {st, st}: 2, {none, nhp}: 1, {st, champ}: 1,
				{none, sat}: 1, {"vip", st}: 1}, 8},
		}
		for _, tt := range tests {
			t.Run(tt.period, func(t *testing.T) {
				c, ok := d.MovementChart(tt.period)
				if !ok {
					t.Fatalf("no matrix for %s", tt.period)
				}
				got := map[[2]string]float64{}
				for j, s := range c.Series {
					for i, from := range c.Labels {
						if v := s.Values[i]; v != 0 {
							got[[2]string{from, c.Series[j].Name}] = v
						}
					}
				}
				for cell, want := range tt.cells {
					if got[cell] != want {
						t.Errorf("%s → %s = %v, want %v", cell[0], cell[1], got[cell], want)
					}
				}
				for cell, v := range got {
					if _, ok := tt.cells[cell]; !ok {
						t.Errorf("unexpected %s → %s = %v", cell[0], cell[1], v)
					}
				}
				tb := c.Table()
				if total := tb.Rows[len(tb.Rows)-1]; total[0] != "Total" || total[len(total)-1] != c.Number(tt.scored) {
					t.Errorf("total row %v, want %v customers", total, tt.scored)
				}
			})
		}
	})
}
