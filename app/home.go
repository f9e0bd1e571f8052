package app

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"atelier/app/database"
	"atelier/app/web"
)

type homeView struct{ web.Page }

func (s *Server) handleHome(c echo.Context) error {
	return s.render.Render(c, http.StatusOK, "home", &homeView{})
}

// handleHealth answers 200 when the database answers within two seconds, 503 otherwise.
func (s *Server) handleHealth(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := database.Ping(ctx, s.deps.DB); err != nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "database": "ok"})
}

// handleOpenAPI serves the merged OpenAPI document.
func (s *Server) handleOpenAPI(c echo.Context) error {
	return c.JSONBlob(http.StatusOK, s.openapi)
}
