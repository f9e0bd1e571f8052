package staff

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

// OutboxStatuses are the outbox statuses the console filters by.
var OutboxStatuses = []string{fulfillment.OutboxPending, fulfillment.OutboxSending, fulfillment.OutboxSent, fulfillment.OutboxLogged, fulfillment.OutboxFailed}

type outboxView struct {
	web.Page
	Status   string
	Statuses []string
	Messages []outboxRow
}

// outboxRow is one email as the console shows it: Hidden messages carry a one-time link,
// and their Body is empty.
type outboxRow struct {
	fulfillment.OutboxMessage
	Hidden bool
}

// Outbox lists customer emails with their text, newest first (admin; GET
// /staff/outbox?status=). The bodies of emails that carry a sign-in, reset or verification
// link are never shown: with one, anyone reading the page could sign in as the customer.
func (h *Handlers) Outbox(c echo.Context) error {
	status := c.QueryParam("status")
	if status != "" && !contains(OutboxStatuses, status) {
		return web.Invalid("There is no such email status.", map[string]string{"status": "Choose one of the listed statuses."})
	}
	msgs, err := h.ful.ListOutbox(ctx(c), status, 100)
	if err != nil {
		return err
	}
	v := &outboxView{Status: status, Statuses: OutboxStatuses, Messages: make([]outboxRow, len(msgs))}
	for i, m := range msgs {
		hidden := m.CarriesSecret()
		if hidden {
			m.Body = ""
		}
		v.Messages[i] = outboxRow{OutboxMessage: m, Hidden: hidden}
	}
	v.Title = "Outbox"
	return h.env.Render.Render(c, http.StatusOK, "staff/outbox", v)
}
