package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

// BindJSON decodes the request's JSON body into v. Unknown fields are ignored (so a client
// cannot set what the server computes, such as prices, by sending more); malformed JSON, a
// wrong type or trailing data is a 400 that says where.
func BindJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return Errorf(http.StatusBadRequest, "The request body is empty; send a JSON object.")
		case BodyTooLarge(err):
			return Errorf(http.StatusRequestEntityTooLarge, "The request body is too large.")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return Errorf(http.StatusBadRequest, "The JSON is malformed: it ends too early.")
		case errors.As(err, &se):
			return Errorf(http.StatusBadRequest, "The JSON is malformed at byte %d.", se.Offset)
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "the body"
			}
			return Errorf(http.StatusBadRequest, "The JSON field %s must be %s, not %s.", field, jsonKind(te.Type.Kind().String()), te.Value)
		default:
			return Errorf(http.StatusBadRequest, "The JSON could not be read: %v.", err)
		}
	}
	if dec.More() {
		return Errorf(http.StatusBadRequest, "The request body holds more than one JSON value.")
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "map", "struct":
		return "an object"
	}
	return fmt.Sprintf("a %s", k)
}

// BodyTooLarge reports whether err is a read of a request body stopped at its size limit:
// by http.MaxBytesReader, or by Echo's BodyLimit middleware, which finds the limit only while
// reading when the body came without Content-Length (chunked).
func BodyTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	var he *echo.HTTPError
	return errors.As(err, &mbe) || errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge
}
