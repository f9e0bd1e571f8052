// Package demo generates a realistic year of store history for demonstrations and benchmarks:
// customers, consultations (completed and abandoned, answered through the quiz engine), orders
// of real catalog products with payments, production jobs and deliveries, follow-ups with
// ratings, customer feedback, reorders at plausible intervals and customers who lapsed. It is
// deterministic for a seed and fast: rows are built in memory and inserted in batches.
package demo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"atelier/app/account"
	"atelier/catalog"
	"atelier/questionnaire"
)

// ErrAlreadySeeded: demo customers for this seed already exist in the database.
var ErrAlreadySeeded = errors.New("demo: this database already holds demo data for that seed")

// Options says how much to generate.
type Options struct {
	Customers int   // default 200
	Seed      int64 // same seed, same data
	Now       time.Time
	// Quiz is the consultation to answer (registered in Store); Catalog recommends products.
	Quiz    *questionnaire.Quiz
	Store   *questionnaire.Store
	Catalog *catalog.Catalog
}

// Stats counts what Seed wrote.
type Stats struct {
	Customers, Responses, Orders, Items, Tasks, Feedback, Emails int
	Took                                                         time.Duration
}

const batch = 400

// Seed writes the demo history into db.
func Seed(ctx context.Context, db *gorm.DB, o Options) (Stats, error) {
	start := time.Now()
	if o.Customers <= 0 {
		o.Customers = 200
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC()
	if o.Quiz == nil || o.Store == nil || o.Catalog == nil {
		return Stats{}, errors.New("demo: Quiz, Store and Catalog are required")
	}
	if err := o.Store.Register(ctx, o.Quiz); err != nil {
		return Stats{}, err
	}
	prefix := fmt.Sprintf("demo%d-", o.Seed)
	var n int64
	if err := db.WithContext(ctx).Model(&account.Customer{}).Where("email LIKE ?", prefix+"%").Count(&n).Error; err != nil {
		return Stats{}, fmt.Errorf("demo: %w", err)
	}
	if n > 0 {
		return Stats{}, ErrAlreadySeeded
	}
	g := &gen{o: o, rng: rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed)), prefix: prefix, nameQ: nameQuestion(o.Quiz)}
	if err := g.personas(); err != nil {
		return Stats{}, err
	}
	if err := g.people(); err != nil {
		return Stats{}, err
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return g.write(tx) })
	if err != nil {
		return Stats{}, err
	}
	g.stats.Took = time.Since(start)
	return g.stats, nil
}

type gen struct {
	o        Options
	rng      *rand.Rand
	prefix   string
	pool     []*persona
	stats    Stats
	people_  []*person
	anon     []response
	idSerial uint64
	nameQ    string                // the quiz's name question
	variants map[namedKey]*persona // see named
}

// kinds of customer behaviour, with their share.
type habit int

const (
	loyal habit = iota
	occasional
	oneOff
	lapsed
	browser // completed the quiz, never bought
	dropout // never finished the quiz
)

type person struct {
	c       account.Customer
	habit   habit
	mood    float64 // mean rating they give
	bounces bool
	persona *persona
	resp    response
	orders  []plannedOrder
}

type plannedOrder struct {
	paidAt   time.Time
	products []product
}

type response struct {
	answers   string
	trail     string
	current   string
	created   time.Time
	completed *time.Time
}

func (g *gen) personas() error {
	n := min(max(g.o.Customers/25, 20), 300)
	for range n {
		p, err := newPersona(g.o.Quiz, g.o.Catalog, g.rng)
		if err != nil {
			return err
		}
		g.pool = append(g.pool, p)
	}
	return nil
}

func (g *gen) habit() habit {
	x := g.rng.Float64()
	switch {
	case x < 0.22:
		return loyal
	case x < 0.50:
		return occasional
	case x < 0.72:
		return oneOff
	case x < 0.84:
		return lapsed
	case x < 0.92:
		return browser
	}
	return dropout
}

func (g *gen) days(lo, hi float64) time.Duration {
	return time.Duration((lo + g.rng.Float64()*(hi-lo)) * 24 * float64(time.Hour))
}

