package staff

import (
	"context"

	"atelier/fulfillment"
)

// SetCustomerChanged sets the function called after a follow-up task with a customer is
// completed (its outcome and any satisfaction rating change the customer's scores); app wires
// it to the loyalty service's Recompute, which logs its own failures. Call it before serving.
func (h *Handlers) SetCustomerChanged(fn func(ctx context.Context, customerID uint)) { h.changed = fn }

func (h *Handlers) customerChanged(ctx context.Context, t *fulfillment.FollowUpTask) {
	if h.changed != nil && t != nil && t.CustomerID != nil {
		h.changed(ctx, *t.CustomerID)
	}
}
