package app

import (
	"errors"
	"net/http"

	"atelier/app/account"
	"atelier/app/checkout"
	"atelier/app/loyalty"
	"atelier/app/staff"
	"atelier/app/web"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// domainErrors is the one table from domain errors to HTTP statuses and the words a person
// sees (STYLE rule 5). Anything not listed is a 500 with a generic message, logged.
func domainErrors() []web.Mapper {
	return []web.Mapper{
		// questionnaire
		func(err error) *web.Error {
			var ae *questionnaire.AnswerError
			if errors.As(err, &ae) {
				return &web.Error{Status: http.StatusUnprocessableEntity, Message: ae.Message,
					Fields: map[string]string{ae.QuestionID: ae.Message}, Extra: map[string]any{"question_id": ae.QuestionID}}
			}
			return nil
		},
		web.Is(questionnaire.ErrNotShown, http.StatusConflict, "That question is not being asked right now: your earlier answers skip it, or it comes later."),
		web.Is(questionnaire.ErrUnknownQuestion, http.StatusUnprocessableEntity, "There is no such question in this consultation."),
		web.Is(questionnaire.ErrNotFound, http.StatusNotFound, "We could not find that consultation. It may have been started in another browser; use its resume link."),
		web.Is(questionnaire.ErrConflict, http.StatusConflict, "Your answers were changed in another tab. Reload the page to continue."),

		// catalog
		web.Is(catalog.ErrMistyped, http.StatusNotFound, "This code looks mistyped: please check it and try again."),
		web.Is(catalog.ErrUnknownCode, http.StatusNotFound, "No product has this code. Please check it and try again."),
		web.Is(catalog.ErrUnknownVersion, http.StatusNotFound, "This code comes from a catalog we no longer know."),
		web.Is(catalog.ErrUnknownLine, http.StatusNotFound, "We do not make that product line."),
		func(err error) *web.Error {
			var ce *catalog.ConflictError
			if errors.As(err, &ce) {
				extra := map[string]any{"conflicts": ce.Conflicts}
				if ce.Suggestion != nil {
					extra["suggestion"] = map[string]any{"code": ce.Suggestion.Code, "name": ce.Suggestion.Name}
				}
				return &web.Error{Status: http.StatusConflict, Message: ce.Error(), Extra: extra}
			}
			var se *catalog.SelectionError
			if errors.As(err, &se) {
				return &web.Error{Status: http.StatusUnprocessableEntity, Message: se.Message,
					Fields: map[string]string{se.Dimension: se.Message}}
			}
			return nil
		},
		web.Is(catalog.ErrNoVariant, http.StatusUnprocessableEntity, "No product in this line fits everything you asked for. Try relaxing one of your preferences."),

		// fulfillment
		func(err error) *web.Error {
			var ve *fulfillment.ValidationError
			if errors.As(err, &ve) {
				return &web.Error{Status: http.StatusUnprocessableEntity, Message: "Some details need a second look.", Fields: ve.Fields}
			}
			var it *fulfillment.IllegalTransitionError
			if errors.As(err, &it) {
				allowed := it.Allowed
				if allowed == nil {
					allowed = []string{} // always a list: a closed task or a finished job allows no move
				}
				return &web.Error{Status: http.StatusConflict, Message: it.Error(), Extra: map[string]any{"allowed": allowed}}
			}
			return nil
		},
		web.Is(fulfillment.ErrNotFound, http.StatusNotFound, web.NotFound.Message),
		web.Is(fulfillment.ErrForbidden, http.StatusForbidden, "Your role does not allow this."),
		web.Is(fulfillment.ErrNotClaimed, http.StatusConflict, "You do not hold the claim on this item; claim it first."),
		web.Is(fulfillment.ErrConflict, http.StatusConflict, "Someone changed this at the same moment. Reload and try again."),
		web.Is(fulfillment.ErrPaymentMismatch, http.StatusConflict, "The payment does not match the order; it is on hold for our staff to review."),

		// account
		func(err error) *web.Error {
			var ve *account.ValidationError
			if errors.As(err, &ve) {
				return &web.Error{Status: http.StatusUnprocessableEntity, Message: "Some details need a second look.", Fields: ve.FieldMap()}
			}
			return nil
		},
		web.Is(account.ErrNotFound, http.StatusNotFound, web.NotFound.Message),
		web.Is(account.ErrDiscontinued, http.StatusGone, "We no longer make this product line. Take the consultation to find what suits you today."),
		web.Is(account.ErrRateLimited, http.StatusTooManyRequests, "Too many attempts. Please wait a few minutes and try again."),
		web.Is(account.ErrTokenInvalid, http.StatusNotFound, "This link is not valid."),
		web.Is(account.ErrTokenUsed, http.StatusGone, "This link was already used."),
		web.Is(account.ErrTokenExpired, http.StatusGone, "This link has expired."),

		// loyalty
		web.Is(loyalty.ErrNotFound, http.StatusNotFound, web.NotFound.Message),

		// checkout
		func(err error) *web.Error {
			var ie *checkout.ItemError
			if errors.As(err, &ie) {
				return &web.Error{Status: http.StatusUnprocessableEntity, Message: ie.Message, Fields: map[string]string{ie.Field: ie.Message}}
			}
			var fe *checkout.FieldsError
			if errors.As(err, &fe) {
				return &web.Error{Status: http.StatusUnprocessableEntity, Message: fe.Message, Fields: fe.Fields}
			}
			return nil
		},
		web.Is(checkout.ErrItemNotFound, http.StatusNotFound, "That item is no longer in your bag."),
		web.Is(checkout.ErrBadSignature, http.StatusBadRequest, "The webhook signature is missing, wrong or too old."),
		web.Is(checkout.ErrAPIVersion, http.StatusBadRequest, "The webhook endpoint must use Stripe API version "+checkout.StripeAPIVersion+"."),
		web.Is(checkout.ErrProvider, http.StatusBadGateway, "We could not reach the payment service. Your bag is kept; please try again in a moment."),

		// staff accounts
		func(err error) *web.Error {
			var ve *staff.ValidationError
			if errors.As(err, &ve) {
				return &web.Error{Status: http.StatusUnprocessableEntity, Message: "Some details need a second look.", Fields: ve.Fields}
			}
			return nil
		},
		web.Is(staff.ErrBadCredentials, http.StatusUnauthorized, "Email or password is wrong."),
		web.Is(staff.ErrNotFound, http.StatusNotFound, web.NotFound.Message),
	}
}
