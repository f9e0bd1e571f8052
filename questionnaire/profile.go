package questionnaire

import (
	"sort"
	"strings"
)

// Profile is what the quiz learned about the shopper. It is the contract of docs/PROFILE.md:
// the catalog package declares the identical struct, and the app converts one to the other.
type Profile struct {
	Name     string              `json:"name"`     // printed on the label; may be ""
	Traits   map[string][]string `json:"traits"`   // categorical traits, possibly multi-valued
	Flags    map[string]bool     `json:"flags"`    // yes/no facts
	Concerns map[string]float64  `json:"concerns"` // concern weights, each clamped to [0, 1]
	Evidence map[string]string   `json:"evidence"` // why: key -> the answer in the shopper's words
}

// profile copies the environment's effects into a fresh Profile. Maps are presized from the
// quiz and all trait values share one backing array, so the number of allocations is the same
// however many questions were answered.
func (q *Quiz) profile(e *env) Profile {
	p := Profile{
		Name:     e.name,
		Traits:   make(map[string][]string, q.traitKeys),
		Flags:    make(map[string]bool, q.flagKeys),
		Concerns: make(map[string]float64, q.concernKeys),
		Evidence: make(map[string]string, q.evidenceKeys),
	}
	n := 0
	for _, v := range e.Traits {
		n += len(*v)
	}
	if n > 0 {
		arena := make([]string, 0, n)
		for k, list := range e.Traits {
			v := *list
			if len(v) == 0 {
				continue
			}
			start := len(arena)
			arena = append(arena, v...)
			p.Traits[k] = arena[start:len(arena):len(arena)] // capped: appending copies
		}
	}
	for k, v := range e.Flags {
		p.Flags[k] = v
	}
	for k, v := range e.Concerns {
		if w := clamp01(v); w > 0 {
			p.Concerns[k] = w
		}
	}
	for k, v := range e.evidence {
		p.Evidence[k] = v
	}
	return p
}

// Trait returns the first value of a trait, or "".
func (p Profile) Trait(key string) string {
	if v := p.Traits[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

var hairConcerns = []string{"dryness", "frizz", "breakage", "oiliness", "dandruff", "flatness", "colour_fade", "curl_definition", "thinning", "split_ends"}

// words spells vocabulary values the way a person says them.
var words = map[string]string{
	"under_25": "under 25", "25_34": "25–34", "35_44": "35–44", "45_54": "45–54", "55_plus": "55 or over",
	"hair_mask": "hair mask", "moisturiser": "moisturiser", "lip_colour": "lip colour",
	"curl_definition": "curl definition", "colour_care": "colour care", "scalp_care": "scalp care",
	"even_tone": "even tone", "colour_fade": "colour fading", "split_ends": "split ends",
	"fine_lines": "fine lines", "dark_spots": "dark spots", "uneven_texture": "uneven texture",
	"dark_circles": "dark circles", "fragrance_free": "fragrance-free", "silicone_free": "silicone-free",
	"nut_allergy": "nut-free (allergy)", "colour_treated": "colour-treated hair", "pregnant": "pregnancy-safe",
	"vegan": "vegan", "unscented": "unscented",
}

func word(s string) string {
	if w, ok := words[s]; ok {
		return w
	}
	return strings.ReplaceAll(s, "_", " ")
}

func wordList(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = word(s)
	}
	return strings.Join(out, ", ")
}

// Summary describes the profile in plain words, one line per topic, for the result page, e.g.
// "Your hair: curly (loose curls), fine, oily scalp". Topics without answers are left out.
func (p Profile) Summary() []string {
	var lines []string
	add := func(label string, parts ...string) {
		var kept []string
		for _, s := range parts {
			if s != "" {
				kept = append(kept, s)
			}
		}
		if len(kept) > 0 {
			lines = append(lines, label+": "+strings.Join(kept, ", "))
		}
	}
	if p.Name != "" {
		add("Your label will read", p.Name)
	}
	add("You would like", wordList(p.Traits["lines"]))
	hairType := word(p.Trait("hair_type"))
	if c := p.Trait("curl_pattern"); c != "" {
		hairType += " (" + word(c) + " curls)"
	}
	scalp := ""
	if s := p.Trait("scalp"); s != "" {
		scalp = word(s) + " scalp"
	}
	add("Your hair", hairType, word(p.Trait("hair_thickness")), scalp, flagWord(p.Flags["colour_treated"], "colour-treated"))
	hair, skin := p.concernsByArea()
	add("Your hair concerns", wordList(hair))
	add("Your hair goals", wordList(p.Traits["hair_goal"]))
	sens := ""
	if s := p.Trait("sensitivity"); s != "" {
		sens = word(s) + " sensitivity"
	}
	add("Your skin", word(p.Trait("skin_type")), sens)
	add("Your skin concerns", wordList(skin))
	add("Your skin goals", wordList(p.Traits["skin_goal"]))
	if a := p.Trait("age_range"); a != "" {
		add("Your age", word(a))
	}
	add("Your climate", word(p.Trait("climate")))
	add("Scent", wordList(p.Traits["fragrance"]))
	add("Texture", word(p.Trait("texture")))
	add("Bottle colour", word(p.Trait("colour")))
	add("Budget", word(p.Trait("budget")))
	var asked []string
	for _, f := range []string{"fragrance_free", "vegan", "silicone_free", "nut_allergy", "pregnant"} {
		if p.Flags[f] {
			asked = append(asked, word(f))
		}
	}
	add("You asked for", asked...)
	return lines
}

func flagWord(on bool, w string) string {
	if on {
		return w
	}
	return ""
}

// concernsByArea splits concerns into hair and skin, strongest first.
func (p Profile) concernsByArea() (hair, skin []string) {
	keys := sortedKeys(p.Concerns)
	sort.SliceStable(keys, func(i, j int) bool { return p.Concerns[keys[i]] > p.Concerns[keys[j]] })
	for _, k := range keys {
		if p.Concerns[k] < 0.2 {
			continue // too faint to mention
		}
		if contains(hairConcerns, k) {
			hair = append(hair, k)
		} else {
			skin = append(skin, k)
		}
	}
	return hair, skin
}
