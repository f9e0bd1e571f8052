package questionnaire

import "sort"

// TraitVocabulary lists the categorical trait keys of docs/PROFILE.md and the values each may
// take. A quiz definition may only use these keys and values: a typo such as "hair_tpye" would
// otherwise reach the generator as a silent "no preference". Adding a key means adding it here
// and in the catalog, as PROFILE.md asks.
var TraitVocabulary = map[string][]string{
	"lines":          {"shampoo", "conditioner", "hair_mask", "cleanser", "moisturiser", "serum", "tint", "lip_colour", "fragrance"},
	"focus":          {"hair", "skin"},
	"hair_type":      {"straight", "wavy", "curly", "coily"},
	"curl_pattern":   {"loose", "defined", "tight"},
	"hair_thickness": {"fine", "medium", "thick"},
	"scalp":          {"oily", "balanced", "dry"},
	"hair_goal":      {"moisture", "volume", "smoothness", "strength", "shine", "curl_definition", "colour_care", "scalp_care"},
	"skin_type":      {"dry", "normal", "combination", "oily"},
	"sensitivity":    {"low", "medium", "high"},
	"skin_goal":      {"hydration", "clarity", "radiance", "firmness", "even_tone", "calm"},
	"age_range":      {"under_25", "25_34", "35_44", "45_54", "55_plus"},
	"climate":        {"humid", "dry", "temperate", "cold"},
	"fragrance":      {"unscented", "citrus", "floral", "woody", "fresh", "sweet"},
	"texture":        {"light", "medium", "rich"},
	"colour":         {"blush", "sage", "sky", "sand", "charcoal", "clear"},
	"budget":         {"value", "standard", "premium"},
}

// FlagVocabulary lists the yes/no flags of docs/PROFILE.md.
var FlagVocabulary = []string{"fragrance_free", "vegan", "pregnant", "colour_treated", "silicone_free", "nut_allergy"}

// ConcernVocabulary lists the concern keys of docs/PROFILE.md (hair first, then skin).
var ConcernVocabulary = []string{
	"dryness", "frizz", "breakage", "oiliness", "dandruff", "flatness", "colour_fade",
	"curl_definition", "thinning", "split_ends",
	"acne", "dullness", "fine_lines", "dark_spots", "redness", "dehydration", "pores",
	"uneven_texture", "dark_circles",
}

func knownTrait(key, value string) (keyOK, valueOK bool) {
	values, ok := TraitVocabulary[key]
	if !ok {
		return false, false
	}
	return true, contains(values, value)
}

func knownFlag(key string) bool    { return contains(FlagVocabulary, key) }
func knownConcern(key string) bool { return contains(ConcernVocabulary, key) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
