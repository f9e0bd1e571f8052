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
	Messages []fulfillment.OutboxMessage
}

// Outbox lists customer emails with their text, newest first (GET /staff/outbox?status=).
func (h *Handlers) Outbox(c echo.Context) error {
	status := c.QueryParam("status")
	if status != "" && !contains(OutboxStatuses, status) {
		return web.Invalid("There is no such email status.", map[string]string{"status": "Choose one of the listed statuses."})
	}
	msgs, err := h.ful.ListOutbox(ctx(c), status, 100)
	if err != nil {
		return err
	}
	v := &outboxView{Status: status, Statuses: OutboxStatuses, Messages: msgs}
	v.Title = "Outbox"
	return h.env.Render.Render(c, http.StatusOK, "staff/outbox", v)
}
