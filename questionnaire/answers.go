package questionnaire

import (
	"encoding/json"
	"math"
)

// Answers maps a question id to its answer. Values are normalised to exactly these types:
//
//   - string for single, text and location answers (an option value or a postal code);
//   - []string for multi answers (option values, in the order the options are listed);
//   - float64 for scale and number answers;
//   - nil for an optional question the person skipped.
//
// Answers marshals to a JSON object and unmarshals back into the same types (JSON numbers become
// float64, lists []string), so it can be stored as a JSON text column. The engine never modifies
// an Answers it is given; Answer returns a new one.
type Answers map[string]any

// UnmarshalJSON decodes a JSON object and normalises its values (see Answers). Values of other
// types (booleans, objects, lists of non-strings) are dropped: the engine would treat them as
// unanswered anyway.
func (a *Answers) UnmarshalJSON(data []byte) error {
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := make(Answers, len(raw))
	for k, v := range raw {
		if nv, ok := normaliseStored(v); ok {
			out[k] = nv
		}
	}
	*a = out
	return nil
}

// Clone returns a shallow copy (list values are shared; they are never modified in place).
func (a Answers) Clone() Answers {
	out := make(Answers, len(a)+1)
	for k, v := range a {
		out[k] = v
	}
	return out
}

// normaliseStored converts a decoded JSON value to one of the Answers value types.
func normaliseStored(v any) (any, bool) {
	switch x := v.(type) {
	case nil, string:
		return x, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false
		}
		return x, true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case []string:
		return x, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}
