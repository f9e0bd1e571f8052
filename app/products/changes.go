package products

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"atelier/app/web"
	"atelier/catalog"
)

// Form field names of the Customise form: each dimension's radios or checkboxes are named
// fieldPrefix+dimension; fieldDims lists every dimension on the form (so unticking every
// checkbox of a pick dimension reads as "none" rather than "unchanged"); fieldOnly is the
// "Choose it anyway" button of a greyed-out option, dimension:option.
const (
	fieldPrefix = "c."
	fieldDims   = "dims"
	fieldOnly   = "only"
)

// formChanges reads the Customise form against the current selection: only dimensions whose
// choice differs become changes, so the nearest valid product on a conflict keeps what the
// shopper actually changed. The "Choose it anyway" button asks for that one option alone (for a
// pick dimension: added to the current picks).
func formChanges(form url.Values, current catalog.Selection, pick map[string]bool) catalog.Selection {
	if only := form.Get(fieldOnly); only != "" {
		dim, opt, _ := strings.Cut(only, ":")
		if pick[dim] {
			picks := current[dim]
			if !slices.Contains(picks, opt) {
				picks = append(slices.Clone(picks), opt)
			}
			return catalog.Selection{dim: picks}
		}
		return catalog.Selection{dim: {opt}}
	}
	asked := catalog.Selection{}
	for _, dim := range form[fieldDims] {
		asked[dim] = []string{}
	}
	for k, v := range form {
		if dim, ok := strings.CutPrefix(k, fieldPrefix); ok {
			asked[dim] = v
		}
	}
	changes := catalog.Selection{}
	for dim, v := range asked {
		if !sameSet(v, current[dim]) {
			changes[dim] = v
		}
	}
	return changes
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	return slices.Equal(a, b)
}

// customizeRequest is the body of POST /api/v1/products/{code}/customize.
type customizeRequest struct {
	// Changes maps a dimension to its new option (a string) or its new set of picks (a list).
	Changes map[string]json.RawMessage `json:"changes"`
}

// selection reads the changes, each an option id or a list of them; anything else is a 422
// naming the dimension.
func (r customizeRequest) selection() (catalog.Selection, error) {
	if len(r.Changes) == 0 {
		return nil, web.Invalid("Send at least one change, e.g. {\"changes\": {\"fragrance\": \"unscented\"}}.",
			map[string]string{"changes": "at least one change is needed"})
	}
	sel := catalog.Selection{}
	for dim, raw := range r.Changes {
		var one string
		if string(raw) != "null" && json.Unmarshal(raw, &one) == nil {
			sel[dim] = []string{one}
			continue
		}
		var many []string
		if err := json.Unmarshal(raw, &many); err != nil || many == nil {
			msg := "must be an option id or a list of option ids"
			return nil, web.Invalid("The change to "+dim+" "+msg+".", map[string]string{dim: msg})
		}
		sel[dim] = many
	}
	return sel, nil
}
