package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"atelier/catalog/mdd"
)

// MaxLines is the most product lines a catalog may have (one code symbol names a line).
const MaxLines = 32

var (
	idPattern      = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	versionPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$`)
	colourPattern  = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
	yamlLine       = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
)

// Dimension kinds. Pick-k-of-n kinds are actives and boosters; the others are single choice.
var dimensionKinds = map[string]bool{
	"base": true, "strength": true, "fragrance": true, "texture": true, "tint": true,
	"size": true, "bottle": true, "colour": true, "cap": true, "label": true,
	"actives": true, "boosters": true,
}

var pickKinds = map[string]bool{"actives": true, "boosters": true}

// Packaging shapes and caps the preview can draw.
var (
	shapes = map[string]bool{"bottle": true, "pump": true, "jar": true, "dropper": true, "tube": true}
	caps   = map[string]bool{"screw": true, "pump": true, "dropper": true, "flip": true, "lid": true, "disc": true}
)

// defaultProfileRules are the hard rules of docs/PROFILE.md; a catalog may add more.
var defaultProfileRules = []profileRule{
	{flag: "fragrance_free", tag: "fragranced", reason: "you asked for no added fragrance"},
	{flag: "vegan", tag: "non_vegan", reason: "you asked for vegan products"},
	{flag: "pregnant", tag: "retinoid", reason: "retinoids are best avoided while pregnant or nursing"},
	{flag: "pregnant", tag: "not_pregnancy_safe", reason: "it is best avoided while pregnant or nursing"},
	{flag: "silicone_free", tag: "silicone", reason: "you asked for no silicones"},
	{flag: "nut_allergy", tag: "nut", reason: "it is nut-derived and you have a nut allergy"},
}

// loader collects problems while building a Catalog.
type loader struct {
	problems []Problem
}

func (ld *loader) add(line int, path, format string, args ...any) {
	ld.problems = append(ld.problems, Problem{Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
}

func path(parts ...string) string { return strings.Join(parts, " › ") }

// Load parses, validates and compiles a catalog definition (YAML). Every problem found is
// reported at once in a *DefinitionError, each with its place in the file.
func Load(data []byte) (*Catalog, error) {
	ld := &loader{}
	// Parsed once: the definition and its content hash are both decoded from root.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		ld.addYAML(err.Error())
		return nil, &DefinitionError{Problems: ld.problems}
	}
	if root.Kind == 0 {
		ld.add(0, "", "the file is empty")
		return nil, &DefinitionError{Problems: ld.problems}
	}
	var def defCatalog
	if err := root.Decode(&def); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			ld.addYAML(err.Error())
			return nil, &DefinitionError{Problems: ld.problems}
		}
		// Type problems leave the rest decoded: go on to find the others too.
		for _, msg := range te.Errors {
			ld.addYAML(msg)
		}
	}
	c := ld.build(&def)
	if len(ld.problems) > 0 {
		return nil, &DefinitionError{Problems: ld.problems}
	}
	h, err := contentHash(&root)
	if err != nil {
		return nil, err
	}
	c.hash = h
	return c, nil
}

// contentHash hashes the definition as parsed: YAML decoded to plain values (aliases
// expanded), the shared anchors block dropped (its content counts where it is used), the
// version as text, then encoded as JSON, whose maps have sorted keys.
func contentHash(root *yaml.Node) (string, error) {
	var v map[string]any
	if err := root.Decode(&v); err != nil {
		return "", err
	}
	delete(v, "shared")
	v["version"] = fmt.Sprint(v["version"])
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("catalog content hash: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Check loads data and returns its problems, if any (the CLI's "catalog check").
func Check(data []byte) error {
	_, err := Load(data)
	return err
}

func (ld *loader) addYAML(msg string) {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		ld.add(n, "", "%s", m[2])
		return
	}
	ld.add(0, "", "%s", strings.TrimPrefix(msg, "yaml: "))
}

// versionTag is the code symbol (0..31) standing for a catalog version: the number itself
// modulo 32 for numeric versions, a hash otherwise.
func versionTag(v string) int {
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return int(n % 32)
	}
	h := fnv.New32a()
	h.Write([]byte(v))
	return int(h.Sum32() % 32)
}

func (ld *loader) build(def *defCatalog) *Catalog {
	c := &Catalog{version: def.Version.Value, currency: def.Currency, byID: map[string]*Line{}}
	if !versionPattern.MatchString(c.version) {
		ld.add(max(def.Version.Pos, def.Pos), "version", "version must be a number or a short word of letters, digits, '.', '_' or '-' (got %q)", c.version)
	}
	c.tag = versionTag(c.version)
	if c.currency == "" {
		c.currency = "usd"
	}
	if len(c.currency) != 3 || strings.ToLower(c.currency) != c.currency {
		ld.add(def.Pos, "currency", "currency must be a lower-case ISO code such as usd (got %q)", c.currency)
	}
	c.hard = append(c.hard, defaultProfileRules...)
	for _, pr := range def.ProfileRules {
		if !idPattern.MatchString(pr.Flag) || !idPattern.MatchString(pr.ExcludeTag) {
			ld.add(pr.Pos, "profile_rules", "a profile rule needs a flag and an exclude_tag in snake_case")
			continue
		}
		c.hard = append(c.hard, profileRule{flag: pr.Flag, tag: pr.ExcludeTag, reason: pr.Reason})
	}
	if len(def.Lines) == 0 {
		ld.add(def.Pos, "lines", "the catalog has no product lines")
	}
	if len(def.Lines) > MaxLines {
		ld.add(def.Pos, "lines", "at most %d product lines are allowed (got %d)", MaxLines, len(def.Lines))
	}
	c.total = new(big.Int)
	for i := range def.Lines {
		dl := &def.Lines[i]
		if _, dup := c.byID[dl.ID]; dup {
			ld.add(dl.Pos, dl.ID, "duplicate line id %q", dl.ID)
			continue
		}
		l := ld.line(c, i, dl)
		if l == nil {
			continue
		}
		c.byID[l.id] = l
		c.lines = append(c.lines, l)
		c.total.Add(c.total, l.count)
	}
	c.info = c.buildInfo()
	return c
}

func (ld *loader) line(c *Catalog, index int, dl *defLine) *Line {
	before := len(ld.problems)
	lp := dl.ID
	if !idPattern.MatchString(dl.ID) {
		ld.add(dl.Pos, "lines", "line id %q must be snake_case (a-z, 0-9, _)", dl.ID)
		lp = fmt.Sprintf("line %d", index+1)
	}
	l := &Line{cat: c, index: index, id: dl.ID, label: dl.Label, description: dl.Description,
		nameTmpl: dl.Name, focus: dl.Focus, defaultAdj: dl.DefaultAdjective, basePrice: dl.BasePrice,
		qs: dl.QS, byDim: map[string]*dimension{}}
	if l.label == "" {
		l.label = strings.ReplaceAll(dl.ID, "_", " ")
	}
	if l.nameTmpl == "" {
		l.nameTmpl = "{name}'s {adjective} " + l.label
	}
	if l.qs == "" {
		l.qs = "Aqua"
	}
	if dl.BasePrice <= 0 {
		ld.add(dl.Pos, lp, "base_price must be a positive number of cents (got %d)", dl.BasePrice)
	}
	l.fixed = ld.ingredients(dl.Fixed, path(lp, "fixed"), "other")
	if len(dl.Dimensions) == 0 {
		ld.add(dl.Pos, lp, "the line has no dimensions")
		return nil
	}
	nvars := 0
	for i := range dl.Dimensions {
		dd := &dl.Dimensions[i]
		d := ld.dimension(lp, dd)
		if d == nil {
			l.broken = append(l.broken, dd.ID)
			continue
		}
		if _, dup := l.byDim[d.id]; dup {
			ld.add(dd.Pos, path(lp, d.id), "duplicate dimension id %q", d.id)
			continue
		}
		d.firstVar = nvars
		if d.pick {
			for _, o := range d.options {
				l.vars = append(l.vars, varRef{dim: d, opt: o})
			}
			nvars += len(d.options)
			l.rules = append(l.rules, &rule{kind: rulePick, groups: [][]*option{d.options}, n: d.min, max: d.max, dim: d, pos: dd.Pick.Pos})
		} else {
			l.vars = append(l.vars, varRef{dim: d})
			nvars++
		}
		l.byDim[d.id] = d
		l.dims = append(l.dims, d)
		switch d.kind {
		case "strength":
			if l.strengthDim != nil {
				ld.add(dd.Pos, path(lp, d.id), "a line may have only one strength dimension")
			}
			l.strengthDim = d
		case "size":
			if l.sizeDim != nil {
				ld.add(dd.Pos, path(lp, d.id), "a line may have only one size dimension")
			}
			l.sizeDim = d
		}
	}
	for _, id := range dl.AdjectiveFrom {
		if d, ok := l.byDim[id]; ok {
			l.adjFrom = append(l.adjFrom, d)
		} else {
			ld.add(dl.Pos, path(lp, "adjective_from"), "unknown dimension %q", id)
		}
	}
	if len(dl.AdjectiveFrom) == 0 {
		l.adjFrom = l.dims
	}
	for i := range dl.Rules {
		ld.rule(l, lp, &dl.Rules[i])
	}
	if len(ld.problems) > before {
		return nil
	}
	ld.compile(l, lp, dl)
	if len(ld.problems) > before {
		return nil
	}
	return l
}

func (ld *loader) dimension(lp string, dd *defDimension) *dimension {
	if dd.Kind == "" {
		dd.Kind = dd.ID
	}
	if dd.ID == "" {
		dd.ID = dd.Kind
	}
	dp := path(lp, dd.ID)
	ok := true
	if !idPattern.MatchString(dd.ID) {
		ld.add(dd.Pos, lp, "dimension id %q must be snake_case", dd.ID)
		ok = false
	}
	if !dimensionKinds[dd.Kind] {
		ld.add(dd.Pos, dp, "unknown dimension kind %q (known: base, strength, fragrance, texture, tint, size, bottle, colour, cap, label, actives, boosters)", dd.Kind)
		ok = false
	}
	d := &dimension{id: dd.ID, kind: dd.Kind, label: dd.Label, byID: map[string]*option{}, pos: dd.Pos}
	if d.label == "" {
		d.label = strings.ReplaceAll(dd.ID, "_", " ")
	}
	if pickKinds[dd.Kind] {
		if dd.Pick == nil {
			ld.add(dd.Pos, dp, "a %s dimension needs pick: {min, max}", dd.Kind)
			ok = false
		} else {
			d.pick, d.min, d.max = true, dd.Pick.Min, dd.Pick.Max
			if d.min < 0 || d.max < 1 || d.min > d.max || d.max > len(dd.Options) || d.max > mdd.MaxCount {
				ld.add(dd.Pick.Pos, dp, "bad picks: need 0 ≤ min ≤ max ≤ number of options (%d) and max ≥ 1 (got min %d, max %d)", len(dd.Options), d.min, d.max)
				ok = false
			}
		}
	} else if dd.Pick != nil {
		ld.add(dd.Pick.Pos, dp, "only actives and boosters dimensions pick several options")
		ok = false
	}
	if len(dd.Options) == 0 {
		ld.add(dd.Pos, dp, "the dimension has no options")
		ok = false
	}
	role := map[string]string{"base": "base", "actives": "active", "boosters": "booster", "fragrance": "fragrance",
		"texture": "texture", "tint": "colourant"}[dd.Kind]
	for i := range dd.Options {
		do := &dd.Options[i]
		op := path(dp, do.ID)
		if !idPattern.MatchString(do.ID) {
			ld.add(do.Pos, dp, "option id %q must be snake_case", do.ID)
			ok = false
			continue
		}
		if _, dup := d.byID[do.ID]; dup {
			ld.add(do.Pos, op, "duplicate option id %q", do.ID)
			ok = false
			continue
		}
		o := &option{id: do.ID, label: do.Label, description: do.Description, price: do.Price,
			strength: do.Strength, tags: do.Tags, adjective: do.Adjective, dim: d, index: len(d.options), pos: do.Pos}
		if o.label == "" {
			o.label = strings.ReplaceAll(do.ID, "_", " ")
		}
		o.ingredients = ld.ingredients(do.INCI, op, role)
		if d.kind == "actives" {
			for j, in := range o.ingredients {
				if in.maxBP == 0 {
					ld.add(do.INCI[j].Pos, op, "an active needs max: the highest %% allowed for %s", in.inci)
				}
			}
		}
		if d.kind == "strength" {
			if do.Strength < 1 || do.Strength > 300 {
				ld.add(do.Pos, op, "a strength option needs strength: percent of the standard dose, 1 to 300 (got %d)", do.Strength)
			}
		} else if do.Strength != 0 {
			ld.add(do.Pos, op, "strength is only for options of a strength dimension")
		}
		for _, t := range do.Tags {
			if !idPattern.MatchString(t) {
				ld.add(do.Pos, op, "tag %q must be snake_case", t)
			}
		}
		if do.Packaging != nil {
			pk := *do.Packaging
			if pk.Shape != "" && !shapes[pk.Shape] {
				ld.add(pk.Pos, op, "unknown shape %q (known: bottle, pump, jar, dropper, tube)", pk.Shape)
			}
			if pk.Cap != "" && !caps[pk.Cap] {
				ld.add(pk.Pos, op, "unknown cap %q (known: screw, pump, dropper, flip, lid, disc)", pk.Cap)
			}
			if pk.Colour != "" && !colourPattern.MatchString(pk.Colour) {
				ld.add(pk.Pos, op, "colour must be a hex colour like #A1B2C3 (got %q)", pk.Colour)
			}
			if pk.SizeML < 0 || pk.SizeML > 5000 {
				ld.add(pk.Pos, op, "size_ml must be between 1 and 5000")
			}
			o.pack = pk
		}
		if d.kind == "size" && o.pack.SizeML == 0 {
			ld.add(do.Pos, op, "a size option needs packaging: {size_ml: N}")
		}
		for _, dh := range do.Score {
			h, okKey := parseHintKey(dh.When)
			if !okKey {
				ld.add(dh.Pos, op, "score hint %q must look like concern.dryness, flag.vegan or hair_type.curly", dh.When)
				continue
			}
			if math.IsNaN(dh.Weight) || math.Abs(dh.Weight) > 1000 {
				ld.add(dh.Pos, op, "score weight must be between -1000 and 1000")
				continue
			}
			h.weight = int64(math.Round(dh.Weight * 1000))
			h.reason = dh.Reason
			o.hints = append(o.hints, h)
		}
		d.byID[o.id] = o
		d.options = append(d.options, o)
	}
	if !ok {
		return nil
	}
	return d
}

func (ld *loader) ingredients(defs []defIngredient, p, role string) []ingredient {
	out := make([]ingredient, 0, len(defs))
	for _, di := range defs {
		if strings.TrimSpace(di.INCI) == "" {
			ld.add(di.Pos, p, "an ingredient needs its INCI name")
			continue
		}
		if di.Percent == badPercent || di.Max == badPercent {
			ld.add(di.Pos, p, "%s: percent and max must be percentages like 4 or 0.25 (at most two decimals, 0 to 100)", di.INCI)
			continue
		}
		if di.Percent <= 0 {
			ld.add(di.Pos, p, "%s needs a percent above 0", di.INCI)
			continue
		}
		in := ingredient{inci: di.INCI, bp: int64(di.Percent), maxBP: int64(di.Max), role: di.Role, phase: di.Phase}
		if in.role == "" {
			in.role = role
		}
		if in.maxBP != 0 && in.maxBP < in.bp {
			ld.add(di.Pos, p, "%s: percent %s is above its max %s", di.INCI, formatBP(in.bp), formatBP(in.maxBP))
		}
		out = append(out, in)
	}
	return out
}

// selector resolves "dimension.option", "dimension.*" or "tag:name" to options.
func (ld *loader) selector(l *Line, p string, pos int, s string) []*option {
	if tag, ok := strings.CutPrefix(s, "tag:"); ok {
		var out []*option
		for _, d := range l.dims {
			for _, o := range d.options {
				if o.hasTag(tag) {
					out = append(out, o)
				}
			}
		}
		if len(out) == 0 {
			ld.add(pos, p, "no option in this line has tag %q", tag)
		}
		return out
	}
	dn, on, ok := strings.Cut(s, ".")
	d := l.byDim[dn]
	if d == nil && slices.Contains(l.broken, dn) {
		return nil // already reported where the dimension is defined
	}
	switch {
	case !ok:
		ld.add(pos, p, "%q must be dimension.option, dimension.* or tag:name", s)
		return nil
	case d == nil:
		ld.add(pos, p, "unknown dimension %q in %q", dn, s)
		return nil
	case on == "*":
		return d.options
	}
	o := d.byID[on]
	if o == nil {
		ld.add(pos, p, "unknown option %q in dimension %q", on, dn)
		return nil
	}
	return []*option{o}
}

func (ld *loader) rule(l *Line, lp string, dr *defRule) {
	p := path(lp, "rules")
	r := &rule{message: dr.Message, pos: dr.Pos}
	kinds := 0
	sel := func(ss []string) []*option {
		var out []*option
		for _, s := range ss {
			out = append(out, ld.selector(l, p, dr.Pos, s)...)
		}
		return out
	}
	before := len(ld.problems)
	if len(dr.Excludes) > 0 {
		kinds++
		r.kind = ruleExcludes
		if len(dr.Excludes) < 2 {
			ld.add(dr.Pos, p, "excludes needs at least two options")
		}
		for _, s := range dr.Excludes {
			r.groups = append(r.groups, ld.selector(l, p, dr.Pos, s))
		}
	}
	if dr.Requires != nil {
		kinds++
		r.kind = ruleRequires
		if len(dr.Requires.If) == 0 || len(dr.Requires.Then) == 0 {
			ld.add(dr.Requires.Pos, p, "requires needs if: and then:")
		}
		r.groups = [][]*option{sel(dr.Requires.If), sel(dr.Requires.Then)}
	}
	for _, cnt := range []struct {
		c    *defCount
		kind ruleKind
	}{{dr.AtMost, ruleAtMost}, {dr.AtLeast, ruleAtLeast}} {
		if cnt.c == nil {
			continue
		}
		kinds++
		r.kind, r.n = cnt.kind, cnt.c.Count
		r.groups = [][]*option{sel(cnt.c.Of)}
		if cnt.c.Count < 0 || cnt.c.Count > len(cnt.c.Of)*64 || cnt.c.Count > mdd.MaxCount {
			ld.add(cnt.c.Pos, p, "count %d is out of range", cnt.c.Count)
		}
	}
	if kinds != 1 {
		ld.add(dr.Pos, p, "a rule must have exactly one of excludes, requires, at_most, at_least")
		return
	}
	if len(ld.problems) == before {
		l.rules = append(l.rules, r)
	}
}

// compile builds the diagram and checks what only the whole valid space can tell.
func (ld *loader) compile(l *Line, lp string, dl *defLine) {
	spec := mdd.Spec{}
	for _, v := range l.vars {
		if v.opt != nil {
			spec.Domains = append(spec.Domains, 2)
		} else {
			spec.Domains = append(spec.Domains, len(v.dim.options))
		}
	}
	for _, r := range l.rules {
		r.constraints(&spec)
	}
	d, err := mdd.Compile(spec)
	if err != nil {
		ld.add(dl.Pos, lp, "cannot compile: %v", err)
		return
	}
	l.d = d
	l.count = d.Count()
	if l.count.Sign() == 0 {
		ld.add(dl.Pos, lp, "the line has no valid variant: its rules exclude every combination")
		return
	}
	l.width = codeWidth(l.count)
	l.tie = l.pickTie()
	possible := d.Possible(nil)
	for i, v := range l.vars {
		if v.opt != nil {
			if !possible[i][picked] {
				ld.add(v.opt.pos, path(lp, v.dim.id, v.opt.id), "this option can never be picked: the rules exclude it in every variant")
			}
			continue
		}
		for _, o := range v.dim.options {
			if !possible[i][o.index] {
				ld.add(o.pos, path(lp, v.dim.id, o.id), "this option can never be chosen: the rules exclude it in every variant")
			}
		}
	}
	// The q.s. ingredient must be able to absorb the rest in every variant: the largest
	// sum of fixed percentages, actives at the highest strength, must stay at or below 100.
	maxStrength := 100
	if l.strengthDim != nil {
		maxStrength = 0
		for _, o := range l.strengthDim.options {
			maxStrength = max(maxStrength, o.strength)
		}
	}
	score := l.newWeights()
	for i, v := range l.vars {
		for _, o := range l.varOptions(i) {
			w := int64(0)
			for _, in := range o.ingredients {
				bp := in.bp
				if o.dim.kind == "actives" {
					bp = scaleBP(in.bp, maxStrength)
					if in.maxBP > 0 && bp > in.maxBP {
						ld.add(o.pos, path(lp, v.dim.id, o.id), "%s at the highest strength would be %s%%, above its max %s%%", in.inci, formatBP(bp), formatBP(in.maxBP))
					}
				}
				w += bp
			}
			score[i][o.lit().Val] = w
		}
	}
	var fixed int64
	for _, in := range l.fixed {
		fixed += in.bp
	}
	cfg := make([]int, len(l.vars))
	worst, _, _ := d.Best(mdd.Query{Score: score}, cfg)
	if worst+fixed > 10000 {
		ld.add(dl.Pos, lp, "percentages cannot sum to 100: with %s the fixed ingredients reach %s%%, leaving nothing for %s (q.s.)",
			l.describeCfg(cfg), formatBP(worst+fixed), l.qs)
	}
	// Every variant must cost something.
	for i := range score {
		for v := range score[i] {
			score[i][v] = 0
		}
		for _, o := range l.varOptions(i) {
			score[i][o.lit().Val] = -o.price
		}
	}
	cheapest, _, _ := d.Best(mdd.Query{Score: score}, cfg)
	if l.basePrice-cheapest <= 0 && l.basePrice > 0 {
		ld.add(dl.Pos, lp, "with %s the price is %d cents: every variant must cost more than 0", l.describeCfg(cfg), l.basePrice-cheapest)
	}
}

// newWeights allocates a [variable][value] table of zeros.
func (l *Line) newWeights() [][]int64 {
	w := make([][]int64, len(l.vars))
	total := 0
	for i := range w {
		total += l.d.Domain(i)
	}
	flat := make([]int64, total)
	for i := range w {
		n := l.d.Domain(i)
		w[i], flat = flat[:n:n], flat[n:]
	}
	return w
}

// varOptions lists the options whose literal lives on variable i.
func (l *Line) varOptions(i int) []*option {
	v := l.vars[i]
	if v.opt != nil {
		return []*option{v.opt}
	}
	return v.dim.options
}

// describeCfg names the choices of a configuration for the store owner.
func (l *Line) describeCfg(cfg []int) string {
	var parts []string
	for _, d := range l.dims {
		var names []string
		for _, o := range l.chosenIn(d, cfg) {
			names = append(names, o.id)
		}
		parts = append(parts, d.id+"="+strings.Join(names, "+"))
	}
	return strings.Join(parts, ", ")
}

// chosenIn lists the options of d chosen in cfg, in option order.
func (l *Line) chosenIn(d *dimension, cfg []int) []*option {
	if !d.pick {
		return []*option{d.options[cfg[d.firstVar]]}
	}
	var out []*option
	for _, o := range d.options {
		if cfg[d.firstVar+o.index] == picked {
			out = append(out, o)
		}
	}
	return out
}

// scaleBP scales a standard dose by a strength in percent, rounding half up.
func scaleBP(bp int64, strength int) int64 {
	return (bp*int64(strength) + 50) / 100
}

// formatBP renders basis points as "4.50".
func formatBP(bp int64) string {
	sign := ""
	if bp < 0 {
		sign, bp = "-", -bp
	}
	return fmt.Sprintf("%s%d.%02d", sign, bp/100, bp%100)
}
