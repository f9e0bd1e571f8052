package products

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"atelier/catalog"
)

// Recommended answers GET /quiz/{id}/products: a card for the best product of every line the
// consultation asked for. Another visitor's consultation is a 404 (indistinguishable from a
// missing one); an unfinished one sends the shopper back to /quiz/{id} to finish it.
func (h *Handlers) Recommended(c echo.Context) error {
	id := c.Param("id")
	r, prof, err := h.consultation(c.Request().Context(), c, id)
	if err != nil {
		return err
	}
	if !r.Completed() {
		return c.Redirect(http.StatusSeeOther, "/quiz/"+url.PathEscape(id))
	}
	products, err := h.catalog.Current().Recommend(prof)
	if err != nil {
		return err
	}
	view := &listView{QuizID: id, Name: prof.Name}
	for _, p := range products {
		view.Products = append(view.Products, newCard(p, prof.Name))
	}
	view.Title = "Your products"
	view.Description = "The products we composed for you, with the reasons behind every choice."
	return h.env.Render.Render(c, http.StatusOK, "products/list", view)
}

// Show answers GET /p/{code}: the product page. A code typed in another spelling (lower case,
// hyphens) is redirected to its canonical address.
func (h *Handlers) Show(c echo.Context) error {
	prof := h.visitorProfile(c)
	p, err := h.decode(c, prof)
	if err != nil {
		return err
	}
	if c.Param("code") != p.Code {
		return c.Redirect(http.StatusMovedPermanently, ProductURL(p.Code))
	}
	view, err := h.productPage(p, prof)
	if err != nil {
		return err
	}
	return h.env.Render.Render(c, http.StatusOK, "products/show", view)
}

// Customize answers POST /p/{code}/customize: the changed product (303 to its page), or the
// product page again with status 409, the broken rules in words and the nearest valid product
// that keeps the change. An unknown dimension or option is a 422.
func (h *Handlers) Customize(c echo.Context) error {
	prof := h.visitorProfile(c)
	p, err := h.decode(c, prof)
	if err != nil {
		return err
	}
	line, err := h.lineOf(p)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	info := lineInfo(line.Catalog().Info(), p.Line)
	changes := formChanges(form, p.Selection(), pickDims(info))
	next, err := line.Customize(p.Selection(), changes, prof)
	var ce *catalog.ConflictError
	if errors.As(err, &ce) {
		view, verr := h.productPage(p, prof)
		if verr != nil {
			return verr
		}
		view.Conflict = newConflict(ce, p, changes, info, prof.Name)
		return h.env.Render.Render(c, http.StatusConflict, "products/show", view)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, ProductURL(next.Code))
}

// productPage builds the product page's view: the product, and the Customise form from the
// availability of every option on the product's own line and version.
func (h *Handlers) productPage(p catalog.Product, prof catalog.Profile) (*productView, error) {
	line, err := h.lineOf(p)
	if err != nil {
		return nil, err
	}
	av, err := line.Availability(p.Selection(), prof)
	if err != nil {
		return nil, err
	}
	info := line.Catalog().Info()
	view := &productView{Card: newCard(p, prof.Name), Customise: customise(av, lineInfo(info, p.Line), p.Currency)}
	if cur := h.catalog.Current(); p.Version != cur.Version() {
		view.Previous, view.Today = true, today(cur, p, prof)
	}
	for _, f := range p.Formula {
		view.Total += f.Percent
		if f.QS {
			view.QS = f.INCI
		}
	}
	view.Title = p.Name
	view.Description = "A " + strings.ToLower(p.LineLabel) + " composed for one person, with every ingredient explained."
	return view, nil
}

func pickDims(info catalog.LineInfo) map[string]bool {
	pick := map[string]bool{}
	for _, d := range info.Dimensions {
		pick[d.ID] = d.Pick
	}
	return pick
}

// newConflict explains a refused change and what the nearest valid product changes besides it.
func newConflict(ce *catalog.ConflictError, p catalog.Product, changes catalog.Selection, info catalog.LineInfo, name string) *conflictView {
	v := &conflictView{Conflicts: ce.Conflicts, Requested: describe(changes, info)}
	if ce.Suggestion != nil {
		s := newCard(*ce.Suggestion, name)
		v.Suggestion = &s
		v.Changes = differences(p, *ce.Suggestion, changes)
	}
	return v
}

// describe writes changes as "Scent: Rose Petal; Actives: Retinol, Niacinamide".
func describe(changes catalog.Selection, info catalog.LineInfo) string {
	var parts []string
	for _, d := range info.Dimensions {
		opts, ok := changes[d.ID]
		if !ok {
			continue
		}
		var labels []string
		for _, id := range opts {
			label := id
			for _, o := range d.Options {
				if o.ID == id {
					label = o.Label
				}
			}
			labels = append(labels, label)
		}
		if len(labels) == 0 {
			labels = []string{"none"}
		}
		parts = append(parts, d.Label+": "+strings.Join(labels, ", "))
	}
	return strings.Join(parts, "; ")
}
