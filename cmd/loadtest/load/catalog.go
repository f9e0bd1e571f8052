package load

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
)

// catalogIndex is the catalog as GET /api/v1/catalog describes it, for picking customisations.
type catalogIndex struct {
	Lines []catalogLine `json:"lines"`
}

type catalogLine struct {
	ID         string             `json:"id"`
	Dimensions []catalogDimension `json:"dimensions"`
}

type catalogDimension struct {
	ID      string          `json:"id"`
	Pick    bool            `json:"pick"`
	Options []catalogOption `json:"options"`
}

type catalogOption struct {
	ID string `json:"id"`
}

func (c *catalogIndex) line(id string) *catalogLine {
	if c == nil {
		return nil
	}
	for i := range c.Lines {
		if c.Lines[i].ID == id {
			return &c.Lines[i]
		}
	}
	return nil
}

// fetchCatalog reads the catalog once before the run; without it shoppers skip customising.
func fetchCatalog(ctx context.Context, c *client) *catalogIndex {
	var idx catalogIndex
	if _, err := c.do(ctx, StepCatalog, http.MethodGet, "/api/v1/catalog", nil, &idx, http.StatusOK); err != nil {
		return nil
	}
	return &idx
}

// codePool holds product codes found before a checkout run.
type codePool struct {
	mu    sync.Mutex
	codes []string
}

func (p *codePool) add(codes ...string) {
	p.mu.Lock()
	p.codes = append(p.codes, codes...)
	p.mu.Unlock()
}

// pick returns one code (sometimes two, for a two-line order).
func (p *codePool) pick(rng *rand.Rand) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.codes) == 0 {
		return nil
	}
	out := []string{p.codes[rng.IntN(len(p.codes))]}
	if len(p.codes) > 1 && rng.IntN(4) == 0 {
		if second := p.codes[rng.IntN(len(p.codes))]; second != out[0] {
			out = append(out, second)
		}
	}
	return out
}

func (p *codePool) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.codes)
}

// ledger remembers the orders the tool saw created (201) and paid (200 on demo payment), so
// the audit can check that none was lost.
type ledger struct {
	mu         sync.Mutex
	createdIDs []string
	paidIDs    []string
}

// maxLedger bounds the ledger's memory; a run past it audits the first maxLedger orders.
const maxLedger = 2_000_000

func (l *ledger) created(id string) {
	l.mu.Lock()
	if len(l.createdIDs) < maxLedger {
		l.createdIDs = append(l.createdIDs, id)
	}
	l.mu.Unlock()
}

func (l *ledger) paid(id string) {
	l.mu.Lock()
	if len(l.paidIDs) < maxLedger {
		l.paidIDs = append(l.paidIDs, id)
	}
	l.mu.Unlock()
}

func (l *ledger) snapshot() (created, paid []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.createdIDs...), append([]string(nil), l.paidIDs...)
}
