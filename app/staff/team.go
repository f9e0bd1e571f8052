package staff

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
)

type teamView struct {
	web.Page
	Members []Member
	Roles   []string
	Form    NewMember
	Errors  map[string]string
	// Secret is a one-time password or token just made, shown once, for SecretFor.
	Secret    string
	SecretFor string
}

func (h *Handlers) renderTeam(c echo.Context, status int, v *teamView) error {
	ms, err := h.accounts.List(ctx(c))
	if err != nil {
		return err
	}
	v.Members, v.Roles = ms, Roles
	v.Title = "Team"
	return h.env.Render.Render(c, status, "staff/team", v)
}

// Team lists staff accounts (admin; GET /staff/team).
func (h *Handlers) Team(c echo.Context) error {
	return h.renderTeam(c, http.StatusOK, &teamView{})
}

// TeamAdd creates a staff account and shows its one-time password once (admin; POST /staff/team).
func (h *Handlers) TeamAdd(c echo.Context) error {
	in := NewMember{Email: c.FormValue("email"), Name: c.FormValue("name"), Role: c.FormValue("role")}
	m, pw, err := h.accounts.Add(ctx(c), actor(c), in)
	var ve *ValidationError
	if errors.As(err, &ve) {
		return h.renderTeam(c, http.StatusUnprocessableEntity, &teamView{Form: in, Errors: ve.Fields})
	}
	if err != nil {
		return err
	}
	return h.renderTeam(c, http.StatusOK, &teamView{Secret: pw, SecretFor: m.Email})
}

// memberParam reads :id as a staff member.
func (h *Handlers) memberParam(c echo.Context) (*Member, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || id == 0 {
		return nil, web.NotFound
	}
	m, err := h.accounts.ByID(ctx(c), uint(id))
	if errors.Is(err, ErrNotFound) {
		return nil, web.NotFound
	}
	return m, err
}

// TeamRole changes a member's role (admin; POST /staff/team/:id/role).
func (h *Handlers) TeamRole(c echo.Context) error {
	m, err := h.memberParam(c)
	if err != nil {
		return err
	}
	if err := h.accounts.SetRole(ctx(c), actor(c), m.ID, c.FormValue("role")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/team")
}

// TeamDisable disables a member: their sessions and token stop working (admin; POST /staff/team/:id/disable).
func (h *Handlers) TeamDisable(c echo.Context) error {
	m, err := h.memberParam(c)
	if err != nil {
		return err
	}
	if m.ID == MemberOf(c).ID {
		return web.Errorf(http.StatusConflict, "You cannot disable your own account; ask another admin.")
	}
	if err := h.accounts.Disable(ctx(c), actor(c), m.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/team")
}

// TeamPassword resets a member's password to a one-time one shown once (admin; POST /staff/team/:id/password).
func (h *Handlers) TeamPassword(c echo.Context) error {
	m, err := h.memberParam(c)
	if err != nil {
		return err
	}
	pw, err := h.accounts.ResetPassword(ctx(c), actor(c), m.ID)
	if err != nil {
		return err
	}
	return h.renderTeam(c, http.StatusOK, &teamView{Secret: pw, SecretFor: m.Email})
}
