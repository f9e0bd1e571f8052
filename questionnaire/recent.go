package questionnaire

import "sync"

// recentSize bounds the responses a Store remembers: enough for every consultation being
// answered at the same moment on one instance; a forgotten one costs one read.
const recentSize = 2048

// recent remembers the last written copy of recently saved responses, by id. It holds
// copies: put and get clone, so callers may change their Response freely.
type recent struct {
	mu  sync.Mutex
	max int
	m   map[string]Response
}

func newRecent(max int) *recent { return &recent{max: max, m: make(map[string]Response, max)} }

// get returns a copy of the remembered response id if ownerKey owns it.
func (c *recent) get(id, ownerKey string) (*Response, bool) {
	c.mu.Lock()
	r, ok := c.m[id]
	c.mu.Unlock()
	if !ok || r.OwnerKey != ownerKey {
		return nil, false
	}
	r.Answers = r.Answers.Clone()
	if r.CustomerID != nil {
		id := *r.CustomerID
		r.CustomerID = &id
	}
	if r.CompletedAt != nil {
		t := *r.CompletedAt
		r.CompletedAt = &t
	}
	return &r, true
}

// put remembers r as just written. When full it forgets an arbitrary entry (Go's map order):
// cheap, and good enough when the entries are the consultations in progress.
func (c *recent) put(r *Response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[r.ID]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	kept := *r
	kept.Answers = r.Answers.Clone()
	c.m[r.ID] = kept
}

func (c *recent) forget(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}
