package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"atelier/catalog"
	"atelier/questionnaire"
)

// persona is one finished consultation and the products the catalog recommends for it; many
// demo customers share a persona, so the generator runs the engines a few hundred times, not
// once per customer. Each customer gets the persona named for them (gen.named): the name
// answer and the labels then say the customer's first name, not the persona's.
type persona struct {
	answers  string // JSON
	trail    string // questionnaire.Quiz.Trail of the answers
	lines    []string
	products []product
}

// product is a recommended product with its snapshots encoded once.
type product struct {
	catalog.Product
	options, formula, packaging string
	useDays                     int
}

var firstNames = []string{"Maya", "Lena", "Sofia", "Amara", "Noor", "Elena", "Iris", "Chloé", "Hana", "Zoe", "Aiko",
	"Priya", "Lucía", "Freya", "Ines", "Mila", "Ada", "Nadia", "Olu", "Sam", "Jonas", "Theo", "Luca", "Kai", "Mateo", "Ravi"}

var lastNames = []string{"Rossi", "Okafor", "Nguyen", "Schmidt", "Dubois", "García", "Kowalski", "Haddad", "Tanaka",
	"Silva", "Novak", "Jensen", "Moreau", "Costa", "Ibrahim", "Larsen", "Fischer", "Patel", "Murphy", "Berg"}

// answer walks the quiz with random valid answers; stopAfter ≥ 0 abandons it after that many
// answers. It returns the answers, whether they complete the quiz and the question shown last.
func answer(q *questionnaire.Quiz, rng *rand.Rand, name string, stopAfter int) (questionnaire.Answers, bool, string) {
	a := questionnaire.Answers{}
	for step := 0; step < 200; step++ {
		st := q.State(a)
		if st.Next == nil {
			return a, st.Done, ""
		}
		if stopAfter >= 0 && step == stopAfter {
			return a, false, st.Next.ID
		}
		next, err := q.Answer(a, st.Next.ID, pick(st.Next, rng, name))
		if err != nil {
			next, err = q.Answer(a, st.Next.ID, nil) // an optional question, skipped
			if err != nil {
				return a, false, st.Next.ID
			}
		}
		a = next
	}
	return a, false, ""
}

// pick returns a random valid raw answer for qu.
func pick(qu *questionnaire.Question, rng *rand.Rand, name string) any {
	switch qu.Kind {
	case questionnaire.KindSingle, questionnaire.KindLocation:
		return qu.Options[rng.IntN(len(qu.Options))].Value
	case questionnaire.KindMulti:
		lo, hi := 1, min(3, len(qu.Options))
		if qu.Min != nil {
			lo = max(lo, int(*qu.Min))
		}
		if qu.Max != nil {
			hi = min(hi, int(*qu.Max))
		}
		hi = max(hi, lo)
		k := lo + rng.IntN(hi-lo+1)
		var out []string
		for _, i := range rng.Perm(len(qu.Options))[:min(k, len(qu.Options))] {
			out = append(out, qu.Options[i].Value)
		}
		return out
	case questionnaire.KindScale, questionnaire.KindNumber:
		lo, hi, step := 1.0, 5.0, 1.0
		if qu.Min != nil {
			lo = *qu.Min
		}
		if qu.Max != nil {
			hi = *qu.Max
		} else {
			hi = lo + 40
		}
		if qu.Step != nil && *qu.Step > 0 {
			step = *qu.Step
		}
		n := int((hi-lo)/step) + 1
		return lo + step*float64(rng.IntN(n))
	case questionnaire.KindText:
		return name
	}
	return nil
}

// usePerDay is roughly how many ml of each line a person uses a day, to estimate how long a
// bottle lasts (the replenishment interval).
var usePerDay = map[string]float64{"shampoo": 4, "conditioner": 4, "hair_mask": 3, "cleanser": 2, "moisturiser": 1.2, "serum": 0.6}

// newPersona completes the quiz and asks the catalog for its products.
func newPersona(q *questionnaire.Quiz, cat *catalog.Catalog, rng *rand.Rand) (*persona, error) {
	for try := 0; try < 20; try++ {
		name := firstNames[rng.IntN(len(firstNames))]
		a, done, _ := answer(q, rng, name, -1)
		if !done {
			continue
		}
		prof := q.State(a).Profile
		prods, err := cat.Recommend(catalog.Profile(prof))
		if err != nil || len(prods) == 0 {
			continue
		}
		data, _ := json.Marshal(a)
		p := &persona{answers: string(data), trail: q.Trail(a), lines: prof.Traits["lines"]}
		for _, pr := range prods {
			opts, _ := json.Marshal(pr.Selection())
			formula, _ := json.Marshal(pr.Formula)
			pack, _ := json.Marshal(pr.Packaging)
			rate := usePerDay[pr.Line]
			if rate == 0 {
				rate = 2
			}
			use := 60
			if pr.Packaging.SizeML > 0 {
				use = max(21, min(150, int(float64(pr.Packaging.SizeML)/rate)))
			}
			p.products = append(p.products, product{Product: pr, options: string(opts), formula: string(formula), packaging: string(pack), useDays: use})
		}
		return p, nil
	}
	return nil, fmt.Errorf("demo: could not complete the quiz with a recommendable profile")
}

// nameQuestion returns the id of the quiz's question whose answer is printed on the label
// (a text question setting the trait "name"), or "" when the quiz has none.
func nameQuestion(q *questionnaire.Quiz) string {
	for _, qu := range q.Questions() {
		if qu.Kind == questionnaire.KindText && qu.Trait == "name" {
			return qu.ID
		}
	}
	return ""
}

type namedKey struct {
	p    *persona
	name string
}

// named returns p as the customer called name would have taken it: the name question answered
// with name, and the same products (the name changes no choice) labelled for that profile by
// the catalog, so "{name}'s" on the product and its bottle is the customer's. Variants are
// kept per persona and name. A persona whose consultation did not ask the name (no such
// question, or not on its path) is already right: its labels carry no name.
func (g *gen) named(p *persona, name string) (*persona, error) {
	key := namedKey{p, name}
	if v, ok := g.variants[key]; ok {
		return v, nil
	}
	if g.variants == nil {
		g.variants = map[namedKey]*persona{}
	}
	var a questionnaire.Answers
	if err := json.Unmarshal([]byte(p.answers), &a); err != nil {
		return nil, fmt.Errorf("demo: persona answers: %w", err)
	}
	if _, asked := a[g.nameQ]; g.nameQ == "" || !asked {
		g.variants[key] = p
		return p, nil
	}
	a, err := g.o.Quiz.Answer(a, g.nameQ, name)
	if err != nil {
		return nil, fmt.Errorf("demo: name %q: %w", name, err)
	}
	prof := catalog.Profile(g.o.Quiz.State(a).Profile)
	v := &persona{answers: mustJSON(a), trail: g.o.Quiz.Trail(a), lines: p.lines}
	for _, pr := range p.products {
		labelled, err := g.o.Catalog.Decode(pr.Code, prof)
		if err != nil {
			return nil, fmt.Errorf("demo: label %s for %q: %w", pr.Code, name, err)
		}
		v.products = append(v.products, product{Product: labelled, options: pr.options, formula: pr.formula,
			packaging: mustJSON(labelled.Packaging), useDays: pr.useDays})
	}
	g.variants[key] = v
	return v, nil
}
