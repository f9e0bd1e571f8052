package questionnaire

import (
	"fmt"
	"strconv"
	"strings"
)

// Describe writes an answer to q in the shopper's words: option labels rather than values,
// numbers with their unit, "Skipped" for a skipped optional question and "None" for an empty
// pick. Pages that list a person's answers (the result page, my account) use it.
func (q *Question) Describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "Skipped"
	case string:
		if o := q.Option(x); o != nil {
			return o.Label
		}
		return x
	case []string:
		if len(x) == 0 {
			return "None"
		}
		labels := make([]string, 0, len(x))
		for _, s := range x {
			if o := q.Option(s); o != nil {
				labels = append(labels, o.Label)
			}
		}
		return strings.Join(labels, ", ")
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if q.Unit != "" {
			s += " " + q.Unit
		}
		return s
	}
	return fmt.Sprint(v)
}
