// Package products is the shopper's side of the generator: the "Your products" page after the
// consultation, the product page with its formula, reasons and customisation (options that do
// not fit are greyed out with the reason), the bottle preview, and the catalog and product JSON
// API under /api/v1/.
//
// A product is always addressed by its reorder code. The visitor's consultation (the quiz
// response whose id is in their session, when it is theirs) supplies the profile that names
// the product, explains its choices and applies hard rules (fragrance-free, pregnancy…);
// without one an empty profile is used.
//
// Codes from older catalog versions decode through the registry and are customised on their
// own version's line, so a shopper sees and adjusts exactly the product they bought; the page
// says the product comes from an earlier catalog.
package products

import (
	"context"
	"errors"
	"net/url"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/catalog"
	"atelier/questionnaire"
)

// Handlers answers the product pages and the catalog and product API.
type Handlers struct {
	env     web.Env
	quiz    *questionnaire.Store
	catalog *catalog.Registry
}

// New builds the handlers from the shared web environment, the quiz response store (for the
// visitor's profile) and the catalog registry (current and older versions).
func New(env web.Env, quiz *questionnaire.Store, reg *catalog.Registry) *Handlers {
	return &Handlers{env: env, quiz: quiz, catalog: reg}
}

// consultation returns the visitor's own quiz response with its profile, or
// questionnaire.ErrNotFound when it does not exist or belongs to another visitor (404).
func (h *Handlers) consultation(ctx context.Context, c echo.Context, id string) (*questionnaire.Response, catalog.Profile, error) {
	r, err := h.quiz.GetForOwner(ctx, id, web.SessionOf(c).OwnerKey())
	if err != nil {
		return nil, catalog.Profile{}, err
	}
	quiz, err := h.quiz.Definition(ctx, r.QuizVersion)
	if err != nil {
		return nil, catalog.Profile{}, err
	}
	return r, catalog.Profile(quiz.State(r.Answers).Profile), nil
}

// visitorProfile is the profile of the visitor's current consultation (session key KeyQuiz), or
// an empty profile when they have none, or it is not theirs. It never fails: a product page
// works for anyone holding a code.
func (h *Handlers) visitorProfile(c echo.Context) catalog.Profile {
	id := web.SessionOf(c).String(web.KeyQuiz)
	if id == "" {
		return catalog.Profile{}
	}
	_, p, err := h.consultation(c.Request().Context(), c, id)
	if err != nil {
		if !errors.Is(err, questionnaire.ErrNotFound) {
			h.env.Log.Warn("visitor profile", "error", err)
		}
		return catalog.Profile{}
	}
	return p
}

// lineOf returns the line a product was made on, in the product's own catalog version.
func (h *Handlers) lineOf(p catalog.Product) (*catalog.Line, error) {
	cat, ok := h.catalog.Version(p.Version)
	if !ok {
		return nil, catalog.ErrUnknownVersion
	}
	return cat.Line(p.Line)
}

// decode reads a code as typed in the URL; a bad code is catalog.ErrMistyped and friends,
// which the error table answers with 404 "looks mistyped".
func (h *Handlers) decode(c echo.Context, p catalog.Profile) (catalog.Product, error) {
	return h.catalog.Decode(c.Param("code"), p)
}

// PreviewURL is the address of a product's bottle preview with name on the label. The name is
// carried in the URL (not taken from the session) so the picture stays publicly cacheable.
func PreviewURL(code, name string) string {
	u := "/api/v1/products/" + code + "/preview.svg"
	if name != "" && validName(name) == "" {
		u += "?name=" + url.QueryEscape(name)
	}
	return u
}

// ProductURL is the address of a product's page. Codes are canonical Crockford base-32 with
// check symbols (0-9 A-Z * ~ $ =), all legal in a path segment, so they are not escaped.
func ProductURL(code string) string { return "/p/" + code }
