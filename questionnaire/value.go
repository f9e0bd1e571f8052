package questionnaire

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalise checks raw against the question and returns the value to store. raw may be what a
// JSON decoder or an HTML form produces: string, float64, json.Number, int, []string or []any.
func (q *Question) normalise(raw any) (any, error) {
	if isEmpty(raw) && q.Kind != KindMulti {
		if q.Required {
			return nil, answerErr(q.ID, "Please answer this question.")
		}
		return nil, nil
	}
	switch q.Kind {
	case KindSingle:
		s, ok := raw.(string)
		if !ok {
			return nil, answerErr(q.ID, "Please choose one of the options.")
		}
		s = strings.TrimSpace(s)
		if q.Option(s) == nil {
			return nil, answerErr(q.ID, "Please choose one of the options.")
		}
		return s, nil
	case KindMulti:
		return q.normaliseMulti(raw)
	case KindScale, KindNumber:
		return q.normaliseNumber(raw)
	case KindText:
		return q.normaliseText(raw)
	case KindLocation:
		s, ok := raw.(string)
		if !ok {
			return nil, answerErr(q.ID, "Please pick a climate or enter a postal code.")
		}
		if v, ok := q.location(s); ok {
			return v, nil
		}
		return nil, answerErr(q.ID, "We could not place that postal code (we know US ZIP codes, Canadian and UK postcodes). Please pick the climate closest to yours instead.")
	}
	return nil, answerErr(q.ID, "This question cannot be answered.")
}

func isEmpty(raw any) bool {
	switch x := raw.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []string:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

func (q *Question) normaliseMulti(raw any) (any, error) {
	var picked []string
	switch x := raw.(type) {
	case nil:
	case string:
		picked = []string{x}
	case []string:
		picked = x
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, answerErr(q.ID, "Please choose from the options.")
			}
			picked = append(picked, s)
		}
	default:
		return nil, answerErr(q.ID, "Please choose from the options.")
	}
	if len(picked) > len(q.Options) {
		return nil, answerErr(q.ID, "Please choose at most %d.", int(*q.Max))
	}
	seen := make([]bool, len(q.Options))
	n := 0
	for _, s := range picked {
		i, ok := q.optIndex[strings.TrimSpace(s)]
		if !ok {
			return nil, answerErr(q.ID, "Please choose from the options.")
		}
		if !seen[i] {
			seen[i] = true
			n++
		}
	}
	if n == 0 && !q.Required {
		return []string{}, nil
	}
	if min := int(*q.Min); n < min {
		if min == 1 {
			return nil, answerErr(q.ID, "Please choose at least one.")
		}
		return nil, answerErr(q.ID, "Please choose at least %d.", min)
	}
	if max := int(*q.Max); n > max {
		if max == 1 {
			return nil, answerErr(q.ID, "Please choose only one.")
		}
		return nil, answerErr(q.ID, "Please choose at most %d.", max)
	}
	out := make([]string, 0, n)
	for i, ok := range seen {
		if ok {
			out = append(out, q.Options[i].Value)
		}
	}
	return out, nil
}

func (q *Question) normaliseNumber(raw any) (any, error) {
	var f float64
	switch x := raw.(type) {
	case float64:
		f = x
	case int:
		f = float64(x)
	case json.Number:
		v, err := x.Float64()
		if err != nil {
			return nil, answerErr(q.ID, "Please enter a number.")
		}
		f = v
	case string:
		v, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return nil, answerErr(q.ID, "Please enter a number.")
		}
		f = v
	default:
		return nil, answerErr(q.ID, "Please enter a number.")
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, answerErr(q.ID, "Please enter a number.")
	}
	if q.Min != nil && f < *q.Min || q.Max != nil && f > *q.Max {
		switch {
		case q.Min != nil && q.Max != nil:
			return nil, answerErr(q.ID, "Please enter a number from %s to %s.", fmtNum(*q.Min), fmtNum(*q.Max))
		case q.Min != nil:
			return nil, answerErr(q.ID, "Please enter a number of at least %s.", fmtNum(*q.Min))
		default:
			return nil, answerErr(q.ID, "Please enter a number of at most %s.", fmtNum(*q.Max))
		}
	}
	if q.Step != nil && *q.Step > 0 {
		base := 0.0
		if q.Min != nil {
			base = *q.Min
		}
		steps := (f - base) / *q.Step
		if math.Abs(steps-math.Round(steps)) > 1e-9 {
			return nil, answerErr(q.ID, "Please enter a number in steps of %s.", fmtNum(*q.Step))
		}
	}
	return f, nil
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (q *Question) normaliseText(raw any) (any, error) {
	s, ok := raw.(string)
	if !ok {
		return nil, answerErr(q.ID, "Please type your answer.")
	}
	if !utf8.ValidString(s) {
		return nil, answerErr(q.ID, "Please use ordinary letters.")
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			return nil, answerErr(q.ID, "Please use ordinary letters, without line breaks or control characters.")
		}
	}
	s = strings.Join(strings.Fields(s), " ") // trim, and collapse runs of spaces
	if s == "" {
		if q.Required {
			return nil, answerErr(q.ID, "Please answer this question.")
		}
		return nil, nil
	}
	if n := utf8.RuneCountInString(s); q.MaxLength > 0 && n > q.MaxLength {
		return nil, answerErr(q.ID, "Please keep it to %d characters (this is %d).", q.MaxLength, n)
	}
	return s, nil
}

// fits reports whether a stored value is a usable answer to q. It is the cheap check the engine
// runs on every step (stored answers may come from an older definition); Answer runs the full
// check before storing.
func (q *Question) fits(v any) bool {
	if v == nil {
		return !q.Required
	}
	switch q.Kind {
	case KindSingle:
		s, ok := v.(string)
		return ok && q.Option(s) != nil
	case KindMulti:
		list, ok := v.([]string)
		if !ok || len(list) > len(q.Options) || len(list) < int(*q.Min) && (q.Required || len(list) > 0) || len(list) > int(*q.Max) {
			return false
		}
		for _, s := range list {
			if q.Option(s) == nil {
				return false
			}
		}
		return true
	case KindScale, KindNumber:
		f, ok := v.(float64)
		return ok && (q.Min == nil || f >= *q.Min) && (q.Max == nil || f <= *q.Max)
	case KindText:
		s, ok := v.(string)
		return ok && (q.MaxLength == 0 || utf8.RuneCountInString(s) <= q.MaxLength)
	case KindLocation:
		s, ok := v.(string)
		if !ok {
			return false
		}
		o, _ := q.climateOption(s)
		return o != nil
	}
	return false
}
