package app

import (
	"context"
	"errors"
	"log/slog"

	"atelier/app/loyalty"
)

// customerChanged rescores a customer after their data changed in another area (a payment
// confirmed, feedback recorded, a follow-up completed). Areas call it after their own
// transaction has committed; a failure is logged and never fails the request (the nightly
// loyalty job rescores everyone anyway).
func (s *Server) customerChanged(ctx context.Context, customerID uint) {
	if s.loyaltySvc == nil {
		return
	}
	if _, err := s.loyaltySvc.Recompute(ctx, customerID); err != nil && !errors.Is(err, loyalty.ErrNotFound) {
		s.env.Log.Error("loyalty: rescore after a change", "customer_id", customerID, slog.Any("error", err))
	}
}
