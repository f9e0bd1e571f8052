package app

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
)

// errorView is the error page.
type errorView struct {
	web.Page
	Status  int
	Heading string
	Message string
}

// handleError answers every error a handler returns: mapped domain errors with their status
// and message, anything unmapped with a generic 500 that is logged with its cause. API paths
// get JSON {error, fields}; pages get the error page.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := s.errs.Resolve(err)
	if e.Status >= 500 {
		s.deps.Log.Error("request failed", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
			"method", c.Request().Method, "path", c.Request().URL.Path, "status", e.Status, slog.Any("error", err))
	}
	if e.Status == http.StatusUnauthorized && !web.WantsJSON(c) {
		// a page that needs sign-in; areas redirect themselves, this is the fallback
		e.Message = "Please sign in to see this page."
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(e.Status)
		return
	}
	if web.WantsJSON(c) {
		body := map[string]any{"error": e.Message}
		if len(e.Fields) > 0 {
			body["fields"] = e.Fields
		}
		for k, v := range e.Extra {
			body[k] = v
		}
		_ = c.JSON(e.Status, body)
		return
	}
	view := &errorView{Status: e.Status, Message: e.Message, Heading: heading(e.Status)}
	view.Title = http.StatusText(e.Status)
	if rerr := s.render.Render(c, e.Status, "error", view); rerr != nil {
		s.deps.Log.Error("render error page", slog.Any("error", rerr))
		_ = c.String(e.Status, e.Message)
	}
}

func heading(status int) string {
	switch status {
	case http.StatusNotFound:
		return "This page does not exist"
	case http.StatusForbidden:
		return "That was not allowed"
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		return "Something in the request needs a second look"
	case http.StatusConflict:
		return "That does not fit"
	case http.StatusRequestEntityTooLarge:
		return "That is too large"
	case http.StatusTooManyRequests:
		return "Slow down a little"
	}
	if status >= 500 {
		return "We tripped over something"
	}
	return http.StatusText(status)
}
