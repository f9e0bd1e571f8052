package fulfillment

import "context"

// Tracking is one parcel of an order: the carrier and its tracking number.
type Tracking struct {
	Carrier string `json:"carrier"`
	Number  string `json:"number"`
}

// TrackingOf returns the distinct parcels (carrier and number) of the given orders' shipped
// and delivered units, by order id, in the order they were shipped. One query for all.
func (s *Service) TrackingOf(ctx context.Context, orderIDs ...uint) (map[uint][]Tracking, error) {
	out := map[uint][]Tracking{}
	if len(orderIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		OrderID  uint
		Carrier  string
		Tracking string
	}
	err := s.db.WithContext(ctx).Model(&ProductionJob{}).
		Select("order_id, carrier, tracking, MIN(id) AS first_id").
		Where("order_id IN ? AND status IN ? AND tracking <> ''", orderIDs, []string{JobShipped, JobDelivered}).
		Group("order_id, carrier, tracking").Order("first_id").
		Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.OrderID] = append(out[r.OrderID], Tracking{Carrier: r.Carrier, Number: r.Tracking})
	}
	return out, nil
}
