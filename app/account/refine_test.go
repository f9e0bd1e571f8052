package account_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"atelier/app/account"
	"atelier/catalog"
)

// product returns a valid product of line with the given choices (nearest valid otherwise).
func product(t *testing.T, line *catalog.Line, want catalog.Selection) catalog.Product {
	t.Helper()
	best, err := line.Best(catalog.Profile{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := line.Customize(best.Selection(), want, catalog.Profile{})
	var ce *catalog.ConflictError
	if errors.As(err, &ce) && ce.Suggestion != nil {
		p, err = *ce.Suggestion, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	for dim, opts := range want {
		if !slices.Equal(p.Selection()[dim], opts) {
			t.Fatalf("could not build %s with %s=%v: got %v", line.ID(), dim, opts, p.Selection()[dim])
		}
	}
	return p
}

func TestRefine(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	line := func(id string) *catalog.Line {
		l, err := cat.Line(id)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	tests := []struct {
		name  string
		line  string
		start catalog.Selection
		fb    account.Feedback
		// want: dimension → options it must end with (nil = dimension must be unchanged)
		want      catalog.Selection
		unchanged []string
		// absent: an option id that must not be in the dimension afterwards
		absent map[string]string
		reason map[string]string // dimension → a word its reason must contain
	}{
		{name: "too heavy rich cream → lotion", line: "moisturiser",
			start: catalog.Selection{"base": {"rich_cream"}}, fb: account.Feedback{Rating: 3, Texture: account.TextureTooHeavy},
			want: catalog.Selection{"base": {"lotion"}}, reason: map[string]string{"base": "too heavy"}},
		{name: "too light gel cream → lotion", line: "moisturiser",
			start: catalog.Selection{"base": {"gel_cream"}}, fb: account.Feedback{Rating: 3, Texture: account.TextureTooLight},
			want: catalog.Selection{"base": {"lotion"}}, reason: map[string]string{"base": "richer"}},
		{name: "too heavy shampoo lather", line: "shampoo",
			start: catalog.Selection{"texture": {"rich"}}, fb: account.Feedback{Rating: 4, Texture: account.TextureTooHeavy},
			want: catalog.Selection{"texture": {"creamy"}}},
		{name: "lightest texture stays", line: "moisturiser",
			start: catalog.Selection{"base": {"gel_cream"}}, fb: account.Feedback{Rating: 3, Texture: account.TextureTooHeavy},
			unchanged: []string{"base"}},
		{name: "irritation removes retinol and lowers strength", line: "serum",
			start: catalog.Selection{"actives": {"niacinamide", "retinol"}, "strength": {"standard"}},
			fb:    account.Feedback{Rating: 2, Irritation: true},
			want:  catalog.Selection{"strength": {"gentle"}}, absent: map[string]string{"actives": "retinol"},
			reason: map[string]string{"actives": "irritation", "strength": "kinder"}},
		{name: "irritation at gentle strength with no suspect", line: "moisturiser",
			start: catalog.Selection{"actives": {"ceramide"}, "strength": {"gentle"}},
			fb:    account.Feedback{Rating: 2, Irritation: true}, unchanged: []string{"actives", "strength"}},
		{name: "scent too strong → unscented", line: "shampoo",
			start: catalog.Selection{"fragrance": {"rose_petal"}}, fb: account.Feedback{Rating: 4, Scent: account.ScentTooStrong},
			want: catalog.Selection{"fragrance": {"unscented"}}, reason: map[string]string{"fragrance": "scent"}},
		{name: "no results → stronger", line: "serum",
			start: catalog.Selection{"strength": {"standard"}}, fb: account.Feedback{Rating: 3, Results: account.ResultsNone},
			want: catalog.Selection{"strength": {"intense"}}},
		{name: "happy customer → nothing", line: "moisturiser",
			start: catalog.Selection{"base": {"lotion"}}, fb: account.Feedback{Rating: 5, Texture: account.TextureRight, Scent: account.ScentFine, Results: account.ResultsBetter},
			unchanged: []string{"base", "actives", "strength", "fragrance"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := line(tt.line)
			start := product(t, l, tt.start)
			got, changes, err := account.RefineProduct(l, start, tt.fb, catalog.Profile{})
			if err != nil {
				t.Fatal(err)
			}
			sel, was := got.Selection(), start.Selection()
			for dim, opts := range tt.want {
				if !slices.Equal(sel[dim], opts) {
					t.Errorf("%s = %v, want %v (changes %+v)", dim, sel[dim], opts, changes)
				}
			}
			for dim, opt := range tt.absent {
				if slices.Contains(sel[dim], opt) {
					t.Errorf("%s still holds %s", dim, opt)
				}
			}
			for _, dim := range tt.unchanged {
				if !slices.Equal(sel[dim], was[dim]) {
					t.Errorf("%s changed from %v to %v", dim, was[dim], sel[dim])
				}
			}
			byDim := map[string]account.Change{}
			for _, c := range changes {
				if c.Reason == "" || c.From == c.To {
					t.Errorf("change without reason or difference: %+v", c)
				}
				byDim[c.Dimension] = c
			}
			for dim := range tt.want {
				if _, ok := byDim[dim]; !ok {
					t.Errorf("no change listed for %s: %+v", dim, changes)
				}
			}
			for dim, word := range tt.reason {
				if !strings.Contains(strings.ToLower(byDim[dim].Reason), word) {
					t.Errorf("reason for %s = %q, want it to mention %q", dim, byDim[dim].Reason, word)
				}
			}
			if len(tt.want) == 0 && len(tt.absent) == 0 && len(changes) != 0 {
				t.Errorf("unexpected changes %+v", changes)
			}
		})
	}
}

func TestFeedbackValidate(t *testing.T) {
	tests := []struct {
		name  string
		fb    account.Feedback
		field string
	}{
		{"no rating", account.Feedback{}, "rating"},
		{"rating 6", account.Feedback{Rating: 6}, "rating"},
		{"bad texture", account.Feedback{Rating: 3, Texture: "gooey"}, "texture"},
		{"bad scent", account.Feedback{Rating: 3, Scent: "loud"}, "scent"},
		{"bad results", account.Feedback{Rating: 3, Results: "amazing"}, "results"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ve *account.ValidationError
			if err := tt.fb.Validate(); !errors.As(err, &ve) || ve.FieldMap()[tt.field] == "" {
				t.Fatalf("want a %s problem, got %v", tt.field, err)
			}
		})
	}
}
