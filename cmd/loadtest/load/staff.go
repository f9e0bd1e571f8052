package load

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// staffPath is the production job's walk from the queue to delivery; a claimed job is walked
// from the step after its current status (a job whose earlier holder's lease expired may be
// half-way).
var staffPath = []string{"queued", "compounding", "quality_check", "packed", "shipped", "delivered"}

// remainingPath returns the steps after status, or the whole walk when status is unknown.
func remainingPath(status string) []string {
	for i, s := range staffPath {
		if s == status {
			return staffPath[i+1:]
		}
	}
	return staffPath[1:]
}

// emptyQueueWait is how long a staff worker waits before asking again when the queue is empty.
const emptyQueueWait = 20 * time.Millisecond

// claimedJob reads the claimed job's id and status from {id, status} or {job: {id, status}}.
func claimedJob(raw json.RawMessage) (id, status string) {
	type job struct {
		ID     json.RawMessage `json:"id"`
		Status string          `json:"status"`
	}
	var top struct {
		job
		Job *job `json:"job"`
	}
	if json.Unmarshal(raw, &top) != nil {
		return "", ""
	}
	if len(top.ID) > 0 {
		return idString(top.ID), top.Status
	}
	if top.Job != nil {
		return idString(top.Job.ID), top.Job.Status
	}
	return "", ""
}

// staffWork claims production jobs and walks each to delivered until the run stops.
func staffWork(ctx context.Context, c *client, worker int) {
	for n := 0; !c.run.stopping() && ctx.Err() == nil; n++ {
		var raw json.RawMessage
		status, err := c.do(ctx, StepStaffClaim, http.MethodPost, "/api/v1/staff/production/claim", nil, &raw,
			http.StatusCreated, http.StatusOK, http.StatusNoContent)
		if err != nil {
			if errors.Is(err, errBudget) || ctx.Err() != nil {
				return
			}
			if !wait(ctx, emptyQueueWait) { // back off after an error too
				return
			}
			continue
		}
		if status == http.StatusNoContent {
			c.stats.expect(OutcomeQueueEmpty)
			if !wait(ctx, emptyQueueWait) {
				return
			}
			continue
		}
		id, current := claimedJob(raw)
		if id == "" {
			c.stats.fail(StepStaffClaim, status, "the claimed job has no id")
			continue
		}
		for _, to := range remainingPath(current) {
			body := map[string]any{"to": to}
			if to == "shipped" {
				body["carrier"] = "LoadPost"
				body["tracking"] = "LT" + strconv.Itoa(worker) + "-" + strconv.Itoa(n)
			}
			if _, err := c.do(ctx, StepStaffTransition, http.MethodPost, "/api/v1/staff/production/"+id+"/transition", body, nil, http.StatusOK); err != nil {
				break
			}
		}
	}
}

// wait waits d or until ctx ends; it reports whether to go on.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
