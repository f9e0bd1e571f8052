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

// TestHardReasonsOncePerOption: retinol carries two tags that the pregnant flag excludes
// (retinoid, not_pregnancy_safe); the shopper reads why it is left out once, not twice.
func TestHardReasonsOncePerOption(t *testing.T) {
	c := mustDefault(t)
	for _, p := range []Profile{
		{Flags: map[string]bool{"pregnant": true}, Evidence: map[string]string{"flag.pregnant": "you are pregnant or nursing"}},
		{Flags: map[string]bool{"pregnant": true}},
	} {
		for _, l := range c.lines {
			prod, err := l.Best(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range prod.Choices {
				if dup := repeated(ch.Reasons, ""); dup != "" {
					t.Errorf("%s %s: reason %q appears twice in %q", l.id, ch.Dimension, dup, ch.Reasons)
				}
				if dup := repeated(ch.Reasons, "Retinol"); dup != "" {
					t.Errorf("%s %s: Retinol is explained twice: %q", l.id, ch.Dimension, ch.Reasons)
				}
			}
			av, err := l.Availability(prod.Selection(), p)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range av {
				for _, o := range d.Options {
					if o.Option == "retinol" && len(o.Reasons) != 1 {
						t.Errorf("%s: retinol greyed out with %q, want one reason", l.id, o.Reasons)
					}
				}
			}
			if l.byDim["actives"] == nil || l.byDim["actives"].byID["retinol"] == nil {
				continue
			}
			_, err = l.Customize(prod.Selection(), Selection{"actives": {"retinol"}}, p)
			var ce *ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("%s: adding retinol while pregnant: %v", l.id, err)
			}
			n := 0
			for _, cf := range ce.Conflicts {
				if slices.Equal(cf.Options, []string{"retinol"}) && strings.HasPrefix(cf.Message, "Retinol: ") {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s: retinol named in %d conflicts: %+v", l.id, n, ce.Conflicts)
			}
		}
	}
}

// repeated returns the first string that occurs twice in list among those containing sub
// ("" for any), where for sub != "" each string counts once per line it mentions sub.
func repeated(list []string, sub string) string {
	seen := map[string]bool{}
	for _, s := range list {
		key := s
		if sub != "" {
			if !strings.Contains(s, sub) {
				continue
			}
			key = sub
		}
		if seen[key] {
			return s
		}
		seen[key] = true
	}
	return ""
}
