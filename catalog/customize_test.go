package catalog

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestCustomize(t *testing.T) {
	c := mustDefault(t)
	l, _ := c.Line("moisturiser")
	p := Profile{Name: "Ana", Concerns: map[string]float64{"dullness": 1}, Traits: map[string][]string{"colour": {"clear"}}}
	start, err := l.Best(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := start.Selection()["actives"]; !slices.Contains(got, "vitamin_c") {
		t.Fatalf("dull-skin profile got %v", got)
	}
	tests := []struct {
		name      string
		changes   Selection
		profile   Profile
		wantErr   error
		conflict  string
		keepCheck func(t *testing.T, s Selection)
	}{
		{name: "valid scent change", changes: Selection{"fragrance": {"rose_petal"}}, profile: p},
		{name: "unknown option", changes: Selection{"fragrance": {"durian"}}, profile: p, wantErr: ErrUnknownOption},
		{name: "unknown dimension", changes: Selection{"glitter": {"yes"}}, profile: p, wantErr: ErrUnknownDimension},
		{name: "two bases", changes: Selection{"base": {"lotion", "gel_cream"}}, profile: p, wantErr: ErrIncomplete},
		{name: "retinol with vitamin C in a clear jar", changes: Selection{"actives": {"retinol", "vitamin_c"}}, profile: p,
			wantErr: ErrConflict, conflict: "Retinol and vitamin C"},
		{name: "retinol alone needs opaque container", changes: Selection{"actives": {"retinol"}}, profile: p,
			wantErr: ErrConflict, conflict: "oxidises in an open jar",
			keepCheck: func(t *testing.T, s Selection) {
				if !slices.Equal(s["actives"], []string{"retinol"}) || slices.Equal(s["bottle"], []string{"jar"}) {
					t.Fatalf("suggestion %v", s)
				}
			}},
		{name: "pregnant shopper asks for retinol", changes: Selection{"actives": {"retinol"}},
			profile: Profile{Flags: map[string]bool{"pregnant": true}, Evidence: map[string]string{"flag.pregnant": "you told us you're expecting"}},
			wantErr: ErrConflict, conflict: "you told us you're expecting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := l.Customize(start.Selection(), tt.changes, tt.profile)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				for dim, opts := range tt.changes {
					if !slices.Equal(got.Selection()[dim], opts) {
						t.Fatalf("%s = %v", dim, got.Selection()[dim])
					}
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			var ce *ConflictError
			if !errors.As(err, &ce) {
				return
			}
			msgs := ""
			for _, c := range ce.Conflicts {
				msgs += c.Message + "\n"
			}
			if !strings.Contains(msgs, tt.conflict) {
				t.Fatalf("conflicts %q lack %q", msgs, tt.conflict)
			}
			if tt.keepCheck != nil {
				if ce.Suggestion == nil {
					t.Fatal("no suggestion")
				}
				tt.keepCheck(t, ce.Suggestion.Selection())
			}
		})
	}
}

func TestNearestChangesFewest(t *testing.T) {
	c := mustDefault(t)
	l, _ := c.Line("serum")
	start, _ := l.Best(Profile{Concerns: map[string]float64{"dehydration": 1}})
	// Asking for a 100 ml refill with the dropper cap breaks "dropper ≤ 50 ml"; the nearest
	// fix changes only the cap (to the screw refill cap).
	_, err := l.Customize(start.Selection(), Selection{"size": {"ml100"}}, Profile{})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Suggestion == nil {
		t.Fatalf("want conflict with suggestion, got %v", err)
	}
	before, after := start.Selection(), ce.Suggestion.Selection()
	changed := 0
	for dim := range before {
		if !slices.Equal(before[dim], after[dim]) {
			changed++
		}
	}
	if changed != 2 || after["cap"][0] != "screw" {
		t.Fatalf("suggestion changed %d dimensions: %v", changed, after)
	}
}

func TestAvailabilityExplains(t *testing.T) {
	c := mustDefault(t)
	l, _ := c.Line("serum")
	sel := Selection{"base": {"water"}, "actives": {"retinol"}, "strength": {"standard"}, "fragrance": {"unscented"},
		"size": {"ml30"}, "bottle": {"airless"}, "cap": {"pump"}, "colour": {"clear"}, "label": {"classic"}}
	av, err := l.Availability(sel, Profile{Flags: map[string]bool{"fragrance_free": true}})
	if err != nil {
		t.Fatal(err)
	}
	find := func(dim, opt string) OptionAvailability {
		for _, d := range av {
			for _, o := range d.Options {
				if d.Dimension == dim && o.Option == opt {
					return o
				}
			}
		}
		t.Fatalf("%s.%s missing", dim, opt)
		return OptionAvailability{}
	}
	tests := []struct {
		dim, opt  string
		available bool
		reason    string
	}{
		{"actives", "niacinamide", true, ""},
		{"actives", "vitamin_c", false, "Retinol and vitamin C"},
		{"actives", "salicylic_acid", false, "Retinol with salicylic acid"},
		{"fragrance", "neroli", false, "you asked for no added fragrance"},
		{"cap", "dropper", false, "pipette dropper fits the glass dropper bottle"},
		{"cap", "screw", false, "screw cap is for the 100 ml refill"},
		{"size", "ml100", true, ""},
		{"colour", "sage", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.dim+"."+tt.opt, func(t *testing.T) {
			o := find(tt.dim, tt.opt)
			if o.Available != tt.available {
				t.Fatalf("available %v, reasons %v", o.Available, o.Reasons)
			}
			if tt.reason != "" && !strings.Contains(strings.Join(o.Reasons, "|"), tt.reason) {
				t.Fatalf("reasons %v lack %q", o.Reasons, tt.reason)
			}
		})
	}
}
