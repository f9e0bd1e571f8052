package staff

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/catalog"
	"atelier/fulfillment"
)

// jobView is the batch sheet page.
type jobView struct {
	web.Page
	Sheet     *fulfillment.BatchSheet
	Phases    []phase
	Packaging catalog.Packaging
	SizeML    int
	Preview   template.URL
	Allowed   []string
	Audit     []fulfillment.AuditEntry
	QC        []string
	MineLive  bool // the viewer holds the live claim
	Claimable bool
	Workers   []Member // who an admin may give the job to (active fulfillment staff and admins)
	Errors    map[string]string
	Tried     fulfillment.JobTransition
}

// phase is one mixing phase of the formula with its ingredients and what to do.
type phase struct {
	Name string
	Note string
	Rows []sheetRow
}

// sheetRow is one ingredient with its share and weights.
type sheetRow struct {
	catalog.FormulaRow
	GramsUnit  string // grams for one unit of SizeML
	GramsBatch string // grams for all units of the line
}

// phaseNotes are the mixing steps by phase, as the catalog assigns them (A water, B oil and
// texture, C cool-down).
var phaseNotes = map[string]string{
	"A": "Water phase: weigh into the main vessel; disperse gums before heating; heat to 70–75 °C while stirring.",
	"B": "Oil and texture phase: weigh separately, heat to 70–75 °C, add to phase A under high shear for 3–5 minutes.",
	"C": "Cool-down phase: below 40 °C, add one ingredient at a time with gentle stirring; check pH (4.5–6.0) last.",
}

// qcChecklist is printed with every sheet.
var qcChecklist = []string{
	"Weights checked against the sheet (±1 %), balance calibrated today",
	"Appearance, colour and odour match the standard",
	"pH within 4.5–6.0",
	"No separation after 10 minutes' rest",
	"Container, cap and colour match the packaging spec",
	"Label printed with the customer's name and product name, straight and legible",
	"Fill weight checked; cap torqued; tamper seal applied",
	"Batch number and date written on the base",
}

// openJob lists the job states still in the production queue (claimable, reassignable).
var openJob = []string{fulfillment.JobQueued, fulfillment.JobCompounding, fulfillment.JobQualityCheck, fulfillment.JobPacked}

// canProduce reports whether m may be given production work.
func canProduce(m *Member) bool {
	return !m.Disabled && (m.Role == fulfillment.RoleFulfillment || m.Role == fulfillment.RoleAdmin)
}

// sheetView gathers everything the batch sheet shows for job id.
func (h *Handlers) sheetView(c echo.Context, id uint) (*jobView, error) {
	sheet, err := h.ful.BatchSheet(ctx(c), id)
	if err != nil {
		return nil, err
	}
	audit, err := h.ful.AuditFor(ctx(c), fmt.Sprintf("job:%d", id))
	if err != nil {
		return nil, err
	}
	pkg := parsePackaging(sheet.Item.Packaging)
	size := pkg.SizeML
	if size == 0 {
		size = sizeFromLabel(sheet.Item.SizeLabel)
	}
	j, me, now := sheet.Job, MemberOf(c), h.env.Now()
	live := j.ClaimedBy != nil && j.LeaseUntil != nil && now.Before(*j.LeaseUntil)
	v := &jobView{Sheet: sheet, Packaging: pkg, SizeML: size, Audit: audit, QC: qcChecklist,
		Allowed:   fulfillment.AllowedJobTransitions(j.Status, j.HoldFrom),
		Phases:    phases(parseFormula(sheet.Item.Formula), size, sheet.Units),
		Preview:   previewURL(sheet.Item),
		MineLive:  live && *j.ClaimedBy == me.ID,
		Claimable: !live && contains(openJob, j.Status),
	}
	if me.Role == fulfillment.RoleAdmin && contains(openJob, j.Status) {
		if v.Workers, err = h.teamWhere(c, canProduce); err != nil {
			return nil, err
		}
	}
	v.Title = fmt.Sprintf("Batch sheet · job %d", id)
	return v, nil
}

// parseFormula reads an item's formula snapshot: a list of rows, or an object holding them
// under "formula" or "rows".
func parseFormula(raw fulfillment.JSONText) []catalog.FormulaRow {
	var rows []catalog.FormulaRow
	if json.Unmarshal([]byte(raw), &rows) == nil {
		return rows
	}
	var wrapped struct {
		Formula []catalog.FormulaRow `json:"formula"`
		Rows    []catalog.FormulaRow `json:"rows"`
	}
	if json.Unmarshal([]byte(raw), &wrapped) == nil {
		if len(wrapped.Formula) > 0 {
			return wrapped.Formula
		}
		return wrapped.Rows
	}
	return nil
}

// parsePackaging reads an item's packaging snapshot, bare or under "packaging".
func parsePackaging(raw fulfillment.JSONText) catalog.Packaging {
	var wrapped struct {
		Packaging *catalog.Packaging `json:"packaging"`
	}
	if json.Unmarshal([]byte(raw), &wrapped) == nil && wrapped.Packaging != nil {
		return *wrapped.Packaging
	}
	var p catalog.Packaging
	_ = json.Unmarshal([]byte(raw), &p)
	return p
}

var mlPattern = regexp.MustCompile(`(\d+)\s*ml`)

func sizeFromLabel(label string) int {
	if m := mlPattern.FindStringSubmatch(label); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// phases groups rows by phase, in mixing order (A, B, C…, whatever order the snapshot lists
// them in; rows keep theirs within a phase), with grams: % w/w × size in ml, taking 1 ml ≈ 1 g,
// for one unit and for all units of the line.
func phases(rows []catalog.FormulaRow, sizeML, units int) []phase {
	var out []phase
	index := map[string]int{}
	for _, r := range rows {
		i, ok := index[r.Phase]
		if !ok {
			i = len(out)
			index[r.Phase] = i
			out = append(out, phase{Name: r.Phase, Note: phaseNotes[r.Phase]})
		}
		out[i].Rows = append(out[i].Rows, sheetRow{FormulaRow: r,
			GramsUnit: grams(int64(r.Percent), sizeML), GramsBatch: grams(int64(r.Percent), sizeML*max(units, 1))})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// grams renders bp basis points of total grams with two decimals.
func grams(bp int64, total int) string {
	cg := (bp*int64(total) + 50) / 100 // centigrams
	return fmt.Sprintf("%d.%02d", cg/100, cg%100)
}

// previewURL is the bottle picture: the SVG frozen on the order line as a data: URL (an
// <img> never runs anything inside an SVG), else the product preview endpoint by code.
func previewURL(item fulfillment.OrderItem) template.URL {
	if item.PreviewSVG != "" {
		return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(item.PreviewSVG)))
	}
	if item.Code == "" {
		return ""
	}
	return template.URL("/api/v1/products/" + url.PathEscape(item.Code) + "/preview.svg")
}
