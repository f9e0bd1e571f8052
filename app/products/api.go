package products

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/catalog"
)

// ProductJSON is a product as the API answers it: the generator's product plus the addresses of
// its page and its bottle preview.
type ProductJSON struct {
	catalog.Product
	URL        string `json:"url"`
	PreviewURL string `json:"preview_url"`
}

func productJSON(p catalog.Product, name string) ProductJSON {
	return ProductJSON{Product: p, URL: ProductURL(p.Code), PreviewURL: PreviewURL(p.Code, name)}
}

// RecommendationJSON is the answer of GET /api/v1/quiz/sessions/{id}/recommendation.
type RecommendationJSON struct {
	Profile  catalog.Profile `json:"profile"`
	Products []ProductJSON   `json:"products"`
}

// APICatalog answers GET /api/v1/catalog: the current catalog's lines, dimensions, options,
// prices and exact counts of valid variants.
func (h *Handlers) APICatalog(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, h.catalog.Current().Info())
}

// APIRecommendation answers GET /api/v1/quiz/sessions/{id}/recommendation: the profile of the
// visitor's finished consultation and the best product of each line it asks for. Another
// visitor's consultation is a 404; an unfinished one a 409.
func (h *Handlers) APIRecommendation(c echo.Context) error {
	r, prof, err := h.consultation(c.Request().Context(), c, c.Param("id"))
	if err != nil {
		return err
	}
	if !r.Completed() {
		return web.Errorf(http.StatusConflict, "This consultation is not finished yet: answer the remaining questions first.")
	}
	products, err := h.catalog.Current().Recommend(prof)
	if err != nil {
		return err
	}
	out := RecommendationJSON{Profile: prof, Products: make([]ProductJSON, 0, len(products))}
	for _, p := range products {
		out.Products = append(out.Products, productJSON(p, prof.Name))
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.JSON(http.StatusOK, out)
}

// APIProduct answers GET /api/v1/products/{code}: the product, labelled and explained for the
// visitor's consultation if they have one.
func (h *Handlers) APIProduct(c echo.Context) error {
	prof := h.visitorProfile(c)
	p, err := h.decode(c, prof)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, productJSON(p, prof.Name))
}

// APICustomize answers POST /api/v1/products/{code}/customize with {"changes": {dimension:
// option or [options]}}: 200 and the new product; 409 {error, conflicts, suggestion:{code}}
// when a rule is broken; 422 for an unknown dimension or option; 404 for a bad code.
func (h *Handlers) APICustomize(c echo.Context) error {
	prof := h.visitorProfile(c)
	p, err := h.decode(c, prof)
	if err != nil {
		return err
	}
	var req customizeRequest
	if err := web.BindJSON(c, &req); err != nil {
		return err
	}
	changes, err := req.selection()
	if err != nil {
		return err
	}
	line, err := h.lineOf(p)
	if err != nil {
		return err
	}
	next, err := line.Customize(p.Selection(), changes, prof)
	if err != nil {
		return err // *catalog.ConflictError → 409 with conflicts and suggestion (app/errormap.go)
	}
	return c.JSON(http.StatusOK, productJSON(next, prof.Name))
}