// people plans every customer's year: sign-up, consultation, orders.
func (g *gen) people() error {
	now := g.o.Now
	for i := range g.o.Customers {
		first, last := firstNames[g.rng.IntN(len(firstNames))], lastNames[g.rng.IntN(len(lastNames))]
		created := now.Add(-g.days(1, 400))
		p := &person{habit: g.habit(), persona: g.pool[g.rng.IntN(len(g.pool))], bounces: g.rng.Float64() < 0.02}
		var err error
		if p.persona, err = g.named(p.persona, first); err != nil {
			return err
		}
		p.c = account.Customer{Email: fmt.Sprintf("%s%05d@example.com", g.prefix, i+1), Name: first + " " + last,
			MarketingOptIn: g.rng.Float64() < 0.6, CreatedAt: created, UpdatedAt: created}
		verified := created.Add(10 * time.Minute)
		p.c.EmailVerifiedAt = &verified
		switch x := g.rng.Float64(); {
		case x < 0.70:
			p.mood = 4.2 + 0.8*g.rng.Float64()
		case x < 0.88:
			p.mood = 3 + g.rng.Float64()
		default:
			p.mood = 1 + 1.5*g.rng.Float64()
		}
		if p.habit == dropout {
			a, _, cur := answer(g.o.Quiz, g.rng, first, g.rng.IntN(12))
			p.resp = response{answers: mustJSON(a), trail: g.o.Quiz.Trail(a), current: cur, created: created.Add(-time.Hour)}
		} else {
			done := created.Add(-time.Duration(g.rng.IntN(90)) * time.Minute)
			p.resp = response{answers: p.persona.answers, trail: p.persona.trail, created: done.Add(-12 * time.Minute), completed: &done}
		}
		g.plan(p)
		g.people_ = append(g.people_, p)
	}
	// visitors who never made an account: mostly abandoned consultations
	for range g.o.Customers * 4 / 5 {
		at := now.Add(-g.days(0, 365))
		if g.rng.Float64() < 0.75 {
			a, _, cur := answer(g.o.Quiz, g.rng, "", g.rng.IntN(14))
			g.anon = append(g.anon, response{answers: mustJSON(a), trail: g.o.Quiz.Trail(a), current: cur, created: at})
		} else {
			done := at.Add(15 * time.Minute)
			pick := g.pool[g.rng.IntN(len(g.pool))]
			g.anon = append(g.anon, response{answers: pick.answers, trail: pick.trail, created: at, completed: &done})
		}
	}
	return nil
}

// plan lays out a person's orders by their habit, reordering after about the products' use.
func (g *gen) plan(p *person) {
	if p.habit == browser || p.habit == dropout || g.rng.Float64() < 0.05 {
		return
	}
	now := g.o.Now
	prods := p.persona.products
	firstPick := []product{prods[g.rng.IntN(len(prods))]}
	if len(prods) > 1 && g.rng.Float64() < 0.35 {
		firstPick = append(firstPick, prods[(g.rng.IntN(len(prods)-1)+1+indexOf(prods, firstPick[0]))%len(prods)])
	}
	t := p.c.CreatedAt.Add(time.Duration(10+g.rng.IntN(600)) * time.Minute)
	if t.After(now) {
		return
	}
	p.orders = append(p.orders, plannedOrder{paidAt: t, products: firstPick})
	var stopAfter time.Time
	switch p.habit {
	case oneOff:
		return
	case lapsed:
		stopAfter = p.c.CreatedAt.Add(g.days(60, 120))
	}
	for {
		use := 0
		for _, pr := range p.orders[len(p.orders)-1].products {
			use = max(use, pr.useDays)
		}
		factor := 0.8 + 0.5*g.rng.Float64()
		if p.habit == occasional {
			factor = 1.8 + 1.6*g.rng.Float64()
		}
		t = t.Add(time.Duration(float64(use)*factor*24) * time.Hour)
		if t.After(now) || (!stopAfter.IsZero() && t.After(stopAfter)) {
			return
		}
		pick := p.orders[len(p.orders)-1].products
		if g.rng.Float64() < 0.2 { // tries another recommended line
			pick = append(append([]product(nil), pick...), prods[g.rng.IntN(len(prods))])
		}
		p.orders = append(p.orders, plannedOrder{paidAt: t, products: dedupe(pick)})
	}
}

func indexOf(ps []product, p product) int {
	for i := range ps {
		if ps[i].Code == p.Code {
			return i
		}
	}
	return 0
}

func dedupe(ps []product) []product {
	var out []product
	seen := map[string]bool{}
	for _, p := range ps {
		if !seen[p.Code] {
			seen[p.Code] = true
			out = append(out, p)
		}
	}
	return out
}

func (g *gen) token(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.rng.UintN(256))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
