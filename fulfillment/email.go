package fulfillment

import (
	"fmt"
	"strings"
)

// Customer email bodies: plain text, friendly, with the order summary and links.

func money(cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, cents/100, cents%100, currency)
}

func greeting(o *Order) string {
	name := strings.Fields(o.ShipName)
	if len(name) == 0 {
		return "Hello,"
	}
	return "Hello " + name[0] + ","
}

func (s *Service) orderSummary(o *Order) string {
	var b strings.Builder
	for _, it := range o.Items {
		size := ""
		if it.SizeLabel != "" {
			size = " (" + it.SizeLabel + ")"
		}
		fmt.Fprintf(&b, "  %d × %s%s — %s\n      reorder code %s: %s\n", it.Quantity, it.Name, size,
			money(it.LineTotalCents, o.Currency), it.Code, s.opt.ReorderURL(it.Code, o.PublicID))
	}
	fmt.Fprintf(&b, "  Subtotal: %s\n  Shipping: %s\n  Total:    %s\n",
		money(o.SubtotalCents, o.Currency), money(o.ShippingCents, o.Currency), money(o.TotalCents, o.Currency))
	return b.String()
}

func (s *Service) address(o *Order) string {
	lines := []string{o.ShipName, o.ShipLine1}
	if o.ShipLine2 != "" {
		lines = append(lines, o.ShipLine2)
	}
	lines = append(lines, o.ShipPostalCode+" "+o.ShipCity, o.ShipCountry)
	return "  " + strings.Join(lines, "\n  ")
}

func (s *Service) signature() string {
	return "\nWith care,\nThe " + s.opt.StoreName + " team\n"
}

func (s *Service) orderConfirmationEmail(o *Order) (string, string) {
	subject := fmt.Sprintf("Your %s order #%d is confirmed", s.opt.StoreName, o.ID)
	body := fmt.Sprintf(`%s

Thank you for your order. We have received your payment, and your products are now in our
production queue: each one is compounded by hand for you, checked, and packed.

Order #%d
%s
It will be shipped to:
%s

You can follow your order here: %s

One of us will be in touch soon to welcome you and answer any question about your products.
%s`, greeting(o), o.ID, s.orderSummary(o), s.address(o), s.opt.OrderURL(o), s.signature())
	return subject, body
}

func (s *Service) shippedEmail(o *Order, jobs []ProductionJob) (string, string) {
	seen := map[string]bool{}
	var tracking []string
	for _, j := range jobs {
		if j.Tracking == "" && j.Carrier == "" {
			continue
		}
		t := j.Carrier + " " + j.Tracking
		if !seen[t] {
			seen[t] = true
			tracking = append(tracking, "  "+strings.TrimSpace(t))
		}
	}
	if len(tracking) == 0 {
		tracking = []string{"  (tracking details will follow)"}
	}
	subject := fmt.Sprintf("Your %s order #%d is on its way", s.opt.StoreName, o.ID)
	body := fmt.Sprintf(`%s

Good news: your order #%d has left our atelier.

Tracking:
%s

It is on its way to:
%s

Your order: %s
%s`, greeting(o), o.ID, strings.Join(tracking, "\n"), s.address(o), s.opt.OrderURL(o), s.signature())
	return subject, body
}

func (s *Service) feedbackRequestEmail(o *Order) (string, string) {
	subject := fmt.Sprintf("How do you like your %s products?", s.opt.StoreName)
	body := fmt.Sprintf(`%s

Your order #%d has arrived. We made it just for you, so we would love to know how it works
for you. It takes one click to rate it from 1 to 5, and a line if you have time:

  %s

If anything is not right, tell us: we will make it right.

Your order:
%s%s`, greeting(o), o.ID, s.opt.FeedbackURL(o), s.orderSummary(o), s.signature())
	return subject, body
}

func (s *Service) replenishmentEmail(o *Order, it *OrderItem) (string, string) {
	subject := fmt.Sprintf("Running low on your %s?", it.Name)
	body := fmt.Sprintf(`%s

Your %s%s from order #%d will run out in about %d days, if you use it every day.
To have the same formula made for you again, reorder in one step:

  %s   (reorder code %s)

Or tell us how it has been working, and we can refine it:

  %s
%s`, greeting(o), it.Name, sizeSuffix(it.SizeLabel), o.ID, max(1, int(s.opt.ReplenishLead.Hours()/24)), s.opt.ReorderURL(it.Code, o.PublicID), it.Code, s.opt.FeedbackURL(o), s.signature())
	return subject, body
}

func sizeSuffix(label string) string {
	if label == "" {
		return ""
	}
	return " (" + label + ")"
}
